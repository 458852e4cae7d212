//! Goal seeking on common random numbers, independent of the model: a response `x -> values
//! per draw` (every x on the same draws), a statistic of those values and a target on it.
//!
//! The search scans the range on an even grid, brackets the first crossing in the chosen
//! direction, bisects the bracket, and then evaluates a few points around the answer so that
//! the bootstrap can place each resample's crossing by interpolation between evaluated
//! points. The bootstrap resamples draws (the same resampled draws at every x, as the draws
//! are common), so its crossings are the Monte Carlo distribution of the answer.

use crate::query::{Op, Statistic};
use crate::rng::{component_key, stream};
use rand::RngExt;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Which lever value is sought.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// The smallest value in the range that meets the target.
    Smallest,
    /// The largest value in the range that meets the target.
    Largest,
}

/// What must hold: `statistic(values) op threshold`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Goal {
    pub statistic: Statistic,
    pub op: Op,
    pub threshold: f64,
}

impl Goal {
    pub fn is_met(&self, estimate: f64) -> bool {
        self.op.holds(estimate, self.threshold)
    }
}

/// How to search.
#[derive(Clone, Debug)]
pub struct Settings {
    pub lo: f64,
    pub hi: f64,
    pub direction: Direction,
    /// Points of the first, even scan (including both ends).
    pub scan: usize,
    /// Bisection stops when the bracket is at most this share of the range.
    pub tolerance: f64,
    /// Bootstrap resamples for the interval.
    pub resamples: usize,
    /// Seeds the bootstrap's own stream.
    pub seed: u64,
}

/// Why a point was evaluated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Scan,
    Bisect,
    /// Around the answer, for the interval.
    Local,
}

/// One evaluated lever value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub x: f64,
    /// The statistic on all draws.
    pub estimate: f64,
    /// Its bootstrap standard error.
    pub se: f64,
    pub met: bool,
    pub phase: Phase,
    /// 1 for the first evaluation.
    pub order: usize,
}

/// What the search found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Answer {
    /// The target is met from `value` on (towards the far end of the search).
    Found {
        value: f64,
        /// The 95% bootstrap interval; `None` where at least 2.5% of the resamples put the
        /// crossing beyond that end of the range.
        ci_low: Option<f64>,
        ci_high: Option<f64>,
        /// The last bracket of the bisection: the unmet and the met end.
        bracket: (f64, f64),
    },
    /// The target is met already at the end where the search starts.
    MetAtStart {
        value: f64,
        /// Share of the bootstrap resamples that also meet it there.
        share: f64,
    },
    /// No evaluated value meets the target.
    Unreachable {
        /// The best estimate of the figure, and where.
        best: f64,
        best_at: f64,
        /// Where the curve flattens: the lever value by which the figure has made 95% of its
        /// change from its worst to its best evaluated value; `None` when that change is
        /// within two paired standard errors (the figure does not respond to the lever).
        flat_from: Option<f64>,
        /// The best value is at an end of the range and the figure still moves there (its
        /// last step is beyond two paired standard errors and more than 5% of its change
        /// over the range): a wider range may reach the target.
        still_moving: bool,
        /// Share of the bootstrap resamples in which some evaluated value meets the target.
        share_reachable: f64,
    },
}

/// The search's answer, every point it evaluated (sorted by lever value) and the stretches
/// of the range where the target is met.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub answer: Answer,
    pub points: Vec<Point>,
    pub met_stretches: Vec<(f64, f64)>,
}

/// One evaluation: the lever value, its values per draw, their statistic, why and when.
struct Evaluation {
    x: f64,
    values: Vec<f64>,
    estimate: f64,
    phase: Phase,
    order: usize,
}

/// Where one curve (estimates at sorted lever values) meets the target first, seen from the
/// start of the search.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Crossing {
    At(f64),
    /// Met at the starting end already.
    Start,
    Never,
}

