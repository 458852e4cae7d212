//! Charts of a sweep (sweep.json): each headline figure against the first lever, with its
//! Monte Carlo error band, one line per value of the second lever.

use super::charts::{
    BLUE, DrawResult, GREEN, GREY, HouseStyle, Mark, ORANGE, PURPLE, SKY, VERMILLION, bold,
    legend_row, text,
};
use super::{Area, Drawing, Lang, PlotError, RenderedChart, render_drawing};
use crate::sweep::{SweepFile, SweepPoint, short};
use plotters::prelude::*;

/// The headline figures a sweep charts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SweepChart {
    Closure,
    Halved,
    BreachIcr,
    BreachLtv,
}

impl SweepChart {
    pub const ALL: [SweepChart; 4] = [
        SweepChart::Closure,
        SweepChart::Halved,
        SweepChart::BreachIcr,
        SweepChart::BreachLtv,
    ];

    pub fn file_stem(self) -> &'static str {
        match self {
            SweepChart::Closure => "sweep_gap_closure",
            SweepChart::Halved => "sweep_p_halved",
            SweepChart::BreachIcr => "sweep_p_breach_icr",
            SweepChart::BreachLtv => "sweep_p_breach_ltv",
        }
    }

    /// The figure and its Monte Carlo standard error at a point.
    fn value(self, p: &SweepPoint) -> (f64, f64) {
        match self {
            SweepChart::Closure => (p.gap_closure.mean, p.gap_closure.mcse),
            SweepChart::Halved => (p.p_halved.p, p.p_halved.mcse),
            SweepChart::BreachIcr => (p.p_breach_icr.p, p.p_breach_icr.mcse),
            SweepChart::BreachLtv => (p.p_breach_ltv.p, p.p_breach_ltv.mcse),
        }
    }

    fn label(self, lang: Lang) -> &'static str {
        match self {
            SweepChart::Closure => lang.t("Mean gap closure", "Gemiddeld ingelopen achterstand"),
            SweepChart::Halved => lang.t("P(gap halved)", "P(achterstand gehalveerd)"),
            SweepChart::BreachIcr => lang.t(
                "P(a corporation falls below the ICR limit)",
                "P(een corporatie komt onder de ICR-norm)",
            ),
            SweepChart::BreachLtv => lang.t(
                "P(a corporation rises above the LTV limit)",
                "P(een corporatie komt boven de LTV-norm)",
            ),
        }
    }
}

const LINES: [RGBColor; 6] = [BLUE, VERMILLION, GREEN, PURPLE, ORANGE, SKY];

/// Draws `chart` as SVG and PNG.
///
/// # Errors
/// A drawing error.
pub fn render(chart: SweepChart, f: &SweepFile, lang: Lang) -> Result<RenderedChart, PlotError> {
    struct Sweep<'a>(SweepChart, &'a SweepFile, Lang);
    impl Drawing for Sweep<'_> {
        fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> DrawResult<String>
        where
            DB::ErrorType: 'static,
        {
            draw(self.0, root, self.1, self.2)
        }
    }
    render_drawing(
        &Sweep(chart, f, lang),
        (1200, 750),
        chart.file_stem().into(),
    )
}

fn draw<DB: DrawingBackend>(
    chart: SweepChart,
    root: &Area<DB>,
    f: &SweepFile,
    lang: Lang,
) -> DrawResult<String>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let lever = &f.levers[0];
    let title = format!(
        "{} {} {}",
        chart.label(lang),
        lang.t("against", "tegen"),
        short(&lever.path)
    );
    let (top, body) = root.split_vertically(84);
    top.draw(&Text::new(title.clone(), (24, 14), bold(28)))?;
    top.draw(&Text::new(
        format!(
            "{} {}  ·  {} {} {}  ·  seed {}  ·  {}",
            lang.t("Scenario", "Scenario"),
            f.scenario,
            lang.number(f.draws as f64, 0),
            lang.t("draws", "trekkingen"),
            lang.t(
                "per point, the same for all",
                "per punt, dezelfde voor alle"
            ),
            f.seed,
            lang.t("band: ± 2 Monte Carlo SE", "band: ± 2 Monte Carlo-fouten")
        ),
        (24, 52),
        text(18).color(&GREY),
    ))?;
    // One series per value of the second lever (or one series).
    let groups: Vec<(Option<f64>, Vec<&SweepPoint>)> = match f.levers.get(1) {
        None => vec![(None, f.points.iter().collect())],
        Some(second) => second
            .values
            .iter()
            .map(|&y| (Some(y), f.points.iter().filter(|p| p.at[1] == y).collect()))
            .collect(),
    };
    let body = match f.levers.get(1) {
        Some(second) => {
            let items: Vec<(String, Mark)> = groups
                .iter()
                .enumerate()
                .map(|(i, (y, _))| {
                    (
                        format!("{} = {}", short(&second.path), y.unwrap_or_default()),
                        Mark::Line(LINES[i % LINES.len()]),
                    )
                })
                .collect();
            legend_row(&body, &items)?
        }
        None => body,
    };
    let xs = &lever.values;
    let (x0, x1) = xs
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
            (a.min(x), b.max(x))
        });
    let pad = if x1 > x0 { 0.04 * (x1 - x0) } else { 0.5 };
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for p in &f.points {
        let (v, se) = chart.value(p);
        lo = lo.min(v - 2.0 * se);
        hi = hi.max(v + 2.0 * se);
    }
    if chart != SweepChart::Closure {
        lo = lo.min(0.0);
    }
    let span = (hi - lo).max(0.01);
    let mut c = ChartBuilder::on(&body)
        .margin_left(16)
        .margin_right(36)
        .margin_bottom(12)
        .x_label_area_size(64)
        .y_label_area_size(90)
        .build_cartesian_2d(x0 - pad..x1 + pad, lo - 0.08 * span..hi + 0.08 * span)?;
    c.configure_mesh()
        .x_label_formatter(&|x| lang.number(*x, if (x1 - x0) >= 20.0 { 0 } else { 2 }))
        .y_label_formatter(&|y| lang.pct(*y, 1))
        .x_desc(lever.path.as_str())
        .y_desc(chart.label(lang))
        .house(20, 18)
        .draw()?;
    for (i, (_, pts)) in groups.iter().enumerate() {
        let col = LINES[i % LINES.len()];
        let band: Vec<(f64, f64)> = pts
            .iter()
            .map(|p| (p.at[0], chart.value(p).0 + 2.0 * chart.value(p).1))
            .chain(
                pts.iter()
                    .rev()
                    .map(|p| (p.at[0], chart.value(p).0 - 2.0 * chart.value(p).1)),
            )
            .collect();
        c.draw_series(std::iter::once(Polygon::new(band, col.mix(0.2).filled())))?;
        c.draw_series(LineSeries::new(
            pts.iter().map(|p| (p.at[0], chart.value(p).0)),
            col.stroke_width(3),
        ))?;
        c.draw_series(
            pts.iter()
                .map(|p| Circle::new((p.at[0], chart.value(p).0), 6, col.filled())),
        )?;
    }
    Ok(title)
}
