//! Raw scenario -> validated [`Scenario`]: the reference model's defaults (docs/model.md) filled in, every value checked,
//! every problem collected.

use super::params::{Domain, GapParams, ParamTable, PropertyParams};
use super::raw::{RawEconomy, RawPerVariable, RawScenario, RawSchedule};
use super::*;
use super::{data, entities};
use crate::dist::DistSpec;
use nalgebra::{Cholesky, Matrix4, SymmetricEigen};
use sha2::{Digest, Sha256};

/// The reference model's defaults of the economy (docs/model.md), in [`VARIABLES`] order.
const MEAN: [f64; 4] = [0.025, 0.035, 0.020, 0.055];
const SD: [f64; 4] = [0.045, 0.006, 0.008, 0.008];
const PERSISTENCE: [f64; 4] = [0.7, 0.85, 0.5, 0.8];
const CORRELATIONS: [(usize, usize, f64); 4] = [
    (HOUSE_PRICE, UNEMPLOYMENT, -0.7),
    (INTEREST, INFLATION, 0.5),
    (HOUSE_PRICE, INTEREST, 0.2),
    (INFLATION, UNEMPLOYMENT, -0.3),
];

pub(super) fn resolve(
    raw: RawScenario,
    file: &Path,
    text: &str,
    locations: BTreeMap<String, f64>,
    problems: &mut Problems,
) -> Option<Scenario> {
    let name = raw.name.clone().unwrap_or_else(|| {
        file.file_stem()
            .map_or("scenario".into(), |s| s.to_string_lossy().into_owned())
    });
    if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
        problems.push("name", format!("`{name}` cannot name a run directory"));
    }
    let run = resolve_run(&raw, problems);
    let economy = resolve_economy(&raw.economy, &run, problems);

    let mut table = ParamTable {
        locations,
        ..ParamTable::default()
    };
    let gaps = GapParams::build(&raw.gaps, "gaps", None, &mut table, problems);
    let property = PropertyParams::build(&raw.property, "property", None, &mut table, problems);
    let indicators = resolve_indicators(&raw, &mut table, problems);
    let (spillover, spillover_matrix) = resolve_spillover(&raw, &indicators, problems);

    // The data tables, relative to the scenario file.
    let base = file.parent().unwrap_or(Path::new("."));
    let data_rel = match &raw.data.wijken {
        Some(p) => p.clone(),
        None => {
            problems.push(
                "data.wijken",
                "missing: the path of the wijk table (CSV), relative to the scenario file",
            );
            return None;
        }
    };
    let data_file = base.join(&data_rel);
    let data_bytes = data::read_bytes(&data_file, "data.wijken", problems)?;
    let shown = data_file.display().to_string();
    let names: Vec<&str> = indicators.iter().map(|i| i.name.as_str()).collect();
    let rows = data::parse_wijken(&data_bytes, &shown, &names, problems);
    let corporations_file = raw.data.corporations.as_ref().map(|c| base.join(c));
    let corp_bytes = match &corporations_file {
        Some(f) => Some(data::read_bytes(f, "data.corporations", problems)?),
        None => None,
    };
    let corp_shown = corporations_file
        .as_ref()
        .map(|f| f.display().to_string())
        .unwrap_or_default();
    let corp_rows = corp_bytes
        .as_ref()
        .map(|b| data::parse_corporations(b, &corp_shown, problems));
    let mut warnings = vec![];
    for ind in indicators
        .iter()
        .filter(|i| i.min == f64::NEG_INFINITY && i.max == f64::INFINITY)
    {
        warnings.push(Problem {
            path: format!("indicators.{}", ind.name),
            message: "has no physical range (min, max): its gap is unbounded".into(),
        });
    }
    let entities::World {
        wijken,
        municipalities,
        corporations,
    } = entities::resolve(
        &raw,
        entities::Tables {
            wijk_shown: &shown,
            rows: &rows,
            corporations: corp_rows.as_deref().map(|rows| entities::CorporationTable {
                shown: corp_shown.clone(),
                rows,
            }),
        },
        &indicators,
        &mut table,
        problems,
        &mut warnings,
    );

    let state_budget_per_wijk = match &raw.state.budget_per_wijk {
        Some(r) => schedule(
            "state.budget_per_wijk",
            Some(r),
            0.0,
            (0.0, f64::INFINITY),
            problems,
        ),
        None => Schedule {
            before: 0.0,
            steps: [(2008, 1_000_000.0), (2013, 0.0)].into_iter().collect(),
        },
    };

    let mut hasher = Sha256::new();
    hasher.update(text.as_bytes());
    hasher.update(&data_bytes);
    if let Some(b) = &corp_bytes {
        hasher.update(b);
    }
    let hash = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();

    Some(Scenario {
        name,
        description: raw
            .description
            .clone()
            .unwrap_or_default()
            .trim()
            .to_string(),
        file: file.to_path_buf(),
        data_file,
        corporations_file,
        hash,
        warnings,
        run,
        economy,
        indicators,
        spillover,
        spillover_matrix,
        gaps,
        property,
        municipalities,
        corporations,
        wijken,
        state_budget_per_wijk,
        params: table,
    })
}

