//! `wijksim discover`: scenario discovery. Under which conditions does something happen, e.g.
//! `closure < 0.1` or `breach_ltv`? Every draw is one row: its uncertain inputs (every
//! sampled parameter, the economy's summaries, the wijken's mean effect multipliers) and
//! whether the condition holds; [`prim`] finds boxes in the inputs where the condition is
//! concentrated, and the coverage-density trade-off of the boxes it passes.

pub mod prim;

use crate::engine::{self, Cancel};
use crate::query::Condition;
use crate::scenario::Scenario;
use serde::{Deserialize, Serialize};

/// A limit whose quasi-p-value is above this is weak: the box is nearly as dense without it.
pub const WEAK: f64 = 0.05;

/// How to discover.
#[derive(Clone, Debug)]
pub struct Options {
    pub draws: u64,
    pub seed: u64,
    pub threads: usize,
    pub prim: prim::Settings,
    /// The step of the trajectory to report; `None`: the knee.
    pub step: Option<usize>,
    pub cancel: Cancel,
}

/// Why discovery failed.
#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    #[error(transparent)]
    Run(#[from] engine::RunError),
    #[error(
        "{cases} of {draws} draws meet `{condition}`: PRIM needs some draws that do and some that do not; change the condition or the number of draws"
    )]
    NoContrast {
        condition: String,
        cases: usize,
        draws: u64,
    },
    #[error("nothing in the scenario varies between draws: there are no inputs to mine")]
    NoInputs,
    #[error("--box {step}: the trajectory has steps 0 to {last}")]
    NoSuchStep { step: usize, last: usize },
    #[error("cannot start {threads} worker threads: {message}")]
    Threads { threads: usize, message: String },
}

/// Where an input comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// A sampled parameter of the scenario (named by its path).
    Parameter,
    /// A summary of the draw's economy over years 1..T.
    Economy,
    /// The population-weighted mean over the wijken of an indicator's effect multiplier.
    Multiplier,
}

/// One input column.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Input {
    pub name: String,
    pub source: Source,
    /// Its smallest and largest value over the draws.
    pub min: f64,
    pub max: f64,
}

/// One restricted input of a box.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Limit {
    pub input: String,
    pub lower: f64,
    pub upper: f64,
    /// Which sides the box restricts (a side not restricted is the data's edge).
    pub lower_restricted: bool,
    pub upper_restricted: bool,
    /// Quasi-p-value of each restricted side: how likely the box's share of cases is if that
    /// side were dropped (small: the limit matters).
    pub quasi_p_lower: Option<f64>,
    pub quasi_p_upper: Option<f64>,
}

/// One box of the peeling and pasting trajectory.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PrimBox {
    pub step: usize,
    pub phase: prim::Phase,
    pub draws: usize,
    pub cases: usize,
    pub coverage: f64,
    pub density: f64,
    pub mass: f64,
    pub limits: Vec<Limit>,
}

/// discover.json.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DiscoverFile {
    pub scenario: String,
    pub condition: String,
    pub draws: u64,
    pub seed: u64,
    pub cases: usize,
    pub settings: prim::Settings,
    /// The columns mined, in order.
    pub inputs: Vec<Input>,
    /// Inputs left out because they are the same in every draw.
    pub constant: Vec<String>,
    pub trajectory: Vec<PrimBox>,
    /// The reported box, and whether it is the knee (else the user's `--box`).
    pub chosen: usize,
    pub chosen_is_knee: bool,
}

impl DiscoverFile {
    pub fn chosen_box(&self) -> &PrimBox {
        &self.trajectory[self.chosen]
    }

    /// Whether some limit of the chosen box is significant (quasi-p at most [`WEAK`]).
    pub fn has_significant_limit(&self) -> bool {
        self.chosen_box().limits.iter().any(|l| {
            [l.quasi_p_lower, l.quasi_p_upper]
                .into_iter()
                .flatten()
                .any(|p| p <= WEAK)
        })
    }

    /// The share of all draws that are cases.
    pub fn base_density(&self) -> f64 {
        self.cases as f64 / self.draws as f64
    }
}

