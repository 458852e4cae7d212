//! The command line: `wijksim run`, `wijksim validate`, `wijksim list`, ..., and the shell's
//! completions and manual pages (module `shell`).
//!
//! Exit codes: 0 success, 1 a run that failed, 2 bad input (a scenario, data file, argument,
//! an occupied or unwritable output directory), 130 interrupted (Ctrl-C, SIGTERM).

mod count;
mod shell;

use crate::draws::{DrawsFormat, DrawsWriter};
use crate::engine::{self, Cancel, RunOptions};
use crate::output::{self, Meta};
use crate::plot::Lang;
use crate::report;
use crate::rundir;
use crate::scenario::{self, Scenario};
use anyhow::Context;
use clap::{CommandFactory, Parser, Subcommand};
use count::count;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

#[derive(Parser)]
#[command(
    name = "wijksim",
    version,
    about = "Monte Carlo engine for the gaps of the Dutch aandachtswijken"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a scenario and write its results to a run directory.
    Run(RunArgs),
    /// Check scenario files and report every problem at once.
    Validate {
        /// Print the fully resolved scenario (all defaults filled in) as JSON.
        #[arg(long)]
        resolved: bool,
        /// Scenario files to check.
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
    },
    /// Run scenarios on the same draws and compare each with the first, draw by draw.
    Compare(CompareArgs),
    /// Run a scenario over a grid of one or two levers, every point on the same draws.
    Sweep(SweepArgs),
    /// Fit parameters of a scenario to published figures (simulated method of moments on
    /// common random numbers).
    Calibrate(CalibrateArgs),
    /// Which uncertainties drive the outcomes: Sobol' first-order and total indices with
    /// bootstrap intervals (Saltelli design over the scenario's random streams).
    Sensitivity(SensitivityArgs),
    /// Find the smallest (or largest) value of a lever that meets a target, e.g. the municipal
    /// budget per resident for "p_halved >= 0.2", on common random numbers with a 95%
    /// Monte Carlo interval; says so plainly when the range cannot reach it.
    Seek(SeekArgs),
    /// Scenario discovery: under which conditions does something happen (e.g. "closure < 0.1"
    /// or "breach_ltv")? PRIM over the draws' uncertain inputs, as EMA Workbench runs it.
    Discover(DiscoverArgs),
    /// Evaluate the model once per row of a design (CSV: columns named by parameter paths,
    /// optionally `draw`), e.g. a SALib or EMA Workbench sample; one row of outputs per row.
    Evaluate(EvaluateArgs),
    /// Merge the shards of a run (`run --shard I/N`) into the result of the whole run,
    /// identical to running it on one machine.
    Merge(MergeArgs),
    /// Redraw the charts, report.html and summary.xlsx of a finished run from its files, and
    /// say what was written.
    Report(ReportArgs),
    /// The what-if page: a local web server whose levers re-run the scenario on the same
    /// draws and redraw its charts while you watch.
    Serve(ServeArgs),
    /// List the scenarios in a folder with their descriptions.
    List {
        /// The folder of scenario files.
        #[arg(default_value = "scenarios")]
        dir: PathBuf,
    },
    /// Print a completion script for a shell on stdout (see the README for where it goes).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) on stdout, or write one page per command into a folder.
    Man {
        /// Write wijksim.1, wijksim-run.1, ... into this folder (created if need be) instead.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

/// How many draws, from which seed, on how many threads.
#[derive(clap::Args)]
struct DrawArgs {
    /// Number of draws, e.g. 20000, 20_000 or 2e4 (default: the (first) scenario's run.draws).
    #[arg(short = 'n', long, value_parser = count::<u64>)]
    draws: Option<u64>,
    /// Seed (default: the (first) scenario's run.seed).
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads [default: all cores]. Results do not depend on it.
    #[arg(long, value_name = "N", default_value_t = 0, hide_default_value = true)]
    threads: usize,
}

/// Charts and reports, and the terminal.
#[derive(clap::Args)]
struct PresentArgs {
    /// Skip the charts and reports (report.html, summary.xlsx, compare.html).
    #[arg(long)]
    no_charts: bool,
    /// Language of chart and report labels.
    #[arg(long, value_enum, default_value_t = Lang::En)]
    lang: Lang,
    /// Print nothing but errors.
    #[arg(short, long)]
    quiet: bool,
    /// Replace the results in an occupied output directory, and run work estimated to take
    /// more than a day.
    #[arg(long)]
    force: bool,
}

#[derive(clap::Args)]
struct RunArgs {
    /// Scenario file.
    #[arg(default_value = "scenarios/baseline.toml")]
    scenario: PathBuf,
    #[command(flatten)]
    draw: DrawArgs,
    /// Run directory (default: output/<scenario name>).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Also write the per-draw table, one row per (draw, wijk) with the sampled parameters
    /// and outcomes: draws.csv (`--save-draws`, `--save-draws=csv`) or draws.parquet
    /// (`--save-draws=parquet`: typed columns, compressed).
    #[arg(
        long,
        value_enum,
        value_name = "FORMAT",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "csv"
    )]
    save_draws: Option<DrawsFormat>,
    /// Replay only draw N and print its yearly state (writes nothing).
    #[arg(long, value_name = "N")]
    only_draw: Option<u64>,
    /// With --only-draw: also print every wijk's composite gap per year.
    #[arg(long)]
    trace: bool,
    /// Run until the Monte Carlo standard error of each figure is at most its target, e.g.
    /// closure=0.002,p_halved=0.005 (figures: closure, p_closed, p_halved, p_breach,
    /// p_breach_icr, p_breach_ltv); -n is then the cap (default 1,000,000).
    #[arg(long, value_delimiter = ',', value_name = "FIGURE=SE")]
    precision: Vec<crate::precision::Target>,
    /// Run only shard I of N (a contiguous block of the draws) and write its state to
    /// shard.json in --out; `wijksim merge` combines all N into the result of the whole run,
    /// byte for byte.
    #[arg(long, value_name = "I/N")]
    shard: Option<crate::shard::Shard>,
    #[command(flatten)]
    present: PresentArgs,
}

#[derive(clap::Args)]
struct ServeArgs {
    /// Scenario file whose levers the page moves.
    #[arg(default_value = "scenarios/baseline.toml")]
    scenario: PathBuf,
    /// Draws per what-if (each change re-runs them): 5,000 answer in about a third of a
    /// second on two cores.
    #[arg(short = 'n', long, value_parser = count::<u64>, default_value = "5000")]
    draws: u64,
    /// Seed (default: the scenario's run.seed).
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads [default: all cores]. Results do not depend on it.
    #[arg(long, value_name = "N", default_value_t = 0, hide_default_value = true)]
    threads: usize,
    /// Port (0: any free port).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Address to listen on. The default, 127.0.0.1, lets only this computer in; another
    /// address lets in whoever can reach it (the page has no login).
    #[arg(long, default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
    /// Language of the page when its address does not say (?lang=nl).
    #[arg(long, value_enum, default_value_t = Lang::En)]
    lang: Lang,
}

