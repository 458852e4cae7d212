//! Charts of a scenario discovery (discover.json): PRIM's coverage-density trade-off, and the
//! chosen box's limits against each input's range.

use super::charts::{
    BLUE, DrawResult, GREY, HouseStyle, LIGHT, Mark, ORANGE, VERMILLION, bold, legend_row,
    rows_chart, text,
};
use super::{Area, Drawing, Lang, PlotError, RenderedChart, render_drawing};
use crate::discover::{DiscoverFile, WEAK, show_p, sig};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Colours for the number of restricted inputs, light (few) to dark (many).
fn shade(restricted: usize, most: usize) -> RGBColor {
    let f = if most == 0 {
        0.0
    } else {
        restricted as f64 / most as f64
    };
    let mix = |a: u8, b: u8| (f64::from(a) + f * (f64::from(b) - f64::from(a))).round() as u8;
    RGBColor(mix(158, 8), mix(202, 48), mix(225, 107))
}

/// The trade-off chart (stem `discover_tradeoff`).
///
/// # Errors
/// A drawing error.
pub fn render_tradeoff(f: &DiscoverFile, lang: Lang) -> Result<RenderedChart, PlotError> {
    struct Chart<'a>(&'a DiscoverFile, Lang);
    impl Drawing for Chart<'_> {
        fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> DrawResult<String>
        where
            DB::ErrorType: 'static,
        {
            tradeoff(root, self.0, self.1)
        }
    }
    render_drawing(&Chart(f, lang), (1200, 760), "discover_tradeoff".into())
}

/// The box chart (stem `discover_box`).
///
/// # Errors
/// A drawing error.
pub fn render_box(f: &DiscoverFile, lang: Lang) -> Result<RenderedChart, PlotError> {
    struct Chart<'a>(&'a DiscoverFile, Lang);
    impl Drawing for Chart<'_> {
        fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> DrawResult<String>
        where
            DB::ErrorType: 'static,
        {
            box_limits(root, self.0, self.1)
        }
    }
    let rows = f.chosen_box().limits.len().max(1) as u32;
    render_drawing(
        &Chart(f, lang),
        (1200, 220 + 70 * rows),
        "discover_box".into(),
    )
}

fn tradeoff<DB: DrawingBackend>(root: &Area<DB>, f: &DiscoverFile, lang: Lang) -> DrawResult<String>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let title = format!(
        "{} “{}”: {}",
        lang.t("Boxes of draws with", "Boxen van trekkingen met"),
        f.condition,
        lang.t(
            "share of the cases inside (coverage) against share of cases in the box (density)",
            "aandeel van de gevallen erin (dekking) tegen aandeel gevallen in de box (dichtheid)"
        )
    );
    let (head, body) = root.split_vertically(50);
    head.draw(&Text::new(title.clone(), (24, 14), bold(19)))?;
    let most = f
        .trajectory
        .iter()
        .map(|b| b.limits.len())
        .max()
        .unwrap_or(0);
    let area = legend_row(
        &body,
        &[
            (
                lang.t("few inputs restricted", "weinig invoer begrensd")
                    .into(),
                Mark::Dot(shade(0, most)),
            ),
            (lang.t("many", "veel").into(), Mark::Dot(shade(most, most))),
            (
                lang.t("chosen box", "gekozen box").into(),
                Mark::Line(VERMILLION),
            ),
            (
                lang.t(
                    "share of cases in all draws",
                    "aandeel gevallen in alle trekkingen",
                )
                .into(),
                Mark::Line(GREY),
            ),
        ],
    )?;
    let mut chart = ChartBuilder::on(&area)
        .margin(16)
        .margin_right(40)
        .x_label_area_size(60)
        .y_label_area_size(90)
        .build_cartesian_2d(0.0..1.02, 0.0..1.02)?;
    chart
        .configure_mesh()
        .x_labels(11)
        .y_labels(11)
        .x_label_formatter(&|x| lang.pct(*x, 0))
        .y_label_formatter(&|y| lang.pct(*y, 0))
        .x_desc(lang.t("coverage", "dekking"))
        .y_desc(lang.t("density", "dichtheid"))
        .house(17, 15)
        .draw()?;
    chart.draw_series(DashedLineSeries::new(
        [(0.0, f.base_density()), (1.02, f.base_density())],
        8,
        6,
        GREY.stroke_width(2),
    ))?;
    chart.draw_series(LineSeries::new(
        f.trajectory.iter().map(|b| (b.coverage, b.density)),
        LIGHT.stroke_width(2),
    ))?;
    chart.draw_series(f.trajectory.iter().map(|b| {
        Circle::new(
            (b.coverage, b.density),
            6,
            shade(b.limits.len(), most).filled(),
        )
    }))?;
    let c = f.chosen_box();
    chart.draw_series(std::iter::once(Circle::new(
        (c.coverage, c.density),
        12,
        VERMILLION.stroke_width(3),
    )))?;
    let label = format!(
        "{} {}: {} {}, {} {}",
        lang.t("step", "stap"),
        c.step,
        lang.pct(c.coverage, 0),
        lang.t("coverage", "dekking"),
        lang.pct(c.density, 0),
        lang.t("density", "dichtheid")
    );
    let (anchor, dx) = if c.coverage > 0.6 {
        (HPos::Right, -18)
    } else {
        (HPos::Left, 18)
    };
    let (px, py) = chart.backend_coord(&(c.coverage, c.density));
    root.draw(&Text::new(
        label,
        (px + dx, py),
        text(17).pos(Pos::new(anchor, VPos::Center)),
    ))?;
    Ok(title)
}

