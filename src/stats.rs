//! Accumulators whose memory does not grow with the number of draws, and that merge.
//!
//! [`Stat`] keeps the moments of a quantity (Welford within a chunk of draws, exact sums
//! across chunks: [`Moments`]) and a fixed-range histogram for its quantiles; [`Counter`]
//! counts events. Every merge is exact, so a total does not depend on how its chunks were
//! grouped: results are bit-identical for any number of threads or shards.

mod exact;

pub use exact::ExactSum;
use serde::{Deserialize, Serialize};

/// Number of histogram bins per quantity.
pub const BINS: usize = 2048;

/// The `p` quantile of values sorted ascending, interpolating linearly between order
/// statistics (type 7); NaN for no values.
pub fn quantile_sorted(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = p * (sorted.len() - 1) as f64;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// [`quantile_sorted`] of values in any order, in linear time; reorders `values`. The result
/// does not depend on their order. NaN for no values.
pub fn quantile_unsorted(values: &mut [f64], p: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let h = p * (values.len() - 1) as f64;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    let (_, &mut a, above) = values.select_nth_unstable_by(lo, f64::total_cmp);
    let b = if hi == lo {
        a
    } else {
        // The next order statistic is the smallest of those above.
        above.iter().copied().fold(f64::INFINITY, f64::min)
    };
    a + (h - lo as f64) * (b - a)
}

/// Count, mean, spread, min and max of a quantity, mergeable in any grouping with the same
/// result, bit for bit.
///
/// Draws are pushed into a Welford accumulator (the engine pushes one chunk's draws, in draw
/// order). Merging seals it: its count and its sums n (mean - r) and M2 + n (mean - r)^2
/// about a fixed reference r go into [`ExactSum`]s, so a total is the same whatever groups
/// of chunks were merged: across threads, or shards run on other machines. The reference
/// (the middle of the quantity's histogram range) keeps the final M2 = S2 - S1^2 / n free of
/// cancellation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Moments {
    reference: f64,
    /// Draws pushed since the last seal (Welford).
    open_n: u64,
    open_mean: f64,
    open_m2: f64,
    #[serde(with = "extreme::min")]
    min: f64,
    #[serde(with = "extreme::max")]
    max: f64,
    /// The exact sums of what was sealed; absent until a merge, so that the moments a chunk
    /// pushes its draws into stay small (they are touched for every draw).
    sealed: Option<Box<Sealed>>,
}

/// The exact part of [`Moments`]: count and sums about the reference.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
struct Sealed {
    n: u64,
    s1: ExactSum,
    s2: ExactSum,
}

impl Sealed {
    /// Adds `n` draws of mean `mean` and sum of squared deviations `m2`, about `reference`.
    fn add_open(&mut self, n: u64, mean: f64, m2: f64, reference: f64) {
        if n == 0 {
            return;
        }
        let (nf, d) = (n as f64, mean - reference);
        self.s1.add(nf * d);
        self.s2.add(m2 + nf * d * d);
        self.n += n;
    }

    fn add(&mut self, o: &Sealed) {
        self.s1.add_exact(&o.s1);
        self.s2.add_exact(&o.s2);
        self.n += o.n;
    }
}

/// The extremes of no values (+inf for the minimum, -inf for the maximum) written as null,
/// which JSON can hold.
mod extreme {
    use serde::{Deserialize, Deserializer, Serializer};

    fn write<S: Serializer>(x: f64, s: S) -> Result<S::Ok, S::Error> {
        if x.is_finite() {
            s.serialize_some(&x)
        } else {
            s.serialize_none()
        }
    }

    pub mod min {
        use super::*;
        pub fn serialize<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
            write(*x, s)
        }
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
            Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::INFINITY))
        }
    }

    pub mod max {
        use super::*;
        pub fn serialize<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
            write(*x, s)
        }
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
            Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NEG_INFINITY))
        }
    }
}

impl Default for Moments {
    fn default() -> Self {
        Moments::about(0.0)
    }
}

impl Moments {
    /// Empty moments that will be summed about `reference`; moments merge only with moments
    /// of the same reference.
    pub fn about(reference: f64) -> Moments {
        Moments {
            reference,
            open_n: 0,
            open_mean: 0.0,
            open_m2: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            sealed: None,
        }
    }

