//! Charts of a run's results (plotters), as SVG for the web and PNG for documents.
//!
//! Charts read a [`RunResults`] (the files of a run directory), never the model. Text in
//! PNGs is drawn with the bundled DejaVu Sans by the pure-Rust `ab_glyph` (laid out by
//! [`glyphs`], which fixes the letter spacing of plotters' own text path), so PNGs render
//! on machines without system fonts; SVGs name the `sans-serif` family and leave the text
//! to the viewer.

pub mod calibration;
pub(crate) mod charts;
pub mod compare;
pub mod convergence;
pub mod discover;
pub(crate) mod glyphs;
mod labels;
pub mod seek;
pub mod sensitivity;
pub mod sweep;

pub use labels::{Lang, mid_sentence};

use crate::output::write_atomic;
use crate::results::RunResults;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::io::Write;
use std::path::Path;
use std::sync::Once;

/// The charts every run draws, in report order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartKind {
    /// Fan chart of the overall composite gap over the years.
    GapFan,
    /// Distribution of gap closure at the horizon.
    ClosureDistribution,
    /// The wijken side by side.
    Wijken,
    /// ICR fans per corporation.
    Icr,
    /// LTV fans per corporation.
    Ltv,
    /// P(closed) and P(halved) by year.
    ClosureByYear,
    /// Distribution of the property value uplift.
    ValueUplift,
    /// g_T per indicator.
    Indicators,
}

impl ChartKind {
    pub const ALL: [ChartKind; 8] = [
        ChartKind::GapFan,
        ChartKind::ClosureDistribution,
        ChartKind::Wijken,
        ChartKind::Icr,
        ChartKind::Ltv,
        ChartKind::ClosureByYear,
        ChartKind::ValueUplift,
        ChartKind::Indicators,
    ];

    /// The file stem under `charts/`.
    pub fn file_stem(self) -> &'static str {
        match self {
            ChartKind::GapFan => "gap_fan",
            ChartKind::ClosureDistribution => "closure_distribution",
            ChartKind::Wijken => "wijken",
            ChartKind::Icr => "corporations_icr",
            ChartKind::Ltv => "corporations_ltv",
            ChartKind::ClosureByYear => "closure_by_year",
            ChartKind::ValueUplift => "value_uplift",
            ChartKind::Indicators => "indicators",
        }
    }

    /// Size in pixels: 1200 wide, drawn for A4 width at about 150 dpi.
    pub fn size(self, r: &RunResults) -> (u32, u32) {
        match self {
            ChartKind::Wijken => (1200, 260 + 30 * r.summary.wijken.len() as u32),
            ChartKind::Icr | ChartKind::Ltv => {
                let rows = r.summary.corporations.len().div_ceil(charts::GRID_COLUMNS) as u32;
                (1200, 150 + 270 * rows.max(1))
            }
            _ => (1200, 750),
        }
    }
}

/// One drawn chart.
#[derive(Clone, Debug)]
pub struct RenderedChart {
    /// The file stem under `charts/`.
    pub stem: String,
    pub title: String,
    pub svg: String,
    pub png: Vec<u8>,
}

/// Why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    #[error("drawing the {chart} chart failed: {message}")]
    Draw { chart: String, message: String },
    #[error("writing {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// The family name charts use; the bundled DejaVu Sans is registered under it.
pub const FONT: &str = "sans-serif";

/// The bundled DejaVu Sans, regular and bold.
pub(crate) const REGULAR_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
pub(crate) const BOLD_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

static FONTS: Once = Once::new();

/// Registers the bundled fonts with plotters (once per process): the SVG backend measures
/// text with them.
pub fn register_fonts() {
    FONTS.call_once(|| {
        // The bytes are compiled in and known to be valid TrueType.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, REGULAR_TTF);
        let _ = plotters::style::register_font(FONT, FontStyle::Bold, BOLD_TTF);
    });
}

/// One of a run's charts, drawable on any backend.
struct RunChart<'a>(ChartKind, &'a RunResults, Lang);

impl Drawing for RunChart<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> charts::DrawResult<String>
    where
        DB::ErrorType: 'static,
    {
        charts::draw(self.0, root, self.1, self.2)
    }
}

/// Draws `kind` as SVG and PNG.
///
/// # Errors
/// A drawing error from plotters, or PNG encoding.
pub fn render(kind: ChartKind, r: &RunResults, lang: Lang) -> Result<RenderedChart, PlotError> {
    render_drawing(
        &RunChart(kind, r, lang),
        kind.size(r),
        kind.file_stem().to_string(),
    )
}

