//! Gap dynamics of one wijk: the programme stock, its saturating response, and the yearly
//! update of the normalised indicator gaps g_k (1 at the start, 0 at the city average).

use crate::scenario::Response;
use nalgebra::DMatrix;

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
    /// cyc_k, percentage points of gap per unit of unemployment rate.
    pub cyclical: f64,
    pub sigma: f64,
    /// G_k(0).
    pub gap0: f64,
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
    /// u_t - mean u.
    pub unemployment_deviation: f64,
    /// One standard normal per indicator.
    pub noise: &'a [f64],
}

/// Updates `g` from g_{t-1} to g_t:
/// g = g - (I + C) d + leak (1 - g) + cyc (u - mean u) / G(0) + sigma e  (+ ageing for physical).
/// `direct` is scratch space of the same length (no allocation).
pub fn step(
    indicators: &[IndicatorDraw],
    spillover: &DMatrix<f64>,
    drivers: &GapDrivers,
    g: &mut [f64],
    direct: &mut [f64],
) {
    for (k, ind) in indicators.iter().enumerate() {
        direct[k] = match ind.response {
            Response::Social => ind.effect * drivers.response * g[k],
            Response::Physical => drivers.upgraded_pp / ind.gap0,
        };
    }
    for (k, ind) in indicators.iter().enumerate() {
        let mut total = 0.0;
        for (j, d) in direct.iter().enumerate() {
            total += spillover[(k, j)] * d;
        }
        let prev = g[k];
        let mut next = prev - total
            + ind.cyclical * drivers.unemployment_deviation / ind.gap0
            + ind.sigma * drivers.noise[k];
        if ind.leakage {
            next += drivers.leak * (1.0 - prev);
        }
        if ind.response == Response::Physical {
            next += drivers.aging_pp / ind.gap0;
        }
        g[k] = next;
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

    #[test]
    fn one_year_by_hand() {
        // Two indicators: a social one (unemployment) and a physical one (housing), with
        // housing -> unemployment spillover 0.5 and unemployment -> housing 0.
        let ind = [
            IndicatorDraw {
                effect: 0.04,
                cyclical: 150.0,
                sigma: 0.03,
                gap0: 7.5,
                response: Response::Social,
                leakage: true,
            },
            IndicatorDraw {
                effect: 0.0,
                cyclical: 0.0,
                sigma: 0.03,
                gap0: 15.0,
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
        let mut g = [0.8, 0.9];
        let mut d = [0.0; 2];
        step(&ind, &spill, &drivers, &mut g, &mut d);
        let d0 = 0.04 * 0.5 * 0.8; // 0.016
        let d1 = 0.75 / 15.0; // 0.05
        let g0 = 0.8 - (d0 + 0.5 * d1) + 0.05 * 0.2 + 150.0 * 0.01 / 7.5 + 0.03;
        let g1 = 0.9 - d1 + 0.3 / 15.0 - 0.03;
        assert!((g[0] - g0).abs() < 1e-15, "{} vs {g0}", g[0]);
        assert!((g[1] - g1).abs() < 1e-15, "{} vs {g1}", g[1]);
        assert!((composite([0.5, 0.5].into_iter(), &g) - (g0 + g1) / 2.0).abs() < 1e-15);
    }
}