fn resolve_run(raw: &RawScenario, problems: &mut Problems) -> RunSettings {
    let r = &raw.run;
    let draws = r.draws.unwrap_or(10_000);
    if draws == 0 {
        problems.push("run.draws", "must be at least 1");
    }
    let horizon = r.horizon.unwrap_or(10) as usize;
    if !(1..=100).contains(&horizon) {
        problems.push(
            "run.horizon",
            format!("must lie in 1..=100 years, got {horizon}"),
        );
    }
    let start_year = r.start_year.unwrap_or(2008);
    if !(1900..=2200).contains(&start_year) {
        problems.push(
            "run.start_year",
            format!("must be a calendar year (1900..=2200), got {start_year}"),
        );
    }
    RunSettings {
        draws,
        seed: r.seed.unwrap_or(2007),
        horizon: horizon.clamp(1, 100),
        start_year,
    }
}

/// A year-indexed lever; values must lie in `range`; `default` holds before the first listed
/// year.
pub(super) fn schedule(
    path: &str,
    raw: Option<&RawSchedule>,
    default: f64,
    range: (f64, f64),
    problems: &mut Problems,
) -> Schedule {
    let mut check = |at: String, v: f64| {
        if !(v.is_finite() && v >= range.0 && v <= range.1) {
            problems.push(
                at,
                format!("must lie in [{}, {}], got {v}", range.0, range.1),
            );
        }
    };
    match raw {
        None => Schedule::constant(default),
        Some(RawSchedule::Value(v)) => {
            check(path.to_string(), *v);
            Schedule::constant(*v)
        }
        Some(RawSchedule::Steps(steps)) => {
            let mut bad_keys = vec![];
            let mut s = Schedule {
                before: default,
                steps: Default::default(),
            };
            for (k, v) in steps {
                match k.parse::<i32>() {
                    Ok(y) => {
                        check(format!("{path}.{k}"), *v);
                        s.steps.insert(y, *v);
                    }
                    Err(_) => bad_keys.push(format!("{path}.{k}")),
                }
            }
            for at in bad_keys {
                problems.push(at, "keys must be calendar years such as 2013");
            }
            s
        }
    }
}

fn per_variable<T: Clone>(raw: &RawPerVariable<T>, default: [T; 4]) -> [T; 4] {
    let given = [
        &raw.house_price_growth,
        &raw.interest,
        &raw.inflation,
        &raw.unemployment,
    ];
    let mut out = default;
    for (o, g) in out.iter_mut().zip(given) {
        if let Some(v) = g {
            *o = v.clone();
        }
    }
    out
}

