//! The run report: `report.html` (one self-contained page with every chart inline) and
//! `summary.xlsx` (one sheet per table). Both are made from a [`RunResults`] and the drawn
//! charts, never from the model.

mod xlsx;

pub use xlsx::write_xlsx;

use crate::compare::CompareFile;
use crate::output::write_atomic;
use crate::plot::compare::CompareChart;
use crate::plot::{self, Lang, RenderedChart};
use crate::results::RunResults;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

/// Why the report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Plot(#[from] plot::PlotError),
    #[error("writing {path}: {message}")]
    Write { path: String, message: String },
}

/// Draws every chart and writes `charts/`, `report.html` and `summary.xlsx` into the run
/// directory of `r`.
///
/// # Errors
/// A chart that cannot be drawn, or a file that cannot be written.
pub fn write_all(r: &RunResults, lang: Lang) -> Result<(), ReportError> {
    let charts = plot::render_all(r, lang, &r.dir)?;
    let html = html(r, &charts, lang);
    let path = r.dir.join("report.html");
    write_atomic(&path, |w| w.write_all(html.as_bytes())).map_err(|e| ReportError::Write {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    write_xlsx(r, &r.dir.join("summary.xlsx"))
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
.wrap { white-space: normal; }
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

/// The report page.
pub fn html(r: &RunResults, charts: &[RenderedChart], lang: Lang) -> String {
    let s = &r.summary;
    let o = &s.overall;
    let l = |en, nl| lang.t(en, nl);
    let pct = |x: f64| lang.pct(x, 1);
    let pm = |p: &crate::stats::Probability| format!("{} ± {}", pct(p.p), pct(p.mcse));
    let mut h = String::new();
    let _ = write!(
        h,
        r#"<!DOCTYPE html>
<html lang="{code}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>wijksim: {name}</title>
<style>
{style}</style>
</head>
<body>
<h1>{name}</h1>
<p class="subtitle">{draws} {draws_l} · seed {seed} · {first}-{last} · wijksim {version}</p>
<p>{description}</p>
"#,
        code = lang.code(),
        style = STYLE,
        name = esc(&s.scenario),
        draws = lang.number(s.draws as f64, 0),
        draws_l = l("draws", "trekkingen"),
        seed = s.seed,
        first = s.first_year,
        last = s.last_year,
        version = esc(&r.meta.wijksim_version),
        description = esc(&s.description),
    );

    // Headline table.
    let _ = write!(
        h,
        "<h2>{}</h2>\n<table class=\"headline\">\n",
        l("Headline", "Kerncijfers")
    );
    let rows: Vec<(String, String)> = vec![
        (
            l(
                "Gap closure, all wijken (population-weighted): median",
                "Gedichte kloof, alle wijken (naar inwoners gewogen): mediaan",
            )
            .into(),
            pct(o.gap_closure.q50),
        ),
        (
            l("90% interval", "90%-interval").into(),
            format!(
                "{} {} {}",
                pct(o.gap_closure.q05),
                l("to", "tot"),
                pct(o.gap_closure.q95)
            ),
        ),
        (
            l("Mean (± Monte Carlo SE)", "Gemiddelde (± Monte Carlo-fout)").into(),
            format!("{} ± {}", pct(o.gap_closure.mean), pct(o.gap_closure.mcse)),
        ),
        (
            l(
                "P(closed): city average reached",
                "P(gedicht): stadsgemiddelde bereikt",
            )
            .into(),
            pm(&o.p_closed),
        ),
        (l("P(halved)", "P(gehalveerd)").into(), pm(&o.p_halved)),
        (
            l(
                "P(a corporation breaches ICR or LTV in some year)",
                "P(een corporatie overschrijdt ICR of LTV in enig jaar)",
            )
            .into(),
            pm(&o.p_any_breach),
        ),
        (
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
        ),
        (
            l(
                "of which the corporations' dwellings: median",
                "waarvan woningen van corporaties: mediaan",
            )
            .into(),
            lang.eur_mln(o.value_uplift_corporations_eur.q50),
        ),
    ];
    for (k, v) in rows {
        let _ = writeln!(h, "<tr><td>{}</td><td>{}</td></tr>", esc(&k), esc(&v));
    }
    h.push_str("</table>\n");

    // Municipalities.
    let _ = write!(
        h,
        "<h2>{}</h2>\n<table>\n<tr><th class=\"l\">{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>\n",
        l("Municipalities", "Gemeenten"),
        l("municipality", "gemeente"),
        l("wijken", "wijken"),
        l("residents", "inwoners"),
        l("closure (median)", "gedicht (mediaan)"),
        l("90% interval", "90%-interval"),
        l("P(halved)", "P(gehalveerd)"),
        l("social spending (median)", "sociale uitgaven (mediaan)"),
        l(
            "cut shortfall (median)",
            "tekort door bezuiniging (mediaan)"
        ),
    );
    for m in &s.municipalities {
        let _ = writeln!(
            h,
            "<tr><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} {} {}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&m.municipality),
            m.wijken,
            lang.number(m.population, 0),
            pct(m.gap_closure.q50),
            pct(m.gap_closure.q05),
            l("to", "tot"),
            pct(m.gap_closure.q95),
            pct(m.p_halved.p),
            lang.eur_mln(m.social_spend_eur.q50),
            lang.eur_mln(m.shortfall_eur.q50),
        );
    }
    h.push_str("</table>\n");

    // Charts.
    let _ = writeln!(h, "<h2>{}</h2>", l("Charts", "Grafieken"));
    for c in charts {
        let _ = writeln!(
            h,
            "<figure id=\"{}\">\n{}\n<figcaption>{} <code>charts/{}.png</code>, <code>.svg</code></figcaption>\n</figure>",
            c.stem,
            inline_svg(&c.svg),
            esc(&c.title),
            c.stem
        );
    }

    // Corporations.
    let _ = write!(
        h,
        "<h2>{}</h2>\n<table>\n<tr><th class=\"l\">{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>\n",
        l("Corporations", "Corporaties"),
        l("corporation", "corporatie"),
        l("dwellings in the wijken", "woningen in de wijken"),
        l("min ICR (median)", "min. ICR (mediaan)"),
        l("max LTV (median)", "max. LTV (mediaan)"),
        l("P(breach)", "P(overschrijding)"),
        l(
            "realised / planned wijk investment (mean)",
            "gerealiseerd / gepland in de wijken (gem.)"
        ),
        l("value uplift (median)", "waardestijging (mediaan)"),
    );
    for c in &s.corporations {
        let _ = writeln!(
            h,
            "<tr><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&c.corporation),
            lang.number(c.dwellings_in_wijken, 0),
            lang.number(c.min_icr.q50, 2),
            lang.number(c.max_ltv.q50, 2),
            pm(&c.p_breach),
            pct(c.realised_over_planned_wijk_investment.mean),
            lang.eur_mln(c.value_uplift_eur.q50),
        );
    }
    h.push_str("</table>\n");

    // Wijken.
    let _ = write!(
        h,
        "<h2>{}</h2>\n<table>\n<tr><th class=\"l\">{}</th><th class=\"l\">{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>\n",
        l("Wijken", "Wijken"),
        l("wijk", "wijk"),
        l("municipality", "gemeente"),
        l("residents", "inwoners"),
        l("closure q10", "gedicht q10"),
        l("median", "mediaan"),
        l("q90", "q90"),
        l("P(halved)", "P(gehalveerd)"),
        l("P(closed)", "P(gedicht)"),
        l("value uplift (median)", "waardestijging (mediaan)"),
    );
    for w in &s.wijken {
        let _ = writeln!(
            h,
            "<tr><td class=\"l\">{}</td><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&w.wijk),
            esc(&w.municipality),
            lang.number(w.population, 0),
            pct(w.gap_closure.q10),
            pct(w.gap_closure.q50),
            pct(w.gap_closure.q90),
            pct(w.p_halved.p),
            pct(w.p_closed.p),
            lang.eur_mln(w.value_uplift_eur.q50),
        );
    }
    h.push_str("</table>\n");

    // Parameters.
    if let Some(sc) = &r.scenario {
        let _ = writeln!(h, "<h2>{}</h2>", l("Parameters", "Parameters"));
        let params = sc["params"].as_array().cloned().unwrap_or_default();
        let (uncertain, constant): (Vec<_>, Vec<_>) = params
            .iter()
            .partition(|p| p["dist"].as_str() != Some("constant"));
        let table = |h: &mut String, list: &[&serde_json::Value]| {
            h.push_str("<table>\n");
            for p in list {
                let path = p["path"].as_str().unwrap_or("?");
                let mut spec = p.as_object().cloned().unwrap_or_default();
                spec.remove("path");
                let dist = spec
                    .remove("dist")
                    .and_then(|d| d.as_str().map(String::from))
                    .unwrap_or_default();
                let args: Vec<String> = spec.iter().map(|(k, v)| format!("{k} {v}")).collect();
                let _ = writeln!(
                    h,
                    "<tr><td class=\"l\"><code>{}</code></td><td class=\"l\">{} {}</td></tr>",
                    esc(path),
                    esc(&dist),
                    esc(&args.join(", "))
                );
            }
            h.push_str("</table>\n");
        };
        let _ = writeln!(
            h,
            "<h3>{}</h3>",
            l(
                "Uncertain parameters (one draw per Monte Carlo draw)",
                "Onzekere parameters (één trekking per Monte Carlo-trekking)"
            )
        );
        table(&mut h, &uncertain);
        let _ = writeln!(
            h,
            "<details><summary>{} ({})</summary>",
            l("Constant parameters", "Vaste parameters"),
            constant.len()
        );
        table(&mut h, &constant);
        h.push_str("</details>\n");
    }

    // Metadata.
    let m = &r.meta;
    let _ = write!(h, "<h2>{}</h2>\n<table>\n", l("Run", "Run"));
    for (k, v) in [
        (
            l("scenario file", "scenariobestand"),
            m.scenario_file.clone(),
        ),
        (
            l("scenario hash (SHA-256)", "hash van het scenario (SHA-256)"),
            m.scenario_hash.clone(),
        ),
        ("seed", m.seed.to_string()),
        (l("draws", "trekkingen"), lang.number(m.draws as f64, 0)),
        (l("threads", "threads"), m.threads.to_string()),
        (
            l("wall time", "looptijd"),
            format!("{} s", lang.number(m.wall_time_s, 1)),
        ),
        (
            l("draws per second", "trekkingen per seconde"),
            lang.number(m.draws_per_s, 0),
        ),
        ("wijksim", m.wijksim_version.clone()),
    ] {
        let _ = writeln!(
            h,
            "<tr><td class=\"l\">{}</td><td class=\"l\"><code>{}</code></td></tr>",
            esc(k),
            esc(&v)
        );
    }
    h.push_str("</table>\n");
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
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>wijksim: {}</title>\n<style>{}</style>\n</head>\n<body>\n<h1>{}</h1>\n<p class=\"subtitle\">{} {} · seed {} · {}-{} · {}</p>\n",
        lang.code(),
        esc(l("comparison", "vergelijking")),
        STYLE,
        esc(&format!(
            "{}: {}",
            l("Comparison", "Vergelijking"),
            f.scenarios
                .iter()
                .map(|s| s.scenario.as_str())
                .collect::<Vec<_>>()
                .join(" · ")
        )),
        lang.number(f.draws as f64, 0),
        l("draws", "trekkingen"),
        f.seed,
        f.first_year,
        f.last_year,
        l(
            "every scenario sees the same draws (common random numbers), so differences are measured draw by draw",
            "elk scenario ziet dezelfde trekkingen (gemeenschappelijke toevalsgetallen): verschillen zijn per trekking gemeten"
        ),
    );
    let _ = write!(
        h,
        "<h2>{}</h2>\n<table>\n<tr><th class=\"l\">{}</th><th class=\"l\">{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>\n",
        l("Scenarios", "Scenario's"),
        l("scenario", "scenario"),
        l("description", "beschrijving"),
        l("closure (median)", "gedicht (mediaan)"),
        l("90% interval", "90%-interval"),
        l("P(halved)", "P(gehalveerd)"),
        l("P(breach)", "P(overschrijding)"),
    );
    for s in &f.scenarios {
        let _ = writeln!(
            h,
            "<tr><td class=\"l\">{}</td><td class=\"l wrap\">{}</td><td>{}</td><td>{} {} {}</td><td>{}</td><td>{}</td></tr>",
            esc(&s.scenario),
            esc(&s.description),
            pct(s.gap_closure.q50),
            pct(s.gap_closure.q05),
            l("to", "tot"),
            pct(s.gap_closure.q95),
            pct(s.p_halved.p),
            pct(s.p_any_breach.p),
        );
    }
    h.push_str("</table>\n");
    let _ = write!(
        h,
        "<h2>{}</h2>\n<table>\n<tr><th class=\"l\">{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>\n",
        l("Paired differences", "Verschillen per trekking"),
        l("comparison", "vergelijking"),
        l("closure (mean ± SE)", "gedicht (gem. ± fout)"),
        l("90% of draws", "90% van de trekkingen"),
        l("P(better)", "P(beter)"),
        l("P(halved)", "P(gehalveerd)"),
        l("P(breach)", "P(overschrijding)"),
        l(
            "realised wijk investment",
            "gerealiseerde investering wijken"
        ),
        l("variance reduction", "variantiereductie"),
    );
    for c in &f.comparisons {
        let d = &c.gap_closure_difference;
        let _ = writeln!(
            h,
            "<tr><td class=\"l\">{} − {}</td><td>{} ± {}</td><td>{} {} {}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}×</td></tr>",
            esc(&c.scenario),
            esc(&c.against),
            pp(d.mean),
            pp(d.mcse),
            pp(d.q05),
            l("to", "tot"),
            pp(d.q95),
            pct(c.p_better.p),
            pp(c.p_halved_difference.mean),
            pp(c.p_breach_difference.mean),
            lang.eur_mln(c.realised_wijk_investment_difference_eur.mean),
            if c.variance_reduction.factor.is_finite() {
                lang.number(c.variance_reduction.factor, 0)
            } else {
                "∞".into()
            },
        );
    }
    h.push_str("</table>\n");
    let _ = writeln!(h, "<h2>{}</h2>", l("Charts", "Grafieken"));
    for c in &charts {
        let _ = writeln!(
            h,
            "<figure id=\"{}\">\n{}\n<figcaption>{} <code>charts/{}.png</code>, <code>.svg</code></figcaption>\n</figure>",
            c.stem,
            inline_svg(&c.svg),
            esc(&c.title),
            c.stem
        );
    }
    h.push_str("</body>\n</html>\n");
    let path = dir.join("compare.html");
    write_atomic(&path, |w| w.write_all(h.as_bytes())).map_err(|e| ReportError::Write {
        path: path.display().to_string(),
        message: e.to_string(),
    })
}

/// Writes a report for a run directory: loads the results and calls [`write_all`].
///
/// # Errors
/// The directory is not a complete run, or drawing or writing failed.
pub fn report_dir(dir: &Path, lang: Lang) -> anyhow::Result<()> {
    crate::rundir::require_complete(dir)?;
    let r = RunResults::load(dir)?;
    write_all(&r, lang)?;
    Ok(())
}
