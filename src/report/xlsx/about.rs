//! The first sheet: what was run, what the figures mean and what each sheet holds.

use super::Sheet;
use super::table::{Unit, header_format, row_height, wrapped_lines};
use crate::model::{CLOSED, HALVED};
use crate::plot::Lang;
use crate::results::RunResults;
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Worksheet, XlsxError};
use std::time::UNIX_EPOCH;

/// Width of the value column, in characters; longer texts wrap.
const VALUE_WIDTH: usize = 100;

/// Writes label-value rows down the sheet.
struct Rows<'a> {
    ws: &'a mut Worksheet,
    row: u32,
    label: Format,
    widest_label: usize,
}

impl Rows<'_> {
    /// A section title, after a blank row.
    fn heading(&mut self, title: &str) -> Result<(), XlsxError> {
        self.row += 1;
        self.ws
            .write_string_with_format(self.row, 0, title, &header_format())?;
        self.ws
            .write_string_with_format(self.row, 1, "", &header_format())?;
        self.row += 1;
        Ok(())
    }

    fn label(&mut self, label: &str) -> Result<(), XlsxError> {
        self.widest_label = self.widest_label.max(label.chars().count());
        self.ws
            .write_string_with_format(self.row, 0, label, &self.label)?;
        Ok(())
    }

    fn text(&mut self, label: &str, value: &str) -> Result<(), XlsxError> {
        self.label(label)?;
        let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
        self.ws
            .write_string_with_format(self.row, 1, value, &wrap)?;
        let lines = wrapped_lines(value, VALUE_WIDTH);
        if lines > 1 {
            self.ws.set_row_height(self.row, row_height(lines))?;
        }
        self.row += 1;
        Ok(())
    }

    fn number(&mut self, label: &str, x: f64, unit: Unit) -> Result<(), XlsxError> {
        self.label(label)?;
        let format = unit.format().set_align(FormatAlign::Left);
        self.ws.write_number_with_format(self.row, 1, x, &format)?;
        self.row += 1;
        Ok(())
    }

    fn date(&mut self, label: &str, date: &ExcelDateTime) -> Result<(), XlsxError> {
        self.label(label)?;
        let format = Format::new()
            .set_num_format("yyyy-mm-dd hh:mm \"UTC\"")
            .set_align(FormatAlign::Left);
        self.ws
            .write_datetime_with_format(self.row, 1, date, &format)?;
        self.row += 1;
        Ok(())
    }
}

/// When summary.json was written, as an Excel date (UTC).
fn written(r: &RunResults) -> Option<ExcelDateTime> {
    let seconds = r.written?.duration_since(UNIX_EPOCH).ok()?.as_secs();
    ExcelDateTime::from_timestamp(i64::try_from(seconds).ok()?).ok()
}

