//! PRIM, the Patient Rule Induction Method (Friedman & Fisher 1999), for a yes/no outcome
//! over continuous inputs, step for step as EMA Workbench implements it (its default
//! objective LENIENT1, peeling, then pasting), so that both give the same trajectory on the
//! same table:
//!
//! - The box starts at each input's minimum and maximum; membership is inclusive.
//! - A peel candidate per input and side (upper first, then lower) cuts at the midpoint
//!   quantile [`quantile`] of the box's points (alpha from the top or bottom); the best
//!   candidate by LENIENT1, the gain in the share of cases per point removed (ties: the one
//!   restricting fewer inputs, then the first), is taken while its mass stays at or above
//!   `mass_min`, it removes points and the gain is positive.
//! - Then pasting widens one side of a restricted input at a time, by the paste-alpha
//!   quantile of the points just outside, while that adds points and raises the share.
//! - Each step records coverage (share of all cases inside), density (share of the box's
//!   points that are cases), mass and the number of restricted inputs, and per restricted
//!   side a quasi-p-value: P[Bin(n, p) >= k] for the box's n points and k cases, with p the
//!   density of the box with that one side relaxed.
//!
//! Everything is computed from sorted values and integer counts, so the result does not
//! depend on the order of the rows.

use serde::{Deserialize, Serialize};

/// PRIM's settings.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// Share of a box's points one peel removes.
    pub peel_alpha: f64,
    /// Share of the points just outside a side that one paste adds.
    pub paste_alpha: f64,
    /// The smallest box, as a share of all points.
    pub mass_min: f64,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            peel_alpha: 0.05,
            paste_alpha: 0.05,
            mass_min: 0.05,
        }
    }
}

/// Whether a step peeled or pasted (the first step is the whole data: `Start`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Start,
    Peel,
    Paste,
}

/// One box of the trajectory.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub phase: Phase,
    /// Points inside, and cases among them.
    pub n: usize,
    pub k: usize,
    /// k / all cases.
    pub coverage: f64,
    /// k / n.
    pub density: f64,
    /// n / all points.
    pub mass: f64,
    /// Limits per input (lower, upper).
    pub limits: Vec<(f64, f64)>,
    /// Inputs whose limits differ from the data's range.
    pub restricted: Vec<usize>,
    /// Per restricted input (in `restricted` order): the quasi-p-values of its lower and
    /// upper limit; `None` for a side left at the data's range.
    pub quasi_p: Vec<(Option<f64>, Option<f64>)>,
}

/// The quantile EMA Workbench (after sdtoolkit) peels and pastes at: the midpoint of the two
/// order statistics around `(m - 1) q`, moved outwards past ties so that a cut never splits
/// equal values. `sorted` is ascending and not empty; 0 < q < 1.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    let i = (sorted.len() - 1) as f64 * q;
    let (mut lo, mut hi) = (i.floor() as usize, i.ceil() as usize);
    if q > 0.5 {
        while sorted[lo] == sorted[hi] && lo > 0 {
            lo -= 1;
        }
    } else {
        while sorted[lo] == sorted[hi] && hi < sorted.len() - 1 {
            hi += 1;
        }
    }
    (sorted[lo] + sorted[hi]) / 2.0
}

/// LENIENT1: the change of the share of cases per point removed or added; 0 if unchanged.
fn lenient1(n_old: usize, k_old: usize, n_new: usize, k_new: usize) -> f64 {
    let mean = |k: usize, n: usize| if n == 0 { 0.0 } else { k as f64 / n as f64 };
    let (old, new) = (mean(k_old, n_old), mean(k_new, n_new));
    if old == new || n_old == n_new {
        return 0.0;
    }
    (new - old) / n_old.abs_diff(n_new) as f64
}

/// P[X >= k] for X ~ Binomial(n, p), summed in log space so that tails far below 1e-300
/// do not underflow to a wrong 0 before they are truly negligible. `ln_fact[i]` = ln(i!).
pub fn binomial_upper_tail(k: usize, n: usize, p: f64, ln_fact: &[f64]) -> f64 {
    if k == 0 || p >= 1.0 {
        return 1.0;
    }
    if p <= 0.0 || k > n {
        return 0.0;
    }
    let (lp, lq) = (p.ln(), (-p).ln_1p());
    let term =
        |j: usize| ln_fact[n] - ln_fact[j] - ln_fact[n - j] + j as f64 * lp + (n - j) as f64 * lq;
    let mode = ((n + 1) as f64 * p).floor() as usize;
    // The largest term of the tail is at max(k, mode).
    let peak = term(k.max(mode.min(n)));
    let mut sum = 0.0;
    for j in k..=n {
        let t = (term(j) - peak).exp();
        sum += t;
        if j > mode && t < 1e-17 * sum {
            break;
        }
    }
    (peak + sum.ln()).exp().min(1.0)
}

