//! The run report: `report.html` (one self-contained page with every chart inline) and
//! `summary.xlsx` (one sheet per table). Both are made from a [`RunResults`] and the drawn
//! charts, never from the model.

mod calibration;
mod discover;
mod params;
mod sensitivity;
mod xlsx;

pub use calibration::calibration_report;
pub use discover::discover_report;
pub use sensitivity::sensitivity_report;
pub use xlsx::write_xlsx;

use crate::compare::CompareFile;
use crate::output::write_atomic;
use crate::plot::compare::CompareChart;
use crate::plot::{self, Lang, RenderedChart};
use crate::results::RunResults;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Why the report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Plot(#[from] plot::PlotError),
    #[error("writing {path}: {message}")]
    Write { path: String, message: String },
}

/// Draws every chart and writes `charts/`, `report.html` and `summary.xlsx` of `r` into `dir`
/// (the run directory, or another one), returning the paths written.
///
/// # Errors
/// A chart that cannot be drawn, or a file that cannot be written.
pub fn write_all(r: &RunResults, lang: Lang, dir: &Path) -> Result<Vec<PathBuf>, ReportError> {
    let charts = plot::render_all(r, lang, dir)?;
    let html = html(r, &charts, lang);
    let path = dir.join("report.html");
    write_atomic(&path, |w| w.write_all(html.as_bytes())).map_err(|e| ReportError::Write {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    let xlsx = dir.join("summary.xlsx");
    write_xlsx(r, lang, &xlsx)?;
    let mut written = vec![path, xlsx];
    for chart in &charts {
        for ext in ["png", "svg"] {
            written.push(dir.join("charts").join(format!("{}.{ext}", chart.stem)));
        }
    }
    Ok(written)
}

/// The stylesheet of the report pages.
const STYLE: &str = "\
body { font-family: \"DejaVu Sans\", Verdana, Arial, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
h1 { margin-bottom: 0.2em; }
.subtitle { color: #666; margin-top: 0; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.92em; }
th, td { border-bottom: 1px solid #ddd; padding: 0.3em 0.7em; text-align: right; }
td { white-space: nowrap; }
th { background: #f3f3f3; }
td.l, th.l { text-align: left; }
figure { margin: 2em 0; }
figure svg { width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #555; font-size: 0.9em; }
.headline td:first-child { text-align: left; }
details { margin: 1em 0; }
code { font-size: 0.9em; }
td.l { white-space: normal; }
";

/// Escapes text for HTML.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// An SVG document as an inline element (without its XML declaration).
fn inline_svg(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(i) => &svg[i..],
        None => svg,
    }
}

/// Appends `<h2>heading</h2>` (unless empty) and a table; cells are escaped here, and the
/// first `left` columns are left-aligned text.
fn table(h: &mut String, heading: &str, header: &[&str], left: usize, rows: &[Vec<String>]) {
    if !heading.is_empty() {
        let _ = writeln!(h, "<h2>{}</h2>", esc(heading));
    }
    h.push_str("<table>\n");
    if !header.is_empty() {
        h.push_str("<tr>");
        for (i, c) in header.iter().enumerate() {
            let class = if i < left { " class=\"l\"" } else { "" };
            let _ = write!(h, "<th{class}>{}</th>", esc(c));
        }
        h.push_str("</tr>\n");
    }
    for row in rows {
        h.push_str("<tr>");
        for (i, c) in row.iter().enumerate() {
            let class = if i < left { " class=\"l\"" } else { "" };
            let _ = write!(h, "<td{class}>{}</td>", esc(c));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table>\n");
}

/// Appends every chart as an inline SVG figure with its caption and, when the chart was
/// drawn as files too (it has a PNG), their names.
fn figures(h: &mut String, heading: &str, charts: &[RenderedChart]) {
    let _ = writeln!(h, "<h2>{}</h2>", esc(heading));
    for c in charts {
        let files = if c.png.is_empty() {
            String::new()
        } else {
            format!(" <code>charts/{}.png</code>, <code>.svg</code>", c.stem)
        };
        let _ = writeln!(
            h,
            "<figure id=\"{0}\">\n{1}\n<figcaption>{2}{files}</figcaption>\n</figure>",
            c.stem,
            inline_svg(&c.svg),
            esc(&c.title),
        );
    }
}

/// The start of a report page: head, title, subtitle and description.
fn page_start(lang: Lang, title: &str, subtitle: &str, description: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>wijksim: {title}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<h1>{title}</h1>\n<p class=\"subtitle\">{}</p>\n<p>{}</p>\n",
        lang.code(),
        esc(subtitle),
        esc(description),
        title = esc(title),
    )
}

/// "a to b" in the language.
fn interval(lang: Lang, a: String, b: String) -> String {
    format!("{a} {} {b}", lang.t("to", "tot"))
}

/// The report page.
pub fn html(r: &RunResults, charts: &[RenderedChart], lang: Lang) -> String {
    let s = &r.summary;
    let o = &s.overall;
    let l = |en, nl| lang.t(en, nl);
    let pct = |x: f64| lang.pct(x, 1);
    let pm = |p: &crate::stats::Probability| lang.pct_pm(p.p, p.mcse);
    let last = s.last_year;
    let mut h = page_start(
        lang,
        &s.scenario,
        &format!(
            "{} {} · {} {} · {}-{} · wijksim {}",
            lang.number(s.draws as f64, 0),
            l("draws", "trekkingen"),
            l("seed", "startgetal"),
            s.seed,
            s.first_year,
            s.last_year,
            r.meta.wijksim_version
        ),
        &s.description,
    );
    if let Some(p) = &r.meta.precision {
        let targets: Vec<String> = p
            .targets
            .iter()
            .zip(&p.achieved)
            .map(|(t, a)| {
                format!(
                    "{} {} ({} {})",
                    t.figure.name(),
                    lang.number(a.1, 4),
                    l("target", "doel"),
                    lang.number(t.se, 4)
                )
            })
            .collect();
        let _ = writeln!(
            h,
            "<p>{} {}</p>",
            esc(&if p.reached {
                format!(
                    "{} {} {}:",
                    l(
                        "Precision-driven run: every target reached after",
                        "Doorrekening tot de gevraagde precisie: elk doel bereikt na"
                    ),
                    lang.number(p.draws as f64, 0),
                    l("draws; standard errors", "trekkingen; standaardfouten")
                )
            } else {
                format!(
                    "{} {} {}:",
                    l(
                        "Precision-driven run: NOT every target reached; stopped at the cap of",
                        "Doorrekening tot de gevraagde precisie: NIET elk doel bereikt; gestopt bij het maximum van"
                    ),
                    lang.number(p.cap as f64, 0),
                    l("draws; standard errors", "trekkingen; standaardfouten")
                )
            }),
            esc(&targets.join(", "))
        );
    }

    let headline = vec![
        vec![
            l(
                "Gap closure, all wijken (population-weighted): median",
                "Ingelopen deel van de achterstand, alle wijken (naar inwoners gewogen): mediaan",
            )
            .into(),
            pct(o.gap_closure.q50),
        ],
        vec![
            l("90% interval", "90%-interval").into(),
            interval(lang, pct(o.gap_closure.q05), pct(o.gap_closure.q95)),
        ],
        vec![
            l("Mean (± Monte Carlo SE)", "Gemiddelde (± Monte Carlo-fout)").into(),
            lang.pct_pm(o.gap_closure.mean, o.gap_closure.mcse),
        ],
        vec![
            format!(
                "{} {last}",
                l(
                    "P(closed): the city average reached in",
                    "P(achterstand ingelopen): het stadsgemiddelde bereikt in"
                )
            ),
            pm(&o.p_closed),
        ],
        vec![
            format!(
                "{} {last}",
                l(
                    "P(halved): the gap at most half of what it was at the start, in",
                    "P(achterstand gehalveerd): hooguit de helft van de achterstand bij de start, in"
                )
            ),
            pm(&o.p_halved),
        ],
        vec![
            format!(
                "{} {last} {}",
                l(
                    "Halved in some year up to",
                    "Ooit gehalveerd, in enig jaar t/m"
                ),
                l(
                    "(at least P(halved): a gap can widen again after halving)",
                    "(minstens P(achterstand gehalveerd): een gehalveerde achterstand kan weer groeien)"
                )
            ),
            pm(&o.ever_halved(s.draws)),
        ],
        vec![
            format!(
                "{} {last}",
                l(
                    "Closed in some year up to",
                    "Ooit ingelopen, in enig jaar t/m"
                )
            ),
            pm(&o.ever_closed(s.draws)),
        ],
        vec![
            l(
                "P(a corporation falls below the ICR limit in some year)",
                "P(een corporatie komt in enig jaar onder de ICR-norm)",
            )
            .into(),
            pm(&o.p_breach_icr),
        ],
        vec![
            l(
                "P(a corporation rises above the LTV limit in some year)",
                "P(een corporatie komt in enig jaar boven de LTV-norm)",
            )
            .into(),
            pm(&o.p_breach_ltv),
        ],
        vec![
            l(
                "Value uplift of the wijken's dwellings: median (mean)",
                "Waardestijging van de woningen in de wijken: mediaan (gemiddeld)",
            )
            .into(),
            format!(
                "{} ({})",
                lang.eur_mln(o.value_uplift_eur.q50),
                lang.eur_mln(o.value_uplift_eur.mean)
            ),
        ],
        vec![
            l(
                "of which the corporations' dwellings: median",
                "waarvan woningen van corporaties: mediaan",
            )
            .into(),
            lang.eur_mln(o.value_uplift_corporations_eur.q50),
        ],
    ];
    table(&mut h, l("Headline", "Kerncijfers"), &[], 1, &headline);

    let municipalities: Vec<Vec<String>> = s
        .municipalities
        .iter()
        .map(|m| {
            vec![
                m.municipality.clone(),
                m.wijken.to_string(),
                lang.number(m.population, 0),
                pct(m.gap_closure.q50),
                interval(lang, pct(m.gap_closure.q05), pct(m.gap_closure.q95)),
                pct(m.p_halved.p),
                lang.eur_mln(m.social_spend_eur.q50),
                lang.eur_mln(m.shortfall_eur.q50),
            ]
        })
        .collect();
    table(
        &mut h,
        l("Municipalities", "Gemeenten"),
        &[
            l("municipality", "gemeente"),
            l("wijken", "wijken"),
            l("residents", "inwoners"),
            l("closure (median)", "ingelopen deel (mediaan)"),
            l("90% interval", "90%-interval"),
            l("P(halved)", "P(achterstand gehalveerd)"),
            l("social spending (median)", "sociale uitgaven (mediaan)"),
            l(
                "cut shortfall (median)",
                "tekort door bezuiniging (mediaan)",
            ),
        ],
        1,
        &municipalities,
    );

    figures(&mut h, l("Charts", "Grafieken"), charts);

    let corporations: Vec<Vec<String>> = s
        .corporations
        .iter()
        .map(|c| {
            vec![
                lang.corporation(&c.corporation, c.sector_average),
                lang.number(c.dwellings_in_wijken, 0),
                lang.number(c.min_icr.q50, 2),
                lang.number(c.max_ltv.q50, 2),
                pm(&c.p_breach_icr),
                pm(&c.p_breach_ltv),
                pct(c.realised_over_planned_wijk_investment.mean),
                lang.eur_mln(c.value_uplift_eur.q50),
            ]
        })
        .collect();
    table(
        &mut h,
        l("Corporations", "Corporaties"),
        &[
            l("corporation", "corporatie"),
            l("dwellings in the wijken", "woningen in de wijken"),
            l("min ICR (median)", "laagste ICR (mediaan)"),
            l("max LTV (median)", "hoogste LTV (mediaan)"),
            l("P(ICR below limit)", "P(onder de ICR-norm)"),
            l("P(LTV above limit)", "P(boven de LTV-norm)"),
            l(
                "realised / planned wijk investment (mean)",
                "gerealiseerd / gepland in de wijken (gem.)",
            ),
            l("value uplift (median)", "waardestijging (mediaan)"),
        ],
        1,
        &corporations,
    );

    let wijken: Vec<Vec<String>> = s
        .wijken
        .iter()
        .map(|w| {
            vec![
                w.wijk.clone(),
                w.municipality.clone(),
                lang.number(w.population, 0),
                pct(w.gap_closure.q10),
                pct(w.gap_closure.q50),
                pct(w.gap_closure.q90),
                pct(w.p_halved.p),
                pct(w.p_closed.p),
                lang.eur_mln(w.value_uplift_eur.q50),
            ]
        })
        .collect();
    table(
        &mut h,
        l("Wijken", "Wijken"),
        &[
            l("wijk", "wijk"),
            l("municipality", "gemeente"),
            l("residents", "inwoners"),
            l("closure q10", "ingelopen deel q10"),
            l("median", "mediaan"),
            l("q90", "q90"),
            l("P(halved)", "P(achterstand gehalveerd)"),
            l("P(closed)", "P(achterstand ingelopen)"),
            l("value uplift (median)", "waardestijging (mediaan)"),
        ],
        2,
        &wijken,
    );

    if let Some(sc) = &r.scenario {
        params::section(&mut h, sc, lang);
    }

    let m = &r.meta;
    let run: Vec<Vec<String>> = [
        (
            l("scenario file", "scenariobestand"),
            m.scenario_file.clone(),
        ),
        (
            l("scenario hash (SHA-256)", "hash van het scenario (SHA-256)"),
            m.scenario_hash.clone(),
        ),
        (l("seed", "startgetal"), m.seed.to_string()),
        (l("draws", "trekkingen"), lang.number(m.draws as f64, 0)),
        (
            l(
                "threads (the results do not depend on them)",
                "rekenkernen (threads; de uitkomsten hangen er niet van af)",
            ),
            m.threads.to_string(),
        ),
        (
            l("wall time", "rekentijd"),
            format!("{} s", lang.number(m.wall_time_s, 1)),
        ),
        (
            l("draws per second", "trekkingen per seconde"),
            lang.number(m.draws_per_s, 0),
        ),
        ("wijksim", m.wijksim_version.clone()),
    ]
    .into_iter()
    .map(|(k, v)| vec![k.to_string(), v])
    .collect();
    table(&mut h, l("Run", "Doorrekening"), &[], 2, &run);
    let _ = writeln!(
        h,
        "<p class=\"subtitle\">{}</p>\n</body>\n</html>",
        l(
            "Quantiles and probabilities are over the Monte Carlo draws; ± is the Monte Carlo standard error. Model: docs/model.md in the wijksim repository.",
            "Kwantielen en kansen zijn over de Monte Carlo-trekkingen; ± is de Monte Carlo-standaardfout. Model: docs/model.md in de wijksim-repository."
        )
    );
    h
}

/// Draws the comparison charts into `dir/charts/` and writes `compare.html`.
///
/// # Errors
/// Drawing or writing failed.
pub fn compare_report(f: &CompareFile, dir: &Path, lang: Lang) -> Result<(), ReportError> {
    let mut charts = vec![];
    for kind in CompareChart::all(f) {
        let chart = plot::compare::render(kind, f, lang)?;
        plot::write_chart(&dir.join("charts"), &chart)?;
        charts.push(chart);
    }
    let l = |en, nl| lang.t(en, nl);
    let pct = |x: f64| lang.pct(x, 1);
    let pp = |x: f64| format!("{} pp", lang.number(100.0 * x, 1));
    let names: Vec<&str> = f.scenarios.iter().map(|s| s.scenario.as_str()).collect();
    let mut h = page_start(
        lang,
        &format!("{}: {}", l("Comparison", "Vergelijking"), names.join(" · ")),
        &format!(
            "{} {} · {} {} · {}-{}",
            lang.number(f.draws as f64, 0),
            l("draws", "trekkingen"),
            l("seed", "startgetal"),
            f.seed,
            f.first_year,
            f.last_year
        ),
        l(
            "Every scenario sees the same draws (common random numbers), so differences are measured draw by draw.",
            "Alle scenario's zijn doorgerekend met dezelfde trekkingen (gemeenschappelijke toevalsgetallen): verschillen zijn per trekking gemeten.",
        ),
    );
    let scenarios: Vec<Vec<String>> = f
        .scenarios
        .iter()
        .map(|s| {
            vec![
                s.scenario.clone(),
                s.description.clone(),
                pct(s.gap_closure.q50),
                interval(lang, pct(s.gap_closure.q05), pct(s.gap_closure.q95)),
                pct(s.p_halved.p),
                pct(s.p_breach_icr.p),
                pct(s.p_breach_ltv.p),
            ]
        })
        .collect();
    table(
        &mut h,
        l("Scenarios", "Scenario's"),
        &[
            l("scenario", "scenario"),
            l("description", "beschrijving"),
            l("closure (median)", "ingelopen deel (mediaan)"),
            l("90% interval", "90%-interval"),
            l("P(halved)", "P(achterstand gehalveerd)"),
            l("P(ICR below limit)", "P(onder de ICR-norm)"),
            l("P(LTV above limit)", "P(boven de LTV-norm)"),
        ],
        2,
        &scenarios,
    );
    let differences: Vec<Vec<String>> = f
        .comparisons
        .iter()
        .map(|c| {
            let d = &c.gap_closure_difference;
            vec![
                format!("{} − {}", c.scenario, c.against),
                lang.pp_pm(d.mean, d.mcse),
                interval(lang, pp(d.q05), pp(d.q95)),
                pct(c.p_better.p),
                lang.pp_pm(c.p_halved_difference.mean, c.p_halved_difference.mcse),
                lang.pp_pm(
                    c.p_breach_icr_difference.mean,
                    c.p_breach_icr_difference.mcse,
                ),
                lang.pp_pm(
                    c.p_breach_ltv_difference.mean,
                    c.p_breach_ltv_difference.mcse,
                ),
                lang.eur_mln(c.realised_wijk_investment_difference_eur.mean),
                if c.variance_reduction.factor.is_finite() {
                    format!("{}×", lang.number(c.variance_reduction.factor, 0))
                } else {
                    "∞".into()
                },
            ]
        })
        .collect();
    table(
        &mut h,
        l("Paired differences", "Verschillen per trekking"),
        &[
            l("comparison", "vergelijking"),
            l("closure (mean ± SE)", "ingelopen deel (gem. ± MC-fout)"),
            l("90% of draws", "90% van de trekkingen"),
            l("P(better)", "P(beter)"),
            l("P(halved)", "P(achterstand gehalveerd)"),
            l("P(ICR below limit)", "P(onder de ICR-norm)"),
            l("P(LTV above limit)", "P(boven de LTV-norm)"),
            l(
                "realised wijk investment",
                "gerealiseerde investering wijken",
            ),
            l("variance reduction", "variantiereductie"),
        ],
        1,
        &differences,
    );
    figures(&mut h, l("Charts", "Grafieken"), &charts);
    h.push_str("</body>\n</html>\n");
    let path = dir.join("compare.html");
    write_atomic(&path, |w| w.write_all(h.as_bytes())).map_err(|e| ReportError::Write {
        path: path.display().to_string(),
        message: e.to_string(),
    })
}
