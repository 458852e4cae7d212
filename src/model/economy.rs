//! The economy: a VAR(1) in deviations from a (possibly overlaid) mean path, with
//! Cholesky-correlated normal or Student-t shocks.
//!
//! x_t = m_t + A (x_{t-1} - m_{t-1}) + L e_t,  L L' = D R D,  x_0 = m_0.

use nalgebra::{Matrix4, Vector4};
use rand::Rng;
use rand_distr::{ChiSquared, Distribution, StandardNormal};
use serde::Serialize;

/// The four economic variables, in the order of the VAR state vector.
pub const VARIABLES: [&str; 4] = [
    "house_price_growth",
    "interest",
    "inflation",
    "unemployment",
];
/// Index of house-price growth h in the economy vector.
pub const HOUSE_PRICE: usize = 0;
/// Index of the new-borrowing interest rate i.
pub const INTEREST: usize = 1;
/// Index of inflation p.
pub const INFLATION: usize = 2;
/// Index of the national unemployment rate u.
pub const UNEMPLOYMENT: usize = 3;

/// Distribution of the VAR(1) shocks.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Shocks {
    Normal,
    /// Student-t with `df` degrees of freedom, scaled to unit variance.
    StudentT {
        df: f64,
    },
}

/// The economy: x_t = m_t + A (x_{t-1} - m_{t-1}) + L e_t.
#[derive(Clone, Debug, Serialize)]
pub struct EconomySpec {
    pub mean: [f64; 4],
    pub sd: [f64; 4],
    /// Diagonal of A.
    pub persistence: [f64; 4],
    pub correlation: [[f64; 4]; 4],
    pub shocks: Shocks,
    /// overlay[t][v]: added to the mean of variable v in model year t (t = 0 is the year
    /// before the start).
    pub overlay: Vec<[f64; 4]>,
    /// L with L L' = D R D.
    #[serde(skip)]
    pub cholesky: Matrix4<f64>,
}

/// One year's economy as the model uses it: rates floored at 0.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct EconomyYear {
    /// House-price growth h_t.
    pub house_price_growth: f64,
    /// New-borrowing interest rate i_t (floored at 0).
    pub interest: f64,
    /// Inflation p_t.
    pub inflation: f64,
    /// National unemployment rate u_t (floored at 0).
    pub unemployment: f64,
}

/// Mean path m_t of model year t.
pub fn mean_at(spec: &EconomySpec, t: usize) -> Vector4<f64> {
    Vector4::from(spec.mean) + Vector4::from(spec.overlay[t])
}

/// One VAR step in deviations from the mean: A dev + L e.
pub fn step(spec: &EconomySpec, deviation: &Vector4<f64>, shock: &Vector4<f64>) -> Vector4<f64> {
    Vector4::from(spec.persistence).component_mul(deviation) + spec.cholesky * shock
}

/// A unit-variance shock vector: standard normal, or multivariate Student-t (one chi-square
/// per year shared by the four components, so bad years hit all variables together).
pub fn shock<R: Rng + ?Sized>(shocks: Shocks, rng: &mut R) -> Vector4<f64> {
    let z = Vector4::from_fn(|_, _| StandardNormal.sample(rng));
    match shocks {
        Shocks::Normal => z,
        Shocks::StudentT { df } => {
            let w: f64 = ChiSquared::new(df)
                .expect("df > 2 checked at load")
                .sample(rng);
            z * ((df - 2.0) / w).sqrt()
        }
    }
}

/// Simulates the path x_0..x_T into `out` and returns how many (year, variable) values were
/// floored. From year 1 on the new-borrowing rate and unemployment are floored at 0, and the
/// floored value is what the VAR carries into the next year (the reference model v2, docs/model.md).
pub fn simulate<R: Rng + ?Sized>(
    spec: &EconomySpec,
    horizon: usize,
    rng: &mut R,
    out: &mut Vec<EconomyYear>,
) -> u32 {
    out.clear();
    let mut dev = Vector4::zeros();
    let mut floored = 0;
    for t in 0..=horizon {
        if t > 0 {
            dev = step(spec, &dev, &shock(spec.shocks, rng));
        }
        let mean = mean_at(spec, t);
        let mut x = mean + dev;
        if t > 0 {
            for v in [INTEREST, UNEMPLOYMENT] {
                if x[v] < 0.0 {
                    x[v] = 0.0;
                    floored += 1;
                }
            }
            dev = x - mean;
        }
        out.push(EconomyYear {
            house_price_growth: x[HOUSE_PRICE],
            interest: x[INTEREST],
            inflation: x[INFLATION],
            unemployment: x[UNEMPLOYMENT],
        });
    }
    floored
}

