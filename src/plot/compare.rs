//! Charts of a comparison (compare.json): overlaid fans, the paired difference, per-wijk
//! differences and the corporations' lowest ICR side by side.

use super::charts::{
    BLUE, DrawResult, GREEN, GREY, HouseStyle, Mark, ORANGE, PURPLE, SKY, VERMILLION, YELLOW_DARK,
    anchored, bold, histogram, legend_row, rows_chart, text,
};
use super::{Area, Drawing, FONT, Lang, PlotError, RenderedChart, render_drawing};
use crate::compare::CompareFile;
use crate::stats::Summary;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// The charts of a comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareChart {
    /// Fans of the composite gap of every scenario over the years.
    Fans,
    /// Distribution of the per-draw difference in closure, per comparison.
    Difference,
    /// Per-wijk closure difference of comparison `i`.
    Wijken(usize),
    /// The lowest ICR of all corporations per year, one panel per scenario.
    Icr,
}

impl CompareChart {
    pub fn all(f: &CompareFile) -> Vec<CompareChart> {
        let mut v = vec![CompareChart::Fans, CompareChart::Difference];
        v.extend((0..f.comparisons.len()).map(CompareChart::Wijken));
        v.push(CompareChart::Icr);
        v
    }

    pub fn file_stem(self, f: &CompareFile) -> String {
        match self {
            CompareChart::Fans => "compare_fans".into(),
            CompareChart::Difference => "compare_difference".into(),
            CompareChart::Wijken(i) => format!("compare_wijken_{}", f.comparisons[i].scenario),
            CompareChart::Icr => "compare_icr".into(),
        }
    }

    fn size(self, f: &CompareFile) -> (u32, u32) {
        match self {
            CompareChart::Wijken(_) => (1200, 300 + 30 * f.wijken.len() as u32),
            _ => (1200, 750),
        }
    }
}

const COLOURS: [RGBColor; 7] = [GREY, BLUE, VERMILLION, GREEN, PURPLE, ORANGE, SKY];

fn colour(i: usize) -> RGBColor {
    if i < COLOURS.len() {
        COLOURS[i]
    } else {
        YELLOW_DARK
    }
}

/// Draws `chart` as SVG and PNG.
///
/// # Errors
/// A drawing error.
pub fn render(
    chart: CompareChart,
    f: &CompareFile,
    lang: Lang,
) -> Result<RenderedChart, PlotError> {
    struct Cmp<'a>(CompareChart, &'a CompareFile, Lang);
    impl Drawing for Cmp<'_> {
        fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> DrawResult<String>
        where
            DB::ErrorType: 'static,
        {
            draw(self.0, root, self.1, self.2)
        }
    }
    render_drawing(&Cmp(chart, f, lang), chart.size(f), chart.file_stem(f))
}

fn draw<DB: DrawingBackend>(
    chart: CompareChart,
    root: &Area<DB>,
    f: &CompareFile,
    lang: Lang,
) -> DrawResult<String>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let period = format!("{}-{}", f.first_year, f.last_year);
    let title = match chart {
        CompareChart::Fans => format!(
            "{} {period}",
            lang.t(
                "Composite gap per scenario,",
                "Samengestelde achterstand per scenario,"
            )
        ),
        CompareChart::Difference => format!(
            "{} {}",
            lang.t(
                "Difference in gap closure against",
                "Verschil in het ingelopen deel van de achterstand ten opzichte van"
            ),
            f.reference
        ),
        CompareChart::Wijken(i) => format!(
            "{}: {} {} {}",
            lang.t("Difference per wijk", "Verschil per wijk"),
            f.comparisons[i].scenario,
            lang.t("minus", "min"),
            f.reference
        ),
        CompareChart::Icr => lang
            .t(
                "Lowest ICR of all corporations, per scenario",
                "Laagste ICR van alle corporaties, per scenario",
            )
            .to_string(),
    };
    let (top, body) = root.split_vertically(84);
    top.draw(&Text::new(title.clone(), (24, 14), bold(28)))?;
    let names: Vec<&str> = f.scenarios.iter().map(|s| s.scenario.as_str()).collect();
    top.draw(&Text::new(
        format!(
            "{}  ·  {} {} ({})  ·  {} {}",
            names.join(", "),
            lang.number(f.draws as f64, 0),
            lang.t(
                "draws, the same for every scenario",
                "trekkingen, dezelfde voor elk scenario"
            ),
            lang.t(
                "common random numbers",
                "gemeenschappelijke toevalsgetallen"
            ),
            lang.t("seed", "startgetal"),
            f.seed
        ),
        (24, 52),
        text(18).color(&GREY),
    ))?;
    match chart {
        CompareChart::Fans => fans(&body, f, lang)?,
        CompareChart::Difference => difference(&body, f, lang)?,
        CompareChart::Wijken(i) => wijken(&body, f, lang, i)?,
        CompareChart::Icr => icr(&body, f, lang)?,
    }
    Ok(title)
}

