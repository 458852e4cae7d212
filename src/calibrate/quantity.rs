//! The named outputs a calibration target can aim at, computed from one draw, and the
//! statistics over draws that are compared with a target's band.

use crate::model::{CLOSED, DrawOutcome, HALVED};
use crate::plot::Lang;
use crate::scenario::Scenario;
use serde::{Deserialize, Serialize};

/// A number (or a 0/1 event) per draw.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "quantity", rename_all = "snake_case")]
pub enum Quantity {
    /// Overall gap closure 1 - c (population-weighted) in `year`.
    Closure { year: i32 },
    /// Population-weighted closure 1 - g of one indicator in `year`.
    IndicatorClosure { indicator: String, year: i32 },
    /// The change of the wijk value relative to the city value from the start to `year`,
    /// (V_w / V^city)_year / (V_w / V^city)_start - 1, weighted by dwellings.
    RelativeValueChange { year: i32 },
    /// The share of wijken whose observed gap of `indicator` is wider in `to` than in `from`.
    ShareWidened {
        indicator: String,
        from: i32,
        to: i32,
    },
    /// The share of wijken whose observed gap of `indicator` is narrower in `to` than in
    /// `from`.
    ShareImproved {
        indicator: String,
        from: i32,
        to: i32,
    },
    /// The corporations' investment capacity summed over the years `from`..=`to`, EUR.
    Capacity { from: i32, to: i32 },
    /// The corporations' realised wijk investment over the wijk commitment as agreed, over
    /// the years `from`..=`to`.
    RealisedOverCommitted { from: i32, to: i32 },
    /// The lowest yearly ICR of the sector (all corporations' operating cash flow over all
    /// their interest) in `from`..=`to`.
    SectorMinIcr { from: i32, to: i32 },
    /// 1 if a corporation fell below its ICR limit in some year, else 0.
    BreachIcr,
    /// 1 if a corporation rose above its LTV limit in some year, else 0.
    BreachLtv,
    /// 1 if the overall gap is halved at the horizon (c_T <= 0.5), else 0.
    Halved,
    /// 1 if the overall gap is closed at the horizon (c_T <= 0), else 0.
    Closed,
}

/// The quantity names a targets file may use, with the keys each needs.
pub const NAMES: [(&str, &[&str]); 12] = [
    ("closure", &["year"]),
    ("indicator_closure", &["indicator", "year"]),
    ("relative_value_change", &["year"]),
    ("share_widened", &["indicator", "from", "to"]),
    ("share_improved", &["indicator", "from", "to"]),
    ("capacity", &["from", "to"]),
    ("realised_over_committed", &["from", "to"]),
    ("sector_min_icr", &["from", "to"]),
    ("breach_icr", &[]),
    ("breach_ltv", &[]),
    ("halved", &[]),
    ("closed", &[]),
];

impl Quantity {
    /// True for a 0/1 quantity, whose mean is a probability.
    pub fn is_event(&self) -> bool {
        matches!(
            self,
            Quantity::BreachIcr | Quantity::BreachLtv | Quantity::Halved | Quantity::Closed
        )
    }

    /// A short description for tables, e.g. "closure of the livability gap in 2012"; in Dutch
    /// when `dutch`.
    pub fn describe(&self, dutch: bool) -> String {
        let lang = if dutch { Lang::Nl } else { Lang::En };
        let ind = |name: &str| lang.indicator(name).to_lowercase();
        let t = |en: &'static str, nl: &'static str| lang.t(en, nl);
        match self {
            Quantity::Closure { year } => {
                format!(
                    "{} {year}",
                    t(
                        "overall gap closure in",
                        "ingelopen deel van de totale achterstand in"
                    )
                )
            }
            Quantity::IndicatorClosure { indicator, year } => format!(
                "{} {} {} {year}",
                t(
                    "closure of the gap in",
                    "ingelopen deel van de achterstand in"
                ),
                ind(indicator),
                t("by", "in")
            ),
            Quantity::RelativeValueChange { year } => format!(
                "{} {year}",
                t(
                    "wijk value relative to the city, change to",
                    "waarde in de wijk ten opzichte van de stad, verandering tot"
                )
            ),
            Quantity::ShareWidened {
                indicator,
                from,
                to,
            } => format!(
                "{} {} {} {from}-{to}",
                t(
                    "share of wijken whose gap in",
                    "aandeel wijken waar de achterstand in"
                ),
                ind(indicator),
                t("widened", "groeide")
            ),
            Quantity::ShareImproved {
                indicator,
                from,
                to,
            } => format!(
                "{} {} {} {from}-{to}",
                t(
                    "share of wijken whose gap in",
                    "aandeel wijken waar de achterstand in"
                ),
                ind(indicator),
                t("narrowed", "kleiner werd")
            ),
            Quantity::Capacity { from, to } => format!(
                "{} {from}-{to}",
                t(
                    "corporations' investment capacity",
                    "investeringscapaciteit van de corporaties"
                )
            ),
            Quantity::RealisedOverCommitted { from, to } => format!(
                "{} {from}-{to}",
                t(
                    "realised / committed wijk investment",
                    "gerealiseerde / toegezegde investering in de wijken"
                )
            ),
            Quantity::SectorMinIcr { from, to } => {
                format!(
                    "{} {from}-{to}",
                    t("lowest sector ICR", "laagste ICR van de sector")
                )
            }
            Quantity::BreachIcr => t(
                "a corporation below the ICR limit",
                "een corporatie onder de ICR-norm",
            )
            .into(),
            Quantity::BreachLtv => t(
                "a corporation above the LTV limit",
                "een corporatie boven de LTV-norm",
            )
            .into(),
            Quantity::Halved => t(
                "overall gap halved at the horizon",
                "totale achterstand aan het eind gehalveerd",
            )
            .into(),
            Quantity::Closed => t(
                "overall gap closed at the horizon",
                "totale achterstand aan het eind ingelopen",
            )
            .into(),
        }
    }

