//! Draw-by-draw comparison of scenarios under common random numbers.
//!
//! Every scenario sees the same futures: draw `d` of each uses the streams keyed by
//! (seed, d, component), so the difference of a headline figure between two scenarios is
//! measured per draw. Its spread is far smaller than that of two independent runs, which is
//! what makes a few percentage points a signal. The first scenario is the reference.

use crate::engine::{CHUNK, ordered_chunks};
use crate::model::{CLOSED, DrawOutcome, HALVED, Workspace, simulate_draw};
use crate::scenario::Scenario;
use crate::stats::{Counter, Histogram, Probability, Stat, Summary};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Why scenarios cannot be compared, or the comparison failed.
#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    #[error(
        "{scenario} has different wijken from {reference} (wijk {index}: `{theirs}` vs `{ours}`); compare needs the same wijk table"
    )]
    DifferentWijken {
        scenario: String,
        reference: String,
        index: usize,
        theirs: String,
        ours: String,
    },
    #[error(
        "{scenario} has {theirs} years and {reference} {ours}; compare needs the same horizon and start year"
    )]
    DifferentYears {
        scenario: String,
        reference: String,
        theirs: usize,
        ours: usize,
    },
    #[error("draw {draw} (seed {seed}) of {scenario} produced a non-finite {quantity}")]
    NonFinite {
        scenario: String,
        draw: u64,
        seed: u64,
        quantity: &'static str,
    },
    #[error("cannot start {threads} worker threads: {message}")]
    Threads { threads: usize, message: String },
    #[error("interrupted after {done} of {total} draws")]
    Interrupted { done: u64, total: u64 },
}

/// The headline figures of one scenario in one draw.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Headline {
    /// 1 - c_T over all wijken.
    pub closure: f64,
    pub closure_wijk: Vec<f64>,
    /// c_t over all wijken, t = 0..T.
    pub gap_path: Vec<f64>,
    /// The lowest ICR of all corporations in year t = 1..T.
    pub min_icr_path: Vec<f64>,
    pub halved: bool,
    pub closed: bool,
    /// A corporation fell below the ICR limit / rose above the LTV limit in some year.
    pub breach_icr: bool,
    pub breach_ltv: bool,
    /// Realised wijk investment of all corporations over the horizon, EUR.
    pub realised_wijk_eur: f64,
    pub value_uplift_eur: f64,
}

impl Headline {
    pub fn of(o: &DrawOutcome, horizon: usize) -> Headline {
        let t = horizon;
        let n_w = o.c.len() / (t + 1);
        Headline {
            closure: 1.0 - o.c_all[t],
            closure_wijk: (0..n_w).map(|w| 1.0 - o.c[w * (t + 1) + t]).collect(),
            gap_path: o.c_all.clone(),
            min_icr_path: (0..t)
                .map(|y| {
                    o.corporations
                        .iter()
                        .map(|c| c.icr[y])
                        .fold(f64::INFINITY, f64::min)
                })
                .collect(),
            halved: o.c_all[t] <= HALVED,
            closed: o.c_all[t] <= CLOSED,
            breach_icr: o.corporations.iter().any(|c| c.breach_icr),
            breach_ltv: o.corporations.iter().any(|c| c.breach_ltv),
            realised_wijk_eur: o.corporations.iter().map(|c| c.realised_wijk).sum(),
            value_uplift_eur: o.uplift.iter().sum(),
        }
    }

    /// The values accumulated for a scenario, in [`ScenarioAcc`] order.
    fn values(&self) -> impl Iterator<Item = f64> + '_ {
        [self.closure, self.realised_wijk_eur, self.value_uplift_eur]
            .into_iter()
            .chain(self.gap_path.iter().copied())
            .chain(self.min_icr_path.iter().copied())
    }
}