/// Bands 25-75 and medians over years for several series.
fn band_and_median<DB: DrawingBackend>(
    chart: &mut ChartContext<
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    years: &[f64],
    s: &[Summary],
    c: RGBColor,
) -> DrawResult<()>
where
    DB::ErrorType: 'static,
{
    let band: Vec<(f64, f64)> = years
        .iter()
        .zip(s)
        .map(|(x, s)| (*x, s.q75))
        .chain(years.iter().zip(s).rev().map(|(x, s)| (*x, s.q25)))
        .collect();
    chart.draw_series(std::iter::once(Polygon::new(band, c.mix(0.22).filled())))?;
    chart.draw_series(LineSeries::new(
        years.iter().zip(s).map(|(x, s)| (*x, s.q50)),
        c.stroke_width(3),
    ))?;
    Ok(())
}

fn fans<DB: DrawingBackend>(area: &Area<DB>, f: &CompareFile, lang: Lang) -> DrawResult<()>
where
    DB::ErrorType: 'static,
{
    let items: Vec<(String, Mark)> = f
        .scenarios
        .iter()
        .enumerate()
        .map(|(i, s)| (s.scenario.clone(), Mark::Line(colour(i))))
        .chain(std::iter::once((
            lang.t("bands: 25-75% of draws", "banden: 25-75% van de trekkingen")
                .into(),
            Mark::Patch(GREY.mix(0.22)),
        )))
        .collect();
    let area = legend_row(area, &items)?;
    let first = f.first_year - 1;
    let years: Vec<f64> = (0..=f.last_year - first)
        .map(|t| f64::from(first + t))
        .collect();
    let lo = f
        .scenarios
        .iter()
        .flat_map(|s| s.gap_by_year.iter().map(|q| q.q25))
        .fold(0.0, f64::min)
        - 0.05;
    let hi = f
        .scenarios
        .iter()
        .flat_map(|s| s.gap_by_year.iter().map(|q| q.q75))
        .fold(1.05, f64::max)
        + 0.05;
    let mut chart = ChartBuilder::on(&area)
        .margin_left(16)
        .margin_right(36)
        .margin_bottom(12)
        .x_label_area_size(64)
        .y_label_area_size(90)
        .build_cartesian_2d(years[0]..years[years.len() - 1] + 0.3, lo..hi)?;
    chart
        .configure_mesh()
        .x_labels(years.len() + 1)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| lang.number(*y, 1))
        .x_desc(lang.t("Year", "Jaar"))
        .y_desc(lang.t(
            "Composite gap (1 = start, 0 = city average)",
            "Achterstand (1 = start, 0 = stadsgemiddelde)",
        ))
        .house(20, 18)
        .draw()?;
    for (y, c) in [(1.0, GREY), (0.5, ORANGE), (0.0, GREEN)] {
        chart.draw_series(DashedLineSeries::new(
            [(years[0], y), (years[years.len() - 1] + 0.3, y)],
            10,
            6,
            c.stroke_width(2),
        ))?;
    }
    for (i, s) in f.scenarios.iter().enumerate() {
        band_and_median(&mut chart, &years, &s.gap_by_year, colour(i))?;
    }
    Ok(())
}

