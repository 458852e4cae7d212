//! Local and regression-based views next to the Sobol' indices: the one-at-a-time tornado
//! (each parameter factor at its 5th and 95th percentile, everything else on the same draws)
//! and standardised rank regression coefficients (SRRC) from an ordinary run's draws.

use super::{Factor, FactorKind, SensitivityError};
use crate::dist::Param;
use crate::engine::Cancel;
use crate::model::economy::VARIABLES;
use crate::model::{DrawOutcome, Streams, Workspace, simulate_mixed};
use crate::rng::stream;
use crate::scenario::Scenario;
use crate::stats::quantile_sorted;
use nalgebra::{DMatrix, DVector};
use rayon::prelude::*;
use serde::Serialize;

/// Draws of a parameter sampled to find its 5th and 95th percentile.
const QUANTILE_SAMPLES: u64 = 20_000;

/// Mean closure, P(halved) and mean lowest sector ICR over a set of draws.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Figures {
    pub closure: f64,
    pub p_halved: f64,
    pub min_icr: f64,
}

/// One factor at its low and high setting.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Swing {
    pub factor: String,
    /// Each member's value at the low (5th percentile) and high (95th) setting.
    pub low_values: Vec<(String, f64)>,
    pub high_values: Vec<(String, f64)>,
    pub low: Figures,
    pub high: Figures,
}

impl Swing {
    /// |high - low| of mean closure: the tornado's order.
    pub fn width(&self) -> f64 {
        (self.high.closure - self.low.closure).abs()
    }
}

/// One regressor's standardised rank regression coefficient.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Srrc {
    pub regressor: String,
    /// Per output: closure, lowest sector ICR.
    pub closure: f64,
    pub min_icr: f64,
}

/// The tornado and the rank regression of a scenario.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Tornado {
    pub draws: usize,
    pub base: Figures,
    /// Sorted by width, widest first.
    pub swings: Vec<Swing>,
    /// Factors without percentiles (the economy, multipliers, noise): in the Sobol' indices
    /// only.
    pub not_swung: Vec<String>,
    pub srrc: Vec<Srrc>,
    /// R² of the rank regressions: how much of the ranks' variance the regressors explain
    /// linearly (closure, lowest sector ICR).
    pub r2_closure: f64,
    pub r2_min_icr: f64,
}

/// The `p` quantile of a parameter, from sampled values (deterministic for the seed).
pub fn param_quantiles(param: &Param, key: u64, seed: u64, ps: &[f64]) -> Vec<f64> {
    let mut v: Vec<f64> = (0..QUANTILE_SAMPLES)
        .map(|d| param.sample(&mut stream(seed, d, key)))
        .collect();
    v.sort_by(f64::total_cmp);
    ps.iter().map(|&p| quantile_sorted(&v, p)).collect()
}

/// What the tornado and the regression keep of a draw: the parameters, the economy's mean
/// per variable, closure, halved (0/1) and the lowest sector ICR.
type DrawFigures = (Vec<f64>, [f64; 4], f64, f64, f64);

/// The figures of `draws` draws of `sc` (draw d uses streams of draw d).
fn figures(
    sc: &Scenario,
    seed: u64,
    draws: usize,
    cancel: &Cancel,
) -> Result<(Figures, Vec<DrawFigures>), SensitivityError> {
    if cancel.is_cancelled() {
        return Err(SensitivityError::Interrupted {
            done: 0,
            total: draws,
        });
    }
    let per_draw: Vec<DrawFigures> = (0..draws as u64)
        .into_par_iter()
        .map_init(Workspace::default, |ws, d| {
            let o: &DrawOutcome = simulate_mixed(sc, seed, &Streams::of(d), ws);
            (
                o.params.clone(),
                o.economy_summary.mean,
                super::Output::Closure.value(sc, o),
                super::Output::Halved.value(sc, o),
                super::Output::MinIcr.value(sc, o),
            )
        })
        .collect();
    let n = draws as f64;
    let closure = per_draw.iter().map(|r| r.2).sum::<f64>() / n;
    let p_halved = per_draw.iter().map(|r| r.3).sum::<f64>() / n;
    let min_icr = per_draw.iter().map(|r| r.4).sum::<f64>() / n;
    Ok((
        Figures {
            closure,
            p_halved,
            min_icr,
        },
        per_draw,
    ))
}