    /// Checks that the indicator and years exist in `sc`.
    ///
    /// # Errors
    /// What is wrong, for the target's problem list.
    pub fn check(&self, sc: &Scenario) -> Result<(), String> {
        let first = sc.run.year(0);
        let last = sc.run.year(sc.horizon());
        let level = |y: i32| {
            if (first..=last).contains(&y) {
                Ok(())
            } else {
                Err(format!(
                    "year {y} is outside the run of {} ({first}, the start, to {last})",
                    sc.name
                ))
            }
        };
        let flow = |from: i32, to: i32| {
            if from > to {
                Err(format!("from ({from}) is after to ({to})"))
            } else if from < first + 1 || to > last {
                Err(format!(
                    "years {from}-{to} are outside the simulated years {}-{last} of {}",
                    first + 1,
                    sc.name
                ))
            } else {
                Ok(())
            }
        };
        let indicator = |name: &str| {
            if sc.indicators.iter().any(|i| i.name == name) {
                Ok(())
            } else {
                let known: Vec<&str> = sc.indicators.iter().map(|i| i.name.as_str()).collect();
                Err(format!(
                    "no indicator `{name}` in {}{}",
                    sc.name,
                    crate::scenario::suggest(name, &known)
                ))
            }
        };
        match self {
            Quantity::Closure { year } | Quantity::RelativeValueChange { year } => level(*year),
            Quantity::IndicatorClosure { indicator: i, year } => {
                indicator(i)?;
                level(*year)
            }
            Quantity::ShareWidened {
                indicator: i,
                from,
                to,
            }
            | Quantity::ShareImproved {
                indicator: i,
                from,
                to,
            } => {
                indicator(i)?;
                level(*from)?;
                level(*to)?;
                if from >= to {
                    Err(format!("from ({from}) must be before to ({to})"))
                } else {
                    Ok(())
                }
            }
            Quantity::Capacity { from, to }
            | Quantity::RealisedOverCommitted { from, to }
            | Quantity::SectorMinIcr { from, to } => flow(*from, *to),
            Quantity::BreachIcr | Quantity::BreachLtv | Quantity::Halved | Quantity::Closed => {
                Ok(())
            }
        }
    }

