//! The wijken, municipalities and corporations of a scenario, from its data tables.
//!
//! - **Wijken**: residents, dwellings and corporation dwellings from the table's optional
//!   columns, else the reference model's per-wijk estimate (residents = commitment x
//!   `total_population` / `total_commitment`, whatever rows the table holds); per indicator
//!   the wijk's own start and city values when given, hence its own start gap and bounds.
//! - **Corporations**: the rows of the optional corporations table, owning the corporation
//!   dwellings of their municipality's wijken pro rata to their total dwellings, unless the
//!   wijk table names the owner. Where no table corporation owns a wijk, a sector-average
//!   corporation of its municipality does (with a warning when a table was given), named as
//!   such everywhere. A wijk's commitment is split among its owners pro rata to dwellings.

use super::data::{CorporationRow, WijkRow};
use super::params::{CorporationParams, MunicipalityParams, ParamId, ParamTable, RawCorporation};
use super::raw::{RawParam, RawScenario, RawSchedule};
use super::resolve::schedule;
use super::{
    Corporation, Holding, Indicator, Municipality, Problem, Problems, Wijk, WijkIndicator, suggest,
};
use crate::rng::component_key;
use crate::schedule::Schedule;

/// The suffix that marks a municipality's sector-average corporation.
pub const SECTOR_AVERAGE: &str = " (sector average)";

/// The entities resolved from the tables.
pub(super) struct World {
    pub wijken: Vec<Wijk>,
    pub municipalities: Vec<Municipality>,
    pub corporations: Vec<Corporation>,
}

/// The corporations table as read, with the name it is shown by.
pub(super) struct CorporationTable<'a> {
    pub shown: String,
    pub rows: &'a [CorporationRow],
}

/// The data tables as read.
pub(super) struct Tables<'a> {
    /// The wijk table's rows and the name it is shown by.
    pub wijk_shown: &'a str,
    pub rows: &'a [WijkRow],
    pub corporations: Option<CorporationTable<'a>>,
}

/// Resolves the entities of a scenario from its data tables.
pub(super) fn resolve(
    raw: &RawScenario,
    tables: Tables,
    indicators: &[Indicator],
    table: &mut ParamTable,
    problems: &mut Problems,
    warnings: &mut Vec<Problem>,
) -> World {
    let Tables {
        wijk_shown,
        rows,
        corporations,
    } = tables;
    let mut wijken = resolve_wijken(raw, wijk_shown, rows, indicators, problems);
    let municipalities = resolve_municipalities(raw, rows, &wijken, table, problems);
    let corporations = resolve_corporations(
        raw,
        wijk_shown,
        rows,
        &mut wijken,
        &municipalities,
        corporations,
        table,
        problems,
        warnings,
    );
    World {
        wijken,
        municipalities,
        corporations,
    }
}

fn positive(path: &str, v: Option<f64>, default: f64, problems: &mut Problems) -> f64 {
    let v = v.unwrap_or(default);
    if !(v.is_finite() && v > 0.0) {
        problems.push(path, format!("must be > 0, got {v}"));
    }
    v
}

fn resolve_wijken(
    raw: &RawScenario,
    shown: &str,
    rows: &[WijkRow],
    indicators: &[Indicator],
    problems: &mut Problems,
) -> Vec<Wijk> {
    let d = &raw.data;
    let total_population = positive(
        "data.total_population",
        d.total_population,
        779_000.0,
        problems,
    );
    let total_commitment = positive("data.total_commitment", d.total_commitment, 250.0, problems);
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
    // Derived sizes are only checked when what they derive from is valid; otherwise one bad
    // number would be reported once per wijk.
    let estimates_valid = total_population > 0.0
        && total_commitment > 0.0
        && persons_per_dwelling > 0.0
        && (0.0..=1.0).contains(&corporation_share);
    let mut municipalities: Vec<&str> = vec![];
    let mut wijken = vec![];
    for r in rows {
        if !municipalities.contains(&r.gemeente.as_str()) {
            municipalities.push(&r.gemeente);
        }
        let at = |column: &str| format!("{shown} line {}, column {column}", r.line);
        let population = r
            .inwoners
            .unwrap_or(total_population * r.inzet_mln / total_commitment);
        if r.inwoners.is_none() && r.inzet_mln <= 0.0 && estimates_valid {
            problems.push(
                at(super::data::INZET),
                "the population estimate spreads data.total_population by the committed investment, which is 0 here; give the wijk's `inwoners`",
            );
        }
        let dwellings = r.woningen.unwrap_or(population / persons_per_dwelling);
        let corporation_dwellings = r
            .corporatiewoningen
            .unwrap_or(corporation_share * dwellings);
        if estimates_valid && corporation_dwellings > dwellings {
            problems.push(
                at("corporatiewoningen"),
                format!(
                    "{corporation_dwellings} corporation dwellings exceed the wijk's {dwellings:.0} dwellings"
                ),
            );
        }
        if r.inzet_mln > 0.0 && corporation_dwellings <= 0.0 {
            problems.push(
                at("corporatiewoningen"),
                "the wijk has a commitment but no corporation dwellings to own it",
            );
        }
        let wijk_indicators = indicators
            .iter()
            .enumerate()
            .map(|(k, ind)| wijk_indicator(ind, r.values.get(k).copied(), &at, problems))
            .collect();
        wijken.push(Wijk {
            name: r.wijk.clone(),
            municipality: municipalities
                .iter()
                .position(|m| *m == r.gemeente)
                .expect("pushed above"),
            owners: vec![],
            population,
            dwellings,
            corporation_dwellings,
            population_estimated: r.inwoners.is_none(),
            commitment: r.inzet_mln * 1e6,
            max_project_support: r.max_subsidie,
            indicators: wijk_indicators,
            indicator_keys: indicators
                .iter()
                .map(|k| component_key(&format!("wijk/{}/{}/{}", r.gemeente, r.wijk, k.name)))
                .collect(),
        });
    }
    wijken
}

