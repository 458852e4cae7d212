//! Precision-driven runs: `wijksim run --precision closure=0.002` runs chunks of draws until
//! the Monte Carlo standard error of each named figure is at or below its target (or the
//! draws cap is reached), and keeps the estimate's path for a convergence chart.
//!
//! The rule is checked at chunk boundaries, after the chunks are merged in chunk order, so
//! where a run stops, and therefore its result, is the same for any number of threads.

use crate::aggregate::{Aggregate, OVERALL_EVENTS};
use crate::engine::CHUNK;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// Draws before a run may stop on precision: the standard errors of fewer draws are too
/// uncertain themselves.
pub const MIN_DRAWS: u64 = 2 * CHUNK;

/// A figure of a run whose Monte Carlo error can be targeted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Figure {
    /// Mean overall gap closure at the horizon.
    Closure,
    PClosed,
    PHalved,
    /// Some corporation in breach of a lender's limit (ICR or LTV).
    PBreach,
    PBreachIcr,
    PBreachLtv,
}

impl Figure {
    pub const ALL: [Figure; 6] = [
        Figure::Closure,
        Figure::PClosed,
        Figure::PHalved,
        Figure::PBreach,
        Figure::PBreachIcr,
        Figure::PBreachLtv,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Figure::Closure => "closure",
            Figure::PClosed => "p_closed",
            Figure::PHalved => "p_halved",
            Figure::PBreach => "p_breach",
            Figure::PBreachIcr => "p_breach_icr",
            Figure::PBreachLtv => "p_breach_ltv",
        }
    }

    /// The estimate and its standard error in `a`. A probability's error is computed with
    /// (hits + 1/2) / (n + 1) in place of hits / n, so that a figure with no hits yet (its
    /// naive error 0) does not stop a run at once.
    pub fn estimate(self, a: &Aggregate) -> (f64, f64) {
        let event = |i: usize| {
            let c = a.events[i].probability();
            let n = a.draws as f64;
            let hits = c.p * n;
            let shrunk = (hits + 0.5) / (n + 1.0);
            (c.p, (shrunk * (1.0 - shrunk) / n).sqrt())
        };
        // Events in the order of aggregate::extract: closed, halved, any breach, ICR, LTV.
        const _: () = assert!(OVERALL_EVENTS == 5);
        match self {
            Figure::Closure => {
                let m = &a.stats[a.layout.overall()].moments;
                (m.mean(), m.mcse())
            }
            Figure::PClosed => event(0),
            Figure::PHalved => event(1),
            Figure::PBreach => event(2),
            Figure::PBreachIcr => event(3),
            Figure::PBreachLtv => event(4),
        }
    }
}

/// A figure and the standard error it should reach.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Target {
    pub figure: Figure,
    pub se: f64,
}

impl FromStr for Target {
    type Err = String;
    fn from_str(s: &str) -> Result<Target, String> {
        let known = || Figure::ALL.map(Figure::name).join(", ");
        let (name, value) = s.split_once('=').ok_or_else(|| {
            format!("expected FIGURE=STANDARD_ERROR (e.g. closure=0.002), got {s:?}")
        })?;
        let figure = Figure::ALL
            .into_iter()
            .find(|f| f.name() == name.trim())
            .ok_or_else(|| format!("unknown figure {name:?}; known: {}", known()))?;
        let se: f64 = value
            .trim()
            .parse()
            .map_err(|_| format!("{name}: the standard error must be a number, got {value:?}"))?;
        if !(se.is_finite() && se > 0.0) {
            return Err(format!("{name}: the standard error must be > 0, got {se}"));
        }
        Ok(Target { figure, se })
    }
}

/// One point of the convergence path: the estimates after `draws` draws.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub draws: u64,
    /// Per target, in the order of the targets: estimate and standard error.
    pub estimates: Vec<(f64, f64)>,
}

/// Why a precision-driven run stopped, and where its figures ended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub targets: Vec<Target>,
    /// True if every target was reached; false if the draws cap came first.
    pub reached: bool,
    pub draws: u64,
    /// The draws cap (`-n`).
    pub cap: u64,
    /// Per target: estimate and standard error at the stop.
    pub achieved: Vec<(f64, f64)>,
    pub path: Vec<Point>,
}

impl Report {
    /// "precision reached after 6,144 draws" or "the cap of 100,000 draws came first".
    pub fn why(&self) -> String {
        if self.reached {
            format!(
                "every standard error at or below its target after {} draws",
                self.draws
            )
        } else {
            format!(
                "the cap of {} draws came first; not reached: {}",
                self.cap,
                self.targets
                    .iter()
                    .zip(&self.achieved)
                    .filter(|(t, a)| a.1 > t.se)
                    .map(|(t, a)| format!("{} ({:.4} > {})", t.figure.name(), a.1, t.se))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    }
}

/// Follows a run chunk by chunk: records the path and says when to stop.
#[derive(Clone, Debug)]
pub struct Tracker {
    targets: Vec<Target>,
    cap: u64,
    path: Vec<Point>,
}

impl Tracker {
    pub fn new(targets: Vec<Target>, cap: u64) -> Tracker {
        Tracker {
            targets,
            cap,
            path: vec![],
        }
    }

    /// Records the aggregate after a chunk boundary; true when the run may stop here.
    pub fn update(&mut self, a: &Aggregate) -> bool {
        let estimates: Vec<(f64, f64)> =
            self.targets.iter().map(|t| t.figure.estimate(a)).collect();
        let done = a.draws >= MIN_DRAWS
            && self
                .targets
                .iter()
                .zip(&estimates)
                .all(|(t, e)| e.1 <= t.se);
        self.path.push(Point {
            draws: a.draws,
            estimates,
        });
        done
    }

    pub fn report(self, a: &Aggregate) -> Report {
        let achieved: Vec<(f64, f64)> = self.targets.iter().map(|t| t.figure.estimate(a)).collect();
        let reached = a.draws >= MIN_DRAWS.min(self.cap)
            && self.targets.iter().zip(&achieved).all(|(t, e)| e.1 <= t.se);
        Report {
            targets: self.targets,
            reached,
            draws: a.draws,
            cap: self.cap,
            achieved,
            path: self.path,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse_or_say_why() {
        let t: Target = "closure=0.002".parse().unwrap();
        assert_eq!(t.figure, Figure::Closure);
        assert_eq!(t.se, 0.002);
        let t: Target = " p_halved = 0.005".parse().unwrap();
        assert_eq!(t.figure, Figure::PHalved);
        assert!("closure".parse::<Target>().unwrap_err().contains("FIGURE="));
        assert!(
            "closur=0.1"
                .parse::<Target>()
                .unwrap_err()
                .contains("known: closure, p_closed")
        );
        assert!("closure=-1".parse::<Target>().unwrap_err().contains("> 0"));
        assert!("closure=abc".parse::<Target>().is_err());
    }
}
