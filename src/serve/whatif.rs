//! One what-if: lever values -> a scenario document that extends the loaded scenario ->
//! validated as a file is -> run on the loaded scenario's draws (same seed, same number of
//! draws: common random numbers) -> the results the report is drawn from, and the paired
//! differences against the loaded scenario. No server, no I/O but reading the scenario.

use super::levers::{Baseline, LeverId, LeverProblem, Settings};
use crate::compare::Headline;
use crate::engine::{self, Cancel, RunError, RunOptions};
use crate::model::DrawOutcome;
use crate::output::{self, Meta};
use crate::plot::Lang;
use crate::results::{self, RunResults};
use crate::scenario::{self, Scenario};
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

/// The loaded scenario (its `run.draws` and `run.seed` are the page's), its lever values and
/// its results: what every what-if is measured against.
pub struct WhatIf {
    /// The scenario file the page was started with.
    pub file: PathBuf,
    pub loaded: Scenario,
    pub baseline: Baseline,
    pub threads: usize,
    /// The loaded scenario's results on the page's draws.
    pub loaded_results: RunResults,
    /// Its paired figures, draw by draw (see [`PAIRED`]).
    loaded_draws: Vec<[f64; 4]>,
}

/// The headline figures compared draw by draw with the loaded scenario: closure, and the
/// events halved, ICR breach and LTV breach as 0 or 1 (so that the mean of a difference is
/// the difference in probability). As `wijksim compare` defines them ([`Headline`]).
pub const PAIRED: [&str; 4] = ["gap_closure", "p_halved", "p_breach_icr", "p_breach_ltv"];

fn paired(o: &DrawOutcome, horizon: usize) -> [f64; 4] {
    let h = Headline::of(o, horizon);
    let flag = |x: bool| f64::from(u8::from(x));
    [
        h.closure,
        flag(h.halved),
        flag(h.breach_icr),
        flag(h.breach_ltv),
    ]
}

/// The mean of a per-draw difference (what-if minus loaded) and its Monte Carlo error.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Difference {
    pub mean: f64,
    pub mcse: f64,
}

/// A what-if that ran.
pub struct Outcome {
    pub results: RunResults,
    /// Paired differences against the loaded scenario (what-if minus loaded), in
    /// [`PAIRED`] order.
    pub differences: [Difference; 4],
    pub seconds: f64,
}

/// Why a what-if gave no result.
#[derive(Debug, thiserror::Error)]
pub enum WhatIfError {
    /// Lever values the page cannot use, or that the scenario validation refused.
    #[error("{}", .0.iter().map(|p| format!("{}: {}", p.lever, p.message)).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<LeverProblem>),
    /// A newer request (or Ctrl-C) stopped it.
    #[error("stopped: a newer change replaced it")]
    Superseded,
    /// The model failed (a non-finite draw, no threads).
    #[error("{0}")]
    Failed(String),
}

impl From<RunError> for WhatIfError {
    fn from(e: RunError) -> WhatIfError {
        match e {
            RunError::Interrupted { .. } => WhatIfError::Superseded,
            other => WhatIfError::Failed(other.to_string()),
        }
    }
}

impl WhatIf {
    /// Loads `file` and runs it on `draws` draws from `seed` (the scenario's own seed when
    /// `None`).
    ///
    /// # Errors
    /// The scenario does not load, or its run fails.
    pub fn new(
        file: &Path,
        draws: u64,
        seed: Option<u64>,
        threads: usize,
        cancel: &Cancel,
    ) -> anyhow::Result<WhatIf> {
        let mut loaded = scenario::load(file)?;
        let merged = scenario::merged(file)?.unwrap_or_default();
        loaded.run.draws = draws;
        if let Some(seed) = seed {
            loaded.run.seed = seed;
        }
        let baseline = Baseline::of(&loaded, &merged);
        let (loaded_results, loaded_draws) = run_paired(&loaded, threads, cancel).map_err(|e| {
            anyhow::anyhow!("{}: the loaded scenario does not run: {e}", file.display())
        })?;
        Ok(WhatIf {
            file: file.to_path_buf(),
            loaded,
            baseline,
            threads,
            loaded_results,
            loaded_draws,
        })
    }

    /// Where the what-if scenario file belongs: beside the loaded one (its `extends` and
    /// data paths are relative to that folder).
    pub fn file_name(&self) -> String {
        let stem = self
            .file
            .file_stem()
            .map_or("scenario".into(), |s| s.to_string_lossy().into_owned());
        format!("{stem}_whatif.toml")
    }

