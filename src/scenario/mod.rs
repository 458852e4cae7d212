//! Scenario files: parsed once, validated once, turned into typed structs the model reads.
//!
//! Loading goes raw -> resolved: [`raw`] mirrors the TOML; [`resolve`] fills in the defaults of
//! the reference model (docs/model.md), checks every value and collects every problem it finds (not just the first),
//! reads the wijk table ([`data`]) and builds the economy's Cholesky factor.

pub mod data;
mod document;
mod entities;
mod fitted;
pub use document::Parsed;
pub(crate) use document::{parse_toml, without_consequences};
pub use entities::SECTOR_AVERAGE;
pub use fitted::fitted_document;
pub(crate) use fitted::{insert as insert_at, param_toml};
pub mod params;
pub mod raw;
mod resolve;

use crate::schedule::Schedule;
use nalgebra::DMatrix;
use params::{
    CorporationParams, GapParams, MunicipalityParams, ParamId, ParamTable, PropertyParams,
};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

pub use crate::model::economy::{
    EconomySpec, HOUSE_PRICE, INFLATION, INTEREST, Shocks, UNEMPLOYMENT, VARIABLES,
};
pub use crate::model::gaps::Response;
pub use crate::model::params::AllocationPolicy;

/// A validated scenario: everything a run needs, with distributions already built.
#[derive(Clone, Debug, Serialize)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    /// The scenario file.
    pub file: PathBuf,
    /// The wijk table it read.
    pub data_file: PathBuf,
    /// The corporations table it read, if any.
    pub corporations_file: Option<PathBuf>,
    /// SHA-256 of the scenario file followed by the wijk table (and the corporations table).
    pub hash: String,
    /// Things that are allowed but may not be what the user meant (printed by run and
    /// validate).
    pub warnings: Vec<Problem>,
    pub run: RunSettings,
    pub economy: EconomySpec,
    pub indicators: Vec<Indicator>,
    /// Spillover as written: from indicator -> to indicator -> coefficient.
    pub spillover: BTreeMap<String, BTreeMap<String, f64>>,
    /// I + C: total closure of each indicator (row) per unit of direct closure of each (column).
    #[serde(skip)]
    pub spillover_matrix: DMatrix<f64>,
    pub gaps: GapParams<ParamId>,
    pub property: PropertyParams<ParamId>,
    pub municipalities: Vec<Municipality>,
    pub corporations: Vec<Corporation>,
    pub wijken: Vec<Wijk>,
    /// State ("Rijk") budget per wijk per year, EUR.
    pub state_budget_per_wijk: Schedule,
    /// Every scalar parameter, constant or uncertain, with its path.
    pub params: ParamTable,
}

#[derive(Clone, Debug, Serialize)]
pub struct RunSettings {
    pub draws: u64,
    pub seed: u64,
    /// Number of simulated years T.
    pub horizon: usize,
    /// Calendar year of t = 1 (Y0).
    pub start_year: i32,
}

impl RunSettings {
    /// Calendar year of model year `t` (t = 1 is `start_year`).
    pub fn year(&self, t: usize) -> i32 {
        self.start_year + t as i32 - 1
    }
}

/// Which direction of an indicator is better.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    Lower,
    Higher,
}

/// One indicator of deprivation.
#[derive(Clone, Debug, Serialize)]
pub struct Indicator {
    pub name: String,
    pub unit: String,
    /// Default city and wijk start values (a wijk's row in the table may give its own).
    pub city: f64,
    pub wijk: f64,
    pub better: Better,
    /// Physical range of the indicator's values [min, max] (may be infinite).
    pub min: f64,
    pub max: f64,
    /// Weight in the composite gap, normalised to sum to 1.
    pub weight: f64,
    /// Weight in the value composite cv that buyers price (normalised per draw).
    pub value_weight: ParamId,
    pub response: Response,
    /// Whether gains leak away as rising residents move out.
    pub leakage: bool,
    /// Direct yearly closure at full response (eff_k).
    pub effect: ParamId,
    /// Coefficient of variation of the per-wijk multiplier of `effect`.
    pub wijk_cv: f64,
    /// Percentage points of wijk gap per unit of national unemployment rate (cyc_k).
    pub cyclical: ParamId,
    /// Sd of the yearly noise of the normalised gap (sigma_k).
    pub sigma: ParamId,
}