/// Ranks 1..n with ties averaged.
fn ranks(x: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..x.len()).collect();
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut r = vec![0.0; x.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && x[idx[j + 1]] == x[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for &k in &idx[i..=j] {
            r[k] = avg;
        }
        i = j + 1;
    }
    r
}

/// Standardised coefficients of the least-squares regression of `y` on the columns `xs`
/// (all standardised first), and R². Constant columns get coefficient 0.
pub fn standardised_regression(xs: &[Vec<f64>], y: &[f64]) -> (Vec<f64>, f64) {
    let n = y.len();
    let standardise = |v: &[f64]| -> Option<Vec<f64>> {
        let m = v.iter().sum::<f64>() / n as f64;
        let sd = (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / n as f64).sqrt();
        (sd > 0.0).then(|| v.iter().map(|x| (x - m) / sd).collect())
    };
    let Some(ys) = standardise(y) else {
        return (vec![0.0; xs.len()], 0.0);
    };
    let cols: Vec<Option<Vec<f64>>> = xs.iter().map(|x| standardise(x)).collect();
    let used: Vec<usize> = (0..xs.len()).filter(|&i| cols[i].is_some()).collect();
    if used.is_empty() {
        return (vec![0.0; xs.len()], 0.0);
    }
    let x = DMatrix::from_fn(n, used.len(), |r, c| {
        cols[used[c]].as_ref().expect("used")[r]
    });
    let yv = DVector::from_vec(ys);
    let beta = x
        .clone()
        .svd(true, true)
        .solve(&yv, 1e-12)
        .unwrap_or_else(|_| DVector::zeros(used.len()));
    let fitted = &x * &beta;
    let ss_res: f64 = (&yv - &fitted).iter().map(|e| e * e).sum();
    let ss_tot: f64 = yv.iter().map(|e| e * e).sum();
    let mut out = vec![0.0; xs.len()];
    for (c, &i) in used.iter().enumerate() {
        out[i] = beta[c];
    }
    (out, 1.0 - ss_res / ss_tot)
}

