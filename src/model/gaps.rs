//! Gap dynamics of one wijk: the programme stock, its saturating response, and the yearly
//! update of the normalised indicator gaps g_k (1 at the start, 0 at the city average).

use nalgebra::DMatrix;
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

/// What moves the gaps of one wijk in one year besides their own state.
#[derive(Clone, Copy, Debug)]
pub struct GapDrivers<'a> {
    /// Social response r_t.
    pub response: f64,
    /// Percentage points of the wijk's dwellings upgraded this year.
    pub upgraded_pp: f64,
    /// Ageing of the stock, percentage points a year.
    pub aging_pp: f64,
    /// Effective leakage leak (1 - retention).
    pub leak: f64,
    /// u_t - mean u (the long-run mean).
    pub unemployment_deviation: f64,
    /// One standard normal per indicator.
    pub noise: &'a [f64],
}

/// The observed gap: the structural gap plus the business cycle as a level, within the
/// indicator's physical range: g = clamp(z + cyc (u - mean u) / G(0), lo, hi).
pub fn observed(ind: &IndicatorDraw, z: f64, unemployment_deviation: f64) -> f64 {
    (z + ind.cyclical * unemployment_deviation).clamp(ind.lo, ind.hi)
}

/// Direct closure of one indicator this year (before spillover): a social indicator closes
/// eff x r x max(z, 0) (only a positive gap can be closed); the physical one closes the
/// share of dwellings upgraded, in gap units, at most what is left above `lo`.
pub fn direct(ind: &IndicatorDraw, drivers: &GapDrivers, z: f64) -> f64 {
    match ind.response {
        Response::Social => ind.effect * drivers.response * z.max(0.0),
        Response::Physical => (drivers.upgraded_pp / ind.gap0).min(z - ind.lo),
    }
}

/// Updates the structural gaps `z` from z_{t-1} to z_t and sets the observed gaps `g`:
/// z = clamp(z - (I + C) d + leak (1 - z) + sigma e (+ ageing for physical), lo, hi).
/// `direct` is scratch space of the same length (no allocation); it holds d afterwards.
pub fn step(
    indicators: &[IndicatorDraw],
    spillover: &DMatrix<f64>,
    drivers: &GapDrivers,
    z: &mut [f64],
    g: &mut [f64],
    direct: &mut [f64],
) {
    for (k, ind) in indicators.iter().enumerate() {
        direct[k] = self::direct(ind, drivers, z[k]);
    }
    for (k, ind) in indicators.iter().enumerate() {
        let mut total = 0.0;
        for (j, d) in direct.iter().enumerate() {
            total += spillover[(k, j)] * d;
        }
        let prev = z[k];
        let mut next = prev - total + ind.sigma * drivers.noise[k];
        if ind.leakage {
            next += drivers.leak * (1.0 - prev);
        }
        if ind.response == Response::Physical {
            next += drivers.aging_pp / ind.gap0;
        }
        z[k] = next.clamp(ind.lo, ind.hi);
        g[k] = observed(ind, z[k], drivers.unemployment_deviation);
    }
}

/// Composite gap c = sum_k w_k g_k.
pub fn composite(weights: impl Iterator<Item = f64>, g: &[f64]) -> f64 {
    weights.zip(g).map(|(w, x)| w * x).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

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
            response: 0.5,
            upgraded_pp: 0.75,
            aging_pp: 0.3,
            leak: 0.05,
            unemployment_deviation: 0.01,
            noise: &noise,
        };
        let mut z = [0.8, 0.9];
        let mut g = [0.0; 2];
        let mut d = [0.0; 2];
        step(&ind, &spill, &drivers, &mut z, &mut g, &mut d);
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
    fn negative_gaps_are_not_closed_and_bounds_hold() {
        let ind = [social(0.5, 150.0 / 7.5, -5.0 / 7.5, 95.0 / 7.5)];
        let spill = DMatrix::identity(1, 1);
        let drivers = GapDrivers {
            response: 1.0,
            upgraded_pp: 0.0,
            aging_pp: 0.0,
            leak: 0.0,
            unemployment_deviation: -0.05,
            noise: &[0.0],
        };
        // Better than the city: nothing to close, and the recession-free observed gap stops
        // at the physical bound (a wijk at 0% unemployment).
        let (mut z, mut g, mut d) = ([-0.2], [0.0], [0.0]);
        step(&ind, &spill, &drivers, &mut z, &mut g, &mut d);
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
        let drivers = GapDrivers {
            response: 0.0,
            upgraded_pp: 30.0,
            aging_pp: 0.0,
            leak: 0.0,
            unemployment_deviation: 0.0,
            noise: &[0.0],
        };
        // 30 pp of dwellings upgraded, but only 0.1 + 10/15 of gap is left above lo.
        assert!((direct(&ind, &drivers, 0.1) - (0.1 + 10.0 / 15.0)).abs() < 1e-15);
        assert!((direct(&ind, &drivers, 5.0) - 2.0).abs() < 1e-15);
    }
}