fn crossing(xs: &[f64], s: &[f64], goal: &Goal, direction: Direction) -> Crossing {
    let n = xs.len();
    let order: Box<dyn Iterator<Item = usize>> = match direction {
        Direction::Smallest => Box::new(0..n),
        Direction::Largest => Box::new((0..n).rev()),
    };
    let mut previous: Option<usize> = None;
    for i in order {
        if goal.is_met(s[i]) {
            return match previous {
                None => Crossing::Start,
                Some(p) => {
                    let (xu, su, xm, sm) = (xs[p], s[p], xs[i], s[i]);
                    let f = ((goal.threshold - su) / (sm - su)).clamp(0.0, 1.0);
                    let x = if f.is_finite() {
                        xu + f * (xm - xu)
                    } else {
                        xm
                    };
                    Crossing::At(x)
                }
            };
        }
        previous = Some(i);
    }
    Crossing::Never
}

/// Draw indices of bootstrap resample `b` of `n` draws.
fn resample(seed: u64, b: usize, n: usize) -> Vec<usize> {
    let mut rng = stream(seed, b as u64, component_key("seek/bootstrap"));
    (0..n).map(|_| rng.random_range(0..n)).collect()
}

/// The statistic of the resampled values.
fn resampled(statistic: Statistic, values: &[f64], idx: &[usize], buf: &mut Vec<f64>) -> f64 {
    buf.clear();
    buf.extend(idx.iter().map(|&i| values[i]));
    statistic.of(buf)
}

/// Searches the range for the lever value that meets `goal`; `eval(x)` gives the values per
/// draw at lever value `x`, always for the same draws.
///
/// # Errors
/// The first error of `eval`.
pub fn search<E>(
    goal: &Goal,
    settings: &Settings,
    eval: &mut dyn FnMut(f64) -> Result<Vec<f64>, E>,
) -> Result<Outcome, E> {
    let (lo, hi) = (settings.lo, settings.hi);
    let mut evaluated: Vec<Evaluation> = vec![];
    let mut add =
        |evaluated: &mut Vec<Evaluation>, x: f64, phase: Phase| -> Result<(f64, bool), E> {
            let values = eval(x)?;
            let estimate = goal.statistic.of(&mut values.clone());
            evaluated.push(Evaluation {
                x,
                values,
                estimate,
                phase,
                order: evaluated.len() + 1,
            });
            Ok((estimate, goal.is_met(estimate)))
        };
    let k = settings.scan.max(2);
    let mut scan = vec![];
    for i in 0..k {
        let x = if i + 1 == k {
            hi
        } else {
            lo + (hi - lo) * i as f64 / (k - 1) as f64
        };
        scan.push((x, add(&mut evaluated, x, Phase::Scan)?));
    }
    let first_met = match settings.direction {
        Direction::Smallest => scan.iter().position(|p| p.1.1),
        Direction::Largest => scan.iter().rposition(|p| p.1.1),
    };
    // (unmet end, met end) of the bracket, and the scan's slope there.
    let bracket = first_met.and_then(|j| match settings.direction {
        Direction::Smallest if j > 0 => Some((scan[j - 1], scan[j])),
        Direction::Largest if j + 1 < k => Some((scan[j + 1], scan[j])),
        _ => None,
    });
    let mut last_bracket = None;
    if let Some((unmet, met)) = bracket {
        let slope = (met.1.0 - unmet.1.0) / (met.0 - unmet.0);
        let (mut u, mut m) = (unmet.0, met.0);
        while (m - u).abs() > settings.tolerance * (hi - lo) {
            let mid = 0.5 * (u + m);
            if add(&mut evaluated, mid, Phase::Bisect)?.1 {
                m = mid;
            } else {
                u = mid;
            }
        }
        last_bracket = Some((u, m));
        // Points around the answer, about as far as its Monte Carlo uncertainty reaches.
        let (x_star, values) = {
            let e = evaluated
                .iter()
                .min_by(|a, b| (a.x - m).abs().total_cmp(&(b.x - m).abs()))
                .expect("evaluated");
            (0.5 * (u + m), e.values.clone())
        };
        let se = bootstrap_se(goal.statistic, &values, settings.seed, 200);
        let reach = 2.5 * se / slope.abs();
        if reach.is_finite() && reach > 0.0 {
            let reach = reach.min(0.25 * (hi - lo));
            for f in [-1.5, -1.0, -0.75, -0.5, -0.25, 0.25, 0.5, 0.75, 1.0, 1.5] {
                let x = (x_star + f * reach).clamp(lo, hi);
                let close = evaluated
                    .iter()
                    .any(|e| (e.x - x).abs() <= 0.5 * settings.tolerance * (hi - lo));
                if !close {
                    add(&mut evaluated, x, Phase::Local)?;
                }
            }
        }
    }
    Ok(conclude(goal, settings, evaluated, last_bracket))
}