impl Indicator {
    /// The start gap G(0), oriented so that positive is worse, of a wijk at `wijk` in a city
    /// at `city`.
    pub fn gap(&self, wijk: f64, city: f64) -> f64 {
        match self.better {
            Better::Lower => wijk - city,
            Better::Higher => city - wijk,
        }
    }

    /// The normalised gaps [lo, hi] at which a wijk with start gap `gap0` in a city at `city`
    /// would leave the indicator's physical range.
    pub fn bounds(&self, city: f64, gap0: f64) -> (f64, f64) {
        match self.better {
            Better::Lower => ((self.min - city) / gap0, (self.max - city) / gap0),
            Better::Higher => ((city - self.max) / gap0, (city - self.min) / gap0),
        }
    }
}

/// A municipality ("gemeente") with one or more aandachtswijken.
#[derive(Clone, Debug, Serialize)]
pub struct Municipality {
    pub name: String,
    pub wijken: Vec<usize>,
    /// Residents of its aandachtswijken.
    pub population: f64,
    pub params: MunicipalityParams<ParamId>,
}

/// A corporation's dwellings in one wijk at t = 0 and its part of the wijk's commitment.
#[derive(Clone, Debug, Serialize)]
pub struct Holding {
    pub wijk: usize,
    /// Its dwellings in the wijk at t = 0 (n_c,w).
    pub dwellings: f64,
    /// Its part of the wijk's yearly commitment, EUR at t = 0 prices (pro rata to dwellings).
    pub commitment: f64,
}

/// A housing corporation ("woningcorporatie"): one from the corporations table, or the
/// sector-average corporation that stands for all corporations of a municipality.
#[derive(Clone, Debug, Serialize)]
pub struct Corporation {
    pub name: String,
    pub municipality: usize,
    /// True for the sector-average stand-in of a municipality (not a real corporation).
    pub sector_average: bool,
    pub holdings: Vec<Holding>,
    /// Its dwellings inside the aandachtswijken at t = 0.
    pub wijk_dwellings: f64,
    /// Its dwellings outside them at t = 0, when known from the table; a sector-average
    /// corporation has `outside_ratio` x its wijk dwellings.
    pub outside_dwellings: Option<f64>,
    pub params: CorporationParams<ParamId>,
    pub allocation: AllocationPolicy,
    /// Real rent increase by year (rho).
    pub rent_policy: Schedule,
    /// Landlord levy rate on the WOZ value by year (tau).
    pub levy: Schedule,
    /// The wijk commitment as a multiplier by year.
    pub commitment: Schedule,
}

/// One indicator in one wijk: its own start gap and bounds.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct WijkIndicator {
    /// The wijk's start value and its city's value.
    pub wijk: f64,
    pub city: f64,
    /// Start gap G(0), oriented so that positive is worse.
    pub gap0: f64,
    /// Normalised gaps at the edges of the physical range.
    pub lo: f64,
    pub hi: f64,
}

/// An aandachtswijk ("deprived neighbourhood").
#[derive(Clone, Debug, Serialize)]
pub struct Wijk {
    pub name: String,
    pub municipality: usize,
    /// The corporations owning its corporation dwellings, with their dwellings at t = 0.
    pub owners: Vec<(usize, f64)>,
    /// Residents P_w.
    pub population: f64,
    /// Dwellings H_w.
    pub dwellings: f64,
    /// Dwellings owned by corporations n_w.
    pub corporation_dwellings: f64,
    /// Whether the sizes are estimates (no `inwoners` in the table).
    pub population_estimated: bool,
    /// Additional corporation investment committed per year, EUR at t = 0 prices.
    pub commitment: f64,
    /// Maximum project support ("bijzondere projectsteun") per year, EUR.
    pub max_project_support: f64,
    /// Per indicator (scenario order): start gap and bounds in this wijk.
    pub indicators: Vec<WijkIndicator>,
    /// Stream key of each indicator's multiplier and noise in this wijk.
    #[serde(skip)]
    pub indicator_keys: Vec<u64>,
}

