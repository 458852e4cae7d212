//! The chart drawings, generic over the plotters backend (SVG or bitmap).

use super::{Area, ChartKind, FONT, Lang};
use crate::output::CorporationSummary;
use crate::results::{Place, RunResults, YearlyRow};
use crate::stats::Distribution;
use plotters::chart::MeshStyle;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::error::Error;

pub(super) type DrawResult<T> = Result<T, Box<dyn Error>>;

/// Panels per row in the corporation grids.
pub const GRID_COLUMNS: usize = 3;

// The Okabe-Ito palette: distinguishable with the common colour-vision deficiencies.
pub(super) const BLUE: RGBColor = RGBColor(0, 114, 178);
pub(super) const ORANGE: RGBColor = RGBColor(230, 159, 0);
pub(super) const SKY: RGBColor = RGBColor(86, 180, 233);
pub(super) const GREEN: RGBColor = RGBColor(0, 158, 115);
pub(super) const VERMILLION: RGBColor = RGBColor(213, 94, 0);
pub(super) const PURPLE: RGBColor = RGBColor(204, 121, 167);
pub(super) const YELLOW_DARK: RGBColor = RGBColor(170, 150, 0);
pub(super) const GREY: RGBColor = RGBColor(110, 110, 110);
pub(super) const LIGHT: RGBColor = RGBColor(225, 225, 225);

pub(super) fn text(size: u32) -> TextStyle<'static> {
    (FONT, size).into_font().color(&BLACK)
}

pub(super) fn bold(size: u32) -> TextStyle<'static> {
    (FONT, size)
        .into_font()
        .style(FontStyle::Bold)
        .color(&BLACK)
}

pub(super) fn anchored<'a>(style: TextStyle<'a>, h: HPos, v: VPos) -> TextStyle<'a> {
    style.pos(Pos::new(h, v))
}

/// Draws `kind` on `root` and returns its title.
pub fn draw<DB: DrawingBackend>(
    kind: ChartKind,
    root: &Area<DB>,
    r: &RunResults,
    lang: Lang,
) -> DrawResult<String>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let s = &r.summary;
    let period = format!("{}-{}", s.first_year, s.last_year);
    let title = match kind {
        ChartKind::GapFan => format!(
            "{} {} {}, {period}",
            lang.t("Composite gap of the", "Samengestelde achterstand van de"),
            s.wijken.len(),
            lang.t("wijken", "wijken"),
        ),
        ChartKind::ClosureDistribution => format!(
            "{} {period}",
            lang.t(
                "Distribution of gap closure",
                "Verdeling van het ingelopen deel van de achterstand"
            )
        ),
        ChartKind::Wijken => format!(
            "{} {period}",
            lang.t(
                "Gap closure per wijk",
                "Ingelopen deel van de achterstand per wijk"
            )
        ),
        ChartKind::Icr => lang
            .t(
                "Interest coverage ratio (ICR) per corporation",
                "Rentedekkingsgraad (ICR) per corporatie",
            )
            .to_string(),
        ChartKind::Ltv => lang
            .t(
                "Loan-to-value (LTV) per corporation",
                "Schuld ten opzichte van de bezitswaarde (LTV) per corporatie",
            )
            .to_string(),
        ChartKind::ClosureByYear => lang
            .t(
                "Probability that the gap has been halved or closed by each year",
                "Kans dat de achterstand tot en met elk jaar ooit gehalveerd of ingelopen is",
            )
            .to_string(),
        ChartKind::ValueUplift => format!(
            "{} {}",
            lang.t(
                "Property value uplift from closing the gap,",
                "Waardestijging van woningen doordat de achterstand inloopt,"
            ),
            s.last_year
        ),
        ChartKind::Indicators => format!(
            "{} {}",
            lang.t(
                "Gap per indicator at the horizon,",
                "Achterstand per indicator aan het eind,"
            ),
            s.last_year
        ),
    };
    let body = header(root, &title, r, lang)?;
    match kind {
        ChartKind::GapFan => gap_fan(&body, r, lang)?,
        ChartKind::ClosureDistribution => closure_distribution(&body, r, lang)?,
        ChartKind::Wijken => wijken(&body, r, lang)?,
        ChartKind::Icr => ratios(&body, r, lang, Ratio::Icr)?,
        ChartKind::Ltv => ratios(&body, r, lang, Ratio::Ltv)?,
        ChartKind::ClosureByYear => closure_by_year(&body, r, lang)?,
        ChartKind::ValueUplift => value_uplift(&body, r, lang)?,
        ChartKind::Indicators => indicators(&body, r, lang)?,
    }
    Ok(title)
}