    pub fn push(&mut self, x: f64) {
        self.open_n += 1;
        let d = x - self.open_mean;
        self.open_mean += d / self.open_n as f64;
        self.open_m2 += d * (x - self.open_mean);
        self.min = self.min.min(x);
        self.max = self.max.max(x);
    }

    /// Moves the pushed draws into the exact sums (the end of a chunk): the same as merging
    /// them into empty moments, so a total does not depend on which accumulator a chunk's
    /// draws were pushed into.
    pub fn seal(&mut self) {
        if self.open_n == 0 {
            return;
        }
        let r = self.reference;
        let sealed = self.sealed.get_or_insert_with(Box::default);
        sealed.add_open(self.open_n, self.open_mean, self.open_m2, r);
        (self.open_n, self.open_mean, self.open_m2) = (0, 0.0, 0.0);
    }

    pub fn merge(&mut self, o: &Moments) {
        assert!(
            self.reference == o.reference,
            "merging moments about different references"
        );
        let r = self.reference;
        let sealed = self.sealed.get_or_insert_with(Box::default);
        // This one's pushed draws, then the other's sums and pushed draws: exact, so the
        // order does not matter.
        sealed.add_open(self.open_n, self.open_mean, self.open_m2, r);
        (self.open_n, self.open_mean, self.open_m2) = (0, 0.0, 0.0);
        if let Some(os) = &o.sealed {
            sealed.add(os);
        }
        sealed.add_open(o.open_n, o.open_mean, o.open_m2, r);
        self.min = self.min.min(o.min);
        self.max = self.max.max(o.max);
    }

    /// Every draw in the exact sums.
    fn total(&self) -> Sealed {
        let mut t = self.sealed.as_deref().copied().unwrap_or_default();
        t.add_open(self.open_n, self.open_mean, self.open_m2, self.reference);
        t
    }

    pub fn n(&self) -> u64 {
        self.sealed.as_ref().map_or(0, |s| s.n) + self.open_n
    }

    pub fn mean(&self) -> f64 {
        let t = self.total();
        if t.n == 0 {
            return 0.0;
        }
        self.reference + t.s1.to_f64() / t.n as f64
    }

    /// Sum of squared deviations from the mean.
    fn m2(&self) -> f64 {
        let t = self.total();
        if t.n == 0 {
            return 0.0;
        }
        let s1 = t.s1.to_f64();
        (t.s2.to_f64() - s1 * s1 / t.n as f64).max(0.0)
    }

    pub fn min(&self) -> f64 {
        self.min
    }

    pub fn max(&self) -> f64 {
        self.max
    }

    /// Sample standard deviation.
    pub fn sd(&self) -> f64 {
        let n = self.n();
        if n > 1 {
            (self.m2() / (n - 1) as f64).sqrt()
        } else {
            0.0
        }
    }

    /// Monte Carlo standard error of the mean.
    pub fn mcse(&self) -> f64 {
        let n = self.n();
        if n > 0 {
            self.sd() / (n as f64).sqrt()
        } else {
            0.0
        }
    }
}

/// Where a value falls in a [`Histogram`].
enum Slot {
    Under,
    Over,
    Bin(usize),
}

/// A histogram over [lo, hi) with `BINS` bins and counts below and above.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Histogram {
    lo: f64,
    hi: f64,
    #[serde(with = "sparse")]
    bins: Vec<u32>,
    under: u64,
    over: u64,
}

impl Histogram {
    pub fn new(lo: f64, hi: f64) -> Histogram {
        assert!(lo < hi, "histogram range [{lo}, {hi})");
        Histogram {
            lo,
            hi,
            bins: vec![0; BINS],
            under: 0,
            over: 0,
        }
    }

    /// The range a pilot sample with extremes `min`, `max` suggests: the pilot's span again on
    /// either side, so that later draws rarely fall outside.
    pub fn range_for(min: f64, max: f64) -> (f64, f64) {
        let span = (max - min).max(1e-9 * min.abs().max(max.abs())).max(1e-12);
        (min - span, max + span)
    }

    pub fn push(&mut self, x: f64) {
        match self.slot(x) {
            Slot::Under => self.under += 1,
            Slot::Over => self.over += 1,
            Slot::Bin(i) => self.bins[i] += 1,
        }
    }