impl Scenario {
    /// Per parameter of the table: whether the model reads it. A shared default that every
    /// entity overrides (say `corporations.defaults.rent` when the corporations table gives
    /// every rent) is in the table but read by nothing.
    pub fn used_params(&self) -> Vec<bool> {
        let mut used = vec![false; self.params.len()];
        let mut mark = |ids: Vec<ParamId>| {
            for id in ids {
                used[id.0] = true;
            }
        };
        mark(self.gaps.fields().into_iter().map(|f| f.1).collect());
        mark(self.property.fields().into_iter().map(|f| f.1).collect());
        for i in &self.indicators {
            mark(vec![i.value_weight, i.effect, i.cyclical, i.sigma]);
        }
        for m in &self.municipalities {
            mark(m.params.fields().into_iter().map(|f| f.1).collect());
        }
        for c in &self.corporations {
            mark(c.params.fields().into_iter().map(|f| f.1).collect());
        }
        used
    }

    pub fn horizon(&self) -> usize {
        self.run.horizon
    }

    /// Population-weight of each wijk in the overall figures.
    pub fn total_population(&self) -> f64 {
        self.wijken.iter().map(|w| w.population).sum()
    }

    /// Display name "Gemeente / Wijk".
    pub fn wijk_label(&self, w: usize) -> String {
        let wijk = &self.wijken[w];
        format!(
            "{} / {}",
            self.municipalities[wijk.municipality].name, wijk.name
        )
    }
}

/// One thing wrong with a scenario.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Problem {
    /// Where: a field path such as `corporations.overrides.Amsterdam.rent`, or a file
    /// location such as `data/aandachtswijken.csv row 3, column wijk`.
    pub path: String,
    pub message: String,
}

/// The problems found so far while resolving.
#[derive(Clone, Debug, Default)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    pub fn push(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.0.push(Problem {
            path: path.into(),
            message: message.into(),
        });
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A scenario that cannot be used, with everything wrong with it.
#[derive(Debug, thiserror::Error)]
pub struct ScenarioError {
    pub file: PathBuf,
    pub problems: Vec<Problem>,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(
            f,
            "{}: {} problem{}",
            self.file.display(),
            n,
            if n == 1 { "" } else { "s" }
        )?;
        for p in &self.problems {
            write!(f, "\n  {}: {}", p.path, p.message)?;
        }
        Ok(())
    }
}

/// Reads, validates and resolves a scenario file.
///
/// # Errors
/// Every problem found: unreadable or malformed files, unknown keys (with their path), values
/// out of range, bad distributions, a correlation matrix that is not positive definite, a
/// missing or malformed wijk table.
pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
    load_with(path, &[])
}

/// Like [`load`], with values set at dotted paths after inheritance, as if the file said so
/// (`("municipalities.defaults.cut_depth", 0.3)`; an indicator's keys by its name,
/// `indicators.livability.effect`). A distribution at such a path is replaced by the number.
/// Used by sweeps; a path that is not a scenario key is reported like an unknown key in the
/// file.
///
/// # Errors
/// As [`load`], and a path that runs through a value that is not a table.
pub fn load_with(path: &Path, set: &[(String, f64)]) -> Result<Scenario, ScenarioError> {
    load_inner(path, set, &[])
}

/// Like [`load_with`], but a parameter of `fit` keeps its distribution and is moved to the
/// given location (its mode, mean or midpoint: [`crate::dist::DistSpec::at_location`]); a
/// path ending in a year (`corporations.defaults.commitment.2011`) sets that year of a
/// schedule. Then `overrides` are set as [`load_with`] sets them (a counterfactual of the
/// fitted scenario; an override wins over a fitted value at the same path). Used by
/// calibration.
///
/// # Errors
/// As [`load_with`], and a path that names no parameter of the scenario, or a distribution
/// that the location would move out of its parameter's domain.
pub fn load_fitted(
    path: &Path,
    fit: &[(String, f64)],
    overrides: &[(String, f64)],
) -> Result<Scenario, ScenarioError> {
    let is_year = |p: &str| {
        p.rsplit('.')
            .next()
            .is_some_and(|k| k.chars().all(|c| c.is_ascii_digit()))
    };
    let overridden = |p: &str| overrides.iter().any(|(o, _)| o == p);
    let (mut set, locations): (Vec<_>, Vec<_>) = fit
        .iter()
        .filter(|(p, _)| !overridden(p))
        .cloned()
        .partition(|(p, _)| is_year(p));
    set.extend_from_slice(overrides);
    load_inner(path, &set, &locations)
}

/// Like [`load`], for a scenario document that is not a file (yet): `path` is where it
/// would be, so that `extends` and the data paths are found relative to its folder. Used by
/// the what-if page, whose lever settings go through the same validation as a file.
///
/// # Errors
/// As [`load`].
pub fn load_text(path: &Path, text: String) -> Result<Scenario, ScenarioError> {
    load_document(path, text, &[], &[])
}

