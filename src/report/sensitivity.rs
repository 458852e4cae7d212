//! sensitivity.html: what drives what, in words, with a table and a chart per output.

use super::{ReportError, esc, figures, page_start, table};
use crate::output::write_atomic;
use crate::plot::{self, Lang};
use crate::sensitivity::{FactorKind, OutputResult, Sensitivity, pct_interval};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

/// Factors whose total index is below this are "negligible" in the words.
const NEGLIGIBLE: f64 = 0.01;

/// The words for one output: the leading factors, the interactions, the negligible rest.
pub fn sentences(s: &Sensitivity, o: usize, lang: Lang) -> Vec<String> {
    let out: &OutputResult = &s.outputs[o];
    let what = out.output.describe(lang);
    let ix = &out.indices.factors;
    if ix.is_empty() {
        return vec![format!(
            "{} {}",
            capitalise(what),
            lang.t(
                "is the same in every draw: there is no variance to attribute.",
                "is in elke trekking gelijk: er is geen variantie toe te rekenen.",
            )
        )];
    }
    let ranked = s.ranked(o);
    let mut words = vec![];
    for (n, &i) in ranked.iter().take(3).enumerate() {
        let f = &s.factors[i];
        if ix[i].total.value < NEGLIGIBLE && n > 0 {
            break;
        }
        let object = out.output.subject(lang);
        let (first, total) = (
            pct_interval(lang, &ix[i].first),
            pct_interval(lang, &ix[i].total),
        );
        let plural = matches!(
            f.name.as_str(),
            crate::sensitivity::ECONOMY | crate::sensitivity::MULTIPLIERS
        );
        let sentence = match (f.kind, lang) {
            // A user's group: its name may be singular or plural, so no verb to agree.
            (FactorKind::Group, Lang::En) => format!(
                "{}: {first} of the variance of {object} alone, {total} with its interactions.",
                capitalise(&f.name)
            ),
            (FactorKind::Group, Lang::Nl) => format!(
                "{}: op zichzelf {first} van de variantie van {object}, met interacties {total}.",
                capitalise(&f.name)
            ),
            (FactorKind::Parameter, Lang::En) => format!(
                "The parameter {} explains {first} of the variance of {object} alone and {total} with its interactions.",
                f.name
            ),
            (FactorKind::Parameter, Lang::Nl) => format!(
                "De parameter {} verklaart op zichzelf {first} van de variantie van {object}, met interacties {total}.",
                f.name
            ),
            (FactorKind::Random, Lang::En) => format!(
                "{} explain{} {first} of the variance of {object} alone and {total} with {} interactions.",
                capitalise(&f.label(lang)),
                if plural { "" } else { "s" },
                if plural { "their" } else { "its" }
            ),
            (FactorKind::Random, Lang::Nl) => format!(
                "{} {} op zichzelf {first} van de variantie van {object}, met interacties {total}.",
                capitalise(&f.label(lang)),
                if plural { "verklaren" } else { "verklaart" }
            ),
        };
        words.push(sentence);
    }
    if let Some(sum) = &out.indices.first_sum {
        let rest = 1.0 - sum.value;
        words.push(if rest > 0.1 {
            format!(
                "{} {} {}",
                lang.t(
                    "The first-order indices add up to",
                    "De indices van de eerste orde tellen op tot",
                ),
                pct_interval(lang, sum),
                lang.t(
                    ": the rest of the variance comes from factors acting together (interactions).",
                    ": de rest van de variantie komt van factoren die samenwerken (interacties).",
                )
            )
        } else {
            format!(
                "{} {}{}",
                lang.t(
                    "The first-order indices add up to",
                    "De indices van de eerste orde tellen op tot",
                ),
                pct_interval(lang, sum),
                lang.t(
                    ": the factors act mostly on their own.",
                    ": de factoren werken vooral elk op zich.",
                )
            )
        });
    }
    let small = ix.iter().filter(|x| x.total.value < NEGLIGIBLE).count();
    if small > 0 {
        words.push(format!(
            "{} {} {}",
            small,
            lang.t("of the", "van de"),
            match lang {
                Lang::En => format!(
                    "{} factors explain less than 1% each, interactions included.",
                    ix.len()
                ),
                Lang::Nl => format!(
                    "{} factoren verklaren elk minder dan 1%, interacties meegerekend.",
                    ix.len()
                ),
            }
        ));
    }
    words
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// Draws the charts into `dir/charts/` and writes `dir/sensitivity.html`.
///
/// # Errors
/// A chart cannot be drawn or a file written.
pub fn sensitivity_report(s: &Sensitivity, dir: &Path, lang: Lang) -> Result<(), ReportError> {
    let mut h = page_start(
        lang,
        &format!(
            "{} {}",
            lang.t("What drives the outcomes of", "Wat bepaalt de uitkomsten van"),
            s.scenario
        ),
        &format!(
            "{} {} · {} {} · {} {} · {} {}",
            s.factors.len(),
            lang.t("factors", "factoren"),
            lang.number(s.rows as f64, 0),
            lang.t("rows per matrix", "rijen per matrix"),
            lang.number(s.evaluations as f64, 0),
            lang.t("model evaluations", "modelberekeningen"),
            lang.t("seed", "startgetal"),
            s.seed,
        ),
        lang.t(
            "Variance-based (Sobol') sensitivity: the first-order index of a factor is the share of an output's variance it explains on its own; the total index adds every interaction it takes part in. Factors are the scenario's uncertain parameters and, as groups, the economy's shocks, the per-wijk effect multipliers and the wijken's yearly noise. Saltelli design over the random streams (first order: Saltelli 2010; total: Jansen 1999); intervals: 95% percentile bootstrap over the rows. An estimate can lie a little outside 0-100% by sampling error; its interval says how far.",
            "Variantiegebaseerde (Sobol') gevoeligheid: de index van de eerste orde van een factor is het deel van de variantie van een uitkomst dat hij alleen verklaart; de totale index telt daar elke interactie bij op waar hij aan meedoet. Factoren zijn de onzekere parameters van het scenario en, als groepen, de schokken in de economie, de vermenigvuldigers van het effect per wijk en de jaarlijkse ruis in de wijken. Saltelli-ontwerp over de toevalsstromen (eerste orde: Saltelli 2010; totaal: Jansen 1999); intervallen: 95%-percentielbootstrap over de rijen. Een schatting kan door steekproeffouten iets buiten 0-100% vallen; het interval zegt hoe ver.",
        ),
    );
    let mut charts = vec![];
    for (o, out) in s.outputs.iter().enumerate() {
        let _ = writeln!(
            h,
            "<h2>{}</h2>",
            esc(&capitalise(out.output.describe(lang)))
        );
        let _ = writeln!(
            h,
            "<p>{} {} · {} {}</p>",
            esc(lang.t("Mean", "Gemiddelde")),
            number(lang, out.indices.mean),
            esc(lang.t("standard deviation", "standaardafwijking")),
            number(lang, out.indices.variance.sqrt()),
        );
        h.push_str("<ul>\n");
        for sentence in sentences(s, o, lang) {
            let _ = writeln!(h, "<li>{}</li>", esc(&sentence));
        }
        h.push_str("</ul>\n");
        if out.indices.factors.is_empty() {
            continue;
        }
        if out.indices.degenerate_resamples * 40 > s.resamples {
            let _ = writeln!(
                h,
                "<p>{}</p>",
                esc(lang.t(
                    "No intervals (–): in too many bootstrap resamples the output did not vary (a rare event); run more rows for intervals.",
                    "Geen intervallen (–): in te veel bootstrap-steekproeven varieerde de uitkomst niet (een zeldzame gebeurtenis); neem meer rijen voor intervallen.",
                ))
            );
        }
        let rows: Vec<Vec<String>> = s
            .ranked(o)
            .iter()
            .map(|&i| {
                let ix = &out.indices.factors[i];
                vec![
                    s.factors[i].label(lang),
                    pct_interval(lang, &ix.first),
                    pct_interval(lang, &ix.total),
                ]
            })
            .collect();
        table(
            &mut h,
            "",
            &[
                lang.t("factor", "factor"),
                lang.t("first-order (95% interval)", "eerste orde (95%-interval)"),
                lang.t("total (95% interval)", "totaal (95%-interval)"),
            ],
            1,
            &rows,
        );
        if let Some(chart) = plot::sensitivity::render(s, o, lang)? {
            plot::write_chart(&dir.join("charts"), &chart)?;
            charts.push(chart);
        }
    }
    if let Some(t) = &s.tornado {
        tornado_section(&mut h, s, t, lang);
        if let Some(chart) = plot::sensitivity::render_tornado(s, lang)? {
            plot::write_chart(&dir.join("charts"), &chart)?;
            charts.push(chart);
        }
    }
    let groups: Vec<Vec<String>> = s
        .factors
        .iter()
        .filter(|f| f.members.len() > 1 || f.kind != crate::sensitivity::FactorKind::Parameter)
        .map(|f| vec![f.label(lang), f.members.join(", ")])
        .collect();
    if !groups.is_empty() {
        table(
            &mut h,
            lang.t("Groups", "Groepen"),
            &[lang.t("factor", "factor"), lang.t("members", "leden")],
            2,
            &groups,
        );
    }
    figures(&mut h, lang.t("Charts", "Grafieken"), &charts);
    h.push_str("</body>\n</html>\n");
    let path = dir.join("sensitivity.html");
    write_atomic(&path, |w| w.write_all(h.as_bytes())).map_err(|e| ReportError::Write {
        path: path.display().to_string(),
        message: e.to_string(),
    })
}

/// A mean or standard deviation: euros in millions when large.
fn number(lang: Lang, x: f64) -> String {
    if x.abs() >= 1e5 {
        lang.eur_mln(x)
    } else {
        lang.number(x, 3)
    }
}

/// The tornado table and the rank regression, with a sentence on each.
fn tornado_section(
    h: &mut String,
    s: &Sensitivity,
    t: &crate::sensitivity::tornado::Tornado,
    lang: Lang,
) {
    let pct = |x: f64| lang.pct(x, 1);
    let _ = writeln!(
        h,
        "<h2>{}</h2>\n<p>{}</p>",
        esc(lang.t("One at a time", "Eén voor één")),
        esc(&match lang {
            Lang::En => format!(
                "Each parameter factor at its 5th and at its 95th percentile (a group: each member at its own), everything else as in the scenario and on the same {} draws. With every parameter as distributed, mean closure is {} and P(halved) {}. A tornado shows what one parameter can do on its own; it misses interactions and says nothing of how likely each setting is, which the indices above weigh.",
                lang.number(t.draws as f64, 0),
                pct(t.base.closure),
                pct(t.base.p_halved)
            ),
            Lang::Nl => format!(
                "Elke parameterfactor op zijn 5e en op zijn 95e percentiel (een groep: elk lid op het zijne), al het andere zoals in het scenario en op dezelfde {} trekkingen. Met elke parameter verdeeld is het gemiddeld ingelopen deel {} en de kans op halvering {}. Een tornado laat zien wat één parameter alleen kan doen; interacties ontbreken en hoe waarschijnlijk elke stand is weegt hij niet, de indices hierboven wel.",
                lang.number(t.draws as f64, 0),
                pct(t.base.closure),
                pct(t.base.p_halved)
            ),
        })
    );
    if let Some(w) = t.swings.first() {
        let _ = writeln!(
            h,
            "<p>{}</p>",
            esc(&match lang {
                Lang::En => format!(
                    "The widest swing: {} from its 5th to its 95th percentile moves mean closure from {} to {}.",
                    w.factor,
                    pct(w.low.closure),
                    pct(w.high.closure)
                ),
                Lang::Nl => format!(
                    "De grootste uitslag: {} van zijn 5e naar zijn 95e percentiel brengt het gemiddeld ingelopen deel van {} naar {}.",
                    w.factor,
                    pct(w.low.closure),
                    pct(w.high.closure)
                ),
            })
        );
    }
    let rows: Vec<Vec<String>> = t
        .swings
        .iter()
        .map(|w| {
            let values = |v: &[(String, f64)]| {
                if v.len() == 1 {
                    lang.number(v[0].1, 4)
                } else {
                    format!("{} {}", v.len(), lang.t("members", "leden"))
                }
            };
            vec![
                w.factor.clone(),
                format!("{} – {}", values(&w.low_values), values(&w.high_values)),
                format!("{} – {}", pct(w.low.closure), pct(w.high.closure)),
                format!("{} – {}", pct(w.low.p_halved), pct(w.high.p_halved)),
                format!(
                    "{} – {}",
                    lang.number(w.low.min_icr, 2),
                    lang.number(w.high.min_icr, 2)
                ),
            ]
        })
        .collect();
    table(
        h,
        "",
        &[
            lang.t("factor", "factor"),
            lang.t(
                "value at 5th – 95th percentile",
                "waarde op 5e – 95e percentiel",
            ),
            lang.t("mean closure", "gemiddeld ingelopen"),
            lang.t("P(halved)", "kans op halvering"),
            lang.t("mean lowest sector ICR", "gemiddelde laagste ICR sector"),
        ],
        1,
        &rows,
    );
    if !t.not_swung.is_empty() {
        let names: Vec<String> = s
            .factors
            .iter()
            .filter(|f| t.not_swung.contains(&f.name))
            .map(|f| f.label(lang))
            .collect();
        let _ = writeln!(
            h,
            "<p>{} {}.</p>",
            esc(lang.t(
                "Without percentiles, so only in the indices above:",
                "Zonder percentielen, dus alleen in de indices hierboven:"
            )),
            esc(&names.join(", "))
        );
    }
    let _ = writeln!(
        h,
        "<h2>{}</h2>\n<p>{}</p>",
        esc(lang.t(
            "Standardised rank regression",
            "Gestandaardiseerde rangregressie"
        )),
        esc(&match lang {
            Lang::En => format!(
                "The ranks of closure and of the lowest sector ICR regressed on the ranks of the uncertain parameters and of the economy's mean per variable, over {} ordinary draws. R² is {:.2} for closure and {:.2} for the lowest ICR: the share of the ranks' variance a monotone, additive reading explains; where it is low, the indices above are the ones to read.",
                lang.number(t.draws as f64, 0),
                t.r2_closure,
                t.r2_min_icr
            ),
            Lang::Nl => format!(
                "De rangen van het ingelopen deel en van de laagste ICR van de sector geregresseerd op de rangen van de onzekere parameters en van het gemiddelde per economische variabele, over {} gewone trekkingen. R² is {} voor het ingelopen deel en {} voor de laagste ICR: het deel van de variantie van de rangen dat een monotone, optellende lezing verklaart; waar het laag is, zijn de indices hierboven de maat.",
                lang.number(t.draws as f64, 0),
                lang.number(t.r2_closure, 2),
                lang.number(t.r2_min_icr, 2)
            ),
        })
    );
    let rows: Vec<Vec<String>> = t
        .srrc
        .iter()
        .map(|r| {
            vec![
                r.regressor.clone(),
                lang.number(r.closure, 3),
                lang.number(r.min_icr, 3),
            ]
        })
        .collect();
    table(
        h,
        "",
        &[
            lang.t("regressor", "regressor"),
            lang.t("SRRC closure", "SRRC ingelopen deel"),
            lang.t("SRRC lowest ICR", "SRRC laagste ICR"),
        ],
        1,
        &rows,
    );
}
