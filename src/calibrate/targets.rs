//! The targets file: published figures, each translated into a band on a model quantity,
//! and (optionally) the parameters to fit with their bounds.
//!
//! ```toml
//! draws = 2000                 # optional defaults for -n and --seed
//! seed = 2008
//!
//! [[fit]]                      # optional; `--fit PATH=LO..HI` replaces the list
//! path = "gaps.k_half"         # a parameter (a distribution moves by its location)
//! lo = 300                     # or a year of a schedule: corporations.defaults.commitment.2011
//! hi = 4000
//! start = 1000                 # optional: where the search starts (default: the scenario's)
//!
//! [[target]]
//! name = "value_change_2014"
//! source = "Koster & Van Ommeren (2018)"
//! note = "why this band"       # the translation, shown in the report
//! scenario = "../scenarios/historisch.toml"   # default: the scenario being calibrated
//! against = "no_levy.toml"     # optional: the quantity is compared with this scenario ...
//! counterfactual = { "corporations.defaults.levy" = 0 }   # ... or with the same scenario
//!                              # with these values set (after the fitted ones)
//! combine = "ratio"            # with either: difference (default) or ratio
//! quantity = "relative_value_change"
//! year = 2014                  # the keys the quantity needs (year, indicator, from, to)
//! statistic = "median"         # mean, median, quantile (with q), probability
//! band = [0.02, 0.035]
//! weight = 1                   # optional; 0 reports the target without fitting to it
//! ```
//!
//! Paths are relative to the targets file. Every problem is reported at once, with its line
//! and column.

use super::quantity::{NAMES, Quantity, Statistic};
use crate::scenario::{Problem, Problems, Scenario, ScenarioError, suggest};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// How a target combines its scenario's quantity with its `against` scenario's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Combine {
    Difference,
    Ratio,
}

/// A scenario a target runs: a file, and values set in it after the fitted ones.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    pub scenario: PathBuf,
    pub overrides: Vec<(String, f64)>,
}

impl Run {
    /// "historisch", or "historisch with corporations.defaults.levy = 0" ("met" in Dutch).
    pub fn describe(&self, dutch: bool) -> String {
        let stem = self
            .scenario
            .file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
        if self.overrides.is_empty() {
            stem
        } else {
            let set: Vec<String> = self
                .overrides
                .iter()
                .map(|(k, v)| format!("{k} = {v}"))
                .collect();
            format!(
                "{stem} {} {}",
                if dutch { "met" } else { "with" },
                set.join(", ")
            )
        }
    }
}

/// One published figure as a band on a model quantity.
#[derive(Clone, Debug)]
pub struct Target {
    pub name: String,
    pub source: String,
    pub note: String,
    /// Index into [`Targets::runs`].
    pub scenario: usize,
    pub against: Option<(usize, Combine)>,
    pub quantity: Quantity,
    pub statistic: Statistic,
    pub band: (f64, f64),
    /// Its weight in the distance; 0: reported in the fit table, not fitted to.
    pub weight: f64,
}

/// A parameter to fit, within bounds.
#[derive(Clone, Debug, PartialEq)]
pub struct FitSpec {
    pub path: String,
    pub lo: f64,
    pub hi: f64,
    /// Where the search starts (and the pull towards the start points); default: the value in
    /// the scenario. A targets file that gives it makes the calibration independent of the
    /// values the scenario holds (for instance the results of an earlier calibration).
    pub start: Option<f64>,
}

impl std::str::FromStr for FitSpec {
    type Err = String;

    /// Parses `PATH=LO..HI`.
    fn from_str(s: &str) -> Result<FitSpec, String> {
        let bad = || format!("`{s}`: expected PATH=LO..HI such as gaps.k_half=300..4000");
        let (path, range) = s.split_once('=').ok_or_else(bad)?;
        let (lo, hi) = range.split_once("..").ok_or_else(bad)?;
        let num = |x: &str| {
            x.trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| format!("`{s}`: `{}` is not a number", x.trim()))
        };
        let (lo, hi) = (num(lo)?, num(hi)?);
        let path = path.trim().to_string();
        if path.is_empty() || path.split('.').any(str::is_empty) {
            return Err(format!("`{s}`: the path must be dotted scenario keys"));
        }
        if lo >= hi {
            return Err(format!("`{s}`: LO ({lo}) must be below HI ({hi})"));
        }
        Ok(FitSpec {
            path,
            lo,
            hi,
            start: None,
        })
    }
}

