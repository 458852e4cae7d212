//! `wijksim calibrate`: fit parameters of a scenario to published figures by simulated method
//! of moments under common random numbers.
//!
//! Each target ([`targets`]) is a band on a statistic of a model quantity ([`quantity`]). For
//! a set of parameter values the scenarios the targets name are loaded with those values
//! ([`crate::scenario::load_fitted`]: a distribution keeps its shape and moves its location)
//! and run on the same draws (seed, draw index): the objective is then a deterministic, and
//! under common random numbers smooth, function of the parameters. Distance = the sum over
//! targets of weight x (how far the statistic lies outside its band / the band's width)^2, plus
//! a small pull towards the starting values that only decides between parameter sets that fit
//! equally well ([`Options::prior_weight`]). [`fit`] screens the box with a Latin hypercube and
//! refines the best point with argmin's Nelder-Mead.

pub mod fit;
pub mod quantity;
pub mod targets;

use crate::engine::Cancel;
use crate::model::Workspace;
use crate::scenario::{self, Scenario, ScenarioError};
use quantity::Statistic;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
pub use targets::{Combine, FitSpec, Run, Target, Targets};

/// Why a calibration cannot run or stopped.
#[derive(Debug, thiserror::Error)]
pub enum CalibrateError {
    #[error("{0}")]
    Scenario(#[from] ScenarioError),
    #[error("--fit {path}: {message}")]
    Fit { path: String, message: String },
    #[error(
        "give at least one parameter to fit (--fit PATH=LO..HI or [[fit]] in the targets file)"
    )]
    NothingToFit,
    #[error(
        "target {target}: draw {draw} (seed {seed}) of {scenario} gives a non-finite value ({value})"
    )]
    NonFinite {
        target: String,
        scenario: String,
        draw: u64,
        seed: u64,
        value: f64,
    },
    #[error("cannot start {threads} worker threads: {message}")]
    Threads { threads: usize, message: String },
    #[error("the optimiser failed: {0}")]
    Optimiser(String),
    #[error("interrupted after {evaluations} evaluations")]
    Interrupted { evaluations: usize },
}

/// How to calibrate.
#[derive(Clone, Debug)]
pub struct Options {
    pub draws: u64,
    pub seed: u64,
    /// Worker threads; 0 means all cores. Results do not depend on it.
    pub threads: usize,
    /// Points of the space-filling screen (0: 10 per parameter, at least 20).
    pub screen: usize,
    /// Nelder-Mead iterations at most, over all restarts.
    pub iterations: u64,
    /// How often Nelder-Mead restarts from where it stopped, while that still improves.
    pub restarts: u32,
    /// Weight of the pull towards the starting values, per parameter in units of its box.
    pub prior_weight: f64,
    /// Show progress on stderr.
    pub progress: bool,
    pub cancel: Cancel,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            draws: 1000,
            seed: 2008,
            threads: 0,
            screen: 0,
            iterations: 3000,
            restarts: 4,
            prior_weight: 1e-3,
            progress: false,
            cancel: Cancel::default(),
        }
    }
}

/// A parameter to fit, resolved against the scenario.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct FitParam {
    pub path: String,
    /// What the value sets, e.g. "mode of pert(300, 1000, 4000)" or "year 2011 of a schedule";
    /// and in Dutch.
    pub what: String,
    pub what_nl: String,
    /// The bounds searched (the requested bounds, narrowed where the distribution would leave
    /// the parameter's domain).
    pub lo: f64,
    pub hi: f64,
    pub requested: (f64, f64),
    /// Where the search starts: the targets file's `start`, else the value in the scenario.
    pub start: f64,
}

/// A target's statistic and the spread of its per-draw values, at one parameter set.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct TargetValue {
    /// The target's statistic.
    pub value: f64,
    /// Its Monte Carlo standard error (from 20 batches of draws).
    pub mcse: f64,
    pub q05: f64,
    pub q25: f64,
    pub q50: f64,
    pub q75: f64,
    pub q95: f64,
    pub inside: bool,
    /// Outside the band by less than two Monte Carlo errors: at its edge.
    pub near: bool,
}

/// One target in the fit table.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct TargetResult {
    pub name: String,
    pub source: String,
    pub note: String,
    /// The quantity, described, with its scenario(s); and in Dutch.
    pub quantity: String,
    pub quantity_nl: String,
    pub statistic: String,
    pub statistic_nl: String,
    pub band: (f64, f64),
    pub weight: f64,
    pub before: TargetValue,
    pub after: TargetValue,
}