/// Title and subtitle (scenario, draws, seed); returns the area below them.
fn header<DB: DrawingBackend>(
    root: &Area<DB>,
    title: &str,
    r: &RunResults,
    lang: Lang,
) -> DrawResult<Area<DB>>
where
    DB::ErrorType: 'static,
{
    let (top, body) = root.split_vertically(84);
    top.draw(&Text::new(title.to_string(), (24, 14), bold(28)))?;
    let s = &r.summary;
    let subtitle = format!(
        "{} {}  ·  {} {}  ·  {} {}  ·  wijksim {}",
        lang.t("Scenario", "Scenario"),
        s.scenario,
        lang.number(s.draws as f64, 0),
        lang.t("draws", "trekkingen"),
        lang.t("seed", "startgetal"),
        s.seed,
        r.meta.wijksim_version
    );
    top.draw(&Text::new(subtitle, (24, 52), text(18).color(&GREY)))?;
    Ok(body)
}

/// Draws a horizontal dashed reference line with a label at its right end.
fn hline<DB: DrawingBackend>(
    chart: &mut ChartContext<DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    x0: f64,
    x1: f64,
    y: f64,
    color: RGBColor,
    label: &str,
    above: bool,
) -> DrawResult<()>
where
    DB::ErrorType: 'static,
{
    chart.draw_series(DashedLineSeries::new(
        [(x0, y), (x1, y)],
        10,
        6,
        color.stroke_width(2),
    ))?;
    let v = if above { VPos::Bottom } else { VPos::Top };
    let dy = if above { 1.0 } else { -1.0 };
    let (_, (ylo, yhi)) = (
        chart.x_range(),
        (chart.y_range().start, chart.y_range().end),
    );
    let nudge = 0.006 * (yhi - ylo) * dy;
    chart.draw_series(std::iter::once(Text::new(
        label.to_string(),
        (x1, y + nudge),
        anchored(text(17).color(&color), HPos::Right, v),
    )))?;
    Ok(())
}

/// A 5-95 / 25-75 / median fan over years.
fn fan<DB: DrawingBackend>(
    chart: &mut ChartContext<DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    rows: &[&YearlyRow],
    color: RGBColor,
    clamp: (f64, f64),
    with_labels: Option<Lang>,
) -> DrawResult<()>
where
    DB::ErrorType: 'static,
{
    let c = |v: f64| v.clamp(clamp.0, clamp.1);
    let band = |lo: fn(&YearlyRow) -> f64, hi: fn(&YearlyRow) -> f64| -> Vec<(f64, f64)> {
        rows.iter()
            .map(|r| (f64::from(r.year), c(hi(r))))
            .chain(rows.iter().rev().map(|r| (f64::from(r.year), c(lo(r)))))
            .collect()
    };
    let outer = chart.draw_series(std::iter::once(Polygon::new(
        band(|r| r.q05, |r| r.q95),
        color.mix(0.18).filled(),
    )))?;
    if let Some(lang) = with_labels {
        outer
            .label(lang.t("5-95% of draws", "5-95% van de trekkingen"))
            .legend(move |(x, y)| {
                Rectangle::new([(x, y - 8), (x + 28, y + 8)], color.mix(0.18).filled())
            });
    }
    let inner = chart.draw_series(std::iter::once(Polygon::new(
        band(|r| r.q25, |r| r.q75),
        color.mix(0.40).filled(),
    )))?;
    if let Some(lang) = with_labels {
        inner
            .label(lang.t("25-75% of draws", "25-75% van de trekkingen"))
            .legend(move |(x, y)| {
                Rectangle::new([(x, y - 8), (x + 28, y + 8)], color.mix(0.40).filled())
            });
    }
    let median = chart.draw_series(LineSeries::new(
        rows.iter().map(|r| (f64::from(r.year), c(r.q50))),
        color.stroke_width(3),
    ))?;
    if let Some(lang) = with_labels {
        median
            .label(lang.t("median", "mediaan"))
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 28, y)], color.stroke_width(3)));
    }
    Ok(())
}

fn year_range(rows: &[&YearlyRow]) -> (f64, f64) {
    let first = rows.first().map_or(0, |r| r.year);
    let last = rows.last().map_or(1, |r| r.year);
    (f64::from(first), f64::from(last.max(first + 1)))
}

