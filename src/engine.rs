//! Runs the draws of a scenario in parallel: the only module that knows about threads.
//!
//! Draws are grouped in fixed chunks of [`CHUNK`] draws. Each chunk is simulated on one
//! worker into its own [`Aggregate`]; chunks are computed a wave at a time and merged in
//! chunk order, so the result is bit-identical for any number of threads and any scheduling.
//! The first chunk is the pilot that fixes the histogram ranges. Memory is bounded by one
//! wave of chunk aggregates, whatever the number of draws.

use crate::aggregate::{Aggregate, Layout, Ranges, extract};
use crate::model::{DrawOutcome, Workspace, simulate_draw};
use crate::scenario::Scenario;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// Draws per chunk: the unit of work and of reduction order.
pub const CHUNK: u64 = 1024;

/// How to run.
#[derive(Clone, Debug)]
pub struct RunOptions {
    pub draws: u64,
    pub seed: u64,
    /// Worker threads; 0 means one per core.
    pub threads: usize,
    /// Show a progress bar on stderr once the run has taken a second (only on a terminal).
    pub progress: bool,
}

/// Why a run failed.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(
        "draw {draw} (seed {seed}) produced a non-finite value ({value}) for {quantity}; replay it with `--only-draw {draw}`"
    )]
    NonFinite {
        draw: u64,
        seed: u64,
        quantity: String,
        value: f64,
    },
    #[error("writing the draws failed: {0}")]
    Sink(#[from] std::io::Error),
    #[error("cannot start {threads} worker threads: {message}")]
    Threads { threads: usize, message: String },
}

/// Receives every draw in draw order (for `--save-draws`).
pub type DrawSink<'a> = &'a mut (dyn FnMut(&DrawOutcome) -> std::io::Result<()> + Send);

struct ChunkResult {
    aggregate: Aggregate,
    outcomes: Vec<DrawOutcome>,
}

/// Simulates `opts.draws` draws and aggregates them; `sink` sees each draw in order.
///
/// # Errors
/// A draw that produced NaN or infinity (with its index and the seed), a failing sink, or a
/// thread pool that cannot start.
pub fn run(
    scenario: &Scenario,
    opts: &RunOptions,
    mut sink: Option<DrawSink>,
) -> Result<Aggregate, RunError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads)
        .build()
        .map_err(|e| RunError::Threads {
            threads: opts.threads,
            message: e.to_string(),
        })?;
    pool.install(|| run_in_pool(scenario, opts, &mut sink))
}

fn run_in_pool(
    sc: &Scenario,
    opts: &RunOptions,
    sink: &mut Option<DrawSink>,
) -> Result<Aggregate, RunError> {
    let layout = Layout::new(sc);
    let keep = sink.is_some();
    let n = opts.draws;
    let started = Instant::now();
    let bar = ProgressBar::with_draw_target(Some(n), ProgressDrawTarget::hidden());
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} draws  {per_sec}  eta {eta}")
            .expect("a valid template"),
    );

    // The pilot: chunk 0, draw by draw, fixes the histogram ranges.
    let pilot: Vec<(Vec<f64>, Vec<bool>, DrawOutcome)> = (0..n.min(CHUNK))
        .into_par_iter()
        .map_init(Workspace::default, |ws, d| {
            let o = simulate_draw(sc, opts.seed, d, ws);
            let (mut values, mut events) = (vec![], vec![]);
            extract(o, &layout, &mut values, &mut events);
            check_finite(sc, &layout, opts.seed, d, &values)?;
            Ok((values, events, o.clone()))
        })
        .collect::<Result<_, RunError>>()?;
    let values: Vec<Vec<f64>> = pilot.iter().map(|p| p.0.clone()).collect();
    let ranges = Ranges::from_pilot(&values, layout.len());
    drop(values);
    let mut total = Aggregate::new(layout, &ranges);
    for (values, events, outcome) in &pilot {
        total.push(outcome, values, events);
        if let Some(s) = sink.as_mut() {
            s(outcome)?;
        }
    }
    drop(pilot);
    bar.set_position(n.min(CHUNK));

    ordered_chunks(
        n,
        1,
        |start, end| run_chunk(sc, opts.seed, &layout, &ranges, start, end, keep),
        |r: ChunkResult, end| {
            total.merge(&r.aggregate);
            if let Some(s) = sink.as_mut() {
                for o in &r.outcomes {
                    s(o)?;
                }
            }
            bar.set_position(end);
            if opts.progress
                && bar.is_hidden()
                && started.elapsed() > Duration::from_secs(1)
                && std::io::stderr().is_terminal()
            {
                bar.set_draw_target(ProgressDrawTarget::stderr());
            }
            Ok(())
        },
    )?;
    bar.finish_and_clear();
    Ok(total)
}

