//! The economy: a VAR(1) in deviations from a (possibly overlaid) mean path, with
//! Cholesky-correlated normal or Student-t shocks.
//!
//! x_t = m_t + A (x_{t-1} - m_{t-1}) + L e_t,  L L' = D R D,  x_0 = m_0.

use crate::scenario::{EconomySpec, INTEREST, Shocks, UNEMPLOYMENT};
use nalgebra::{Matrix4, Vector4};
use rand::Rng;
use rand_distr::{ChiSquared, Distribution, StandardNormal};

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

/// Simulates the latent path x_0..x_T into `latent` and the model's view (rates floored at 0)
/// into `out`; returns how many (year, variable) values were floored.
pub fn simulate<R: Rng + ?Sized>(
    spec: &EconomySpec,
    horizon: usize,
    rng: &mut R,
    latent: &mut Vec<Vector4<f64>>,
    out: &mut Vec<EconomyYear>,
) -> u32 {
    latent.clear();
    out.clear();
    let mut dev = Vector4::zeros();
    let mut floored = 0;
    for t in 0..=horizon {
        if t > 0 {
            dev = step(spec, &dev, &shock(spec.shocks, rng));
        }
        let x = mean_at(spec, t) + dev;
        latent.push(x);
        let mut year = EconomyYear {
            house_price_growth: x[0],
            interest: x[INTEREST],
            inflation: x[2],
            unemployment: x[UNEMPLOYMENT],
        };
        if t > 0 {
            if year.interest < 0.0 {
                year.interest = 0.0;
                floored += 1;
            }
            if year.unemployment < 0.0 {
                year.unemployment = 0.0;
                floored += 1;
            }
        }
        out.push(year);
    }
    floored
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
    use crate::scenario::Shocks;

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
