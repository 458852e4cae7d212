//! The run's aggregates: every reported quantity of a [`DrawOutcome`] folded into [`Stat`]s
//! and [`Counter`]s, with memory independent of the number of draws.
//!
//! [`extract`] lays a draw's quantities out in one fixed order; [`Layout`] knows the offsets.
//! Histogram ranges come from a pilot (the run's first draws), so every accumulator of a run
//! shares them and they merge exactly.

use crate::model::{CLOSED, DrawOutcome, HALVED};
use crate::scenario::Scenario;
use crate::stats::{BinQueue, Counter, Histogram, Stat};
use serde::{Deserialize, Serialize};

/// Per-corporation quantities before its yearly series.
pub const CORP_HEAD: usize = 5;
/// Overall events.
pub const OVERALL_EVENTS: usize = 5;

/// Offsets of the quantities in the flat order of [`extract`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Layout {
    pub wijken: usize,
    pub indicators: usize,
    pub corporations: usize,
    pub municipalities: usize,
    pub horizon: usize,
}

impl Layout {
    pub fn new(sc: &Scenario) -> Layout {
        Layout {
            wijken: sc.wijken.len(),
            indicators: sc.indicators.len(),
            corporations: sc.corporations.len(),
            municipalities: sc.municipalities.len(),
            horizon: sc.horizon(),
        }
    }
    /// Overall: closure, g_T per indicator, uplift, corporations' uplift, c_t for t = 0..T.
    fn overall_len(&self) -> usize {
        1 + self.indicators + 2 + self.horizon + 1
    }
    /// Per wijk: closure, g_T per indicator, uplift, c_t for t = 0..T.
    fn wijk_len(&self) -> usize {
        1 + self.indicators + 1 + self.horizon + 1
    }
    /// Per corporation: min ICR, max LTV, realised/planned, uplift, sales, then ICR, LTV,
    /// capacity by year.
    fn corp_len(&self) -> usize {
        CORP_HEAD + 3 * self.horizon
    }
    pub fn overall(&self) -> usize {
        0
    }
    pub fn wijk(&self, w: usize) -> usize {
        self.overall_len() + w * self.wijk_len()
    }
    pub fn corporation(&self, c: usize) -> usize {
        self.wijk(self.wijken) + c * self.corp_len()
    }
    /// Per municipality: closure (population-weighted over its wijken), social spending,
    /// shortfall.
    pub fn municipality(&self, m: usize) -> usize {
        self.corporation(self.corporations) + 3 * m
    }
    pub fn len(&self) -> usize {
        self.municipality(self.municipalities)
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Events: overall closed, halved, any corporation in breach of a limit, of the ICR
    /// limit, of the LTV limit; per wijk closed, halved; per corporation breach (any, ICR,
    /// LTV); per municipality closed, halved.
    pub fn events(&self) -> usize {
        OVERALL_EVENTS + 2 * self.wijken + 3 * self.corporations + 2 * self.municipalities
    }
    pub fn wijk_event(&self, w: usize) -> usize {
        OVERALL_EVENTS + 2 * w
    }
    pub fn corporation_event(&self, c: usize) -> usize {
        self.wijk_event(self.wijken) + 3 * c
    }
    pub fn municipality_event(&self, m: usize) -> usize {
        self.corporation_event(self.corporations) + 2 * m
    }
}

/// Writes the draw's reported quantities in [`Layout`] order into `values` and its events
/// into `events`.
pub fn extract(o: &DrawOutcome, l: &Layout, values: &mut Vec<f64>, events: &mut Vec<bool>) {
    values.clear();
    events.clear();
    let t = l.horizon;
    let closure = |c: f64| 1.0 - c;
    values.push(closure(o.c_all[t]));
    values.extend_from_slice(&o.g_final_all);
    values.push(o.uplift.iter().sum());
    values.push(o.corporations.iter().map(|c| c.uplift).sum());
    values.extend_from_slice(&o.c_all);
    for w in 0..l.wijken {
        let c = &o.c[w * (t + 1)..(w + 1) * (t + 1)];
        values.push(closure(c[t]));
        values.extend_from_slice(&o.g_final[w * l.indicators..(w + 1) * l.indicators]);
        values.push(o.uplift[w]);
        values.extend_from_slice(c);
    }
    for c in &o.corporations {
        values.push(c.min_icr);
        values.push(c.max_ltv);
        values.push(if c.planned_wijk > 0.0 {
            c.realised_wijk / c.planned_wijk
        } else {
            1.0
        });
        values.push(c.uplift);
        values.push(c.sales.iter().sum());
        values.extend_from_slice(&c.icr);
        values.extend_from_slice(&c.ltv);
        values.extend_from_slice(&c.capacity);
    }
    for m in 0..l.municipalities {
        values.push(closure(o.c_municipality[m]));
        values.push(o.municipal_spend[m]);
        values.push(o.municipal_shortfall[m]);
    }
    events.push(o.c_all[t] <= CLOSED);
    events.push(o.c_all[t] <= HALVED);
    events.push(o.corporations.iter().any(|c| c.breach_icr || c.breach_ltv));
    events.push(o.corporations.iter().any(|c| c.breach_icr));
    events.push(o.corporations.iter().any(|c| c.breach_ltv));
    for w in 0..l.wijken {
        let c_t = o.c[w * (t + 1) + t];
        events.push(c_t <= CLOSED);
        events.push(c_t <= HALVED);
    }
    for c in &o.corporations {
        events.push(c.breach_icr || c.breach_ltv);
        events.push(c.breach_icr);
        events.push(c.breach_ltv);
    }
    for &c in &o.c_municipality {
        events.push(c <= CLOSED);
        events.push(c <= HALVED);
    }
    debug_assert_eq!(values.len(), l.len());
}

/// Draws whose histogram bins wait in a [`BinQueue`] before they are counted.
pub const BLOCK: usize = 512;

impl Layout {
    /// A queue for the histogram bins of [`BLOCK`] draws of this layout's quantities.
    pub fn bin_queue(&self) -> BinQueue {
        BinQueue::new(self.len(), BLOCK)
    }
}

/// Histogram ranges per quantity, from a pilot sample.
#[derive(Clone, Debug, PartialEq)]
pub struct Ranges(pub Vec<(f64, f64)>);

impl Ranges {
    /// Ranges that cover `pilot` (rows of extracted values) with a margin.
    pub fn from_pilot(pilot: &[Vec<f64>], len: usize) -> Ranges {
        let mut mm = vec![(f64::INFINITY, f64::NEG_INFINITY); len];
        for row in pilot {
            for (m, &x) in mm.iter_mut().zip(row) {
                m.0 = m.0.min(x);
                m.1 = m.1.max(x);
            }
        }
        Ranges(
            mm.into_iter()
                .map(|(a, b)| Histogram::range_for(a, b))
                .collect(),
        )
    }
}

/// Everything a run reports, before formatting.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Aggregate {
    pub layout: Layout,
    pub stats: Vec<Stat>,
    pub events: Vec<Counter>,
    /// First closure year counts, overall then per wijk: index t - 1 for t = 1..T, T for never.
    pub first_closed: Vec<Vec<u64>>,
    /// First year the overall gap was halved, counted like `first_closed[0]`.
    pub first_halved: Vec<u64>,
    pub rate_floors: u64,
    pub draws: u64,
}

