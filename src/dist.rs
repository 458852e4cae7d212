//! Distributions of uncertain parameters, validated once and sampled per draw.

use rand::Rng;
use rand_distr::{Beta, Distribution, LogNormal, Normal, Pert, Triangular, Uniform};
use serde::Serialize;

/// The family and parameters of an uncertain value, as the scenario gives it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "dist", rename_all = "snake_case")]
pub enum DistSpec {
    Constant {
        value: f64,
    },
    Normal {
        mean: f64,
        sd: f64,
    },
    /// Lognormal given by its mean and sd on the natural scale.
    Lognormal {
        mean: f64,
        sd: f64,
    },
    Uniform {
        min: f64,
        max: f64,
    },
    Triangular {
        min: f64,
        mode: f64,
        max: f64,
    },
    Pert {
        min: f64,
        mode: f64,
        max: f64,
    },
    /// Beta(a, b) stretched onto [min, max].
    Beta {
        a: f64,
        b: f64,
        min: f64,
        max: f64,
    },
}

impl DistSpec {
    /// The value that locates the distribution, which calibration moves: the value of a
    /// constant, the mode of a PERT or triangular, the mean of a normal, lognormal or beta, the
    /// midpoint of a uniform.
    pub fn location(&self) -> f64 {
        match *self {
            DistSpec::Constant { value } => value,
            DistSpec::Normal { mean, .. } | DistSpec::Lognormal { mean, .. } => mean,
            DistSpec::Uniform { min, max } => (min + max) / 2.0,
            DistSpec::Triangular { mode, .. } | DistSpec::Pert { mode, .. } => mode,
            DistSpec::Beta { a, b, min, max } => min + (max - min) * a / (a + b),
        }
    }

    /// The locations `v` the distribution can be moved to (by [`DistSpec::at_location`]) while
    /// its support stays within [lo, hi].
    pub fn location_range(&self, lo: f64, hi: f64) -> (f64, f64) {
        let (smin, smax) = support(self);
        let loc = self.location();
        if loc == 0.0 || !smin.is_finite() || !smax.is_finite() {
            // Shifted (or unbounded): v - loc + support within [lo, hi].
            return (
                if smin.is_finite() {
                    lo - smin + loc
                } else {
                    f64::NEG_INFINITY
                },
                if smax.is_finite() {
                    hi - smax + loc
                } else {
                    f64::INFINITY
                },
            );
        }
        // Scaled by f = v / loc: f smin >= lo and f smax <= hi, and f > 0 (at f = 0 the
        // distribution would collapse to a point).
        let mut f = (1e-9_f64, f64::INFINITY);
        for (edge, limit_lo, limit_hi) in [(smin, lo, hi), (smax, lo, hi)] {
            if edge > 0.0 {
                f = (f.0.max(limit_lo / edge), f.1.min(limit_hi / edge));
            } else if edge < 0.0 {
                f = (f.0.max(limit_hi / edge), f.1.min(limit_lo / edge));
            }
        }
        let (a, b) = (f.0 * loc, f.1 * loc);
        (a.min(b), a.max(b))
    }

    /// The same distribution with its location at `v`: scaled by v / location, so that its
    /// shape and relative spread stay (and a draw from the same random numbers scales with
    /// it); shifted instead when the location is 0.
    pub fn at_location(&self, v: f64) -> DistSpec {
        let old = self.location();
        let scale = old != 0.0;
        // Each number as its ratio to (or offset from) the location, rounded to 9 significant
        // digits, times (plus) the new location: a distribution moved from a copy that was
        // moved before gives the same numbers, not ones a few ulps apart (which would make a
        // calibration depend on where the scenario's distribution was last moved).
        let m = |x: f64| {
            if scale {
                round9(x / old) * v
            } else {
                v + round9(x - old)
            }
        };
        // A spread (sd) scales but never shifts.
        let sd = |x: f64| {
            if scale {
                round9(x / old.abs()) * v.abs()
            } else {
                x
            }
        };
        match *self {
            DistSpec::Constant { .. } => DistSpec::Constant { value: v },
            DistSpec::Normal { sd: s, .. } => DistSpec::Normal { mean: v, sd: sd(s) },
            DistSpec::Lognormal { sd: s, .. } => DistSpec::Lognormal { mean: v, sd: sd(s) },
            DistSpec::Uniform { min, max } => DistSpec::Uniform {
                min: m(min).min(m(max)),
                max: m(min).max(m(max)),
            },
            DistSpec::Triangular { min, max, .. } => DistSpec::Triangular {
                min: m(min).min(m(max)),
                mode: v,
                max: m(min).max(m(max)),
            },
            DistSpec::Pert { min, max, .. } => DistSpec::Pert {
                min: m(min).min(m(max)),
                mode: v,
                max: m(min).max(m(max)),
            },
            DistSpec::Beta { a, b, min, max } => DistSpec::Beta {
                a,
                b,
                min: m(min).min(m(max)),
                max: m(min).max(m(max)),
            },
        }
    }
}