fn gap_fan<DB: DrawingBackend>(area: &Area<DB>, r: &RunResults, lang: Lang) -> DrawResult<()>
where
    DB::ErrorType: 'static,
{
    let rows = r.series(Place::Overall, "composite_gap");
    let (x0, x1) = year_range(&rows);
    let lo = rows.iter().map(|r| r.q05).fold(0.0, f64::min) - 0.08;
    let hi = rows.iter().map(|r| r.q95).fold(1.1, f64::max) + 0.05;
    let mut chart = ChartBuilder::on(area)
        .margin_left(16)
        .margin_right(36)
        .margin_bottom(12)
        .x_label_area_size(64)
        .y_label_area_size(90)
        .build_cartesian_2d(x0..x1 + 0.3, lo..hi)?;
    chart
        .configure_mesh()
        .x_labels(rows.len() + 1)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| lang.number(*y, 1))
        .x_desc(lang.t(
            "Year (the first point is the start, before year 1)",
            "Jaar (het eerste punt is de start, vóór jaar 1)",
        ))
        .y_desc(lang.t(
            "Composite gap (1 = start, 0 = city average)",
            "Samengestelde achterstand (1 = start, 0 = stadsgemiddelde)",
        ))
        .house(20, 18)
        .draw()?;
    hline(
        &mut chart,
        x0,
        x1 + 0.3,
        1.0,
        GREY,
        lang.t("start level", "beginniveau"),
        true,
    )?;
    hline(
        &mut chart,
        x0,
        x1 + 0.3,
        0.5,
        ORANGE,
        lang.t("halved", "gehalveerd"),
        true,
    )?;
    hline(
        &mut chart,
        x0,
        x1 + 0.3,
        0.0,
        GREEN,
        lang.t("city average", "stadsgemiddelde"),
        true,
    )?;
    fan(&mut chart, &rows, BLUE, (lo, hi), Some(lang))?;
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerLeft)
        .margin(16)
        .label_font(text(18))
        .background_style(WHITE.mix(0.92))
        .border_style(LIGHT)
        .draw()?;
    Ok(())
}

/// Draws a histogram (shares of draws) with x values scaled by `scale`.
pub(super) fn histogram<DB: DrawingBackend>(
    chart: &mut ChartContext<DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    d: &Distribution,
    scale: f64,
    color: RGBColor,
) -> DrawResult<()>
where
    DB::ErrorType: 'static,
{
    chart.draw_series(d.share.iter().enumerate().map(|(i, &s)| {
        Rectangle::new(
            [
                (d.edges[i] * scale, 0.0),
                (d.edges[i + 1] * scale, 100.0 * s),
            ],
            color.mix(0.75).filled(),
        )
    }))?;
    chart.draw_series(d.share.iter().enumerate().map(|(i, &s)| {
        Rectangle::new(
            [
                (d.edges[i] * scale, 0.0),
                (d.edges[i + 1] * scale, 100.0 * s),
            ],
            WHITE.stroke_width(1),
        )
    }))?;
    Ok(())
}

/// A vertical line with a label at its top.
fn vline<DB: DrawingBackend>(
    chart: &mut ChartContext<DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    x: f64,
    y_top: f64,
    color: RGBColor,
    dashed: bool,
    label: &str,
    anchor: HPos,
) -> DrawResult<()>
where
    DB::ErrorType: 'static,
{
    if dashed {
        chart.draw_series(DashedLineSeries::new(
            [(x, 0.0), (x, y_top)],
            10,
            6,
            color.stroke_width(2),
        ))?;
    } else {
        chart.draw_series(LineSeries::new(
            [(x, 0.0), (x, y_top)],
            color.stroke_width(3),
        ))?;
    }
    chart.draw_series(std::iter::once(Text::new(
        label.to_string(),
        (x, y_top),
        anchored(text(17).color(&color), anchor, VPos::Bottom),
    )))?;
    Ok(())
}

