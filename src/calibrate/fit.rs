//! The search: a Latin-hypercube screen of the box, then argmin's Nelder-Mead from the best
//! point screened (or the start, if that is better).
//!
//! The search runs in unit coordinates u in [0, 1]^k (u = (x - lo) / (hi - lo)). Nelder-Mead
//! is unbounded: a point outside the box is evaluated at its projection onto the box and
//! pays a penalty for the way out, so the search turns back. The cost is the targets'
//! distance plus `prior_weight` x |u - u_start|^2, which only matters between points that fit
//! equally well (for instance where every target is inside its band).

use super::{CalibrateError, Options, Problem, distance};
use crate::rng::{component_key, stream};
use argmin::core::{CostFunction, Error, Executor, State};
use argmin::solver::neldermead::NelderMead;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rand::RngExt;
use std::cell::{Cell, RefCell};

/// Penalty per squared unit outside the box.
const OUTSIDE: f64 = 100.0;

/// What the search found.
#[derive(Clone, Debug)]
pub struct FitResult {
    /// The best parameter values, in the problem's order.
    pub x: Vec<f64>,
    pub cost: f64,
    pub evaluations: usize,
    pub screen_points: usize,
    pub iterations: u64,
    pub stopped: String,
}

/// The cost function in unit coordinates, counting evaluations.
struct Cost<'a, 'p> {
    problem: &'a Problem<'p>,
    start: Vec<f64>,
    prior_weight: f64,
    evaluations: Cell<usize>,
    best: Cell<f64>,
    /// The first error an evaluation met (argmin's error type cannot carry ours).
    failure: RefCell<Option<CalibrateError>>,
    opts: &'a Options,
    bar: ProgressBar,
}

impl Cost<'_, '_> {
    fn x(&self, u: &[f64]) -> Vec<f64> {
        self.problem
            .params
            .iter()
            .zip(u)
            .map(|(p, u)| p.lo + u.clamp(0.0, 1.0) * (p.hi - p.lo))
            .collect()
    }

    fn eval(&self, u: &[f64]) -> Result<f64, CalibrateError> {
        if self.opts.cancel.is_cancelled() {
            return Err(CalibrateError::Interrupted {
                evaluations: self.evaluations.get(),
            });
        }
        let e = self.problem.evaluate(&self.x(u))?;
        let ts = &self.problem.targets.targets;
        let away: f64 = u
            .iter()
            .map(|u| (u - u.clamp(0.0, 1.0)).powi(2))
            .sum::<f64>();
        let prior: f64 = u
            .iter()
            .zip(&self.start)
            .map(|(u, s)| (u.clamp(0.0, 1.0) - s).powi(2))
            .sum();
        let cost = distance(ts, &e.statistics(ts)) + self.prior_weight * prior + OUTSIDE * away;
        self.evaluations.set(self.evaluations.get() + 1);
        if cost < self.best.get() {
            self.best.set(cost);
        }
        self.bar
            .set_message(format!("best distance {:.4}", self.best.get()));
        self.bar.inc(1);
        Ok(cost)
    }
}

impl CostFunction for &Cost<'_, '_> {
    type Param = Vec<f64>;
    type Output = f64;

    fn cost(&self, u: &Vec<f64>) -> Result<f64, Error> {
        self.eval(u).map_err(|e| {
            let message = e.to_string();
            self.failure.borrow_mut().get_or_insert(e);
            Error::msg(message)
        })
    }
}

/// A Latin hypercube of `n` points in [0, 1]^k: each coordinate's n strata used once, in an
/// order shuffled from the seed's own stream.
pub fn latin_hypercube(n: usize, k: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut points = vec![vec![0.0; k]; n];
    for j in 0..k {
        let mut rng = stream(seed, j as u64, component_key("calibrate/latin-hypercube"));
        let mut strata: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            strata.swap(i, rng.random_range(0..=i));
        }
        for (p, s) in points.iter_mut().zip(strata) {
            p[j] = (s as f64 + rng.random::<f64>()) / n as f64;
        }
    }
    points
}

