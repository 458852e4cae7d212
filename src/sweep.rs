//! Sweeps: one scenario run over a grid of one or two levers, every grid point on the same
//! draws, so that the headline figures trace a smooth curve against the lever and the same
//! lever value always gives the same numbers.

use crate::engine::{self, RunOptions};
use crate::output;
use crate::scenario::{self, ScenarioError};
use crate::stats::{Probability, Summary};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// One lever: a dotted scenario path and the values it takes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Lever {
    pub path: String,
    pub values: Vec<f64>,
}

impl std::str::FromStr for Lever {
    type Err = String;

    /// Parses `PATH=v1,v2,...`.
    fn from_str(s: &str) -> Result<Lever, String> {
        let (path, values) = s
            .split_once('=')
            .ok_or_else(|| format!("`{s}`: expected PATH=v1,v2,... such as municipalities.defaults.cut_depth=0.1,0.2,0.3"))?;
        let path = path.trim();
        if path.is_empty() || path.split('.').any(str::is_empty) {
            return Err(format!(
                "`{s}`: the path must be dotted scenario keys such as gaps.leak"
            ));
        }
        let values = values
            .split(',')
            .map(|v| {
                v.trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite())
                    .ok_or_else(|| format!("`{s}`: `{}` is not a number", v.trim()))
            })
            .collect::<Result<Vec<f64>, String>>()?;
        if values.is_empty() {
            return Err(format!("`{s}`: give at least one value"));
        }
        Ok(Lever {
            path: path.to_string(),
            values,
        })
    }
}

/// The headline figures at one grid point.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SweepPoint {
    /// The lever values, in lever order.
    pub at: Vec<f64>,
    pub gap_closure: Summary,
    pub p_halved: Probability,
    pub p_closed: Probability,
    pub p_any_breach: Probability,
    /// P(a corporation falls below the ICR limit in some year).
    pub p_breach_icr: Probability,
    /// P(a corporation rises above the LTV limit in some year).
    pub p_breach_ltv: Probability,
    pub value_uplift_eur: Summary,
}

/// sweep.json.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SweepFile {
    pub scenario: String,
    pub levers: Vec<Lever>,
    pub seed: u64,
    pub draws: u64,
    pub points: Vec<SweepPoint>,
}

