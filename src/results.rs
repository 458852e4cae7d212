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
    /// The municipality of a wijk or a corporation (empty for overall rows).
    #[serde(default)]
    pub gemeente: String,
    /// The wijk of a wijk row (empty otherwise).
    #[serde(default)]
    pub wijk: String,
    /// The corporation of a corporation row (empty otherwise).
    #[serde(default)]
    pub corporatie: String,
    /// The one `name` column of yearly.csv before the places had their own columns
    /// ("all wijken", "Gemeente / Wijk", the corporation): read from older runs and moved
    /// into the columns above.
    #[serde(default)]
    name: Option<String>,
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
        let yearly =
            parse_yearly(&read("yearly.csv")?).map_err(|message| fail("yearly.csv", message))?;
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

    /// The rows of one series, in year order: `variable` of all wijken together
    /// (`Place::Overall`), of a wijk or of a corporation.
    pub fn series(&self, place: Place<'_>, variable: &str) -> Vec<&YearlyRow> {
        let mut rows: Vec<&YearlyRow> = self
            .yearly
            .iter()
            .filter(|r| r.variable == variable && r.place() == place)
            .collect();
        rows.sort_by_key(|r| r.year);
        rows
    }
}

/// The rows of a yearly.csv text.
///
/// # Errors
/// A malformed row, with its line number.
pub fn parse_yearly(text: &str) -> Result<Vec<YearlyRow>, String> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .enumerate()
        .map(|(i, r)| {
            r.map(YearlyRow::with_places)
                .map_err(|e| format!("row {}: {e}", i + 2))
        })
        .collect()
}

/// Whose a row of yearly.csv is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place<'a> {
    /// All wijken together.
    Overall,
    Wijk {
        gemeente: &'a str,
        wijk: &'a str,
    },
    Corporation(&'a str),
    /// A scope this version does not know.
    Other,
}

impl YearlyRow {
    /// Whose the row is.
    pub fn place(&self) -> Place<'_> {
        match self.scope.as_str() {
            "overall" => Place::Overall,
            "wijk" => Place::Wijk {
                gemeente: &self.gemeente,
                wijk: &self.wijk,
            },
            "corporation" => Place::Corporation(&self.corporatie),
            _ => Place::Other,
        }
    }

    /// Moves an older file's `name` into the place columns.
    fn with_places(mut self) -> YearlyRow {
        if let Some(name) = self.name.take() {
            match self.scope.as_str() {
                "wijk" if self.wijk.is_empty() => {
                    let (gemeente, wijk) = name.split_once(" / ").unwrap_or(("", &name));
                    (self.gemeente, self.wijk) = (gemeente.to_string(), wijk.to_string());
                }
                "corporation" if self.corporatie.is_empty() => self.corporatie = name,
                _ => {}
            }
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn older_yearly_files_with_one_name_column_still_read() {
        let old = "year,scope,name,variable,mean,q05,q25,q50,q75,q95\n\
            2008,overall,all wijken,composite_gap,1,1,1,1,1,1\n\
            2008,wijk,Amsterdam / Bijlmer,composite_gap,1,1,1,1,1,1\n\
            2008,corporation,Ymere,icr,2,2,2,2,2,2\n";
        let rows: Vec<YearlyRow> = csv::Reader::from_reader(old.as_bytes())
            .deserialize()
            .map(|r: Result<YearlyRow, _>| r.unwrap().with_places())
            .collect();
        assert_eq!(rows[0].place(), Place::Overall);
        assert_eq!(
            rows[1].place(),
            Place::Wijk {
                gemeente: "Amsterdam",
                wijk: "Bijlmer"
            }
        );
        assert_eq!(rows[2].place(), Place::Corporation("Ymere"));
    }
}
