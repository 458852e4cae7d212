//! The chart of a goal seek (seek.json): the figure against the lever at every evaluated
//! value with its 95% Monte Carlo interval, the target line, and the answer with its interval.

use super::charts::{BLUE, DrawResult, GREY, HouseStyle, Mark, VERMILLION, bold, legend_row};
use super::{Area, Drawing, Lang, PlotError, RenderedChart, mid_sentence, render_drawing};
use crate::seek::{Answer, Direction, SeekFile};
use plotters::prelude::*;

/// Draws the chart as SVG and PNG (stem `seek`).
///
/// # Errors
/// A drawing error.
pub fn render(f: &SeekFile, lang: Lang) -> Result<RenderedChart, PlotError> {
    struct Chart<'a>(&'a SeekFile, Lang);
    impl Drawing for Chart<'_> {
        fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> DrawResult<String>
        where
            DB::ErrorType: 'static,
        {
            draw(root, self.0, self.1)
        }
    }
    render_drawing(&Chart(f, lang), (1200, 760), "seek".into())
}

fn figure(lang: Lang, f: &SeekFile, y: f64) -> String {
    if f.share {
        lang.pct(y, if y.abs() < 0.1 { 2 } else { 1 })
    } else {
        lang.number(y, if y.abs() >= 100.0 { 0 } else { 3 })
    }
}

/// The target with the language's decimal mark in its number.
fn target(f: &SeekFile, lang: Lang) -> String {
    match f.target.rsplit_once(' ') {
        Some((head, number)) => format!("{head} {}", lang.decimal(number)),
        None => f.target.clone(),
    }
}

fn title(f: &SeekFile, lang: Lang) -> (String, bool) {
    let d = crate::seek::lever_decimals(f);
    let target = target(f, lang);
    let x = |v: f64| lang.number(v, d);
    let lever = mid_sentence(&lang.parameter_name(&f.lever));
    match &f.answer {
        Answer::Found {
            value,
            ci_low,
            ci_high,
            ..
        } => {
            let bound = |b: &Option<f64>, beyond: f64, word: &str| match b {
                Some(v) => x(*v),
                None => format!("{word} {}", x(beyond)),
            };
            let which = match (f.direction, lang) {
                (Direction::Smallest, Lang::En) => "Smallest",
                (Direction::Largest, Lang::En) => "Largest",
                (Direction::Smallest, Lang::Nl) => "Laagste",
                (Direction::Largest, Lang::Nl) => "Hoogste",
            };
            (
                format!(
                    "{which} {lever} {} {}: {} (95%: {} {} {})",
                    lang.t("with", "waarbij"),
                    target,
                    x(*value),
                    bound(ci_low, f.lo, lang.t("below", "onder")),
                    lang.t("to", "tot"),
                    bound(ci_high, f.hi, lang.t("above", "boven"))
                ),
                true,
            )
        }
        Answer::MetAtStart { value, .. } => (
            format!(
                "{} {} {lever} = {}",
                target,
                lang.t("is met already at", "wordt al gehaald bij"),
                x(*value)
            ),
            true,
        ),
        Answer::Unreachable {
            best,
            best_at,
            still_moving: true,
            ..
        } => (
            format!(
                "{} {} {}..{}: {} {} {} {lever} = {}, {}",
                target,
                lang.t("is not reached in", "wordt niet gehaald in"),
                x(f.lo),
                x(f.hi),
                lang.t("best", "beste waarde"),
                figure(lang, f, *best),
                lang.t("at", "bij"),
                x(*best_at),
                lang.t(
                    "still moving at the end: widen the range",
                    "nog in beweging aan het eind: verruim het bereik"
                )
            ),
            false,
        ),
        Answer::Unreachable {
            best,
            best_at,
            flat_from,
            ..
        } => {
            let head = format!(
                "{} {} {}..{}",
                target,
                lang.t("is out of reach in", "is niet haalbaar in"),
                x(f.lo),
                x(f.hi)
            );
            let tail = match flat_from {
                None => format!(
                    "{} {}",
                    lang.t("stays at about", "blijft rond"),
                    figure(lang, f, *best)
                ),
                Some(_) => format!(
                    "{} {} {} {lever} = {}",
                    lang.t("best", "beste waarde"),
                    figure(lang, f, *best),
                    lang.t("at", "bij"),
                    x(*best_at)
                ),
            };
            (format!("{head}: {tail}"), false)
        }
    }
}

