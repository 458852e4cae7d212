//! What the page shows of a what-if: the headline table (loaded, what-if, difference with
//! Monte Carlo errors) and the run's charts as SVG, drawn by the report's own chart code.

use super::whatif::{Outcome, PAIRED, WhatIf};
use crate::output::OverallSummary;
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

/// A run's figures in [`PAIRED`] order, each as (value, Monte Carlo error).
fn paired_figures(o: &OverallSummary) -> [(f64, f64); 4] {
    [
        (o.gap_closure.mean, o.gap_closure.mcse),
        (o.p_halved.p, o.p_halved.mcse),
        (o.p_breach_icr.p, o.p_breach_icr.mcse),
        (o.p_breach_ltv.p, o.p_breach_ltv.mcse),
    ]
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
    let last = o.results.summary.last_year;
    let l = |en: &'static str, nl: &'static str| lang.t(en, nl);
    // In PAIRED order.
    let labels = [
        format!(
            "{} {last}",
            l(
                "Gap closure (mean) by",
                "Inloop van de achterstand (gemiddeld) in"
            )
        ),
        format!(
            "{} {last}",
            l("P(gap halved) in", "P(achterstand gehalveerd) in")
        ),
        l(
            "P(a corporation below the ICR limit in some year)",
            "P(een corporatie in enig jaar onder de ICR-norm)",
        )
        .into(),
        l(
            "P(a corporation above the LTV limit in some year)",
            "P(een corporatie in enig jaar boven de LTV-norm)",
        )
        .into(),
    ];
    let loaded = paired_figures(&w.loaded_results.summary.overall);
    let whatif = paired_figures(&o.results.summary.overall);
    let mut rows = vec![];
    let mut figures = vec![];
    for (i, label) in labels.into_iter().enumerate() {
        let ((x, x_se), (y, y_se), d) = (loaded[i], whatif[i], o.differences[i]);
        rows.push([
            label,
            lang.pct_pm(x, x_se),
            lang.pct_pm(y, y_se),
            lang.pp_pm(d.mean, d.mcse),
        ]);
        figures.push(Figure {
            key: PAIRED[i],
            loaded: x,
            whatif: y,
            difference: d.mean,
            difference_mcse: d.mcse,
        });
    }
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
        draws: w.loaded.run.draws,
        seed: w.loaded.run.seed,
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