/// calibration.json.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Calibration {
    pub scenario: String,
    pub scenario_file: String,
    pub targets_file: String,
    pub draws: u64,
    /// The seed of the draws the search ran on ...
    pub seed: u64,
    /// ... and of those the fit table reports (other draws).
    pub validation_seed: u64,
    pub parameters: Vec<FitParam>,
    /// Fitted values, in parameter order.
    pub fitted: Vec<f64>,
    pub targets: Vec<TargetResult>,
    pub distance_before: f64,
    pub distance_after: f64,
    pub evaluations: usize,
    pub screen_points: usize,
    pub iterations: u64,
    /// Why the optimiser stopped.
    pub stopped: String,
    pub prior_weight: f64,
}

impl Calibration {
    /// The fitted values as (path, value) pairs, for [`scenario::load_fitted`].
    pub fn values(&self) -> Vec<(String, f64)> {
        self.parameters
            .iter()
            .zip(&self.fitted)
            .map(|(p, v)| (p.path.clone(), *v))
            .collect()
    }
}

/// The scenarios and targets of a calibration, ready to evaluate parameter sets.
pub struct Problem<'a> {
    pub targets: &'a Targets,
    pub params: Vec<FitParam>,
    pub draws: u64,
    pub seed: u64,
}

/// The per-draw values of every target at one parameter set.
pub struct Evaluation {
    /// values[target][draw]
    pub values: Vec<Vec<f64>>,
}

impl Evaluation {
    /// Each target's statistic.
    pub fn statistics(&self, targets: &[Target]) -> Vec<f64> {
        targets
            .iter()
            .zip(&self.values)
            .map(|(t, v)| t.statistic.of(v))
            .collect()
    }

    /// The statistic, its error and quantiles, for the fit table.
    pub fn describe(&self, targets: &[Target]) -> Vec<TargetValue> {
        targets
            .iter()
            .zip(&self.values)
            .map(|(t, v)| {
                let value = t.statistic.of(v);
                let q = |p| quantity::quantile(v, p);
                let mcse = batch_error(t.statistic, v);
                let inside = value >= t.band.0 && value <= t.band.1;
                let off = (t.band.0 - value).max(value - t.band.1);
                TargetValue {
                    value,
                    mcse,
                    q05: q(0.05),
                    q25: q(0.25),
                    q50: q(0.5),
                    q75: q(0.75),
                    q95: q(0.95),
                    inside,
                    near: !inside && off <= 2.0 * mcse,
                }
            })
            .collect()
    }
}

/// The standard error of a statistic from 20 batches of consecutive draws.
fn batch_error(statistic: Statistic, values: &[f64]) -> f64 {
    const BATCHES: usize = 20;
    let size = values.len() / BATCHES;
    if size < 2 {
        return f64::NAN;
    }
    let stats: Vec<f64> = values
        .chunks_exact(size)
        .take(BATCHES)
        .map(|b| statistic.of(b))
        .collect();
    let n = stats.len() as f64;
    let mean = stats.iter().sum::<f64>() / n;
    let var = stats.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (var / n).sqrt()
}

/// Squared distance of `stat` outside `band`, in band widths.
pub fn outside(stat: f64, band: (f64, f64)) -> f64 {
    let d = (band.0 - stat).max(stat - band.1).max(0.0);
    (d / (band.1 - band.0)).powi(2)
}

/// The targets' distance: sum of weight x squared distance outside the band in band widths.
pub fn distance(targets: &[Target], stats: &[f64]) -> f64 {
    targets
        .iter()
        .zip(stats)
        .map(|(t, s)| t.weight * outside(*s, t.band))
        .sum()
}