fn resolve_economy(raw: &RawEconomy, run: &RunSettings, problems: &mut Problems) -> EconomySpec {
    let mean = per_variable(&raw.mean, MEAN);
    let sd = per_variable(&raw.sd, SD);
    let persistence = per_variable(&raw.persistence, PERSISTENCE);
    for v in 0..4 {
        if !mean[v].is_finite() {
            problems.push(format!("economy.mean.{}", VARIABLES[v]), "must be finite");
        }
        if !(sd[v].is_finite() && sd[v] >= 0.0) {
            problems.push(
                format!("economy.sd.{}", VARIABLES[v]),
                format!("must be >= 0, got {}", sd[v]),
            );
        }
        if persistence[v].is_nan() || persistence[v].abs() >= 1.0 {
            problems.push(
                format!("economy.persistence.{}", VARIABLES[v]),
                format!(
                    "must lie in (-1, 1) for a stationary VAR, got {}",
                    persistence[v]
                ),
            );
        }
    }
    let mut corr = Matrix4::<f64>::identity();
    match &raw.correlation {
        None => {
            for (a, b, r) in CORRELATIONS {
                corr[(a, b)] = r;
                corr[(b, a)] = r;
            }
        }
        Some(list) => {
            let mut seen = vec![];
            for (n, c) in list.iter().enumerate() {
                let at = format!("economy.correlation[{n}]");
                let find = |name: &Option<String>, key: &str, problems: &mut Problems| match name {
                    None => {
                        problems.push(format!("{at}.{key}"), "missing: name an economic variable");
                        None
                    }
                    Some(s) => {
                        let i = VARIABLES.iter().position(|v| v == s);
                        if i.is_none() {
                            problems.push(
                                format!("{at}.{key}"),
                                format!(
                                    "unknown variable `{s}`{}; known: {}",
                                    suggest(s, &VARIABLES),
                                    VARIABLES.join(", ")
                                ),
                            );
                        }
                        i
                    }
                };
                let a = find(&c.a, "a", problems);
                let b = find(&c.b, "b", problems);
                let Some(rho) = c.rho else {
                    problems.push(format!("{at}.rho"), "missing");
                    continue;
                };
                if !(rho > -1.0 && rho < 1.0) {
                    problems.push(
                        format!("{at}.rho"),
                        format!("must lie in (-1, 1), got {rho}"),
                    );
                    continue;
                }
                if let (Some(a), Some(b)) = (a, b) {
                    if a == b {
                        problems.push(at, "a and b must be different variables");
                    } else if seen.contains(&(a.min(b), a.max(b))) {
                        problems.push(
                            at,
                            format!(
                                "the pair {} / {} is given twice",
                                VARIABLES[a], VARIABLES[b]
                            ),
                        );
                    } else {
                        seen.push((a.min(b), a.max(b)));
                        corr[(a, b)] = rho;
                        corr[(b, a)] = rho;
                    }
                }
            }
        }
    }
    let d = Matrix4::from_diagonal(&nalgebra::Vector4::from(sd));
    let cholesky = match Cholesky::new(corr) {
        Some(ch) => d * ch.l(),
        None => {
            let eig = SymmetricEigen::new(corr);
            let min = eig.eigenvalues.min();
            let mut entries = vec![];
            for a in 0..4 {
                for b in a + 1..4 {
                    if corr[(a, b)] != 0.0 {
                        entries.push(format!(
                            "{}/{} = {}",
                            VARIABLES[a],
                            VARIABLES[b],
                            corr[(a, b)]
                        ));
                    }
                }
            }
            problems.push(
                "economy.correlation",
                format!(
                    "the correlation matrix is not positive definite (smallest eigenvalue {min:.4}); entries: {}",
                    entries.join(", ")
                ),
            );
            Matrix4::identity()
        }
    };
    let shocks = match raw.shocks.as_deref().unwrap_or("normal") {
        "normal" => {
            if raw.student_t_df.is_some() {
                problems.push(
                    "economy.student_t_df",
                    "only applies with shocks = \"student_t\"",
                );
            }
            Shocks::Normal
        }
        "student_t" => match raw.student_t_df {
            Some(df) if df > 2.0 && df.is_finite() => Shocks::StudentT { df },
            Some(df) => {
                problems.push(
                    "economy.student_t_df",
                    format!("must be > 2 for a finite variance, got {df}"),
                );
                Shocks::Normal
            }
            None => {
                problems.push(
                    "economy.student_t_df",
                    "missing: degrees of freedom for shocks = \"student_t\"",
                );
                Shocks::Normal
            }
        },
        other => {
            problems.push(
                "economy.shocks",
                format!(
                    "`{other}` is not one of normal, student_t{}",
                    suggest(other, &["normal", "student_t"])
                ),
            );
            Shocks::Normal
        }
    };
    let mut overlay = vec![[0.0; 4]; run.horizon + 1];
    let maps = [
        &raw.overlay.house_price_growth,
        &raw.overlay.interest,
        &raw.overlay.inflation,
        &raw.overlay.unemployment,
    ];
    for (v, map) in maps.into_iter().enumerate() {
        for (k, val) in map.iter().flatten() {
            let at = format!("economy.overlay.{}.{k}", VARIABLES[v]);
            match k.parse::<i32>() {
                Ok(year) => {
                    if !val.is_finite() {
                        problems.push(at, "must be finite");
                        continue;
                    }
                    let t = year - (run.start_year - 1);
                    if t >= 0 && (t as usize) < overlay.len() {
                        overlay[t as usize][v] = *val;
                    }
                }
                Err(_) => problems.push(at, "keys must be calendar years such as 2009"),
            }
        }
    }
    EconomySpec {
        mean,
        sd,
        persistence,
        correlation: corr.transpose().into(),
        shocks,
        overlay,
        cholesky,
    }
}