/// ln(i!) for i = 0..=n.
fn ln_factorials(n: usize) -> Vec<f64> {
    let mut out = Vec::with_capacity(n + 1);
    let mut acc = 0.0;
    out.push(0.0);
    for i in 1..=n {
        acc += (i as f64).ln();
        out.push(acc);
    }
    out
}

/// The data PRIM mines: inputs by column and the case flag per row.
pub struct Table<'a> {
    pub columns: &'a [Vec<f64>],
    pub cases: &'a [bool],
}

struct Miner<'a> {
    x: &'a [Vec<f64>],
    y: &'a [bool],
    settings: Settings,
    init: Vec<(f64, f64)>,
    /// Per input, the rows sorted by its value.
    order: Vec<Vec<usize>>,
    total_cases: usize,
    ln_fact: Vec<f64>,
}

impl Miner<'_> {
    fn rows(&self) -> usize {
        self.y.len()
    }

    fn restricted(&self, limits: &[(f64, f64)]) -> Vec<usize> {
        (0..limits.len())
            .filter(|&d| limits[d] != self.init[d])
            .collect()
    }

    /// Whether row `r` lies inside `limits` on the inputs `dims`.
    fn inside(&self, r: usize, limits: &[(f64, f64)], dims: &[usize]) -> bool {
        dims.iter().all(|&d| {
            let v = self.x[d][r];
            limits[d].0 <= v && v <= limits[d].1
        })
    }

    /// (points, cases) inside `limits` on `dims` over all rows.
    fn count(&self, limits: &[(f64, f64)], dims: &[usize]) -> (usize, usize) {
        (0..self.rows())
            .filter(|&r| self.inside(r, limits, dims))
            .fold((0, 0), |(n, k), r| (n + 1, k + usize::from(self.y[r])))
    }

    fn step(&self, phase: Phase, limits: &[(f64, f64)], members: &[bool]) -> Step {
        let n = members.iter().filter(|&&m| m).count();
        let k = (0..self.rows())
            .filter(|&r| members[r] && self.y[r])
            .count();
        let restricted = self.restricted(limits);
        let quasi_p = restricted
            .iter()
            .map(|&d| {
                let side = |relax: fn(&mut (f64, f64), (f64, f64)), changed: bool| {
                    changed.then(|| {
                        let mut relaxed = limits.to_vec();
                        relax(&mut relaxed[d], self.init[d]);
                        let (tj, hj) = self.count(&relaxed, &restricted);
                        let p = hj as f64 / tj as f64;
                        binomial_upper_tail(k, n, p, &self.ln_fact)
                    })
                };
                (
                    side(|l, i| l.0 = i.0, limits[d].0 != self.init[d].0),
                    side(|l, i| l.1 = i.1, limits[d].1 != self.init[d].1),
                )
            })
            .collect();
        Step {
            phase,
            n,
            k,
            coverage: k as f64 / self.total_cases as f64,
            density: k as f64 / n as f64,
            mass: n as f64 / self.rows() as f64,
            limits: limits.to_vec(),
            restricted,
            quasi_p,
        }
    }
}

/// A candidate box: its limits, members and score.
struct Candidate {
    limits: Vec<(f64, f64)>,
    members: Vec<bool>,
    n: usize,
    k: usize,
    objective: f64,
    unrestricted: usize,
}

/// The first candidate with the highest objective, among equals the one restricting fewer
/// inputs (EMA Workbench's stable descending sort on both).
fn best(cands: Vec<Candidate>) -> Option<Candidate> {
    let mut out: Option<Candidate> = None;
    for c in cands {
        let better = match &out {
            None => true,
            Some(b) => {
                c.objective > b.objective
                    || (c.objective == b.objective && c.unrestricted > b.unrestricted)
            }
        };
        if better {
            out = Some(c);
        }
    }
    out
}