/// The mined table: inputs by column, the case flag per draw.
pub struct Mined {
    pub inputs: Vec<Input>,
    pub columns: Vec<Vec<f64>>,
    pub cases: Vec<bool>,
    pub constant: Vec<String>,
}

/// Names and sources of the candidate inputs of `sc`, in column order.
fn candidate_inputs(sc: &Scenario) -> Vec<(String, Source)> {
    let mut out: Vec<(String, Source)> = sc
        .params
        .params
        .iter()
        .filter(|p| !p.param.is_constant())
        .map(|p| (p.path.clone(), Source::Parameter))
        .collect();
    out.extend(
        [
            "economy.mean_house_price_growth",
            "economy.mean_interest",
            "economy.mean_inflation",
            "economy.mean_unemployment",
            "economy.max_unemployment",
            "economy.min_house_price_growth",
            "economy.max_interest",
        ]
        .map(|n| (n.to_string(), Source::Economy)),
    );
    out.extend(
        sc.indicators
            .iter()
            .filter(|i| i.wijk_cv > 0.0)
            .map(|i| (format!("wijk_multiplier.{}", i.name), Source::Multiplier)),
    );
    out
}

/// The inputs of one draw, in [`candidate_inputs`] order.
fn draw_inputs(sc: &Scenario, o: &crate::model::DrawOutcome) -> Vec<f64> {
    let mut v: Vec<f64> = sc
        .params
        .params
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.param.is_constant())
        .map(|(i, _)| o.params[i])
        .collect();
    let e = &o.economy_summary;
    v.extend(e.mean);
    v.push(e.max_unemployment);
    let years = &o.economy[1.min(o.economy.len())..];
    v.push(
        years
            .iter()
            .map(|x| x.house_price_growth)
            .fold(f64::INFINITY, f64::min),
    );
    v.push(
        years
            .iter()
            .map(|x| x.interest)
            .fold(f64::NEG_INFINITY, f64::max),
    );
    let k = sc.indicators.len();
    let pop = sc.total_population();
    for (j, ind) in sc.indicators.iter().enumerate() {
        if ind.wijk_cv > 0.0 {
            v.push(
                sc.wijken
                    .iter()
                    .enumerate()
                    .map(|(w, wijk)| wijk.population * o.multipliers[w * k + j])
                    .sum::<f64>()
                    / pop,
            );
        }
    }
    v
}

/// Simulates the draws and builds the table PRIM mines (constant inputs left out).
///
/// # Errors
/// An interrupted or failed run, or no thread pool.
pub fn mine(sc: &Scenario, condition: &Condition, opts: &Options) -> Result<Mined, DiscoverError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads)
        .build()
        .map_err(|e| DiscoverError::Threads {
            threads: opts.threads,
            message: e.to_string(),
        })?;
    let rows = pool.install(|| {
        engine::map_draws(sc, opts.seed, opts.draws, &opts.cancel, |o| {
            (draw_inputs(sc, o), condition.holds(sc, o))
        })
    })?;
    let names = candidate_inputs(sc);
    let mut inputs = vec![];
    let mut columns = vec![];
    let mut constant = vec![];
    for (c, (name, source)) in names.into_iter().enumerate() {
        let column: Vec<f64> = rows.iter().map(|r| r.0[c]).collect();
        let (min, max) = column
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
                (a.min(v), b.max(v))
            });
        if min == max {
            constant.push(name);
        } else {
            inputs.push(Input {
                name,
                source,
                min,
                max,
            });
            columns.push(column);
        }
    }
    Ok(Mined {
        inputs,
        columns,
        cases: rows.iter().map(|r| r.1).collect(),
        constant,
    })
}