fn load_inner(
    path: &Path,
    set: &[(String, f64)],
    locations: &[(String, f64)],
) -> Result<Scenario, ScenarioError> {
    let text = std::fs::read_to_string(path).map_err(|e| ScenarioError {
        file: path.to_path_buf(),
        problems: vec![Problem {
            path: "(file)".into(),
            message: format!("cannot read the scenario file: {e}"),
        }],
    })?;
    load_document(path, text, set, locations)
}

fn load_document(
    path: &Path,
    text: String,
    set: &[(String, f64)],
    locations: &[(String, f64)],
) -> Result<Scenario, ScenarioError> {
    let fail = |problems: Vec<Problem>| ScenarioError {
        file: path.to_path_buf(),
        problems,
    };
    let original = text.clone();
    let text = inherit(path, text).map_err(|p| fail(vec![p]))?;
    let text = if set.is_empty() {
        text
    } else {
        set_values(&text, set).map_err(|p| fail(vec![p]))?
    };
    let rewritten = text != original;
    // Lines and columns of a rewritten document would point into the merged document, not a
    // file.
    let unlocated = |mut p: Problem| {
        if let Some(i) = p.message.find(" (line ").filter(|_| rewritten) {
            p.message.truncate(i);
        }
        p
    };
    let Parsed {
        value: raw,
        unknown,
        mistyped,
    } = parse(&text).map_err(|p| fail(vec![unlocated(p)]))?;
    let mistyped: Vec<Problem> = mistyped.into_iter().map(unlocated).collect();
    let mut problems = Problems::default();
    for key in unknown {
        let (path, message) = unknown_key(&key);
        problems.push(path, message);
    }
    let locations: BTreeMap<String, f64> = locations.iter().cloned().collect();
    let resolved = resolve::resolve(raw, path, &text, locations.clone(), &mut problems);
    if let Some(sc) = &resolved {
        let known: Vec<&str> = sc.params.params.iter().map(|p| p.path.as_str()).collect();
        for p in locations.keys().filter(|p| !sc.params.located.contains(*p)) {
            problems.push(
                p.clone(),
                format!(
                    "no parameter at this path in the scenario{}",
                    suggest(p, &known)
                ),
            );
        }
    }
    match resolved {
        Some(s) if problems.is_empty() && mistyped.is_empty() => Ok(s),
        _ => {
            let mut problems = without_consequences(mistyped, problems.0);
            if !rewritten {
                add_locations(&text, &mut problems);
            }
            Err(fail(problems))
        }
    }
}

/// The document of the scenario at `path` after inheritance (`extends` merged in), or
/// `None` when it is not valid TOML (which [`load`] reports with its location).
///
/// # Errors
/// A file that cannot be read or merged.
pub fn merged(path: &Path) -> Result<Option<toml::Table>, ScenarioError> {
    let fail = |p: Problem| ScenarioError {
        file: path.to_path_buf(),
        problems: vec![p],
    };
    let text = std::fs::read_to_string(path).map_err(|e| {
        fail(Problem {
            path: "(file)".into(),
            message: format!("cannot read the scenario file: {e}"),
        })
    })?;
    let text = inherit(path, text).map_err(fail)?;
    Ok(text.parse::<toml::Table>().ok())
}

/// The number at dotted `key` of the scenario at `path` after inheritance, if there is one
/// (`corporations.defaults.commitment.2011`; an indicator's keys by its name).
///
/// # Errors
/// A file that cannot be read or merged.
pub fn value_at(path: &Path, key: &str) -> Result<Option<f64>, ScenarioError> {
    let Some(table) = merged(path)? else {
        return Ok(None);
    };
    let keys: Vec<&str> = key.split('.').collect();
    let mut value = &toml::Value::Table(table);
    let mut i = 0;
    while i < keys.len() {
        value = match value {
            toml::Value::Table(t) => match t.get(keys[i]) {
                Some(v) => v,
                None => return Ok(None),
            },
            toml::Value::Array(items) => {
                let found = items
                    .iter()
                    .find(|v| v.get("name").and_then(|n| n.as_str()) == Some(keys[i]));
                match found {
                    Some(v) => v,
                    None => return Ok(None),
                }
            }
            _ => return Ok(None),
        };
        i += 1;
    }
    Ok(match value {
        toml::Value::Float(f) => Some(*f),
        toml::Value::Integer(n) => Some(*n as f64),
        _ => None,
    })
}