/// Runs PRIM and returns its trajectory: the whole data, every peel, every paste.
///
/// # Panics
/// If the table is empty or its columns differ in length.
pub fn prim(table: &Table, settings: Settings) -> Vec<Step> {
    let n = table.cases.len();
    assert!(n > 0 && table.columns.iter().all(|c| c.len() == n));
    let init: Vec<(f64, f64)> = table
        .columns
        .iter()
        .map(|c| {
            c.iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
                    (a.min(v), b.max(v))
                })
        })
        .collect();
    let order = table
        .columns
        .iter()
        .map(|c| {
            let mut rows: Vec<usize> = (0..n).collect();
            rows.sort_by(|&a, &b| c[a].total_cmp(&c[b]));
            rows
        })
        .collect();
    let m = Miner {
        x: table.columns,
        y: table.cases,
        settings,
        init: init.clone(),
        order,
        total_cases: table.cases.iter().filter(|&&c| c).count(),
        ln_fact: ln_factorials(n),
    };
    let mut limits = init;
    let mut members = vec![true; n];
    let mut trajectory = vec![m.step(Phase::Start, &limits, &members)];
    let (mut n_box, mut k_box) = (n, m.total_cases);
    // Peeling.
    loop {
        let cands = peel_candidates(&m, &limits, &members, n_box, k_box);
        let Some(c) = best(cands) else { break };
        let mass = c.n as f64 / n as f64;
        if !(mass >= m.settings.mass_min && c.n < n_box && c.objective > 0.0) {
            break;
        }
        (limits, members, n_box, k_box) = (c.limits, c.members, c.n, c.k);
        trajectory.push(m.step(Phase::Peel, &limits, &members));
    }
    // Pasting.
    loop {
        let restricted = m.restricted(&limits);
        if restricted.is_empty() {
            break;
        }
        let cands = paste_candidates(&m, &limits, &restricted, n_box, k_box);
        let Some(c) = best(cands) else { break };
        let mass = c.n as f64 / n as f64;
        let raises = c.k as f64 / c.n as f64 > k_box as f64 / n_box as f64;
        if !(mass >= m.settings.mass_min && c.n > n_box && c.objective > 0.0 && raises) {
            break;
        }
        (limits, members, n_box, k_box) = (c.limits, c.members, c.n, c.k);
        trajectory.push(m.step(Phase::Paste, &limits, &members));
    }
    trajectory
}

fn peel_candidates(
    m: &Miner,
    limits: &[(f64, f64)],
    members: &[bool],
    n_box: usize,
    k_box: usize,
) -> Vec<Candidate> {
    let p = limits.len();
    let mut cands = Vec::with_capacity(2 * p);
    for d in 0..p {
        let sorted: Vec<f64> = m.order[d]
            .iter()
            .filter(|&&r| members[r])
            .map(|&r| m.x[d][r])
            .collect();
        for upper in [true, false] {
            let alpha = m.settings.peel_alpha;
            let (cut, keep): (f64, fn(f64, f64) -> bool) = if upper {
                (quantile(&sorted, 1.0 - alpha), |v, c| v <= c)
            } else {
                (quantile(&sorted, alpha), |v, c| v >= c)
            };
            let mut new_limits = limits.to_vec();
            if upper {
                new_limits[d].1 = cut;
            } else {
                new_limits[d].0 = cut;
            }
            let new_members: Vec<bool> = (0..members.len())
                .map(|r| members[r] && keep(m.x[d][r], cut))
                .collect();
            cands.push(candidate(m, new_limits, new_members, n_box, k_box));
        }
    }
    cands
}

fn paste_candidates(
    m: &Miner,
    limits: &[(f64, f64)],
    restricted: &[usize],
    n_box: usize,
    k_box: usize,
) -> Vec<Candidate> {
    let mut cands = Vec::with_capacity(2 * restricted.len());
    for &d in restricted {
        for lower in [true, false] {
            // The slab just outside this side, within the other restricted limits.
            let mut slab = limits.to_vec();
            slab[d] = if lower {
                (m.init[d].0, limits[d].0)
            } else {
                (limits[d].1, m.init[d].1)
            };
            let values: Vec<f64> = m.order[d]
                .iter()
                .filter(|&&r| m.inside(r, &slab, restricted))
                .map(|&r| m.x[d][r])
                .collect();
            let alpha = m.settings.paste_alpha;
            let mut new_limits = limits.to_vec();
            if lower {
                new_limits[d].0 = if values.is_empty() {
                    m.init[d].0
                } else {
                    quantile(&values, 1.0 - alpha)
                };
            } else {
                new_limits[d].1 = if values.is_empty() {
                    m.init[d].1
                } else {
                    quantile(&values, alpha)
                };
            }
            let new_members: Vec<bool> = (0..m.rows())
                .map(|r| m.inside(r, &new_limits, restricted))
                .collect();
            cands.push(candidate(m, new_limits, new_members, n_box, k_box));
        }
    }
    cands
}

