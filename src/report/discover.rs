//! discover.html: where the cases of a condition concentrate, in words, a table and charts.

use super::{ReportError, esc, figures, page_start, table};
use crate::discover::prim::Phase;
use crate::discover::{DiscoverFile, Source, WEAK, phase_name, rules, show_p, sig};
use crate::output::write_atomic;
use crate::plot::{self, Lang};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

fn source(lang: Lang, s: Source) -> &'static str {
    match s {
        Source::Parameter => lang.t("uncertain parameter", "onzekere parameter"),
        Source::Economy => lang.t(
            "the economy over years 1..T",
            "de economie over de jaren 1 t/m T",
        ),
        Source::Multiplier => lang.t(
            "mean effect multiplier of the wijken",
            "gemiddelde effectvermenigvuldiger van de wijken",
        ),
    }
}

/// An input's readable name, with its key: "Weglek door verhuizende stijgers (gaps.leak)".
fn input_label(lang: Lang, name: &str, source: Source) -> String {
    let readable = match source {
        Source::Parameter => lang.parameter_name(name),
        Source::Economy => {
            let economy = [
                (
                    "economy.mean_house_price_growth",
                    "Mean house-price growth",
                    "Gemiddelde groei van de huizenprijzen",
                ),
                (
                    "economy.mean_interest",
                    "Mean interest on new loans",
                    "Gemiddelde rente op nieuwe leningen",
                ),
                (
                    "economy.mean_inflation",
                    "Mean inflation",
                    "Gemiddelde inflatie",
                ),
                (
                    "economy.mean_unemployment",
                    "Mean national unemployment",
                    "Gemiddelde landelijke werkloosheid",
                ),
                (
                    "economy.max_unemployment",
                    "Highest national unemployment",
                    "Hoogste landelijke werkloosheid",
                ),
                (
                    "economy.min_house_price_growth",
                    "Lowest yearly house-price growth",
                    "Laagste jaarlijkse groei van de huizenprijzen",
                ),
                (
                    "economy.max_interest",
                    "Highest interest on new loans",
                    "Hoogste rente op nieuwe leningen",
                ),
            ];
            economy
                .iter()
                .find(|e| e.0 == name)
                .map_or(name.to_string(), |e| lang.t(e.1, e.2).to_string())
        }
        Source::Multiplier => format!(
            "{}: {}",
            lang.t(
                "Mean effect multiplier",
                "Gemiddelde effectvermenigvuldiger"
            ),
            lang.indicator(name.trim_start_matches("wijk_multiplier."))
        ),
    };
    if readable == name {
        name.to_string()
    } else {
        format!("{readable} ({name})")
    }
}

/// The words above the table: what was asked, what the box holds, which limits matter.
fn sentences(f: &DiscoverFile, lang: Lang) -> Vec<String> {
    let b = f.chosen_box();
    let pct = |x: f64| lang.pct(x, 1);
    let mut out = vec![format!(
        "{} {} {} {} ({}) {} “{}”.",
        lang.number(f.cases as f64, 0),
        lang.t("of", "van de"),
        lang.number(f.draws as f64, 0),
        lang.t("draws", "trekkingen"),
        pct(f.base_density()),
        lang.t("meet", "voldoen aan"),
        f.condition
    )];
    out.push(format!(
        "{} {} ({}): {} {} {}; {} {} {} {}. {} {} {}.",
        lang.t("The chosen box is step", "De gekozen box is stap"),
        b.step,
        if f.chosen_is_knee {
            lang.t(
                "the knee, the best balance of coverage and density",
                "de knik: het beste evenwicht tussen dekking en dichtheid",
            )
        } else {
            lang.t("chosen with --box", "gekozen met --box")
        },
        lang.t("it holds", "hij bevat"),
        pct(b.coverage),
        lang.t("of the cases", "van de gevallen"),
        pct(b.density),
        lang.t(
            "of its draws are cases, against",
            "van zijn trekkingen is een geval, tegen"
        ),
        pct(f.base_density()),
        lang.t("over all draws", "over alle trekkingen"),
        lang.t("It takes in", "Hij omvat"),
        pct(b.mass),
        lang.t("of the draws", "van de trekkingen"),
    ));

    let weak: Vec<String> = rules(b, &|x| lang.decimal(&sig(x)))
        .into_iter()
        .filter(|(_, p)| p.is_some_and(|p| p > WEAK))
        .map(|(r, _)| format!("“{r}”"))
        .collect();
    if !f.has_significant_limit() {
        out.push(
            lang.t(
                crate::discover::NO_STRUCTURE,
                "Deze box heeft geen significante grens: de gevallen hopen zich er niet meer dan toevallig in op. Ze kunnen in gescheiden gebieden liggen die één box niet kan omvatten (probeer de delen van een “or” of van “breach” afzonderlijk: breach_icr, breach_ltv), of afhangen van iets wat de invoer niet beschrijft (zoals het verloop van de economie in plaats van haar gemiddelden).",
            )
            .to_string(),
        );
    } else if !weak.is_empty() {
        out.push(format!(
            "{} {}",
            lang.t(
                "Weak limits (quasi-p above 0.05: the box is nearly as dense without them):",
                "Zwakke grenzen (quasi-p boven 0,05: de box is zonder deze grens bijna even dicht):",
            ),
            weak.join(", ")
        ));
    }
    out
}

