//! Gap dynamics of one wijk: the programme stock, its saturating response, and the yearly
//! update of the normalised indicator gaps g_k (1 at the start, 0 at the city average).

use serde::Serialize;

/// How money moves an indicator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Response {
    /// Closes with the social programme stock.
    Social,
    /// Closes with physical investment (dwellings upgraded) and ages.
    Physical,
}

/// Programme stock K_t = (1 - lambda) K_{t-1} + s_t (EUR per resident).
pub fn stock(previous: f64, decay: f64, intensity: f64) -> f64 {
    (1.0 - decay) * previous + intensity
}

/// Saturating response r = 1 - exp(-K / K_half), in [0, 1) for K >= 0.
pub fn response(stock: f64, k_half: f64) -> f64 {
    1.0 - (-stock / k_half).exp()
}

/// One indicator's coefficients in one wijk and draw.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct IndicatorDraw {
    /// eff_k x the wijk's multiplier.
    pub effect: f64,
    /// cyc_k / G_k(0): normalised gap per unit of national unemployment rate.
    pub cyclical: f64,
    pub sigma: f64,
    /// G_k(0) of this wijk.
    pub gap0: f64,
    /// Normalised gaps at the edges of the indicator's physical range in this wijk.
    pub lo: f64,
    pub hi: f64,
    pub response: Response,
    pub leakage: bool,
}

/// What moves the gaps of the wijken in one year besides their own state.
#[derive(Clone, Copy, Debug)]
pub struct GapDrivers<'a> {
    /// Social response r_t, per wijk.
    pub response: &'a [f64],
    /// Percentage points of the wijk's dwellings upgraded this year, per wijk.
    pub upgraded_pp: &'a [f64],
    /// Ageing of the stock, percentage points a year.
    pub aging_pp: f64,
    /// Effective leakage leak (1 - retention).
    pub leak: f64,
    /// u_t - mean u (the long-run mean).
    pub unemployment_deviation: f64,
    /// One standard normal per indicator and wijk (k * W + w).
    pub noise: &'a [f64],
}

/// The observed gap: the structural gap plus the business cycle as a level, within the
/// indicator's physical range: g = clamp(z + cyc (u - mean u) / G(0), lo, hi).
pub fn observed(ind: &IndicatorDraw, z: f64, unemployment_deviation: f64) -> f64 {
    within(z + ind.cyclical * unemployment_deviation, ind.lo, ind.hi)
}

/// Direct closure of one indicator this year (before spillover), given the wijk's social
/// `response` and `upgraded_pp`: a social indicator closes eff x r x max(z, 0) (only a
/// positive gap can be closed); the physical one closes the share of dwellings upgraded, in
/// gap units, at most what is left above `lo`.
pub fn direct(ind: &IndicatorDraw, response: f64, upgraded_pp: f64, z: f64) -> f64 {
    match ind.response {
        Response::Social => ind.effect * response * z.max(0.0),
        Response::Physical => (upgraded_pp / ind.gap0).min(z - ind.lo),
    }
}

/// Updates the structural gaps `z` of every wijk from z_{t-1} to z_t and sets the observed
/// gaps `g`: z = clamp(z - (I + C) d + leak (1 - z) + sigma e (+ ageing for physical), lo, hi).
/// `indicators`, `z`, `g`, `direct` and the noise hold indicator k of wijk w at k * W + w (W
/// the number of wijken in `drivers`): each loop below runs over the wijken of one indicator,
/// contiguous in memory, which the compiler vectorises. `spillover` is I + C column by column
/// (nalgebra's storage order); `direct` is scratch space (no allocation) that holds d
/// afterwards.
pub fn step(
    indicators: &[IndicatorDraw],
    spillover: &[f64],
    drivers: &GapDrivers,
    z: &mut [f64],
    g: &mut [f64],
    direct: &mut [f64],
) {
    let n_w = drivers.response.len();
    let n = indicators.len();
    let n_k = n.checked_div(n_w).unwrap_or(0);
    assert_eq!(n_k * n_w, n, "every wijk has every indicator");
    assert_eq!(n_k * n_k, spillover.len(), "a square spillover matrix");
    let (response, upgraded) = (drivers.response, &drivers.upgraded_pp[..n_w]);
    let wijken = |k: usize| k * n_w..(k + 1) * n_w;
    for k in 0..n_k {
        let (ind, z, d) = (
            &indicators[wijken(k)],
            &z[wijken(k)],
            &mut direct[wijken(k)],
        );
        let wijk = ind.iter().zip(z).zip(response.iter().zip(upgraded));
        for (d, ((ind, &z), (&r, &u))) in d.iter_mut().zip(wijk) {
            *d = self::direct(ind, r, u, z);
        }
    }
    // (I + C) d into g (overwritten below): for each wijk and k the sum over j in order. A zero
    // entry adds 0 x d = 0 (d finite) to a sum that is never -0: skipping it changes no bit.
    g[..n].fill(0.0);
    for k in 0..n_k {
        for j in 0..n_k {
            let s = spillover[j * n_k + k];
            if s == 0.0 {
                continue;
            }
            let (gk, dj) = (&mut g[wijken(k)], &direct[wijken(j)]);
            for (total, &d) in gk.iter_mut().zip(dj) {
                *total += s * d;
            }
        }
    }
    let each = indicators.iter().zip(&drivers.noise[..n]);
    for ((z, g), (ind, &e)) in z[..n].iter_mut().zip(&mut g[..n]).zip(each) {
        let prev = *z;
        let mut next = prev - *g + ind.sigma * e;
        if ind.leakage {
            next += drivers.leak * (1.0 - prev);
        }
        if ind.response == Response::Physical {
            next += drivers.aging_pp / ind.gap0;
        }
        *z = within(next, ind.lo, ind.hi);
        *g = observed(ind, *z, drivers.unemployment_deviation);
    }
}