/// Appends " (line L, column C)" to problems whose field path (or its nearest parent) is
/// written in `text`.
pub(crate) fn add_locations(text: &str, problems: &mut [Problem]) {
    let keys = key_locations(text);
    for p in problems
        .iter_mut()
        .filter(|p| !p.message.contains("(line "))
    {
        let mut path = p.path.as_str();
        loop {
            if let Some((line, col)) = keys.get(path) {
                p.message = format!("{} (line {line}, column {col})", p.message);
                break;
            }
            match path.rfind(['.', '[']) {
                Some(i) if i > 0 => path = &path[..i],
                _ => break,
            }
        }
    }
}

/// Where each key of a scenario file is written, by field path (`gaps.leak`,
/// `gaps.leak.min`, `indicators[2].effect`, `economy.correlation[0].rho`): a line scanner
/// for the forms scenario files use (table headers, arrays of tables, `key = value` lines and
/// one level of inline tables). Best effort: a path it cannot place gets no location.
fn key_locations(text: &str) -> BTreeMap<String, (usize, usize)> {
    let mut out = BTreeMap::new();
    let mut table = String::new();
    let mut arrays: BTreeMap<String, usize> = BTreeMap::new();
    let clean = |k: &str| k.trim().trim_matches('"').to_string();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim_start();
        let indent = raw.len() - line.len();
        let at = (n + 1, indent + 1);
        if let Some(rest) = line.strip_prefix("[[") {
            let name: String = rest
                .split("]]")
                .next()
                .unwrap_or("")
                .split('.')
                .map(clean)
                .collect::<Vec<_>>()
                .join(".");
            let i = *arrays
                .entry(name.clone())
                .and_modify(|c| *c += 1)
                .or_insert(0);
            out.entry(name.clone()).or_insert(at);
            table = format!("{name}[{i}]");
            out.insert(table.clone(), at);
        } else if let Some(rest) = line.strip_prefix('[') {
            table = rest
                .split(']')
                .next()
                .unwrap_or("")
                .split('.')
                .map(clean)
                .collect::<Vec<_>>()
                .join(".");
            out.entry(table.clone()).or_insert(at);
        } else if let Some((key, value)) = line.split_once('=') {
            if line.starts_with('#') {
                continue;
            }
            let key = key.split('.').map(clean).collect::<Vec<_>>().join(".");
            let path = if table.is_empty() {
                key
            } else {
                format!("{table}.{key}")
            };
            out.insert(path.clone(), at);
            // One level of inline table: `leak = { dist = "pert", min = 0.02, ... }`.
            if let Some(inner) = value.trim().strip_prefix('{') {
                let offset = raw.len() - inner.len();
                let mut pos = offset;
                for part in inner
                    .trim_end_matches(|c: char| c != '}')
                    .trim_end_matches('}')
                    .split(',')
                {
                    if let Some((k, _)) = part.split_once('=') {
                        let lead = part.len() - part.trim_start().len();
                        out.insert(format!("{path}.{}", clean(k)), (n + 1, pos + lead + 1));
                    }
                    pos += part.len() + 1;
                }
            }
        }
    }
    out
}