#[derive(clap::Args)]
struct CompareArgs {
    /// Scenario files; the first is the reference.
    #[arg(required = true, num_args = 2..)]
    scenarios: Vec<PathBuf>,
    #[command(flatten)]
    draw: DrawArgs,
    /// Output directory (default: output/compare_<first>_<second>...).
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    present: PresentArgs,
}

#[derive(clap::Args)]
struct SweepArgs {
    /// Scenario file.
    scenario: PathBuf,
    /// A lever: a dotted scenario key and its values, e.g.
    /// municipalities.defaults.budget_per_resident=100,150,200. Give one or two.
    #[arg(long = "set", required = true, value_name = "PATH=V1,V2,...")]
    set: Vec<crate::sweep::Lever>,
    #[command(flatten)]
    draw: DrawArgs,
    /// Output directory (default: output/sweep_<scenario>).
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    present: PresentArgs,
}

#[derive(clap::Args)]
struct CalibrateArgs {
    /// The scenario to calibrate (targets may name others, e.g. the same without the levy).
    scenario: PathBuf,
    /// Targets file (TOML): published figures as bands on model quantities, and optionally the
    /// parameters to fit ([[fit]]).
    #[arg(long)]
    targets: PathBuf,
    /// A parameter to fit and its bounds, e.g. gaps.k_half=300..4000 or
    /// corporations.defaults.commitment.2011=0.3..1 (repeatable; replaces the targets file's
    /// [[fit]]). A distribution is fitted through its location (mode, mean or midpoint).
    #[arg(long = "fit", value_name = "PATH=LO..HI")]
    fit: Vec<crate::calibrate::FitSpec>,
    #[command(flatten)]
    draw: DrawArgs,
    /// Points of the space-filling screen before Nelder-Mead (default: 10 per parameter, at
    /// least 20).
    #[arg(long, default_value_t = 0)]
    screen: usize,
    /// Nelder-Mead iterations at most, over all restarts.
    #[arg(long, default_value_t = 3000)]
    iterations: u64,
    /// How often Nelder-Mead restarts from where it stopped while that still improves.
    #[arg(long, default_value_t = 4)]
    restarts: u32,
    /// Weight of the pull towards the starting values (it decides between equally good fits).
    #[arg(long, default_value_t = 1e-3)]
    prior_weight: f64,
    /// Output directory (default: output/calibrate_<scenario>).
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    present: PresentArgs,
}

#[derive(clap::Args)]
struct SensitivityArgs {
    /// The scenario whose uncertainties are studied.
    scenario: PathBuf,
    /// Rows N of each sample matrix, e.g. 2048 or 4_096 (the design runs N x (factors + 2)
    /// draws).
    #[arg(short = 'n', long, default_value_t = 2048, value_parser = count::<usize>)]
    rows: usize,
    /// Seed (default: the scenario's run.seed).
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads [default: all cores]. Results do not depend on it.
    #[arg(long, value_name = "N", default_value_t = 0, hide_default_value = true)]
    threads: usize,
    /// The outputs to decompose, comma-separated: closure, halved, min_icr, realised_wijk,
    /// uplift, breach (default: all).
    #[arg(long, value_delimiter = ',')]
    outputs: Vec<crate::sensitivity::Output>,
    /// A group of factors studied together, e.g. "programme effects=indicators.*.effect"
    /// (members: parameter paths, patterns with *, economy, wijk_multipliers, wijk_noise;
    /// repeatable).
    #[arg(long = "group", value_name = "NAME=MEMBER,...")]
    groups: Vec<crate::sensitivity::GroupSpec>,
    /// Bootstrap resamples for the 95% intervals.
    #[arg(long, default_value_t = 500, value_parser = count::<usize>)]
    resamples: usize,
    /// Also the one-at-a-time tornado (each parameter factor at its 5th and 95th percentile,
    /// everything else on the same draws) and standardised rank regression coefficients.
    #[arg(long)]
    tornado: bool,
    /// Draws per setting of the tornado and of the rank regression.
    #[arg(long, default_value_t = 4096, value_parser = count::<usize>)]
    tornado_draws: usize,
    /// Factors listed per output in the terminal.
    #[arg(long, default_value_t = 8)]
    top: usize,
    /// Output directory (default: output/sensitivity_<scenario>).
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    present: PresentArgs,
}

#[derive(clap::Args)]
struct MergeArgs {
    /// The shard directories (each written by `wijksim run SCENARIO --shard I/N --out DIR`),
    /// all N of them, in any order.
    #[arg(required = true)]
    shards: Vec<PathBuf>,
    /// The scenario file, if it is no longer where the shards ran it (its hash must match).
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// Run directory of the merged result (default: output/<scenario name>).
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    present: PresentArgs,
}

#[derive(clap::Args)]
struct SeekArgs {
    /// Scenario file.
    scenario: PathBuf,
    /// The lever: a dotted scenario path, e.g. municipalities.defaults.budget_per_resident or
    /// corporations.defaults.levy; a year of a schedule (corporations.defaults.levy.2013)
    /// where the scenario writes that value as a table of years.
    #[arg(long)]
    lever: String,
    /// The target: a figure, <, <=, > or >=, and a number, e.g. "p_halved >= 0.2",
    /// "closure_mean[Rotterdam] >= 0.15" or "p_breach_icr <= 5%". Figures: p_halved,
    /// p_closed, p_breach, p_breach_icr, p_breach_ltv, closure_mean, closure_median,
    /// closure_q05 .. closure_q95, value_uplift_mean, min_icr_q05, max_ltv_q95, ...; a
    /// municipality, wijk or corporation in brackets.
    #[arg(long)]
    target: String,
    /// The lever's range (default: 0..1 for a share; otherwise required).
    #[arg(long, value_name = "LO..HI")]
    range: Option<crate::seek::Range>,
    /// Seek the smallest value that meets the target (the default).
    #[arg(long, visible_alias = "minimize", conflicts_with = "maximise")]
    minimise: bool,
    /// Seek the largest value that meets the target.
    #[arg(long, visible_alias = "maximize")]
    maximise: bool,
    #[command(flatten)]
    draw: DrawArgs,
    /// Bootstrap resamples for the 95% interval.
    #[arg(long, default_value_t = 400, value_parser = count::<usize>)]
    resamples: usize,
    /// Output directory (default: output/seek_<scenario>).
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    present: PresentArgs,
}