fn draw<DB: DrawingBackend>(root: &Area<DB>, f: &SeekFile, lang: Lang) -> DrawResult<String>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let (title, reached) = title(f, lang);
    let (head, body) = root.split_vertically(50);
    let colour = if reached { BLACK } else { VERMILLION };
    head.draw(&Text::new(title.clone(), (24, 14), bold(20).color(&colour)))?;
    let area = legend_row(
        &body,
        &[
            (
                lang.t(
                    "estimate (same draws at every value)",
                    "schatting (zelfde trekkingen bij elke waarde)",
                )
                .into(),
                Mark::Line(BLUE),
            ),
            (
                lang.t("95% Monte Carlo interval", "95%-interval (Monte Carlo)")
                    .into(),
                Mark::Patch(BLUE.mix(0.25)),
            ),
            (lang.t("target", "doel").into(), Mark::Line(VERMILLION)),
            (
                lang.t("answer and its 95% interval", "uitkomst en 95%-interval")
                    .into(),
                Mark::Patch(GREY.mix(0.25)),
            ),
        ],
    )?;
    let pts: Vec<(f64, f64, f64)> = f
        .points
        .iter()
        .map(|p| (p.x, p.estimate, 1.96 * p.se))
        .collect();
    let lo = pts
        .iter()
        .map(|p| p.1 - p.2)
        .chain([f.threshold])
        .fold(f64::INFINITY, f64::min);
    let hi = pts
        .iter()
        .map(|p| p.1 + p.2)
        .chain([f.threshold])
        .fold(f64::NEG_INFINITY, f64::max);
    let pad = ((hi - lo) * 0.08).max(if f.share { 0.005 } else { 1e-6 });
    let (y0, y1) = (lo - pad, hi + pad);
    let span = f.hi - f.lo;
    // Decimals enough for ticks about an eighth of the range apart.
    let tick_decimals = (-(span / 8.0).log10()).ceil().clamp(0.0, 8.0) as usize;
    // One number of decimals for the whole axis, from its span.
    let y_span = y1 - y0;
    let axis = |y: f64| {
        if f.share {
            lang.pct(
                y,
                if y_span >= 0.2 {
                    0
                } else if y_span >= 0.02 {
                    1
                } else {
                    2
                },
            )
        } else {
            let digits = (-(y_span.log10()) + 2.0).clamp(0.0, 6.0) as usize;
            lang.number(y, digits)
        }
    };
    let mut chart = ChartBuilder::on(&area)
        .margin(16)
        .margin_right(40)
        .x_label_area_size(60)
        .y_label_area_size(100)
        .build_cartesian_2d((f.lo - 0.02 * span)..(f.hi + 0.02 * span), y0..y1)?;
    chart
        .configure_mesh()
        .x_labels(8)
        .y_labels(6)
        .x_label_formatter(&|x| lang.number(*x, tick_decimals))
        .y_label_formatter(&|y| axis(*y))
        .x_desc(lang.parameter(&f.lever))
        .y_desc(f.figure.as_str())
        .house(17, 15)
        .draw()?;
    // The answer and its interval.
    if let Answer::Found {
        value,
        ci_low,
        ci_high,
        ..
    } = &f.answer
    {
        let a = ci_low.unwrap_or(f.lo);
        let b = ci_high.unwrap_or(f.hi);
        chart.draw_series(std::iter::once(Rectangle::new(
            [(a, y0), (b, y1)],
            GREY.mix(0.25).filled(),
        )))?;
        chart.draw_series(std::iter::once(PathElement::new(
            [(*value, y0), (*value, y1)],
            GREY.stroke_width(2),
        )))?;
    }
    let mut band: Vec<(f64, f64)> = pts.iter().map(|p| (p.0, p.1 + p.2)).collect();
    band.extend(pts.iter().rev().map(|p| (p.0, p.1 - p.2)));
    chart.draw_series(std::iter::once(Polygon::new(band, BLUE.mix(0.25).filled())))?;
    chart.draw_series(LineSeries::new(
        pts.iter().map(|p| (p.0, p.1)),
        BLUE.stroke_width(2),
    ))?;
    chart.draw_series(f.points.iter().map(|p| {
        let style = if p.met { BLUE.filled() } else { WHITE.filled() };
        Circle::new((p.x, p.estimate), 4, style)
    }))?;
    chart.draw_series(
        f.points
            .iter()
            .map(|p| Circle::new((p.x, p.estimate), 4, BLUE.stroke_width(1))),
    )?;
    chart.draw_series(DashedLineSeries::new(
        [
            (f.lo - 0.02 * span, f.threshold),
            (f.hi + 0.02 * span, f.threshold),
        ],
        10,
        6,
        VERMILLION.stroke_width(2),
    ))?;
    Ok(title)
}
