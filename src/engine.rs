//! Runs the draws of a scenario in parallel: the only module that knows about threads.
//!
//! Draws are grouped in fixed chunks of [`CHUNK`] draws, computed a wave at a time. Each
//! chunk is simulated on one worker thread into that worker's [`Aggregate`], reused from
//! chunk to chunk; at the end of a chunk its moments are sealed into exact sums, and bins and
//! counts are integers, so the workers' total is bit-identical for any number of threads and
//! any scheduling (and for shards merged elsewhere). Per-draw output (`--save-draws`) reaches
//! the sink in chunk order. A run to a precision keeps one aggregate per chunk and merges them
//! in chunk order, to look at the total at every chunk boundary. The first chunk is the pilot
//! that fixes the histogram ranges. Memory is bounded by one aggregate per thread (and one
//! wave of chunk results), whatever the number of draws.

use crate::aggregate::{Aggregate, CORP_HEAD, Layout, Ranges, extract};
use crate::model::{DrawOutcome, Workspace, simulate_draw};
use crate::scenario::Scenario;
use crate::stats::BinQueue;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Draws per chunk: the unit of work and of reduction order.
pub const CHUNK: u64 = 1024;

/// How to run.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    pub draws: u64,
    pub seed: u64,
    /// Worker threads; 0 means one per core.
    pub threads: usize,
    /// Show a progress bar on stderr once the run has taken a second (only on a terminal).
    pub progress: bool,
    /// Stops the run between chunks when cancelled (Ctrl-C).
    pub cancel: Cancel,
    /// Stop at the first chunk boundary where every figure's standard error is at or below
    /// its target (`draws` is then the cap); empty: run all draws.
    pub precision: Vec<crate::precision::Target>,
    /// Only these chunks of the `draws` (a shard of the run, see [`crate::shard`]); `None`:
    /// all. The pilot (chunk 0) is simulated in every case, for the histogram ranges.
    pub chunks: Option<std::ops::Range<u64>>,
}

/// A flag that asks a run to stop at the next chunk boundary; cheap to clone and share with a
/// signal handler.
#[derive(Clone, Debug, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Why a run failed.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(
        "draw {draw} (seed {seed}) produced a non-finite value ({value}) for {quantity}; replay it with `wijksim run SCENARIO --seed {seed} --only-draw {draw}`"
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
    #[error("interrupted after {done} of {total} draws")]
    Interrupted { done: u64, total: u64 },
}

/// Receives every draw in draw order (for `--save-draws`).
pub type DrawSink<'a> = &'a mut (dyn FnMut(&DrawOutcome) -> std::io::Result<()> + Send);

struct ChunkResult {
    /// The chunk's own aggregate when the run needs the total after every chunk (a run to a
    /// precision); otherwise the chunk went into its worker's aggregate.
    aggregate: Option<Aggregate>,
    outcomes: Vec<DrawOutcome>,
}

/// What one worker thread keeps from chunk to chunk: its buffers and the aggregate of the
/// chunks it simulated. Each chunk's moments are sealed into exact sums at its end, and
/// histograms and counts are integers, so the total of the workers' aggregates is the same,
/// bit for bit, as merging one aggregate per chunk in chunk order, however the chunks fell
/// to the threads.
struct Worker {
    workspace: Workspace,
    bins: BinQueue,
    aggregate: Aggregate,
}

/// One [`Worker`] per thread of the pool, created when the thread first takes a chunk.
struct Workers(Vec<Mutex<Option<Worker>>>);

impl Workers {
    fn new() -> Workers {
        Workers(
            (0..rayon::current_num_threads())
                .map(|_| Mutex::new(None))
                .collect(),
        )
    }

    /// Runs `f` on the calling thread's worker.
    fn with<T>(&self, layout: &Layout, ranges: &Ranges, f: impl FnOnce(&mut Worker) -> T) -> T {
        let i = rayon::current_thread_index().unwrap_or(0) % self.0.len();
        let mut slot = self.0[i].lock().unwrap_or_else(|e| e.into_inner());
        let worker = slot.get_or_insert_with(|| Worker {
            workspace: Workspace::default(),
            bins: layout.bin_queue(),
            aggregate: Aggregate::new(*layout, ranges),
        });
        f(worker)
    }

