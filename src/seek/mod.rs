//! `wijksim seek`: the lever value that meets a target, e.g. the smallest municipal budget
//! per resident with `p_halved >= 0.2`, found on common random numbers with a Monte Carlo
//! interval, or the plain statement that the range cannot reach it.
//!
//! [`search`] is the model-free search; this module sets the lever in the scenario, runs the
//! draws and words the answer.

pub mod search;

use crate::engine::{self, Cancel};
use crate::query::Target;
use crate::scenario::params::Domain;
use crate::scenario::{self, Scenario, ScenarioError};
pub use search::{Answer, Direction, Point};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// A lever's range `LO..HI`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Range(pub f64, pub f64);

impl std::str::FromStr for Range {
    type Err = String;

    fn from_str(s: &str) -> Result<Range, String> {
        let (a, b) = s
            .split_once("..")
            .filter(|(_, b)| !b.starts_with('.'))
            .ok_or_else(|| format!("`{s}`: expected LO..HI, such as 0..2000"))?;
        let num = |t: &str| {
            t.trim()
                .replace('_', "")
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| format!("`{s}`: `{}` is not a number", t.trim()))
        };
        let (lo, hi) = (num(a)?, num(b)?);
        if lo >= hi {
            return Err(format!("`{s}`: LO must be below HI"));
        }
        Ok(Range(lo, hi))
    }
}

/// How to seek.
#[derive(Clone, Debug)]
pub struct Options {
    /// The dotted scenario path of the lever.
    pub lever: String,
    /// None: the lever's domain if it is bounded (a share: 0..1).
    pub range: Option<Range>,
    pub direction: Direction,
    pub draws: u64,
    pub seed: u64,
    pub threads: usize,
    pub resamples: usize,
    /// Print each evaluation on stderr.
    pub progress: bool,
    pub cancel: Cancel,
}

/// Why a search failed.
#[derive(Debug, thiserror::Error)]
pub enum SeekError {
    #[error("--lever {lever} = {x}: {source}")]
    Lever {
        lever: String,
        x: f64,
        source: ScenarioError,
    },
    #[error(transparent)]
    Run(#[from] engine::RunError),
    #[error(
        "give --range LO..HI for {lever}: only a share (a value in 0..1) has a range of its own"
    )]
    NoRange { lever: String },
    #[error(
        "{lever} changes nothing in the scenario between {lo} and {hi} (is it overridden wherever it would be used?)"
    )]
    NoEffect { lever: String, lo: f64, hi: f64 },
    #[error(
        "draw {draw} (seed {seed}) gives a non-finite {figure} at {lever} = {x}; write {lever} = {x} into the scenario and replay it with `wijksim run SCENARIO --seed {seed} --only-draw {draw}`"
    )]
    NonFinite {
        lever: String,
        x: f64,
        draw: usize,
        seed: u64,
        figure: String,
    },
    #[error("cannot start {threads} worker threads: {message}")]
    Threads { threads: usize, message: String },
}

/// seek.json.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SeekFile {
    pub scenario: String,
    pub lever: String,
    pub lo: f64,
    pub hi: f64,
    pub direction: Direction,
    /// The target as parsed, e.g. `p_halved[Rotterdam] >= 0.2`.
    pub target: String,
    /// Its figure (`p_halved[Rotterdam]`) and threshold.
    pub figure: String,
    pub threshold: f64,
    /// Whether the figure is a share or probability (shown in percent).
    pub share: bool,
    pub draws: u64,
    pub seed: u64,
    pub resamples: usize,
    pub answer: Answer,
    /// Every evaluated lever value, sorted.
    pub points: Vec<Point>,
    /// Stretches of the evaluated values that meet the target.
    pub met_stretches: Vec<(f64, f64)>,
    /// What a reader should know beyond the answer.
    pub notes: Vec<String>,
}

/// The lever's range, checked before any work: the scenario takes the lever at both ends,
/// and the lever changes something in it.
///
/// # Errors
/// No range, a lever value the scenario refuses (named by its path), or a lever that changes
/// nothing.
pub fn check(path: &Path, base: &Scenario, opts: &Options) -> Result<Range, SeekError> {
    let Range(lo, hi) = match opts.range {
        Some(r) => r,
        None => default_range(base, &opts.lever)?,
    };
    let (a, b) = (at(path, &opts.lever, lo)?, at(path, &opts.lever, hi)?);
    if serde_json::to_value(&a).ok() == serde_json::to_value(&b).ok() {
        return Err(SeekError::NoEffect {
            lever: opts.lever.clone(),
            lo,
            hi,
        });
    }
    Ok(Range(lo, hi))
}

