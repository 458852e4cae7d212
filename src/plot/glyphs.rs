//! Chart text in PNGs, placed by the font's advance widths and kerning.
//!
//! plotters 0.3.7 draws text on bitmaps through its `ab_glyph` path, which puts each glyph's
//! ink at the pen position (dropping the glyph's left side bearing, the blank before its ink)
//! and truncates the pen to whole pixels glyph by glyph. Narrow glyphs with wide bearings then
//! sit too far left: "wi jksim", "aver age", "b y year". [`Glyphs`] wraps a bitmap backend and
//! draws text itself: the pen advances by `h_advance` plus the pair's kerning, every glyph is
//! rasterised at its exact (sub-pixel) pen position with its own bearings, and the layout box
//! is the one plotters uses, so that charts lay out as before (and as their SVGs do).

use ab_glyph::{Font, FontRef, GlyphId, PxScaleFont, ScaleFont, point};
use plotters::prelude::*;
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind, FontFamily,
    FontStyle, FontTransform,
};
use std::sync::LazyLock;

static REGULAR: LazyLock<FontRef<'static>> = LazyLock::new(|| {
    FontRef::try_from_slice(super::REGULAR_TTF).expect("the bundled DejaVu Sans is valid")
});
static BOLD: LazyLock<FontRef<'static>> = LazyLock::new(|| {
    FontRef::try_from_slice(super::BOLD_TTF).expect("the bundled DejaVu Sans Bold is valid")
});

/// The bundled font for a family and style, if the family is ours.
fn font_for(family: FontFamily<'_>, style: FontStyle) -> Option<&'static FontRef<'static>> {
    (family.as_str() == super::FONT).then(|| match style {
        FontStyle::Bold => &*BOLD,
        _ => &*REGULAR,
    })
}

/// A line of text laid out: each glyph with its pen position, and the advance of the whole.
pub(crate) struct Line {
    pub glyphs: Vec<(GlyphId, f32)>,
    pub width: f32,
}

/// Lays out `text` in one line: the pen starts at 0 and advances by each glyph's
/// `h_advance`, plus the kerning of each pair before its second glyph.
pub(crate) fn layout(font: &PxScaleFont<&FontRef<'static>>, text: &str) -> Line {
    let mut x = 0.0;
    let mut prev: Option<GlyphId> = None;
    let mut glyphs = Vec::with_capacity(text.len());
    for c in text.chars() {
        let id = font.glyph_id(c);
        if let Some(p) = prev {
            x += font.kern(p, id);
        }
        glyphs.push((id, x));
        x += font.h_advance(id);
        prev = Some(id);
    }
    Line { glyphs, width: x }
}

/// The layout box of plotters' ab_glyph path (advance width, size / 1.24 high), so that the
/// PNG lays out like the SVG.
fn box_size(line: &Line, size: f64) -> (i32, i32) {
    (line.width as i32, (size / 1.24) as i32)
}

/// The height of capitals above the baseline, in pixels: the baseline sits this far below
/// the top of the layout box, so that capitals fill the box from its top and descenders
/// reach its bottom.
fn cap_height(font: &PxScaleFont<&FontRef<'static>>) -> f32 {
    font.font()
        .outline(font.glyph_id('H'))
        // ab_glyph's unscaled bounds keep the font's y-up units with min.y at the top.
        .map_or(font.ascent(), |o| o.bounds.min.y * font.v_scale_factor())
}

/// The pixels of `text` drawn with its top-left layout corner at (0, 0) before the anchor
/// and the rotation: (x, y, coverage).
pub(crate) fn rasterise(
    font: &'static FontRef<'static>,
    size: f64,
    text: &str,
    (dx, dy): (i32, i32),
) -> Vec<(i32, i32, f32)> {
    let scaled = font.as_scaled(size as f32);
    let line = layout(&scaled, text);
    let baseline = cap_height(&scaled);
    let mut pixels = vec![];
    for &(id, x) in &line.glyphs {
        let glyph =
            id.with_scale_and_position(scaled.scale, point(x + dx as f32, baseline + dy as f32));
        if let Some(o) = scaled.outline_glyph(glyph) {
            let b = o.px_bounds();
            o.draw(|px, py, coverage| {
                if coverage > 0.0 {
                    pixels.push((
                        b.min.x as i32 + px as i32,
                        b.min.y as i32 + py as i32,
                        coverage.min(1.0),
                    ));
                }
            });
        }
    }
    pixels
}

/// A bitmap backend whose text is drawn by [`layout`] (see the module documentation).
pub(crate) struct Glyphs<DB>(pub DB);

