//! A finished run read back from its directory: what charts, the report and the spreadsheet
//! are made from (they read results, never the model).

use crate::output::{Meta, SummaryFile};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// One row of yearly.csv: a quantile band of one variable in one year.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct YearlyRow {
    pub year: i32,
    /// `overall`, `wijk` or `corporation`.
    pub scope: String,
    pub name: String,
    /// `composite_gap`, `icr`, `ltv` or `capacity_eur`.
    pub variable: String,
    pub mean: f64,
    pub q05: f64,
    pub q25: f64,
    pub q50: f64,
    pub q75: f64,
    pub q95: f64,
}

/// The results of one run.
#[derive(Clone, Debug)]
pub struct RunResults {
    pub dir: PathBuf,
    pub summary: SummaryFile,
    pub yearly: Vec<YearlyRow>,
    pub meta: Meta,
    /// The resolved scenario as written at run time (scenario.json), if present.
    pub scenario: Option<serde_json::Value>,
    /// When summary.json was written (its file time), where the file system tells: no file
    /// of the run records a date.
    pub written: Option<SystemTime>,
}

/// A run directory that cannot be read, naming the file and what is wrong.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {message}")]
pub struct ResultsError {
    pub file: PathBuf,
    pub message: String,
}

impl RunResults {
    /// Reads summary.json, yearly.csv, meta.json and (if present) scenario.json from `dir`.
    ///
    /// # Errors
    /// A missing or malformed file, named.
    pub fn load(dir: &Path) -> Result<RunResults, ResultsError> {
        let fail = |name: &str, message: String| ResultsError {
            file: dir.join(name),
            message,
        };
        let read = |name: &str| {
            std::fs::read_to_string(dir.join(name)).map_err(|e| {
                fail(
                    name,
                    format!("cannot read it ({e}); is this a wijksim run directory?"),
                )
            })
        };
        let summary: SummaryFile = serde_json::from_str(&read("summary.json")?)
            .map_err(|e| fail("summary.json", format!("not a wijksim summary: {e}")))?;
        let meta: Meta = serde_json::from_str(&read("meta.json")?)
            .map_err(|e| fail("meta.json", format!("not a wijksim meta file: {e}")))?;
        let text = read("yearly.csv")?;
        let yearly = csv::Reader::from_reader(text.as_bytes())
            .deserialize()
            .enumerate()
            .map(|(i, r)| r.map_err(|e| fail("yearly.csv", format!("row {}: {e}", i + 2))))
            .collect::<Result<Vec<YearlyRow>, _>>()?;
        let scenario = match std::fs::read_to_string(dir.join("scenario.json")) {
            Ok(t) => Some(
                serde_json::from_str(&t)
                    .map_err(|e| fail("scenario.json", format!("not valid JSON: {e}")))?,
            ),
            Err(_) => None,
        };
        let written = std::fs::metadata(dir.join("summary.json"))
            .and_then(|m| m.modified())
            .ok();
        Ok(RunResults {
            dir: dir.to_path_buf(),
            summary,
            yearly,
            meta,
            scenario,
            written,
        })
    }

    /// The rows of one (scope, name, variable) series, in year order.
    pub fn series(&self, scope: &str, name: &str, variable: &str) -> Vec<&YearlyRow> {
        let mut rows: Vec<&YearlyRow> = self
            .yearly
            .iter()
            .filter(|r| r.scope == scope && r.name == name && r.variable == variable)
            .collect();
        rows.sort_by_key(|r| r.year);
        rows
    }
}