/// What a draw's economy was like over the horizon, for finding the drivers of an outcome.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct EconomySummary {
    /// Per variable ([`VARIABLES`] order), the mean over years 1..T.
    pub mean: [f64; 4],
    /// The highest unemployment rate in years 1..T.
    pub max_unemployment: f64,
}

/// Summarises a path x_0..x_T over years 1..T.
pub fn summarise(path: &[EconomyYear]) -> EconomySummary {
    let years = &path[1.min(path.len())..];
    let n = years.len().max(1) as f64;
    let mut mean = [0.0; 4];
    let mut max_unemployment = f64::NEG_INFINITY;
    for x in years {
        for (m, v) in mean.iter_mut().zip([
            x.house_price_growth,
            x.interest,
            x.inflation,
            x.unemployment,
        ]) {
            *m += v / n;
        }
        max_unemployment = max_unemployment.max(x.unemployment);
    }
    EconomySummary {
        mean,
        max_unemployment,
    }
}

/// Covariance of x_t given x_0 = m_0: Sigma_t = A Sigma_{t-1} A' + L L', Sigma_0 = 0.
pub fn covariance_at(spec: &EconomySpec, t: usize) -> Matrix4<f64> {
    let a = Matrix4::from_diagonal(&Vector4::from(spec.persistence));
    let s = spec.cholesky * spec.cholesky.transpose();
    let mut sigma = Matrix4::zeros();
    for _ in 0..t {
        sigma = a * sigma * a.transpose() + s;
    }
    sigma
}

/// Stationary covariance: the fixed point of Sigma = A Sigma A' + S. With A diagonal it is
/// S_ij / (1 - a_i a_j) in closed form.
pub fn stationary_covariance(spec: &EconomySpec) -> Matrix4<f64> {
    let s = spec.cholesky * spec.cholesky.transpose();
    let a = spec.persistence;
    Matrix4::from_fn(|i, j| s[(i, j)] / (1.0 - a[i] * a[j]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> EconomySpec {
        EconomySpec {
            mean: [0.025, 0.035, 0.02, 0.055],
            sd: [0.045, 0.006, 0.008, 0.008],
            persistence: [0.7, 0.85, 0.5, 0.8],
            correlation: [
                [1.0, 0.0, 0.0, 0.0],
                [0.0, 1.0, 0.0, 0.0],
                [0.0, 0.0, 1.0, 0.0],
                [0.0, 0.0, 0.0, 1.0],
            ],
            shocks: Shocks::Normal,
            overlay: vec![[0.0; 4], [0.01, 0.0, 0.0, 0.0], [0.0; 4]],
            cholesky: Matrix4::from_diagonal(&Vector4::new(0.045, 0.006, 0.008, 0.008)),
        }
    }

    #[test]
    fn one_step_by_hand() {
        let s = spec();
        let dev = Vector4::new(0.01, -0.002, 0.0, 0.004);
        let e = Vector4::new(1.0, 0.5, -1.0, 2.0);
        let next = step(&s, &dev, &e);
        let want = [
            0.7 * 0.01 + 0.045,
            0.85 * -0.002 + 0.003,
            -0.008,
            0.8 * 0.004 + 0.016,
        ];
        for v in 0..4 {
            assert!(
                (next[v] - want[v]).abs() < 1e-15,
                "{v}: {} vs {}",
                next[v],
                want[v]
            );
        }
        // The overlay shifts the mean of year 1 only.
        assert!((mean_at(&s, 1)[0] - 0.035).abs() < 1e-15);
        assert!((mean_at(&s, 2)[0] - 0.025).abs() < 1e-15);
    }

    #[test]
    fn covariance_converges_to_stationary() {
        let s = spec();
        let c1 = covariance_at(&s, 1);
        assert!((c1[(0, 0)] - 0.045f64.powi(2)).abs() < 1e-15);
        let far = covariance_at(&s, 400);
        let st = stationary_covariance(&s);
        assert!((far - st).abs().max() < 1e-12);
    }
}