impl Problem<'_> {
    /// Resolves `fit` against the calibrated scenario: the start values, what each sets, and
    /// bounds narrowed to where the scenario stays valid.
    ///
    /// # Errors
    /// A path that names nothing, or bounds that leave no valid value.
    pub fn new<'a>(
        targets: &'a Targets,
        fit: &[FitSpec],
        draws: u64,
        seed: u64,
    ) -> Result<Problem<'a>, CalibrateError> {
        if fit.is_empty() {
            return Err(CalibrateError::NothingToFit);
        }
        let base = scenario::load(&targets.runs[0].scenario)?;
        let mut params = vec![];
        for f in fit {
            let err = |message: String| CalibrateError::Fit {
                path: format!("{}={}..{}", f.path, f.lo, f.hi),
                message,
            };
            if params.iter().any(|p: &FitParam| p.path == f.path) {
                return Err(err("is given twice".into()));
            }
            let (what, start, feasible) = match base.params.params.iter().find(|p| p.path == f.path)
            {
                Some(p) => {
                    // Described as it is at the start (the shape is the same anywhere).
                    let spec = &p.param.spec;
                    let (dlo, dhi) = p.domain.bounds();
                    let at_start = spec.at_location(f.start.unwrap_or(spec.location()));
                    (
                        [
                            describe_spec(&at_start, false),
                            describe_spec(&at_start, true),
                        ],
                        spec.location(),
                        spec.location_range(dlo, dhi),
                    )
                }
                None => {
                    let start = scenario::value_at(&targets.runs[0].scenario, &f.path)?
                        .ok_or_else(|| {
                            let known: Vec<&str> =
                                base.params.params.iter().map(|p| p.path.as_str()).collect();
                            err(format!(
                                "is neither a parameter of {} nor a year listed in one of its schedules{}",
                                base.name,
                                scenario::suggest(&f.path, &known)
                            ))
                        })?;
                    let year = f.path.rsplit('.').next().unwrap_or("");
                    (
                        [
                            format!("year {year} of a schedule"),
                            format!("jaar {year} van een schema"),
                        ],
                        start,
                        (f64::NEG_INFINITY, f64::INFINITY),
                    )
                }
            };
            let (lo, hi) = (f.lo.max(feasible.0), f.hi.min(feasible.1));
            if lo >= hi {
                return Err(err(format!(
                    "no value in the bounds keeps the {} within the parameter's domain (it can move to {} .. {})",
                    what[0], feasible.0, feasible.1
                )));
            }
            let [what, what_nl] = what;
            params.push(FitParam {
                path: f.path.clone(),
                what,
                what_nl,
                lo,
                hi,
                requested: (f.lo, f.hi),
                start: f.start.unwrap_or(start),
            });
        }
        let problem = Problem {
            targets,
            params,
            draws,
            seed,
        };
        // Every scenario must take every fitted path.
        let start = problem.start();
        for r in &targets.runs {
            scenario::load_fitted(&r.scenario, &problem.assignment(&start), &r.overrides)?;
        }
        Ok(problem)
    }

    /// The starting values, in parameter order (clamped into the bounds).
    pub fn start(&self) -> Vec<f64> {
        self.params
            .iter()
            .map(|p| p.start.clamp(p.lo, p.hi))
            .collect()
    }

    /// (path, value) pairs of a parameter vector.
    pub fn assignment(&self, x: &[f64]) -> Vec<(String, f64)> {
        self.params
            .iter()
            .zip(x)
            .map(|(p, v)| (p.path.clone(), *v))
            .collect()
    }

    /// Runs every scenario at parameter values `x` on the same draws and returns each
    /// target's per-draw values. Deterministic for any thread count.
    ///
    /// # Errors
    /// A scenario the values make invalid, or a non-finite value.
    pub fn evaluate(&self, x: &[f64]) -> Result<Evaluation, CalibrateError> {
        let set = self.assignment(x);
        let scenarios = self
            .targets
            .runs
            .iter()
            .map(|r| scenario::load_fitted(&r.scenario, &set, &r.overrides))
            .collect::<Result<Vec<Scenario>, _>>()?;
        let targets = &self.targets.targets;
        let per_draw: Vec<Result<Vec<f64>, CalibrateError>> = (0..self.draws)
            .into_par_iter()
            .map_init(
                || {
                    (0..scenarios.len())
                        .map(|_| Workspace::default())
                        .collect::<Vec<_>>()
                },
                |ws, d| {
                    for (sc, w) in scenarios.iter().zip(ws.iter_mut()) {
                        crate::model::simulate_draw(sc, self.seed, d, w);
                    }
                    targets
                        .iter()
                        .map(|t| {
                            let q = |s: usize| t.quantity.value(&scenarios[s], &ws[s].outcome);
                            let a = q(t.scenario);
                            let v = match t.against {
                                None => a,
                                Some((b, Combine::Difference)) => a - q(b),
                                Some((b, Combine::Ratio)) => a / q(b),
                            };
                            if v.is_finite() {
                                Ok(v)
                            } else {
                                Err(CalibrateError::NonFinite {
                                    target: t.name.clone(),
                                    scenario: scenarios[t.scenario].name.clone(),
                                    draw: d,
                                    seed: self.seed,
                                    value: v,
                                })
                            }
                        })
                        .collect()
                },
            )
            .collect();
        let mut values = vec![Vec::with_capacity(self.draws as usize); targets.len()];
        for row in per_draw {
            for (column, v) in values.iter_mut().zip(row?) {
                column.push(v);
            }
        }
        Ok(Evaluation { values })
    }
}