fn closure_distribution<DB: DrawingBackend>(
    area: &Area<DB>,
    r: &RunResults,
    lang: Lang,
) -> DrawResult<()>
where
    DB::ErrorType: 'static,
{
    let o = &r.summary.overall;
    let d = o
        .distributions
        .get("gap_closure")
        .ok_or("summary.json has no gap_closure distribution")?;
    let x0 = d.edges[0].min(-0.05) - 0.02;
    let x1 = d.edges[d.edges.len() - 1].max(1.05) + 0.02;
    let top = d.share.iter().fold(0.0_f64, |a, &b| a.max(b)) * 100.0 * 1.3;
    let mut chart = ChartBuilder::on(area)
        .margin_left(16)
        .margin_right(36)
        .margin_bottom(12)
        .x_label_area_size(64)
        .y_label_area_size(90)
        .build_cartesian_2d(x0..x1, 0.0..top)?;
    chart
        .configure_mesh()
        .x_label_formatter(&|x| lang.pct(*x, 0))
        .y_label_formatter(&|y| format!("{}%", lang.number(*y, 1)))
        .x_desc(lang.t(
            "Gap closure at the horizon (100% = city average reached)",
            "Ingelopen deel van de achterstand aan het eind (100% = stadsgemiddelde bereikt)",
        ))
        .y_desc(lang.t("Share of draws", "Aandeel van de trekkingen"))
        .house(20, 18)
        .disable_x_mesh()
        .draw()?;
    histogram(&mut chart, d, 1.0, BLUE)?;
    let q50 = o.gap_closure.q50;
    vline(
        &mut chart,
        q50,
        top * 0.86,
        BLACK,
        false,
        &format!("{} {}", lang.t("median", "mediaan"), lang.pct(q50, 1)),
        HPos::Center,
    )?;
    vline(
        &mut chart,
        0.5,
        top * 0.78,
        ORANGE,
        true,
        lang.t("halved", "gehalveerd"),
        HPos::Center,
    )?;
    vline(
        &mut chart,
        1.0,
        top * 0.78,
        GREEN,
        true,
        lang.t("closed", "ingelopen"),
        HPos::Center,
    )?;
    let lines = [
        format!(
            "{} = {}",
            lang.t("P(closed)", "P(achterstand ingelopen)"),
            lang.pct_pm(o.p_closed.p, o.p_closed.mcse)
        ),
        format!(
            "{} = {}",
            lang.t("P(halved)", "P(achterstand gehalveerd)"),
            lang.pct_pm(o.p_halved.p, o.p_halved.mcse)
        ),
        format!(
            "{}: {} {} {}",
            lang.t("90% interval", "90%-interval"),
            lang.pct(o.gap_closure.q05, 1),
            lang.t("to", "tot"),
            lang.pct(o.gap_closure.q95, 1)
        ),
    ];
    // The figures go where the histogram is not: right of the "halved" line when most
    // draws close less than half the gap, else at the left.
    let text_x = if q50 < 0.5 {
        0.56
    } else {
        x0 + 0.02 * (x1 - x0)
    };
    for (i, line) in lines.iter().enumerate() {
        chart.draw_series(std::iter::once(Text::new(
            line.clone(),
            (text_x, top * (0.97 - 0.075 * i as f64)),
            anchored(
                if i < 2 { bold(20) } else { text(19) },
                HPos::Left,
                VPos::Top,
            ),
        )))?;
    }
    Ok(())
}

/// Colour per municipality: the ones with three or more wijken get their own colour, the
/// rest share grey, so that the chart stays readable for colour-blind readers.
fn municipality_colours(r: &RunResults) -> Vec<(String, RGBColor)> {
    let palette = [BLUE, VERMILLION, GREEN, PURPLE, ORANGE, SKY, YELLOW_DARK];
    let mut big: Vec<(&str, usize)> = r
        .summary
        .municipalities
        .iter()
        .filter(|m| m.wijken >= 3)
        .map(|m| (m.municipality.as_str(), m.wijken))
        .collect();
    big.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    big.iter()
        .take(palette.len())
        .zip(palette)
        .map(|((m, _), c)| (m.to_string(), c))
        .collect()
}

fn wijken<DB: DrawingBackend>(area: &Area<DB>, r: &RunResults, lang: Lang) -> DrawResult<()>
where
    DB::ErrorType: 'static,
{
    let mut rows: Vec<_> = r.summary.wijken.iter().collect();
    rows.sort_by(|a, b| {
        a.gap_closure
            .q50
            .total_cmp(&b.gap_closure.q50)
            .then(b.wijk.cmp(&a.wijk))
    });
    let n = rows.len();
    let lo = rows.iter().map(|w| w.gap_closure.q10).fold(0.0, f64::min) - 0.05;
    let hi = rows.iter().map(|w| w.gap_closure.q90).fold(0.55, f64::max) + 0.05;
    let colours = municipality_colours(r);
    let colour_of = |m: &str| {
        colours
            .iter()
            .find(|(name, _)| name == m)
            .map_or(GREY, |(_, c)| *c)
    };
    let labels: Vec<String> = rows
        .iter()
        .map(|w| format!("{} ({})", w.wijk, w.municipality))
        .collect();
    let mut groups: Vec<(String, RGBColor)> = colours.clone();
    if rows
        .iter()
        .any(|w| !colours.iter().any(|(name, _)| *name == w.municipality))
    {
        groups.push((
            lang.t("other municipalities", "overige gemeenten")
                .to_string(),
            GREY,
        ));
    }
    let mut items: Vec<(String, Mark)> = groups
        .iter()
        .map(|(name, c)| (name.clone(), Mark::Dot(*c)))
        .collect();
    items.push((lang.t("halved", "gehalveerd").into(), Mark::Line(ORANGE)));
    let area = &legend_row(area, &items)?;
    let mut chart = rows_chart(
        area,
        &labels,
        (lo, hi),
        360,
        &|x| lang.pct(*x, 0),
        lang.t(
            "Gap closure at the horizon: median (dot) and 10-90% of draws (line)",
            "Ingelopen deel aan het eind: mediaan (punt) en 10-90% van de trekkingen (lijn)",
        ),
    )?;
    let top = n as f64 - 0.4;
    chart.draw_series(DashedLineSeries::new(
        [(0.0, -0.6), (0.0, top)],
        10,
        6,
        GREY.stroke_width(2),
    ))?;
    chart.draw_series(DashedLineSeries::new(
        [(0.5, -0.6), (0.5, top)],
        10,
        6,
        ORANGE.stroke_width(2),
    ))?;
    chart.draw_series(rows.iter().enumerate().map(|(i, w)| {
        PathElement::new(
            [(w.gap_closure.q10, i as f64), (w.gap_closure.q90, i as f64)],
            colour_of(&w.municipality).stroke_width(3),
        )
    }))?;
    chart.draw_series(rows.iter().enumerate().map(|(i, w)| {
        Circle::new(
            (w.gap_closure.q50, i as f64),
            7,
            colour_of(&w.municipality).filled(),
        )
    }))?;
    Ok(())
}