/// Runs PRIM on the mined table.
///
/// # Errors
/// No contrast (no case or only cases), no inputs, or a `--box` beyond the trajectory.
pub fn discover(
    sc: &Scenario,
    condition_text: &str,
    mined: &Mined,
    opts: &Options,
) -> Result<DiscoverFile, DiscoverError> {
    let cases = mined.cases.iter().filter(|&&c| c).count();
    if cases == 0 || cases == mined.cases.len() {
        return Err(DiscoverError::NoContrast {
            condition: condition_text.to_string(),
            cases,
            draws: opts.draws,
        });
    }
    if mined.inputs.is_empty() {
        return Err(DiscoverError::NoInputs);
    }
    let steps = prim::prim(
        &prim::Table {
            columns: &mined.columns,
            cases: &mined.cases,
        },
        opts.prim,
    );
    let chosen = match opts.step {
        None => prim::knee(&steps),
        Some(s) if s < steps.len() => s,
        Some(s) => {
            return Err(DiscoverError::NoSuchStep {
                step: s,
                last: steps.len() - 1,
            });
        }
    };
    let trajectory = steps
        .iter()
        .enumerate()
        .map(|(i, s)| PrimBox {
            step: i,
            phase: s.phase,
            draws: s.n,
            cases: s.k,
            coverage: s.coverage,
            density: s.density,
            mass: s.mass,
            limits: s
                .restricted
                .iter()
                .zip(&s.quasi_p)
                .map(|(&d, &(qp_lo, qp_hi))| {
                    let input = &mined.inputs[d];
                    Limit {
                        input: input.name.clone(),
                        lower: s.limits[d].0,
                        upper: s.limits[d].1,
                        lower_restricted: s.limits[d].0 != input.min,
                        upper_restricted: s.limits[d].1 != input.max,
                        quasi_p_lower: qp_lo,
                        quasi_p_upper: qp_hi,
                    }
                })
                .collect(),
        })
        .collect();
    Ok(DiscoverFile {
        scenario: sc.name.clone(),
        condition: condition_text.to_string(),
        draws: opts.draws,
        seed: opts.seed,
        cases,
        settings: opts.prim,
        inputs: mined.inputs.clone(),
        constant: mined.constant.clone(),
        trajectory,
        chosen,
        chosen_is_knee: opts.step.is_none(),
    })
}

/// discover_inputs.csv: one row per draw, its inputs and the case flag, for another PRIM
/// (e.g. EMA Workbench's) to mine the same table.
pub fn input_rows(m: &Mined) -> Vec<Vec<String>> {
    let mut header = vec!["draw".to_string()];
    header.extend(m.inputs.iter().map(|i| i.name.clone()));
    header.push("case".into());
    let mut rows = vec![header];
    for (r, &case) in m.cases.iter().enumerate() {
        let mut row = vec![r.to_string()];
        row.extend(m.columns.iter().map(|c| c[r].to_string()));
        row.push(case.to_string());
        rows.push(row);
    }
    rows
}