/// "mode of pert(300, 1000, 4000)", "value" and the like (in Dutch when `dutch`), numbers to
/// six significant digits.
fn describe_spec(spec: &crate::dist::DistSpec, dutch: bool) -> String {
    use crate::dist::DistSpec::*;
    let g = |x: f64| {
        if x == 0.0 {
            return "0".to_string();
        }
        let digits = (5 - x.abs().log10().floor() as i32).max(0) as usize;
        let s = format!("{x:.digits$}");
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    };
    let (mean, mode, mid, value) = if dutch {
        ("gemiddelde van", "modus van", "midden van", "waarde")
    } else {
        ("mean of", "mode of", "midpoint of", "value")
    };
    match *spec {
        Constant { .. } => value.into(),
        Normal { mean: m, sd } => format!("{mean} normal({}, {})", g(m), g(sd)),
        Lognormal { mean: m, sd } => format!("{mean} lognormal({}, {})", g(m), g(sd)),
        Uniform { min, max } => format!("{mid} uniform({}, {})", g(min), g(max)),
        Triangular { min, mode: m, max } => {
            format!("{mode} triangular({}, {}, {})", g(min), g(m), g(max))
        }
        Pert { min, mode: m, max } => format!("{mode} pert({}, {}, {})", g(min), g(m), g(max)),
        Beta { a, b, min, max } => {
            format!("{mean} beta({}, {}, {}, {})", g(a), g(b), g(min), g(max))
        }
    }
}

/// Calibrates: evaluates the start, screens, refines, and evaluates the result.
///
/// # Errors
/// As [`Problem::new`] and [`Problem::evaluate`]; an interruption.
pub fn run(
    targets: &Targets,
    fit: &[FitSpec],
    opts: &Options,
) -> Result<Calibration, CalibrateError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads)
        .build()
        .map_err(|e| CalibrateError::Threads {
            threads: opts.threads,
            message: e.to_string(),
        })?;
    pool.install(|| {
        let problem = Problem::new(targets, fit, opts.draws, opts.seed)?;
        let result = fit::fit(&problem, opts)?;
        // The fit table on other draws than the search used, so that "inside" is not
        // flattered by the draws the search adapted to.
        let check = Problem {
            targets,
            params: problem.params.clone(),
            draws: opts.draws,
            seed: validation_seed(opts.seed),
        };
        let before = check.evaluate(&problem.start())?;
        let after = check.evaluate(&result.x)?;
        let ts = &targets.targets;
        let base = scenario::load(&targets.runs[0].scenario)?;
        let describe = |t: &Target, dutch: bool| {
            let name = |i: usize| targets.runs[i].describe(dutch);
            match t.against {
                None => format!("{} ({})", t.quantity.describe(dutch), name(t.scenario)),
                Some((o, c)) => format!(
                    "{} ({} {} {})",
                    t.quantity.describe(dutch),
                    name(t.scenario),
                    if c == Combine::Ratio { "/" } else { "-" },
                    name(o)
                ),
            }
        };
        Ok(Calibration {
            scenario: base.name.clone(),
            scenario_file: targets.runs[0].scenario.display().to_string(),
            targets_file: targets.file.display().to_string(),
            draws: opts.draws,
            seed: opts.seed,
            validation_seed: check.seed,
            targets: ts
                .iter()
                .zip(before.describe(ts))
                .zip(after.describe(ts))
                .map(|((t, b), a)| TargetResult {
                    name: t.name.clone(),
                    source: t.source.clone(),
                    note: t.note.clone(),
                    quantity: describe(t, false),
                    quantity_nl: describe(t, true),
                    statistic: t.statistic.describe(false),
                    statistic_nl: t.statistic.describe(true),
                    band: t.band,
                    weight: t.weight,
                    before: b,
                    after: a,
                })
                .collect(),
            distance_before: distance(ts, &before.statistics(ts)),
            distance_after: distance(ts, &after.statistics(ts)),
            parameters: problem.params.clone(),
            fitted: result.x,
            evaluations: result.evaluations,
            screen_points: result.screen_points,
            iterations: result.iterations,
            stopped: result.stopped,
            prior_weight: opts.prior_weight,
        })
    })
}