/// One indicator in one wijk: the row's own values where given, else the indicator's.
fn wijk_indicator(
    ind: &Indicator,
    own: Option<(Option<f64>, Option<f64>)>,
    at: &dyn Fn(&str) -> String,
    problems: &mut Problems,
) -> WijkIndicator {
    let (wijk_own, city_own) = own.unwrap_or((None, None));
    let wijk = wijk_own.unwrap_or(ind.wijk);
    let city = city_own.unwrap_or(ind.city);
    let gap0 = ind.gap(wijk, city);
    let (lo, hi) = ind.bounds(city, gap0);
    // The indicator's own defaults are checked with the indicator; here only what the row
    // changed.
    if (wijk_own.is_some() || city_own.is_some()) && wijk.is_finite() && city.is_finite() {
        let column = if wijk_own.is_some() {
            ind.name.clone()
        } else {
            format!("{}{}", ind.name, super::data::CITY_SUFFIX)
        };
        if gap0 <= 0.0 {
            problems.push(
                at(&column),
                format!(
                    "the wijk ({wijk}) is not behind its city ({city}) on {} (better = {}): gaps are normalised by the start gap, so it must be positive",
                    ind.name,
                    if ind.better == super::Better::Lower {
                        "lower"
                    } else {
                        "higher"
                    }
                ),
            );
        }
        for (what, v) in [("wijk", wijk), ("city", city)] {
            if v < ind.min || v > ind.max {
                problems.push(
                    at(&column),
                    format!(
                        "the {what} value {v} lies outside the physical range [{}, {}] of {}",
                        ind.min, ind.max, ind.name
                    ),
                );
            }
        }
    }
    WijkIndicator {
        wijk,
        city,
        gap0,
        lo,
        hi,
    }
}

fn resolve_municipalities(
    raw: &RawScenario,
    rows: &[WijkRow],
    wijken: &[Wijk],
    table: &mut ParamTable,
    problems: &mut Problems,
) -> Vec<Municipality> {
    let mut names: Vec<String> = vec![];
    for r in rows {
        if !names.contains(&r.gemeente) {
            names.push(r.gemeente.clone());
        }
    }
    let known: Vec<&str> = names.iter().map(String::as_str).collect();
    for o in raw.municipalities.overrides.keys() {
        if !known.contains(&o.as_str()) {
            problems.push(
                format!("municipalities.overrides.{o}"),
                format!(
                    "no municipality `{o}` in the wijk table{}",
                    suggest(o, &known)
                ),
            );
        }
    }
    let defaults = MunicipalityParams::build(
        &raw.municipalities.defaults,
        "municipalities.defaults",
        None,
        table,
        problems,
    );
    names
        .iter()
        .enumerate()
        .map(|(m, name)| {
            let members: Vec<usize> = (0..wijken.len())
                .filter(|&w| wijken[w].municipality == m)
                .collect();
            let params = match raw.municipalities.overrides.get(name) {
                Some(o) => MunicipalityParams::build(
                    o,
                    &format!("municipalities.overrides.{name}"),
                    Some(&defaults),
                    table,
                    problems,
                ),
                None => defaults,
            };
            Municipality {
                name: name.clone(),
                population: members.iter().map(|&w| wijken[w].population).sum(),
                wijken: members,
                params,
            }
        })
        .collect()
}

/// The corporation schedules and policy shared by all, from `corporations.defaults`.
struct Shared {
    params: CorporationParams<ParamId>,
    levy: Schedule,
    rent_policy: Schedule,
    commitment: Schedule,
    allocation: super::AllocationPolicy,
}