    /// Where `x` falls, in two bytes: its bin, or [`UNDER`] or [`OVER`].
    fn code(&self, x: f64) -> u16 {
        match self.slot(x) {
            Slot::Under => UNDER,
            Slot::Over => OVER,
            Slot::Bin(i) => i as u16,
        }
    }

    /// Counts draws given by their [`Histogram::code`]s: the same counts as pushing each.
    /// Draws in the bin of the draw before are counted in a register and added once, so that
    /// a quantity whose draws crowd into few bins does not wait on one bin's memory again and
    /// again.
    fn count(&mut self, codes: &[u16]) {
        let (mut under, mut over) = (0, 0);
        let (mut last, mut run) = (0, 0);
        for &c in codes {
            match c {
                UNDER => under += 1,
                OVER => over += 1,
                c if usize::from(c) == last => run += 1,
                c => {
                    self.bins[last] += run;
                    (last, run) = (usize::from(c), 1);
                }
            }
        }
        self.bins[last] += run;
        self.under += under;
        self.over += over;
    }

    fn slot(&self, x: f64) -> Slot {
        if x < self.lo {
            Slot::Under
        } else if x >= self.hi {
            Slot::Over
        } else {
            let i = ((x - self.lo) / (self.hi - self.lo) * BINS as f64) as usize;
            Slot::Bin(i.min(BINS - 1))
        }
    }

    pub fn merge(&mut self, o: &Histogram) {
        assert!(
            self.lo == o.lo && self.hi == o.hi,
            "merging histograms of different ranges"
        );
        for (a, b) in self.bins.iter_mut().zip(&o.bins) {
            *a += b;
        }
        self.under += o.under;
        self.over += o.over;
    }

    /// The p-quantile, interpolating linearly within a bin; outside the range, between the
    /// range's edge and the observed extreme.
    /// The histogram coarsened to about `bins` equal bins spanning the observed values
    /// (`min`, `max`); draws outside the fine range go to the first and last bin.
    pub fn coarse(&self, bins: usize, min: f64, max: f64) -> Distribution {
        let n = self.under + self.over + self.bins.iter().map(|&b| u64::from(b)).sum::<u64>();
        let width = (self.hi - self.lo) / BINS as f64;
        let fine = |x: f64| (((x - self.lo) / width).floor().max(0.0) as usize).min(BINS - 1);
        let (first, last) = (fine(min), fine(max));
        let group = (last - first + 1).div_ceil(bins.max(1)).max(1);
        let n_bins = (last - first + 1).div_ceil(group);
        let mut counts = vec![0u64; n_bins];
        for (i, &b) in self.bins.iter().enumerate() {
            let j = (i.max(first) - first) / group;
            counts[j.min(n_bins - 1)] += u64::from(b);
        }
        counts[0] += self.under;
        counts[n_bins - 1] += self.over;
        let edges = (0..=n_bins)
            .map(|j| self.lo + (first + j * group) as f64 * width)
            .collect();
        Distribution {
            edges,
            share: counts.iter().map(|&c| c as f64 / n.max(1) as f64).collect(),
        }
    }

    pub fn quantile(&self, p: f64, min: f64, max: f64) -> f64 {
        let n = self.under + self.over + self.bins.iter().map(|&b| u64::from(b)).sum::<u64>();
        if n == 0 {
            return f64::NAN;
        }
        let target = p.clamp(0.0, 1.0) * n as f64;
        let mut seen = 0.0;
        let width = (self.hi - self.lo) / BINS as f64;
        let cells = std::iter::once((self.under, min.min(self.lo), self.lo))
            .chain(self.bins.iter().enumerate().map(|(i, &b)| {
                let a = self.lo + i as f64 * width;
                (u64::from(b), a, a + width)
            }))
            .chain(std::iter::once((self.over, self.hi, max.max(self.hi))));
        for (count, a, b) in cells {
            let c = count as f64;
            if c > 0.0 && seen + c >= target {
                let q = a + (b - a) * ((target - seen) / c);
                return q.clamp(min, max);
            }
            seen += c;
        }
        max
    }
}

/// Moments and quantiles of one quantity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Stat {
    pub moments: Moments,
    pub hist: Histogram,
}