    /// Merges every worker's aggregate into `total`.
    fn merge_into(self, total: &mut Aggregate) {
        for slot in self.0 {
            if let Some(w) = slot.into_inner().unwrap_or_else(|e| e.into_inner()) {
                total.merge(&w.aggregate);
            }
        }
    }
}

/// Simulates `opts.draws` draws and aggregates them; `sink` sees each draw in order.
///
/// # Errors
/// A draw that produced NaN or infinity (with its index and the seed), a failing sink, or a
/// thread pool that cannot start.
pub fn run(
    scenario: &Scenario,
    opts: &RunOptions,
    sink: Option<DrawSink>,
) -> Result<Aggregate, RunError> {
    run_to_precision(scenario, opts, sink).map(|(a, _)| a)
}

/// [`run`], stopping early when `opts.precision` is reached; with targets, also why it
/// stopped and the path of the estimates.
///
/// # Errors
/// As [`run`].
pub fn run_to_precision(
    scenario: &Scenario,
    opts: &RunOptions,
    mut sink: Option<DrawSink>,
) -> Result<(Aggregate, Option<crate::precision::Report>), RunError> {
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
) -> Result<(Aggregate, Option<crate::precision::Report>), RunError> {
    let mut tracker = (!opts.precision.is_empty())
        .then(|| crate::precision::Tracker::new(opts.precision.clone(), opts.draws));
    let layout = Layout::new(sc);
    let keep = sink.is_some();
    let n = opts.draws;
    let chunks = opts.chunks.clone().unwrap_or(0..n.div_ceil(CHUNK));
    assert!(
        opts.chunks.is_none() || (tracker.is_none() && !keep),
        "a shard runs neither to a precision nor into a sink"
    );
    let first_draw = (chunks.start * CHUNK).min(n);
    let own = (chunks.end * CHUNK).min(n) - first_draw;
    let started = Instant::now();
    let bar = ProgressBar::with_draw_target(Some(own), ProgressDrawTarget::hidden());
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {human_pos}/{human_len} draws  eta {eta}")
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
            // The whole draw only for the sink; the aggregate needs its first years alone
            // (a pilot of whole draws would hold some 45 MB).
            let kept = if keep {
                o.clone()
            } else {
                DrawOutcome {
                    first_closed: o.first_closed.clone(),
                    first_closed_all: o.first_closed_all,
                    first_halved_all: o.first_halved_all,
                    rate_floors: o.rate_floors,
                    ..DrawOutcome::default()
                }
            };
            Ok((values, events, kept))
        })
        .collect::<Vec<Result<_, RunError>>>()
        .into_iter()
        // The first failing draw in draw order, whatever the scheduling.
        .collect::<Result<_, RunError>>()?;
    let values: Vec<Vec<f64>> = pilot.iter().map(|p| p.0.clone()).collect();
    let ranges = Ranges::from_pilot(&values, layout.len());
    drop(values);
    let mut total = Aggregate::new(layout, &ranges);
    if chunks.contains(&0) {
        for (values, events, outcome) in &pilot {
            total.push(outcome, values, events);
            if let Some(s) = sink.as_mut() {
                s(outcome)?;
            }
        }
        bar.set_position(n.min(CHUNK));
    }
    drop(pilot);
    let mut stop = tracker.as_mut().is_some_and(|t| t.update(&total));
    // A run to a precision looks at the total after every chunk: one aggregate per chunk;
    // otherwise one per worker, reused from chunk to chunk.
    let per_chunk = tracker.is_some();
    let workers = Workers::new();

    ordered_chunks(
        if stop { 0 } else { n },
        chunks.start.max(1)..chunks.end,
        &opts.cancel,
        |done| RunError::Interrupted {
            done: done - first_draw.min(done),
            total: own,
        },
        |start, end| {
            workers.with(&layout, &ranges, |w| {
                let own = per_chunk.then(|| Aggregate::new(layout, &ranges));
                run_chunk(sc, opts.seed, start..end, keep, own, w)
            })
        },
        |r: ChunkResult, end| {
            // Never called after it returned false: ordered_chunks drops the rest of the wave.
            if let Some(a) = &r.aggregate {
                total.merge(a);
            }
            if let Some(s) = sink.as_mut() {
                for o in &r.outcomes {
                    s(o)?;
                }
            }
            stop = tracker.as_mut().is_some_and(|t| t.update(&total));
            bar.set_position(end - first_draw);
            if opts.progress
                && bar.is_hidden()
                && started.elapsed() > Duration::from_secs(1)
                && std::io::stderr().is_terminal()
            {
                bar.set_draw_target(ProgressDrawTarget::stderr());
            }
            Ok(!stop)
        },
    )?;
    workers.merge_into(&mut total);
    bar.finish_and_clear();
    let report = tracker.map(|t| t.report(&total));
    Ok((total, report))
}

