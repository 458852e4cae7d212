//! A sheet's table: cells that carry their unit, so each number gets the Excel number format
//! of what it measures; a bold header (long ones wrap) that stays in view with the first
//! column; a filter; and column widths that fit what Excel shows.

use crate::plot::Lang;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Worksheet, XlsxError};

/// What a number measures, which decides how it is stored and shown. Excel renders a format
/// code in the reader's own locale (12.3% or 12,3%), so the codes are the same in every
/// language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// A share or a probability: 12.3%.
    Share,
    /// The Monte Carlo error of a share, with the decimals that make it informative: 0.123%.
    ShareError,
    /// Euros, stored and shown in millions (the header says so): 1,234.5.
    EurMln,
    /// The Monte Carlo error of an amount, in millions: 3.27.
    EurMlnError,
    /// Residents, dwellings, wijken, draws: whole numbers with thousands separators.
    Count,
    /// ICR, LTV: 1.85.
    Ratio,
    /// The Monte Carlo error of a ratio: 0.0008.
    RatioError,
    /// A year or a seed: digits without separators.
    Digits,
    /// A number of unknown kind, as Excel shows it by default.
    General,
}

impl Unit {
    /// The unit of the Monte Carlo error of a figure in this unit.
    pub fn error(self) -> Unit {
        match self {
            Unit::Share => Unit::ShareError,
            Unit::EurMln => Unit::EurMlnError,
            Unit::Ratio => Unit::RatioError,
            other => other,
        }
    }

    /// The Excel number format code.
    pub fn code(self) -> &'static str {
        match self {
            Unit::Share => "0.0%",
            Unit::ShareError => "0.000%",
            Unit::EurMln => "#,##0.0",
            Unit::EurMlnError => "#,##0.00",
            Unit::Count => "#,##0",
            Unit::Ratio => "0.00",
            Unit::RatioError => "0.0000",
            Unit::Digits => "0",
            Unit::General => "General",
        }
    }

    /// The value stored in the cell for `x` (euros become millions).
    fn stored(self, x: f64) -> f64 {
        match self {
            Unit::EurMln | Unit::EurMlnError => x / 1e6,
            _ => x,
        }
    }

    /// The text Excel shows for the stored value `x`, to size the column.
    fn shown(self, x: f64) -> String {
        let l = Lang::En;
        match self {
            Unit::Share => l.pct(x, 1),
            Unit::ShareError => l.pct(x, 3),
            Unit::EurMln => l.number(x, 1),
            Unit::EurMlnError => l.number(x, 2),
            Unit::Count => l.number(x, 0),
            Unit::Ratio => l.number(x, 2),
            Unit::RatioError => l.number(x, 4),
            Unit::Digits => format!("{x:.0}"),
            Unit::General => format!("{x}").chars().take(11).collect(),
        }
    }

    pub fn format(self) -> Format {
        Format::new().set_num_format(self.code())
    }
}

/// One cell of a table.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    /// A number in its unit (euros in euros); one that is not finite (an absent limit) is
    /// left blank.
    Number(f64, Unit),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// What Excel shows, to size the column.
    fn shown(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Number(x, unit) if x.is_finite() => unit.shown(unit.stored(*x)),
            Cell::Number(..) => String::new(),
        }
    }
}

/// A header row and rows of cells.
#[derive(Clone, Debug)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// Column widths in characters, within these bounds.
const MIN_WIDTH: usize = 6;
const MAX_WIDTH: usize = 60;
/// A header longer than this (in characters) wraps unless the column's values are wider.
const HEADER_WIDTH: usize = 24;
/// The height of a line of text, in points.
const LINE_HEIGHT: f64 = 15.0;

/// The lines `text` takes when wrapped at spaces in a column of `width` characters. A text
/// character is taken as wide as a digit (most are narrower), so the count errs on the
/// generous side.
pub fn wrapped_lines(text: &str, width: usize) -> usize {
    let width = width.max(1);
    let (mut lines, mut line) = (1, 0);
    for word in text.split_whitespace() {
        let w = word.chars().count();
        if line > 0 && line + 1 + w <= width {
            line += 1 + w;
        } else {
            if line > 0 {
                lines += 1;
            }
            // A word longer than the line breaks where it must.
            lines += (w - 1) / width;
            line = (w - 1) % width + 1;
        }
    }
    lines
}