/// Sets `value` at each dotted path of the document `text` (creating tables on the way).
fn set_values(text: &str, set: &[(String, f64)]) -> Result<String, Problem> {
    let Ok(mut table) = text.parse::<toml::Table>() else {
        // Syntax errors are reported with their location by `parse`.
        return Ok(text.to_string());
    };
    for (path, value) in set {
        let keys: Vec<&str> = path.split('.').collect();
        let (last, parents) = keys.split_last().expect("split yields one key at least");
        let mut t = &mut table;
        let mut i = 0;
        while i < parents.len() {
            let k = parents[i];
            let entry = t
                .entry(k.to_string())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            t = match entry {
                toml::Value::Table(inner) => {
                    i += 1;
                    inner
                }
                // An array of tables (`[[indicators]]`): the next key names the element.
                toml::Value::Array(items) => {
                    let Some(name) = parents.get(i + 1) else {
                        return Err(Problem {
                            path: path.clone(),
                            message: format!(
                                "cannot set it: `{}` is a list; name an element and its field, such as {}.<name>.<field>",
                                keys[..=i].join("."),
                                keys[..=i].join(".")
                            ),
                        });
                    };
                    let found = items.iter_mut().find_map(|v| match v {
                        toml::Value::Table(inner)
                            if inner.get("name").and_then(|n| n.as_str()) == Some(*name) =>
                        {
                            Some(inner)
                        }
                        _ => None,
                    });
                    match found {
                        Some(inner) => {
                            i += 2;
                            inner
                        }
                        None => {
                            return Err(Problem {
                                path: path.clone(),
                                message: format!(
                                    "cannot set it: no element named `{name}` in `{}`",
                                    keys[..=i].join(".")
                                ),
                            });
                        }
                    }
                }
                _ => {
                    return Err(Problem {
                        path: path.clone(),
                        message: format!(
                            "cannot set it: `{}` is a value, not a table",
                            keys[..=i].join(".")
                        ),
                    });
                }
            };
        }
        t.insert(last.to_string(), toml::Value::Float(*value));
    }
    toml::to_string(&table).map_err(|e| Problem {
        path: "(set)".into(),
        message: format!("cannot apply the values: {e}"),
    })
}

/// Resolves `extends = "parent.toml"`: the parent (itself possibly extending another) is
/// loaded relative to this file and this file's tables are merged over it. Tables merge key
/// by key; arrays (such as `[[indicators]]`), distribution tables (with `dist`) and year
/// schedules are replaced whole; `name` and `description` are never inherited; a child that
/// gives its own `[[indicators]]` does not inherit the parent's `spillover` either (it names
/// the parent's indicators). A parent's `data.wijken` and `data.corporations` stay relative to the parent. Returns the
/// merged document as TOML text (or
/// `text` unchanged when it extends nothing).
fn inherit(path: &Path, text: String) -> Result<String, Problem> {
    let table = match text.parse::<toml::Table>() {
        Ok(t) => t,
        // Syntax errors are reported with their location by `parse`.
        Err(_) => return Ok(text),
    };
    if !table.contains_key("extends") {
        return Ok(text);
    }
    let mut chain = vec![];
    let merged = merged_table(path, table, &mut chain)?;
    toml::to_string(&merged).map_err(|e| Problem {
        path: "extends".into(),
        message: format!("cannot merge the parent scenario: {e}"),
    })
}

fn merged_table(
    path: &Path,
    mut table: toml::Table,
    chain: &mut Vec<PathBuf>,
) -> Result<toml::Table, Problem> {
    let here = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    if chain.contains(&here) {
        let cycle: Vec<String> = chain
            .iter()
            .chain(std::iter::once(&here))
            .map(|p| p.display().to_string())
            .collect();
        return Err(Problem {
            path: "extends".into(),
            message: format!(
                "scenarios extend each other in a cycle: {}",
                cycle.join(" -> ")
            ),
        });
    }
    chain.push(here);
    let dir = path.parent().unwrap_or(Path::new("."));
    // This file's data path, relative to this file: made absolute so that a child in another
    // folder still finds it.
    if let Some(toml::Value::Table(data)) = table.get_mut("data") {
        for key in ["wijken", "corporations"] {
            if let Some(toml::Value::String(w)) = data.get_mut(key) {
                let abs = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
                *w = abs.join(&*w).display().to_string();
            }
        }
    }
    let Some(parent) = table.remove("extends") else {
        return Ok(table);
    };
    let toml::Value::String(parent) = parent else {
        return Err(Problem {
            path: "extends".into(),
            message: format!("must be the path of a scenario file, got {parent}"),
        });
    };
    let parent_path = dir.join(&parent);
    let parent_text = std::fs::read_to_string(&parent_path).map_err(|e| Problem {
        path: "extends".into(),
        message: format!(
            "cannot read the parent scenario {}: {e}",
            parent_path.display()
        ),
    })?;
    let parent_table = parent_text.parse::<toml::Table>().map_err(|e| Problem {
        path: "extends".into(),
        message: format!(
            "the parent scenario {} is not valid TOML: {}",
            parent_path.display(),
            e.message().trim()
        ),
    })?;
    let mut base = merged_table(&parent_path, parent_table, chain)?;
    base.remove("name");
    base.remove("description");
    if table.contains_key("indicators") {
        // The parent's spillover matrix names the parent's indicators.
        base.remove("spillover");
    }
    merge(&mut base, table);
    Ok(base)
}