/// `x` rounded to 9 significant digits.
fn round9(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let digits = 8 - x.abs().log10().floor() as i32;
    let factor = 10f64.powi(digits);
    (x * factor).round() / factor
}

/// A validated, ready-to-sample parameter: a distribution with optional truncation bounds.
#[derive(Clone, Debug, Serialize)]
pub struct Param {
    #[serde(flatten)]
    pub spec: DistSpec,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lower: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upper: Option<f64>,
    #[serde(skip)]
    sampler: Sampler,
}

#[derive(Clone, Debug)]
enum Sampler {
    Constant(f64),
    Normal(Normal<f64>),
    LogNormal(LogNormal<f64>),
    Uniform(Uniform<f64>),
    Triangular(Triangular<f64>),
    Pert(Pert<f64>),
    Beta(Beta<f64>, f64, f64),
}

/// How many rejections a truncated draw may take before it is clamped to the bounds.
const MAX_REJECTIONS: usize = 1000;

fn finite(name: &str, v: f64) -> Result<(), String> {
    if v.is_finite() {
        Ok(())
    } else {
        Err(format!("{name} must be a finite number, got {v}"))
    }
}

impl Param {
    /// A parameter that is the same in every draw.
    pub fn constant(value: f64) -> Param {
        Param::new(DistSpec::Constant { value }, None, None).expect("a finite constant")
    }