/// A chart with one labelled row per item (row i at y = i, the first at the bottom) and a
/// numeric x axis from `x.0` to `x.1`.
pub(super) fn rows_chart<'a, DB: DrawingBackend>(
    area: &'a Area<DB>,
    labels: &[String],
    x: (f64, f64),
    label_width: u32,
    x_format: &dyn Fn(&f64) -> String,
    x_desc: &str,
) -> DrawResult<ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>>
where
    DB::ErrorType: 'static,
{
    let n = labels.len();
    let mut chart = ChartBuilder::on(area)
        .margin_left(16)
        .margin_right(36)
        .margin_bottom(12)
        .x_label_area_size(64)
        .y_label_area_size(label_width)
        .build_cartesian_2d(x.0..x.1, -0.6..(n as f64 - 0.4))?;
    chart
        .configure_mesh()
        .y_labels(n)
        .y_label_formatter(&|y| {
            let i = y.round();
            if (y - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < n {
                labels[i as usize].clone()
            } else {
                String::new()
            }
        })
        .x_label_formatter(x_format)
        .x_desc(x_desc)
        .house(19, 17)
        .disable_y_mesh()
        .draw()?;
    Ok(chart)
}

/// The house style of axes: text sizes for axis titles and tick labels, a light grid.
pub(super) trait HouseStyle {
    fn house(&mut self, desc: u32, labels: u32) -> &mut Self;
}

impl<X: Ranged, Y: Ranged, DB: DrawingBackend> HouseStyle for MeshStyle<'_, '_, X, Y, DB> {
    fn house(&mut self, desc: u32, labels: u32) -> &mut Self {
        self.axis_desc_style(text(desc))
            .label_style(text(labels))
            .light_line_style(WHITE)
            .bold_line_style(LIGHT)
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Ratio {
    Icr,
    Ltv,
}

fn ratios<DB: DrawingBackend>(
    area: &Area<DB>,
    r: &RunResults,
    lang: Lang,
    ratio: Ratio,
) -> DrawResult<()>
where
    DB::ErrorType: 'static,
{
    let corps = &r.summary.corporations;
    if corps.is_empty() {
        return Ok(());
    }
    let var = if ratio == Ratio::Icr { "icr" } else { "ltv" };
    let limit = |c: &CorporationSummary| {
        if ratio == Ratio::Icr {
            c.icr_limit
        } else {
            c.ltv_limit
        }
    };
    let series: Vec<Vec<&YearlyRow>> = corps
        .iter()
        .map(|c| r.series(Place::Corporation(&c.corporation), var))
        .collect();
    // One y range for all panels, so that they compare at a glance; ICR is capped at 10 in
    // view (it can be very large when a corporation has almost no debt).
    let cap = if ratio == Ratio::Icr { 10.0 } else { 3.0 };
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for (c, rows) in corps.iter().zip(&series) {
        for row in rows {
            lo = lo.min(row.q05);
            hi = hi.max(row.q95);
        }
        if let Some(l) = limit(c) {
            lo = lo.min(l);
            hi = hi.max(l);
        }
    }
    let span = (hi - lo).max(0.05);
    let (lo, hi) = ((lo - 0.08 * span).max(0.0), (hi + 0.15 * span).min(cap));
    let grid = legend_row(
        area,
        &[
            (
                lang.t("5-95% of draws", "5-95% van de trekkingen").into(),
                Mark::Patch(BLUE.mix(0.18)),
            ),
            (
                lang.t("25-75%", "25-75%").into(),
                Mark::Patch(BLUE.mix(0.40)),
            ),
            (lang.t("median", "mediaan").into(), Mark::Line(BLUE)),
            (
                if ratio == Ratio::Icr {
                    lang.t("lenders' minimum ICR", "ICR-norm van de financiers")
                } else {
                    lang.t("lenders' maximum LTV", "LTV-norm van de financiers")
                }
                .into(),
                Mark::Line(VERMILLION),
            ),
        ],
    )?;
    // One line says what the panels' names and percentages are, so that captions stay short.
    let all_sector = corps.iter().all(|c| c.sector_average);
    let (note, grid) = grid.split_vertically(34);
    note.draw(&Text::new(
        format!(
            "{}{}",
            if all_sector {
                lang.t(
                    "Per municipality its sector-average corporation. ",
                    "Per gemeente haar sectorgemiddelde corporatie. ",
                )
            } else {
                ""
            },
            if ratio == Ratio::Icr {
                lang.t(
                    "Percentage: the probability that the ICR falls below the limit in some year.",
                    "Percentage: de kans dat de ICR in enig jaar onder de norm komt.",
                )
            } else {
                lang.t(
                    "Percentage: the probability that the LTV rises above the limit in some year.",
                    "Percentage: de kans dat de LTV in enig jaar boven de norm komt.",
                )
            }
        ),
        (24, 4),
        text(17).color(&GREY),
    ))?;
    let rows_n = corps.len().div_ceil(GRID_COLUMNS);
    let panels = grid.split_evenly((rows_n, GRID_COLUMNS));
    for ((c, rows), panel) in corps.iter().zip(&series).zip(&panels) {
        let (x0, x1) = year_range(rows);
        let p = if ratio == Ratio::Icr {
            c.p_breach_icr
        } else {
            c.p_breach_ltv
        };
        let name = if all_sector {
            c.municipality.clone()
        } else {
            lang.corporation(&c.corporation, c.sector_average)
        };
        let caption = format!("{name}  ·  {}", lang.pct(p.p, 1));
        let mut chart = ChartBuilder::on(panel)
            .caption(caption, bold(17))
            .margin(8)
            .margin_right(18)
            .x_label_area_size(30)
            .y_label_area_size(52)
            .build_cartesian_2d(x0 - 0.3..x1 + 0.3, lo..hi)?;
        chart
            .configure_mesh()
            .x_labels(4)
            .y_labels(5)
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| lang.number(*y, if ratio == Ratio::Icr { 1 } else { 2 }))
            .house(14, 14)
            .draw()?;
        fan(&mut chart, rows, BLUE, (lo, hi), None)?;
        if let Some(l) = limit(c) {
            chart.draw_series(LineSeries::new(
                [(x0 - 0.3, l), (x1 + 0.3, l)],
                VERMILLION.stroke_width(2),
            ))?;
        }
    }
    Ok(())
}

/// How a legend entry is drawn.
pub(super) enum Mark {
    Patch(RGBAColor),
    Line(RGBColor),
    Dot(RGBColor),
}

/// A one-line legend across the top of `area`; returns the area below it.
pub(super) fn legend_row<DB: DrawingBackend>(
    area: &Area<DB>,
    items: &[(String, Mark)],
) -> DrawResult<Area<DB>>
where
    DB::ErrorType: 'static,
{
    let (legend, rest) = area.split_vertically(44);
    let mut x = 24;
    for (label, mark) in items {
        match mark {
            Mark::Patch(c) => legend.draw(&Rectangle::new([(x, 10), (x + 28, 28)], c.filled()))?,
            Mark::Line(c) => legend.draw(&PathElement::new(
                [(x, 19), (x + 28, 19)],
                c.stroke_width(3),
            ))?,
            Mark::Dot(c) => legend.draw(&Circle::new((x + 14, 19), 7, c.filled()))?,
        }
        legend.draw(&Text::new(label.clone(), (x + 36, 9), text(18)))?;
        let width = legend
            .estimate_text_size(label, &text(18))
            .map_or(11 * label.chars().count() as u32, |(w, _)| w);
        x += 36 + width as i32 + 28;
    }
    Ok(rest)
}

/// Cumulative share of draws with a first year at or before each year.
fn cumulative(first: &std::collections::BTreeMap<String, f64>) -> Vec<(f64, f64)> {
    let mut years: Vec<(i32, f64)> = first
        .iter()
        .filter_map(|(k, v)| k.parse::<i32>().ok().map(|y| (y, *v)))
        .collect();
    years.sort_by_key(|p| p.0);
    let mut acc = 0.0;
    years
        .into_iter()
        .map(|(y, v)| {
            acc += v;
            (f64::from(y), acc)
        })
        .collect()
}

fn closure_by_year<DB: DrawingBackend>(
    area: &Area<DB>,
    r: &RunResults,
    lang: Lang,
) -> DrawResult<()>
where
    DB::ErrorType: 'static,
{
    let s = &r.summary;
    let o = &s.overall;
    let closed = cumulative(&o.first_closure_year);
    let halved = cumulative(&o.first_halved_year);
    let ever_halved = o.ever_halved(s.draws);
    let x0 = f64::from(s.first_year);
    let x1 = f64::from(s.last_year).max(x0 + 1.0);
    let last = s.last_year;
    // Two counts that differ: a gap that once halved can widen again, so the share halved
    // in some year up to the horizon (the lines) is at least P(halved) at the horizon (the
    // headline; the rings). The note says so with both numbers.
    let (note, area) = area.split_vertically(34);
    note.draw(&Text::new(
        match lang {
            Lang::En => format!(
                "A gap can widen again after halving: halved in some year up to {last} {}, still halved in {last} (the headline P(halved)) {}.",
                lang.pct(ever_halved.p, 1),
                lang.pct(o.p_halved.p, 1)
            ),
            Lang::Nl => format!(
                "Een gehalveerde achterstand kan weer groeien: ooit gehalveerd t/m {last} {}, in {last} nog gehalveerd (het kerncijfer P(achterstand gehalveerd)) {}.",
                lang.pct(ever_halved.p, 1),
                lang.pct(o.p_halved.p, 1)
            ),
        },
        (24, 4),
        text(17).color(&GREY),
    ))?;
    let top = closed
        .iter()
        .chain(&halved)
        .map(|p| p.1)
        .chain([o.p_halved.p, o.p_closed.p])
        .fold(0.05, f64::max)
        * 1.35;
    let top = top.min(1.0) * 100.0;
    let mut chart = ChartBuilder::on(&area)
        .margin_left(16)
        .margin_right(36)
        .margin_bottom(12)
        .x_label_area_size(64)
        .y_label_area_size(90)
        .build_cartesian_2d(x0 - 0.3..x1 + 0.3, 0.0..top)?;
    chart
        .configure_mesh()
        .x_labels((x1 - x0) as usize + 1)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| format!("{}%", lang.number(*y, 0)))
        .x_desc(lang.t("Year", "Jaar"))
        .y_desc(lang.t(
            "Share of draws (all wijken, population-weighted)",
            "Aandeel van de trekkingen (alle wijken, naar inwoners gewogen)",
        ))
        .house(20, 18)
        .draw()?;
    let halved_at = format!(
        "{} {last} ({})",
        lang.t("P(halved) in", "P(achterstand gehalveerd) in"),
        lang.t("the headline", "het kerncijfer")
    );
    let closed_at = format!(
        "{} {last}",
        lang.t("P(closed) in", "P(achterstand ingelopen) in")
    );
    for (points, at_horizon, colour, label, ring) in [
        (
            &halved,
            o.p_halved.p,
            ORANGE,
            lang.t(
                "halved in some year up to this one (c ≤ 0.5 for the first time)",
                "ooit gehalveerd t/m dit jaar (voor het eerst c ≤ 0,5)",
            ),
            halved_at,
        ),
        (
            &closed,
            o.p_closed.p,
            GREEN,
            lang.t(
                "closed in some year up to this one (c ≤ 0, city average reached)",
                "ooit ingelopen t/m dit jaar (c ≤ 0, stadsgemiddelde bereikt)",
            ),
            closed_at,
        ),
    ] {
        let pts: Vec<(f64, f64)> = points.iter().map(|&(x, p)| (x, 100.0 * p)).collect();
        chart
            .draw_series(LineSeries::new(pts.clone(), colour.stroke_width(3)))?
            .label(label)
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 28, y)], colour.stroke_width(3)));
        chart.draw_series(pts.into_iter().map(|p| Circle::new(p, 6, colour.filled())))?;
        chart
            .draw_series(std::iter::once(Circle::new(
                (x1, 100.0 * at_horizon),
                11,
                colour.stroke_width(3),
            )))?
            .label(ring)
            .legend(move |(x, y)| Circle::new((x + 14, y), 8, colour.stroke_width(3)));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .margin(16)
        .label_font(text(18))
        .background_style(WHITE.mix(0.92))
        .border_style(LIGHT)
        .draw()?;
    Ok(())
}

