//! The tables of the workbook, in the report's language: overall, per wijk, per corporation,
//! per municipality and per year.

use super::table::{Cell, Table, Unit};
use crate::plot::Lang;
use crate::results::RunResults;
use crate::stats::{Probability, Summary};

/// The statistics of a [`Summary`] in column order, as (English, Dutch) headers.
const STATS: [(&str, &str); 12] = [
    ("mean", "gemiddelde"),
    ("sd", "sd"),
    ("MC error", "MC-fout"),
    ("min", "min"),
    ("q05", "q05"),
    ("q10", "q10"),
    ("q25", "q25"),
    ("q50", "q50"),
    ("q75", "q75"),
    ("q90", "q90"),
    ("q95", "q95"),
    ("max", "max"),
];

/// The column of the Monte Carlo error in [`STATS`].
const MC_ERROR: usize = 2;

fn stat_values(s: &Summary) -> [f64; 12] {
    [
        s.mean, s.sd, s.mcse, s.min, s.q05, s.q10, s.q25, s.q50, s.q75, s.q90, s.q95, s.max,
    ]
}

/// The cells of a [`Summary`] in `unit`; its Monte Carlo error in the unit's error unit.
fn stats(s: &Summary, unit: Unit) -> Vec<Cell> {
    stat_values(s)
        .into_iter()
        .enumerate()
        .map(|(i, x)| Cell::Number(x, if i == MC_ERROR { unit.error() } else { unit }))
        .collect()
}

/// Headers of a [`Summary`] of `name`: "closure, q05", or "value uplift, q05 (€ mln)" for
/// euros.
fn stat_headers(lang: Lang, name: &str, unit: Unit) -> Vec<String> {
    let suffix = if unit == Unit::EurMln {
        " (€ mln)"
    } else {
        ""
    };
    STATS
        .iter()
        .map(|(en, nl)| format!("{name}, {}{suffix}", lang.t(en, nl)))
        .collect()
}

fn probability(p: &Probability) -> [Cell; 2] {
    [
        Cell::Number(p.p, Unit::Share),
        Cell::Number(p.mcse, Unit::ShareError),
    ]
}

/// "P(x)" and "P(x), MC error".
fn probability_headers(lang: Lang, event: &str) -> [String; 2] {
    [
        format!("P({event})"),
        format!("P({event}), {}", lang.t("MC error", "MC-fout")),
    ]
}