    /// Validates the distribution and its bounds.
    ///
    /// # Errors
    /// A message saying which argument is out of range and why.
    pub fn new(spec: DistSpec, lower: Option<f64>, upper: Option<f64>) -> Result<Param, String> {
        let sampler = match spec {
            DistSpec::Constant { value } => {
                finite("value", value)?;
                Sampler::Constant(value)
            }
            DistSpec::Normal { mean, sd } => {
                finite("mean", mean)?;
                finite("sd", sd)?;
                if sd < 0.0 {
                    return Err(format!("sd must be >= 0, got {sd}"));
                }
                Sampler::Normal(Normal::new(mean, sd).map_err(|e| e.to_string())?)
            }
            DistSpec::Lognormal { mean, sd } => {
                finite("mean", mean)?;
                finite("sd", sd)?;
                if mean <= 0.0 {
                    return Err(format!("lognormal mean must be > 0, got {mean}"));
                }
                if sd < 0.0 {
                    return Err(format!("sd must be >= 0, got {sd}"));
                }
                let s2 = (1.0 + (sd / mean).powi(2)).ln();
                let mu = mean.ln() - s2 / 2.0;
                Sampler::LogNormal(LogNormal::new(mu, s2.sqrt()).map_err(|e| e.to_string())?)
            }
            DistSpec::Uniform { min, max } => {
                finite("min", min)?;
                finite("max", max)?;
                if min >= max {
                    return Err(format!("min ({min}) must be below max ({max})"));
                }
                Sampler::Uniform(Uniform::new(min, max).map_err(|e| e.to_string())?)
            }
            DistSpec::Triangular { min, mode, max } | DistSpec::Pert { min, mode, max } => {
                finite("min", min)?;
                finite("mode", mode)?;
                finite("max", max)?;
                if min >= max {
                    return Err(format!("min ({min}) must be below max ({max})"));
                }
                if mode < min || mode > max {
                    return Err(format!(
                        "mode ({mode}) must lie in [min, max] = [{min}, {max}]"
                    ));
                }
                if matches!(spec, DistSpec::Pert { .. }) {
                    Sampler::Pert(
                        Pert::new(min, max)
                            .with_mode(mode)
                            .map_err(|e| e.to_string())?,
                    )
                } else {
                    Sampler::Triangular(Triangular::new(min, max, mode).map_err(|e| e.to_string())?)
                }
            }
            DistSpec::Beta { a, b, min, max } => {
                for (n, v) in [("a", a), ("b", b), ("min", min), ("max", max)] {
                    finite(n, v)?;
                }
                if a <= 0.0 || b <= 0.0 {
                    return Err(format!(
                        "beta shapes a and b must be > 0, got a = {a}, b = {b}"
                    ));
                }
                if min >= max {
                    return Err(format!("min ({min}) must be below max ({max})"));
                }
                Sampler::Beta(Beta::new(a, b).map_err(|e| e.to_string())?, min, max)
            }
        };
        if let Some(l) = lower {
            finite("lower", l)?;
        }
        if let Some(u) = upper {
            finite("upper", u)?;
        }
        if let (Some(l), Some(u)) = (lower, upper)
            && l >= u
        {
            return Err(format!("lower bound ({l}) must be below upper bound ({u})"));
        }
        let (smin, smax) = support(&spec);
        if lower.is_some_and(|l| l >= smax) || upper.is_some_and(|u| u <= smin) {
            return Err(format!(
                "bounds [{}, {}] exclude the whole support [{smin}, {smax}] of the distribution",
                lower.unwrap_or(f64::NEG_INFINITY),
                upper.unwrap_or(f64::INFINITY)
            ));
        }
        Ok(Param {
            spec,
            lower,
            upper,
            sampler,
        })
    }

    /// Smallest and largest value a draw can take (support intersected with the bounds).
    pub fn range(&self) -> (f64, f64) {
        let (lo, hi) = support(&self.spec);
        (
            self.lower.map_or(lo, |l| l.max(lo)),
            self.upper.map_or(hi, |u| u.min(hi)),
        )
    }

    /// True when every draw gives the same value.
    pub fn is_constant(&self) -> bool {
        matches!(self.sampler, Sampler::Constant(_))
    }

    /// The value if the parameter is a constant.
    pub fn constant_value(&self) -> Option<f64> {
        match self.sampler {
            Sampler::Constant(v) => Some(v),
            _ => None,
        }
    }

    /// One value. Truncation is by rejection; after [`MAX_REJECTIONS`] tries the value is
    /// clamped into the bounds (documented in docs/model.md).
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let lo = self.lower.unwrap_or(f64::NEG_INFINITY);
        let hi = self.upper.unwrap_or(f64::INFINITY);
        let mut v = self.sample_raw(rng);
        let mut tries = 0;
        while (v < lo || v > hi) && tries < MAX_REJECTIONS {
            v = self.sample_raw(rng);
            tries += 1;
        }
        v.clamp(lo, hi)
    }

    fn sample_raw<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match &self.sampler {
            Sampler::Constant(v) => *v,
            Sampler::Normal(d) => d.sample(rng),
            Sampler::LogNormal(d) => d.sample(rng),
            Sampler::Uniform(d) => d.sample(rng),
            Sampler::Triangular(d) => d.sample(rng),
            Sampler::Pert(d) => d.sample(rng),
            Sampler::Beta(d, min, max) => min + (max - min) * d.sample(rng),
        }
    }
}

/// Smallest and largest value the distribution can take.
fn support(spec: &DistSpec) -> (f64, f64) {
    match *spec {
        DistSpec::Constant { value } => (value, value),
        DistSpec::Normal { .. } => (f64::NEG_INFINITY, f64::INFINITY),
        DistSpec::Lognormal { .. } => (0.0, f64::INFINITY),
        DistSpec::Uniform { min, max }
        | DistSpec::Triangular { min, max, .. }
        | DistSpec::Pert { min, max, .. }
        | DistSpec::Beta { min, max, .. } => (min, max),
    }
}