/// discover.csv: the trajectory, one row per box.
pub fn trajectory_rows(f: &DiscoverFile) -> Vec<Vec<String>> {
    let mut rows = vec![
        [
            "step",
            "phase",
            "draws",
            "cases",
            "coverage",
            "density",
            "mass",
            "restricted_inputs",
            "chosen",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for b in &f.trajectory {
        rows.push(vec![
            b.step.to_string(),
            phase_name(b.phase).into(),
            b.draws.to_string(),
            b.cases.to_string(),
            b.coverage.to_string(),
            b.density.to_string(),
            b.mass.to_string(),
            b.limits.len().to_string(),
            (b.step == f.chosen).to_string(),
        ]);
    }
    rows
}

/// discover_boxes.csv: the limits of every box, one row per (step, restricted input).
pub fn box_rows(f: &DiscoverFile) -> Vec<Vec<String>> {
    let opt = |x: Option<f64>| x.map_or(String::new(), |v| v.to_string());
    let mut rows = vec![
        [
            "step",
            "input",
            "lower",
            "upper",
            "lower_restricted",
            "upper_restricted",
            "quasi_p_lower",
            "quasi_p_upper",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for b in &f.trajectory {
        for l in &b.limits {
            rows.push(vec![
                b.step.to_string(),
                l.input.clone(),
                l.lower.to_string(),
                l.upper.to_string(),
                l.lower_restricted.to_string(),
                l.upper_restricted.to_string(),
                opt(l.quasi_p_lower),
                opt(l.quasi_p_upper),
            ]);
        }
    }
    rows
}

pub fn phase_name(p: prim::Phase) -> &'static str {
    match p {
        prim::Phase::Start => "start",
        prim::Phase::Peel => "peel",
        prim::Phase::Paste => "paste",
    }
}

/// A number with four significant digits.
pub fn sig(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return x.to_string();
    }
    let digits = (3 - x.abs().log10().floor() as i32).max(0) as usize;
    format!("{x:.digits$}")
}

/// A quasi-p-value: "< 1e-300" style for the tiny ones.
pub fn show_p(p: f64) -> String {
    if p < 1e-4 {
        format!("{p:.0e}")
    } else {
        format!("{p:.4}")
    }
}

/// The chosen box's limits as conditions, e.g. `economy.mean_house_price_growth <= 0.0121`,
/// with each limit's (largest) quasi-p-value; `num` writes the numbers.
pub fn rules(b: &PrimBox, num: &dyn Fn(f64) -> String) -> Vec<(String, Option<f64>)> {
    let mut out = vec![];
    for l in &b.limits {
        match (l.lower_restricted, l.upper_restricted) {
            (true, true) => out.push((
                format!("{} <= {} <= {}", num(l.lower), l.input, num(l.upper)),
                match (l.quasi_p_lower, l.quasi_p_upper) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    (a, b) => a.or(b),
                },
            )),
            (true, false) => {
                out.push((format!("{} >= {}", l.input, num(l.lower)), l.quasi_p_lower))
            }
            (false, true) => {
                out.push((format!("{} <= {}", l.input, num(l.upper)), l.quasi_p_upper))
            }
            (false, false) => {}
        }
    }
    out
}

/// The terminal text.
pub fn terminal(f: &DiscoverFile) -> String {
    let pct = |x: f64| format!("{:.1}%", 100.0 * x);
    let mut s = format!(
        "discover on {}: {} of {} draws ({}) meet `{}`; PRIM (peel alpha {}, paste alpha {}, mass >= {}) over {} inputs{}\n\n",
        f.scenario,
        f.cases,
        f.draws,
        pct(f.base_density()),
        f.condition,
        f.settings.peel_alpha,
        f.settings.paste_alpha,
        f.settings.mass_min,
        f.inputs.len(),
        if f.constant.is_empty() {
            String::new()
        } else {
            format!(" ({} constant ones left out)", f.constant.len())
        }
    );
    s.push_str(&format!(
        "{:>5} {:>6} {:>9} {:>8} {:>7} {:>7}\n",
        "step", "phase", "coverage", "density", "mass", "inputs"
    ));
    let last = f.trajectory.len() - 1;
    for b in &f.trajectory {
        if b.step % 5 != 0 && b.step != last && b.step != f.chosen {
            continue;
        }
        s.push_str(&format!(
            "{:>5} {:>6} {:>9} {:>8} {:>7} {:>7}{}\n",
            b.step,
            phase_name(b.phase),
            pct(b.coverage),
            pct(b.density),
            pct(b.mass),
            b.limits.len(),
            if b.step == f.chosen {
                "  <- chosen"
            } else {
                ""
            }
        ));
    }
    let b = f.chosen_box();
    s.push_str(&format!(
        "\nchosen box: step {} ({}): {} of the cases lie in it (coverage), {} of its draws are cases (density; {} over all draws), {} of the draws (mass)\n",
        b.step,
        if f.chosen_is_knee {
            "the knee: the best balance of coverage and density"
        } else {
            "chosen with --box"
        },
        pct(b.coverage),
        pct(b.density),
        pct(f.base_density()),
        pct(b.mass)
    ));
    for (rule, p) in rules(b, &sig) {
        s.push_str(&format!(
            "  {rule:<60} quasi-p {}{}\n",
            p.map_or("-".into(), show_p),
            if p.is_some_and(|p| p > WEAK) {
                "  (weak)"
            } else {
                ""
            }
        ));
    }
    if b.limits.is_empty() {
        s.push_str("  (no input restricted: the box is the whole data)\n");
    }
    if !f.has_significant_limit() {
        s.push_str(&format!("\nnote: {}\n", NO_STRUCTURE));
    }
    s
}

/// Said when no limit of the chosen box is significant.
pub const NO_STRUCTURE: &str = "this box has no significant limit: in it the cases do not concentrate beyond chance. They may lie in separate regions that one box cannot hold (try the parts of an “or” or of “breach” one at a time: breach_icr, breach_ltv), or depend on something the inputs do not describe (such as the path of the economy rather than its means).";