/// The row height for `lines` lines of text, in points. Set explicitly, because not every
/// spreadsheet program grows a row for wrapped text.
pub fn row_height(lines: usize) -> f64 {
    LINE_HEIGHT * lines as f64
}

pub fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_border_bottom(FormatBorder::Thin)
}

impl Table {
    /// Writes the table from the top left of `ws`.
    ///
    /// # Errors
    /// The worksheet refuses a cell (beyond Excel's limits).
    pub fn write(&self, ws: &mut Worksheet) -> Result<(), XlsxError> {
        let header = header_format()
            .set_text_wrap()
            .set_align(FormatAlign::Bottom);
        // A header stands over its numbers: right-aligned like them.
        let over_numbers = header.clone().set_align(FormatAlign::Right);
        let mut widths: Vec<usize> = self
            .header
            .iter()
            .map(|h| h.chars().count().min(HEADER_WIDTH))
            .collect();
        for (c, h) in self.header.iter().enumerate() {
            let numbers = self
                .rows
                .iter()
                .any(|cells| matches!(cells.get(c), Some(Cell::Number(..))));
            let format = if numbers { &over_numbers } else { &header };
            ws.write_string_with_format(0, c as u16, h, format)?;
        }
        for (r, cells) in self.rows.iter().enumerate() {
            let row = r as u32 + 1;
            for (c, cell) in cells.iter().enumerate() {
                let col = c as u16;
                match cell {
                    Cell::Text(s) => {
                        ws.write_string(row, col, s)?;
                    }
                    Cell::Number(x, unit) if x.is_finite() => {
                        ws.write_number_with_format(row, col, unit.stored(*x), &unit.format())?;
                    }
                    Cell::Number(..) => {}
                }
                if c >= widths.len() {
                    widths.resize(c + 1, 0);
                }
                widths[c] = widths[c].max(cell.shown().chars().count());
            }
        }
        for (c, w) in widths.iter().enumerate() {
            ws.set_column_width(c as u16, (w + 2).clamp(MIN_WIDTH, MAX_WIDTH) as f64)?;
        }
        let header_lines = self
            .header
            .iter()
            .zip(&widths)
            .map(|(h, &w)| wrapped_lines(h, w))
            .max()
            .unwrap_or(1);
        ws.set_row_height(0, row_height(header_lines))?;
        ws.set_freeze_panes(1, 1)?;
        let last_col = widths.len().saturating_sub(1) as u16;
        ws.autofilter(0, 0, self.rows.len() as u32, last_col)?;
        // On paper: landscape, with the header and the first column on every page.
        ws.set_landscape();
        ws.set_repeat_rows(0, 0)?;
        ws.set_repeat_columns(0, 0)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_show_as_their_unit_says() {
        assert_eq!(Cell::Number(0.2119, Unit::Share).shown(), "21.2%");
        assert_eq!(Cell::Number(0.001642, Unit::ShareError).shown(), "0.164%");
        assert_eq!(
            Cell::Number(17_974_833_524.89, Unit::EurMln).shown(),
            "17,974.8"
        );
        assert_eq!(Cell::Number(9036.4, Unit::Count).shown(), "9,036");
        assert_eq!(Cell::Number(1.852_43, Unit::Ratio).shown(), "1.85");
        assert_eq!(Cell::Number(f64::NAN, Unit::Ratio).shown(), "");
        assert_eq!(Unit::EurMln.error(), Unit::EurMlnError);
        assert_eq!(Unit::Count.error(), Unit::Count);
    }

    #[test]
    fn texts_wrap_at_spaces() {
        assert_eq!(wrapped_lines("", 10), 1);
        assert_eq!(wrapped_lines("closure, q05", 24), 1);
        assert_eq!(wrapped_lines("closure, q05", 12), 1);
        assert_eq!(wrapped_lines("closure, q05", 11), 2);
        assert_eq!(
            wrapped_lines("P(onder de ICR-norm of boven de LTV-norm), MC-fout", 24),
            3
        );
        assert_eq!(wrapped_lines("abcdefghij", 4), 3);
    }
}
