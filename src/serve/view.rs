//! What the page shows of a what-if: the headline table (loaded, what-if, difference with
//! Monte Carlo errors) and the run's charts as SVG, drawn by the report's own chart code.

use super::whatif::{Outcome, WhatIf};
use crate::plot::{self, ChartKind, Lang};
use serde::Serialize;

/// The charts the page redraws on every change, in page order.
pub const CHARTS: [ChartKind; 5] = [
    ChartKind::GapFan,
    ChartKind::ClosureDistribution,
    ChartKind::Wijken,
    ChartKind::Icr,
    ChartKind::Ltv,
];

/// The answer to a what-if request.
#[derive(Debug, Serialize)]
pub struct View {
    pub draws: u64,
    pub seed: u64,
    /// Wall time of the runs, seconds.
    pub seconds: f64,
    /// The levers that differ from the loaded scenario, as sentences.
    pub changes: Vec<String>,
    pub headline: Headline,
    pub charts: Vec<Chart>,
}

/// The headline table.
#[derive(Debug, Serialize)]
pub struct Headline {
    pub columns: [String; 4],
    pub rows: Vec<[String; 4]>,
    /// The figures as numbers, for checks: (key, loaded, what-if, difference, its error).
    pub figures: Vec<Figure>,
}

/// One headline figure as numbers.
#[derive(Debug, Serialize)]
pub struct Figure {
    pub key: &'static str,
    pub loaded: f64,
    pub whatif: f64,
    pub difference: f64,
    pub difference_mcse: f64,
}

/// One chart.
#[derive(Debug, Serialize)]
pub struct Chart {
    pub stem: String,
    pub title: String,
    pub svg: String,
}

/// The page's view of `o`.
///
/// # Errors
/// A chart that cannot be drawn.
pub fn view(
    w: &WhatIf,
    o: &Outcome,
    changes: Vec<String>,
    lang: Lang,
) -> Result<View, plot::PlotError> {
    let a = &w.loaded_results.summary.overall;
    let b = &o.results.summary.overall;
    let [d_closure, d_halved, d_icr, d_ltv] = o.differences.map(|d| (d.mean, d.mcse));
    let last = o.results.summary.last_year;
    let l = |en: &'static str, nl: &'static str| lang.t(en, nl);
    // (key, label, loaded, what-if, paired difference): each figure as (value, its error).
    let lines = [
        (
            "gap_closure",
            format!(
                "{} {last}",
                l(
                    "Gap closure (mean) by",
                    "Inloop van de achterstand (gemiddeld) in"
                )
            ),
            (a.gap_closure.mean, a.gap_closure.mcse),
            (b.gap_closure.mean, b.gap_closure.mcse),
            d_closure,
        ),
        (
            "p_halved",
            format!(
                "{} {last}",
                l("P(gap halved) in", "P(achterstand gehalveerd) in")
            ),
            (a.p_halved.p, a.p_halved.mcse),
            (b.p_halved.p, b.p_halved.mcse),
            d_halved,
        ),
        (
            "p_breach_icr",
            l(
                "P(a corporation below the ICR limit in some year)",
                "P(een corporatie in enig jaar onder de ICR-norm)",
            )
            .into(),
            (a.p_breach_icr.p, a.p_breach_icr.mcse),
            (b.p_breach_icr.p, b.p_breach_icr.mcse),
            d_icr,
        ),
        (
            "p_breach_ltv",
            l(
                "P(a corporation above the LTV limit in some year)",
                "P(een corporatie in enig jaar boven de LTV-norm)",
            )
            .into(),
            (a.p_breach_ltv.p, a.p_breach_ltv.mcse),
            (b.p_breach_ltv.p, b.p_breach_ltv.mcse),
            d_ltv,
        ),
    ];
    let rows = lines
        .iter()
        .map(|(_, label, x, y, d)| {
            [
                label.clone(),
                lang.pct_pm(x.0, x.1),
                lang.pct_pm(y.0, y.1),
                lang.pp_pm(d.0, d.1),
            ]
        })
        .collect();
    let figures = lines
        .iter()
        .map(|&(key, _, x, y, d)| Figure {
            key,
            loaded: x.0,
            whatif: y.0,
            difference: d.0,
            difference_mcse: d.1,
        })
        .collect();
    let charts = CHARTS
        .into_iter()
        .map(|k| {
            plot::render_svg(k, &o.results, lang).map(|c| Chart {
                stem: c.stem,
                title: c.title,
                svg: c.svg,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(View {
        draws: w.draws,
        seed: w.seed,
        seconds: o.seconds,
        changes,
        headline: Headline {
            columns: [
                String::new(),
                format!("{} ({})", l("Loaded", "Geladen"), w.loaded.name),
                l("What-if", "Wat-als").into(),
                l(
                    "Difference (same draws, ± Monte Carlo error)",
                    "Verschil (zelfde trekkingen, ± Monte Carlo-fout)",
                )
                .into(),
            ],
            rows,
            figures,
        },
        charts,
    })
}
