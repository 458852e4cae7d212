//! Values that change by calendar year: policy levers (levy rate, rent policy, state budget)
//! and the economy's mean overlays.

use serde::Serialize;
use std::collections::BTreeMap;

/// A step function of the calendar year: the value of the latest listed year at or before
/// the year asked for, or `before` when no listed year is that early.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Schedule {
    pub before: f64,
    pub steps: BTreeMap<i32, f64>,
}

impl Schedule {
    /// The same value in every year.
    pub fn constant(v: f64) -> Schedule {
        Schedule {
            before: v,
            steps: BTreeMap::new(),
        }
    }

    /// Value in calendar year `year`.
    pub fn at(&self, year: i32) -> f64 {
        if self.steps.is_empty() {
            return self.before;
        }
        self.steps
            .range(..=year)
            .next_back()
            .map_or(self.before, |(_, v)| *v)
    }

    /// The values for years `start .. start + n`, so the hot loop only indexes.
    pub fn expand(&self, start: i32, n: usize) -> Vec<f64> {
        (0..n).map(|k| self.at(start + k as i32)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_hold_until_the_next_listed_year() {
        let s = Schedule {
            before: 0.0,
            steps: [(2013, 0.00381), (2015, 0.00449)].into_iter().collect(),
        };
        assert_eq!(s.at(2012), 0.0);
        assert_eq!(s.at(2013), 0.00381);
        assert_eq!(s.at(2014), 0.00381);
        assert_eq!(s.at(2020), 0.00449);
        assert_eq!(s.expand(2012, 3), vec![0.0, 0.00381, 0.00381]);
        assert_eq!(Schedule::constant(2.0).at(1900), 2.0);
    }
}
