//! Statistical checks against closed-form values, with tolerances derived from the Monte Carlo
//! standard error and fixed seeds (so they are deterministic, not flaky).
//!
//! - the economy's sample moments against the VAR(1)'s stationary moments;
//! - a degenerate scenario (no spending, no leakage, no cycle, no spillover) whose gaps are
//!   sums of Gaussian noise with a variance derived by hand;
//! - the same with leakage and ageing, where g_T is an AR(1) with a deterministic drift.

use nalgebra::{Matrix4, Vector4};
use std::path::{Path, PathBuf};
use wijksim::model::economy::{self, EconomyYear};
use wijksim::model::{Workspace, simulate_draw};
use wijksim::rng::{component_key, stream};
use wijksim::scenario::{self, EconomySpec, Scenario, Shocks};

/// Tolerance in standard errors. With fixed seeds a test either always passes or always
/// fails; 5 SE leaves room for the few dozen comparisons each test makes.
const Z: f64 = 5.0;

fn baseline() -> Scenario {
    scenario::load(Path::new("scenarios/baseline.toml")).expect("baseline loads")
}

/// Sample moments of a set of vectors: means, covariance, and per entry the standard error
/// of the sample covariance, estimated from the sample's own fourth moments (valid for
/// heavy-tailed shocks too).
struct SampleMoments {
    mean: Vector4<f64>,
    cov: Matrix4<f64>,
    cov_se: Matrix4<f64>,
    n: f64,
}

fn sample_moments(xs: &[Vector4<f64>]) -> SampleMoments {
    let n = xs.len() as f64;
    let mean = xs.iter().fold(Vector4::zeros(), |a, x| a + x) / n;
    let mut cov = Matrix4::zeros();
    for x in xs {
        let d = x - mean;
        cov += d * d.transpose();
    }
    cov /= n - 1.0;
    let mut var_of_products = Matrix4::zeros();
    for x in xs {
        let d = x - mean;
        let p = d * d.transpose() - cov;
        var_of_products += p.component_mul(&p);
    }
    var_of_products /= n - 1.0;
    let cov_se = var_of_products.map(|v| (v / n).sqrt());
    SampleMoments {
        mean,
        cov,
        cov_se,
        n,
    }
}

/// Simulates the economy of `draws` draws for `years` years and returns x_years. (The rates
/// are floored at 0, which at these means and sds happens in about 0.1% of the years and
/// year and moves the mean by some 3e-6, far below what the moments below can see.)
fn economy_at(spec: &EconomySpec, years: usize, draws: u64, seed: u64) -> Vec<Vector4<f64>> {
    let mut spec = spec.clone();
    spec.overlay = vec![[0.0; 4]; years + 1];
    let mut out: Vec<EconomyYear> = vec![];
    (0..draws)
        .map(|d| {
            let mut rng = stream(seed, d, component_key("economy"));
            economy::simulate(&spec, years, &mut rng, &mut out);
            let x = out[years];
            Vector4::new(
                x.house_price_growth,
                x.interest,
                x.inflation,
                x.unemployment,
            )
        })
        .collect()
}

fn check_against_stationary(spec: &EconomySpec, seed: u64) {
    // 80 years: the slowest component (a = 0.85) has forgotten x_0 to within 0.85^160 ~ 5e-12
    // of its variance, far below the Monte Carlo error.
    let xs = economy_at(spec, 80, 40_000, seed);
    let m = sample_moments(&xs);
    let sigma = economy::stationary_covariance(spec);
    for v in 0..4 {
        let se = (sigma[(v, v)] / m.n).sqrt();
        assert!(
            (m.mean[v] - spec.mean[v]).abs() < Z * se,
            "mean of variable {v}: sample {} vs {} (se {se})",
            m.mean[v],
            spec.mean[v]
        );
    }
    for i in 0..4 {
        for j in 0..=i {
            let (got, want, se) = (m.cov[(i, j)], sigma[(i, j)], m.cov_se[(i, j)]);
            assert!(
                (got - want).abs() < Z * se,
                "covariance ({i},{j}): sample {got} vs stationary {want} (se {se})"
            );
        }
    }
    // Correlations, the quantity users set in the file: delta-method SE (1 - rho^2)/sqrt(n)
    // for Gaussian data, inflated by the observed-vs-Gaussian ratio of the covariance SEs.
    for i in 0..4 {
        for j in 0..i {
            let want = sigma[(i, j)] / (sigma[(i, i)] * sigma[(j, j)]).sqrt();
            let got = m.cov[(i, j)] / (m.cov[(i, i)] * m.cov[(j, j)]).sqrt();
            let gaussian_cov_se =
                ((sigma[(i, i)] * sigma[(j, j)] + sigma[(i, j)].powi(2)) / m.n).sqrt();
            let inflation = (m.cov_se[(i, j)] / gaussian_cov_se).max(1.0);
            let se = inflation * (1.0 - want * want).max(0.05) / m.n.sqrt();
            assert!(
                (got - want).abs() < Z * se,
                "correlation ({i},{j}): sample {got} vs stationary {want} (se {se})"
            );
        }
    }
}