/// `x.clamp(lo, hi)` for lo <= hi (checked when the scenario is loaded), without clamp's
/// check on every call; NaN stays NaN.
fn within(x: f64, lo: f64, hi: f64) -> f64 {
    if x < lo {
        lo
    } else if x > hi {
        hi
    } else {
        x
    }
}

/// Composite gap c = sum_k w_k g_k.
pub fn composite(weights: impl Iterator<Item = f64>, g: &[f64]) -> f64 {
    weights.zip(g).map(|(w, x)| w * x).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::DMatrix;

    #[test]
    fn stock_and_response_by_hand() {
        assert_eq!(stock(1000.0, 0.3, 300.0), 1000.0);
        assert!((response(1000.0, 1000.0) - (1.0 - (-1.0f64).exp())).abs() < 1e-15);
        assert_eq!(response(0.0, 1000.0), 0.0);
    }

    fn social(effect: f64, cyclical: f64, lo: f64, hi: f64) -> IndicatorDraw {
        IndicatorDraw {
            effect,
            cyclical,
            sigma: 0.03,
            gap0: 7.5,
            lo,
            hi,
            response: Response::Social,
            leakage: true,
        }
    }

    #[test]
    fn one_year_by_hand() {
        // Two indicators: a social one (unemployment, G(0) 7.5 pp, range [0, 100] around a
        // city at 5%) and a physical one (housing, G(0) 15 pp), with housing -> unemployment
        // spillover 0.5 and unemployment -> housing 0.
        let ind = [
            social(0.04, 150.0 / 7.5, -5.0 / 7.5, 95.0 / 7.5),
            IndicatorDraw {
                effect: 0.0,
                cyclical: 0.0,
                sigma: 0.03,
                gap0: 15.0,
                lo: -10.0 / 15.0,
                hi: 90.0 / 15.0,
                response: Response::Physical,
                leakage: false,
            },
        ];
        let spill = DMatrix::from_row_slice(2, 2, &[1.0, 0.5, 0.0, 1.0]);
        let noise = [1.0, -1.0];
        let drivers = GapDrivers {
            response: &[0.5],
            upgraded_pp: &[0.75],
            aging_pp: 0.3,
            leak: 0.05,
            unemployment_deviation: 0.01,
            noise: &noise,
        };
        let mut z = [0.8, 0.9];
        let mut g = [0.0; 2];
        let mut d = [0.0; 2];
        step(&ind, spill.as_slice(), &drivers, &mut z, &mut g, &mut d);
        let d0 = 0.04 * 0.5 * 0.8; // 0.016
        let d1 = 0.75 / 15.0; // 0.05
        let z0 = 0.8 - (d0 + 0.5 * d1) + 0.05 * 0.2 + 0.03;
        let z1 = 0.9 - d1 + 0.3 / 15.0 - 0.03;
        assert!((z[0] - z0).abs() < 1e-15, "{} vs {z0}", z[0]);
        assert!((z[1] - z1).abs() < 1e-15, "{} vs {z1}", z[1]);
        // The cycle is a level on the observed gap only: 150 x 0.01 / 7.5 = 0.2.
        assert!((g[0] - (z0 + 0.2)).abs() < 1e-15);
        assert_eq!(g[1], z[1]);
        assert!((composite([0.5, 0.5].into_iter(), &g) - (g[0] + g[1]) / 2.0).abs() < 1e-15);
    }

    #[test]
    fn wijken_stepped_together_move_as_each_alone() {
        // Two indicators with spillover both ways, three wijken with their own responses,
        // upgrades, noise and starting gaps, stored indicator by indicator.
        let physical = IndicatorDraw {
            response: Response::Physical,
            leakage: false,
            ..social(0.0, 0.0, -10.0 / 15.0, 90.0 / 15.0)
        };
        let spill = DMatrix::from_row_slice(2, 2, &[1.0, 0.5, 0.25, 1.0]);
        let (response, upgraded) = ([0.5, 0.1, 0.9], [0.75, 0.0, 3.0]);
        let wijk = |w: usize| [social(0.04 + 0.01 * w as f64, 20.0, -0.7, 12.0), physical];
        let noise = |w: usize| [0.3 - w as f64, 1.0 + w as f64];
        let start = |w: usize| [0.8 + 0.1 * w as f64, 0.9 - 0.2 * w as f64];
        let alone: Vec<([f64; 2], [f64; 2])> = (0..3)
            .map(|w| {
                let drivers = GapDrivers {
                    response: &response[w..=w],
                    upgraded_pp: &upgraded[w..=w],
                    aging_pp: 0.3,
                    leak: 0.05,
                    unemployment_deviation: 0.01,
                    noise: &noise(w),
                };
                let (mut z, mut g, mut d) = (start(w), [0.0; 2], [0.0; 2]);
                step(&wijk(w), spill.as_slice(), &drivers, &mut z, &mut g, &mut d);
                (z, g)
            })
            .collect();
        let by_k = |f: &dyn Fn(usize) -> [f64; 2]| -> Vec<f64> {
            (0..2)
                .flat_map(|k| (0..3).map(move |w| (k, w)))
                .map(|(k, w)| f(w)[k])
                .collect()
        };
        let ind: Vec<IndicatorDraw> = (0..2)
            .flat_map(|k| (0..3).map(move |w| wijk(w)[k]))
            .collect();
        let noise_all = by_k(&noise);
        let drivers = GapDrivers {
            response: &response,
            upgraded_pp: &upgraded,
            aging_pp: 0.3,
            leak: 0.05,
            unemployment_deviation: 0.01,
            noise: &noise_all,
        };
        let (mut z, mut g, mut d) = (by_k(&start), vec![0.0; 6], vec![0.0; 6]);
        step(&ind, spill.as_slice(), &drivers, &mut z, &mut g, &mut d);
        assert_eq!(z, by_k(&|w| alone[w].0));
        assert_eq!(g, by_k(&|w| alone[w].1));
    }

    #[test]
    fn negative_gaps_are_not_closed_and_bounds_hold() {
        let ind = [social(0.5, 150.0 / 7.5, -5.0 / 7.5, 95.0 / 7.5)];
        let spill = DMatrix::identity(1, 1);
        let drivers = GapDrivers {
            response: &[1.0],
            upgraded_pp: &[0.0],
            aging_pp: 0.0,
            leak: 0.0,
            unemployment_deviation: -0.05,
            noise: &[0.0],
        };
        // Better than the city: nothing to close, and the recession-free observed gap stops
        // at the physical bound (a wijk at 0% unemployment).
        let (mut z, mut g, mut d) = ([-0.2], [0.0], [0.0]);
        step(&ind, spill.as_slice(), &drivers, &mut z, &mut g, &mut d);
        assert_eq!(d[0], 0.0);
        assert_eq!(z[0], -0.2);
        assert_eq!(g[0], -5.0 / 7.5);
    }

    #[test]
    fn upgrades_are_limited_to_what_is_left() {
        let ind = IndicatorDraw {
            effect: 0.0,
            cyclical: 0.0,
            sigma: 0.0,
            gap0: 15.0,
            lo: -10.0 / 15.0,
            hi: 90.0 / 15.0,
            response: Response::Physical,
            leakage: false,
        };
        // 30 pp of dwellings upgraded, but only 0.1 + 10/15 of gap is left above lo.
        assert!((direct(&ind, 0.0, 30.0, 0.1) - (0.1 + 10.0 / 15.0)).abs() < 1e-15);
        assert!((direct(&ind, 0.0, 30.0, 5.0) - 2.0).abs() < 1e-15);
    }
}