/// A validated targets file.
#[derive(Clone, Debug)]
pub struct Targets {
    pub file: PathBuf,
    pub draws: Option<u64>,
    pub seed: Option<u64>,
    pub fit: Vec<FitSpec>,
    /// The scenarios the targets run, the calibrated one (as it is) first.
    pub runs: Vec<Run>,
    pub targets: Vec<Target>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawTargets {
    draws: Option<u64>,
    seed: Option<u64>,
    fit: Vec<RawFit>,
    target: Vec<RawTarget>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawFit {
    path: Option<String>,
    lo: Option<f64>,
    hi: Option<f64>,
    start: Option<f64>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawTarget {
    name: Option<String>,
    source: Option<String>,
    note: Option<String>,
    scenario: Option<String>,
    against: Option<String>,
    counterfactual: Option<std::collections::BTreeMap<String, f64>>,
    combine: Option<String>,
    quantity: Option<String>,
    indicator: Option<String>,
    year: Option<i32>,
    from: Option<i32>,
    to: Option<i32>,
    statistic: Option<String>,
    q: Option<f64>,
    band: Option<Vec<f64>>,
    weight: Option<f64>,
}

const TOP_KEYS: [&str; 4] = ["draws", "seed", "fit", "target"];
const FIT_KEYS: [&str; 4] = ["path", "lo", "hi", "start"];
const TARGET_KEYS: [&str; 16] = [
    "name",
    "source",
    "note",
    "scenario",
    "against",
    "counterfactual",
    "combine",
    "quantity",
    "indicator",
    "year",
    "from",
    "to",
    "statistic",
    "q",
    "band",
    "weight",
];

/// Reads and checks a targets file. `calibrated` is the scenario being calibrated (the
/// default of each target); every scenario a target names is loaded to check its quantity.
///
/// # Errors
/// Every problem of the file at once (as a [`ScenarioError`] naming the targets file), or a
/// scenario it names that cannot be loaded.
pub fn load(path: &Path, calibrated: &Path) -> Result<Targets, ScenarioError> {
    let fail = |problems: Vec<Problem>| ScenarioError {
        file: path.to_path_buf(),
        problems,
    };
    let text = std::fs::read_to_string(path).map_err(|e| {
        fail(vec![Problem {
            path: "(file)".into(),
            message: format!("cannot read the targets file: {e}"),
        }])
    })?;
    let crate::scenario::Parsed {
        value: raw,
        unknown,
        mistyped,
    } = crate::scenario::parse_toml::<RawTargets>(&text).map_err(|p| fail(vec![p]))?;
    let mut problems = Problems::default();
    for key in unknown {
        let parts: Vec<&str> = key.split('.').filter(|s| *s != "?").collect();
        let (allowed, at): (&[&str], String) = match parts.as_slice() {
            [k] => (&TOP_KEYS, k.to_string()),
            [table, i, k] => (
                if *table == "fit" {
                    &FIT_KEYS
                } else {
                    &TARGET_KEYS
                },
                format!("{table}[{i}].{k}"),
            ),
            _ => (&[], key.clone()),
        };
        let last = parts.last().copied().unwrap_or("");
        let near = suggest(last, allowed);
        problems.push(
            at,
            if near.is_empty() {
                format!("unknown key; allowed here: {}", allowed.join(", "))
            } else {
                format!("unknown key{near}")
            },
        );
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let mut runs: Vec<Run> = vec![Run {
        scenario: calibrated.to_path_buf(),
        overrides: vec![],
    }];
    let mut index =
        |file: Option<&str>, overrides: Vec<(String, f64)>, at: String, problems: &mut Problems| {
            let scenario = match file {
                None => calibrated.to_path_buf(),
                Some(r) => dir.join(r),
            };
            if let Some(i) = runs
                .iter()
                .position(|r| canon(&r.scenario) == canon(&scenario) && r.overrides == overrides)
            {
                return Some(i);
            }
            if !scenario.exists() {
                problems.push(at, format!("no scenario file {}", scenario.display()));
                return None;
            }
            runs.push(Run {
                scenario,
                overrides,
            });
            Some(runs.len() - 1)
        };

    let mut fit = vec![];
    for (n, f) in raw.fit.iter().enumerate() {
        let at = |k: &str| format!("fit[{n}].{k}");
        let mut ok = true;
        let mut need = |v: Option<f64>, k: &str, problems: &mut Problems| {
            if v.is_none_or(|x| !x.is_finite()) {
                problems.push(at(k), "missing or not a finite number");
                ok = false;
            }
            v.unwrap_or_default()
        };
        let (lo, hi) = (
            need(f.lo, "lo", &mut problems),
            need(f.hi, "hi", &mut problems),
        );
        match &f.path {
            None => problems.push(at("path"), "missing: a parameter path such as gaps.k_half"),
            Some(_) if ok && lo >= hi => {
                problems.push(at("hi"), format!("must be above lo ({lo}), got {hi}"))
            }
            Some(_) if f.start.is_some_and(|s| !(lo..=hi).contains(&s)) => problems.push(
                at("start"),
                format!(
                    "must lie in [lo, hi] = [{lo}, {hi}], got {}",
                    f.start.unwrap_or_default()
                ),
            ),
            Some(p) if ok => fit.push(FitSpec {
                path: p.clone(),
                lo,
                hi,
                start: f.start,
            }),
            _ => {}
        }
    }

    let mut targets = vec![];
    for (n, r) in raw.target.iter().enumerate() {
        let at = |k: &str| format!("target[{n}].{k}");
        let name = r.name.clone().unwrap_or_default();
        if name.is_empty() {
            problems.push(at("name"), "missing");
        } else if targets.iter().any(|t: &Target| t.name == name) {
            problems.push(at("name"), format!("`{name}` is given twice"));
        }
        if r.source.as_deref().unwrap_or("").is_empty() {
            problems.push(at("source"), "missing: the publication the band comes from");
        }
        let scenario = index(r.scenario.as_deref(), vec![], at("scenario"), &mut problems);
        let combine = match r.combine.as_deref() {
            None | Some("difference") => Some(Combine::Difference),
            Some("ratio") => Some(Combine::Ratio),
            Some(o) => {
                problems.push(
                    at("combine"),
                    format!(
                        "`{o}` is not one of difference, ratio{}",
                        suggest(o, &["difference", "ratio"])
                    ),
                );
                None
            }
        };
        let against = match (&r.against, &r.counterfactual) {
            (None, None) => {
                if r.combine.is_some() {
                    problems.push(
                        at("combine"),
                        "only applies with `against` or `counterfactual`",
                    );
                }
                None
            }
            (Some(_), Some(_)) => {
                problems.push(
                    at("counterfactual"),
                    "give `against` (another scenario) or `counterfactual` (values set in this one), not both",
                );
                None
            }
            (Some(file), None) => {
                index(Some(file), vec![], at("against"), &mut problems).zip(combine)
            }
            (None, Some(set)) => {
                if set.is_empty() {
                    problems.push(at("counterfactual"), "sets nothing");
                }
                let set: Vec<(String, f64)> = set.iter().map(|(k, v)| (k.clone(), *v)).collect();
                index(
                    r.scenario.as_deref(),
                    set,
                    at("counterfactual"),
                    &mut problems,
                )
                .zip(combine)
            }
        };
        let quantity = quantity(r, &at, &mut problems);
        let statistic = match r.statistic.as_deref() {
            None => {
                problems.push(
                    at("statistic"),
                    "missing: mean, median, quantile or probability",
                );
                None
            }
            Some("mean") => Some(Statistic::Mean),
            Some("median") => Some(Statistic::Median),
            Some("probability") => Some(Statistic::Probability),
            Some("quantile") => match r.q {
                Some(q) if (0.0..=1.0).contains(&q) => Some(Statistic::Quantile { q }),
                _ => {
                    problems.push(at("q"), "a quantile needs q in [0, 1]");
                    None
                }
            },
            Some(o) => {
                problems.push(
                    at("statistic"),
                    format!(
                        "`{o}` is not one of mean, median, quantile, probability{}",
                        suggest(o, &["mean", "median", "quantile", "probability"])
                    ),
                );
                None
            }
        };
        if r.q.is_some() && r.statistic.as_deref() != Some("quantile") {
            problems.push(at("q"), "only applies with statistic = \"quantile\"");
        }
        if let (Some(q), Some(Statistic::Probability)) = (&quantity, statistic)
            && (!q.is_event() || against.is_some())
        {
            problems.push(
                at("statistic"),
                "a probability needs a 0/1 quantity (breach_icr, breach_ltv, halved, closed) of one scenario",
            );
        }
        let band = match r.band.as_deref() {
            Some(&[lo, hi]) if lo.is_finite() && hi.is_finite() && lo < hi => Some((lo, hi)),
            Some(b) => {
                problems.push(
                    at("band"),
                    format!("must be [lo, hi] with lo < hi, both finite; got {b:?}"),
                );
                None
            }
            None => {
                problems.push(
                    at("band"),
                    "missing: [lo, hi], the values that count as agreement",
                );
                None
            }
        };
        let weight = r.weight.unwrap_or(1.0);
        if !(weight.is_finite() && weight >= 0.0) {
            problems.push(at("weight"), format!("must be >= 0, got {weight}"));
        }
        if let (Some(scenario), Some(quantity), Some(statistic), Some(band)) =
            (scenario, quantity, statistic, band)
        {
            targets.push(Target {
                name,
                source: r.source.clone().unwrap_or_default(),
                note: r.note.clone().unwrap_or_default().trim().to_string(),
                scenario,
                against,
                quantity,
                statistic,
                band,
                weight,
            });
        }
    }
    if raw.target.is_empty() {
        problems.push("target", "no [[target]] in the file");
    } else if raw.target.iter().all(|t| t.weight == Some(0.0)) {
        problems.push(
            "target",
            "every target has weight 0: there is nothing to fit to",
        );
    }
    if raw.draws == Some(0) {
        problems.push("draws", "must be at least 1");
    }
    // Each quantity must exist in the scenarios it runs on.
    let mut loaded: Vec<Option<Scenario>> = vec![None; runs.len()];
    if problems.is_empty() {
        for (i, r) in runs.iter().enumerate() {
            loaded[i] = Some(crate::scenario::load_with(&r.scenario, &r.overrides)?);
        }
        for (n, t) in targets.iter().enumerate() {
            let uses = std::iter::once(t.scenario).chain(t.against.map(|a| a.0));
            for s in uses {
                let sc = loaded[s].as_ref().expect("loaded above");
                if let Err(msg) = t.quantity.check(sc) {
                    problems.push(format!("target[{n}].quantity"), msg);
                }
                if sc.wijken.len() != loaded[t.scenario].as_ref().expect("loaded").wijken.len() {
                    problems.push(
                        format!("target[{n}].against"),
                        "the two scenarios must have the same wijken (they run on the same draws)",
                    );
                }
            }
        }
    }
    if problems.is_empty() && mistyped.is_empty() {
        Ok(Targets {
            file: path.to_path_buf(),
            draws: raw.draws,
            seed: raw.seed,
            fit,
            runs,
            targets,
        })
    } else {
        let mut problems = crate::scenario::without_consequences(mistyped, problems.0);
        crate::scenario::add_locations(&text, &mut problems);
        Err(fail(problems))
    }
}

/// The quantity of a raw target, with the keys it needs.
fn quantity(
    r: &RawTarget,
    at: &dyn Fn(&str) -> String,
    problems: &mut Problems,
) -> Option<Quantity> {
    let names: Vec<&str> = NAMES.iter().map(|n| n.0).collect();
    let Some(name) = r.quantity.as_deref() else {
        problems.push(
            at("quantity"),
            format!("missing: one of {}", names.join(", ")),
        );
        return None;
    };
    let Some((_, needs)) = NAMES.iter().find(|n| n.0 == name) else {
        problems.push(
            at("quantity"),
            format!(
                "unknown quantity `{name}`{}; known: {}",
                suggest(name, &names),
                names.join(", ")
            ),
        );
        return None;
    };
    let given = [
        ("indicator", r.indicator.is_some()),
        ("year", r.year.is_some()),
        ("from", r.from.is_some()),
        ("to", r.to.is_some()),
    ];
    let mut ok = true;
    for (key, is) in given {
        match (needs.contains(&key), is) {
            (true, false) => {
                problems.push(
                    at(key),
                    format!("missing: `{name}` needs {}", needs.join(", ")),
                );
                ok = false;
            }
            (false, true) => {
                problems.push(at(key), format!("`{name}` does not take {key}"));
                ok = false;
            }
            _ => {}
        }
    }
    if !ok {
        return None;
    }
    let indicator = || r.indicator.clone().unwrap_or_default();
    let (year, from, to) = (r.year.unwrap_or(0), r.from.unwrap_or(0), r.to.unwrap_or(0));
    Some(match name {
        "closure" => Quantity::Closure { year },
        "indicator_closure" => Quantity::IndicatorClosure {
            indicator: indicator(),
            year,
        },
        "relative_value_change" => Quantity::RelativeValueChange { year },
        "share_widened" => Quantity::ShareWidened {
            indicator: indicator(),
            from,
            to,
        },
        "share_improved" => Quantity::ShareImproved {
            indicator: indicator(),
            from,
            to,
        },
        "capacity" => Quantity::Capacity { from, to },
        "realised_over_committed" => Quantity::RealisedOverCommitted { from, to },
        "sector_min_icr" => Quantity::SectorMinIcr { from, to },
        "breach_icr" => Quantity::BreachIcr,
        "breach_ltv" => Quantity::BreachLtv,
        "halved" => Quantity::Halved,
        _ => Quantity::Closed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_specs_parse_and_reject() {
        assert_eq!(
            "gaps.k_half=300..4000".parse::<FitSpec>().unwrap(),
            FitSpec {
                path: "gaps.k_half".into(),
                lo: 300.0,
                hi: 4000.0,
                start: None
            }
        );
        assert!("gaps.k_half=4000..300".parse::<FitSpec>().is_err());
        assert!(
            "gaps.k_half=1..x"
                .parse::<FitSpec>()
                .unwrap_err()
                .contains("`x`")
        );
        assert!("gaps.k_half".parse::<FitSpec>().is_err());
    }
}