#[derive(clap::Args)]
struct DiscoverArgs {
    /// Scenario file.
    scenario: PathBuf,
    /// The condition that makes a draw a case, e.g. "closure < 0.1", "breach_ltv",
    /// "closure[Rotterdam] < 0.1 and not breach_icr". Quantities: closure, value_uplift,
    /// min_icr, max_ltv (compare them with <, <=, >, >=) and the events halved, closed,
    /// breach, breach_icr, breach_ltv; a municipality, wijk or corporation in brackets;
    /// and, or, not, parentheses.
    #[arg(long = "where", value_name = "CONDITION")]
    condition: String,
    #[command(flatten)]
    draw: DrawArgs,
    /// Share of a box's draws one peel removes.
    #[arg(long, default_value_t = 0.05)]
    peel_alpha: f64,
    /// Share of the draws just outside a side that one paste adds.
    #[arg(long, default_value_t = 0.05)]
    paste_alpha: f64,
    /// The smallest box, as a share of all draws.
    #[arg(long, default_value_t = 0.05)]
    mass_min: f64,
    /// Report this step of the trajectory (default: the knee, the best balance of coverage
    /// and density).
    #[arg(long = "box", value_name = "STEP")]
    step: Option<usize>,
    /// Output directory (default: output/discover_<scenario>).
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    present: PresentArgs,
}

#[derive(clap::Args)]
struct EvaluateArgs {
    /// The scenario: everything the design does not set.
    scenario: PathBuf,
    /// The design: a CSV file whose columns are parameter paths (e.g. gaps.leak) and
    /// optionally `draw` (whose random streams the row uses).
    #[arg(long)]
    design: PathBuf,
    /// The draw whose random streams rows without a `draw` column use.
    #[arg(long, default_value_t = 0)]
    draw: u64,
    /// Seed (default: the scenario's run.seed).
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads [default: all cores]. Results do not depend on it.
    #[arg(long, value_name = "N", default_value_t = 0, hide_default_value = true)]
    threads: usize,
    /// The outputs file (default: output/evaluate_<scenario>.csv).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Replace an existing outputs file.
    #[arg(long)]
    force: bool,
    /// Print nothing but errors.
    #[arg(short, long)]
    quiet: bool,
}

#[derive(clap::Args)]
struct ReportArgs {
    /// The run directory (holds summary.json, yearly.csv, meta.json).
    run_dir: PathBuf,
    /// Language of the labels.
    #[arg(long, value_enum, default_value_t = Lang::En)]
    lang: Lang,
    /// Write the charts, report.html and summary.xlsx into this directory instead of the run
    /// directory (which then stays untouched).
    #[arg(long)]
    out: Option<PathBuf>,
}

/// The command definitions: every subcommand, argument and help text.
pub fn command() -> clap::Command {
    Cli::command()
}

