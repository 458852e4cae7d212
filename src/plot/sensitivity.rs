//! The sensitivity chart of one output: per factor its first-order and total index with 95%
//! bootstrap intervals, the largest total index on top.

use super::charts::{BLUE, DrawResult, Mark, ORANGE, bold, legend_row, rows_chart};
use super::{Area, Drawing, Lang, PlotError, RenderedChart, render_drawing};
use crate::sensitivity::Sensitivity;
use plotters::prelude::*;

/// Factors drawn at most; the rest are summed up in the caption.
pub const SHOWN: usize = 15;

/// Draws the chart of output `o` as SVG and PNG (stem `sensitivity_<output>`); `None` when
/// the output does not vary.
///
/// # Errors
/// A drawing error.
pub fn render(s: &Sensitivity, o: usize, lang: Lang) -> Result<Option<RenderedChart>, PlotError> {
    struct Chart<'a>(&'a Sensitivity, usize, Lang);
    impl Drawing for Chart<'_> {
        fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> DrawResult<String>
        where
            DB::ErrorType: 'static,
        {
            draw(root, self.0, self.1, self.2)
        }
    }
    if s.outputs[o].indices.factors.is_empty() {
        return Ok(None);
    }
    let shown = s.factors.len().min(SHOWN) as u32;
    render_drawing(
        &Chart(s, o, lang),
        (1200, 190 + 52 * shown),
        format!("sensitivity_{}", s.outputs[o].output.name()),
    )
    .map(Some)
}

fn draw<DB: DrawingBackend>(
    root: &Area<DB>,
    s: &Sensitivity,
    o: usize,
    lang: Lang,
) -> DrawResult<String>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let out = &s.outputs[o];
    let title = format!(
        "{}: {}",
        lang.t(
            "What drives the variance of",
            "Wat de variantie bepaalt van"
        ),
        out.output.describe(lang)
    );
    let (head, body) = root.split_vertically(50);
    head.draw(&Text::new(title.clone(), (24, 14), bold(22)))?;
    let area = legend_row(
        &body,
        &[
            (
                lang.t("first-order: alone", "eerste orde: alleen").into(),
                Mark::Patch(BLUE.mix(0.8)),
            ),
            (
                lang.t("total: with its interactions", "totaal: met interacties")
                    .into(),
                Mark::Patch(ORANGE.mix(0.8)),
            ),
            (
                lang.t("95% bootstrap interval", "95%-bootstrapinterval")
                    .into(),
                Mark::Line(BLACK),
            ),
        ],
    )?;
    let ranked = s.ranked(o);
    let shown: Vec<usize> = ranked.iter().take(SHOWN).copied().collect();
    // The largest on top: row 0 is at the bottom.
    let rows: Vec<usize> = shown.iter().rev().copied().collect();
    let labels: Vec<String> = rows.iter().map(|&i| s.factors[i].label(lang)).collect();
    let ix = &out.indices.factors;
    let hi = rows
        .iter()
        .map(|&i| ix[i].total.hi.max(ix[i].first.hi))
        .filter(|x| x.is_finite())
        .fold(0.1, f64::max)
        .min(1.2)
        * 1.05;
    let lo = rows
        .iter()
        .map(|&i| ix[i].first.lo.min(ix[i].total.lo))
        .filter(|x| x.is_finite())
        .fold(0.0, f64::min)
        .max(-0.2)
        - 0.02;
    let rest = ranked.len() - shown.len();
    let desc = if rest > 0 {
        format!(
            "{} ({} {})",
            lang.t("Share of the variance", "Aandeel in de variantie"),
            rest,
            lang.t(
                "more factors, each smaller, in sensitivity.csv",
                "factoren meer, elk kleiner, in sensitivity.csv"
            )
        )
    } else {
        lang.t("Share of the variance", "Aandeel in de variantie")
            .to_string()
    };
    let mut chart = rows_chart(&area, &labels, (lo, hi), 430, &|x| lang.pct(*x, 0), &desc)?;
    for (y, &i) in rows.iter().enumerate() {
        let y = y as f64;
        for (e, colour, (y0, y1)) in [
            (ix[i].total, ORANGE, (y + 0.02, y + 0.34)),
            (ix[i].first, BLUE, (y - 0.34, y - 0.02)),
        ] {
            chart.draw_series(std::iter::once(Rectangle::new(
                [(0.0, y0), (e.value.clamp(lo, hi), y1)],
                colour.mix(0.8).filled(),
            )))?;
            if e.lo.is_finite() && e.hi.is_finite() {
                let mid = (y0 + y1) / 2.0;
                let (a, b) = (e.lo.clamp(lo, hi), e.hi.clamp(lo, hi));
                chart.draw_series(std::iter::once(PathElement::new(
                    [(a, mid), (b, mid)],
                    BLACK.stroke_width(2),
                )))?;
                for x in [a, b] {
                    chart.draw_series(std::iter::once(PathElement::new(
                        [(x, mid - 0.1), (x, mid + 0.1)],
                        BLACK.stroke_width(2),
                    )))?;
                }
            }
        }
    }
    chart.draw_series(std::iter::once(PathElement::new(
        [(0.0, -0.6), (0.0, rows.len() as f64 - 0.4)],
        BLACK.stroke_width(1),
    )))?;
    Ok(title)
}