    /// The text of the what-if scenario: it extends the loaded file and sets the levers that
    /// changed, and the page's draws and seed, so that `wijksim run` reproduces the page.
    pub fn document(&self, settings: &Settings, lang: Lang) -> String {
        let changes = self.baseline.describe(settings, lang);
        let parent = self
            .file
            .file_name()
            .map_or("scenario.toml".into(), |s| s.to_string_lossy().into_owned());
        let description = if changes.is_empty() {
            format!(
                "{} {}",
                self.loaded.name,
                lang.t(
                    "as loaded (no lever moved)",
                    "zoals geladen (geen schuif verzet)"
                )
            )
        } else {
            format!(
                "{} {}: {}",
                self.loaded.name,
                lang.t("with", "met"),
                changes.join("; ")
            )
        };
        // The keys of the file's head in reading order; the tables after them.
        let head = [
            ("extends", parent.clone()),
            ("name", format!("{}_whatif", self.loaded.name)),
            ("description", description),
        ]
        .map(|(k, v)| format!("{k} = {}\n", toml::Value::String(v)))
        .concat();
        let mut doc = toml::Table::new();
        let mut run = toml::Table::new();
        run.insert(
            "draws".into(),
            toml::Value::Integer(self.loaded.run.draws as i64),
        );
        run.insert(
            "seed".into(),
            toml::Value::Integer(self.loaded.run.seed as i64),
        );
        doc.insert("run".into(), toml::Value::Table(run));
        for (k, v) in self.baseline.document(settings) {
            doc.insert(k, v);
        }
        let body = toml::to_string(&doc).unwrap_or_default();
        format!(
            "# {}\n# {} {parent}: {}\n# {}\n\n{head}\n{body}",
            lang.t(
                "Made on the wijksim what-if page.",
                "Gemaakt op de wat-als-pagina van wijksim."
            ),
            lang.t("Save it in the folder of", "Sla het op in de map van"),
            lang.t(
                "it extends that scenario and sets only the levers that were moved.",
                "het breidt dat scenario uit en zet alleen de verschoven schuiven."
            ),
            lang.t(
                "`wijksim run` of this file gives the page's figures exactly (same draws and seed).",
                "`wijksim run` van dit bestand geeft precies de cijfers van de pagina (zelfde trekkingen en seed).",
            ),
        )
    }

    /// The what-if scenario of `settings`, validated as a file is.
    ///
    /// # Errors
    /// The scenario validation's problems, each under the lever whose key it names.
    pub fn scenario(&self, settings: &Settings, lang: Lang) -> Result<Scenario, WhatIfError> {
        let path = self
            .file
            .parent()
            .unwrap_or(Path::new("."))
            .join(self.file_name());
        scenario::load_text(&path, self.document(settings, lang)).map_err(|e| {
            WhatIfError::Invalid(
                e.problems
                    .into_iter()
                    .map(|p| LeverProblem {
                        lever: lever_of(&p.path).map_or(p.path.clone(), |id| id.key().into()),
                        message: format!("{}: {}", p.path, p.message),
                    })
                    .collect(),
            )
        })
    }

    /// Runs `sc` on the page's draws and compares it with the loaded scenario, draw by draw
    /// (the loaded scenario's figures of each draw were kept when the page started, so only
    /// the what-if is simulated).
    ///
    /// # Errors
    /// Cancelled by `cancel`, or a failing run.
    pub fn run(&self, sc: &Scenario, cancel: &Cancel) -> Result<Outcome, WhatIfError> {
        let started = Instant::now();
        let (results, draws) = run_paired(sc, self.threads, cancel)?;
        if draws.len() != self.loaded_draws.len() {
            return Err(WhatIfError::Failed(format!(
                "the what-if ran {} draws, the loaded scenario {}",
                draws.len(),
                self.loaded_draws.len()
            )));
        }
        let differences = std::array::from_fn(|i| {
            let mut m = crate::stats::Moments::about(0.0);
            for (b, a) in draws.iter().zip(&self.loaded_draws) {
                m.push(b[i] - a[i]);
            }
            Difference {
                mean: m.mean(),
                mcse: m.mcse(),
            }
        });
        Ok(Outcome {
            results,
            differences,
            seconds: started.elapsed().as_secs_f64(),
        })
    }
}

/// The lever that sets scenario key `path` (or a key below it).
fn lever_of(path: &str) -> Option<LeverId> {
    super::levers::LEVERS.into_iter().find(|id| {
        path == id.path()
            || path
                .strip_prefix(id.path())
                .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
    })
}

/// Runs `sc` (its draws and seed) and makes the results a run directory would hold, in
/// memory: the same summary and yearly rows `wijksim run` writes.
///
/// # Errors
/// The run failed or was cancelled.
pub fn run_results(
    sc: &Scenario,
    threads: usize,
    cancel: &Cancel,
) -> Result<RunResults, WhatIfError> {
    results_of(sc, threads, cancel, None)
}

/// [`run_results`], and the [`PAIRED`] figures of every draw in draw order.
fn run_paired(
    sc: &Scenario,
    threads: usize,
    cancel: &Cancel,
) -> Result<(RunResults, Vec<[f64; 4]>), WhatIfError> {
    let mut draws = Vec::with_capacity(sc.run.draws as usize);
    let horizon = sc.horizon();
    let mut keep = |o: &DrawOutcome| {
        draws.push(paired(o, horizon));
        Ok(())
    };
    let results = results_of(sc, threads, cancel, Some(&mut keep))?;
    Ok((results, draws))
}

fn results_of(
    sc: &Scenario,
    threads: usize,
    cancel: &Cancel,
    sink: Option<engine::DrawSink>,
) -> Result<RunResults, WhatIfError> {
    let started = Instant::now();
    let opts = RunOptions {
        draws: sc.run.draws,
        seed: sc.run.seed,
        threads,
        progress: false,
        cancel: cancel.clone(),
        precision: vec![],
        chunks: None,
    };
    let aggregate = engine::run(sc, &opts, sink)?;
    let meta = Meta::new(sc, sc.run.draws, threads, started.elapsed().as_secs_f64());
    let summary = output::summary(sc, &aggregate);
    let mut yearly = vec![];
    output::yearly_csv(&mut yearly, sc, &aggregate)
        .map_err(|e| WhatIfError::Failed(format!("yearly rows: {e}")))?;
    let yearly = results::parse_yearly(&String::from_utf8_lossy(&yearly))
        .map_err(|e| WhatIfError::Failed(format!("yearly rows: {e}")))?;
    Ok(RunResults {
        dir: PathBuf::new(),
        summary,
        yearly,
        meta,
        scenario: serde_json::to_value(sc).ok(),
        written: Some(SystemTime::now()),
    })
}