/// Why a sweep failed.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error("{0}")]
    Scenario(#[from] ScenarioError),
    #[error(transparent)]
    Run(#[from] engine::RunError),
    #[error("give one or two levers (--set PATH=v1,v2,...), got {0}")]
    Levers(usize),
}

/// Runs `scenario` at every grid point of `levers` (the first lever varies fastest) with
/// `draws` draws from `seed` (the scenario's own when `None`).
///
/// # Errors
/// A grid point whose scenario is invalid (e.g. a value out of range, named with its path),
/// or a failed run.
pub fn run(
    scenario: &Path,
    levers: &[Lever],
    draws: Option<u64>,
    seed: Option<u64>,
    threads: usize,
    cancel: &engine::Cancel,
) -> Result<SweepFile, SweepError> {
    if levers.is_empty() || levers.len() > 2 {
        return Err(SweepError::Levers(levers.len()));
    }
    let grid: Vec<Vec<f64>> = match levers {
        [a] => a.values.iter().map(|&x| vec![x]).collect(),
        [a, b] => b
            .values
            .iter()
            .flat_map(|&y| a.values.iter().map(move |&x| vec![x, y]))
            .collect(),
        _ => unreachable!("checked above"),
    };
    let mut points = vec![];
    let mut meta = None;
    for at in grid {
        let set: Vec<(String, f64)> = levers
            .iter()
            .zip(&at)
            .map(|(l, &v)| (l.path.clone(), v))
            .collect();
        let sc = scenario::load_with(scenario, &set)?;
        let opts = RunOptions {
            draws: draws.unwrap_or(sc.run.draws),
            seed: seed.unwrap_or(sc.run.seed),
            threads,
            progress: false,
            cancel: cancel.clone(),
            precision: vec![],
            chunks: None,
        };
        let a = engine::run(&sc, &opts, None)?;
        let s = output::summary(&sc, &a);
        meta.get_or_insert((sc.name.clone(), opts.seed, opts.draws));
        points.push(SweepPoint {
            at,
            gap_closure: s.overall.gap_closure,
            p_halved: s.overall.p_halved,
            p_closed: s.overall.p_closed,
            p_any_breach: s.overall.p_any_breach,
            p_breach_icr: s.overall.p_breach_icr,
            p_breach_ltv: s.overall.p_breach_ltv,
            value_uplift_eur: s.overall.value_uplift_eur,
        });
    }
    let (name, seed, draws) = meta.expect("the grid has at least one point");
    Ok(SweepFile {
        scenario: name,
        levers: levers.to_vec(),
        seed,
        draws,
        points,
    })
}

/// sweep.csv: one row per grid point.
pub fn csv_rows(f: &SweepFile) -> Vec<Vec<String>> {
    let mut header: Vec<String> = f.levers.iter().map(|l| l.path.clone()).collect();
    header.extend(
        [
            "gap_closure_mean",
            "gap_closure_mcse",
            "gap_closure_q05",
            "gap_closure_q50",
            "gap_closure_q95",
            "p_halved",
            "p_halved_mcse",
            "p_closed",
            "p_closed_mcse",
            "p_any_breach",
            "p_any_breach_mcse",
            "p_breach_icr",
            "p_breach_icr_mcse",
            "p_breach_ltv",
            "p_breach_ltv_mcse",
            "value_uplift_eur_mean",
            "value_uplift_eur_mcse",
        ]
        .map(String::from),
    );
    let mut rows = vec![header];
    for p in &f.points {
        let mut r: Vec<String> = p.at.iter().map(|x| x.to_string()).collect();
        r.extend(
            [
                p.gap_closure.mean,
                p.gap_closure.mcse,
                p.gap_closure.q05,
                p.gap_closure.q50,
                p.gap_closure.q95,
                p.p_halved.p,
                p.p_halved.mcse,
                p.p_closed.p,
                p.p_closed.mcse,
                p.p_any_breach.p,
                p.p_any_breach.mcse,
                p.p_breach_icr.p,
                p.p_breach_icr.mcse,
                p.p_breach_ltv.p,
                p.p_breach_ltv.mcse,
                p.value_uplift_eur.mean,
                p.value_uplift_eur.mcse,
            ]
            .iter()
            .map(|x| x.to_string()),
        );
        rows.push(r);
    }
    rows
}

/// The terminal table.
pub fn terminal(f: &SweepFile) -> String {
    let pct = |p: f64, se: f64| crate::plot::Lang::En.pct_pm(p, se);
    let mut s = format!(
        "sweep of {}: {} grid points, each on the same {} draws (seed {})\n\n",
        f.scenario,
        f.points.len(),
        f.draws,
        f.seed
    );
    for l in &f.levers {
        s.push_str(&format!("{:>28} ", short(&l.path)));
    }
    s.push_str(&format!(
        "{:>18} {:>18} {:>18} {:>18}\n",
        "closure (mean)", "P(halved)", "P(ICR < min)", "P(LTV > max)"
    ));
    for p in &f.points {
        for x in &p.at {
            s.push_str(&format!("{x:>28} "));
        }
        s.push_str(&format!(
            "{:>18} {:>18} {:>18} {:>18}\n",
            pct(p.gap_closure.mean, p.gap_closure.mcse),
            pct(p.p_halved.p, p.p_halved.mcse),
            pct(p.p_breach_icr.p, p.p_breach_icr.mcse),
            pct(p.p_breach_ltv.p, p.p_breach_ltv.mcse)
        ));
    }
    s
}

/// The last two keys of a path, for narrow columns.
pub fn short(path: &str) -> String {
    let keys: Vec<&str> = path.split('.').collect();
    keys[keys.len().saturating_sub(2)..].join(".")
}