fn resolve_indicators(
    raw: &RawScenario,
    table: &mut ParamTable,
    problems: &mut Problems,
) -> Vec<Indicator> {
    let Some(list) = &raw.indicators else {
        problems.push("indicators", "missing: at least one [[indicators]] table");
        return vec![];
    };
    if list.is_empty() {
        problems.push("indicators", "must list at least one indicator");
    }
    let mut out: Vec<Indicator> = vec![];
    for (n, r) in list.iter().enumerate() {
        let at = |f: &str| format!("indicators[{n}].{f}");
        let name = r.name.clone().unwrap_or_default();
        if name.is_empty() {
            problems.push(at("name"), "missing");
        } else if out.iter().any(|i| i.name == name) {
            problems.push(at("name"), format!("`{name}` is given twice"));
        }
        let prefix = format!("indicators.{name}");
        let city = r.city.unwrap_or(f64::NAN);
        let wijk = r.wijk.unwrap_or(f64::NAN);
        for (f, v) in [("city", city), ("wijk", wijk)] {
            if !v.is_finite() {
                problems.push(at(f), "missing or not finite: the start value");
            }
        }
        let better = match r.better.as_deref() {
            None | Some("lower") => Better::Lower,
            Some("higher") => Better::Higher,
            Some(o) => {
                problems.push(at("better"), format!("`{o}` is not one of lower, higher"));
                Better::Lower
            }
        };
        let gap0 = match better {
            Better::Lower => wijk - city,
            Better::Higher => city - wijk,
        };
        if city.is_finite() && wijk.is_finite() && gap0 <= 0.0 {
            problems.push(
                at("wijk"),
                format!("the wijk ({wijk}) must be behind the city ({city}) with better = \"{}\": gaps are normalised by the start gap", if better == Better::Lower { "lower" } else { "higher" }),
            );
        }
        let known = KNOWN_INDICATORS.iter().find(|k| k.0 == name);
        let min = r.min.or(known.map(|k| k.1)).unwrap_or(f64::NEG_INFINITY);
        let max = r.max.or(known.map(|k| k.2)).unwrap_or(f64::INFINITY);
        if min.is_nan() || max.is_nan() || min >= max {
            problems.push(
                at("min"),
                format!("the physical range [min, max] = [{min}, {max}] is empty"),
            );
        } else {
            for (f, v) in [("city", city), ("wijk", wijk)] {
                if v.is_finite() && !(min..=max).contains(&v) {
                    problems.push(
                        at(f),
                        format!("{v} lies outside the physical range [{min}, {max}] (min, max)"),
                    );
                }
            }
        }
        let response = match r.response.as_deref() {
            None | Some("social") => Response::Social,
            Some("physical") => Response::Physical,
            Some(o) => {
                problems.push(
                    at("response"),
                    format!("`{o}` is not one of social, physical"),
                );
                Response::Social
            }
        };
        if response == Response::Social && r.effect.is_none() {
            problems.push(
                at("effect"),
                "missing: the yearly closure at full response (a number or distribution)",
            );
        }
        if response == Response::Physical && r.effect.is_some() {
            problems.push(
                at("effect"),
                "a physical indicator closes by dwellings upgraded, not by an effect",
            );
        }
        let weight = r.weight.unwrap_or(1.0);
        if !(weight.is_finite() && weight >= 0.0) {
            problems.push(at("weight"), format!("must be >= 0, got {weight}"));
        }
        let wijk_cv = r.wijk_cv.unwrap_or(0.3);
        if !(wijk_cv.is_finite() && wijk_cv >= 0.0) {
            problems.push(at("wijk_cv"), format!("must be >= 0, got {wijk_cv}"));
        }
        out.push(Indicator {
            value_weight: table.add(
                &format!("{prefix}.value_weight"),
                r.value_weight.as_ref(),
                None,
                DistSpec::Constant {
                    value: known.map_or(0.0, |k| k.3),
                },
                Domain::NonNegative,
                problems,
            ),
            min,
            max,
            effect: table.add(
                &format!("{prefix}.effect"),
                r.effect.as_ref(),
                None,
                DistSpec::Constant { value: 0.0 },
                Domain::Unit,
                problems,
            ),
            cyclical: table.add(
                &format!("{prefix}.cyclical"),
                r.cyclical.as_ref(),
                None,
                DistSpec::Constant { value: 0.0 },
                Domain::Any,
                problems,
            ),
            sigma: table.add(
                &format!("{prefix}.sigma"),
                r.sigma.as_ref(),
                None,
                DistSpec::Constant { value: 0.03 },
                Domain::NonNegative,
                problems,
            ),
            name,
            unit: r.unit.clone().unwrap_or_default(),
            city,
            wijk,
            better,
            weight,
            response,
            leakage: r.leakage.unwrap_or(response == Response::Social),
            wijk_cv,
        });
    }
    let total: f64 = out.iter().map(|i| i.weight).sum();
    if !out.is_empty() && (total.is_nan() || total <= 0.0) {
        problems.push(
            "indicators",
            "the weights sum to 0: give at least one indicator a positive weight",
        );
    }
    for i in &mut out {
        i.weight /= total;
    }
    // cv is normalised per draw by the sum of the value weights: it must be positive in every
    // draw.
    let surely_positive: f64 = out
        .iter()
        .map(|i| table.get(i.value_weight).param.range().0.max(0.0))
        .sum();
    if !out.is_empty() && surely_positive <= 0.0 {
        problems.push(
            "indicators",
            "no indicator has a value_weight that is > 0 in every draw: the value composite cv that buyers price needs one",
        );
    }
    out
}