/// Computes the chunks `first..` of `n` draws (chunk `c` holds draws `c * CHUNK` up to
/// `(c + 1) * CHUNK`) on the current rayon pool, a wave of two per thread at a time, and hands
/// each result to `merge` in chunk order with the end of its draw range. Memory is bounded by
/// one wave of results; the order of merging never depends on the scheduling.
///
/// # Errors
/// The first error of `compute` or `merge`, in chunk order.
pub fn ordered_chunks<A: Send, E: Send>(
    n: u64,
    first: u64,
    compute: impl Fn(u64, u64) -> Result<A, E> + Sync,
    mut merge: impl FnMut(A, u64) -> Result<(), E>,
) -> Result<(), E> {
    let n_chunks = n.div_ceil(CHUNK);
    let wave = 2 * rayon::current_num_threads() as u64;
    let mut next = first;
    while next < n_chunks {
        let end = (next + wave).min(n_chunks);
        let results: Vec<Result<A, E>> = (next..end)
            .into_par_iter()
            .map(|chunk| compute(chunk * CHUNK, ((chunk + 1) * CHUNK).min(n)))
            .collect();
        for (chunk, r) in (next..end).zip(results) {
            merge(r?, ((chunk + 1) * CHUNK).min(n))?;
        }
        next = end;
    }
    Ok(())
}

fn run_chunk(
    sc: &Scenario,
    seed: u64,
    layout: &Layout,
    ranges: &Ranges,
    start: u64,
    end: u64,
    keep: bool,
) -> Result<ChunkResult, RunError> {
    let mut ws = Workspace::default();
    let mut aggregate = Aggregate::new(*layout, ranges);
    let mut outcomes = vec![];
    let (mut values, mut events) = (vec![], vec![]);
    for d in start..end {
        let o = simulate_draw(sc, seed, d, &mut ws);
        extract(o, layout, &mut values, &mut events);
        check_finite(sc, layout, seed, d, &values)?;
        aggregate.push(o, &values, &events);
        if keep {
            outcomes.push(o.clone());
        }
    }
    Ok(ChunkResult {
        aggregate,
        outcomes,
    })
}

fn check_finite(
    sc: &Scenario,
    layout: &Layout,
    seed: u64,
    draw: u64,
    values: &[f64],
) -> Result<(), RunError> {
    match values.iter().position(|v| !v.is_finite()) {
        None => Ok(()),
        Some(i) => Err(RunError::NonFinite {
            draw,
            seed,
            quantity: describe(sc, layout, i),
            value: values[i],
        }),
    }
}

/// Names the quantity at flat index `i` of the layout.
fn describe(sc: &Scenario, l: &Layout, i: usize) -> String {
    if i < l.wijk(0) {
        return format!("overall quantity {i}");
    }
    if i < l.corporation(0) {
        let w = (i - l.wijk(0)) / (l.wijk(1) - l.wijk(0));
        return format!("wijk {}", sc.wijk_label(w));
    }
    if i < l.municipality(0) {
        let c = (i - l.corporation(0)) / (l.corporation(1) - l.corporation(0)).max(1);
        return format!(
            "corporation {} (ratios or capacity)",
            sc.corporations[c].name
        );
    }
    let m = (i - l.municipality(0)) / 3;
    format!("municipality {} spending", sc.municipalities[m].name)
}