/// Fills `ws` with the run, the definitions and the list of sheets.
///
/// # Errors
/// The worksheet refuses a cell.
pub fn write(ws: &mut Worksheet, r: &RunResults, lang: Lang) -> Result<(), XlsxError> {
    let s = &r.summary;
    let l = |en, nl| lang.t(en, nl);
    let title = Format::new().set_bold().set_font_size(14);
    ws.write_string_with_format(0, 0, format!("wijksim: {}", s.scenario), &title)?;
    let mut rows = Rows {
        ws,
        row: 1,
        label: Format::new().set_bold().set_align(FormatAlign::Top),
        widest_label: 0,
    };

    rows.heading(l("Run", "Doorrekening"))?;
    rows.text(l("scenario", "scenario"), &s.scenario)?;
    rows.text(l("description", "beschrijving"), &s.description)?;
    rows.text(l("scenario file", "scenariobestand"), &r.meta.scenario_file)?;
    rows.text(
        l("scenario hash (SHA-256)", "hash van het scenario (SHA-256)"),
        &s.scenario_hash,
    )?;
    rows.text(
        l("years", "jaren"),
        &format!("{}-{}", s.first_year, s.last_year),
    )?;
    rows.number(l("seed", "startgetal"), s.seed as f64, Unit::Digits)?;
    rows.number(l("draws", "trekkingen"), s.draws as f64, Unit::Count)?;
    if let Some(date) = written(r) {
        rows.date(l("date of the results", "datum van de resultaten"), &date)?;
    }
    rows.text(
        l("wijksim version", "wijksim-versie"),
        &r.meta.wijksim_version,
    )?;

    let start = s.first_year - 1;
    let end = s.last_year;
    let (closed, halved) = (lang.pct(CLOSED, 0), lang.pct(HALVED, 0));
    rows.heading(l("Definitions", "Begrippen"))?;
    for (label, text) in [
        (
            l("composite gap", "samengestelde achterstand"),
            match lang {
                Lang::En => format!(
                    "A wijk's gaps to its city's average on the indicators, weighted into one measure: 100% = as far behind as at the start ({start}), 0% = at the city average. Several wijken together are weighted by residents."
                ),
                Lang::Nl => format!(
                    "De achterstanden van een wijk op de indicatoren ten opzichte van het stadsgemiddelde, gewogen tot één maat: 100% = even ver achter als bij de start ({start}), 0% = op het stadsgemiddelde. Voor meerdere wijken samen wordt naar inwoners gewogen."
                ),
            },
        ),
        (
            l("closure", "ingelopen deel"),
            match lang {
                Lang::En => format!(
                    "1 - the composite gap at the horizon ({end}): the part of the starting gap that has been made up."
                ),
                Lang::Nl => format!(
                    "1 - de samengestelde achterstand aan het eind ({end}): het deel van de achterstand bij de start dat is ingelopen."
                ),
            },
        ),
        (
            l("closed", "achterstand ingelopen"),
            match lang {
                Lang::En => format!(
                    "The composite gap at the horizon is {closed} or less: the city average is reached."
                ),
                Lang::Nl => format!(
                    "De samengestelde achterstand is aan het eind {closed} of minder: het stadsgemiddelde is bereikt."
                ),
            },
        ),
        (
            l("halved", "achterstand gehalveerd"),
            match lang {
                Lang::En => format!(
                    "The composite gap at the horizon is {halved} or less: at most half the starting gap is left. \"In some year up to {end}\" counts a gap that was halved (or closed) in any year, even if it widened again after: at least P(halved)."
                ),
                Lang::Nl => format!(
                    "De samengestelde achterstand is aan het eind {halved} of minder: er is hooguit de helft van de achterstand bij de start over. \"In enig jaar t/m {end}\" telt ook een achterstand die in een eerder jaar gehalveerd (of ingelopen) was en daarna weer groeide: minstens P(achterstand gehalveerd)."
                ),
            },
        ),
        (
            l("breach", "onder de ICR-norm / boven de LTV-norm"),
            match lang {
                Lang::En => format!(
                    "A corporation falls below its ICR limit (a minimum) or rises above its LTV limit (a maximum) in some year from {} to {end}. P(ICR below limit) and P(LTV above limit) count each limit on its own.",
                    s.first_year
                ),
                Lang::Nl => format!(
                    "Een corporatie komt in enig jaar van {} tot en met {end} onder haar ICR-norm (een minimum) of boven haar LTV-norm (een maximum). P(onder de ICR-norm) en P(boven de LTV-norm) tellen elke norm apart.",
                    s.first_year
                ),
            },
        ),
        (
            "g_T",
            l(
                "An indicator's gap at the horizon: 100% = as at the start, 0% = at the city average.",
                "De achterstand op één indicator aan het eind: 100% = als bij de start, 0% = op het stadsgemiddelde.",
            )
            .to_string(),
        ),
        (
            "P(…)",
            l(
                "The share of the draws in which it happens.",
                "Het aandeel van de trekkingen waarin het gebeurt.",
            )
            .to_string(),
        ),
        (
            l("mean, sd, min, max, q05 … q95", "gemiddelde, sd, min, max, q05 … q95"),
            l(
                "Over the Monte Carlo draws; q05 is the 5% quantile: 5% of the draws lie below it.",
                "Over de Monte Carlo-trekkingen; q05 is het 5%-kwantiel: 5% van de trekkingen ligt eronder.",
            )
            .to_string(),
        ),
        (
            l("MC error", "MC-fout"),
            l(
                "The Monte Carlo standard error of a mean or a probability: the imprecision that comes from a finite number of draws, and that more draws reduce.",
                "De Monte Carlo-standaardfout van een gemiddelde of een kans: de onnauwkeurigheid doordat het aantal trekkingen eindig is; meer trekkingen maken haar kleiner.",
            )
            .to_string(),
        ),
        (
            "€ mln",
            l("Amounts in millions of euros.", "Bedragen in miljoenen euro.").to_string(),
        ),
    ] {
        rows.text(label, &text)?;
    }

    rows.heading(l("Sheets", "Tabbladen"))?;
    for sheet in Sheet::ALL {
        rows.text(sheet.name(lang), sheet.contents(lang))?;
    }

    let Rows {
        ws, widest_label, ..
    } = rows;
    ws.set_column_width(0, (widest_label + 2) as f64)?;
    ws.set_column_width(1, VALUE_WIDTH as f64)?;
    // On paper: one page wide.
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
}