/// The reference model's defaults for its six indicators (docs/model.md): (name, min, max, value weight).
const KNOWN_INDICATORS: [(&str, f64, f64, f64); 6] = [
    ("unemployment", 0.0, 100.0, 0.05),
    ("income", 0.0, f64::INFINITY, 0.05),
    ("low_quality_housing", 0.0, 100.0, 0.35),
    ("livability", 1.0, 10.0, 0.30),
    ("safety", 0.0, 100.0, 0.20),
    ("life_expectancy", 40.0, 110.0, 0.05),
];

fn resolve_spillover(
    raw: &RawScenario,
    indicators: &[Indicator],
    problems: &mut Problems,
) -> (BTreeMap<String, BTreeMap<String, f64>>, DMatrix<f64>) {
    let k = indicators.len();
    let names: Vec<&str> = indicators.iter().map(|i| i.name.as_str()).collect();
    let mut m = DMatrix::<f64>::identity(k, k);
    for (from, targets) in &raw.spillover {
        let Some(j) = names.iter().position(|n| n == from) else {
            problems.push(
                format!("spillover.{from}"),
                format!("no indicator `{from}`{}", suggest(from, &names)),
            );
            continue;
        };
        for (to, c) in targets {
            let at = format!("spillover.{from}.{to}");
            match names.iter().position(|n| n == to) {
                None => problems.push(at, format!("no indicator `{to}`{}", suggest(to, &names))),
                Some(i) if i == j => {
                    problems.push(at, "an indicator cannot spill over onto itself")
                }
                Some(i) if !c.is_finite() => {
                    problems.push(at, format!("must be finite, got {c} (row {i})"))
                }
                Some(i) => m[(i, j)] = *c,
            }
        }
    }
    (raw.spillover.clone(), m)
}