/// Differences B - A of one draw, in [`PairAcc`] order: closure, halved, ICR breach, LTV
/// breach, realised, uplift, then closure per wijk.
fn differences(a: &Headline, b: &Headline) -> Vec<f64> {
    let flag = |x: bool| f64::from(u8::from(x));
    [
        b.closure - a.closure,
        flag(b.halved) - flag(a.halved),
        flag(b.breach_icr) - flag(a.breach_icr),
        flag(b.breach_ltv) - flag(a.breach_ltv),
        b.realised_wijk_eur - a.realised_wijk_eur,
        b.value_uplift_eur - a.value_uplift_eur,
    ]
    .into_iter()
    .chain(
        a.closure_wijk
            .iter()
            .zip(&b.closure_wijk)
            .map(|(x, y)| y - x),
    )
    .collect()
}

const PAIR_HEAD: usize = 6;

/// Accumulators of one scenario.
#[derive(Clone, Debug)]
struct ScenarioAcc {
    stats: Vec<Stat>,
    halved: Counter,
    closed: Counter,
    breach: Counter,
    breach_icr: Counter,
    breach_ltv: Counter,
}

/// Accumulators of one comparison B vs A.
#[derive(Clone, Debug)]
struct PairAcc {
    stats: Vec<Stat>,
    better: Counter,
    worse: Counter,
    better_wijk: Vec<Counter>,
    worse_wijk: Vec<Counter>,
    /// Per event (halved, ICR breach, LTV breach): draws in which only B does better, and
    /// in which only B does worse.
    events: [(Counter, Counter); 3],
}

#[derive(Clone, Debug)]
struct Acc {
    scenarios: Vec<ScenarioAcc>,
    pairs: Vec<PairAcc>,
}

impl Acc {
    fn new(ranges_s: &[Vec<(f64, f64)>], ranges_p: &[Vec<(f64, f64)>], n_w: usize) -> Acc {
        let stats = |r: &Vec<(f64, f64)>| r.iter().map(|&(lo, hi)| Stat::new(lo, hi)).collect();
        Acc {
            scenarios: ranges_s
                .iter()
                .map(|r| ScenarioAcc {
                    stats: stats(r),
                    halved: Counter::default(),
                    closed: Counter::default(),
                    breach: Counter::default(),
                    breach_icr: Counter::default(),
                    breach_ltv: Counter::default(),
                })
                .collect(),
            pairs: ranges_p
                .iter()
                .map(|r| PairAcc {
                    stats: stats(r),
                    better: Counter::default(),
                    worse: Counter::default(),
                    better_wijk: vec![Counter::default(); n_w],
                    worse_wijk: vec![Counter::default(); n_w],
                    events: Default::default(),
                })
                .collect(),
        }
    }

    fn push(&mut self, heads: &[Headline]) {
        for (acc, h) in self.scenarios.iter_mut().zip(heads) {
            for (s, x) in acc.stats.iter_mut().zip(h.values()) {
                s.push(x);
            }
            acc.halved.push(h.halved);
            acc.closed.push(h.closed);
            acc.breach.push(h.breach_icr || h.breach_ltv);
            acc.breach_icr.push(h.breach_icr);
            acc.breach_ltv.push(h.breach_ltv);
        }
        for (k, acc) in self.pairs.iter_mut().enumerate() {
            let (a, b) = (&heads[0], &heads[k + 1]);
            for (s, x) in acc.stats.iter_mut().zip(differences(a, b)) {
                s.push(x);
            }
            acc.better.push(b.closure > a.closure);
            acc.worse.push(b.closure < a.closure);
            for (w, (x, y)) in a.closure_wijk.iter().zip(&b.closure_wijk).enumerate() {
                acc.better_wijk[w].push(y > x);
                acc.worse_wijk[w].push(y < x);
            }
            // Halving is good, a breach bad.
            for ((better, worse), (a_good, b_good)) in acc.events.iter_mut().zip([
                (a.halved, b.halved),
                (!a.breach_icr, !b.breach_icr),
                (!a.breach_ltv, !b.breach_ltv),
            ]) {
                better.push(b_good && !a_good);
                worse.push(a_good && !b_good);
            }
        }
    }