fn box_limits<DB: DrawingBackend>(
    root: &Area<DB>,
    f: &DiscoverFile,
    lang: Lang,
) -> DrawResult<String>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let b = f.chosen_box();
    let title = format!(
        "{} {}: {} {}, {} {} ({} {})",
        lang.t("Chosen box, step", "Gekozen box, stap"),
        b.step,
        lang.pct(b.coverage, 0),
        lang.t("of the cases inside", "van de gevallen erin"),
        lang.pct(b.density, 0),
        lang.t(
            "of its draws are cases",
            "van de trekkingen erin zijn gevallen"
        ),
        lang.pct(f.base_density(), 1),
        lang.t("over all draws", "over alle trekkingen")
    );
    let (head, body) = root.split_vertically(50);
    head.draw(&Text::new(title.clone(), (24, 14), bold(19)))?;
    let area = legend_row(
        &body,
        &[
            (
                lang.t(
                    "the input's range over the draws",
                    "bereik van de invoer over de trekkingen",
                )
                .into(),
                Mark::Patch(LIGHT.mix(1.0)),
            ),
            (
                lang.t("the box", "de box").into(),
                Mark::Patch(BLUE.mix(0.8)),
            ),
            (
                lang.t(
                    "weak limit (quasi-p > 0.05)",
                    "zwakke grens (quasi-p > 0,05)",
                )
                .into(),
                Mark::Patch(ORANGE.mix(0.8)),
            ),
        ],
    )?;
    // Strongest limit on top.
    let mut limits: Vec<_> = b.limits.iter().collect();
    let p_of = |l: &crate::discover::Limit| {
        [l.quasi_p_lower, l.quasi_p_upper]
            .into_iter()
            .flatten()
            .fold(1.0, f64::min)
    };
    limits.sort_by(|a, c| p_of(c).total_cmp(&p_of(a)));
    let labels: Vec<String> = limits.iter().map(|l| l.input.clone()).collect();
    let mut chart = rows_chart(
        &area,
        &labels,
        (0.0, 1.0),
        420,
        &|x| lang.pct(*x, 0),
        lang.t(
            "position within the input's range over the draws",
            "plaats binnen het bereik van de invoer over de trekkingen",
        ),
    )?;
    for (i, l) in limits.iter().enumerate() {
        let input = f
            .inputs
            .iter()
            .find(|x| x.name == l.input)
            .expect("a box limits mined inputs");
        let span = input.max - input.min;
        let (a, z) = ((l.lower - input.min) / span, (l.upper - input.min) / span);
        let y = i as f64;
        let weak = [l.quasi_p_lower, l.quasi_p_upper]
            .into_iter()
            .flatten()
            .any(|p| p > WEAK);
        chart.draw_series(std::iter::once(Rectangle::new(
            [(0.0, y - 0.3), (1.0, y + 0.3)],
            LIGHT.filled(),
        )))?;
        chart.draw_series(std::iter::once(Rectangle::new(
            [(a, y - 0.3), (z, y + 0.3)],
            if weak { ORANGE.mix(0.8) } else { BLUE.mix(0.8) }.filled(),
        )))?;
        let sides = [
            (l.lower_restricted, a, l.lower, l.quasi_p_lower, true),
            (l.upper_restricted, z, l.upper, l.quasi_p_upper, false),
        ];
        for (restricted, at, value, p, lower) in sides {
            if !restricted {
                continue;
            }
            let words = format!(
                "{} (p {})",
                lang.decimal(&sig(value)),
                p.map_or("-".into(), |p| lang.decimal(&show_p(p)))
            );
            let (shift, anchor) = if lower {
                (-0.01, HPos::Right)
            } else {
                (0.01, HPos::Left)
            };
            chart.draw_series(std::iter::once(Text::new(
                words,
                ((at + shift).clamp(0.0, 1.0), y + 0.42),
                text(15).pos(Pos::new(anchor, VPos::Center)),
            )))?;
        }
    }
    if limits.is_empty() {
        area.draw(&Text::new(
            lang.t(
                "No input is restricted: the box is all draws.",
                "Geen invoer begrensd: de box bevat alle trekkingen.",
            )
            .to_string(),
            (40, 60),
            text(18),
        ))?;
    }
    Ok(title)
}