fn bootstrap_se(statistic: Statistic, values: &[f64], seed: u64, b: usize) -> f64 {
    let mut buf = vec![];
    let est: Vec<f64> = (0..b)
        .map(|r| {
            resampled(
                statistic,
                values,
                &resample(seed, r, values.len()),
                &mut buf,
            )
        })
        .collect();
    sd(&est)
}

fn sd(x: &[f64]) -> f64 {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    (x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (n - 1.0).max(1.0)).sqrt()
}

/// The answer from every evaluated point, with the bootstrap.
fn conclude(
    goal: &Goal,
    settings: &Settings,
    mut evaluated: Vec<Evaluation>,
    bracket: Option<(f64, f64)>,
) -> Outcome {
    evaluated.sort_by(|a, b| a.x.total_cmp(&b.x));
    let xs: Vec<f64> = evaluated.iter().map(|e| e.x).collect();
    let estimates: Vec<f64> = evaluated.iter().map(|e| e.estimate).collect();
    let n = evaluated[0].values.len();
    // Each resample: the statistic at every point, on the same resampled draws.
    let curves: Vec<Vec<f64>> = (0..settings.resamples)
        .into_par_iter()
        .map(|b| {
            let idx = resample(settings.seed, b, n);
            let mut buf = Vec::with_capacity(n);
            evaluated
                .iter()
                .map(|e| resampled(goal.statistic, &e.values, &idx, &mut buf))
                .collect()
        })
        .collect();
    let points: Vec<Point> = evaluated
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let column: Vec<f64> = curves.iter().map(|c| c[i]).collect();
            Point {
                x: e.x,
                estimate: e.estimate,
                se: sd(&column),
                met: goal.is_met(e.estimate),
                phase: e.phase,
                order: e.order,
            }
        })
        .collect();
    let crossings: Vec<Crossing> = curves
        .iter()
        .map(|c| crossing(&xs, c, goal, settings.direction))
        .collect();
    let answer = match crossing(&xs, &estimates, goal, settings.direction) {
        Crossing::At(value) => {
            let (ci_low, ci_high) = interval(&crossings, settings.direction);
            Answer::Found {
                value,
                ci_low,
                ci_high,
                bracket: bracket.unwrap_or((value, value)),
            }
        }
        Crossing::Start => Answer::MetAtStart {
            value: match settings.direction {
                Direction::Smallest => settings.lo,
                Direction::Largest => settings.hi,
            },
            share: share(&crossings, |c| c == Crossing::Start),
        },
        Crossing::Never => unreachable_answer(goal, &points, &curves, &crossings),
    };
    Outcome {
        answer,
        met_stretches: stretches(&points),
        points,
    }
}

fn share(crossings: &[Crossing], f: impl Fn(Crossing) -> bool) -> f64 {
    crossings.iter().filter(|&&c| f(c)).count() as f64 / crossings.len().max(1) as f64
}