/// The scenario with the lever at `x`.
fn at(path: &Path, lever: &str, x: f64) -> Result<Scenario, SeekError> {
    scenario::load_with(path, &[(lever.to_string(), x)]).map_err(|source| SeekError::Lever {
        lever: lever.to_string(),
        x,
        source,
    })
}

/// Seeks the lever value of `opts` in the scenario file `path` (already loaded as `base`,
/// against which `target` was parsed) that meets `target`.
///
/// # Errors
/// As [`check`], and a non-finite figure, or an interrupted or failed run.
pub fn run(
    path: &Path,
    base: &Scenario,
    target: &Target,
    opts: &Options,
) -> Result<SeekFile, SeekError> {
    let Range(lo, hi) = check(path, base, opts)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads)
        .build()
        .map_err(|e| SeekError::Threads {
            threads: opts.threads,
            message: e.to_string(),
        })?;
    let mut eval = |x: f64| -> Result<Vec<f64>, SeekError> {
        let sc = at(path, &opts.lever, x)?;
        let values = pool.install(|| {
            engine::map_draws(&sc, opts.seed, opts.draws, &opts.cancel, |o| {
                target.quantity.value(&sc, o)
            })
        })?;
        if let Some(draw) = values.iter().position(|v| !v.is_finite()) {
            return Err(SeekError::NonFinite {
                lever: opts.lever.clone(),
                x,
                draw,
                seed: opts.seed,
                figure: target.figure.clone(),
            });
        }
        if opts.progress {
            let e = target.statistic.of(&mut values.clone());
            eprintln!(
                "  {} = {:<14} {} = {}",
                opts.lever,
                x,
                target.figure,
                show(e, measure_is_share(target))
            );
        }
        Ok(values)
    };
    let goal = search::Goal {
        statistic: target.statistic,
        op: target.op,
        threshold: target.threshold,
    };
    let settings = search::Settings {
        lo,
        hi,
        direction: opts.direction,
        scan: 11,
        tolerance: 1e-3,
        resamples: opts.resamples,
        seed: opts.seed,
    };
    // The bootstrap at the end runs on the pool too (--threads holds for all of it).
    let outcome = pool.install(|| search::search(&goal, &settings, &mut eval))?;
    let mut f = SeekFile {
        scenario: base.name.clone(),
        lever: opts.lever.clone(),
        lo,
        hi,
        direction: opts.direction,
        target: target.text.clone(),
        figure: target.figure.clone(),
        threshold: target.threshold,
        share: measure_is_share(target),
        draws: opts.draws,
        seed: opts.seed,
        resamples: opts.resamples,
        answer: outcome.answer,
        points: outcome.points,
        met_stretches: outcome.met_stretches,
        notes: vec![],
    };
    f.notes = notes(&f);
    Ok(f)
}

fn measure_is_share(t: &Target) -> bool {
    t.quantity.measure.is_share()
}

/// A lever's own range: 0..1 for a share, else the user must say.
fn default_range(sc: &Scenario, lever: &str) -> Result<Range, SeekError> {
    match sc.params.params.iter().find(|p| p.path == lever) {
        Some(p) if matches!(p.domain, Domain::Unit) => Ok(Range(0.0, 1.0)),
        _ => Err(SeekError::NoRange {
            lever: lever.to_string(),
        }),
    }
}

/// A figure for the terminal: percent for shares.
pub fn show(x: f64, share: bool) -> String {
    if share {
        format!("{:.2}%", 100.0 * x)
    } else if x.abs() >= 1e4 {
        format!("{x:.0}")
    } else {
        format!("{x:.4}")
    }
}

/// A lever value for the terminal, with digits enough for the range.
pub fn show_x(f: &SeekFile, x: f64) -> String {
    let digits = lever_decimals(f);
    format!("{x:.digits$}")
}

/// Decimals that tell lever values apart over the range (a ten-thousandth of it).
pub fn lever_decimals(f: &SeekFile) -> usize {
    (-(f.hi - f.lo).log10() + 4.0).clamp(0.0, 8.0) as usize
}

fn notes(f: &SeekFile) -> Vec<String> {
    let mut notes = vec![];
    let from = match f.direction {
        Direction::Smallest => "low",
        Direction::Largest => "high",
    };
    if f.met_stretches.len() > 1 {
        let list: Vec<String> = f
            .met_stretches
            .iter()
            .map(|(a, b)| format!("{}..{}", show_x(f, *a), show_x(f, *b)))
            .collect();
        notes.push(format!(
            "The response is not monotone: the target is met on {} separate stretches ({}); the answer is the first seen from the {from} end.",
            f.met_stretches.len(),
            list.join(", ")
        ));
    }
    if let Answer::Found {
        ci_low, ci_high, ..
    } = &f.answer
        && (ci_low.is_none() || ci_high.is_none())
    {
        notes.push(format!(
            "At least 2.5% of the bootstrap resamples put the answer beyond the range {}..{}: widen --range or add draws for a closed interval.",
            show_x(f, f.lo),
            show_x(f, f.hi)
        ));
    }
    notes
}

