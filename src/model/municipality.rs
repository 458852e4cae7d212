//! Municipal ("gemeente") social spending in the wijken and the cuts to it.

/// Share of the budget cut in calendar year `year`: 0 before `start`, then rising linearly to
/// `depth` over `ramp` years: depth x min(1, (year - start + 1) / ramp).
pub fn cut_share(depth: f64, start: f64, ramp: f64, year: f64) -> f64 {
    if year < start {
        0.0
    } else {
        depth * ((year - start + 1.0) / ramp).min(1.0)
    }
}

/// The budget B_m,t and the shortfall against the uncut budget, given the uncut budget at
/// t = 0, the cumulative price index (1+p)^t and the cut share.
pub fn budget(base: f64, price_index: f64, cut: f64) -> (f64, f64) {
    let uncut = base * price_index;
    let budget = uncut * (1.0 - cut);
    (budget, uncut - budget)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_ramps_from_start_year() {
        // The reference model's defaults (docs/model.md): start 2011, ramp 4 years, depth 0.15.
        assert_eq!(cut_share(0.15, 2011.0, 4.0, 2010.0), 0.0);
        assert!((cut_share(0.15, 2011.0, 4.0, 2011.0) - 0.0375).abs() < 1e-15);
        assert!((cut_share(0.15, 2011.0, 4.0, 2013.0) - 0.1125).abs() < 1e-15);
        assert_eq!(cut_share(0.15, 2011.0, 4.0, 2014.0), 0.15);
        assert_eq!(cut_share(0.15, 2011.0, 4.0, 2017.0), 0.15);
    }

    #[test]
    fn budget_and_shortfall() {
        // 150 EUR x 10,000 residents, 2% inflation for two years, 10% cut.
        let (b, s) = budget(1_500_000.0, 1.0404, 0.1);
        assert!((b - 1_404_540.0).abs() < 1e-6);
        assert!((s - 156_060.0).abs() < 1e-6);
    }
}