/// Draws the charts into `dir/charts/` and writes `dir/discover.html`.
///
/// # Errors
/// A chart cannot be drawn or a file written.
pub fn discover_report(f: &DiscoverFile, dir: &Path, lang: Lang) -> Result<(), ReportError> {
    let mut h = page_start(
        lang,
        &format!(
            "{} “{}” {} {}",
            lang.t("Where", "Onder welke omstandigheden"),
            f.condition,
            lang.t("happens in", "optreedt: scenario"),
            f.scenario
        ),
        &format!(
            "{} {} · {} {} · {} {} · {} {}",
            lang.number(f.draws as f64, 0),
            lang.t("draws", "trekkingen"),
            lang.number(f.cases as f64, 0),
            lang.t("cases", "gevallen"),
            f.inputs.len(),
            lang.t("inputs", "invoergrootheden"),
            lang.t("seed", "startgetal"),
            f.seed
        ),
        lang.t(
            "Scenario discovery with PRIM (Friedman & Fisher 1999), step for step as EMA Workbench runs it. A box is a set of limits on the inputs. Starting from all draws, the box is peeled (each step removes the share peel_alpha of its draws at the top or bottom of one input, whichever raises the share of cases per removed draw most) until it would hold fewer than the minimum mass, then pasted back where that raises the share. Coverage is the share of all cases inside a box, density the share of cases among its draws. A limit's quasi-p-value is the chance of a box this dense if that limit were dropped (a one-sided binomial test): small values mark limits that matter.",
            "Scenario-ontdekking met PRIM (Friedman & Fisher 1999), stap voor stap zoals EMA Workbench het doet. Een box is een combinatie van grenzen op de invoergrootheden. Vanaf alle trekkingen wordt de box afgepeld: elke stap haalt een vast aandeel (peel_alpha) van zijn trekkingen weg aan de boven- of onderkant van één invoergrootheid, waar dat het aandeel gevallen per weggehaalde trekking het meest verhoogt, tot hij minder dan de minimale massa zou bevatten; daarna wordt hij weer verruimd waar dat het aandeel verhoogt. Dekking is het aandeel van alle gevallen dat in een box valt, dichtheid het aandeel gevallen onder zijn trekkingen. De quasi-p-waarde van een grens is de kans op een even dichte box als die grens wegviel (een eenzijdige binomiale toets): kleine waarden wijzen op grenzen die ertoe doen.",
        ),
    );
    h.push_str("<ul>\n");
    for s in sentences(f, lang) {
        let _ = writeln!(h, "<li>{}</li>", esc(&s));
    }
    h.push_str("</ul>\n");
    let b = f.chosen_box();
    let num = |x: f64| lang.decimal(&sig(x));
    let p = |x: Option<f64>| x.map_or("–".into(), |p| lang.decimal(&show_p(p)));
    let rows: Vec<Vec<String>> = b
        .limits
        .iter()
        .map(|l| {
            let input = f.inputs.iter().find(|i| i.name == l.input);
            vec![
                input.map_or(l.input.clone(), |i| input_label(lang, &i.name, i.source)),
                input.map_or(String::new(), |i| {
                    format!("{} – {}", num(i.min), num(i.max))
                }),
                if l.lower_restricted {
                    num(l.lower)
                } else {
                    "–".into()
                },
                if l.upper_restricted {
                    num(l.upper)
                } else {
                    "–".into()
                },
                p(l.quasi_p_lower),
                p(l.quasi_p_upper),
            ]
        })
        .collect();
    table(
        &mut h,
        lang.t("The chosen box", "De gekozen box"),
        &[
            lang.t("input", "invoer"),
            lang.t("range over the draws", "bereik over de trekkingen"),
            lang.t("box from", "box vanaf"),
            lang.t("box up to", "box tot en met"),
            lang.t("quasi-p (from)", "quasi-p (vanaf)"),
            lang.t("quasi-p (up to)", "quasi-p (tot en met)"),
        ],
        1,
        &rows,
    );
    let charts = vec![
        plot::discover::render_tradeoff(f, lang)?,
        plot::discover::render_box(f, lang)?,
    ];
    for c in &charts {
        plot::write_chart(&dir.join("charts"), c)?;
    }
    figures(&mut h, lang.t("Charts", "Grafieken"), &charts);
    let _ = writeln!(
        h,
        "<details><summary>{}</summary>",
        esc(lang.t("Every box of the trajectory", "Elke box van het traject"))
    );
    let rows: Vec<Vec<String>> = f
        .trajectory
        .iter()
        .map(|b| {
            vec![
                b.step.to_string(),
                match (lang, b.phase) {
                    (Lang::Nl, Phase::Start) => "begin",
                    (Lang::Nl, Phase::Peel) => "afpellen",
                    (Lang::Nl, Phase::Paste) => "aanvullen",
                    (Lang::En, p) => phase_name(p),
                }
                .into(),
                lang.pct(b.coverage, 1),
                lang.pct(b.density, 1),
                lang.pct(b.mass, 1),
                b.limits.len().to_string(),
            ]
        })
        .collect();
    table(
        &mut h,
        "",
        &[
            lang.t("step", "stap"),
            lang.t("phase", "fase"),
            lang.t("coverage", "dekking"),
            lang.t("density", "dichtheid"),
            lang.t("mass", "massa"),
            lang.t("inputs restricted", "aantal begrensde invoergrootheden"),
        ],
        2,
        &rows,
    );
    h.push_str("</details>\n");
    let _ = writeln!(
        h,
        "<details><summary>{}</summary>",
        esc(lang.t("The inputs mined", "De doorzochte invoer"))
    );
    let rows: Vec<Vec<String>> = f
        .inputs
        .iter()
        .map(|i| {
            vec![
                input_label(lang, &i.name, i.source),
                source(lang, i.source).into(),
                num(i.min),
                num(i.max),
            ]
        })
        .collect();
    table(
        &mut h,
        "",
        &[
            lang.t("input", "invoer"),
            lang.t("what it is", "soort invoer"),
            lang.t("smallest", "kleinste"),
            lang.t("largest", "grootste"),
        ],
        2,
        &rows,
    );
    if !f.constant.is_empty() {
        let _ = writeln!(
            h,
            "<p>{} {}</p>",
            esc(lang.t(
                "Left out because they are the same in every draw:",
                "Weggelaten omdat ze in elke trekking gelijk zijn:"
            )),
            esc(&f.constant.join(", "))
        );
    }
    h.push_str("</details>\n");
    let _ = writeln!(
        h,
        "<p>{} <code>discover.json</code>, <code>discover.csv</code> ({}), <code>discover_boxes.csv</code> ({}), <code>discover_inputs.csv</code> ({}).</p>",
        esc(lang.t("Files:", "Bestanden:")),
        esc(lang.t("the trajectory", "het traject")),
        esc(lang.t("the limits of every box", "de grenzen van elke box")),
        esc(lang.t(
            "the table mined: one row per draw, for another PRIM such as EMA Workbench's",
            "de doorzochte tabel: één rij per trekking, voor een andere PRIM zoals die van EMA Workbench"
        )),
    );
    h.push_str("</body>\n</html>\n");
    let path = dir.join("discover.html");
    write_atomic(&path, |w| w.write_all(h.as_bytes())).map_err(|e| ReportError::Write {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    Ok(())
}