fn value_uplift<DB: DrawingBackend>(area: &Area<DB>, r: &RunResults, lang: Lang) -> DrawResult<()>
where
    DB::ErrorType: 'static,
{
    let o = &r.summary.overall;
    let (left, right) = area.split_horizontally(area.dim_in_pixel().0 / 2);
    for (panel, key, summary, title, colour) in [
        (
            &left,
            "value_uplift_eur",
            &o.value_uplift_eur,
            lang.t("All dwellings in the wijken", "Alle woningen in de wijken"),
            BLUE,
        ),
        (
            &right,
            "value_uplift_corporations_eur",
            &o.value_uplift_corporations_eur,
            lang.t(
                "The corporations' dwellings",
                "De woningen van de corporaties",
            ),
            SKY,
        ),
    ] {
        let d = o
            .distributions
            .get(key)
            .ok_or("summary.json has no value uplift distribution")?;
        let scale = 1e-6;
        let x0 = d.edges[0].min(0.0) * scale;
        let x1 = d.edges[d.edges.len() - 1].max(1.0) * scale;
        let pad = 0.03 * (x1 - x0);
        let top = d.share.iter().fold(0.0_f64, |a, &b| a.max(b)) * 100.0 * 1.35;
        let mut chart = ChartBuilder::on(panel)
            .caption(title, bold(20))
            .margin(12)
            .margin_right(28)
            .x_label_area_size(64)
            .y_label_area_size(80)
            .build_cartesian_2d(x0 - pad..x1 + pad, 0.0..top)?;
        chart
            .configure_mesh()
            .x_labels(5)
            .x_label_formatter(&|x| lang.number(*x, 0))
            .y_label_formatter(&|y| format!("{}%", lang.number(*y, 1)))
            .x_desc(lang.t(
                "Value uplift, EUR million (nominal)",
                "Waardestijging, miljoen euro (nominaal)",
            ))
            .y_desc(lang.t("Share of draws", "Aandeel van de trekkingen"))
            .house(18, 16)
            .disable_x_mesh()
            .draw()?;
        histogram(&mut chart, d, scale, colour)?;
        let q50 = summary.q50 * scale;
        vline(
            &mut chart,
            q50,
            top * 0.84,
            BLACK,
            false,
            &format!(
                "{} {}",
                lang.t("median", "mediaan"),
                lang.eur_mln(summary.q50)
            ),
            HPos::Left,
        )?;
        chart.draw_series(std::iter::once(Text::new(
            format!(
                "{} {}",
                lang.t("mean", "gemiddeld"),
                lang.eur_mln(summary.mean)
            ),
            (x1 + pad * 0.5, top * 0.97),
            anchored(text(17), HPos::Right, VPos::Top),
        )))?;
    }
    Ok(())
}