/// Bad input: exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct BadInput(String);

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let cancel = Cancel::default();
    let handler = cancel.clone();
    // Ctrl-C or SIGTERM: stop at the next chunk and clean up; a second one aborts at once
    // (the output directory then has no completion marker).
    let _ = ctrlc::set_handler(move || {
        if handler.is_cancelled() {
            std::process::exit(130);
        }
        handler.cancel();
        eprintln!("\nstopping at the next chunk of draws (Ctrl-C again aborts at once)");
    });
    let result = match cli.command {
        Command::Run(args) => run(args, &cancel),
        Command::Validate {
            resolved,
            scenarios,
        } => validate(&scenarios, resolved),
        Command::Compare(args) => compare(args, &cancel),
        Command::Sweep(args) => sweep(args, &cancel),
        Command::Calibrate(args) => calibrate(args, &cancel),
        Command::Sensitivity(args) => sensitivity(args, &cancel),
        Command::Seek(args) => seek(args, &cancel),
        Command::Merge(args) => merge(args, &cancel),
        Command::Serve(args) => serve(args, &cancel),
        Command::Discover(args) => discover(args, &cancel),
        Command::Evaluate(args) => evaluate(args, &cancel),
        Command::Report(args) => report(args),
        Command::List { dir } => list(&dir),
        Command::Completions { shell } => std::io::stdout()
            .write_all(&shell::completions(shell, command()))
            .map_err(anyhow::Error::from),
        Command::Man { dir } => man(dir.as_deref()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            if e.downcast_ref::<Interrupted>().is_some() {
                ExitCode::from(130)
            } else if e.downcast_ref::<BadInput>().is_some()
                || e.downcast_ref::<scenario::ScenarioError>().is_some()
            {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}

/// Prints what the scenario allows but may not be what its author meant, on stderr.
fn warn(sc: &Scenario) {
    for w in &sc.warnings {
        eprintln!(
            "warning: {} ({}): {}: {}",
            sc.file.display(),
            sc.name,
            w.path,
            w.message
        );
    }
}

/// A run, comparison or sweep stopped by Ctrl-C or a termination signal: exit code 130.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Interrupted(String);

/// The number of worker threads a `--threads` value means (0: one per core).
fn effective_threads(threads: usize) -> usize {
    if threads == 0 {
        rayon::current_num_threads()
    } else {
        threads
    }
}

/// Refuses work that would take more than a day unless forced, saying the estimate.
fn check_size(what: &str, seconds: f64, disk_bytes: f64, force: bool) -> anyhow::Result<()> {
    check_size_writing(what, seconds, (disk_bytes, "draws.csv"), force)
}

/// [`check_size`] of work that writes `disk_bytes` into `file`.
fn check_size_writing(
    what: &str,
    seconds: f64,
    (disk_bytes, file): (f64, &str),
    force: bool,
) -> anyhow::Result<()> {
    const DAY: f64 = 86_400.0;
    const DISK: f64 = 50e9;
    if force || (seconds <= DAY && disk_bytes <= DISK) {
        return Ok(());
    }
    Err(BadInput(format!(
        "{what} would take about {:.1} hours on this machine{}; reduce --draws, or pass --force to run it anyway",
        seconds / 3600.0,
        if disk_bytes > DISK {
            format!(" and write about {:.0} GB of {file}", disk_bytes / 1e9)
        } else {
            String::new()
        }
    ))
    .into())
}

/// Prepares an output directory, mapping an occupied or unwritable one to bad input.
fn prepare_dir(dir: &Path, force: bool) -> anyhow::Result<()> {
    match rundir::prepare(dir, force) {
        Err(
            e @ (rundir::RunDirError::Occupied { .. } | rundir::RunDirError::Unwritable { .. }),
        ) => Err(BadInput(e.to_string()).into()),
        r => Ok(r?),
    }
}

/// Refuses, as bad input, a directory that files cannot be written into.
fn check_writable(dir: &Path) -> anyhow::Result<()> {
    rundir::check_writable(dir).map_err(|e| BadInput(e.to_string()).into())
}

/// Runs `work` into `dir`; on failure or interruption removes what it wrote, so that nothing
/// remains that could be taken for a result; on success writes the completion marker last.
fn into_dir<T>(
    dir: &Path,
    command: &str,
    cancel: &Cancel,
    work: impl FnOnce() -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let result = work().and_then(|t| {
        if cancel.is_cancelled() {
            Err(Interrupted("interrupted".into()).into())
        } else {
            rundir::complete(dir, command)?;
            Ok(t)
        }
    });
    result.map_err(|e| {
        rundir::discard(dir);
        let interrupted = cancel.is_cancelled()
            || e.downcast_ref::<Interrupted>().is_some()
            || matches!(
                e.downcast_ref::<engine::RunError>(),
                Some(engine::RunError::Interrupted { .. })
            )
            || matches!(
                e.downcast_ref::<crate::compare::CompareError>(),
                Some(crate::compare::CompareError::Interrupted { .. })
            )
            || matches!(
                e.downcast_ref::<crate::calibrate::CalibrateError>(),
                Some(crate::calibrate::CalibrateError::Interrupted { .. })
            )
            || matches!(
                e.downcast_ref::<crate::sensitivity::SensitivityError>(),
                Some(crate::sensitivity::SensitivityError::Interrupted { .. })
            );
        if interrupted {
            Interrupted(format!(
                "{e}; stopped cleanly, nothing was kept in {}",
                dir.display()
            ))
            .into()
        } else {
            e.context(format!("nothing was kept in {}", dir.display()))
        }
    })
}

fn run(args: RunArgs, cancel: &Cancel) -> anyhow::Result<()> {
    if let Some(f @ ("csv" | "parquet")) = args.scenario.to_str()
        && !args.scenario.exists()
    {
        return Err(BadInput(format!(
            "no scenario file `{f}`: to name the format of the draws, write --save-draws={f}"
        ))
        .into());
    }
    let mut sc: Scenario = scenario::load(&args.scenario)?;
    warn(&sc);
    if let Some(n) = args.draw.draws {
        if n == 0 {
            return Err(BadInput("--draws must be at least 1".into()).into());
        }
        sc.run.draws = n;
    } else if !args.precision.is_empty() {
        sc.run.draws = PRECISION_CAP;
    }
    if !args.precision.is_empty() && args.only_draw.is_some() {
        return Err(BadInput("--precision and --only-draw do not go together".into()).into());
    }
    if let Some(s) = args.draw.seed {
        sc.run.seed = s;
    }
    if let Some(d) = args.only_draw {
        print!("{}", crate::trace::trace(&sc, sc.run.seed, d, args.trace));
        return Ok(());
    }
    if args.trace {
        return Err(BadInput("--trace needs --only-draw N: the draw to replay".into()).into());
    }
    if let Some(shard) = args.shard {
        for (given, what) in [
            (!args.precision.is_empty(), "--precision"),
            (args.save_draws.is_some(), "--save-draws"),
        ] {
            if given {
                return Err(BadInput(format!("--shard and {what} do not go together")).into());
            }
        }
        return run_shard(&sc, shard, &args, cancel);
    }
    let threads = effective_threads(args.draw.threads);
    let estimate = engine::estimate(&sc, sc.run.draws, threads);
    let disk = args
        .save_draws
        .map_or((0.0, ""), |f| (f.bytes(&sc, sc.run.draws), f.file_name()));
    let what = if !args.precision.is_empty() && args.draw.draws.is_none() {
        format!("this run, up to its cap of {PRECISION_CAP} draws (set a lower cap with -n),")
    } else {
        "this run".to_string()
    };
    check_size_writing(&what, estimate, disk, args.present.force)?;
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(&sc.name));
    prepare_dir(&dir, args.present.force)?;
    let opts = RunOptions {
        draws: sc.run.draws,
        seed: sc.run.seed,
        threads: args.draw.threads,
        progress: !args.present.quiet,
        cancel: cancel.clone(),
        precision: args.precision.clone(),
        chunks: None,
    };
    let (summary, meta) = into_dir(&dir, "run", cancel, || {
        let started = Instant::now();
        let aggregate = if let Some(format) = args.save_draws {
            let file = format.file_name();
            let mut writer = DrawsWriter::create(&dir.join(file), &sc, format)
                .with_context(|| format!("cannot create {file}"))?;
            let mut sink = |o: &crate::model::DrawOutcome| writer.write(o);
            let a = engine::run_to_precision(&sc, &opts, Some(&mut sink))?;
            writer
                .finish()
                .with_context(|| format!("cannot finish {file}"))?;
            a
        } else {
            engine::run_to_precision(&sc, &opts, None)?
        };
        let (aggregate, precision) = aggregate;
        if let Some(p) = &precision {
            output::write_convergence(&dir.join("convergence.csv"), p)
                .context("cannot write convergence.csv")?;
        }
        let wall = started.elapsed().as_secs_f64();
        let meta = Meta {
            precision,
            ..Meta::new(&sc, aggregate.draws, threads, wall)
        };
        let summary = write_results(&dir, &sc, &aggregate, &meta, &args.present)?;
        Ok((summary, meta))
    })?;
    if !args.present.quiet {
        print!("{}", output::terminal(&summary, &meta));
        if let Some(p) = &meta.precision {
            println!("Stopped: {}", p.why());
        }
        println!("\nResults in {}", dir.display());
    }
    Ok(())
}

/// The draws cap of a precision-driven run without -n.
const PRECISION_CAP: u64 = 1_000_000;

fn compare(args: CompareArgs, cancel: &Cancel) -> anyhow::Result<()> {
    let scenarios = args
        .scenarios
        .iter()
        .map(|p| scenario::load(p))
        .collect::<Result<Vec<Scenario>, _>>()?;
    scenarios.iter().for_each(warn);
    let first = &scenarios[0];
    let draws = args.draw.draws.unwrap_or(first.run.draws);
    if draws == 0 {
        return Err(BadInput("--draws must be at least 1".into()).into());
    }
    if let Err(e) = crate::compare::check_comparable(&scenarios) {
        return Err(BadInput(e.to_string()).into());
    }
    let threads = effective_threads(args.draw.threads);
    let seconds: f64 = scenarios
        .iter()
        .map(|s| engine::estimate(s, draws, threads))
        .sum();
    check_size("this comparison", seconds, 0.0, args.present.force)?;
    let opts = crate::compare::CompareOptions {
        draws,
        seed: args.draw.seed.unwrap_or(first.run.seed),
        threads: args.draw.threads,
        cancel: cancel.clone(),
    };
    let dir = args.out.clone().unwrap_or_else(|| {
        let names: Vec<&str> = scenarios.iter().map(|s| s.name.as_str()).collect();
        Path::new("output").join(format!("compare_{}", names.join("_")))
    });
    prepare_dir(&dir, args.present.force)?;
    let result = into_dir(&dir, "compare", cancel, || {
        let result = crate::compare::run(&scenarios, &opts)?;
        output::write_json(&dir.join("compare.json"), &result)
            .context("cannot write compare.json")?;
        output::write_rows(&dir.join("compare.csv"), &crate::compare::csv_rows(&result))
            .context("cannot write compare.csv")?;
        if !args.present.no_charts {
            report::compare_report(&result, &dir, args.present.lang)
                .context("cannot draw the comparison charts and report")?;
        }
        Ok(result)
    })?;
    if !args.present.quiet {
        print!("{}", crate::compare::terminal(&result));
        println!("\nResults in {}", dir.display());
    }
    Ok(())
}

fn sweep(args: SweepArgs, cancel: &Cancel) -> anyhow::Result<()> {
    if args.set.len() > 2 {
        return Err(BadInput(format!(
            "give one or two levers (--set), got {}",
            args.set.len()
        ))
        .into());
    }
    if args.draw.draws == Some(0) {
        return Err(BadInput("--draws must be at least 1".into()).into());
    }
    // Check every lever value before running any, so bad values fail fast.
    let mut sc = None;
    for lever in &args.set {
        for v in &lever.values {
            sc = Some(scenario::load_with(
                &args.scenario,
                &[(lever.path.clone(), *v)],
            )?);
        }
    }
    let sc = sc.expect("clap requires at least one --set");
    warn(&sc);
    let threads = effective_threads(args.draw.threads);
    let points: usize = args.set.iter().map(|l| l.values.len()).product();
    let draws = args.draw.draws.unwrap_or(sc.run.draws);
    check_size(
        "this sweep",
        points as f64 * engine::estimate(&sc, draws, threads),
        0.0,
        args.present.force,
    )?;
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(format!("sweep_{}", sc.name)));
    prepare_dir(&dir, args.present.force)?;
    let result = into_dir(&dir, "sweep", cancel, || {
        let result = crate::sweep::run(
            &args.scenario,
            &args.set,
            args.draw.draws,
            args.draw.seed,
            args.draw.threads,
            cancel,
        )?;
        output::write_json(&dir.join("sweep.json"), &result).context("cannot write sweep.json")?;
        output::write_rows(&dir.join("sweep.csv"), &crate::sweep::csv_rows(&result))
            .context("cannot write sweep.csv")?;
        if !args.present.no_charts {
            for chart in crate::plot::sweep::SweepChart::ALL {
                let drawn = crate::plot::sweep::render(chart, &result, args.present.lang)?;
                crate::plot::write_chart(&dir.join("charts"), &drawn)?;
            }
        }
        Ok(result)
    })?;
    if !args.present.quiet {
        print!("{}", crate::sweep::terminal(&result));
        println!("\nResults in {}", dir.display());
    }
    Ok(())
}