    fn merge(&mut self, o: &Acc) {
        for (a, b) in self.scenarios.iter_mut().zip(&o.scenarios) {
            for (x, y) in a.stats.iter_mut().zip(&b.stats) {
                x.merge(y);
            }
            a.halved.merge(&b.halved);
            a.closed.merge(&b.closed);
            a.breach.merge(&b.breach);
            a.breach_icr.merge(&b.breach_icr);
            a.breach_ltv.merge(&b.breach_ltv);
        }
        for (a, b) in self.pairs.iter_mut().zip(&o.pairs) {
            for (x, y) in a.stats.iter_mut().zip(&b.stats) {
                x.merge(y);
            }
            a.better.merge(&b.better);
            a.worse.merge(&b.worse);
            for (x, y) in a.better_wijk.iter_mut().zip(&b.better_wijk) {
                x.merge(y);
            }
            for (x, y) in a.worse_wijk.iter_mut().zip(&b.worse_wijk) {
                x.merge(y);
            }
            for ((xb, xw), (yb, yw)) in a.events.iter_mut().zip(&b.events) {
                xb.merge(yb);
                xw.merge(yw);
            }
        }
    }
}

/// How to run a comparison.
#[derive(Clone, Debug, Default)]
pub struct CompareOptions {
    pub draws: u64,
    pub seed: u64,
    pub threads: usize,
    /// Stops the comparison between chunks when cancelled (Ctrl-C).
    pub cancel: crate::engine::Cancel,
}

/// compare.json: per-scenario headlines and per-comparison paired differences.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CompareFile {
    pub reference: String,
    pub scenarios: Vec<ScenarioHeadline>,
    pub comparisons: Vec<Comparison>,
    pub seed: u64,
    pub draws: u64,
    pub first_year: i32,
    pub last_year: i32,
    /// The wijken in table order.
    pub wijken: Vec<WijkName>,
    /// The lenders' minimum ICR of the reference's first corporation, if constant.
    pub icr_limit: Option<f64>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ScenarioHeadline {
    pub scenario: String,
    pub description: String,
    pub gap_closure: Summary,
    pub p_closed: Probability,
    pub p_halved: Probability,
    pub p_any_breach: Probability,
    pub p_breach_icr: Probability,
    pub p_breach_ltv: Probability,
    pub realised_wijk_investment_eur: Summary,
    pub value_uplift_eur: Summary,
    /// c_t over all wijken for t = 0..T.
    pub gap_by_year: Vec<Summary>,
    /// The lowest ICR of all corporations, t = 1..T.
    pub min_icr_by_year: Vec<Summary>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Comparison {
    pub scenario: String,
    pub against: String,
    /// Per-draw difference in overall gap closure (B - A).
    pub gap_closure_difference: Summary,
    /// P(B closes more of the gap than A in the same draw), and P(less).
    pub p_better: Probability,
    pub p_worse: Probability,
    /// Per-draw difference of the halved indicator: its mean is P_B(halved) - P_A(halved),
    /// with a paired standard error, and the shares of draws in which only B or only A
    /// halves the gap.
    pub p_halved_difference: EventDifference,
    /// Per-draw differences of the ICR and LTV breach indicators (their means are the
    /// differences in probability; better = only A breaches).
    pub p_breach_icr_difference: EventDifference,
    pub p_breach_ltv_difference: EventDifference,
    pub realised_wijk_investment_difference_eur: Summary,
    pub value_uplift_difference_eur: Summary,
    pub variance_reduction: VarianceReduction,
    pub wijken: Vec<WijkDifference>,
    /// Histogram of the closure difference, for charts.
    pub gap_closure_difference_distribution: crate::stats::Distribution,
}

/// How much sharper the paired comparison is than two independent runs.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct VarianceReduction {
    /// Var(closure_B - closure_A) over the shared draws.
    pub paired_variance: f64,
    /// Var(closure_A) + Var(closure_B): the variance of the difference of independent runs.
    pub independent_variance: f64,
    /// independent / paired: how many times more draws independent runs would need for the
    /// same standard error of the mean difference (infinite when the paired variance is 0).
    pub factor: f64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct WijkDifference {
    pub gemeente: String,
    pub wijk: String,
    pub difference: Summary,
    /// P(B closes more of this wijk's gap than A in the same draw), and P(less).
    pub p_better: Probability,
    pub p_worse: Probability,
}

/// A wijk: its municipality and its name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WijkName {
    pub gemeente: String,
    pub wijk: String,
}