/// The seed of the draws a calibration with `seed` reports its fit table on.
pub fn validation_seed(seed: u64) -> u64 {
    seed ^ 0x5a5a_5a5a_5a5a_5a5a
}

/// The relative path from directory `from` to file `to` (both made absolute).
pub fn relative_path(from: &Path, to: &Path) -> PathBuf {
    let abs = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (from, to) = (abs(from), abs(to));
    let a: Vec<_> = from.components().collect();
    let b: Vec<_> = to.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out = PathBuf::new();
    for _ in common..a.len() {
        out.push("..");
    }
    for c in &b[common..] {
        out.push(c);
    }
    out
}

/// fit.csv: one row per target (the fit table).
pub fn fit_rows(c: &Calibration) -> Vec<Vec<String>> {
    let mut rows = vec![
        [
            "target",
            "source",
            "quantity",
            "statistic",
            "band_lo",
            "band_hi",
            "before",
            "before_mcse",
            "after",
            "after_mcse",
            "inside_before",
            "inside_after",
            "within_2_mcse_after",
            "weight",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for t in &c.targets {
        rows.push(vec![
            t.name.clone(),
            t.source.clone(),
            t.quantity.clone(),
            t.statistic.clone(),
            t.band.0.to_string(),
            t.band.1.to_string(),
            t.before.value.to_string(),
            t.before.mcse.to_string(),
            t.after.value.to_string(),
            t.after.mcse.to_string(),
            t.before.inside.to_string(),
            t.after.inside.to_string(),
            (t.after.inside || t.after.near).to_string(),
            t.weight.to_string(),
        ]);
    }
    rows
}

/// parameters.csv: one row per fitted parameter.
pub fn parameter_rows(c: &Calibration) -> Vec<Vec<String>> {
    let mut rows = vec![
        ["path", "what", "lo", "hi", "start", "fitted"]
            .map(String::from)
            .to_vec(),
    ];
    for (p, v) in c.parameters.iter().zip(&c.fitted) {
        rows.push(vec![
            p.path.clone(),
            p.what.clone(),
            p.lo.to_string(),
            p.hi.to_string(),
            p.start.to_string(),
            v.to_string(),
        ]);
    }
    rows
}

/// The terminal summary.
pub fn terminal(c: &Calibration) -> String {
    let g = |x: f64| format!("{x:.4}");
    let mut s = format!(
        "calibration of {}: {} evaluations of {} draws (seed {}), {}; fit table on other draws (seed {}): distance {} -> {}\n\n",
        c.scenario,
        c.evaluations,
        c.draws,
        c.seed,
        c.stopped,
        c.validation_seed,
        g(c.distance_before),
        g(c.distance_after),
    );
    let width = c
        .targets
        .iter()
        .map(|t| t.name.len())
        .max()
        .unwrap_or(6)
        .max(6);
    s += &format!(
        "{:<width$} {:>21} {:>18} {:>18} {:>7}\n",
        "target", "band", "before", "after", "inside"
    );
    for t in &c.targets {
        s += &format!(
            "{:<width$} {:>21} {:>18} {:>18} {:>7}\n",
            t.name,
            format!("{} .. {}", g(t.band.0), g(t.band.1)),
            format!("{} ± {}", g(t.before.value), g(t.before.mcse)),
            format!("{} ± {}", g(t.after.value), g(t.after.mcse)),
            match (t.after.inside, t.after.near, t.weight == 0.0) {
                (true, _, _) => "yes",
                (false, true, _) => "edge",
                (false, false, false) => "NO",
                (false, false, true) => "NO (not fitted)",
            }
        );
    }
    let width = c
        .parameters
        .iter()
        .map(|p| p.path.len())
        .max()
        .unwrap_or(9)
        .max(9);
    s += &format!(
        "\n{:<width$} {:>12} {:>12} {:>25}\n",
        "parameter", "start", "fitted", "bounds"
    );
    for (p, v) in c.parameters.iter().zip(&c.fitted) {
        s += &format!(
            "{:<width$} {:>12} {:>12} {:>25}\n",
            p.path,
            format!("{:.6}", p.start),
            format!("{v:.6}"),
            format!("{:.6} .. {:.6}", p.lo, p.hi)
        );
    }
    s
}