/// The 2.5% and 97.5% percentiles of the resamples' crossings; a resample met at the start
/// lies beyond the start, one never met beyond the far end.
fn interval(crossings: &[Crossing], direction: Direction) -> (Option<f64>, Option<f64>) {
    let sign = match direction {
        Direction::Smallest => 1.0,
        Direction::Largest => -1.0,
    };
    let mut v: Vec<f64> = crossings
        .iter()
        .map(|c| match c {
            Crossing::At(x) => *x,
            Crossing::Start => -sign * f64::INFINITY,
            Crossing::Never => sign * f64::INFINITY,
        })
        .collect();
    v.sort_by(f64::total_cmp);
    let q = |p: f64| {
        let x = crate::stats::quantile_sorted(&v, p);
        x.is_finite().then_some(x)
    };
    (q(0.025), q(0.975))
}

/// The bootstrap standard error of the difference between points `a` and `b` (on the same
/// resampled draws: the paired error, far smaller than either point's own).
fn paired_se(curves: &[Vec<f64>], a: usize, b: usize) -> f64 {
    let d: Vec<f64> = curves.iter().map(|c| c[b] - c[a]).collect();
    sd(&d)
}

fn unreachable_answer(
    goal: &Goal,
    points: &[Point],
    curves: &[Vec<f64>],
    crossings: &[Crossing],
) -> Answer {
    let better = |a: f64, b: f64| {
        if goal.op.wants_larger() { a > b } else { a < b }
    };
    let (mut best, mut worst) = (0, 0);
    for (i, p) in points.iter().enumerate() {
        if better(p.estimate, points[best].estimate) {
            best = i;
        }
        if better(points[worst].estimate, p.estimate) {
            worst = i;
        }
    }
    let (sb, sw) = (points[best].estimate, points[worst].estimate);
    let change = sb - sw;
    let last = points.len() - 1;
    let still_moving = (best == 0 || best == last) && points.len() > 1 && {
        let inner = if best == 0 { 1 } else { last - 1 };
        let step = points[best].estimate - points[inner].estimate;
        // Its last step is real (beyond the paired error) and more than 5% of the change
        // over the range: the curve has not flattened yet.
        better(points[best].estimate, points[inner].estimate)
            && step.abs() > 2.0 * paired_se(curves, inner, best)
            && step.abs() > 0.05 * change.abs()
    };
    let flat_from = (change.abs() > 2.0 * paired_se(curves, worst, best)).then(|| {
        // Walk from the worst point towards the best to 95% of the change.
        let path: Vec<usize> = if worst < best {
            (worst..=best).collect()
        } else {
            (best..=worst).rev().collect()
        };
        let goal_value = sw + 0.95 * change;
        let reached = |i: usize| (points[i].estimate - goal_value) * change.signum() >= 0.0;
        let k = path
            .iter()
            .position(|&i| reached(i))
            .expect("the best point reaches it");
        if k == 0 {
            return points[path[0]].x;
        }
        let (a, b) = (&points[path[k - 1]], &points[path[k]]);
        let f = ((goal_value - a.estimate) / (b.estimate - a.estimate)).clamp(0.0, 1.0);
        a.x + f * (b.x - a.x)
    });
    Answer::Unreachable {
        best: sb,
        best_at: points[best].x,
        flat_from,
        still_moving,
        share_reachable: share(crossings, |c| c != Crossing::Never),
    }
}

