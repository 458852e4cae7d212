//! calibration.html: the fit table, the fitted values and the chart of a calibration.

use super::{ReportError, esc, figures, page_start, table};
use crate::calibrate::Calibration;
use crate::output::write_atomic;
use crate::plot::{self, Lang};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

/// A number with as many significant digits as a fit table needs.
fn num(lang: Lang, x: f64) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let a = x.abs();
    let decimals = if a >= 1e6 {
        0
    } else if a >= 100.0 {
        1
    } else if a >= 1.0 {
        3
    } else {
        4
    };
    if a >= 1e6 {
        lang.eur_mln(x)
    } else {
        lang.number(x, decimals)
    }
}

/// Draws the chart into `dir/charts/` and writes `dir/calibration.html`.
///
/// # Errors
/// The chart cannot be drawn or a file written.
pub fn calibration_report(c: &Calibration, dir: &Path, lang: Lang) -> Result<(), ReportError> {
    let chart = plot::calibration::render(c, lang)?;
    plot::write_chart(&dir.join("charts"), &chart)?;
    let mut h = page_start(
        lang,
        &format!("{} {}", lang.t("Calibration of", "Kalibratie van"), c.scenario),
        &format!(
            "{} {} · {} {} · {} {} · {} {}",
            lang.number(c.draws as f64, 0),
            lang.t("draws per evaluation", "trekkingen per evaluatie"),
            lang.t("seed", "startgetal"),
            c.seed,
            lang.number(c.evaluations as f64, 0),
            lang.t("evaluations", "evaluaties"),
            lang.t(
                "fit table on other draws, seed",
                "fittabel op andere trekkingen, startgetal"
            ),
            c.validation_seed,
        ),
        lang.t(
            "Simulated method of moments under common random numbers: every evaluation runs the same draws, so the distance is a deterministic function of the parameters. Distance = the sum over targets of (distance outside the band / band width)², plus a small pull towards the starting values that only decides between equally good fits. A Latin-hypercube screen of the box, then Nelder-Mead (argmin) from the best point.",
            "Gesimuleerde momentenmethode met gemeenschappelijke toevalsgetallen: elke evaluatie rekent dezelfde trekkingen door, zodat de afstand een vaste functie van de parameters is. Afstand = de som over de doelen van (afstand buiten de band / breedte van de band)², plus een kleine trek naar de startwaarden die alleen tussen even goede passingen beslist. Eerst een Latin-hypercube-verkenning van het zoekgebied, dan Nelder-Mead (argmin) vanuit het beste punt.",
        ),
    );
    let yes_no = |b: bool| lang.t(if b { "yes" } else { "no" }, if b { "ja" } else { "nee" });
    let rows: Vec<Vec<String>> = c
        .targets
        .iter()
        .map(|t| {
            vec![
                t.name.clone(),
                match lang {
                    Lang::En => format!("{}, {}", t.statistic, t.quantity),
                    Lang::Nl => format!("{}, {}", t.statistic_nl, t.quantity_nl),
                },
                format!("{} – {}", num(lang, t.band.0), num(lang, t.band.1)),
                format!(
                    "{} ± {}",
                    num(lang, t.before.value),
                    num(lang, t.before.mcse)
                ),
                format!("{} ± {}", num(lang, t.after.value), num(lang, t.after.mcse)),
                {
                    let verdict = if t.after.near {
                        lang.t("at the edge*", "op de rand*")
                    } else {
                        yes_no(t.after.inside)
                    };
                    if t.weight == 0.0 {
                        format!("{verdict}**")
                    } else {
                        verdict.into()
                    }
                },
            ]
        })
        .collect();
    table(
        &mut h,
        lang.t("Fit table", "Fittabel"),
        &[
            lang.t("target", "doel"),
            lang.t(
                "statistic of the model quantity",
                "statistiek van de modelgrootheid",
            ),
            lang.t("band", "band"),
            lang.t("model before (± MC error)", "model vóór (± MC-fout)"),
            lang.t("model after", "model na"),
            lang.t("inside?", "binnen?"),
        ],
        2,
        &rows,
    );
    let _ = writeln!(
        h,
        "<p>{} {} → {}. {} {}</p>",
        esc(lang.t("Distance", "Afstand")),
        num(lang, c.distance_before),
        num(lang, c.distance_after),
        esc(lang.t(
            "* Outside the band by less than two Monte Carlo errors.",
            "* Buiten de band met minder dan twee Monte Carlo-fouten.",
        )),
        esc(lang.t(
            "** Reported, not fitted (weight 0).",
            "** Gerapporteerd, niet gefit (gewicht 0).",
        )),
    );
    let params: Vec<Vec<String>> = c
        .parameters
        .iter()
        .zip(&c.fitted)
        .map(|(p, v)| {
            vec![
                p.path.clone(),
                match lang {
                    Lang::En => p.what.clone(),
                    Lang::Nl => p.what_nl.clone(),
                },
                format!("{} – {}", num(lang, p.lo), num(lang, p.hi)),
                num(lang, p.start),
                num(lang, *v),
            ]
        })
        .collect();
    table(
        &mut h,
        lang.t("Fitted parameters", "Gefitte parameters"),
        &[
            lang.t("parameter", "parameter"),
            lang.t("what is fitted", "wat gefit wordt"),
            lang.t("bounds searched", "zoekgrenzen"),
            lang.t("start", "start"),
            lang.t("fitted", "gefit"),
        ],
        2,
        &params,
    );
    let notes: Vec<Vec<String>> = c
        .targets
        .iter()
        .map(|t| vec![t.name.clone(), t.source.clone(), t.note.clone()])
        .collect();
    table(
        &mut h,
        lang.t(
            "The published figures and how each became a band",
            "De gepubliceerde cijfers en hoe elk een band werd",
        ),
        &[
            lang.t("target", "doel"),
            lang.t("source", "bron"),
            lang.t("translation", "vertaling"),
        ],
        3,
        &notes,
    );
    figures(
        &mut h,
        lang.t("Chart", "Grafiek"),
        std::slice::from_ref(&chart),
    );
    let _ = writeln!(
        h,
        "<p>{}: {} · {}: {} · {}: {}</p>",
        esc(lang.t("Optimiser", "Optimalisatie")),
        esc(&c.stopped),
        esc(lang.t("screen", "verkenning")),
        c.screen_points,
        esc(lang.t("Nelder-Mead iterations", "Nelder-Mead-iteraties")),
        c.iterations
    );
    h.push_str("</body>\n</html>\n");
    let path = dir.join("calibration.html");
    write_atomic(&path, |w| w.write_all(h.as_bytes())).map_err(|e| ReportError::Write {
        path: path.display().to_string(),
        message: e.to_string(),
    })
}