/// Merges `over` into `base`: tables key by key, everything else replaced.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) if !replaced_whole(&o) => {
                merge(b, o)
            }
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

/// Distribution tables and year schedules are one value: a child replaces them whole.
fn replaced_whole(t: &toml::Table) -> bool {
    t.contains_key("dist")
        || (!t.is_empty() && t.keys().all(|k| k.chars().all(|c| c.is_ascii_digit())))
}

/// Parses TOML into the raw form, with the paths of unknown keys and every value of the wrong
/// type.
///
/// # Errors
/// A syntax error, located.
pub fn parse(text: &str) -> Result<Parsed<raw::RawScenario>, Problem> {
    parse_toml(text)
}

/// The field path and message for an unknown key as serde_ignored reports it
/// (`indicators.?.0.sigmaa` becomes `indicators[0].sigmaa`), suggesting the nearest key that
/// is allowed at that place.
fn unknown_key(raw_path: &str) -> (String, String) {
    let segments: Vec<&str> = raw_path.split('.').filter(|s| *s != "?").collect();
    let mut path = String::new();
    for s in &segments {
        if s.parse::<usize>().is_ok() {
            path.push_str(&format!("[{s}]"));
        } else {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(s);
        }
    }
    let Some((key, parent)) = segments.split_last() else {
        return (raw_path.to_string(), "unknown key".into());
    };
    let known = known_keys(parent);
    let near = suggest(key, known);
    let message = if near.is_empty() {
        format!("unknown key; allowed here: {}", known.join(", "))
    } else {
        format!("unknown key{near}")
    };
    (path, message)
}

/// The keys a scenario file accepts below `parent`.
fn known_keys(parent: &[&str]) -> &'static [&'static str] {
    use params::{RawCorporation, RawGaps, RawMunicipality, RawProperty};
    match parent {
        [] => &[
            "extends",
            "name",
            "description",
            "run",
            "data",
            "economy",
            "gaps",
            "indicators",
            "spillover",
            "property",
            "municipalities",
            "corporations",
            "state",
        ],
        ["run"] => &["draws", "seed", "horizon", "start_year"],
        ["data"] => &[
            "wijken",
            "corporations",
            "total_population",
            "total_commitment",
            "persons_per_dwelling",
            "corporation_share",
        ],
        ["economy"] => &[
            "mean",
            "sd",
            "persistence",
            "correlation",
            "shocks",
            "student_t_df",
            "overlay",
        ],
        ["economy", "mean" | "sd" | "persistence" | "overlay"] => &VARIABLES,
        ["economy", "correlation", _] => &["a", "b", "rho"],
        ["gaps"] => RawGaps::FIELDS,
        ["property"] => RawProperty::FIELDS,
        ["municipalities" | "corporations"] => &["defaults", "overrides"],
        ["municipalities", "defaults"] | ["municipalities", "overrides", _] => {
            RawMunicipality::FIELDS
        }
        ["corporations", "defaults"] | ["corporations", "overrides", _] => RawCorporation::FIELDS,
        ["indicators", _] => &[
            "name",
            "unit",
            "city",
            "wijk",
            "better",
            "min",
            "max",
            "weight",
            "value_weight",
            "response",
            "leakage",
            "effect",
            "wijk_cv",
            "cyclical",
            "sigma",
        ],
        ["state"] => &["budget_per_wijk"],
        // Below a parameter: a distribution table.
        _ => &[
            "dist", "value", "mean", "sd", "min", "mode", "max", "a", "b", "lower", "upper",
        ],
    }
}

/// " (did you mean `x`?)" when a known name is close to `given`, else "".
pub fn suggest(given: &str, known: &[&str]) -> String {
    let best = known
        .iter()
        .map(|k| (levenshtein(&given.to_lowercase(), &k.to_lowercase()), *k))
        .min();
    match best {
        Some((d, k)) if d <= given.len().max(3) / 3 + 1 => format!(" (did you mean `{k}`?)"),
        _ => String::new(),
    }
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push(
                (prev[j] + usize::from(ca != *cb))
                    .min(prev[j + 1] + 1)
                    .min(cur[j] + 1),
            );
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_find_near_names() {
        assert_eq!(
            suggest("Amsterdm", &["Amsterdam", "Arnhem"]),
            " (did you mean `Amsterdam`?)"
        );
        assert_eq!(suggest("xyz", &["Amsterdam"]), "");
    }
}
