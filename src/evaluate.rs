//! `wijksim evaluate`: one model evaluation per row of a design that another tool made
//! (SALib, EMA Workbench, a spreadsheet), so that those tools can use wijksim as their model.
//!
//! A design is a CSV file whose columns are parameter paths of the scenario (as `wijksim
//! validate --resolved` lists them, e.g. `gaps.leak`) and optionally `draw`. In a row, each
//! named parameter is set to the row's value; everything else (the other parameters, the
//! economy's shocks, the wijken's multipliers and noise) comes from the random streams of the
//! row's draw: the `draw` column, or the same draw for every row.

use crate::engine::Cancel;
use crate::model::{DrawOutcome, Streams, Workspace, simulate_mixed};
use crate::scenario::{Problem, Scenario, ScenarioError};
use crate::sensitivity::Output;
use rayon::prelude::*;
use std::path::Path;

/// Problems reported at most (a design with a systematic error has one per row).
const MAX_PROBLEMS: usize = 20;

/// A validated design.
#[derive(Clone, Debug, PartialEq)]
pub struct Design {
    /// The parameter (index in the scenario's table) of each design column.
    pub params: Vec<usize>,
    pub paths: Vec<String>,
    /// Per row: its draw and the values of the design columns.
    pub rows: Vec<(u64, Vec<f64>)>,
}

/// What one row gives, in the order of [`COLUMNS`].
pub const COLUMNS: [&str; 9] = [
    "row",
    "draw",
    "closure",
    "halved",
    "min_icr",
    "breach_icr",
    "breach_ltv",
    "realised_wijk",
    "uplift",
];

/// Reads and checks a design for `sc`; rows without a `draw` take `default_draw`.
///
/// # Errors
/// Every problem (up to [`MAX_PROBLEMS`]) with its row, line and column: an unknown or
/// repeated column, a cell that is not a number, a value outside its parameter's domain, a
/// draw that is not a whole number, or no rows at all.
pub fn load(path: &Path, sc: &Scenario, default_draw: u64) -> Result<Design, ScenarioError> {
    let fail = |problems: Vec<Problem>| ScenarioError {
        file: path.to_path_buf(),
        problems,
    };
    let one = |p: &str, m: String| {
        fail(vec![Problem {
            path: p.into(),
            message: m,
        }])
    };
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(|e| one("file", format!("cannot read it: {e}")))?;
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| one("header", format!("cannot read it: {e}")))?
        .iter()
        .map(String::from)
        .collect();
    let mut problems: Vec<Problem> = vec![];
    let push = |problems: &mut Vec<Problem>, p: String, m: String| {
        if problems.len() < MAX_PROBLEMS {
            problems.push(Problem {
                path: p,
                message: m,
            });
        }
    };
    let table = &sc.params.params;
    let used = sc.used_params();
    let mut params = vec![];
    let mut paths = vec![];
    let mut columns = vec![];
    let mut draw_col = None;
    for (c, name) in header.iter().enumerate() {
        if header[..c].contains(name) {
            push(
                &mut problems,
                format!("column {name:?}"),
                "appears twice".into(),
            );
            continue;
        }
        if name == "draw" {
            draw_col = Some(c);
            continue;
        }
        match table.iter().position(|p| p.path == *name) {
            Some(i) if !used[i] => push(
                &mut problems,
                format!("column {name:?}"),
                format!(
                    "is a parameter that the model does not read in {}: every entity overrides this shared default, so setting it would change nothing; set the overriding parameters instead",
                    sc.name
                ),
            ),
            Some(i) => {
                params.push(i);
                paths.push(name.clone());
                columns.push(c);
            }
            None => {
                let close: Vec<&str> = table
                    .iter()
                    .map(|p| p.path.as_str())
                    .filter(|p| {
                        let last = name.rsplit('.').next().unwrap_or(name);
                        p.ends_with(&format!(".{last}"))
                    })
                    .take(3)
                    .collect();
                push(
                    &mut problems,
                    format!("column {name:?}"),
                    format!(
                        "is not a parameter of {}{} (`wijksim validate --resolved` lists them)",
                        sc.name,
                        if close.is_empty() {
                            String::new()
                        } else {
                            format!("; did you mean {}?", close.join(" or "))
                        }
                    ),
                );
            }
        }
    }
    if params.is_empty() && problems.is_empty() {
        push(
            &mut problems,
            "header".into(),
            "names no parameter of the scenario: nothing to set".into(),
        );
    }
    let mut rows = vec![];
    for (r, record) in reader.records().enumerate() {
        let line = match &record {
            Ok(rec) => rec.position().map_or(r as u64 + 2, |p| p.line()),
            Err(e) => e.position().map_or(r as u64 + 2, |p| p.line()),
        };
        let at = |col: &str| format!("row {} (line {line}), column {col:?}", r + 1);
        let record = match record {
            Ok(rec) => rec,
            Err(e) => {
                push(
                    &mut problems,
                    format!("row {} (line {line})", r + 1),
                    e.to_string(),
                );
                continue;
            }
        };
        let draw = match draw_col {
            None => default_draw,
            Some(c) => match record.get(c).unwrap_or("").parse::<u64>() {
                Ok(d) => d,
                Err(_) => {
                    push(
                        &mut problems,
                        at("draw"),
                        format!(
                            "must be a whole number >= 0, got {:?}",
                            record.get(c).unwrap_or("")
                        ),
                    );
                    continue;
                }
            },
        };
        let mut values = Vec::with_capacity(params.len());
        for (&c, &i) in columns.iter().zip(&params) {
            let cell = record.get(c).unwrap_or("");
            match cell.parse::<f64>() {
                Ok(v) if v.is_finite() => {
                    if let Err(m) = table[i].domain.check(v, v) {
                        push(&mut problems, at(&table[i].path), m);
                    }
                    values.push(v);
                }
                _ => push(
                    &mut problems,
                    at(&table[i].path),
                    format!("must be a number, got {cell:?}"),
                ),
            }
        }
        rows.push((draw, values));
    }
    if rows.is_empty() && problems.is_empty() {
        push(
            &mut problems,
            "rows".into(),
            "the design has no rows".into(),
        );
    }
    if !problems.is_empty() {
        return Err(fail(problems));
    }
    Ok(Design {
        params,
        paths,
        rows,
    })
}