/// Draws `kind` as SVG only, without the PNG (`png` is empty): for the what-if page, which
/// redraws its charts on every change and shows only the SVG.
///
/// # Errors
/// A drawing error from plotters.
pub fn render_svg(kind: ChartKind, r: &RunResults, lang: Lang) -> Result<RenderedChart, PlotError> {
    let stem = kind.file_stem().to_string();
    let (svg, title) = draw_svg(&RunChart(kind, r, lang), kind.size(r), &stem)?;
    Ok(RenderedChart {
        stem,
        title,
        svg,
        png: vec![],
    })
}

/// A chart that can be drawn on any plotters backend; returns its title.
pub(crate) trait Drawing {
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> charts::DrawResult<String>
    where
        DB::ErrorType: 'static;
}

/// Draws `d` at `size` as SVG and as PNG.
pub(crate) fn render_drawing(
    d: &impl Drawing,
    (w, h): (u32, u32),
    stem: String,
) -> Result<RenderedChart, PlotError> {
    let (svg, title) = draw_svg(d, (w, h), &stem)?;
    let fail = |message: String| PlotError::Draw {
        chart: stem.clone(),
        message,
    };
    let mut rgb = vec![0u8; (w * h * 3) as usize];
    {
        let root = glyphs::Glyphs(BitMapBackend::with_buffer(&mut rgb, (w, h))).into_drawing_area();
        d.draw(&root).map_err(|e| fail(e.to_string()))?;
        root.present().map_err(|e| fail(e.to_string()))?;
    }
    let png = encode_png(&rgb, w, h).map_err(|e| fail(format!("PNG encoding: {e}")))?;
    Ok(RenderedChart {
        stem,
        title,
        svg,
        png,
    })
}

/// Draws `d` at `size` as an SVG document; returns it and the chart's title.
fn draw_svg(
    d: &impl Drawing,
    (w, h): (u32, u32),
    stem: &str,
) -> Result<(String, String), PlotError> {
    register_fonts();
    let fail = |message: String| PlotError::Draw {
        chart: stem.to_string(),
        message,
    };
    let mut svg = String::new();
    let title = {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        let title = d.draw(&root).map_err(|e| fail(e.to_string()))?;
        root.present().map_err(|e| fail(e.to_string()))?;
        title
    };
    Ok((svg, title))
}

/// Draws every chart into `dir/charts/` (`<stem>.svg` and `<stem>.png`, each written
/// atomically) and returns them for the report.
///
/// # Errors
/// Drawing or writing failed.
pub fn render_all(r: &RunResults, lang: Lang, dir: &Path) -> Result<Vec<RenderedChart>, PlotError> {
    let charts_dir = dir.join("charts");
    std::fs::create_dir_all(&charts_dir).map_err(|source| PlotError::Io {
        path: charts_dir.display().to_string(),
        source,
    })?;
    let mut out = vec![];
    for kind in ChartKind::ALL {
        let chart = render(kind, r, lang)?;
        write_chart(&charts_dir, &chart)?;
        out.push(chart);
    }
    if let Some(p) = &r.meta.precision {
        let chart = convergence::render(p, lang)?;
        write_chart(&charts_dir, &chart)?;
        out.push(chart);
    }
    Ok(out)
}

/// Writes `<stem>.svg` and `<stem>.png` into `charts_dir`, each atomically.
///
/// # Errors
/// A file cannot be written.
pub fn write_chart(charts_dir: &Path, chart: &RenderedChart) -> Result<(), PlotError> {
    std::fs::create_dir_all(charts_dir).map_err(|source| PlotError::Io {
        path: charts_dir.display().to_string(),
        source,
    })?;
    for (ext, bytes) in [("svg", chart.svg.as_bytes()), ("png", chart.png.as_slice())] {
        let path = charts_dir.join(format!("{}.{ext}", chart.stem));
        write_atomic(&path, |w| w.write_all(bytes)).map_err(|source| PlotError::Io {
            path: path.display().to_string(),
            source,
        })?;
    }
    Ok(())
}

fn encode_png(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>, png::EncodingError> {
    let mut bytes = vec![];
    {
        let mut enc = png::Encoder::new(&mut bytes, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        // 150 dpi, so that a chart 1200 px wide fills an A4 text width.
        enc.set_pixel_dims(Some(png::PixelDimensions {
            xppu: 5906,
            yppu: 5906,
            unit: png::Unit::Meter,
        }));
        let mut writer = enc.write_header()?;
        writer.write_image_data(rgb)?;
        writer.finish()?;
    }
    Ok(bytes)
}

/// The drawing area type the chart functions take.
pub(crate) type Area<DB> = DrawingArea<DB, Shift>;