impl Stat {
    pub fn new(lo: f64, hi: f64) -> Stat {
        Stat {
            moments: Moments::about(0.5 * (lo + hi)),
            hist: Histogram::new(lo, hi),
        }
    }

    pub fn push(&mut self, x: f64) {
        self.moments.push(x);
        self.hist.push(x);
    }

    /// Pushes one draw into `stats` (`row` holds its value of every quantity): the moments
    /// now, the histogram bins into `queue`, counted by [`Stat::count_queued`]. Once counted,
    /// the same, bit for bit, as [`Stat::push`] of each value.
    ///
    /// # Panics
    /// If the queue is full or `row` is not as long as `stats`.
    pub fn push_row(stats: &mut [Stat], row: &[f64], queue: &mut BinQueue) {
        assert!(queue.queued < queue.block, "a full bin queue");
        assert_eq!(row.len(), stats.len(), "a value per quantity");
        let (d, block) = (queue.queued, queue.block);
        for (q, (s, &x)) in stats.iter_mut().zip(row).enumerate() {
            s.moments.push(x);
            queue.codes[q * block + d] = s.hist.code(x);
        }
        queue.queued += 1;
    }

    /// Counts the bins waiting in `queue` (one quantity at a time) and empties it.
    pub fn count_queued(stats: &mut [Stat], queue: &mut BinQueue) {
        let n = queue.queued;
        for (s, codes) in stats.iter_mut().zip(queue.codes.chunks_exact(queue.block)) {
            s.hist.count(&codes[..n]);
        }
        queue.queued = 0;
    }

    pub fn merge(&mut self, o: &Stat) {
        self.moments.merge(&o.moments);
        self.hist.merge(&o.hist);
    }

    pub fn quantile(&self, p: f64) -> f64 {
        self.hist
            .quantile(p, self.moments.min(), self.moments.max())
    }

    /// The distribution in about `bins` bins over the observed range.
    pub fn distribution(&self, bins: usize) -> Distribution {
        self.hist
            .coarse(bins, self.moments.min(), self.moments.max())
    }

    /// The figures reported for a quantity.
    pub fn summary(&self) -> Summary {
        let q = |p| self.quantile(p);
        Summary {
            mean: self.moments.mean(),
            sd: self.moments.sd(),
            mcse: self.moments.mcse(),
            min: self.moments.min(),
            max: self.moments.max(),
            q05: q(0.05),
            q10: q(0.10),
            q25: q(0.25),
            q50: q(0.50),
            q75: q(0.75),
            q90: q(0.90),
            q95: q(0.95),
        }
    }
}

/// The histogram bins of up to `block` draws of many quantities, quantity by quantity, waiting
/// to be counted ([`Stat::push_row`], [`Stat::count_queued`]): each quantity's 2,048 bins are
/// then visited once per block rather than once per draw, so they stay in cache; a bin takes
/// two bytes here.
pub struct BinQueue {
    codes: Vec<u16>,
    block: usize,
    queued: usize,
}

impl BinQueue {
    pub fn new(quantities: usize, block: usize) -> BinQueue {
        BinQueue {
            codes: vec![0; quantities * block],
            block,
            queued: 0,
        }
    }

    pub fn is_full(&self) -> bool {
        self.queued == self.block
    }
}

/// The codes of [`Histogram::code`] below and above the range (a bin is its index).
const UNDER: u16 = BINS as u16;
const OVER: u16 = UNDER + 1;

/// Mean, sd, Monte Carlo standard error of the mean, extremes and quantiles.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub mean: f64,
    pub sd: f64,
    pub mcse: f64,
    pub min: f64,
    pub max: f64,
    pub q05: f64,
    pub q10: f64,
    pub q25: f64,
    pub q50: f64,
    pub q75: f64,
    pub q90: f64,
    pub q95: f64,
}

/// A histogram for charts: `share[i]` of the draws fell in [`edges[i]`, `edges[i + 1]`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Distribution {
    pub edges: Vec<f64>,
    pub share: Vec<f64>,
}

/// How often an event happened.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Counter {
    pub hits: u64,
    pub n: u64,
}

impl Counter {
    pub fn push(&mut self, hit: bool) {
        self.n += 1;
        self.hits += u64::from(hit);
    }