    /// The quantity in draw `o` of scenario `sc` (checked with [`Quantity::check`]).
    pub fn value(&self, sc: &Scenario, o: &DrawOutcome) -> f64 {
        let t_max = sc.horizon();
        // Index of a level in year y (t = 0 is the year before the start) and of a flow.
        let t = |y: i32| (y - sc.run.year(0)) as usize;
        let flows = |from: i32, to: i32| t(from) - 1..t(to);
        let n_k = sc.indicators.len();
        let k = |name: &str| {
            sc.indicators
                .iter()
                .position(|i| i.name == name)
                .expect("checked")
        };
        let g = |w: usize, k: usize, t: usize| o.g[(w * n_k + k) * (t_max + 1) + t];
        let flag = |b: bool| f64::from(u8::from(b));
        let share = |pred: &dyn Fn(usize) -> bool| {
            (0..sc.wijken.len()).filter(|&w| pred(w)).count() as f64 / sc.wijken.len() as f64
        };
        match self {
            Quantity::Closure { year } => 1.0 - o.c_all[t(*year)],
            Quantity::IndicatorClosure { indicator, year } => {
                let (k, t) = (k(indicator), t(*year));
                let total = sc.total_population();
                sc.wijken
                    .iter()
                    .enumerate()
                    .map(|(w, wijk)| (1.0 - g(w, k, t)) * wijk.population / total)
                    .sum()
            }
            Quantity::RelativeValueChange { year } => {
                let t = t(*year);
                let total: f64 = sc.wijken.iter().map(|w| w.dwellings).sum();
                let relative = |w: usize, t: usize| o.value[w * (t_max + 1) + t] / o.city_value[t];
                sc.wijken
                    .iter()
                    .enumerate()
                    .map(|(w, wijk)| (relative(w, t) / relative(w, 0) - 1.0) * wijk.dwellings)
                    .sum::<f64>()
                    / total
            }
            Quantity::ShareWidened {
                indicator,
                from,
                to,
            } => {
                let (k, a, b) = (k(indicator), t(*from), t(*to));
                share(&|w| g(w, k, b) > g(w, k, a))
            }
            Quantity::ShareImproved {
                indicator,
                from,
                to,
            } => {
                let (k, a, b) = (k(indicator), t(*from), t(*to));
                share(&|w| g(w, k, b) < g(w, k, a))
            }
            Quantity::Capacity { from, to } => o
                .corporations
                .iter()
                .map(|c| c.capacity[flows(*from, *to)].iter().sum::<f64>())
                .sum(),
            Quantity::RealisedOverCommitted { from, to } => {
                let sum = |f: &dyn Fn(&crate::model::draw::CorpOutcome) -> &Vec<f64>| {
                    o.corporations
                        .iter()
                        .map(|c| f(c)[flows(*from, *to)].iter().sum::<f64>())
                        .sum::<f64>()
                };
                let committed = sum(&|c| &c.wijk_committed);
                if committed > 0.0 {
                    sum(&|c| &c.wijk_spent) / committed
                } else {
                    1.0
                }
            }
            Quantity::SectorMinIcr { from, to } => flows(*from, *to)
                .map(|i| {
                    let interest: f64 = o.corporations.iter().map(|c| c.interest[i]).sum();
                    let ocf: f64 = o
                        .corporations
                        .iter()
                        .map(|c| c.fcf[i] + c.interest[i])
                        .sum();
                    if interest > 0.0 {
                        (ocf / interest).min(crate::model::draw::ICR_CAP)
                    } else {
                        crate::model::draw::ICR_CAP
                    }
                })
                .fold(f64::INFINITY, f64::min),
            Quantity::BreachIcr => flag(o.corporations.iter().any(|c| c.breach_icr)),
            Quantity::BreachLtv => flag(o.corporations.iter().any(|c| c.breach_ltv)),
            Quantity::Halved => flag(o.c_all[t_max] <= HALVED),
            Quantity::Closed => flag(o.c_all[t_max] <= CLOSED),
        }
    }
}

/// How a target's per-draw values become one number.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "statistic", rename_all = "snake_case")]
pub enum Statistic {
    Mean,
    Median,
    Quantile {
        q: f64,
    },
    /// The mean of a 0/1 quantity.
    Probability,
}

impl Statistic {
    /// The statistic of `values` (exact: the values are sorted, quantiles interpolate
    /// linearly between order statistics).
    pub fn of(self, values: &[f64]) -> f64 {
        match self {
            Statistic::Mean | Statistic::Probability => {
                values.iter().sum::<f64>() / values.len() as f64
            }
            Statistic::Median => quantile(values, 0.5),
            Statistic::Quantile { q } => quantile(values, q),
        }
    }

    /// "median", "mediaan", ...
    pub fn describe(self, dutch: bool) -> String {
        match (self, dutch) {
            (Statistic::Mean, false) => "mean".into(),
            (Statistic::Mean, true) => "gemiddelde".into(),
            (Statistic::Median, false) => "median".into(),
            (Statistic::Median, true) => "mediaan".into(),
            (Statistic::Quantile { q }, false) => format!("quantile {q}"),
            (Statistic::Quantile { q }, true) => format!("kwantiel {q}"),
            (Statistic::Probability, false) => "probability".into(),
            (Statistic::Probability, true) => "kans".into(),
        }
    }
}

/// The q-quantile of `values`, linear between order statistics (type 7).
pub fn quantile(values: &[f64], q: f64) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    crate::stats::quantile_sorted(&v, q)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statistics_by_hand() {
        let v = [3.0, 1.0, 2.0, 4.0];
        assert_eq!(Statistic::Mean.of(&v), 2.5);
        assert_eq!(Statistic::Median.of(&v), 2.5);
        assert_eq!(Statistic::Quantile { q: 0.0 }.of(&v), 1.0);
        assert!((Statistic::Quantile { q: 0.25 }.of(&v) - 1.75).abs() < 1e-15);
        assert_eq!(Statistic::Probability.of(&[1.0, 0.0, 0.0, 1.0]), 0.5);
    }
}