fn candidate(
    m: &Miner,
    limits: Vec<(f64, f64)>,
    members: Vec<bool>,
    n_box: usize,
    k_box: usize,
) -> Candidate {
    let (n, k) = members
        .iter()
        .zip(m.y)
        .fold((0, 0), |(n, k), (&inside, &case)| {
            (n + usize::from(inside), k + usize::from(inside && case))
        });
    let unrestricted = limits.len() - m.restricted(&limits).len();
    Candidate {
        objective: lenient1(n_box, k_box, n, k),
        limits,
        members,
        n,
        k,
        unrestricted,
    }
}

/// The box with the best balance of coverage and density: the highest harmonic mean of the
/// two (the first of equals, i.e. the larger box), among the boxes PRIM found (not the start,
/// the whole data, unless PRIM found none). EMA Workbench leaves the choice to its user; this
/// is wijksim's default.
pub fn knee(trajectory: &[Step]) -> usize {
    let f1 = |s: &Step| {
        if s.coverage + s.density > 0.0 {
            2.0 * s.coverage * s.density / (s.coverage + s.density)
        } else {
            0.0
        }
    };
    let first = usize::from(trajectory.len() > 1);
    let mut best = first;
    for (i, s) in trajectory.iter().enumerate().skip(first) {
        if f1(s) > f1(&trajectory[best]) {
            best = i;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quantile_is_a_midpoint_that_never_splits_ties() {
        let s = [1.0, 2.0, 3.0, 4.0, 5.0];
        // (5 - 1) x 0.05 = 0.2: between the first two.
        assert_eq!(quantile(&s, 0.05), 1.5);
        assert_eq!(quantile(&s, 0.95), 4.5);
        // An integer position moves one step outwards.
        assert_eq!(quantile(&s, 0.25), 2.5);
        assert_eq!(quantile(&s, 0.75), 3.5);
        // Ties are passed over: the cut lies between distinct values.
        let t = [1.0, 1.0, 1.0, 2.0, 3.0];
        assert_eq!(quantile(&t, 0.05), 1.5);
        let u = [1.0, 2.0, 3.0, 3.0, 3.0];
        assert_eq!(quantile(&u, 0.95), 2.5);
        // All equal: nothing to cut.
        assert_eq!(quantile(&[2.0, 2.0, 2.0], 0.05), 2.0);
    }

    #[test]
    fn the_binomial_tail_matches_exact_sums() {
        let lf = ln_factorials(100);
        // P[Bin(10, 0.3) >= 3] = 1 - P[<= 2] = 0.6172172...
        let exact =
            1.0 - (0.7f64.powi(10) + 10.0 * 0.3 * 0.7f64.powi(9) + 45.0 * 0.09 * 0.7f64.powi(8));
        assert!((binomial_upper_tail(3, 10, 0.3, &lf) - exact).abs() < 1e-14);
        // Far tail: P[Bin(100, 0.01) = 100] = 1e-200, no underflow to a wrong value.
        let tiny = binomial_upper_tail(100, 100, 0.01, &lf);
        assert!((tiny / 1e-200 - 1.0).abs() < 1e-9, "{tiny}");
        assert_eq!(binomial_upper_tail(0, 10, 0.5, &lf), 1.0);
        assert_eq!(binomial_upper_tail(5, 10, 0.0, &lf), 0.0);
    }

    #[test]
    fn lenient1_is_the_gain_per_point() {
        assert_eq!(lenient1(100, 10, 95, 10), (10.0 / 95.0 - 0.1) / 5.0);
        assert_eq!(lenient1(100, 10, 90, 9), 0.0);
        assert_eq!(lenient1(100, 10, 110, 21), (21.0 / 110.0 - 0.1) / 10.0);
    }
}