#[test]
fn economy_matches_stationary_moments_normal_shocks() {
    let sc = baseline();
    assert_eq!(sc.economy.shocks, Shocks::Normal);
    check_against_stationary(&sc.economy, 11);
}

#[test]
fn economy_matches_stationary_moments_student_t_shocks() {
    let mut spec = baseline().economy;
    spec.shocks = Shocks::StudentT { df: 6.0 };
    check_against_stationary(&spec, 12);
}

#[test]
fn stationary_covariance_is_the_fixed_point_of_the_recursion() {
    let spec = baseline().economy;
    let fixed = economy::stationary_covariance(&spec);
    let iterated = economy::covariance_at(&spec, 400);
    assert!(
        (fixed - iterated).abs().max() < 1e-15,
        "{fixed} vs {iterated}"
    );
    // The baseline's stationary correlation of house prices and unemployment, by hand:
    // S_hu / (1 - a_h a_u) over the square roots of S_hh / (1 - a_h^2) and S_uu / (1 - a_u^2).
    let (sh, su, r, ah, au): (f64, f64, f64, f64, f64) = (0.045, 0.008, -0.7, 0.7, 0.8);
    let want = r * sh * su
        / (1.0 - ah * au)
        / (sh * sh / (1.0 - ah * ah) * su * su / (1.0 - au * au)).sqrt();
    let got = fixed[(0, 3)] / (fixed[(0, 0)] * fixed[(3, 3)]).sqrt();
    assert!((got - want).abs() < 1e-12, "{got} vs {want}");
}