#[allow(clippy::too_many_arguments)]
fn resolve_corporations(
    raw: &RawScenario,
    wijk_shown: &str,
    rows: &[WijkRow],
    wijken: &mut [Wijk],
    municipalities: &[Municipality],
    corp_table: Option<CorporationTable>,
    table: &mut ParamTable,
    problems: &mut Problems,
    warnings: &mut Vec<Problem>,
) -> Vec<Corporation> {
    let d = &raw.corporations.defaults;
    let shared = Shared {
        params: CorporationParams::build(d, "corporations.defaults", None, table, problems),
        levy: schedule(
            "corporations.defaults.levy",
            d.levy.as_ref(),
            0.0,
            (0.0, 1.0),
            problems,
        ),
        rent_policy: schedule(
            "corporations.defaults.rent_policy",
            d.rent_policy.as_ref(),
            0.0,
            (-1.0, 1.0),
            problems,
        ),
        commitment: schedule(
            "corporations.defaults.commitment",
            d.commitment.as_ref(),
            1.0,
            (0.0, 10.0),
            problems,
        ),
        allocation: d.allocation.unwrap_or_default(),
    };

    // The table's corporations, by name, with their municipality (where it has wijken).
    let table_rows: &[CorporationRow] = corp_table.as_ref().map_or(&[], |t| t.rows);
    let named: Vec<&str> = table_rows.iter().map(|r| r.name.as_str()).collect();
    if corp_table.is_none()
        && let Some(r) = rows.iter().find(|r| r.corporatie.is_some())
    {
        problems.push(
            format!("{wijk_shown} line {}, column corporatie", r.line),
            "names a corporation, but the scenario has no corporations table (data.corporations)",
        );
    }
    // Owners of each wijk: (table row index or None for the sector average, dwellings).
    let mut owners: Vec<Vec<(Option<usize>, f64)>> = vec![vec![]; wijken.len()];
    for (w, r) in rows.iter().enumerate() {
        let n = wijken[w].corporation_dwellings;
        if let Some(name) = &r.corporatie {
            match named.iter().position(|x| x == name) {
                Some(i) => owners[w].push((Some(i), n)),
                None if corp_table.is_some() => problems.push(
                    format!("{wijk_shown} line {}, column corporatie", r.line),
                    format!(
                        "no corporation `{name}` in the corporations table{}",
                        suggest(name, &named)
                    ),
                ),
                None => {}
            }
            continue;
        }
        let local: Vec<usize> = (0..table_rows.len())
            .filter(|&i| table_rows[i].gemeente == r.gemeente)
            .collect();
        let total: f64 = local.iter().map(|&i| table_rows[i].woningen).sum();
        if local.is_empty() || total <= 0.0 {
            owners[w].push((None, n));
        } else {
            for i in local {
                owners[w].push((Some(i), n * table_rows[i].woningen / total));
            }
        }
    }

    let mut corporations: Vec<Corporation> = vec![];
    let mut override_keys: Vec<String> = vec![];
    // Table corporations first (in table order), then sector averages (in municipality order).
    for (i, row) in table_rows.iter().enumerate() {
        let holdings = holdings_of(&owners, wijken, |o| o == Some(i));
        let municipality = municipalities
            .iter()
            .position(|m| m.name == row.gemeente)
            .or_else(|| holdings.first().map(|h| wijken[h.wijk].municipality));
        let Some(municipality) = municipality else {
            warnings.push(Problem {
                path: format!(
                    "{} line {}",
                    corp_table.as_ref().map_or("", |t| t.shown.as_str()),
                    row.line
                ),
                message: format!(
                    "corporation {} (gemeente {}) owns nothing in the wijken of the wijk table: left out",
                    row.name, row.gemeente
                ),
            });
            continue;
        };
        let wijk_dwellings: f64 = holdings.iter().map(|h| h.dwellings).sum();
        if wijk_dwellings > row.woningen * (1.0 + 1e-9) {
            problems.push(
                format!(
                    "{} line {}, column woningen",
                    corp_table.as_ref().map_or("", |t| t.shown.as_str()),
                    row.line
                ),
                format!(
                    "{} has {} dwellings in all but {wijk_dwellings:.0} in the wijken it owns: raise woningen, or name other owners in the wijk table's corporatie column",
                    row.name, row.woningen
                ),
            );
        }
        // Table values first, then the scenario's per-corporation overrides over them.
        let mut from_table = RawCorporation::default();
        for (key, v) in &row.values {
            let slot = match *key {
                "rent" => &mut from_table.rent,
                "operating_cost" => &mut from_table.operating_cost,
                "maintenance" => &mut from_table.maintenance,
                "other_taxes" => &mut from_table.other_taxes,
                "debt" => &mut from_table.debt,
                _ => &mut from_table.loan_interest,
            };
            *slot = Some(RawParam::Value(*v));
        }
        let base = CorporationParams::build(
            &from_table,
            &format!("corporations.table.{}", row.name),
            Some(&shared.params),
            table,
            problems,
        );
        override_keys.push(row.name.clone());
        corporations.push(corporation(
            raw,
            &row.name,
            &row.name,
            municipality,
            false,
            holdings,
            Some((row.woningen - wijk_dwellings).max(0.0)),
            base,
            &shared,
            table,
            problems,
        ));
    }
    for (m, muni) in municipalities.iter().enumerate() {
        let holdings = holdings_of(&owners, wijken, |o| o.is_none())
            .into_iter()
            .filter(|h| wijken[h.wijk].municipality == m)
            .collect::<Vec<_>>();
        if holdings.is_empty() {
            continue;
        }
        if corp_table.is_some() {
            warnings.push(Problem {
                path: format!("gemeente {}", muni.name),
                message: format!(
                    "no corporation of the corporations table owns its wijken ({}): a sector-average corporation stands in",
                    holdings
                        .iter()
                        .map(|h| wijken[h.wijk].name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        }
        override_keys.push(muni.name.clone());
        corporations.push(corporation(
            raw,
            &format!("{}{SECTOR_AVERAGE}", muni.name),
            &muni.name,
            m,
            true,
            holdings,
            None,
            shared.params,
            &shared,
            table,
            problems,
        ));
    }
    let known: Vec<&str> = override_keys.iter().map(String::as_str).collect();
    for o in raw.corporations.overrides.keys() {
        if !known.contains(&o.as_str()) {
            problems.push(
                format!("corporations.overrides.{o}"),
                format!(
                    "no corporation `{o}` (a corporation of the corporations table, or a municipality for its sector-average corporation){}",
                    suggest(o, &known)
                ),
            );
        }
    }
    for (c, corp) in corporations.iter().enumerate() {
        for h in &corp.holdings {
            wijken[h.wijk].owners.push((c, h.dwellings));
        }
    }
    corporations
}

/// The holdings of the owner matching `is`, one per wijk, with their part of the commitment.
fn holdings_of(
    owners: &[Vec<(Option<usize>, f64)>],
    wijken: &[Wijk],
    is: impl Fn(Option<usize>) -> bool,
) -> Vec<Holding> {
    let mut out = vec![];
    for (w, list) in owners.iter().enumerate() {
        let n = wijken[w].corporation_dwellings;
        for &(o, dwellings) in list {
            if is(o) {
                out.push(Holding {
                    wijk: w,
                    dwellings,
                    commitment: if n > 0.0 {
                        wijken[w].commitment * dwellings / n
                    } else {
                        0.0
                    },
                });
            }
        }
    }
    out
}

/// One corporation with the scenario's override for `key` (if any) applied over `base`.
#[allow(clippy::too_many_arguments)]
fn corporation(
    raw: &RawScenario,
    name: &str,
    key: &str,
    municipality: usize,
    sector_average: bool,
    holdings: Vec<Holding>,
    outside_dwellings: Option<f64>,
    base: CorporationParams<ParamId>,
    shared: &Shared,
    table: &mut ParamTable,
    problems: &mut Problems,
) -> Corporation {
    let o = raw.corporations.overrides.get(key);
    let prefix = format!("corporations.overrides.{key}");
    let own_schedule = |field: &str,
                        r: Option<&RawSchedule>,
                        dflt: &Schedule,
                        before,
                        range,
                        problems: &mut Problems| match r {
        Some(r) => schedule(
            &format!("{prefix}.{field}"),
            Some(r),
            before,
            range,
            problems,
        ),
        None => dflt.clone(),
    };
    Corporation {
        name: name.to_string(),
        municipality,
        sector_average,
        wijk_dwellings: holdings.iter().map(|h| h.dwellings).sum(),
        holdings,
        outside_dwellings,
        params: match o {
            Some(o) => CorporationParams::build(o, &prefix, Some(&base), table, problems),
            None => base,
        },
        allocation: o.and_then(|o| o.allocation).unwrap_or(shared.allocation),
        rent_policy: own_schedule(
            "rent_policy",
            o.and_then(|o| o.rent_policy.as_ref()),
            &shared.rent_policy,
            0.0,
            (-1.0, 1.0),
            problems,
        ),
        levy: own_schedule(
            "levy",
            o.and_then(|o| o.levy.as_ref()),
            &shared.levy,
            0.0,
            (0.0, 1.0),
            problems,
        ),
        commitment: own_schedule(
            "commitment",
            o.and_then(|o| o.commitment.as_ref()),
            &shared.commitment,
            1.0,
            (0.0, 10.0),
            problems,
        ),
    }
}
