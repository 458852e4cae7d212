//! Charts of a sweep (sweep.json): each headline figure against the first lever, with its
//! Monte Carlo error band, one line per value of the second lever.

use super::charts::{
    BLUE, DrawResult, GREEN, GREY, HouseStyle, Mark, ORANGE, PURPLE, SKY, VERMILLION, bold,
    legend_row, text,
};
use super::{Area, Drawing, Lang, PlotError, RenderedChart, mid_sentence, render_drawing};
use crate::sweep::{SweepFile, SweepPoint};
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
            SweepChart::Closure => lang.t(
                "Mean gap closure",
                "Gemiddeld ingelopen deel van de achterstand",
            ),
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
        lang.t("by", "naar"),
        mid_sentence(&lang.parameter_name(&lever.path))
    );
    let (top, body) = root.split_vertically(84);
    top.draw(&Text::new(title.clone(), (24, 14), bold(28)))?;
    top.draw(&Text::new(
        format!(
            "{} {}  ·  {} {} {}  ·  {} {}  ·  {}",
            lang.t("Scenario", "Scenario"),
            f.scenario,
            lang.number(f.draws as f64, 0),
            lang.t("draws", "trekkingen"),
            lang.t(
                "per point, the same for all",
                "per punt, dezelfde voor alle"
            ),
            lang.t("seed", "startgetal"),
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
            let d = value_decimals(&second.values);
            let name = lang.parameter_name(&second.path);
            let items: Vec<(String, Mark)> = groups
                .iter()
                .enumerate()
                .map(|(i, (y, _))| {
                    (
                        format!("{name} = {}", lang.number(y.unwrap_or_default(), d)),
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
    // Probabilities start at 0 (no ticks below it).
    let y0 = if chart == SweepChart::Closure {
        lo - 0.08 * span
    } else {
        0.0
    };
    let ticks = lever_ticks(xs, lang);
    let mut c = ChartBuilder::on(&body)
        .margin_left(16)
        .margin_right(36)
        .margin_bottom(12)
        .x_label_area_size(64)
        .y_label_area_size(90)
        .build_cartesian_2d(
            LeverAxis {
                range: (x0 - pad..x1 + pad).into(),
                ticks: ticks.iter().map(|t| t.0).collect(),
            },
            y0..hi + 0.08 * span,
        )?;
    c.configure_mesh()
        .x_label_formatter(&|x| {
            ticks
                .iter()
                .find(|t| t.0 == *x)
                .map_or_else(String::new, |t| t.1.clone())
        })
        .y_label_formatter(&|y| lang.pct(*y, 1))
        .x_desc(lang.parameter(&lever.path))
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
                    .map(|p| (p.at[0], (chart.value(p).0 - 2.0 * chart.value(p).1).max(y0))),
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

/// A numeric axis whose ticks are given values (the grid of a lever).
struct LeverAxis {
    range: plotters::coord::types::RangedCoordf64,
    ticks: Vec<f64>,
}

impl Ranged for LeverAxis {
    type FormatOption = plotters::coord::ranged1d::DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.range.map(value, limit)
    }

    fn key_points<Hint: plotters::coord::ranged1d::KeyPointHint>(&self, _: Hint) -> Vec<f64> {
        self.ticks.clone()
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.range.range()
    }
}

/// The fewest decimals (at most 8) that write every value exactly: 0.005 needs 3, 150 none.
pub fn value_decimals(values: &[f64]) -> usize {
    (0..=8)
        .find(|&d| {
            values.iter().all(|v| {
                let scaled = v * 10f64.powi(d);
                (scaled - scaled.round()).abs() <= 1e-6 * scaled.abs().max(1.0)
            })
        })
        .map_or(8, |d| d as usize)
}

/// The ticks of a lever axis: the grid values themselves (every second, third, ... when
/// there are more than 12), each written with the decimals the grid needs, so that ticks
/// read as the values that were run.
pub fn lever_ticks(values: &[f64], lang: Lang) -> Vec<(f64, String)> {
    let mut xs = values.to_vec();
    xs.sort_by(f64::total_cmp);
    xs.dedup();
    let d = value_decimals(&xs);
    let step = xs.len().div_ceil(12).max(1);
    xs.iter()
        .step_by(step)
        .map(|&x| (x, lang.number(x, d)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lever_ticks_show_the_grid_values_exactly() {
        let levy = [0.0, 0.005, 0.01, 0.015, 0.02, 0.025, 0.03];
        let ticks = lever_ticks(&levy, Lang::En);
        let labels: Vec<&str> = ticks.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(
            labels,
            [
                "0.000", "0.005", "0.010", "0.015", "0.020", "0.025", "0.030"
            ]
        );
        assert_eq!(lever_ticks(&levy, Lang::Nl)[1].1, "0,005");
        let budget = [0.0, 75.0, 150.0, 300.0, 600.0, 1200.0];
        let labels: Vec<String> = lever_ticks(&budget, Lang::En)
            .into_iter()
            .map(|t| t.1)
            .collect();
        assert_eq!(labels, ["0", "75", "150", "300", "600", "1,200"]);
        // Long grids keep every k-th value, still exact.
        let fine: Vec<f64> = (0..=40).map(|i| f64::from(i) * 0.0025).collect();
        let ticks = lever_ticks(&fine, Lang::En);
        assert!(ticks.len() <= 12, "{ticks:?}");
        for (x, label) in ticks {
            assert!(
                (label.parse::<f64>().unwrap() - x).abs() < 1e-12,
                "{label} for {x}"
            );
        }
    }
}