fn calibrate(args: CalibrateArgs, cancel: &Cancel) -> anyhow::Result<()> {
    use crate::calibrate::{self, CalibrateError};
    let sc = scenario::load(&args.scenario)?;
    warn(&sc);
    let targets = calibrate::targets::load(&args.targets, &args.scenario)?;
    let fit = if args.fit.is_empty() {
        targets.fit.clone()
    } else {
        args.fit.clone()
    };
    let draws = args.draw.draws.or(targets.draws).unwrap_or(1000);
    if draws < 40 {
        return Err(BadInput(format!(
            "--draws must be at least 40 for the batch errors of the fit table, got {draws}"
        ))
        .into());
    }
    if !(args.prior_weight.is_finite() && args.prior_weight >= 0.0) {
        return Err(BadInput("--prior-weight must be >= 0".into()).into());
    }
    let opts = calibrate::Options {
        draws,
        seed: args.draw.seed.or(targets.seed).unwrap_or(sc.run.seed),
        threads: args.draw.threads,
        screen: args.screen,
        iterations: args.iterations,
        restarts: args.restarts,
        prior_weight: args.prior_weight,
        progress: !args.present.quiet && std::io::IsTerminal::is_terminal(&std::io::stderr()),
        cancel: cancel.clone(),
    };
    // Problems with the fitted paths are bad input, found before any output is prepared.
    let bad = |e: CalibrateError| -> anyhow::Error {
        match e {
            CalibrateError::Scenario(s) => s.into(),
            e @ (CalibrateError::Fit { .. } | CalibrateError::NothingToFit) => {
                BadInput(e.to_string()).into()
            }
            e => e.into(),
        }
    };
    calibrate::Problem::new(&targets, &fit, opts.draws, opts.seed).map_err(bad)?;
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(format!("calibrate_{}", sc.name)));
    prepare_dir(&dir, args.present.force)?;
    let result = into_dir(&dir, "calibrate", cancel, || {
        let c = calibrate::run(&targets, &fit, &opts).map_err(bad)?;
        output::write_json(&dir.join("calibration.json"), &c)
            .context("cannot write calibration.json")?;
        for (name, rows) in [
            ("fit.csv", calibrate::fit_rows(&c)),
            ("parameters.csv", calibrate::parameter_rows(&c)),
        ] {
            output::write_rows(&dir.join(name), &rows)
                .with_context(|| format!("cannot write {name}"))?;
        }
        let text = scenario::fitted_document(
            &args.scenario,
            &c.values(),
            &dir,
            &format!("{}_calibrated", sc.name),
            &format!(
                "{} Calibrated with {} (wijksim calibrate).",
                sc.description,
                args.targets.display()
            ),
        )?;
        output::write_atomic(&dir.join("calibrated.toml"), |w| {
            w.write_all(
                format!(
                    "# Written by `wijksim calibrate`: {} with the values fitted to {}.\n",
                    args.scenario.display(),
                    args.targets.display()
                )
                .as_bytes(),
            )?;
            w.write_all(text.as_bytes())
        })
        .context("cannot write calibrated.toml")?;
        if !args.present.no_charts {
            report::calibration_report(&c, &dir, args.present.lang)
                .context("cannot draw the calibration chart and report")?;
        }
        Ok(c)
    })?;
    if !args.present.quiet {
        print!("{}", calibrate::terminal(&result));
        println!("\nResults in {}", dir.display());
    }
    Ok(())
}