/// Model units of work per second and thread, measured on the baseline (about 9,500 draws of
/// 40 wijken x 6 indicators x 10 years and 18 corporations per second and thread), halved
/// for safety: estimates err towards too long.
const UNITS_PER_SECOND: f64 = 2.0e7;

/// Estimated wall time in seconds of `draws` draws of `sc` on `threads` threads.
pub fn estimate(sc: &Scenario, draws: u64, threads: usize) -> f64 {
    let t = sc.horizon() as f64;
    let units = sc.wijken.len() as f64 * sc.indicators.len() as f64 * t
        + sc.corporations.len() as f64 * t * 10.0
        + sc.params.len() as f64;
    draws as f64 * units / (UNITS_PER_SECOND * threads.max(1) as f64)
}

/// `f` of every draw 0..`n` of `sc` under `seed`, in draw order, computed on the current
/// rayon pool a chunk at a time: the per-draw values an analysis needs beyond the run's
/// aggregate (seek's figures, discover's inputs). The result does not depend on the number of
/// threads.
///
/// # Errors
/// Interrupted by `cancel` (between waves of chunks).
pub fn map_draws<T: Send>(
    sc: &Scenario,
    seed: u64,
    n: u64,
    cancel: &Cancel,
    f: impl Fn(&DrawOutcome) -> T + Sync,
) -> Result<Vec<T>, RunError> {
    let mut out = Vec::with_capacity(usize::try_from(n).unwrap_or(0));
    ordered_chunks(
        n,
        0..u64::MAX,
        cancel,
        |done| RunError::Interrupted { done, total: n },
        |start, end| {
            let mut ws = Workspace::default();
            Ok((start..end)
                .map(|d| f(simulate_draw(sc, seed, d, &mut ws)))
                .collect::<Vec<T>>())
        },
        |chunk, _| {
            out.extend(chunk);
            Ok(true)
        },
    )?;
    Ok(out)
}

/// Computes the chunks `chunks` of `n` draws (chunk `c` holds draws `c * CHUNK` up to
/// `(c + 1) * CHUNK`; the range is cut at the last chunk) on the current rayon pool, a wave of two per thread at a time, and hands
/// each result to `merge` in chunk order with the end of its draw range; `merge` returns
/// false to stop there (the wave's later chunks are dropped unseen). Memory
/// is bounded by one wave of results; the order of merging never depends on the scheduling.
/// Between waves it checks `cancel` and stops with `interrupted(draws merged so far)`.
///
/// # Errors
/// The first error of `compute` or `merge`, in chunk order, or the interruption.
pub fn ordered_chunks<A: Send, E: Send>(
    n: u64,
    chunks: std::ops::Range<u64>,
    cancel: &Cancel,
    interrupted: impl Fn(u64) -> E,
    compute: impl Fn(u64, u64) -> Result<A, E> + Sync,
    mut merge: impl FnMut(A, u64) -> Result<bool, E>,
) -> Result<(), E> {
    let n_chunks = n.div_ceil(CHUNK).min(chunks.end);
    let wave = 2 * rayon::current_num_threads() as u64;
    let mut next = chunks.start;
    while next < n_chunks {
        if cancel.is_cancelled() {
            return Err(interrupted((next * CHUNK).min(n)));
        }
        let end = (next + wave).min(n_chunks);
        let results: Vec<Result<A, E>> = (next..end)
            .into_par_iter()
            .map(|chunk| compute(chunk * CHUNK, ((chunk + 1) * CHUNK).min(n)))
            .collect();
        for (chunk, r) in (next..end).zip(results) {
            if !merge(r?, ((chunk + 1) * CHUNK).min(n))? {
                // Stop here: the wave's later chunks (and any error in them) are dropped,
                // so where a run stops does not depend on the wave's size.
                return Ok(());
            }
        }
        next = end;
    }
    Ok(())
}

