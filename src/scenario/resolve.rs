//! Raw scenario -> validated [`Scenario`]: defaults of MODEL.md filled in, every value checked,
//! every problem collected.

use super::data;
use super::params::{
    CorporationParams, Domain, GapParams, MunicipalityParams, ParamTable, PropertyParams,
};
use super::raw::{RawEconomy, RawPerVariable, RawScenario, RawSchedule};
use super::*;
use crate::dist::DistSpec;
use crate::rng::component_key;
use nalgebra::{Cholesky, SymmetricEigen};
use sha2::{Digest, Sha256};

/// MODEL.md defaults of the economy, in [`VARIABLES`] order.
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

    let mut table = ParamTable::default();
    let gaps = GapParams::build(&raw.gaps, "gaps", None, &mut table, problems);
    let property = PropertyParams::build(&raw.property, "property", None, &mut table, problems);
    let indicators = resolve_indicators(&raw, &mut table, problems);
    let (spillover, spillover_matrix) = resolve_spillover(&raw, &indicators, problems);

    // The wijk table, relative to the scenario file.
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
    let (data_bytes, rows) = data::read(&data_file, &data_file.display().to_string(), problems)?;
    let d = &raw.data;
    let positive = |path: &str, v: Option<f64>, default: f64, problems: &mut Problems| {
        let v = v.unwrap_or(default);
        if !(v.is_finite() && v > 0.0) {
            problems.push(path, format!("must be > 0, got {v}"));
        }
        v
    };
    let total_population = positive(
        "data.total_population",
        d.total_population,
        779_000.0,
        problems,
    );
    let persons_per_dwelling = positive(
        "data.persons_per_dwelling",
        d.persons_per_dwelling,
        2.1,
        problems,
    );
    let corporation_share = d.corporation_share.unwrap_or(0.6);
    if !(0.0..=1.0).contains(&corporation_share) {
        problems.push(
            "data.corporation_share",
            format!("must lie in [0, 1], got {corporation_share}"),
        );
    }
    let inzet_total: f64 = rows.iter().map(|r| r.inzet_mln).sum();
    if rows.iter().any(|r| r.inwoners.is_none()) && inzet_total <= 0.0 {
        problems.push(
            data_file.display().to_string(),
            "the population estimate splits data.total_population by the committed investment, which sums to 0; give an `inwoners` column",
        );
    }

    // Municipalities and their corporations, in order of first appearance in the table.
    let mut muni_names: Vec<String> = vec![];
    for r in &rows {
        if !muni_names.contains(&r.gemeente) {
            muni_names.push(r.gemeente.clone());
        }
    }
    let known: Vec<&str> = muni_names.iter().map(String::as_str).collect();
    for (group, overrides) in [
        (
            "municipalities",
            raw.municipalities.overrides.keys().collect::<Vec<_>>(),
        ),
        ("corporations", raw.corporations.overrides.keys().collect()),
    ] {
        for o in overrides {
            if !known.contains(&o.as_str()) {
                problems.push(
                    format!("{group}.overrides.{o}"),
                    format!(
                        "no municipality `{o}` in the wijk table{}",
                        suggest(o, &known)
                    ),
                );
            }
        }
    }

    let mut wijken: Vec<Wijk> = rows
        .iter()
        .map(|r| {
            let m = muni_names
                .iter()
                .position(|n| *n == r.gemeente)
                .expect("collected above");
            let population = r
                .inwoners
                .unwrap_or(total_population * r.inzet_mln / inzet_total.max(f64::MIN_POSITIVE));
            let dwellings = r.woningen.unwrap_or(population / persons_per_dwelling);
            Wijk {
                name: r.wijk.clone(),
                municipality: m,
                corporation: m,
                population,
                dwellings,
                corporation_dwellings: r
                    .corporatiewoningen
                    .unwrap_or(corporation_share * dwellings),
                commitment: r.inzet_mln * 1e6,
                max_project_support: r.max_subsidie,
                indicator_keys: indicators
                    .iter()
                    .map(|k| component_key(&format!("wijk/{}/{}/{}", r.gemeente, r.wijk, k.name)))
                    .collect(),
            }
        })
        .collect();
    // Derived sizes are only checked when what they derive from is valid; otherwise one bad
    // number would be reported once per wijk.
    let estimates_valid = total_population > 0.0
        && persons_per_dwelling > 0.0
        && (0.0..=1.0).contains(&corporation_share);
    for w in wijken.iter().filter(|_| estimates_valid) {
        if w.corporation_dwellings > w.dwellings {
            problems.push(
                format!("{} wijk {}", data_file.display(), w.name),
                format!(
                    "corporatiewoningen ({}) exceeds woningen ({})",
                    w.corporation_dwellings, w.dwellings
                ),
            );
        }
        if w.population <= 0.0 || w.dwellings <= 0.0 {
            problems.push(
                format!("{} wijk {}", data_file.display(), w.name),
                "needs residents and dwellings > 0",
            );
        }
    }

    let muni_defaults = MunicipalityParams::build(
        &raw.municipalities.defaults,
        "municipalities.defaults",
        None,
        &mut table,
        problems,
    );
    let corp_raw_defaults = &raw.corporations.defaults;
    let corp_defaults = CorporationParams::build(
        corp_raw_defaults,
        "corporations.defaults",
        None,
        &mut table,
        problems,
    );
    let default_levy = schedule(
        "corporations.defaults.levy",
        corp_raw_defaults.levy.as_ref(),
        0.0,
        (0.0, 1.0),
        problems,
    );
    let default_rent = schedule(
        "corporations.defaults.rent_policy",
        corp_raw_defaults.rent_policy.as_ref(),
        0.0,
        (-1.0, 1.0),
        problems,
    );
    let default_alloc = corp_raw_defaults.allocation.unwrap_or_default();

    let mut municipalities = vec![];
    let mut corporations = vec![];
    for (m, name) in muni_names.iter().enumerate() {
        let members: Vec<usize> = (0..wijken.len())
            .filter(|&w| wijken[w].municipality == m)
            .collect();
        let params = match raw.municipalities.overrides.get(name) {
            Some(o) => MunicipalityParams::build(
                o,
                &format!("municipalities.overrides.{name}"),
                Some(&muni_defaults),
                &mut table,
                problems,
            ),
            None => muni_defaults,
        };
        municipalities.push(Municipality {
            name: name.clone(),
            population: members.iter().map(|&w| wijken[w].population).sum(),
            wijken: members.clone(),
            params,
        });
        let o = raw.corporations.overrides.get(name);
        let prefix = format!("corporations.overrides.{name}");
        corporations.push(Corporation {
            name: name.clone(),
            municipality: m,
            wijk_dwellings: members
                .iter()
                .map(|&w| wijken[w].corporation_dwellings)
                .sum(),
            wijken: members,
            params: match o {
                Some(o) => {
                    CorporationParams::build(o, &prefix, Some(&corp_defaults), &mut table, problems)
                }
                None => corp_defaults,
            },
            allocation: o.and_then(|o| o.allocation).unwrap_or(default_alloc),
            rent_policy: match o.and_then(|o| o.rent_policy.as_ref()) {
                Some(r) => schedule(
                    &format!("{prefix}.rent_policy"),
                    Some(r),
                    0.0,
                    (-1.0, 1.0),
                    problems,
                ),
                None => default_rent.clone(),
            },
            levy: match o.and_then(|o| o.levy.as_ref()) {
                Some(r) => schedule(
                    &format!("{prefix}.levy"),
                    Some(r),
                    0.0,
                    (0.0, 1.0),
                    problems,
                ),
                None => default_levy.clone(),
            },
        });
    }
    for w in &mut wijken {
        w.corporation = w.municipality;
    }

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
        hash,
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

/// A year-indexed lever; values must lie in `range`.
fn schedule(
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
            gap0,
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
    out
}

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