fn strings(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

/// The texts the tables share.
struct Terms {
    closure: &'static str,
    closed: &'static str,
    halved: &'static str,
    icr: &'static str,
    ltv: &'static str,
    value_uplift: &'static str,
    municipality: &'static str,
    residents: &'static str,
}

fn terms(lang: Lang) -> Terms {
    let l = |en, nl| lang.t(en, nl);
    Terms {
        closure: l("closure", "ingelopen deel"),
        closed: l("closed", "achterstand ingelopen"),
        halved: l("halved", "achterstand gehalveerd"),
        icr: l("ICR below limit", "onder de ICR-norm"),
        ltv: l("LTV above limit", "boven de LTV-norm"),
        value_uplift: l("value uplift", "waardestijging"),
        municipality: l("municipality", "gemeente"),
        residents: l("residents", "inwoners"),
    }
}

/// One row per headline figure of all wijken together; a probability fills the mean and
/// Monte Carlo error columns.
pub fn overall(r: &RunResults, lang: Lang) -> Table {
    let o = &r.summary.overall;
    let l = |en, nl| lang.t(en, nl);
    let mut header = vec![l("figure", "grootheid").to_string()];
    header.extend(STATS.iter().map(|(en, nl)| l(en, nl).to_string()));
    let row = |label: String, s: &Summary, unit: Unit| {
        let mut cells = vec![Cell::Text(label)];
        cells.extend(stats(s, unit));
        cells
    };
    let mut rows = vec![row(
        l(
            "closure (all wijken, population-weighted)",
            "ingelopen deel (alle wijken, naar inwoners gewogen)",
        )
        .into(),
        &o.gap_closure,
        Unit::Share,
    )];
    for (k, s) in &o.indicators {
        let label = format!(
            "{}: {}",
            lang.indicator(k),
            l("gap at the horizon (g_T)", "achterstand aan het eind (g_T)")
        );
        rows.push(row(label, s, Unit::Share));
    }
    rows.push(row(
        l(
            "value uplift of the wijken's dwellings (€ mln)",
            "waardestijging van de woningen in de wijken (€ mln)",
        )
        .into(),
        &o.value_uplift_eur,
        Unit::EurMln,
    ));
    rows.push(row(
        l(
            "of which the corporations' dwellings (€ mln)",
            "waarvan woningen van corporaties (€ mln)",
        )
        .into(),
        &o.value_uplift_corporations_eur,
        Unit::EurMln,
    ));
    let end = r.summary.last_year;
    let ever = |en: &str, nl: &str| match lang {
        Lang::En => format!("{en} in some year up to {end}"),
        Lang::Nl => format!("{nl}, in enig jaar t/m {end}"),
    };
    let (ever_closed, ever_halved) = (
        o.ever_closed(r.summary.draws),
        o.ever_halved(r.summary.draws),
    );
    let (closed_label, halved_label) = (
        ever("P(closed)", "P(ooit ingelopen)"),
        ever("P(halved)", "P(ooit gehalveerd)"),
    );
    for (label, p) in [
        (l("P(closed)", "P(achterstand ingelopen)"), &o.p_closed),
        (closed_label.as_str(), &ever_closed),
        (l("P(halved)", "P(achterstand gehalveerd)"), &o.p_halved),
        (halved_label.as_str(), &ever_halved),
        (
            l(
                "P(a corporation in breach of a limit)",
                "P(een corporatie onder de ICR-norm of boven de LTV-norm)",
            ),
            &o.p_any_breach,
        ),
        (
            l(
                "P(a corporation below the ICR limit)",
                "P(een corporatie onder de ICR-norm)",
            ),
            &o.p_breach_icr,
        ),
        (
            l(
                "P(a corporation above the LTV limit)",
                "P(een corporatie boven de LTV-norm)",
            ),
            &o.p_breach_ltv,
        ),
    ] {
        // The probability in the mean column, its Monte Carlo error in the error column.
        let [p, mcse] = probability(p);
        rows.push(vec![
            Cell::text(label),
            p,
            Cell::Number(f64::NAN, Unit::Share),
            mcse,
        ]);
    }
    Table { header, rows }
}

pub fn wijken(r: &RunResults, lang: Lang) -> Table {
    let t = terms(lang);
    let l = |en, nl| lang.t(en, nl);
    let mut header = strings(&[
        l("wijk", "wijk"),
        t.municipality,
        t.residents,
        l("dwellings", "woningen"),
        l("corporation dwellings", "corporatiewoningen"),
    ]);
    header.extend(stat_headers(lang, t.closure, Unit::Share));
    header.extend(probability_headers(lang, t.closed));
    header.extend(probability_headers(lang, t.halved));
    header.extend(stat_headers(lang, t.value_uplift, Unit::EurMln));
    let rows = r
        .summary
        .wijken
        .iter()
        .map(|w| {
            let mut cells = vec![
                Cell::text(&w.wijk),
                Cell::text(&w.municipality),
                Cell::Number(w.population, Unit::Count),
                Cell::Number(w.dwellings, Unit::Count),
                Cell::Number(w.corporation_dwellings, Unit::Count),
            ];
            cells.extend(stats(&w.gap_closure, Unit::Share));
            cells.extend(probability(&w.p_closed));
            cells.extend(probability(&w.p_halved));
            cells.extend(stats(&w.value_uplift_eur, Unit::EurMln));
            cells
        })
        .collect();
    Table { header, rows }
}

pub fn corporations(r: &RunResults, lang: Lang) -> Table {
    let t = terms(lang);
    let l = |en, nl| lang.t(en, nl);
    let mut header = strings(&[
        l("corporation", "corporatie"),
        t.municipality,
        l("dwellings in the wijken", "woningen in de wijken"),
        l("ICR limit", "ICR-norm"),
        l("LTV limit", "LTV-norm"),
    ]);
    header.extend(stat_headers(
        lang,
        l("lowest ICR", "laagste ICR"),
        Unit::Ratio,
    ));
    header.extend(stat_headers(
        lang,
        l("highest LTV", "hoogste LTV"),
        Unit::Ratio,
    ));
    header.extend(probability_headers(
        lang,
        l("breach", "onder de ICR-norm of boven de LTV-norm"),
    ));
    header.extend(probability_headers(lang, t.icr));
    header.extend(probability_headers(lang, t.ltv));
    header.extend(stat_headers(
        lang,
        l(
            "realised / planned wijk investment",
            "gerealiseerd / gepland in de wijken",
        ),
        Unit::Share,
    ));
    header.extend(stat_headers(lang, t.value_uplift, Unit::EurMln));
    header.extend(stat_headers(
        lang,
        l("sales proceeds", "verkoopopbrengst"),
        Unit::EurMln,
    ));
    let rows = r
        .summary
        .corporations
        .iter()
        .map(|c| {
            let mut cells = vec![
                Cell::text(lang.corporation(&c.corporation, c.sector_average)),
                Cell::text(&c.municipality),
                Cell::Number(c.dwellings_in_wijken, Unit::Count),
                Cell::Number(c.icr_limit.unwrap_or(f64::NAN), Unit::Ratio),
                Cell::Number(c.ltv_limit.unwrap_or(f64::NAN), Unit::Ratio),
            ];
            cells.extend(stats(&c.min_icr, Unit::Ratio));
            cells.extend(stats(&c.max_ltv, Unit::Ratio));
            cells.extend(probability(&c.p_breach));
            cells.extend(probability(&c.p_breach_icr));
            cells.extend(probability(&c.p_breach_ltv));
            cells.extend(stats(&c.realised_over_planned_wijk_investment, Unit::Share));
            cells.extend(stats(&c.value_uplift_eur, Unit::EurMln));
            cells.extend(stats(&c.sales_eur, Unit::EurMln));
            cells
        })
        .collect();
    Table { header, rows }
}

pub fn municipalities(r: &RunResults, lang: Lang) -> Table {
    let t = terms(lang);
    let l = |en, nl| lang.t(en, nl);
    let mut header = strings(&[t.municipality, l("wijken", "wijken"), t.residents]);
    header.extend(stat_headers(lang, t.closure, Unit::Share));
    header.extend(probability_headers(lang, t.closed));
    header.extend(probability_headers(lang, t.halved));
    header.extend(stat_headers(
        lang,
        l("social spending", "sociale uitgaven"),
        Unit::EurMln,
    ));
    header.extend(stat_headers(
        lang,
        l("cut shortfall", "tekort door bezuiniging"),
        Unit::EurMln,
    ));
    let rows = r
        .summary
        .municipalities
        .iter()
        .map(|m| {
            let mut cells = vec![
                Cell::text(&m.municipality),
                Cell::Number(m.wijken as f64, Unit::Count),
                Cell::Number(m.population, Unit::Count),
            ];
            cells.extend(stats(&m.gap_closure, Unit::Share));
            cells.extend(probability(&m.p_closed));
            cells.extend(probability(&m.p_halved));
            cells.extend(stats(&m.social_spend_eur, Unit::EurMln));
            cells.extend(stats(&m.shortfall_eur, Unit::EurMln));
            cells
        })
        .collect();
    Table { header, rows }
}

/// The label and unit of a variable of yearly.csv.
fn yearly_variable(lang: Lang, variable: &str) -> (String, Unit) {
    let (label, unit) = match variable {
        "composite_gap" => (
            lang.t("composite gap", "samengestelde achterstand"),
            Unit::Share,
        ),
        "icr" => ("ICR", Unit::Ratio),
        "ltv" => ("LTV", Unit::Ratio),
        "capacity_eur" => (
            lang.t(
                "investment capacity (€ mln)",
                "investeringscapaciteit (€ mln)",
            ),
            Unit::EurMln,
        ),
        other => (other, Unit::General),
    };
    (label.to_string(), unit)
}

/// One row per year, place and variable: the mean and the 5-95% band; the places in their
/// own columns, as in yearly.csv.
pub fn yearly(r: &RunResults, lang: Lang) -> Table {
    let l = |en, nl| lang.t(en, nl);
    let header = strings(&[
        l("year", "jaar"),
        l("scope", "niveau"),
        l("municipality", "gemeente"),
        l("wijk", "wijk"),
        l("corporation", "corporatie"),
        l("variable", "grootheid"),
        l("mean", "gemiddelde"),
        "q05",
        "q25",
        "q50",
        "q75",
        "q95",
    ]);
    let sector_average = |name: &str| {
        r.summary
            .corporations
            .iter()
            .any(|c| c.corporation == name && c.sector_average)
    };
    let rows = r
        .yearly
        .iter()
        .map(|y| {
            let scope = match y.scope.as_str() {
                "overall" => l("overall (all wijken)", "totaal (alle wijken)"),
                "wijk" => l("wijk", "wijk"),
                "corporation" => l("corporation", "corporatie"),
                other => other,
            };
            let corporation = if y.corporatie.is_empty() {
                String::new()
            } else {
                lang.corporation(&y.corporatie, sector_average(&y.corporatie))
            };
            let (variable, unit) = yearly_variable(lang, &y.variable);
            let mut cells = vec![
                Cell::Number(f64::from(y.year), Unit::Digits),
                Cell::text(scope),
                Cell::text(&y.gemeente),
                Cell::text(&y.wijk),
                Cell::Text(corporation),
                Cell::Text(variable),
            ];
            cells.extend(
                [y.mean, y.q05, y.q25, y.q50, y.q75, y.q95]
                    .iter()
                    .map(|&x| Cell::Number(x, unit)),
            );
            cells
        })
        .collect();
    Table { header, rows }
}