fn sensitivity(args: SensitivityArgs, cancel: &Cancel) -> anyhow::Result<()> {
    use crate::sensitivity::{self, Output};
    let sc = scenario::load(&args.scenario)?;
    warn(&sc);
    if args.rows < 16 {
        return Err(BadInput(format!(
            "--rows must be at least 16 for the bootstrap intervals, got {}",
            args.rows
        ))
        .into());
    }
    if args.resamples < 100 {
        return Err(BadInput(format!(
            "--resamples must be at least 100 for 95% intervals, got {}",
            args.resamples
        ))
        .into());
    }
    let mut outputs = if args.outputs.is_empty() {
        Output::ALL.to_vec()
    } else {
        args.outputs.clone()
    };
    let mut seen = vec![];
    outputs.retain(|o| {
        let new = !seen.contains(o);
        seen.push(*o);
        new
    });
    let factors = sensitivity::factors(&sc, &args.groups)
        .map_err(|e| BadInput(format!("{}: {e}", args.scenario.display())))?;
    if factors.is_empty() {
        return Err(BadInput(format!(
            "{}: nothing in {} is random (no uncertain parameter, no economic shocks, no wijk noise): there is no variance to attribute",
            args.scenario.display(),
            sc.name
        ))
        .into());
    }
    if args.tornado && args.tornado_draws < 100 {
        return Err(BadInput(format!(
            "--tornado-draws must be at least 100, got {}",
            args.tornado_draws
        ))
        .into());
    }
    let threads = effective_threads(args.threads);
    let tornado_evaluations = if args.tornado {
        sensitivity::tornado_cost(args.tornado_draws, &factors)
    } else {
        0
    };
    let evaluations = sensitivity::cost(args.rows, factors.len()) + tornado_evaluations;
    let seed = args.seed.unwrap_or(sc.run.seed);
    let per_draw = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map(|p| p.install(|| sensitivity::time_per_evaluation(&sc, seed)))
        .unwrap_or(0.0);
    let seconds = per_draw * evaluations as f64;
    if !args.present.quiet {
        eprintln!(
            "{} factors, {} rows: {} model evaluations (N x (k + 2)){}, about {} on {threads} thread(s)",
            factors.len(),
            args.rows,
            sensitivity::cost(args.rows, factors.len()),
            if args.tornado {
                format!(" and {tornado_evaluations} for the tornado")
            } else {
                String::new()
            },
            human_duration(seconds)
        );
    }
    check_size(
        "this sensitivity analysis",
        seconds,
        0.0,
        args.present.force,
    )?;
    let opts = sensitivity::Options {
        rows: args.rows,
        seed,
        outputs,
        resamples: args.resamples,
        tornado: args.tornado.then_some(args.tornado_draws),
        threads: args.threads,
        progress: !args.present.quiet && std::io::IsTerminal::is_terminal(&std::io::stderr()),
        cancel: cancel.clone(),
    };
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(format!("sensitivity_{}", sc.name)));
    prepare_dir(&dir, args.present.force)?;
    let result = into_dir(&dir, "sensitivity", cancel, || {
        let s = sensitivity::run(&sc, &args.scenario.display().to_string(), factors, &opts)?;
        output::write_json(&dir.join("sensitivity.json"), &s)
            .context("cannot write sensitivity.json")?;
        output::write_rows(&dir.join("sensitivity.csv"), &sensitivity::rows(&s))
            .context("cannot write sensitivity.csv")?;
        if !args.present.no_charts {
            report::sensitivity_report(&s, &dir, args.present.lang)
                .context("cannot draw the sensitivity charts and report")?;
        }
        Ok(s)
    })?;
    if !args.present.quiet {
        print!("{}", sensitivity::terminal(&result, args.top));
        println!("\nResults in {}", dir.display());
    }
    Ok(())
}

/// Writes a run's results into `dir`: summary.json, yearly.csv, wijken.csv, scenario.json,
/// meta.json and, unless asked not to, the charts, report.html and summary.xlsx.
fn write_results(
    dir: &Path,
    sc: &Scenario,
    aggregate: &crate::aggregate::Aggregate,
    meta: &Meta,
    present: &PresentArgs,
) -> anyhow::Result<output::SummaryFile> {
    let summary = output::summary(sc, aggregate);
    output::write_json(&dir.join("summary.json"), &summary).context("cannot write summary.json")?;
    output::write_yearly(&dir.join("yearly.csv"), sc, aggregate)
        .context("cannot write yearly.csv")?;
    output::write_wijken(&dir.join("wijken.csv"), &summary).context("cannot write wijken.csv")?;
    output::write_json(&dir.join("scenario.json"), sc).context("cannot write scenario.json")?;
    output::write_json(&dir.join("meta.json"), meta).context("cannot write meta.json")?;
    if !present.no_charts {
        let results = crate::results::RunResults::load(dir)?;
        report::write_all(&results, present.lang, dir)
            .context("cannot draw the charts and report")?;
    }
    Ok(summary)
}

/// `serve`: loads and runs the scenario once, then serves the what-if page until Ctrl-C.
fn serve(args: ServeArgs, cancel: &Cancel) -> anyhow::Result<()> {
    use crate::serve::whatif::WhatIf;
    if args.draws == 0 {
        anyhow::bail!("--draws: give at least 1 draw");
    }
    let threads = effective_threads(args.threads);
    let started = Instant::now();
    let whatif = WhatIf::new(&args.scenario, args.draws, args.seed, args.threads, cancel)?;
    let seconds = started.elapsed().as_secs_f64();
    for w in &whatif.loaded.warnings {
        eprintln!("warning: {}: {}", w.path, w.message);
    }
    let addr = std::net::SocketAddr::new(args.bind, args.port);
    let name = whatif.loaded.name.clone();
    let (draws, seed) = (whatif.loaded.run.draws, whatif.loaded.run.seed);
    crate::serve::serve(whatif, addr, args.lang, cancel.clone(), |bound| {
        let host = if bound.ip().is_unspecified() {
            "127.0.0.1".to_string()
        } else {
            bound.ip().to_string()
        };
        let url = if bound.is_ipv6() {
            format!("http://[{host}]:{}/", bound.port())
        } else {
            format!("http://{host}:{}/", bound.port())
        };
        println!("{url}");
        eprintln!(
            "wijksim what-if page for {name}: {} draws (seed {seed}) per change, {threads} threads; the loaded scenario ran in {seconds:.2} s.",
            crate::plot::Lang::En.number(draws as f64, 0)
        );
        if bound.ip().is_loopback() {
            eprintln!(
                "Listening on {bound} only: this computer can open it, no other can. Ctrl-C stops."
            );
        } else {
            eprintln!(
                "Listening on {bound}: anyone who can reach this address can use the page (it has no login). Ctrl-C stops."
            );
        }
        let _ = std::io::Write::flush(&mut std::io::stdout());
    })?;
    eprintln!("stopped");
    Ok(())
}

/// `run --shard I/N`: the shard's draws into `--out`/shard.json.
fn run_shard(
    sc: &Scenario,
    shard: crate::shard::Shard,
    args: &RunArgs,
    cancel: &Cancel,
) -> anyhow::Result<()> {
    use crate::shard::{STATE, ShardState};
    let draws = shard.draws(sc.run.draws);
    let threads = effective_threads(args.draw.threads);
    check_size(
        "this shard",
        engine::estimate(sc, draws.end - draws.start + engine::CHUNK, threads),
        0.0,
        args.present.force,
    )?;
    let dir = args.out.clone().unwrap_or_else(|| {
        Path::new("output").join(format!(
            "{}_shard_{}_of_{}",
            sc.name, shard.index, shard.count
        ))
    });
    prepare_dir(&dir, args.present.force)?;
    let opts = RunOptions {
        draws: sc.run.draws,
        seed: sc.run.seed,
        threads: args.draw.threads,
        progress: !args.present.quiet,
        cancel: cancel.clone(),
        precision: vec![],
        chunks: Some(shard.chunks(sc.run.draws)),
    };
    into_dir(&dir, "run --shard", cancel, || {
        let started = Instant::now();
        let aggregate = engine::run(sc, &opts, None)?;
        let state = ShardState::new(sc, shard, aggregate, started.elapsed().as_secs_f64());
        output::write_json(&dir.join(STATE), &state).context("cannot write shard.json")?;
        Ok(())
    })?;
    if !args.present.quiet {
        println!(
            "shard {shard} of {}: draws {} to {} of {} (seed {}) in {}",
            sc.name,
            draws.start,
            draws.end,
            sc.run.draws,
            sc.run.seed,
            dir.display()
        );
        println!(
            "merge all {} shards with `wijksim merge DIR... --out DIR`",
            shard.count
        );
    }
    Ok(())
}