impl WijkName {
    fn of(sc: &Scenario, w: usize) -> WijkName {
        WijkName {
            gemeente: sc.municipalities[sc.wijken[w].municipality].name.clone(),
            wijk: sc.wijken[w].name.clone(),
        }
    }
}

/// The per-draw difference B - A of an event that happens or not in each draw (0/1): its
/// quantiles say nothing (they are -1, 0 or 1), so it is given by its mean (the difference
/// in probability), the mean's paired Monte Carlo error, and how often the two differ.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EventDifference {
    /// P_B(event) - P_A(event).
    pub mean: f64,
    pub sd: f64,
    pub mcse: f64,
    /// P(in the same draw only B does better: B halves the gap and A does not, or A
    /// breaches a limit and B does not).
    pub p_better: Probability,
    /// P(in the same draw only A does better).
    pub p_worse: Probability,
}

impl EventDifference {
    fn of(s: Summary, (better, worse): &(Counter, Counter)) -> EventDifference {
        EventDifference {
            mean: s.mean,
            sd: s.sd,
            mcse: s.mcse,
            p_better: better.probability(),
            p_worse: worse.probability(),
        }
    }
}

/// Checks that the scenarios can be compared draw by draw.
///
/// # Errors
/// Different wijk tables or years.
pub fn check_comparable(scenarios: &[Scenario]) -> Result<(), CompareError> {
    let a = &scenarios[0];
    for b in &scenarios[1..] {
        if b.horizon() != a.horizon() || b.run.start_year != a.run.start_year {
            return Err(CompareError::DifferentYears {
                scenario: b.name.clone(),
                reference: a.name.clone(),
                theirs: b.horizon(),
                ours: a.horizon(),
            });
        }
        let (la, lb): (Vec<String>, Vec<String>) = (
            (0..a.wijken.len()).map(|w| a.wijk_label(w)).collect(),
            (0..b.wijken.len()).map(|w| b.wijk_label(w)).collect(),
        );
        if la != lb {
            let index = la
                .iter()
                .zip(&lb)
                .position(|(x, y)| x != y)
                .unwrap_or(la.len().min(lb.len()));
            return Err(CompareError::DifferentWijken {
                scenario: b.name.clone(),
                reference: a.name.clone(),
                index,
                theirs: lb.get(index).cloned().unwrap_or_else(|| "(none)".into()),
                ours: la.get(index).cloned().unwrap_or_else(|| "(none)".into()),
            });
        }
    }
    Ok(())
}

fn headlines(
    scenarios: &[Scenario],
    seed: u64,
    d: u64,
    ws: &mut [Workspace],
) -> Result<Vec<Headline>, CompareError> {
    scenarios
        .iter()
        .zip(ws.iter_mut())
        .map(|(sc, w)| {
            let h = Headline::of(simulate_draw(sc, seed, d, w), sc.horizon());
            let finite =
                h.values().all(f64::is_finite) && h.closure_wijk.iter().all(|x| x.is_finite());
            if finite {
                Ok(h)
            } else {
                Err(CompareError::NonFinite {
                    scenario: sc.name.clone(),
                    draw: d,
                    seed,
                    quantity: "headline figure",
                })
            }
        })
        .collect()
}