/// Simulates the draws `draws` into `own` (returned with the result) if given, else into `w`'s
/// aggregate; sealed at the end.
fn run_chunk(
    sc: &Scenario,
    seed: u64,
    draws: std::ops::Range<u64>,
    keep: bool,
    mut own: Option<Aggregate>,
    w: &mut Worker,
) -> Result<ChunkResult, RunError> {
    let aggregate = own.as_mut().unwrap_or(&mut w.aggregate);
    let layout = aggregate.layout;
    let mut outcomes = vec![];
    let (mut values, mut events) = (vec![], vec![]);
    for d in draws {
        let o = simulate_draw(sc, seed, d, &mut w.workspace);
        extract(o, &layout, &mut values, &mut events);
        check_finite(sc, &layout, seed, d, &values)?;
        aggregate.push_queued(o, &values, &events, &mut w.bins);
        if keep {
            outcomes.push(o.clone());
        }
    }
    aggregate.flush(&mut w.bins);
    aggregate.seal();
    Ok(ChunkResult {
        aggregate: own,
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
    let k = l.indicators;
    let t = l.horizon;
    let indicator = |j: usize| sc.indicators[j].name.as_str();
    // The offsets follow `aggregate::extract`.
    let gap_part = |j: usize| -> String {
        match j {
            0 => format!("gap closure in {}", sc.run.year(t)),
            j if j <= k => format!("g_T of {} in {}", indicator(j - 1), sc.run.year(t)),
            _ => String::new(),
        }
    };
    if i < l.wijk(0) {
        return match i {
            j if j <= k => format!("overall {}", gap_part(j)),
            j if j == k + 1 => "overall value uplift".into(),
            j if j == k + 2 => "the corporations' value uplift".into(),
            j => format!("overall composite gap in {}", sc.run.year(j - k - 3)),
        };
    }
    if i < l.corporation(0) {
        let len = l.wijk(1) - l.wijk(0);
        let (w, j) = ((i - l.wijk(0)) / len, (i - l.wijk(0)) % len);
        let what = match j {
            j if j <= k => gap_part(j),
            j if j == k + 1 => "value uplift".into(),
            j => format!("composite gap in {}", sc.run.year(j - k - 2)),
        };
        return format!("{} of wijk {}", what, sc.wijk_label(w));
    }
    if i < l.municipality(0) {
        let len = (l.corporation(1) - l.corporation(0)).max(1);
        let (c, j) = ((i - l.corporation(0)) / len, (i - l.corporation(0)) % len);
        let what = match j {
            0 => "minimum ICR".to_string(),
            1 => "maximum LTV".into(),
            2 => "realised / planned wijk investment".into(),
            3 => "value uplift".into(),
            4 => "sales".into(),
            j => {
                let y = (j - CORP_HEAD) % t;
                let var = ["ICR", "LTV", "capacity"][(j - CORP_HEAD) / t];
                format!("{var} in {}", sc.run.year(y + 1))
            }
        };
        return format!("{what} of corporation {}", sc.corporations[c].name);
    }
    let (m, j) = ((i - l.municipality(0)) / 3, (i - l.municipality(0)) % 3);
    let what = ["gap closure", "social spending", "budget shortfall"][j];
    format!("{what} of municipality {}", sc.municipalities[m].name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reported_quantity_has_a_name_with_its_year() {
        let sc = crate::scenario::load(std::path::Path::new("scenarios/baseline.toml")).unwrap();
        let l = Layout::new(&sc);
        let names: Vec<String> = (0..l.len()).map(|i| describe(&sc, &l, i)).collect();
        assert_eq!(names[0], "overall gap closure in 2017");
        assert!(names.iter().any(|n| n == "overall composite gap in 2007"));
        assert!(
            names
                .iter()
                .any(|n| n == "ICR in 2013 of corporation Rotterdam (sector average)")
        );
        assert!(
            names
                .iter()
                .any(|n| n == "composite gap in 2015 of wijk Amsterdam / Noord")
        );
        assert!(
            names
                .iter()
                .any(|n| n == "budget shortfall of municipality Zaanstad")
        );
        assert!(names.iter().all(|n| !n.is_empty() && !n.starts_with(' ')));
        let unique: std::collections::BTreeSet<&String> = names.iter().collect();
        assert_eq!(unique.len(), names.len(), "names are unique");
    }
}
