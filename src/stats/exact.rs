//! A sum of floating-point numbers that is exact, so that it does not depend on the order or
//! the grouping of the additions: the same total from one machine's chunks in order, from
//! chunks merged across threads, or from shards merged on another machine.
//!
//! The sum is a 512-bit two's-complement fixed-point number with 256 fraction bits: every
//! finite `f64` of magnitude below 2^254 adds exactly, except for the part below 2^-256 (about
//! 1e-77), which is truncated from each term before it is added, so that truncation too is
//! independent of order.

use serde::{Deserialize, Serialize};

const LIMBS: usize = 8;
const FRACTION_BITS: i32 = 256;

/// An exact sum (see the module).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExactSum {
    /// Little-endian limbs of the two's-complement fixed-point number.
    limbs: [u64; LIMBS],
}

impl ExactSum {
    /// Adds `x` exactly (to 2^-256).
    ///
    /// # Panics
    /// If `x` is not finite or at least 2^254 in magnitude: no quantity of the model comes
    /// near (money is below 2^60 euros, squares and sums of them below 2^200).
    pub fn add(&mut self, x: f64) {
        assert!(
            x.is_finite() && x.abs() < 2f64.powi(254),
            "exact sum: {x} is out of range"
        );
        if x == 0.0 {
            return;
        }
        let bits = x.to_bits();
        let exponent = ((bits >> 52) & 0x7ff) as i32;
        let fraction = bits & ((1u64 << 52) - 1);
        let (mantissa, e) = if exponent == 0 {
            (fraction, -1074)
        } else {
            (fraction | (1u64 << 52), exponent - 1075)
        };
        // x = mantissa x 2^e; in fixed point, mantissa x 2^(e + 256).
        let shift = e + FRACTION_BITS;
        let (mantissa, shift) = if shift < 0 {
            let drop = (-shift) as u32;
            (if drop >= 64 { 0 } else { mantissa >> drop }, 0)
        } else {
            (mantissa, shift as u32)
        };
        if mantissa == 0 {
            return;
        }
        let mut term = [0u64; LIMBS];
        let (limb, offset) = ((shift / 64) as usize, shift % 64);
        let wide = u128::from(mantissa) << offset;
        term[limb] = wide as u64;
        if limb + 1 < LIMBS {
            term[limb + 1] = (wide >> 64) as u64;
        }
        let term = ExactSum { limbs: term };
        if x > 0.0 {
            self.add_exact(&term);
        } else {
            self.add_exact(&term.negated());
        }
    }

    /// Adds another exact sum.
    pub fn add_exact(&mut self, o: &ExactSum) {
        let mut carry = false;
        for (a, &b) in self.limbs.iter_mut().zip(&o.limbs) {
            let (s, c1) = a.overflowing_add(b);
            let (s, c2) = s.overflowing_add(u64::from(carry));
            *a = s;
            carry = c1 || c2;
        }
    }

    fn negated(&self) -> ExactSum {
        let mut out = ExactSum {
            limbs: self.limbs.map(|l| !l),
        };
        out.add_exact(&ExactSum {
            limbs: [1, 0, 0, 0, 0, 0, 0, 0],
        });
        out
    }

    fn is_negative(&self) -> bool {
        self.limbs[LIMBS - 1] >> 63 == 1
    }

    /// The sum as the nearest `f64` (from its three leading limbs; a pure function of the
    /// exact value, so equal sums give equal bits).
    pub fn to_f64(&self) -> f64 {
        if self.is_negative() {
            return -self.negated().to_f64();
        }
        let Some(top) = self.limbs.iter().rposition(|&l| l != 0) else {
            return 0.0;
        };
        let scale = |i: usize| 2f64.powi(64 * i as i32 - FRACTION_BITS);
        (top.saturating_sub(2)..=top)
            .rev()
            .map(|i| self.limbs[i] as f64 * scale(i))
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::stream;
    use rand::RngExt;

    #[test]
    fn sums_are_exact_and_independent_of_order() {
        let mut rng = stream(1, 0, 0);
        let xs: Vec<f64> = (0..2000)
            .map(|i| {
                let scale = 10f64.powi((i % 30) - 15);
                (rng.random::<f64>() - 0.5) * scale
            })
            .collect();
        let mut forward = ExactSum::default();
        xs.iter().for_each(|&x| forward.add(x));
        let mut backward = ExactSum::default();
        xs.iter().rev().for_each(|&x| backward.add(x));
        // In two groups, merged.
        let (mut a, mut b) = (ExactSum::default(), ExactSum::default());
        xs[..700].iter().for_each(|&x| a.add(x));
        xs[700..].iter().for_each(|&x| b.add(x));
        b.add_exact(&a);
        assert_eq!(forward, backward);
        assert_eq!(forward, b);
        // Adding every term's negative gives exactly zero.
        xs.iter().for_each(|&x| forward.add(-x));
        assert_eq!(forward, ExactSum::default());
        assert_eq!(forward.to_f64(), 0.0);
    }

    #[test]
    fn the_value_is_the_true_sum() {
        let mut s = ExactSum::default();
        // 1e16 + 1 - 1e16 loses the 1 in floating point.
        for x in [1e16, 1.0, -1e16] {
            s.add(x);
        }
        assert_eq!(s.to_f64(), 1.0);
        let mut s = ExactSum::default();
        for x in [0.1, 0.2, -0.3] {
            s.add(x);
        }
        // The exact sum of the three doubles is 2^-55; floating point gives twice that.
        assert_eq!(s.to_f64(), 2f64.powi(-55));
        assert_eq!((0.1f64 + 0.2) - 0.3, 2f64.powi(-54));
        let mut s = ExactSum::default();
        s.add(-2.5);
        s.add(1e-300); // below 2^-256: truncated
        assert_eq!(s.to_f64(), -2.5);
        let mut s = ExactSum::default();
        s.add(3.0e40);
        s.add(3.0e40);
        assert_eq!(s.to_f64(), 6.0e40);
    }
}