impl<DB: DrawingBackend> DrawingBackend for Glyphs<DB> {
    type ErrorType = DB::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.0.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.present()
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.fill_polygon(vert, style)
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.blit_bitmap(pos, size, src)
    }

    fn estimate_text_size<TStyle: BackendTextStyle>(
        &self,
        text: &str,
        style: &TStyle,
    ) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        let Some(font) = font_for(style.family(), style.style()) else {
            return self.0.estimate_text_size(text, style);
        };
        let (w, h) = box_size(
            &layout(&font.as_scaled(style.size() as f32), text),
            style.size(),
        );
        let (w, h) = style.transform().transform(w, h);
        Ok((w.unsigned_abs(), h.unsigned_abs()))
    }

    fn draw_text<TStyle: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &TStyle,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let Some(font) = font_for(style.family(), style.style()) else {
            return self.0.draw_text(text, style, pos);
        };
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let (w, h) = box_size(
            &layout(&font.as_scaled(style.size() as f32), text),
            style.size(),
        );
        let anchor = style.anchor();
        let dx = match anchor.h_pos {
            HPos::Left => 0,
            HPos::Right => -w,
            HPos::Center => -w / 2,
        };
        let dy = match anchor.v_pos {
            VPos::Top => 0,
            VPos::Center => -h / 2,
            VPos::Bottom => -h,
        };
        let trans: FontTransform = style.transform();
        let (width, height) = self.get_size();
        for (x, y, coverage) in rasterise(font, style.size(), text, (dx, dy)) {
            let (x, y) = trans.transform(x, y);
            let (x, y) = (pos.0 + x, pos.1 + y);
            if x >= 0 && x < width as i32 && y >= 0 && y < height as i32 {
                self.0.draw_pixel(
                    (x, y),
                    BackendColor {
                        alpha: color.alpha * f64::from(coverage),
                        rgb: color.rgb,
                    },
                )?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders `label` in the chart font at `size` with its top-left corner at (`x0`, 30),
    /// through the chart path, and returns the ink (0..1) summed per column.
    fn column_ink(label: &str, size: f64, x0: i32) -> Vec<f64> {
        super::super::register_fonts();
        let (w, h) = (1000u32, 140u32);
        let mut rgb = vec![255u8; (w * h * 3) as usize];
        {
            let root = Glyphs(BitMapBackend::with_buffer(&mut rgb, (w, h))).into_drawing_area();
            root.draw(&Text::new(
                label.to_string(),
                (x0, 30),
                (super::super::FONT, size).into_font().color(&BLACK),
            ))
            .unwrap();
            root.present().unwrap();
        }
        (0..w as usize)
            .map(|x| {
                (0..h as usize)
                    .map(|y| 1.0 - f64::from(rgb[(y * w as usize + x) * 3]) / 255.0)
                    .sum()
            })
            .collect()
    }

    /// Maximal runs of columns with ink: (first, one past the last).
    fn runs(ink: &[f64]) -> Vec<(usize, usize)> {
        let mut out = vec![];
        let mut start = None;
        for (x, &v) in ink.iter().enumerate() {
            match (v > 0.02, start) {
                (true, None) => start = Some(x),
                (false, Some(s)) => {
                    out.push((s, x));
                    start = None;
                }
                _ => {}
            }
        }
        out
    }

    /// The ink-weighted mean column (pixel centres) of `ink[a..b]`.
    fn centroid(ink: &[f64], (a, b): (usize, usize)) -> f64 {
        let total: f64 = ink[a..b].iter().sum();
        ink[a..b]
            .iter()
            .enumerate()
            .map(|(i, v)| (a + i) as f64 * v)
            .sum::<f64>()
            / total
            + 0.5
    }

    /// The letters of a chart label sit where the font puts them: the pen advances by
    /// ab_glyph's `h_advance` plus the pair's kerning, and each glyph's ink lies at its own
    /// offset from the pen (its side bearing). Each glyph's ink centre in the rendered label
    /// is compared with the centre of the same glyph rasterised alone by ab_glyph at that
    /// pen position. plotters' own text path misses by the side bearings ("wi jksim",
    /// "aver age": several pixels at this size).
    #[test]
    fn chart_text_follows_advance_widths_and_kerning() {
        let (label, size, x0) = ("wijksim average by year", 44.0, 20);
        let ink = column_ink(label, size, x0);
        let segments = runs(&ink);
        let font = REGULAR.as_scaled(size as f32);
        // Expected: each visible glyph alone, at its pen position.
        let mut pen = x0 as f32;
        let mut prev: Option<GlyphId> = None;
        let mut expected = vec![];
        for c in label.chars() {
            let id = font.glyph_id(c);
            if let Some(p) = prev {
                pen += font.kern(p, id);
            }
            if let Some(o) =
                font.outline_glyph(id.with_scale_and_position(font.scale, point(pen, 0.0)))
            {
                let b = o.px_bounds();
                let mut cols = vec![0.0; (b.max.x - b.min.x) as usize + 1];
                o.draw(|x, _, c| cols[x as usize] += f64::from(c.min(1.0)));
                let total: f64 = cols.iter().sum();
                let mean = cols
                    .iter()
                    .enumerate()
                    .map(|(i, v)| i as f64 * v)
                    .sum::<f64>()
                    / total;
                expected.push((c, f64::from(b.min.x) + mean + 0.5));
            }
            pen += font.h_advance(id);
            prev = Some(id);
        }
        assert_eq!(
            segments.len(),
            expected.len(),
            "one run of ink columns per visible letter of {label:?}: {segments:?}"
        );
        for (k, (&(c, want), &seg)) in expected.iter().zip(&segments).enumerate() {
            let got = centroid(&ink, seg);
            assert!(
                (got - want).abs() < 0.35,
                "letter {k} ({c:?}) of {label:?}: ink centre at x = {got:.2}, the font puts it at {want:.2}"
            );
        }
        // The gaps between neighbouring letters follow from the advances (checked above per
        // letter); the whole label is as wide as its advances say.
        let (first, last) = (segments[0].0, segments[segments.len() - 1].1);
        let advance = layout(&font, label).width;
        assert!(
            f64::from(advance) > (last - first) as f64,
            "the ink ({first}..{last}) lies within the advance width {advance}"
        );
    }
}