/// Runs all scenarios on the same draws and compares each with the first.
///
/// # Errors
/// Incomparable scenarios, a non-finite draw, or no thread pool.
pub fn run(scenarios: &[Scenario], opts: &CompareOptions) -> Result<CompareFile, CompareError> {
    check_comparable(scenarios)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads)
        .build()
        .map_err(|e| CompareError::Threads {
            threads: opts.threads,
            message: e.to_string(),
        })?;
    pool.install(|| run_in_pool(scenarios, opts))
}

fn run_in_pool(scenarios: &[Scenario], opts: &CompareOptions) -> Result<CompareFile, CompareError> {
    let n = opts.draws;
    let k = scenarios.len();
    let n_w = scenarios[0].wijken.len();
    let fresh = || (0..k).map(|_| Workspace::default()).collect::<Vec<_>>();
    // Pilot: the first chunk fixes the histogram ranges.
    let pilot: Vec<Vec<Headline>> = (0..n.min(CHUNK))
        .into_par_iter()
        .map_init(fresh, |ws, d| headlines(scenarios, opts.seed, d, ws))
        .collect::<Result<_, _>>()?;
    let range_of = |rows: Vec<Vec<f64>>| -> Vec<(f64, f64)> {
        let len = rows.first().map_or(0, Vec::len);
        (0..len)
            .map(|i| {
                let (lo, hi) = rows
                    .iter()
                    .map(|r| r[i])
                    .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
                        (a.min(x), b.max(x))
                    });
                Histogram::range_for(lo, hi)
            })
            .collect()
    };
    let ranges_s: Vec<Vec<(f64, f64)>> = (0..k)
        .map(|s| range_of(pilot.iter().map(|h| h[s].values().collect()).collect()))
        .collect();
    let ranges_p: Vec<Vec<(f64, f64)>> = (1..k)
        .map(|s| range_of(pilot.iter().map(|h| differences(&h[0], &h[s])).collect()))
        .collect();
    let mut total = Acc::new(&ranges_s, &ranges_p, n_w);
    for h in &pilot {
        total.push(h);
    }
    drop(pilot);
    ordered_chunks(
        n,
        1..u64::MAX,
        &opts.cancel,
        |done| CompareError::Interrupted { done, total: n },
        |start, end| {
            let mut acc = Acc::new(&ranges_s, &ranges_p, n_w);
            let mut ws = fresh();
            for d in start..end {
                acc.push(&headlines(scenarios, opts.seed, d, &mut ws)?);
            }
            Ok(acc)
        },
        |acc: Acc, _| {
            total.merge(&acc);
            Ok(true)
        },
    )?;
    Ok(file(scenarios, opts, &total))
}