/// The tornado chart: per parameter factor the mean closure (top) and P(halved) (bottom)
/// with the factor at its 5th and at its 95th percentile, around the scenario's own value;
/// the widest swing on top. `None` without a tornado or without a parameter to swing.
///
/// # Errors
/// A drawing error.
pub fn render_tornado(s: &Sensitivity, lang: Lang) -> Result<Option<RenderedChart>, PlotError> {
    struct Chart<'a>(&'a Sensitivity, Lang);
    impl Drawing for Chart<'_> {
        fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> DrawResult<String>
        where
            DB::ErrorType: 'static,
        {
            draw_tornado(root, self.0, self.1)
        }
    }
    let Some(t) = &s.tornado else {
        return Ok(None);
    };
    if t.swings.is_empty() {
        return Ok(None);
    }
    let shown = t.swings.len().min(SHOWN) as u32;
    render_drawing(
        &Chart(s, lang),
        (1200, 200 + 2 * (110 + 40 * shown)),
        "sensitivity_tornado".into(),
    )
    .map(Some)
}

fn draw_tornado<DB: DrawingBackend>(
    root: &Area<DB>,
    s: &Sensitivity,
    lang: Lang,
) -> DrawResult<String>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let t = s.tornado.as_ref().expect("checked by render_tornado");
    let title = format!(
        "{} ({} {})",
        lang.t(
            "One at a time: each parameter at its 5th and 95th percentile",
            "Eén voor één: elke parameter op zijn 5e en 95e percentiel"
        ),
        lang.number(t.draws as f64, 0),
        lang.t("draws each", "trekkingen elk")
    );
    let (head, body) = root.split_vertically(50);
    head.draw(&Text::new(title.clone(), (24, 14), bold(22)))?;
    let area = legend_row(
        &body,
        &[
            (
                lang.t("at its 5th percentile", "op zijn 5e percentiel")
                    .into(),
                Mark::Patch(BLUE.mix(0.8)),
            ),
            (
                lang.t("at its 95th percentile", "op zijn 95e percentiel")
                    .into(),
                Mark::Patch(ORANGE.mix(0.8)),
            ),
            (
                lang.t("as distributed (the scenario)", "verdeeld (het scenario)")
                    .into(),
                Mark::Line(BLACK),
            ),
        ],
    )?;
    let swings: Vec<_> = t.swings.iter().take(SHOWN).rev().collect();
    let labels: Vec<String> = swings.iter().map(|w| w.factor.clone()).collect();
    let panels = area.split_evenly((2, 1));
    type Pick = fn(&crate::sensitivity::tornado::Figures) -> f64;
    // What each panel shows, and whether its axis stops at 0 (a probability).
    let picks: [(Pick, &str, bool); 2] = [
        (
            |f| f.closure,
            lang.t(
                "Mean gap closure at the horizon",
                "Gemiddeld ingelopen deel van de achterstand aan het eind",
            ),
            false,
        ),
        (
            |f| f.p_halved,
            lang.t("P(gap halved)", "Kans dat de achterstand gehalveerd is"),
            true,
        ),
    ];
    for (panel, (pick, desc, probability)) in panels.iter().zip(picks) {
        let base = pick(&t.base);
        let values: Vec<f64> = swings
            .iter()
            .flat_map(|w| [pick(&w.low), pick(&w.high)])
            .chain([base])
            .collect();
        let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if hi <= lo {
            // Every setting gives the same value (P(halved) 0 throughout): say so.
            panel.draw(&Text::new(
                format!(
                    "{}: {} {}",
                    desc,
                    lang.pct(base, 1),
                    lang.t(
                        "at every setting of every factor",
                        "bij elke stand van elke factor"
                    )
                ),
                (430, 40),
                bold(17),
            ))?;
            continue;
        }
        let pad = ((hi - lo) * 0.08).max(0.005);
        // A probability's axis does not go below 0.
        let lo = if probability {
            (lo - pad).max(0.0) + pad
        } else {
            lo
        };
        let digits = if hi - lo < 0.02 { 1 } else { 0 };
        let mut chart = rows_chart(
            panel,
            &labels,
            (lo - pad, hi + pad),
            430,
            &|x| lang.pct(*x, digits),
            desc,
        )?;
        for (y, w) in swings.iter().enumerate() {
            let y = y as f64;
            for (v, colour, (y0, y1)) in [
                (pick(&w.low), BLUE, (y - 0.32, y)),
                (pick(&w.high), ORANGE, (y, y + 0.32)),
            ] {
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(base, y0), (v, y1)],
                    colour.mix(0.8).filled(),
                )))?;
            }
        }
        chart.draw_series(std::iter::once(PathElement::new(
            [(base, -0.6), (base, swings.len() as f64 - 0.4)],
            BLACK.stroke_width(2),
        )))?;
    }
    Ok(title)
}