fn difference<DB: DrawingBackend>(area: &Area<DB>, f: &CompareFile, lang: Lang) -> DrawResult<()>
where
    DB::ErrorType: 'static,
{
    let items: Vec<(String, Mark)> = f
        .comparisons
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let what = if identical(c) {
                lang.t("identical in every draw", "gelijk in elke trekking")
                    .to_string()
            } else {
                format!(
                    "P({}) {}",
                    lang.t("better", "beter"),
                    lang.pct(c.p_better.p, 1)
                )
            };
            (
                format!("{} − {}: {what}", c.scenario, c.against),
                Mark::Patch(colour(i + 1).mix(0.75)),
            )
        })
        .collect();
    let area = legend_row(area, &items)?;
    let (mut x0, mut x1, mut top) = (-0.01_f64, 0.01_f64, 1.0_f64);
    for c in f.comparisons.iter().filter(|c| !identical(c)) {
        let d = &c.gap_closure_difference_distribution;
        x0 = x0.min(d.edges[0]);
        x1 = x1.max(d.edges[d.edges.len() - 1]);
        top = top.max(d.share.iter().fold(0.0, |a: f64, &b| a.max(b)) * 100.0);
    }
    let pad = 0.05 * (x1 - x0);
    let top = top * 1.2;
    let mut chart = ChartBuilder::on(&area)
        .margin_left(16)
        .margin_right(36)
        .margin_bottom(12)
        .x_label_area_size(64)
        .y_label_area_size(90)
        .build_cartesian_2d(x0 - pad..x1 + pad, 0.0..top)?;
    chart
        .configure_mesh()
        .x_label_formatter(&|x| format!("{} pp", lang.number(100.0 * x, 1)))
        .y_label_formatter(&|y| format!("{}%", lang.number(*y, 0)))
        .x_desc(lang.t(
            "Per-draw difference in gap closure (percentage points; > 0: the scenario closes more)",
            "Verschil per trekking in het ingelopen deel (procentpunten; > 0: het scenario loopt meer in)",
        ))
        .y_desc(lang.t("Share of draws", "Aandeel van de trekkingen"))
        .house(20, 18)
        .disable_x_mesh()
        .draw()?;
    for (i, c) in f
        .comparisons
        .iter()
        .enumerate()
        .filter(|(_, c)| !identical(c))
    {
        histogram(
            &mut chart,
            &c.gap_closure_difference_distribution,
            1.0,
            colour(i + 1),
        )?;
    }
    chart.draw_series(LineSeries::new(
        [(0.0, 0.0), (0.0, top)],
        BLACK.stroke_width(2),
    ))?;
    chart.draw_series(std::iter::once(Text::new(
        lang.t("no difference", "geen verschil").to_string(),
        (0.0, top * 0.97),
        anchored(text(17), HPos::Left, VPos::Top),
    )))?;
    Ok(())
}

/// A comparison whose scenarios agree in every draw (a spike at 0, not drawn as bars).
fn identical(c: &crate::compare::Comparison) -> bool {
    c.gap_closure_difference.sd == 0.0 && c.gap_closure_difference.mean == 0.0
}