/// Stretches of consecutive evaluated points that meet the target (from the first to the
/// last such point of each).
fn stretches(points: &[Point]) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = vec![];
    let mut open: Option<(f64, f64)> = None;
    for p in points {
        match (&mut open, p.met) {
            (Some(s), true) => s.1 = p.x,
            (None, true) => open = Some((p.x, p.x)),
            (Some(s), false) => {
                out.push(*s);
                open = None;
            }
            (None, false) => {}
        }
    }
    out.extend(open);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(direction: Direction) -> Settings {
        Settings {
            lo: 0.0,
            hi: 1.0,
            direction,
            scan: 11,
            tolerance: 1e-3,
            resamples: 400,
            seed: 7,
        }
    }

    /// Per-draw noise, fixed per draw (the common random numbers of the toy).
    fn noise(n: usize, seed: u64) -> Vec<f64> {
        let mut rng = stream(seed, 0, component_key("toy"));
        (0..n).map(|_| rng.random::<f64>()).collect()
    }

    #[test]
    fn crossing_interpolates_between_the_unmet_and_the_met_point() {
        let goal = Goal {
            statistic: Statistic::Mean,
            op: Op::Ge,
            threshold: 0.5,
        };
        let xs = [0.0, 1.0, 2.0];
        assert_eq!(
            crossing(&xs, &[0.0, 0.25, 0.75], &goal, Direction::Smallest),
            Crossing::At(1.5)
        );
        assert_eq!(
            crossing(&xs, &[0.6, 0.25, 0.75], &goal, Direction::Smallest),
            Crossing::Start
        );
        assert_eq!(
            crossing(&xs, &[0.6, 0.25, 0.0], &goal, Direction::Largest),
            Crossing::At(0.0 + (0.5 - 0.25) / (0.6 - 0.25) * (0.0 - 1.0) + 1.0)
        );
        assert_eq!(
            crossing(&xs, &[0.0, 0.1, 0.2], &goal, Direction::Smallest),
            Crossing::Never
        );
    }

    #[test]
    fn a_probability_that_rises_linearly_is_found_within_its_interval() {
        // P(u < x) = x for u uniform: the smallest x with P >= 0.3 is 0.3.
        let u = noise(20_000, 1);
        let goal = Goal {
            statistic: Statistic::Probability,
            op: Op::Ge,
            threshold: 0.3,
        };
        let out = search::<()>(&goal, &settings(Direction::Smallest), &mut |x| {
            Ok(u.iter().map(|&v| f64::from(u8::from(v < x))).collect())
        })
        .unwrap();
        let Answer::Found {
            value,
            ci_low,
            ci_high,
            ..
        } = out.answer
        else {
            panic!("{:?}", out.answer)
        };
        let (a, b) = (ci_low.unwrap(), ci_high.unwrap());
        assert!(a <= 0.3 && 0.3 <= b, "0.3 outside [{a}, {b}]");
        // The interval's width is about 2 x 1.96 x sqrt(0.3 x 0.7 / n): 0.0127.
        let expected = 2.0 * 1.96 * (0.3f64 * 0.7 / 20_000.0).sqrt();
        assert!(
            (b - a) > 0.6 * expected && (b - a) < 1.6 * expected,
            "width {} against {expected}",
            b - a
        );
        assert!((value - 0.3).abs() < 3.0 * expected);
    }

    #[test]
    fn the_largest_value_below_a_mean_limit_is_found() {
        // mean(2x + e) with e uniform(-0.5, 0.5): <= 0.8 up to x = 0.4 - mean(e)/2.
        let e: Vec<f64> = noise(10_000, 2).iter().map(|v| v - 0.5).collect();
        let goal = Goal {
            statistic: Statistic::Mean,
            op: Op::Le,
            threshold: 0.8,
        };
        let out = search::<()>(&goal, &settings(Direction::Largest), &mut |x| {
            Ok(e.iter().map(|v| 2.0 * x + v).collect())
        })
        .unwrap();
        let Answer::Found {
            value,
            ci_low,
            ci_high,
            ..
        } = out.answer
        else {
            panic!("{:?}", out.answer)
        };
        let (a, b) = (ci_low.unwrap(), ci_high.unwrap());
        assert!(a <= 0.4 && 0.4 <= b, "0.4 outside [{a}, {b}]");
        let sample_mean = e.iter().sum::<f64>() / e.len() as f64;
        assert!((value - (0.4 - sample_mean / 2.0)).abs() < 1e-9);
    }

    #[test]
    fn a_quantile_target_is_found() {
        // The median of x + u (u uniform 0..1) is x + 0.5: >= 0.9 from x = 0.4.
        let u = noise(10_000, 3);
        let goal = Goal {
            statistic: Statistic::Quantile(0.5),
            op: Op::Ge,
            threshold: 0.9,
        };
        let out = search::<()>(&goal, &settings(Direction::Smallest), &mut |x| {
            Ok(u.iter().map(|v| x + v).collect())
        })
        .unwrap();
        let Answer::Found {
            ci_low, ci_high, ..
        } = out.answer
        else {
            panic!("{:?}", out.answer)
        };
        let (a, b) = (ci_low.unwrap(), ci_high.unwrap());
        assert!(a <= 0.4 && 0.4 <= b, "0.4 outside [{a}, {b}]");
    }

    #[test]
    fn an_unreachable_target_says_the_best_and_where_it_flattens() {
        // P(u < min(x, 0.5)): at most 0.5, flat from x = 0.5.
        let u = noise(10_000, 4);
        let goal = Goal {
            statistic: Statistic::Probability,
            op: Op::Ge,
            threshold: 0.8,
        };
        let out = search::<()>(&goal, &settings(Direction::Smallest), &mut |x| {
            Ok(u.iter()
                .map(|&v| f64::from(u8::from(v < x.min(0.5))))
                .collect())
        })
        .unwrap();
        let Answer::Unreachable {
            best,
            flat_from,
            still_moving,
            share_reachable,
            ..
        } = out.answer
        else {
            panic!("{:?}", out.answer)
        };
        assert!((best - 0.5).abs() < 0.02, "{best}");
        // 95% of the rise from 0 (at x = 0) to about 0.5 (from x = 0.5): x = 0.475.
        let x = flat_from.expect("the figure responds");
        assert!((x - 0.475).abs() < 0.01, "{x}");
        assert!(!still_moving);
        assert_eq!(share_reachable, 0.0);
        assert!(out.met_stretches.is_empty());
    }

    #[test]
    fn a_curve_still_rising_at_the_end_of_the_range_is_not_called_flat() {
        // mean(x + u) keeps rising: >= 3 is beyond 0..1, but not out of reach.
        let u = noise(2000, 6);
        let goal = Goal {
            statistic: Statistic::Mean,
            op: Op::Ge,
            threshold: 3.0,
        };
        let out = search::<()>(&goal, &settings(Direction::Smallest), &mut |x| {
            Ok(u.iter().map(|v| x + v).collect())
        })
        .unwrap();
        assert!(
            matches!(out.answer, Answer::Unreachable { still_moving: true, best_at, .. } if best_at == 1.0),
            "{:?}",
            out.answer
        );
    }

    #[test]
    fn a_target_met_at_the_start_is_said_so() {
        let u = noise(1000, 5);
        let goal = Goal {
            statistic: Statistic::Mean,
            op: Op::Ge,
            threshold: 0.1,
        };
        let out = search::<()>(&goal, &settings(Direction::Smallest), &mut |x| {
            Ok(u.iter().map(|v| v + x).collect())
        })
        .unwrap();
        assert!(
            matches!(out.answer, Answer::MetAtStart { value, share } if value == 0.0 && share == 1.0)
        );
        assert_eq!(out.met_stretches, vec![(0.0, 1.0)]);
    }

    #[test]
    fn the_interval_covers_the_truth_about_95_times_in_100() {
        // 40 independent searches of P(u < x) >= 0.3 (truth 0.3), 2000 draws each: a 95%
        // interval misses at most 8 times with probability 0.9997 (binomial).
        let goal = Goal {
            statistic: Statistic::Probability,
            op: Op::Ge,
            threshold: 0.3,
        };
        let mut covered = 0;
        for rep in 0..40 {
            let u = noise(2000, 100 + rep);
            let mut s = settings(Direction::Smallest);
            s.resamples = 200;
            s.seed = rep;
            let out = search::<()>(&goal, &s, &mut |x| {
                Ok(u.iter().map(|&v| f64::from(u8::from(v < x))).collect())
            })
            .unwrap();
            if let Answer::Found {
                ci_low: Some(a),
                ci_high: Some(b),
                ..
            } = out.answer
                && a <= 0.3
                && 0.3 <= b
            {
                covered += 1;
            }
        }
        assert!(covered >= 32, "covered {covered} of 40");
    }
}