#[test]
fn economy_after_a_few_years_matches_the_transient_covariance() {
    // From x_0 = m_0 the covariance after t years is Sigma_t = A Sigma_{t-1} A' + S.
    let spec = baseline().economy;
    let xs = economy_at(&spec, 3, 40_000, 13);
    let m = sample_moments(&xs);
    let sigma = economy::covariance_at(&spec, 3);
    for i in 0..4 {
        for j in 0..=i {
            let (got, want, se) = (m.cov[(i, j)], sigma[(i, j)], m.cov_se[(i, j)]);
            assert!(
                (got - want).abs() < Z * se,
                "covariance after 3 years ({i},{j}): {got} vs {want} (se {se})"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// Degenerate scenarios.

const DEGENERATE_CSV: &str = "\
gemeente,wijk,additionele_inzet_mln_per_jaar,max_subsidie_eur_per_jaar,inwoners,woningen
Aland,Noord,0,0,10000,4000
Aland,Zuid,0,0,20000,9000
Beland,Oost,0,0,30000,12000
";

/// Three indicators (two social, one physical) with noise sds `sigma`, weights 1, 2, 1, no
/// money at all, no cycle, no spillover; `gaps` is the `[gaps]` table.
fn degenerate_toml(gaps: &str) -> String {
    format!(
        r#"
name = "degenerate"
description = "no spending: gaps move by noise (and leakage and ageing) only"
[run]
horizon = 10
[data]
wijken = "wijken.csv"
[gaps]
{gaps}
[municipalities.defaults]
budget_per_resident = 0
[state]
budget_per_wijk = 0

[[indicators]]
name = "work"
city = 5
wijk = 10
effect = 0.05     # would close gaps if there were money; there is none
cyclical = 0
sigma = 0.03
weight = 1

[[indicators]]
name = "income"
city = 30
wijk = 20
better = "higher"
effect = {{ dist = "pert", min = 0.0, mode = 0.04, max = 0.10 }}
sigma = 0.05
weight = 2

[[indicators]]
name = "housing"
city = 10
wijk = 25
response = "physical"
sigma = 0.02
weight = 1
"#
    )
}

fn write_scenario(dir: &Path, toml: &str) -> PathBuf {
    std::fs::write(dir.join("wijken.csv"), DEGENERATE_CSV).unwrap();
    let path = dir.join("degenerate.toml");
    std::fs::write(&path, toml).unwrap();
    path
}

/// g_T per (wijk, indicator), c_T per wijk and overall c_T of every draw.
struct Draws {
    g: Vec<Vec<f64>>,
    c: Vec<Vec<f64>>,
    overall: Vec<f64>,
}

fn simulate(sc: &Scenario, draws: u64, seed: u64) -> Draws {
    let (n_w, n_k) = (sc.wijken.len(), sc.indicators.len());
    let t = sc.horizon();
    let mut ws = Workspace::default();
    let mut out = Draws {
        g: vec![vec![]; n_w * n_k],
        c: vec![vec![]; n_w],
        overall: vec![],
    };
    for d in 0..draws {
        let o = simulate_draw(sc, seed, d, &mut ws);
        for (i, g) in o.g_final.iter().enumerate() {
            out.g[i].push(*g);
        }
        for w in 0..n_w {
            out.c[w].push(o.c[w * (t + 1) + t]);
        }
        out.overall.push(o.c_all[t]);
    }
    out
}

/// Asserts that `xs` has mean `mu` and variance `var` within Monte Carlo error, assuming
/// Gaussian data (SE of the variance sqrt(2/(n-1)) var), and that its 5% and 95% tails hold
/// 5% each (binomial SE).
fn assert_gaussian(xs: &[f64], mu: f64, var: f64, what: &str) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let s2 = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let se_mean = (var / n).sqrt();
    let se_var = var * (2.0 / (n - 1.0)).sqrt();
    assert!(
        (mean - mu).abs() < Z * se_mean,
        "{what}: mean {mean} vs {mu} (se {se_mean})"
    );
    assert!(
        (s2 - var).abs() < Z * se_var,
        "{what}: variance {s2} vs {var} (se {se_var})"
    );
    let z95 = 1.644_853_626_951_472_2;
    let sd = var.sqrt();
    let below = xs.iter().filter(|&&x| x < mu - z95 * sd).count() as f64 / n;
    let above = xs.iter().filter(|&&x| x > mu + z95 * sd).count() as f64 / n;
    let se_p = (0.05 * 0.95 / n).sqrt();
    assert!(
        (below - 0.05).abs() < Z * se_p,
        "{what}: lower tail {below}"
    );
    assert!(
        (above - 0.05).abs() < Z * se_p,
        "{what}: upper tail {above}"
    );
}

#[test]
fn degenerate_scenario_gives_gaussian_gaps_with_the_derived_variance() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_scenario(
        dir.path(),
        &degenerate_toml("leak = 0\naging = 0\nretention = 0"),
    );
    let sc = scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let t = sc.horizon() as f64;
    let sigma = [0.03, 0.05, 0.02];
    let weight = [0.25, 0.5, 0.25]; // 1, 2, 1 normalised
    let d = simulate(&sc, 20_000, 5);

    // No money reaches the wijken, nothing leaks and nothing ages, so
    // g_k,T = 1 + sigma_k (e_1 + ... + e_T) ~ N(1, T sigma_k^2), independent across k and w.
    for w in 0..3 {
        for (k, s) in sigma.iter().enumerate() {
            assert_gaussian(
                &d.g[w * 3 + k],
                1.0,
                t * s * s,
                &format!("g_T of wijk {w}, indicator {k}"),
            );
        }
    }
    // c_T = sum_k weight_k g_k,T ~ N(1, T sum_k weight_k^2 sigma_k^2).
    let var_c: f64 = t * (0..3).map(|k| (weight[k] * sigma[k]).powi(2)).sum::<f64>();
    for w in 0..3 {
        assert_gaussian(&d.c[w], 1.0, var_c, &format!("c_T of wijk {w}"));
    }
    // Overall c_T is population-weighted (10k, 20k, 30k residents) over independent wijken:
    // variance var_c (1 + 4 + 9) / 36.
    assert_gaussian(&d.overall, 1.0, var_c * 14.0 / 36.0, "overall c_T");
}

#[test]
fn degenerate_scenario_with_leakage_and_ageing_is_an_ar1_with_drift() {
    let dir = tempfile::tempdir().unwrap();
    let (leak, aging): (f64, f64) = (0.1, 0.3);
    let path = write_scenario(
        dir.path(),
        &degenerate_toml(&format!("leak = {leak}\naging = {aging}\nretention = 0")),
    );
    let sc = scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let t = sc.horizon() as i32;
    let d = simulate(&sc, 20_000, 6);

    // Social indicators: y_t = g_t - 1 follows y_t = (1 - leak) y_{t-1} + sigma e_t, y_0 = 0,
    // so g_T ~ N(1, sigma^2 sum_{j<T} (1 - leak)^{2j}).
    let ar = (0..t).map(|j| (1.0 - leak).powi(2 * j)).sum::<f64>();
    for w in 0..3 {
        assert_gaussian(&d.g[w * 3], 1.0, 0.03 * 0.03 * ar, "work g_T with leakage");
        assert_gaussian(
            &d.g[w * 3 + 1],
            1.0,
            0.05 * 0.05 * ar,
            "income g_T with leakage",
        );
        // Housing does not leak but ages: + aging / G(0) a year, G(0) = 15 pp.
        assert_gaussian(
            &d.g[w * 3 + 2],
            1.0 + f64::from(t) * aging / 15.0,
            f64::from(t) * 0.02 * 0.02,
            "housing g_T with ageing",
        );
    }
}

#[test]
fn zero_spending_means_no_closure_beyond_noise_in_every_draw() {
    // With sigma = 0 as well, the degenerate scenario is deterministic: every gap stays at 1.
    let dir = tempfile::tempdir().unwrap();
    let toml = degenerate_toml("leak = 0\naging = 0")
        .replace("sigma = 0.03", "sigma = 0")
        .replace("sigma = 0.05", "sigma = 0")
        .replace("sigma = 0.02", "sigma = 0");
    let path = write_scenario(dir.path(), &toml);
    let sc = scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let d = simulate(&sc, 200, 7);
    for g in d.g.iter().flatten() {
        assert_eq!(*g, 1.0);
    }
    for c in &d.overall {
        assert!((c - 1.0).abs() < 1e-15, "{c}");
    }
}