fn wijken<DB: DrawingBackend>(
    area: &Area<DB>,
    f: &CompareFile,
    lang: Lang,
    i: usize,
) -> DrawResult<()>
where
    DB::ErrorType: 'static,
{
    let c = &f.comparisons[i];
    let mut rows: Vec<_> = c.wijken.iter().collect();
    rows.sort_by(|a, b| {
        a.difference
            .q50
            .total_cmp(&b.difference.q50)
            .then(b.wijk.cmp(&a.wijk))
            .then(b.gemeente.cmp(&a.gemeente))
    });
    let labels: Vec<String> = rows
        .iter()
        .map(|w| {
            format!(
                "{} ({})  ({} {})",
                w.wijk,
                w.gemeente,
                lang.t("P(better)", "P(beter)"),
                lang.pct(w.p_better.p, 0)
            )
        })
        .collect();
    let lo = rows.iter().map(|w| w.difference.q10).fold(-0.005, f64::min);
    let hi = rows.iter().map(|w| w.difference.q90).fold(0.005, f64::max);
    let pad = 0.08 * (hi - lo);
    let area = legend_row(
        area,
        &[
            (lang.t("median", "mediaan").into(), Mark::Dot(colour(i + 1))),
            (
                lang.t("10-90% of draws", "10-90% van de trekkingen").into(),
                Mark::Line(colour(i + 1)),
            ),
        ],
    )?;
    let mut chart = rows_chart(
        &area,
        &labels,
        (lo - pad, hi + pad),
        470,
        &|x| format!("{} pp", lang.number(100.0 * x, 1)),
        lang.t(
            "Per-draw difference in the wijk's gap closure (percentage points)",
            "Verschil per trekking in het ingelopen deel van de wijk (procentpunten)",
        ),
    )?;
    let n = rows.len() as f64;
    chart.draw_series(LineSeries::new(
        [(0.0, -0.6), (0.0, n - 0.4)],
        BLACK.stroke_width(1),
    ))?;
    let col = colour(i + 1);
    chart.draw_series(rows.iter().enumerate().map(|(k, w)| {
        PathElement::new(
            [(w.difference.q10, k as f64), (w.difference.q90, k as f64)],
            col.stroke_width(3),
        )
    }))?;
    chart.draw_series(
        rows.iter()
            .enumerate()
            .map(|(k, w)| Circle::new((w.difference.q50, k as f64), 7, col.filled())),
    )?;
    Ok(())
}

fn icr<DB: DrawingBackend>(area: &Area<DB>, f: &CompareFile, lang: Lang) -> DrawResult<()>
where
    DB::ErrorType: 'static,
{
    let mut items: Vec<(String, Mark)> = vec![
        (
            lang.t("25-75% of draws", "25-75% van de trekkingen").into(),
            Mark::Patch(GREY.mix(0.22)),
        ),
        (lang.t("median", "mediaan").into(), Mark::Line(GREY)),
    ];
    if f.icr_limit.is_some() {
        items.push((
            lang.t("lenders' minimum", "ICR-norm van de financiers")
                .into(),
            Mark::Line(BLACK),
        ));
    }
    let area = legend_row(area, &items)?;
    let years: Vec<f64> = (f.first_year..=f.last_year).map(f64::from).collect();
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for s in &f.scenarios {
        for q in &s.min_icr_by_year {
            lo = lo.min(q.q25);
            hi = hi.max(q.q75);
        }
    }
    if let Some(l) = f.icr_limit {
        lo = lo.min(l);
        hi = hi.max(l);
    }
    let span = (hi - lo).max(0.1);
    let (lo, hi) = ((lo - 0.1 * span).max(0.0), (hi + 0.1 * span).min(10.0));
    let panels = area.split_evenly((1, f.scenarios.len()));
    for (i, (s, panel)) in f.scenarios.iter().zip(&panels).enumerate() {
        let mut chart = ChartBuilder::on(panel)
            .caption(
                format!(
                    "{}  ·  P({}) {}",
                    s.scenario,
                    lang.t("ICR below limit", "onder de ICR-norm"),
                    lang.pct(s.p_breach_icr.p, 1)
                ),
                (FONT, 18).into_font().style(FontStyle::Bold),
            )
            .margin(10)
            .margin_right(20)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(years[0] - 0.3..years[years.len() - 1] + 0.3, lo..hi)?;
        chart
            .configure_mesh()
            .x_labels(4)
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| lang.number(*y, 1))
            .house(16, 15)
            .draw()?;
        band_and_median(&mut chart, &years, &s.min_icr_by_year, colour(i))?;
        if let Some(l) = f.icr_limit {
            chart.draw_series(LineSeries::new(
                [(years[0] - 0.3, l), (years[years.len() - 1] + 0.3, l)],
                BLACK.stroke_width(2),
            ))?;
        }
    }
    Ok(())
}
