//! `summary.xlsx`: the run's tables for Excel users, in the report's language. An about sheet
//! first (the run, the definitions, the sheets), then one sheet per table; every number has
//! the Excel number format of what it measures (see [`table::Unit`]).

mod about;
mod table;
mod tables;

use super::ReportError;
use crate::output::write_atomic;
use crate::plot::Lang;
use crate::results::RunResults;
use rust_xlsxwriter::{DocProperties, Workbook, XlsxError};
use std::io::Write;
use std::path::Path;
use table::Table;

/// The name of the first sheet.
fn about_name(lang: Lang) -> &'static str {
    lang.t("about", "toelichting")
}

/// A sheet of the workbook after the about sheet: one table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sheet {
    Overall,
    Wijken,
    Corporations,
    Municipalities,
    Yearly,
}

impl Sheet {
    /// In order.
    const ALL: [Sheet; 5] = [
        Sheet::Overall,
        Sheet::Wijken,
        Sheet::Corporations,
        Sheet::Municipalities,
        Sheet::Yearly,
    ];

    fn name(self, lang: Lang) -> &'static str {
        match self {
            Sheet::Overall => lang.t("overall", "totaal"),
            Sheet::Wijken => lang.t("wijken", "wijken"),
            Sheet::Corporations => lang.t("corporations", "corporaties"),
            Sheet::Municipalities => lang.t("municipalities", "gemeenten"),
            Sheet::Yearly => lang.t("yearly", "per jaar"),
        }
    }

    /// What the sheet holds, for the about sheet.
    fn contents(self, lang: Lang) -> &'static str {
        match self {
            Sheet::Overall => lang.t(
                "The headline figures of all wijken together.",
                "De kerncijfers van alle wijken samen.",
            ),
            Sheet::Wijken => lang.t(
                "Per wijk: closure, P(closed), P(halved) and the value uplift of its dwellings.",
                "Per wijk: het ingelopen deel, de kans dat de achterstand is ingelopen of gehalveerd en de waardestijging van de woningen.",
            ),
            Sheet::Corporations => lang.t(
                "Per corporation: lowest ICR, highest LTV, the chance of a breach, realised wijk investment, value uplift and sales proceeds. A sector average stands for all corporations of a municipality.",
                "Per corporatie: laagste ICR, hoogste LTV, de kans onder de ICR-norm of boven de LTV-norm te komen, de gerealiseerde investering in de wijken, de waardestijging en de verkoopopbrengst. Een sectorgemiddelde staat voor alle corporaties van een gemeente.",
            ),
            Sheet::Municipalities => lang.t(
                "Per municipality: closure, P(closed), P(halved), social spending and the shortfall from budget cuts.",
                "Per gemeente: het ingelopen deel, de kans dat de achterstand is ingelopen of gehalveerd, de sociale uitgaven en het tekort door bezuinigingen.",
            ),
            Sheet::Yearly => lang.t(
                "Per year the mean and the 5-95% band of the composite gap (all wijken and per wijk) and of each corporation's ICR, LTV and investment capacity.",
                "Per jaar het gemiddelde en de band van 5% tot 95% van de samengestelde achterstand (alle wijken en per wijk) en van ICR, LTV en investeringscapaciteit per corporatie.",
            ),
        }
    }

    fn table(self, r: &RunResults, lang: Lang) -> Table {
        match self {
            Sheet::Overall => tables::overall(r, lang),
            Sheet::Wijken => tables::wijken(r, lang),
            Sheet::Corporations => tables::corporations(r, lang),
            Sheet::Municipalities => tables::municipalities(r, lang),
            Sheet::Yearly => tables::yearly(r, lang),
        }
    }
}

fn workbook(r: &RunResults, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!("wijksim: {}", r.summary.scenario))
            .set_subject(&r.summary.description),
    );
    about::write(wb.add_worksheet().set_name(about_name(lang))?, r, lang)?;
    for sheet in Sheet::ALL {
        sheet
            .table(r, lang)
            .write(wb.add_worksheet().set_name(sheet.name(lang))?)?;
    }
    wb.save_to_buffer()
}

/// Writes `summary.xlsx` (atomically) in `lang`: the sheets about, overall, wijken,
/// corporations, municipalities and yearly (in Dutch toelichting, totaal, wijken,
/// corporaties, gemeenten and per jaar).
///
/// # Errors
/// The workbook cannot be built or written.
pub fn write_xlsx(r: &RunResults, lang: Lang, path: &Path) -> Result<(), ReportError> {
    let fail = |message: String| ReportError::Write {
        path: path.display().to_string(),
        message,
    };
    let bytes = workbook(r, lang).map_err(|e| fail(e.to_string()))?;
    write_atomic(path, |w| w.write_all(&bytes)).map_err(|e| fail(e.to_string()))
}