impl Aggregate {
    pub fn new(layout: Layout, ranges: &Ranges) -> Aggregate {
        Aggregate {
            layout,
            stats: ranges.0.iter().map(|&(lo, hi)| Stat::new(lo, hi)).collect(),
            events: vec![Counter::default(); layout.events()],
            first_closed: vec![vec![0; layout.horizon + 1]; layout.wijken + 1],
            first_halved: vec![0; layout.horizon + 1],
            rate_floors: 0,
            draws: 0,
        }
    }

    /// Adds one draw, given its extracted values and events.
    pub fn push(&mut self, o: &DrawOutcome, values: &[f64], events: &[bool]) {
        for (s, &x) in self.stats.iter_mut().zip(values) {
            s.push(x);
        }
        self.push_counts(o, events);
    }

    /// Adds one draw whose histogram bins wait in `queue` (counted when it is full or
    /// flushed): the same as [`Aggregate::push`] once the queue is flushed.
    pub fn push_queued(
        &mut self,
        o: &DrawOutcome,
        values: &[f64],
        events: &[bool],
        queue: &mut BinQueue,
    ) {
        if queue.is_full() {
            self.flush(queue);
        }
        Stat::push_row(&mut self.stats, values, queue);
        self.push_counts(o, events);
    }

    /// Counts the histogram bins waiting in `queue` and empties it.
    pub fn flush(&mut self, queue: &mut BinQueue) {
        Stat::count_queued(&mut self.stats, queue);
    }

    /// Moves the pushed draws of every quantity into its exact sums (the end of a chunk), so
    /// that this aggregate can take more chunks and still total the same as one per chunk.
    pub fn seal(&mut self) {
        for s in &mut self.stats {
            s.moments.seal();
        }
    }

    /// The events, first years and floors of one draw.
    fn push_counts(&mut self, o: &DrawOutcome, events: &[bool]) {
        for (c, &e) in self.events.iter_mut().zip(events) {
            c.push(e);
        }
        let never = self.layout.horizon;
        let slot = |f: Option<u16>| f.map_or(never, |t| usize::from(t) - 1);
        self.first_closed[0][slot(o.first_closed_all)] += 1;
        self.first_halved[slot(o.first_halved_all)] += 1;
        for (w, f) in o.first_closed.iter().enumerate() {
            self.first_closed[w + 1][slot(*f)] += 1;
        }
        self.rate_floors += u64::from(o.rate_floors);
        self.draws += 1;
    }

    /// Adds another aggregate of the same run (draws that come after this one's).
    pub fn merge(&mut self, o: &Aggregate) {
        for (a, b) in self.stats.iter_mut().zip(&o.stats) {
            a.merge(b);
        }
        for (a, b) in self.events.iter_mut().zip(&o.events) {
            a.merge(b);
        }
        for (a, b) in self.first_closed.iter_mut().zip(&o.first_closed) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
        for (x, y) in self.first_halved.iter_mut().zip(&o.first_halved) {
            *x += y;
        }
        self.rate_floors += o.rate_floors;
        self.draws += o.draws;
    }
}
