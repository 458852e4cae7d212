//! The calibration chart: per target, its band against the model's distribution before and
//! after the fit (5-95% whisker, 25-75% box, median tick, and the target's statistic as a
//! dot), one panel per target.

use super::charts::{
    BLUE, DrawResult, GREEN, GREY, HouseStyle, Mark, VERMILLION, bold, legend_row,
};
use super::{Area, Drawing, Lang, PlotError, RenderedChart, render_drawing};
use crate::calibrate::{Calibration, TargetValue};
use plotters::prelude::*;

/// Panels per row.
const COLUMNS: usize = 2;

/// Draws the chart as SVG and PNG.
///
/// # Errors
/// A drawing error.
pub fn render(c: &Calibration, lang: Lang) -> Result<RenderedChart, PlotError> {
    struct Chart<'a>(&'a Calibration, Lang);
    impl Drawing for Chart<'_> {
        fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> DrawResult<String>
        where
            DB::ErrorType: 'static,
        {
            draw(root, self.0, self.1)
        }
    }
    let rows = c.targets.len().div_ceil(COLUMNS) as u32;
    render_drawing(
        &Chart(c, lang),
        (1200, 130 + 230 * rows.max(1)),
        "calibration_targets".into(),
    )
}

fn draw<DB: DrawingBackend>(root: &Area<DB>, c: &Calibration, lang: Lang) -> DrawResult<String>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let title = format!(
        "{} {}: {}",
        lang.t("Calibration of", "Kalibratie van"),
        c.scenario,
        lang.t(
            "published figures (band) and the model before and after the fit",
            "gepubliceerde cijfers (band) en het model voor en na de fit",
        )
    );
    let (head, body) = root.split_vertically(50);
    head.draw(&Text::new(title.clone(), (24, 14), bold(22)))?;
    let grid = legend_row(
        &body,
        &[
            (
                lang.t("target band", "doelband").into(),
                Mark::Patch(GREEN.mix(0.25)),
            ),
            (
                lang.t(
                    "before: 5-95%, 25-75%, median",
                    "vóór: 5-95%, 25-75%, mediaan",
                )
                .into(),
                Mark::Line(GREY),
            ),
            (
                lang.t("after the fit", "na de fit").into(),
                Mark::Line(BLUE),
            ),
            (
                lang.t("the target's statistic", "de statistiek van het doel")
                    .into(),
                Mark::Dot(VERMILLION),
            ),
        ],
    )?;
    let rows = c.targets.len().div_ceil(COLUMNS);
    let panels = grid.split_evenly((rows.max(1), COLUMNS));
    for (t, panel) in c.targets.iter().zip(&panels) {
        let spread = |v: &TargetValue| [v.q05, v.q95, v.value];
        let all: Vec<f64> = spread(&t.before)
            .into_iter()
            .chain(spread(&t.after))
            .chain([t.band.0, t.band.1])
            .filter(|x| x.is_finite())
            .collect();
        let lo = all.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = all.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let pad = ((hi - lo) * 0.08).max(1e-9);
        let (x0, x1) = (lo - pad, hi + pad);
        let inside = if t.after.inside {
            lang.t("inside", "binnen")
        } else if t.after.near {
            lang.t("at the edge", "op de rand")
        } else {
            lang.t("outside", "buiten")
        };
        let caption = if t.after.inside || t.after.near {
            bold(17)
        } else {
            bold(17).color(&VERMILLION)
        };
        let mut chart = ChartBuilder::on(panel)
            .caption(format!("{}  ·  {inside}", t.name), caption)
            .margin(10)
            .margin_right(24)
            .x_label_area_size(32)
            .y_label_area_size(70)
            .build_cartesian_2d(x0..x1, -0.6..1.6)?;
        let digits = decimals(x1 - x0);
        chart
            .configure_mesh()
            .x_labels(5)
            .y_labels(2)
            .x_label_formatter(&|x| lang.number(*x, digits))
            .y_label_formatter(&|y: &f64| {
                if (y - 1.0).abs() < 1e-6 {
                    lang.t("before", "vóór").into()
                } else if y.abs() < 1e-6 {
                    lang.t("after", "na").into()
                } else {
                    String::new()
                }
            })
            .disable_y_mesh()
            .house(15, 14)
            .draw()?;
        chart.draw_series(std::iter::once(Rectangle::new(
            [(t.band.0, -0.6), (t.band.1, 1.6)],
            GREEN.mix(0.25).filled(),
        )))?;
        for (v, y, colour) in [(&t.before, 1.0, GREY), (&t.after, 0.0, BLUE)] {
            chart.draw_series(std::iter::once(PathElement::new(
                [(v.q05, y), (v.q95, y)],
                colour.stroke_width(2),
            )))?;
            chart.draw_series(std::iter::once(Rectangle::new(
                [(v.q25, y - 0.22), (v.q75, y + 0.22)],
                colour.mix(0.35).filled(),
            )))?;
            chart.draw_series(std::iter::once(PathElement::new(
                [(v.q50, y - 0.3), (v.q50, y + 0.3)],
                colour.stroke_width(3),
            )))?;
            chart.draw_series(std::iter::once(Circle::new(
                (v.value, y),
                6,
                VERMILLION.filled(),
            )))?;
        }
    }
    Ok(title)
}

/// Decimals for tick labels of an axis spanning `span`.
fn decimals(span: f64) -> usize {
    if span <= 0.0 || !span.is_finite() {
        return 2;
    }
    ((-span.log10()).ceil() + 1.0).clamp(0.0, 6.0) as usize
}