fn file(scenarios: &[Scenario], opts: &CompareOptions, acc: &Acc) -> CompareFile {
    let a = &scenarios[0];
    let t = a.horizon();
    let heads: Vec<ScenarioHeadline> = scenarios
        .iter()
        .zip(&acc.scenarios)
        .map(|(sc, s)| ScenarioHeadline {
            scenario: sc.name.clone(),
            description: sc.description.clone(),
            gap_closure: s.stats[0].summary(),
            p_closed: s.closed.probability(),
            p_halved: s.halved.probability(),
            p_any_breach: s.breach.probability(),
            p_breach_icr: s.breach_icr.probability(),
            p_breach_ltv: s.breach_ltv.probability(),
            realised_wijk_investment_eur: s.stats[1].summary(),
            value_uplift_eur: s.stats[2].summary(),
            gap_by_year: s.stats[3..3 + t + 1].iter().map(Stat::summary).collect(),
            min_icr_by_year: s.stats[3 + t + 1..].iter().map(Stat::summary).collect(),
        })
        .collect();
    let comparisons = scenarios[1..]
        .iter()
        .zip(&acc.pairs)
        .enumerate()
        .map(|(i, (b, p))| {
            let diff = p.stats[0].summary();
            let var = |s: &Summary| s.sd * s.sd;
            let paired = var(&diff);
            let independent = var(&heads[0].gap_closure) + var(&heads[i + 1].gap_closure);
            Comparison {
                scenario: b.name.clone(),
                against: a.name.clone(),
                gap_closure_difference: diff,
                p_better: p.better.probability(),
                p_worse: p.worse.probability(),
                p_halved_difference: EventDifference::of(p.stats[1].summary(), &p.events[0]),
                p_breach_icr_difference: EventDifference::of(p.stats[2].summary(), &p.events[1]),
                p_breach_ltv_difference: EventDifference::of(p.stats[3].summary(), &p.events[2]),
                realised_wijk_investment_difference_eur: p.stats[4].summary(),
                value_uplift_difference_eur: p.stats[5].summary(),
                variance_reduction: VarianceReduction {
                    paired_variance: paired,
                    independent_variance: independent,
                    factor: if paired > 0.0 {
                        independent / paired
                    } else {
                        f64::INFINITY
                    },
                },
                wijken: (0..a.wijken.len())
                    .map(|w| WijkDifference {
                        gemeente: WijkName::of(a, w).gemeente,
                        wijk: WijkName::of(a, w).wijk,
                        difference: p.stats[PAIR_HEAD + w].summary(),
                        p_better: p.better_wijk[w].probability(),
                        p_worse: p.worse_wijk[w].probability(),
                    })
                    .collect(),
                gap_closure_difference_distribution: p.stats[0].distribution(40),
            }
        })
        .collect();
    let icr_limit = a
        .corporations
        .first()
        .and_then(|c| a.params.get(c.params.icr_min).param.constant_value());
    CompareFile {
        reference: a.name.clone(),
        scenarios: heads,
        comparisons,
        seed: opts.seed,
        draws: opts.draws,
        first_year: a.run.year(1),
        last_year: a.run.year(t),
        wijken: (0..a.wijken.len()).map(|w| WijkName::of(a, w)).collect(),
        icr_limit,
    }
}

/// compare.csv rows: one per (comparison, place, quantity). A continuous difference gets
/// its mean, sd, Monte Carlo error and quantiles; a difference of events (halved, ICR or
/// LTV breach: -1, 0 or 1 in each draw) its mean (the difference in probability) and error
/// but no quantiles. `p_better` and `p_worse` are the shares of draws in which B does
/// better or worse than A. Places have their own columns (`gemeente`, `wijk`), as in every
/// file.
pub fn csv_rows(f: &CompareFile) -> Vec<Vec<String>> {
    let mut rows = vec![
        COMPARE_COLUMNS
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>(),
    ];
    let n = |x: f64| x.to_string();
    let head = |c: &Comparison, scope: &str, (gemeente, wijk): (&str, &str), q: &str| {
        vec![
            c.scenario.clone(),
            c.against.clone(),
            scope.into(),
            gemeente.into(),
            wijk.into(),
            q.into(),
        ]
    };
    let continuous = |mut r: Vec<String>, s: &Summary, better: f64, worse: f64| {
        r.extend(
            [
                s.mean, s.sd, s.mcse, s.q05, s.q25, s.q50, s.q75, s.q95, better, worse,
            ]
            .map(n),
        );
        r
    };
    let amount = |mut r: Vec<String>, s: &Summary| {
        r.extend([s.mean, s.sd, s.mcse, s.q05, s.q25, s.q50, s.q75, s.q95].map(n));
        r.extend([String::new(), String::new()]);
        r
    };
    let event = |mut r: Vec<String>, e: &EventDifference| {
        r.extend([e.mean, e.sd, e.mcse].map(n));
        r.extend(std::iter::repeat_n(String::new(), 5));
        r.extend([e.p_better.p, e.p_worse.p].map(n));
        r
    };
    let all = ("", "");
    for c in &f.comparisons {
        rows.push(continuous(
            head(c, "overall", all, "gap_closure_difference"),
            &c.gap_closure_difference,
            c.p_better.p,
            c.p_worse.p,
        ));
        for (q, e) in [
            ("p_halved_difference", &c.p_halved_difference),
            ("p_breach_icr_difference", &c.p_breach_icr_difference),
            ("p_breach_ltv_difference", &c.p_breach_ltv_difference),
        ] {
            rows.push(event(head(c, "overall", all, q), e));
        }
        rows.push(amount(
            head(c, "overall", all, "realised_wijk_investment_difference_eur"),
            &c.realised_wijk_investment_difference_eur,
        ));
        rows.push(amount(
            head(c, "overall", all, "value_uplift_difference_eur"),
            &c.value_uplift_difference_eur,
        ));
        for w in &c.wijken {
            rows.push(continuous(
                head(c, "wijk", (&w.gemeente, &w.wijk), "gap_closure_difference"),
                &w.difference,
                w.p_better.p,
                w.p_worse.p,
            ));
        }
    }
    rows
}

