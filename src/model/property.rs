//! Property values, the WOZ tax base and the social-stijging ("social mobility") effect on
//! them.

/// The share of the start discount that remains when buyers see the value composite `cv`:
/// clamp(1 - theta (1 - cv), 0, 1 + theta). Closed gaps remove at most the whole discount (a
/// wijk never trades above the city); a widening gap deepens it by at most theta.
pub fn discount_share(theta: f64, cv: f64) -> f64 {
    (1.0 - theta * (1.0 - cv)).clamp(0.0, 1.0 + theta)
}

/// Value of a dwelling in the wijk: V^city (1 - disc_0 x discount_share(theta, cv)).
pub fn wijk_value(city_value: f64, start_discount: f64, theta: f64, cv: f64) -> f64 {
    city_value * (1.0 - start_discount * discount_share(theta, cv))
}

/// What one dwelling gained from the gap closing: V_w - V^city (1 - disc_0).
pub fn uplift_per_dwelling(city_value: f64, start_discount: f64, theta: f64, cv: f64) -> f64 {
    wijk_value(city_value, start_discount, theta, cv) - city_value * (1.0 - start_discount)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_and_uplift_by_hand() {
        // cv unchanged: the full start discount of 25%.
        assert!((wijk_value(160_000.0, 0.25, 0.6, 1.0) - 120_000.0).abs() < 1e-9);
        // cv halved with theta 0.6: discount 0.25 (1 - 0.3) = 0.175.
        assert!((wijk_value(160_000.0, 0.25, 0.6, 0.5) - 132_000.0).abs() < 1e-9);
        assert!((uplift_per_dwelling(160_000.0, 0.25, 0.6, 0.5) - 12_000.0).abs() < 1e-9);
        assert_eq!(uplift_per_dwelling(160_000.0, 0.25, 0.6, 1.0), 0.0);
    }

    #[test]
    fn a_wijk_never_trades_above_the_city_and_widening_is_bounded() {
        // cv far below 0: the discount closes at most fully.
        assert_eq!(wijk_value(160_000.0, 0.25, 0.9, -3.0), 160_000.0);
        // cv far above 1: the discount deepens by at most theta (0.25 x 1.9).
        assert!((wijk_value(160_000.0, 0.25, 0.9, 5.0) - 160_000.0 * (1.0 - 0.475)).abs() < 1e-9);
    }
}