fn merge(args: MergeArgs, cancel: &Cancel) -> anyhow::Result<()> {
    use crate::shard;
    let shard::Merged {
        info: first,
        aggregate,
        wall_time_s: wall,
    } = shard::merge(&args.shards).map_err(|e| BadInput(e.to_string()))?;
    let file = args
        .scenario
        .clone()
        .unwrap_or_else(|| first.scenario_file.clone());
    let mut sc = scenario::load(&file).map_err(|e| {
        BadInput(format!(
            "the shards ran {}; reading it again: {e}; give --scenario FILE if it moved",
            first.scenario_file.display()
        ))
    })?;
    if sc.hash != first.scenario_hash {
        return Err(BadInput(format!(
            "{} (or its tables) changed since the shards ran (hash {} now, {} then); merge with the scenario they ran",
            file.display(),
            sc.hash,
            first.scenario_hash
        ))
        .into());
    }
    sc.run.seed = first.seed;
    sc.run.draws = first.draws;
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(&sc.name));
    prepare_dir(&dir, args.present.force)?;
    let meta = Meta {
        shards: Some(first.shard.count),
        ..Meta::new(&sc, aggregate.draws, 0, wall)
    };
    let summary = into_dir(&dir, "merge", cancel, || {
        write_results(&dir, &sc, &aggregate, &meta, &args.present)
    })?;
    if !args.present.quiet {
        print!("{}", output::terminal(&summary, &meta));
        println!(
            "\nMerged {} shards into {}",
            first.shard.count,
            dir.display()
        );
    }
    Ok(())
}

fn seek(args: SeekArgs, cancel: &Cancel) -> anyhow::Result<()> {
    use crate::seek::{self, Direction, SeekError};
    let sc = scenario::load(&args.scenario)?;
    warn(&sc);
    let target = crate::query::parse_target(&sc, &args.target)
        .map_err(|e| BadInput(format!("--target: {e}")))?;
    let draws = args.draw.draws.unwrap_or(sc.run.draws);
    if draws < 100 {
        return Err(BadInput(format!(
            "--draws must be at least 100 for a Monte Carlo interval, got {draws}"
        ))
        .into());
    }
    if args.resamples < 100 {
        return Err(BadInput(format!(
            "--resamples must be at least 100 for a 95% interval, got {}",
            args.resamples
        ))
        .into());
    }
    let threads = effective_threads(args.draw.threads);
    // About 30 evaluations: an 11-point scan, 10 bisections, 10 points around the answer.
    let seconds = 30.0 * engine::estimate(&sc, draws, threads);
    check_size("this search", seconds, 0.0, args.present.force)?;
    let opts = seek::Options {
        lever: args.lever.clone(),
        range: args.range,
        direction: if args.maximise {
            Direction::Largest
        } else {
            Direction::Smallest
        },
        draws,
        seed: args.draw.seed.unwrap_or(sc.run.seed),
        threads: args.draw.threads,
        resamples: args.resamples,
        progress: !args.present.quiet,
        cancel: cancel.clone(),
    };
    let seek_error = |e: SeekError| -> anyhow::Error {
        match e {
            e @ (SeekError::Lever { .. }
            | SeekError::NoRange { .. }
            | SeekError::NoEffect { .. }) => BadInput(e.to_string()).into(),
            SeekError::Run(e) => e.into(),
            e => e.into(),
        }
    };
    // Lever and range are checked before the output directory is touched.
    seek::check(&args.scenario, &sc, &opts).map_err(seek_error)?;
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(format!("seek_{}", sc.name)));
    prepare_dir(&dir, args.present.force)?;
    if !args.present.quiet {
        eprintln!(
            "seeking the {} {} with {} ({draws} draws per value, about 30 values)",
            if args.maximise { "largest" } else { "smallest" },
            args.lever,
            target.text
        );
    }
    let result = into_dir(&dir, "seek", cancel, || {
        let f = seek::run(&args.scenario, &sc, &target, &opts).map_err(seek_error)?;
        output::write_json(&dir.join("seek.json"), &f).context("cannot write seek.json")?;
        output::write_rows(&dir.join("seek.csv"), &seek::csv_rows(&f))
            .context("cannot write seek.csv")?;
        if !args.present.no_charts {
            let chart = crate::plot::seek::render(&f, args.present.lang)
                .context("cannot draw the seek chart")?;
            crate::plot::write_chart(&dir.join("charts"), &chart)
                .context("cannot write the seek chart")?;
        }
        Ok(f)
    })?;
    if !args.present.quiet {
        print!("{}", seek::terminal(&result));
        println!("\nResults in {}", dir.display());
    }
    Ok(())
}

fn discover(args: DiscoverArgs, cancel: &Cancel) -> anyhow::Result<()> {
    use crate::discover::{self, DiscoverError};
    let sc = scenario::load(&args.scenario)?;
    warn(&sc);
    let condition = crate::query::parse_condition(&sc, &args.condition)
        .map_err(|e| BadInput(format!("--where: {e}")))?;
    for (name, x, lo, hi) in [
        ("--peel-alpha", args.peel_alpha, 0.0, 0.5),
        ("--paste-alpha", args.paste_alpha, 0.0, 0.5),
        ("--mass-min", args.mass_min, 0.0, 1.0),
    ] {
        if !(x > lo && x < hi) {
            return Err(BadInput(format!("{name} must lie between {lo} and {hi}, got {x}")).into());
        }
    }
    let draws = args.draw.draws.unwrap_or(sc.run.draws);
    if draws < 100 {
        return Err(BadInput(format!(
            "--draws must be at least 100 for PRIM's boxes to mean anything, got {draws}"
        ))
        .into());
    }
    let threads = effective_threads(args.draw.threads);
    check_size(
        "this discovery",
        engine::estimate(&sc, draws, threads),
        0.0,
        args.present.force,
    )?;
    let opts = discover::Options {
        draws,
        seed: args.draw.seed.unwrap_or(sc.run.seed),
        threads: args.draw.threads,
        prim: discover::prim::Settings {
            peel_alpha: args.peel_alpha,
            paste_alpha: args.paste_alpha,
            mass_min: args.mass_min,
        },
        step: args.step,
        cancel: cancel.clone(),
    };
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(format!("discover_{}", sc.name)));
    prepare_dir(&dir, args.present.force)?;
    let condition_text = args.condition.trim().to_string();
    let result = into_dir(&dir, "discover", cancel, || {
        let mined = discover::mine(&sc, &condition, &opts)?;
        let f = discover::discover(&sc, &condition_text, &mined, &opts).map_err(
            |e| -> anyhow::Error {
                match e {
                    e @ (DiscoverError::NoContrast { .. }
                    | DiscoverError::NoSuchStep { .. }
                    | DiscoverError::NoInputs) => BadInput(e.to_string()).into(),
                    e => e.into(),
                }
            },
        )?;
        output::write_rows(
            &dir.join("discover_inputs.csv"),
            &discover::input_rows(&mined),
        )
        .context("cannot write discover_inputs.csv")?;
        output::write_json(&dir.join("discover.json"), &f).context("cannot write discover.json")?;
        output::write_rows(&dir.join("discover.csv"), &discover::trajectory_rows(&f))
            .context("cannot write discover.csv")?;
        output::write_rows(&dir.join("discover_boxes.csv"), &discover::box_rows(&f))
            .context("cannot write discover_boxes.csv")?;
        if !args.present.no_charts {
            report::discover_report(&f, &dir, args.present.lang)
                .context("cannot draw the discovery charts and report")?;
        }
        Ok(f)
    })?;
    if !args.present.quiet {
        print!("{}", discover::terminal(&result));
        println!("\nResults in {}", dir.display());
    }
    Ok(())
}

