//! The convergence chart of a precision-driven run: per targeted figure its estimate with
//! ±2 standard errors against the draws, and where the run stopped.

use super::charts::{BLUE, DrawResult, GREY, HouseStyle, Mark, VERMILLION, bold, legend_row};
use super::{Area, Drawing, Lang, PlotError, RenderedChart, render_drawing};
use crate::precision::Report;
use plotters::prelude::*;

/// Draws the chart as SVG and PNG (stem `convergence`).
///
/// # Errors
/// A drawing error.
pub fn render(r: &Report, lang: Lang) -> Result<RenderedChart, PlotError> {
    struct Chart<'a>(&'a Report, Lang);
    impl Drawing for Chart<'_> {
        fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> DrawResult<String>
        where
            DB::ErrorType: 'static,
        {
            draw(root, self.0, self.1)
        }
    }
    let panels = r.targets.len().max(1) as u32;
    render_drawing(
        &Chart(r, lang),
        (1200, 110 + 320 * panels),
        "convergence".into(),
    )
}

fn label(lang: Lang, name: &str) -> String {
    match name {
        "closure" => lang.t("Mean gap closure", "Gemiddeld ingelopen deel"),
        "p_closed" => lang.t("P(gap closed)", "Kans achterstand ingelopen"),
        "p_halved" => lang.t("P(gap halved)", "Kans achterstand gehalveerd"),
        "p_breach" => lang.t(
            "P(a corporation breaches a limit)",
            "Kans dat een corporatie onder de ICR-norm of boven de LTV-norm komt",
        ),
        "p_breach_icr" => lang.t(
            "P(a corporation below the ICR limit)",
            "Kans dat een corporatie onder de ICR-norm komt",
        ),
        _ => lang.t(
            "P(a corporation above the LTV limit)",
            "Kans dat een corporatie boven de LTV-norm komt",
        ),
    }
    .to_string()
}

fn draw<DB: DrawingBackend>(root: &Area<DB>, r: &Report, lang: Lang) -> DrawResult<String>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let title = if r.reached {
        format!(
            "{} {} {}",
            lang.t(
                "Every target precision reached after",
                "Elke gevraagde precisie bereikt na"
            ),
            lang.number(r.draws as f64, 0),
            lang.t("draws", "trekkingen")
        )
    } else {
        format!(
            "{} {} {}",
            lang.t(
                "Target precision not reached: stopped at the cap of",
                "Gevraagde precisie niet bereikt: gestopt bij het maximum van"
            ),
            lang.number(r.cap as f64, 0),
            lang.t("draws", "trekkingen")
        )
    };
    let (head, body) = root.split_vertically(50);
    let colour = if r.reached { BLACK } else { VERMILLION };
    head.draw(&Text::new(title.clone(), (24, 14), bold(22).color(&colour)))?;
    let area = legend_row(
        &body,
        &[
            (lang.t("estimate", "schatting").into(), Mark::Line(BLUE)),
            (
                lang.t("± 2 standard errors", "± 2 standaardfouten").into(),
                Mark::Patch(BLUE.mix(0.2)),
            ),
        ],
    )?;
    let panels = area.split_evenly((r.targets.len().max(1), 1));
    let x_max = r.path.last().map_or(1.0, |p| p.draws as f64);
    for (k, (t, panel)) in r.targets.iter().zip(&panels).enumerate() {
        let pts: Vec<(f64, f64, f64)> = r
            .path
            .iter()
            .map(|p| (p.draws as f64, p.estimates[k].0, p.estimates[k].1))
            .collect();
        let lo = pts
            .iter()
            .map(|p| p.1 - 2.0 * p.2)
            .fold(f64::INFINITY, f64::min);
        let hi = pts
            .iter()
            .map(|p| p.1 + 2.0 * p.2)
            .fold(f64::NEG_INFINITY, f64::max);
        let pad = ((hi - lo) * 0.08).max(1e-4);
        let achieved = r.achieved[k].1;
        let caption = format!(
            "{}: {} {} ({} {})",
            label(lang, t.figure.name()),
            lang.t("standard error", "standaardfout"),
            lang.number(achieved, 4),
            lang.t("target", "doel"),
            lang.number(t.se, 4),
        );
        let style = if achieved <= t.se {
            bold(17)
        } else {
            bold(17).color(&VERMILLION)
        };
        let mut chart = ChartBuilder::on(panel)
            .caption(caption, style)
            .margin(12)
            .margin_right(36)
            .x_label_area_size(50)
            .y_label_area_size(90)
            .build_cartesian_2d(0.0..x_max * 1.02, (lo - pad)..(hi + pad))?;
        chart
            .configure_mesh()
            .x_labels(6)
            .y_labels(5)
            .x_label_formatter(&|x| lang.number(*x, 0))
            .y_label_formatter(&|y| lang.pct(*y, 1))
            .x_desc(lang.t("draws", "trekkingen"))
            .house(17, 15)
            .draw()?;
        let mut band: Vec<(f64, f64)> = pts.iter().map(|p| (p.0, p.1 + 2.0 * p.2)).collect();
        band.extend(pts.iter().rev().map(|p| (p.0, p.1 - 2.0 * p.2)));
        chart.draw_series(std::iter::once(Polygon::new(band, BLUE.mix(0.2).filled())))?;
        chart.draw_series(LineSeries::new(
            pts.iter().map(|p| (p.0, p.1)),
            BLUE.stroke_width(2),
        ))?;
        chart.draw_series(std::iter::once(PathElement::new(
            [(x_max, lo - pad), (x_max, hi + pad)],
            GREY.stroke_width(2),
        )))?;
    }
    Ok(title)
}