/// One Nelder-Mead run from `from` with a simplex of `step` per parameter; returns the best
/// point, its cost, the iterations and why it stopped.
fn nelder_mead(
    cost: &Cost,
    from: &[f64],
    step: f64,
    max_iters: u64,
) -> Result<(Vec<f64>, f64, u64, String), CalibrateError> {
    let mut simplex = vec![from.to_vec()];
    for j in 0..from.len() {
        let mut v = from.to_vec();
        v[j] += if v[j] + step <= 1.0 { step } else { -step };
        simplex.push(v);
    }
    let solver = NelderMead::new(simplex)
        .with_sd_tolerance(1e-7)
        .map_err(|e| CalibrateError::Optimiser(e.to_string()))?;
    match Executor::new(cost, solver)
        .configure(|state| state.max_iters(max_iters))
        .run()
    {
        Ok(r) => {
            let state = r.state();
            Ok((
                state
                    .get_best_param()
                    .cloned()
                    .unwrap_or_else(|| from.to_vec()),
                state.get_best_cost(),
                state.get_iter(),
                state.get_termination_status().to_string(),
            ))
        }
        Err(e) => Err(cost
            .failure
            .take()
            .unwrap_or_else(|| CalibrateError::Optimiser(e.to_string()))),
    }
}

/// Screens the box and refines the best point with Nelder-Mead.
///
/// # Errors
/// An evaluation that fails, or an interruption.
pub fn fit(problem: &Problem, opts: &Options) -> Result<FitResult, CalibrateError> {
    let k = problem.params.len();
    let unit = |x: &[f64]| -> Vec<f64> {
        problem
            .params
            .iter()
            .zip(x)
            .map(|(p, x)| (x - p.lo) / (p.hi - p.lo))
            .collect()
    };
    let start = unit(&problem.start());
    let screen_points = if opts.screen == 0 {
        (10 * k).max(20)
    } else {
        opts.screen
    };
    let bar = ProgressBar::with_draw_target(
        Some(screen_points as u64 + 1 + opts.iterations * 2),
        if opts.progress {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        },
    );
    bar.set_style(
        ProgressStyle::with_template("calibrating {bar:30} {pos} evaluations  {msg}")
            .expect("a valid template"),
    );
    let cost = Cost {
        problem,
        start: start.clone(),
        prior_weight: opts.prior_weight,
        evaluations: Cell::new(0),
        best: Cell::new(f64::INFINITY),
        failure: RefCell::new(None),
        opts,
        bar: bar.clone(),
    };
    // The start, then the screen.
    let mut best = (cost.eval(&start)?, start.clone());
    for u in latin_hypercube(screen_points, k, problem.seed) {
        let c = cost.eval(&u)?;
        if c < best.0 {
            best = (c, u);
        }
    }
    // Nelder-Mead from the best point, with a simplex of a tenth of the box per parameter;
    // restarted from where it stopped (with a fresh, smaller simplex) while that still helps,
    // since a simplex in many dimensions can collapse before it reaches the minimum.
    let mut iterations = 0;
    let mut stopped = String::new();
    let mut step = 0.1;
    for _ in 0..=opts.restarts {
        let left = opts.iterations.saturating_sub(iterations);
        if left == 0 {
            break;
        }
        let (u, c, n, why) = nelder_mead(&cost, &best.1, step, left)?;
        iterations += n;
        stopped = why;
        let improved = c < best.0 - 1e-9 * (1.0 + best.0.abs());
        if c < best.0 {
            best = (c, u);
        }
        if !improved {
            break;
        }
        step /= 2.0;
    }
    bar.finish_and_clear();
    let (u, c) = (best.1, best.0);
    Ok(FitResult {
        x: cost.x(&u),
        cost: c,
        evaluations: cost.evaluations.get(),
        screen_points,
        iterations,
        stopped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_latin_hypercube_uses_every_stratum_once() {
        let pts = latin_hypercube(10, 3, 7);
        for j in 0..3 {
            let mut strata: Vec<usize> = pts.iter().map(|p| (p[j] * 10.0) as usize).collect();
            strata.sort();
            assert_eq!(strata, (0..10).collect::<Vec<_>>());
        }
        assert_eq!(pts, latin_hypercube(10, 3, 7));
        assert_ne!(pts, latin_hypercube(10, 3, 8));
    }
}