/// The tornado over the parameter factors of `factors` and the rank regression, on `draws`
/// draws of `sc` under `seed`.
///
/// # Errors
/// An interruption.
pub fn tornado(
    sc: &Scenario,
    factors: &[Factor],
    seed: u64,
    draws: usize,
    cancel: &Cancel,
) -> Result<Tornado, SensitivityError> {
    let (base, per_draw) = figures(sc, seed, draws, cancel)?;
    let params = &sc.params.params;
    let mut swings = vec![];
    let mut not_swung = vec![];
    for f in factors {
        let members: Vec<usize> = (0..params.len()).filter(|&i| f.swap.params[i]).collect();
        if f.kind == FactorKind::Random || members.is_empty() {
            not_swung.push(f.name.clone());
            continue;
        }
        if f.swap.economy || f.swap.multipliers || f.swap.noise {
            // A group mixing parameters with random components has no percentile either.
            not_swung.push(f.name.clone());
            continue;
        }
        let mut settings = [vec![], vec![]];
        let mut runs = vec![];
        for (side, p) in [0.05, 0.95].into_iter().enumerate() {
            let mut at = sc.clone();
            for &i in &members {
                let v = param_quantiles(&params[i].param, params[i].key, seed ^ 0x7043, &[p])[0];
                at.params.params[i].param = Param::constant(v);
                settings[side].push((params[i].path.clone(), v));
            }
            runs.push(figures(&at, seed, draws, cancel)?.0);
        }
        let [low_values, high_values] = settings;
        swings.push(Swing {
            factor: f.name.clone(),
            low_values,
            high_values,
            low: runs[0],
            high: runs[1],
        });
    }
    swings.sort_by(|a, b| b.width().total_cmp(&a.width()));

    // Rank regression on the uncertain parameters and the economy's mean per variable.
    let used = sc.used_params();
    let uncertain: Vec<usize> = (0..params.len())
        .filter(|&i| used[i] && !params[i].param.is_constant())
        .collect();
    let mut names: Vec<String> = uncertain.iter().map(|&i| params[i].path.clone()).collect();
    let mut xs: Vec<Vec<f64>> = uncertain
        .iter()
        .map(|&i| ranks(&per_draw.iter().map(|r| r.0[i]).collect::<Vec<_>>()))
        .collect();
    if sc.economy.sd.iter().any(|&s| s > 0.0) {
        for (v, name) in VARIABLES.iter().enumerate() {
            names.push(format!("economy: mean {name}"));
            xs.push(ranks(&per_draw.iter().map(|r| r.1[v]).collect::<Vec<_>>()));
        }
    }
    let y_closure = ranks(&per_draw.iter().map(|r| r.2).collect::<Vec<_>>());
    let y_icr = ranks(&per_draw.iter().map(|r| r.4).collect::<Vec<_>>());
    let (b_closure, r2_closure) = standardised_regression(&xs, &y_closure);
    let (b_icr, r2_min_icr) = standardised_regression(&xs, &y_icr);
    let mut srrc: Vec<Srrc> = names
        .into_iter()
        .zip(b_closure.into_iter().zip(b_icr))
        .map(|(regressor, (closure, min_icr))| Srrc {
            regressor,
            closure,
            min_icr,
        })
        .collect();
    srrc.sort_by(|a, b| b.closure.abs().total_cmp(&a.closure.abs()));
    Ok(Tornado {
        draws,
        base,
        swings,
        not_swung,
        srrc,
        r2_closure,
        r2_min_icr,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_average_ties() {
        assert_eq!(ranks(&[3.0, 1.0, 3.0, 2.0]), [3.5, 1.0, 3.5, 2.0]);
    }

    /// y = 2 x1 - x2 + 0 x3 exactly: the standardised coefficients are the coefficients
    /// times sd(x) / sd(y), R² is 1, and a constant column gets 0.
    #[test]
    fn regression_recovers_known_coefficients() {
        let n = 200;
        let x1: Vec<f64> = (0..n).map(|i| (i as f64 * 0.37).sin()).collect();
        let x2: Vec<f64> = (0..n).map(|i| (i as f64 * 1.91).cos()).collect();
        let x3 = vec![4.0; n];
        let y: Vec<f64> = (0..n).map(|i| 2.0 * x1[i] - x2[i]).collect();
        let sd = |v: &[f64]| {
            let m = v.iter().sum::<f64>() / v.len() as f64;
            (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / v.len() as f64).sqrt()
        };
        let (b, r2) = standardised_regression(&[x1.clone(), x2.clone(), x3], &y);
        assert!((b[0] - 2.0 * sd(&x1) / sd(&y)).abs() < 1e-9, "{b:?}");
        assert!((b[1] + sd(&x2) / sd(&y)).abs() < 1e-9, "{b:?}");
        assert_eq!(b[2], 0.0);
        assert!((r2 - 1.0).abs() < 1e-12);
    }

    #[test]
    fn quantiles_of_a_uniform() {
        let p = Param::new(
            crate::dist::DistSpec::Uniform {
                min: 0.0,
                max: 10.0,
            },
            None,
            None,
        )
        .unwrap();
        let q = param_quantiles(&p, 3, 1, &[0.05, 0.95]);
        // Sampling error of a quantile of 20,000 draws: sd about 0.015 here.
        assert!(
            (q[0] - 0.5).abs() < 0.08 && (q[1] - 9.5).abs() < 0.08,
            "{q:?}"
        );
    }
}
