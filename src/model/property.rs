//! Property values and the social-stijging ("social mobility") effect on them.

/// Value of a dwelling in the wijk: V^city (1 - disc_0 (1 - theta (1 - c))).
pub fn wijk_value(city_value: f64, start_discount: f64, theta: f64, composite_gap: f64) -> f64 {
    city_value * (1.0 - start_discount * (1.0 - theta * (1.0 - composite_gap)))
}

/// What `dwellings` gained from the gap closing: dwellings x (V_w - V^city (1 - disc_0)).
pub fn uplift(
    dwellings: f64,
    city_value: f64,
    start_discount: f64,
    theta: f64,
    composite_gap: f64,
) -> f64 {
    dwellings
        * (wijk_value(city_value, start_discount, theta, composite_gap)
            - city_value * (1.0 - start_discount))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_and_uplift_by_hand() {
        // Gap unchanged: the full start discount of 25%.
        assert!((wijk_value(160_000.0, 0.25, 0.3, 1.0) - 120_000.0).abs() < 1e-9);
        // Gap halved with theta 0.3: discount 0.25 (1 - 0.15) = 0.2125.
        assert!((wijk_value(160_000.0, 0.25, 0.3, 0.5) - 126_000.0).abs() < 1e-9);
        assert!((uplift(100.0, 160_000.0, 0.25, 0.3, 0.5) - 600_000.0).abs() < 1e-6);
        assert_eq!(uplift(100.0, 160_000.0, 0.25, 0.3, 1.0), 0.0);
    }
}