/// The outputs file: the header ([`COLUMNS`]) and one row per evaluated design row.
pub fn csv_rows(rows: &[Evaluated]) -> Vec<Vec<String>> {
    let mut out = vec![COLUMNS.map(String::from).to_vec()];
    out.extend(rows.iter().map(|r| {
        let mut rec = vec![r.row.to_string(), r.draw.to_string()];
        rec.extend(r.values.iter().map(|v| v.to_string()));
        rec
    }));
    out
}

/// Why an evaluation failed.
#[derive(Debug, thiserror::Error)]
pub enum EvaluateError {
    #[error("row {row} (draw {draw}) produced a non-finite {output} ({value})")]
    NonFinite {
        row: usize,
        draw: u64,
        output: &'static str,
        value: f64,
    },
    #[error("interrupted after {done} of {total} rows")]
    Interrupted { done: usize, total: usize },
}

/// One row's outputs.
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluated {
    /// The design row, from 1.
    pub row: usize,
    pub draw: u64,
    /// The outputs in the order of [`COLUMNS`] after `row` and `draw`.
    pub values: Vec<f64>,
}

/// The outputs of every row. Parallel in chunks; the result does not depend on the number of
/// threads.
///
/// # Errors
/// A non-finite output, or an interruption between chunks.
pub fn evaluate(
    sc: &Scenario,
    seed: u64,
    design: &Design,
    cancel: &Cancel,
) -> Result<Vec<Evaluated>, EvaluateError> {
    let mut out = Vec::with_capacity(design.rows.len());
    let chunk = crate::engine::CHUNK as usize;
    for (c, rows) in design.rows.chunks(chunk).enumerate() {
        if cancel.is_cancelled() {
            return Err(EvaluateError::Interrupted {
                done: out.len(),
                total: design.rows.len(),
            });
        }
        let done: Vec<Result<Evaluated, EvaluateError>> = rows
            .par_iter()
            .enumerate()
            .map_init(
                || (sc.clone(), Workspace::default()),
                |(mine, ws), (r, (draw, values))| {
                    let row = c * chunk + r;
                    for (&i, &v) in design.params.iter().zip(values) {
                        mine.params.params[i].param = crate::dist::Param::constant(v);
                    }
                    let o: &DrawOutcome = simulate_mixed(mine, seed, &Streams::of(*draw), ws);
                    let any = |f: &dyn Fn(&crate::model::draw::CorpOutcome) -> bool| {
                        f64::from(u8::from(o.corporations.iter().any(f)))
                    };
                    let values = vec![
                        Output::Closure.value(mine, o),
                        Output::Halved.value(mine, o),
                        Output::MinIcr.value(mine, o),
                        any(&|c| c.breach_icr),
                        any(&|c| c.breach_ltv),
                        Output::RealisedWijk.value(mine, o),
                        Output::Uplift.value(mine, o),
                    ];
                    if let Some((k, v)) = values.iter().enumerate().find(|(_, v)| !v.is_finite()) {
                        return Err(EvaluateError::NonFinite {
                            row: row + 1,
                            draw: *draw,
                            output: COLUMNS[k + 2],
                            value: *v,
                        });
                    }
                    Ok(Evaluated {
                        row: row + 1,
                        draw: *draw,
                        values,
                    })
                },
            )
            .collect();
        for r in done {
            out.push(r?);
        }
    }
    Ok(out)
}