fn indicators<DB: DrawingBackend>(area: &Area<DB>, r: &RunResults, lang: Lang) -> DrawResult<()>
where
    DB::ErrorType: 'static,
{
    let ind: Vec<(&String, &crate::stats::Summary)> = r.summary.overall.indicators.iter().collect();
    let n = ind.len();
    let lo = ind.iter().map(|(_, s)| s.q10).fold(0.0, f64::min) - 0.08;
    let hi = ind.iter().map(|(_, s)| s.q90).fold(1.0, f64::max) + 0.08;
    let labels: Vec<String> = ind.iter().map(|(k, _)| lang.indicator(k)).collect();
    let area = &legend_row(
        area,
        &[
            (lang.t("median", "mediaan").into(), Mark::Dot(BLUE)),
            (
                lang.t("25-75% of draws", "25-75% van de trekkingen").into(),
                Mark::Patch(BLUE.mix(0.45)),
            ),
            (
                lang.t("10-90% of draws", "10-90% van de trekkingen").into(),
                Mark::Line(BLUE),
            ),
        ],
    )?;
    let mut chart = rows_chart(
        area,
        &labels,
        (lo, hi),
        250,
        &|x| lang.number(*x, 1),
        lang.t(
            "Normalised gap g at the horizon (1 = as at the start, 0 = city average)",
            "Genormaliseerde achterstand g aan het eind (1 = als bij de start, 0 = stadsgemiddelde)",
        ),
    )?;
    let top = n as f64 - 0.4;
    for (x, colour, label) in [
        (1.0, GREY, lang.t("as at the start", "als bij de start")),
        (0.0, GREEN, lang.t("city average", "stadsgemiddelde")),
    ] {
        chart.draw_series(DashedLineSeries::new(
            [(x, -0.6), (x, top)],
            10,
            6,
            colour.stroke_width(2),
        ))?;
        chart.draw_series(std::iter::once(Text::new(
            label.to_string(),
            (x, top),
            anchored(text(17).color(&colour), HPos::Center, VPos::Bottom),
        )))?;
    }
    chart.draw_series(ind.iter().enumerate().map(|(i, (_, s))| {
        PathElement::new([(s.q10, i as f64), (s.q90, i as f64)], BLUE.stroke_width(2))
    }))?;
    chart.draw_series(ind.iter().enumerate().map(|(i, (_, s))| {
        Rectangle::new(
            [(s.q25, i as f64 - 0.15), (s.q75, i as f64 + 0.15)],
            BLUE.mix(0.45).filled(),
        )
    }))?;
    chart.draw_series(
        ind.iter()
            .enumerate()
            .map(|(i, (_, s))| Circle::new((s.q50, i as f64), 8, BLUE.filled())),
    )?;
    Ok(())
}