/// The header of compare.csv.
pub const COMPARE_COLUMNS: [&str; 16] = [
    "scenario", "against", "scope", "gemeente", "wijk", "quantity", "mean", "sd", "mcse", "q05",
    "q25", "q50", "q75", "q95", "p_better", "p_worse",
];

/// The terminal summary of a comparison.
pub fn terminal(f: &CompareFile) -> String {
    let pct = |x: f64| format!("{:.1}%", 100.0 * x);
    let pp = |x: f64| format!("{:+.1} pp", 100.0 * x);
    let pm = |x: f64, se: f64| crate::plot::Lang::En.pp_pm(x, se);
    let mut s = format!(
        "{} scenarios on the same {} draws (seed {}), against {}\n\n",
        f.scenarios.len(),
        f.draws,
        f.seed,
        f.reference
    );
    s.push_str(&format!(
        "{:<22} {:>9} {:>20} {:>10} {:>13} {:>13}\n",
        "scenario", "closure", "90% interval", "P(halved)", "P(ICR < min)", "P(LTV > max)"
    ));
    for h in &f.scenarios {
        s.push_str(&format!(
            "{:<22} {:>9} {:>20} {:>10} {:>13} {:>13}\n",
            h.scenario,
            pct(h.gap_closure.q50),
            format!("{} to {}", pct(h.gap_closure.q05), pct(h.gap_closure.q95)),
            pct(h.p_halved.p),
            pct(h.p_breach_icr.p),
            pct(h.p_breach_ltv.p)
        ));
    }
    for c in &f.comparisons {
        let d = &c.gap_closure_difference;
        s.push_str(&format!(
            "\n{} vs {}: closure {} (90% of draws {} to {}), P(better) {}\n  differences in P(halved) {}, P(ICR < min) {}, P(LTV > max) {}\n",
            c.scenario,
            c.against,
            pm(d.mean, d.mcse),
            pp(d.q05),
            pp(d.q95),
            pct(c.p_better.p),
            pm(c.p_halved_difference.mean, c.p_halved_difference.mcse),
            pm(
                c.p_breach_icr_difference.mean,
                c.p_breach_icr_difference.mcse
            ),
            pm(
                c.p_breach_ltv_difference.mean,
                c.p_breach_ltv_difference.mcse
            ),
        ));
        let v = &c.variance_reduction;
        s.push_str(&format!(
            "  common random numbers: variance of the difference {:.2e} vs {:.2e} for independent runs ({} times sharper)\n",
            v.paired_variance,
            v.independent_variance,
            if v.factor.is_finite() {
                format!("{:.0}", v.factor)
            } else {
                "identical in every draw: infinitely".into()
            }
        ));
    }
    s
}

/// Names and descriptions, for reports.
pub fn descriptions(f: &CompareFile) -> BTreeMap<String, String> {
    f.scenarios
        .iter()
        .map(|h| (h.scenario.clone(), h.description.clone()))
        .collect()
}