fn evaluate(args: EvaluateArgs, cancel: &Cancel) -> anyhow::Result<()> {
    use crate::evaluate;
    let sc = scenario::load(&args.scenario)?;
    warn(&sc);
    let design = evaluate::load(&args.design, &sc, args.draw)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(format!("evaluate_{}.csv", sc.name)));
    if out.is_dir() {
        return Err(BadInput(format!(
            "{} is a directory; --out names the outputs file, e.g. {}",
            out.display(),
            out.join("outputs.csv").display()
        ))
        .into());
    }
    if out.exists() && !args.force {
        return Err(BadInput(format!(
            "{} exists; pass --force to replace it",
            out.display()
        ))
        .into());
    }
    check_writable(match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    })?;
    let seed = args.seed.unwrap_or(sc.run.seed);
    let started = Instant::now();
    let rows = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads)
        .build()
        .context("cannot start the worker threads")?
        .install(|| evaluate::evaluate(&sc, seed, &design, cancel))
        .map_err(|e| -> anyhow::Error {
            match e {
                evaluate::EvaluateError::Interrupted { .. } => {
                    Interrupted(format!("{e}; nothing was written")).into()
                }
                e => e.into(),
            }
        })?;
    output::write_rows(&out, &evaluate::csv_rows(&rows))
        .with_context(|| format!("cannot write {}", out.display()))?;
    if !args.quiet {
        println!(
            "{} rows of {} ({} parameters set per row, seed {seed}) in {:.1} s: {}",
            rows.len(),
            args.design.display(),
            design.params.len(),
            started.elapsed().as_secs_f64(),
            out.display()
        );
    }
    Ok(())
}

/// "12 s", "3.4 min", "2.1 h".
fn human_duration(seconds: f64) -> String {
    if seconds < 90.0 {
        format!("{seconds:.0} s")
    } else if seconds < 5400.0 {
        format!("{:.1} min", seconds / 60.0)
    } else {
        format!("{:.1} h", seconds / 3600.0)
    }
}

fn validate(files: &[PathBuf], resolved: bool) -> anyhow::Result<()> {
    let mut failed = 0;
    for f in files {
        match scenario::load(f) {
            Ok(sc) if resolved => {
                warn(&sc);
                println!("{}", serde_json::to_string_pretty(&sc)?)
            }
            Ok(sc) => {
                warn(&sc);
                let uncertain = sc.params.uncertain();
                println!(
                    "ok: {} ({}): {} wijken in {} municipalities, {} indicators, {} uncertain parameters, {} draws x {} years",
                    f.display(),
                    sc.name,
                    sc.wijken.len(),
                    sc.municipalities.len(),
                    sc.indicators.len(),
                    uncertain,
                    sc.run.draws,
                    sc.horizon()
                );
            }
            Err(e) => {
                eprintln!("error: {e}");
                failed += 1;
            }
        }
    }
    if failed > 0 {
        return Err(BadInput(format!(
            "{failed} of {} scenario file(s) have problems",
            files.len()
        ))
        .into());
    }
    Ok(())
}

/// Redraws a finished run's charts and reports, into the run directory or `--out`, and lists
/// what it wrote.
fn report(args: ReportArgs) -> anyhow::Result<()> {
    let run_dir = &args.run_dir;
    if !run_dir.is_dir() {
        return Err(BadInput(format!(
            "{} {}: give the directory of a finished run (such as output/baseline)",
            run_dir.display(),
            if run_dir.exists() {
                "is not a directory"
            } else {
                "does not exist"
            }
        ))
        .into());
    }
    rundir::require_complete(run_dir)?;
    let out = args.out.as_deref().unwrap_or(run_dir);
    check_writable(out)?;
    let results = crate::results::RunResults::load(run_dir)?;
    let written = report::write_all(&results, args.lang, out)?;
    let language = match args.lang {
        Lang::En => "English",
        Lang::Nl => "Dutch",
    };
    println!(
        "The {language} report of {} ({} files) in {}:",
        run_dir.display(),
        written.len(),
        out.display()
    );
    for file in &written {
        println!("  {}", file.strip_prefix(out).unwrap_or(file).display());
    }
    Ok(())
}

/// The manual page on stdout, or one page per command into `dir`.
fn man(dir: Option<&Path>) -> anyhow::Result<()> {
    let Some(dir) = dir else {
        return Ok(shell::manual(command(), &mut std::io::stdout())?);
    };
    check_writable(dir)?;
    let written = shell::manual_pages(command(), dir)
        .with_context(|| format!("cannot write the manual pages into {}", dir.display()))?;
    println!("{} manual pages in {}:", written.len(), dir.display());
    for page in &written {
        println!("  {}", page.strip_prefix(dir).unwrap_or(page).display());
    }
    Ok(())
}

fn list(dir: &Path) -> anyhow::Result<()> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| BadInput(format!("cannot read {}: {e}", dir.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        match scenario::parse(&text) {
            Ok(scenario::Parsed { value: raw, .. }) => {
                let name = raw.name.unwrap_or_else(|| {
                    f.file_stem()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .into_owned()
                });
                let desc = raw.description.unwrap_or_default();
                let line = desc.trim().lines().next().unwrap_or("").to_string();
                println!("{:<20} {:<36} {}", name, f.display().to_string(), line);
            }
            Err(p) => println!(
                "{:<20} {:<36} (cannot be read: {}: {})",
                "?",
                f.display().to_string(),
                p.path,
                p.message
            ),
        }
    }
    Ok(())
}