    pub fn merge(&mut self, o: &Counter) {
        self.hits += o.hits;
        self.n += o.n;
    }

    pub fn probability(&self) -> Probability {
        let p = if self.n > 0 {
            self.hits as f64 / self.n as f64
        } else {
            f64::NAN
        };
        Probability {
            p,
            mcse: (p * (1.0 - p) / self.n as f64).sqrt(),
        }
    }
}

/// Histogram bins written with their runs of empty bins collapsed: a count as itself, `-k`
/// for k empty bins in a row (the tails are mostly empty, the middle mostly not).
mod sparse {
    use super::BINS;
    use serde::de::Error;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bins: &[u32], s: S) -> Result<S::Ok, S::Error> {
        let mut out: Vec<i64> = vec![];
        for &c in bins {
            match (c, out.last_mut()) {
                (0, Some(run)) if *run < 0 => *run -= 1,
                (0, _) => out.push(-1),
                (c, _) => out.push(i64::from(c)),
            }
        }
        s.collect_seq(out)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u32>, D::Error> {
        let runs: Vec<i64> = Vec::deserialize(d)?;
        let mut bins = Vec::with_capacity(BINS);
        for r in runs {
            if r < 0 {
                bins.extend(std::iter::repeat_n(0, r.unsigned_abs() as usize));
            } else {
                bins.push(u32::try_from(r).map_err(D::Error::custom)?);
            }
            if bins.len() > BINS {
                return Err(D::Error::custom(format!("more than {BINS} histogram bins")));
            }
        }
        if bins.len() != BINS {
            return Err(D::Error::custom(format!(
                "{} histogram bins instead of {BINS}",
                bins.len()
            )));
        }
        Ok(bins)
    }
}

