//! `summary.xlsx`: the run's tables for Excel users, one sheet per table.

use super::ReportError;
use crate::output::write_atomic;
use crate::results::RunResults;
use crate::stats::{Probability, Summary};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use std::io::Write;
use std::path::Path;

/// Column headers of a [`Summary`] with a prefix.
fn summary_headers(prefix: &str) -> Vec<String> {
    [
        "mean", "sd", "mcse", "min", "q05", "q10", "q25", "q50", "q75", "q90", "q95", "max",
    ]
    .iter()
    .map(|s| format!("{prefix}_{s}"))
    .collect()
}

fn summary_values(s: &Summary) -> Vec<f64> {
    vec![
        s.mean, s.sd, s.mcse, s.min, s.q05, s.q10, s.q25, s.q50, s.q75, s.q90, s.q95, s.max,
    ]
}

fn prob_values(p: &Probability) -> Vec<f64> {
    vec![p.p, p.mcse]
}

/// Writes a header row and rows of (text cells, number cells).
fn table(
    ws: &mut Worksheet,
    header: &[String],
    rows: &[(Vec<String>, Vec<f64>)],
    bold: &Format,
) -> Result<(), XlsxError> {
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, bold)?;
    }
    for (r, (texts, numbers)) in rows.iter().enumerate() {
        let row = r as u32 + 1;
        for (c, t) in texts.iter().enumerate() {
            ws.write_string(row, c as u16, t)?;
        }
        for (c, x) in numbers.iter().enumerate() {
            let col = (texts.len() + c) as u16;
            if x.is_finite() {
                ws.write_number(row, col, *x)?;
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofit();
    Ok(())
}

fn workbook(r: &RunResults) -> Result<Vec<u8>, XlsxError> {
    let s = &r.summary;
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();

    // overall: one row per headline figure.
    let o = &s.overall;
    let mut rows: Vec<(Vec<String>, Vec<f64>)> = vec![];
    let header: Vec<String> = [
        "quantity", "mean", "sd", "mcse", "min", "q05", "q10", "q25", "q50", "q75", "q90", "q95",
        "max",
    ]
    .iter()
    .map(|h| h.to_string())
    .collect();
    rows.push((vec!["gap_closure".into()], summary_values(&o.gap_closure)));
    for (k, v) in &o.indicators {
        rows.push((vec![format!("g_T {k}")], summary_values(v)));
    }
    rows.push((
        vec!["value_uplift_eur".into()],
        summary_values(&o.value_uplift_eur),
    ));
    rows.push((
        vec!["value_uplift_corporations_eur".into()],
        summary_values(&o.value_uplift_corporations_eur),
    ));
    for (k, p) in [
        ("P(closed)", &o.p_closed),
        ("P(halved)", &o.p_halved),
        ("P(any corporation breach)", &o.p_any_breach),
        ("P(a corporation below the ICR limit)", &o.p_breach_icr),
        ("P(a corporation above the LTV limit)", &o.p_breach_ltv),
    ] {
        // A probability in the mean column and its standard error in the mcse column.
        rows.push((vec![k.into()], vec![p.p, f64::NAN, p.mcse]));
    }
    let ws = wb.add_worksheet().set_name("overall")?;
    table(ws, &header, &rows, &bold)?;
    let info_row = rows.len() as u32 + 3;
    for (i, (k, v)) in [
        ("scenario", s.scenario.clone()),
        ("draws", s.draws.to_string()),
        ("seed", s.seed.to_string()),
        ("years", format!("{}-{}", s.first_year, s.last_year)),
        ("scenario_hash", s.scenario_hash.clone()),
    ]
    .iter()
    .enumerate()
    {
        ws.write_string_with_format(info_row + i as u32, 0, *k, &bold)?;
        ws.write_string(info_row + i as u32, 1, v)?;
    }

    // wijken.
    let mut header: Vec<String> = [
        "wijk",
        "municipality",
        "population",
        "dwellings",
        "corporation_dwellings",
    ]
    .iter()
    .map(|h| h.to_string())
    .collect();
    header.extend(summary_headers("gap_closure"));
    header.extend(["p_closed", "p_closed_mcse", "p_halved", "p_halved_mcse"].map(String::from));
    header.extend(summary_headers("value_uplift_eur"));
    let rows: Vec<_> = s
        .wijken
        .iter()
        .map(|w| {
            let mut n = vec![w.population, w.dwellings, w.corporation_dwellings];
            n.extend(summary_values(&w.gap_closure));
            n.extend(prob_values(&w.p_closed));
            n.extend(prob_values(&w.p_halved));
            n.extend(summary_values(&w.value_uplift_eur));
            (vec![w.wijk.clone(), w.municipality.clone()], n)
        })
        .collect();
    table(
        wb.add_worksheet().set_name("wijken")?,
        &header,
        &rows,
        &bold,
    )?;

    // corporations.
    let mut header: Vec<String> = [
        "corporation",
        "municipality",
        "dwellings_in_wijken",
        "icr_limit",
        "ltv_limit",
    ]
    .iter()
    .map(|h| h.to_string())
    .collect();
    header.extend(summary_headers("min_icr"));
    header.extend(summary_headers("max_ltv"));
    header.extend(
        [
            "p_breach",
            "p_breach_mcse",
            "p_breach_icr",
            "p_breach_icr_mcse",
            "p_breach_ltv",
            "p_breach_ltv_mcse",
        ]
        .map(String::from),
    );
    header.extend(summary_headers("realised_over_planned"));
    header.extend(summary_headers("value_uplift_eur"));
    header.extend(summary_headers("sales_eur"));
    let rows: Vec<_> = s
        .corporations
        .iter()
        .map(|c| {
            let mut n = vec![
                c.dwellings_in_wijken,
                c.icr_limit.unwrap_or(f64::NAN),
                c.ltv_limit.unwrap_or(f64::NAN),
            ];
            n.extend(summary_values(&c.min_icr));
            n.extend(summary_values(&c.max_ltv));
            n.extend(prob_values(&c.p_breach));
            n.extend(prob_values(&c.p_breach_icr));
            n.extend(prob_values(&c.p_breach_ltv));
            n.extend(summary_values(&c.realised_over_planned_wijk_investment));
            n.extend(summary_values(&c.value_uplift_eur));
            n.extend(summary_values(&c.sales_eur));
            (vec![c.corporation.clone(), c.municipality.clone()], n)
        })
        .collect();
    table(
        wb.add_worksheet().set_name("corporations")?,
        &header,
        &rows,
        &bold,
    )?;

    // municipalities.
    let mut header: Vec<String> = ["municipality", "wijken", "population"]
        .iter()
        .map(|h| h.to_string())
        .collect();
    header.extend(summary_headers("gap_closure"));
    header.extend(["p_closed", "p_closed_mcse", "p_halved", "p_halved_mcse"].map(String::from));
    header.extend(summary_headers("social_spend_eur"));
    header.extend(summary_headers("shortfall_eur"));
    let rows: Vec<_> = s
        .municipalities
        .iter()
        .map(|m| {
            let mut n = vec![m.wijken as f64, m.population];
            n.extend(summary_values(&m.gap_closure));
            n.extend(prob_values(&m.p_closed));
            n.extend(prob_values(&m.p_halved));
            n.extend(summary_values(&m.social_spend_eur));
            n.extend(summary_values(&m.shortfall_eur));
            (vec![m.municipality.clone()], n)
        })
        .collect();
    table(
        wb.add_worksheet().set_name("municipalities")?,
        &header,
        &rows,
        &bold,
    )?;

    // yearly.
    let header: Vec<String> = [
        "year", "scope", "name", "variable", "mean", "q05", "q25", "q50", "q75", "q95",
    ]
    .iter()
    .map(|h| h.to_string())
    .collect();
    let ws = wb.add_worksheet().set_name("yearly")?;
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &bold)?;
    }
    for (i, y) in r.yearly.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_number(row, 0, f64::from(y.year))?;
        ws.write_string(row, 1, &y.scope)?;
        ws.write_string(row, 2, &y.name)?;
        ws.write_string(row, 3, &y.variable)?;
        for (c, x) in [y.mean, y.q05, y.q25, y.q50, y.q75, y.q95]
            .iter()
            .enumerate()
        {
            if x.is_finite() {
                ws.write_number(row, 4 + c as u16, *x)?;
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofit();
    wb.save_to_buffer()
}

/// Writes `summary.xlsx` (atomically) with the sheets overall, wijken, corporations,
/// municipalities and yearly.
///
/// # Errors
/// The workbook cannot be built or written.
pub fn write_xlsx(r: &RunResults, path: &Path) -> Result<(), ReportError> {
    let fail = |message: String| ReportError::Write {
        path: path.display().to_string(),
        message,
    };
    let bytes = workbook(r).map_err(|e| fail(e.to_string()))?;
    write_atomic(path, |w| w.write_all(&bytes)).map_err(|e| fail(e.to_string()))
}