/// Per-wijk multiplier: lognormal with mean 1 and coefficient of variation `cv`, computed from
/// one standard normal `z` so that each wijk's multiplier uses exactly one number of its stream.
pub fn unit_mean_lognormal(cv: f64, z: f64) -> f64 {
    UnitMeanLognormal::new(cv).at(z)
}

/// [`unit_mean_lognormal`] with its logarithm and square root computed once, for many draws
/// of the same coefficient of variation: the same numbers, bit for bit.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct UnitMeanLognormal {
    /// s^2 = ln(1 + cv^2) and s; `None` for cv = 0 (always 1).
    s2_and_s: Option<(f64, f64)>,
}

impl UnitMeanLognormal {
    pub fn new(cv: f64) -> UnitMeanLognormal {
        let s2 = (1.0 + cv * cv).ln();
        UnitMeanLognormal {
            s2_and_s: (cv != 0.0).then(|| (s2, s2.sqrt())),
        }
    }

    /// exp(-s^2 / 2 + s z).
    pub fn at(&self, z: f64) -> f64 {
        match self.s2_and_s {
            None => 1.0,
            Some((s2, s)) => (-s2 / 2.0 + s * z).exp(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::stream;

    #[test]
    fn moving_a_distribution_keeps_its_shape_and_its_draws_scale() {
        let pert = DistSpec::Pert {
            min: 300.0,
            mode: 1000.0,
            max: 4000.0,
        };
        assert_eq!(pert.location(), 1000.0);
        let moved = pert.at_location(2000.0);
        assert_eq!(
            moved,
            DistSpec::Pert {
                min: 600.0,
                mode: 2000.0,
                max: 8000.0
            }
        );
        // The same random numbers give twice the value: calibration's objective is smooth.
        let (a, b) = (
            Param::new(pert.clone(), None, None).unwrap(),
            Param::new(moved.clone(), None, None).unwrap(),
        );
        for d in 0..20 {
            let x = a.sample(&mut stream(3, d, 7));
            let y = b.sample(&mut stream(3, d, 7));
            assert!((y - 2.0 * x).abs() < 1e-9 * y, "{x} {y}");
        }
        // Moved there and back, or from a copy moved before: the same numbers.
        let back = moved.at_location(1000.0);
        assert_eq!(back, pert);
        let odd = pert.at_location(0.131_217_3);
        assert_eq!(odd.at_location(1000.0), pert);
        // A location of 0 shifts.
        let u = DistSpec::Uniform {
            min: -1.0,
            max: 1.0,
        };
        assert_eq!(
            u.at_location(0.5),
            DistSpec::Uniform {
                min: -0.5,
                max: 1.5
            }
        );
        // The locations a distribution can move to while its support stays in [0, 1].
        let theta = DistSpec::Pert {
            min: 0.3,
            mode: 0.6,
            max: 0.9,
        };
        let (lo, hi) = theta.location_range(0.0, 1.0);
        assert!(lo > 0.0 && lo < 1e-8);
        assert!((hi - 0.6 / 0.9).abs() < 1e-15);
    }

    fn mean_sd(p: &Param, n: usize) -> (f64, f64) {
        let mut rng = stream(9, 0, 1);
        let xs: Vec<f64> = (0..n).map(|_| p.sample(&mut rng)).collect();
        let m = xs.iter().sum::<f64>() / n as f64;
        let v = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n as f64 - 1.0);
        (m, v.sqrt())
    }

    #[test]
    fn rejects_bad_parameters() {
        assert!(
            Param::new(
                DistSpec::Normal {
                    mean: 0.0,
                    sd: -1.0
                },
                None,
                None
            )
            .is_err()
        );
        assert!(Param::new(DistSpec::Uniform { min: 2.0, max: 1.0 }, None, None).is_err());
        let e = Param::new(
            DistSpec::Pert {
                min: 0.0,
                mode: 2.0,
                max: 1.0,
            },
            None,
            None,
        )
        .unwrap_err();
        assert!(e.contains("mode"), "{e}");
        assert!(
            Param::new(
                DistSpec::Lognormal {
                    mean: -1.0,
                    sd: 1.0
                },
                None,
                None
            )
            .is_err()
        );
        assert!(
            Param::new(
                DistSpec::Beta {
                    a: 0.0,
                    b: 1.0,
                    min: 0.0,
                    max: 1.0
                },
                None,
                None
            )
            .is_err()
        );
        assert!(
            Param::new(
                DistSpec::Normal { mean: 0.0, sd: 1.0 },
                Some(1.0),
                Some(0.0)
            )
            .is_err()
        );
        assert!(
            Param::new(DistSpec::Uniform { min: 0.0, max: 1.0 }, Some(2.0), None).is_err(),
            "bounds outside the support"
        );
    }

    #[test]
    fn moments_match_within_monte_carlo_error() {
        let n = 200_000;
        let z = 5.0; // |error| < 5 standard errors: fails by chance with p < 1e-6.
        // (param, mean, sd) in closed form.
        let cases = [
            (DistSpec::Normal { mean: 1.0, sd: 2.0 }, 1.0, 2.0),
            (DistSpec::Lognormal { mean: 2.0, sd: 0.5 }, 2.0, 0.5),
            (
                DistSpec::Uniform { min: 0.0, max: 1.0 },
                0.5,
                (1.0f64 / 12.0).sqrt(),
            ),
            (
                DistSpec::Triangular {
                    min: 0.0,
                    mode: 1.0,
                    max: 4.0,
                },
                5.0 / 3.0,
                ((0.0 + 1.0 + 16.0 - 0.0 - 0.0 - 4.0) / 18.0f64).sqrt(),
            ),
            (
                // PERT with lambda 4: mean (min + 4 mode + max)/6, alpha = 1 + 4 (mode-min)/(max-min).
                DistSpec::Pert {
                    min: 0.05,
                    mode: 0.15,
                    max: 0.30,
                },
                (0.05 + 0.6 + 0.30) / 6.0,
                {
                    let (a, b): (f64, f64) = (1.0 + 4.0 * 0.1 / 0.25, 1.0 + 4.0 * 0.15 / 0.25);
                    0.25 * (a * b / ((a + b).powi(2) * (a + b + 1.0))).sqrt()
                },
            ),
            (
                DistSpec::Beta {
                    a: 2.0,
                    b: 3.0,
                    min: 10.0,
                    max: 20.0,
                },
                14.0,
                10.0 * (6.0f64 / (25.0 * 6.0)).sqrt(),
            ),
        ];
        for (spec, m, s) in cases {
            let p = Param::new(spec.clone(), None, None).unwrap();
            let (em, es) = mean_sd(&p, n);
            let se = s / (n as f64).sqrt();
            assert!((em - m).abs() < z * se, "{spec:?}: mean {em} vs {m}");
            // sd of the sample sd is about s / sqrt(2n) for near-normal shapes; allow 3x that.
            assert!(
                (es - s).abs() < 3.0 * z * s / (2.0 * n as f64).sqrt(),
                "{spec:?}: sd {es} vs {s}"
            );
        }
    }

    #[test]
    fn truncation_holds() {
        let p = Param::new(
            DistSpec::Normal { mean: 0.0, sd: 1.0 },
            Some(0.0),
            Some(0.5),
        )
        .unwrap();
        let mut rng = stream(1, 2, 3);
        for _ in 0..10_000 {
            let v = p.sample(&mut rng);
            assert!((0.0..=0.5).contains(&v));
        }
    }

    #[test]
    fn unit_mean_lognormal_has_mean_one() {
        let n = 200_000;
        let mut rng = stream(3, 0, 0);
        let normal = Normal::new(0.0, 1.0).unwrap();
        let cv = 0.3;
        let m = (0..n)
            .map(|_| unit_mean_lognormal(cv, normal.sample(&mut rng)))
            .sum::<f64>()
            / n as f64;
        assert!((m - 1.0).abs() < 5.0 * cv / (n as f64).sqrt());
        assert_eq!(unit_mean_lognormal(0.0, 3.0), 1.0);
    }
}