/// A probability with its Monte Carlo standard error sqrt(p (1 - p) / n).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Probability {
    pub p: f64,
    pub mcse: f64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::stream;
    use rand_distr::{Distribution, StandardNormal};

    fn sample(n: usize) -> Vec<f64> {
        let mut rng = stream(5, 0, 0);
        (0..n).map(|_| StandardNormal.sample(&mut rng)).collect()
    }

    #[test]
    fn merged_halves_equal_one_pass() {
        let xs = sample(10_001);
        let (lo, hi) = Histogram::range_for(-3.0, 3.0);
        let mut one = Stat::new(lo, hi);
        xs.iter().for_each(|&x| one.push(x));
        let mut a = Stat::new(lo, hi);
        let mut b = Stat::new(lo, hi);
        xs[..4000].iter().for_each(|&x| a.push(x));
        xs[4000..].iter().for_each(|&x| b.push(x));
        a.merge(&b);
        assert_eq!(a.hist, one.hist);
        assert_eq!(a.moments.n(), one.moments.n());
        assert!((a.moments.mean() - one.moments.mean()).abs() < 1e-14);
        assert!((a.moments.sd() - one.moments.sd()).abs() < 1e-12);
        assert_eq!(
            (a.moments.min(), a.moments.max()),
            (one.moments.min(), one.moments.max())
        );
    }

    #[test]
    fn queued_bins_count_the_same_as_draws_pushed_one_by_one() {
        // 11 quantities, 70 draws in blocks of 30: runs of equal values, values below and
        // above the range, a constant quantity.
        let xs = sample(11 * 70);
        let rows: Vec<f64> = xs
            .iter()
            .enumerate()
            .map(|(i, &x)| match i % 11 {
                0 => 1.0,
                1 => (x * 2.0).round() / 2.0,
                _ => x * (1 + i % 11) as f64,
            })
            .collect();
        let fresh = || -> Vec<Stat> {
            (0..11)
                .map(|_| {
                    let (lo, hi) = Histogram::range_for(-1.5, 1.5);
                    Stat::new(lo, hi)
                })
                .collect()
        };
        let (mut one, mut block) = (fresh(), fresh());
        for row in rows.chunks(11) {
            for (s, &x) in one.iter_mut().zip(row) {
                s.push(x);
            }
        }
        let mut queue = BinQueue::new(11, 30);
        for row in rows.chunks(11) {
            if queue.is_full() {
                Stat::count_queued(&mut block, &mut queue);
            }
            Stat::push_row(&mut block, row, &mut queue);
        }
        Stat::count_queued(&mut block, &mut queue);
        assert_eq!(block, one, "bit for bit, bins and open moments alike");
        assert!(one[3].hist.under > 0 && one[3].hist.over > 0);
    }

    #[test]
    fn sealing_between_chunks_totals_the_same_as_merging_them() {
        let xs = sample(3000);
        let (lo, hi) = Histogram::range_for(-3.0, 3.0);
        let chunks: Vec<&[f64]> = xs.chunks(1024).collect();
        // One accumulator per chunk, merged in order (a run to a precision) ...
        let mut merged = Stat::new(lo, hi);
        for c in &chunks {
            let mut s = Stat::new(lo, hi);
            c.iter().for_each(|&x| s.push(x));
            merged.merge(&s);
        }
        // ... and two workers that seal after each chunk, taking the chunks out of order.
        let mut workers = [Stat::new(lo, hi), Stat::new(lo, hi)];
        for (w, c) in [(1, chunks[2]), (0, chunks[0]), (1, chunks[1])] {
            c.iter().for_each(|&x| workers[w].push(x));
            workers[w].moments.seal();
        }
        let mut total = Stat::new(lo, hi);
        total.merge(&workers[0]);
        total.merge(&workers[1]);
        assert_eq!(total.summary(), merged.summary());
        assert_eq!(total.hist, merged.hist);
    }

    #[test]
    fn quantiles_match_exact_order_statistics() {
        let mut xs = sample(100_000);
        let (lo, hi) = Histogram::range_for(-2.0, 2.0); // some values fall outside
        let mut s = Stat::new(lo, hi);
        xs.iter().for_each(|&x| s.push(x));
        xs.sort_by(f64::total_cmp);
        for p in [0.001, 0.05, 0.25, 0.5, 0.75, 0.95, 0.999] {
            let exact = xs[(p * xs.len() as f64) as usize];
            // Bin width 6/2048 ~ 0.003; interpolation error is far below it.
            assert!(
                (s.quantile(p) - exact).abs() < 0.003,
                "p {p}: {} vs {exact}",
                s.quantile(p)
            );
        }
        assert_eq!(s.quantile(0.0), xs[0]);
        assert_eq!(s.quantile(1.0), xs[xs.len() - 1]);
    }

    #[test]
    fn constant_quantity_has_exact_quantiles() {
        let (lo, hi) = Histogram::range_for(1.0, 1.0);
        let mut s = Stat::new(lo, hi);
        (0..10).for_each(|_| s.push(1.0));
        assert_eq!(s.quantile(0.5), 1.0);
        assert_eq!(s.summary().sd, 0.0);
    }

    #[test]
    fn counter_probability_and_error() {
        let mut c = Counter::default();
        (0..100).for_each(|i| c.push(i % 4 == 0));
        let p = c.probability();
        assert_eq!(p.p, 0.25);
        assert!((p.mcse - (0.25f64 * 0.75 / 100.0).sqrt()).abs() < 1e-15);
    }

    #[test]
    fn coarse_distribution_covers_the_sample_and_sums_to_one() {
        let xs = sample(50_000);
        let (lo, hi) = Histogram::range_for(-1.0, 1.0); // tails fall outside the fine range
        let mut s = Stat::new(lo, hi);
        xs.iter().for_each(|&x| s.push(x));
        let d = s.distribution(40);
        assert!(
            d.share.len() <= 40 && d.share.len() >= 30,
            "{}",
            d.share.len()
        );
        assert_eq!(d.edges.len(), d.share.len() + 1);
        assert!((d.share.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!(d.edges[0] <= s.moments.min().max(lo));
        assert!(*d.edges.last().unwrap() >= s.moments.max().min(hi));
        // The bin holding 0 has about the normal density times the bin width.
        let i = d
            .edges
            .windows(2)
            .position(|e| e[0] <= 0.0 && 0.0 < e[1])
            .unwrap();
        let width = d.edges[i + 1] - d.edges[i];
        let want = width / (2.0 * std::f64::consts::PI).sqrt();
        let se = (want / 50_000.0).sqrt();
        assert!(
            (d.share[i] - want).abs() < 5.0 * se + want * width,
            "{} vs {want}",
            d.share[i]
        );
    }
}