/// The answer in one sentence.
pub fn sentence(f: &SeekFile) -> String {
    let which = match f.direction {
        Direction::Smallest => "smallest",
        Direction::Largest => "largest",
    };
    match &f.answer {
        Answer::Found {
            value,
            ci_low,
            ci_high,
            ..
        } => {
            let bound = |b: &Option<f64>, beyond: f64, word: &str| match b {
                Some(x) => show_x(f, *x),
                None => format!("{word} {}", show_x(f, beyond)),
            };
            format!(
                "The {which} {} that meets {} is {} (95% interval {} to {}).",
                f.lever,
                f.target,
                show_x(f, *value),
                bound(ci_low, f.lo, "below"),
                bound(ci_high, f.hi, "above")
            )
        }
        Answer::MetAtStart { value, share } => format!(
            "{} is met already at {} = {} (the {} end of the range; {:.0}% of the bootstrap resamples agree): the {which} value in the range is its end.",
            f.target,
            f.lever,
            show_x(f, *value),
            if f.direction == Direction::Smallest {
                "lower"
            } else {
                "upper"
            },
            100.0 * share
        ),
        Answer::Unreachable {
            best,
            best_at,
            still_moving: true,
            ..
        } => format!(
            "{} is not reached with {} in {}..{}: the best is {} = {} at {}, the end of the range, and the figure still moves there: widen --range.",
            f.target,
            f.lever,
            show_x(f, f.lo),
            show_x(f, f.hi),
            f.figure,
            show(*best, f.share),
            show_x(f, *best_at)
        ),
        Answer::Unreachable {
            best,
            best_at,
            flat_from,
            share_reachable,
            ..
        } => {
            let range = format!("{}..{}", show_x(f, f.lo), show_x(f, f.hi));
            let reach = format!(
                "{:.0}% of the bootstrap resamples reach the target",
                100.0 * share_reachable
            );
            match flat_from {
                None => format!(
                    "{} cannot be reached with {} in {range}: {} stays at about {} over the whole range (it does not respond to the lever beyond its Monte Carlo error; {reach}).",
                    f.target,
                    f.lever,
                    f.figure,
                    show(*best, f.share),
                ),
                Some(x) => format!(
                    "{} cannot be reached with {} in {range}: the best is {} = {} at {}, and the curve flattens: 95% of its change over the range is made by {} ({reach}).",
                    f.target,
                    f.lever,
                    f.figure,
                    show(*best, f.share),
                    show_x(f, *best_at),
                    show_x(f, *x)
                ),
            }
        }
    }
}

/// The terminal text: the answer, the notes and the curve.
pub fn terminal(f: &SeekFile) -> String {
    let mut s = format!(
        "seek on {}: {} values of {} in {}..{}, each on the same {} draws (seed {})\n\n{}\n",
        f.scenario,
        f.points.len(),
        f.lever,
        show_x(f, f.lo),
        show_x(f, f.hi),
        f.draws,
        f.seed,
        sentence(f)
    );
    for n in &f.notes {
        s.push_str(&format!("note: {n}\n"));
    }
    s.push_str(&format!(
        "\n{:>16} {:>16} {:>10}  met\n",
        crate::sweep::short(&f.lever),
        f.figure,
        "± se"
    ));
    for p in &f.points {
        s.push_str(&format!(
            "{:>16} {:>16} {:>10}  {}\n",
            show_x(f, p.x),
            show(p.estimate, f.share),
            show(p.se, f.share),
            if p.met { "yes" } else { "no" }
        ));
    }
    s
}

/// seek.csv: the curve, one row per evaluated lever value.
pub fn csv_rows(f: &SeekFile) -> Vec<Vec<String>> {
    let mut rows = vec![
        ["lever_value", "estimate", "se", "met", "phase", "order"]
            .map(String::from)
            .to_vec(),
    ];
    for p in &f.points {
        rows.push(vec![
            p.x.to_string(),
            p.estimate.to_string(),
            p.se.to_string(),
            p.met.to_string(),
            serde_json::to_value(p.phase)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default(),
            p.order.to_string(),
        ]);
    }
    rows
}
