//! The report's account of every input of a run, read from its `scenario.json` (the resolved
//! scenario, every default filled in): grouped as a reader looks for them, named in words
//! with their units, and with distributions written as "PERT(0.02, 0.05, 0.10)" (Dutch:
//! "PERT(0,02; 0,05; 0,10)").

use super::{esc, table};
use crate::plot::Lang;
use serde_json::Value;
use std::fmt::Write as _;

/// The decimals that show `v` to three significant digits, without trailing zeros (none for
/// |v| >= 100), at most 6.
fn decimals_of(v: f64) -> usize {
    if v == 0.0 || !v.is_finite() || v.abs() >= 100.0 {
        return 0;
    }
    let magnitude = v.abs().log10().floor() as i32;
    let scale = 10f64.powi(2 - magnitude);
    let rounded = (v * scale).round() / scale;
    (0..=6)
        .find(|&d| {
            let p = 10f64.powi(d);
            ((rounded * p).round() / p - rounded).abs() <= 1e-9 * rounded.abs().max(1e-12)
        })
        .unwrap_or(6) as usize
}

/// Numbers that belong together (a distribution's parameters), with the decimals the most
/// precise of them needs: 0.02, 0.05, 0.1 -> "0.02", "0.05", "0.10"; 0 as "0".
pub(crate) fn numbers(lang: Lang, xs: &[f64]) -> Vec<String> {
    let d = xs.iter().map(|&x| decimals_of(x)).max().unwrap_or(0);
    xs.iter()
        .map(|&x| {
            if x == 0.0 {
                "0".into()
            } else {
                lang.number(x, d)
            }
        })
        .collect()
}

fn number(lang: Lang, x: f64) -> String {
    numbers(lang, &[x]).remove(0)
}

/// A year as digits (no thousands separator).
fn year(x: f64) -> String {
    format!("{x:.0}")
}

/// Whether the parameter at `path` is a calendar year.
fn is_year(path: &str) -> bool {
    path.ends_with(".cut_start")
}

/// A parameter of scenario.json as the reader writes it: "0.3", "PERT(0.02, 0.05, 0.10)",
/// "normal(0.025, 0.045) within [0, 1]".
pub(crate) fn distribution(lang: Lang, p: &Value, path: &str) -> String {
    let f = |k: &str| p[k].as_f64().unwrap_or(f64::NAN);
    let sep = lang.t(", ", "; ");
    let call = |name: &str, keys: &[&str]| {
        let xs: Vec<f64> = keys.iter().map(|k| f(k)).collect();
        let mut shown = numbers(lang, &xs);
        if lang == Lang::En {
            // The arguments are separated by commas: no commas within them (1860, not 1,860).
            shown = shown.iter().map(|x| x.replace(',', "")).collect();
        }
        format!("{name}({})", shown.join(sep))
    };
    let mut s = match p["dist"].as_str().unwrap_or("") {
        "constant" if is_year(path) => year(f("value")),
        "constant" => number(lang, f("value")),
        "normal" => call(lang.t("normal", "normaal"), &["mean", "sd"]),
        "lognormal" => call(lang.t("lognormal", "lognormaal"), &["mean", "sd"]),
        "uniform" => call(lang.t("uniform", "uniform"), &["min", "max"]),
        "triangular" => call(lang.t("triangular", "driehoek"), &["min", "mode", "max"]),
        "pert" => call("PERT", &["min", "mode", "max"]),
        "beta" => call("beta", &["a", "b", "min", "max"]),
        other => other.to_string(),
    };
    let (lower, upper) = (p["lower"].as_f64(), p["upper"].as_f64());
    if lower.is_some() || upper.is_some() {
        let bound = |b: Option<f64>, inf: &str| b.map_or(inf.to_string(), |x| number(lang, x));
        let _ = write!(
            s,
            " {} [{}{sep}{}]",
            lang.t("within", "begrensd tot"),
            bound(lower, "-∞"),
            bound(upper, "∞")
        );
    }
    s
}

/// A year schedule ({before, steps}) in words: "0 before 2013; 2013: 0.00014; ..." or one
/// value for every year.
fn schedule(lang: Lang, s: &Value) -> String {
    let before = s["before"].as_f64().unwrap_or(f64::NAN);
    let steps: Vec<(String, f64)> = s["steps"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(y, v)| (y.clone(), v.as_f64().unwrap_or(f64::NAN)))
                .collect()
        })
        .unwrap_or_default();
    let mut xs = vec![before];
    xs.extend(steps.iter().map(|s| s.1));
    let shown = numbers(lang, &xs);
    match steps.first() {
        None => format!("{} {}", shown[0], lang.t("(every year)", "(elk jaar)")),
        Some((first, _)) => {
            let mut parts = vec![format!(
                "{} {first}: {}",
                lang.t("before", "vóór"),
                shown[0]
            )];
            parts.extend(
                steps
                    .iter()
                    .zip(&shown[1..])
                    .map(|((y, _), v)| format!("{y}: {v}")),
            );
            format!(
                "{} {}",
                parts.join(lang.t("; ", " · ")),
                lang.t(
                    "(each value holds until the next)",
                    "(elke waarde geldt tot de volgende)"
                )
            )
        }
    }
}

/// The economy's variables, in scenario.json's order.
fn economy_variables(lang: Lang) -> [&'static str; 4] {
    [
        lang.t("house-price growth", "groei van de huizenprijzen"),
        lang.t("interest rate on new loans", "rente op nieuwe leningen"),
        lang.t("inflation", "inflatie"),
        lang.t("national unemployment", "landelijke werkloosheid"),
    ]
}

/// Rows (name with unit, value, key) of the parameters whose path starts with one of
/// `prefixes`.
fn parameter_rows(lang: Lang, params: &[Value], prefixes: &[&str]) -> Vec<Vec<String>> {
    params
        .iter()
        .filter_map(|p| {
            let path = p["path"].as_str()?;
            prefixes.iter().any(|x| path.starts_with(x)).then(|| {
                vec![
                    lang.parameter(path),
                    distribution(lang, p, path),
                    path.to_string(),
                ]
            })
        })
        .collect()
}

/// Appends the parameter section of the report for `sc` (scenario.json).
pub(super) fn section(h: &mut String, sc: &Value, lang: Lang) {
    let l = |en, nl| lang.t(en, nl);
    let params = sc["params"].as_array().cloned().unwrap_or_default();
    let header = [
        l("parameter", "parameter"),
        l("value", "waarde"),
        l("key in the scenario", "sleutel in het scenario"),
    ];
    let _ = writeln!(h, "<h2>{}</h2>", l("Inputs", "Invoer"));
    let _ = writeln!(
        h,
        "<p>{}</p>",
        esc(l(
            "Every input of the run, as the engine used it (scenario.json: the scenario with every default filled in). A distribution is drawn anew in every Monte Carlo draw: PERT(min, mode, max), triangular(min, mode, max), uniform(min, max), normal(mean, sd), lognormal(mean, sd, on the natural scale), beta(a, b, min, max), within [lower, upper] when truncated; a single number is the same in every draw.",
            "Alle invoer van de doorrekening, zoals het model die gebruikte (scenario.json: het scenario met alle standaardwaarden ingevuld). Een verdeling wordt in elke Monte Carlo-trekking opnieuw getrokken: PERT(min; modus; max), driehoek(min; modus; max), uniform(min; max), normaal(gemiddelde; sd), lognormaal(gemiddelde; sd, op de gewone schaal), beta(a; b; min; max), begrensd tot [onder; boven] als dat is opgegeven; één getal is in elke trekking gelijk.",
        ))
    );

    // The run and its data.
    let run = &sc["run"];
    let start = run["start_year"].as_i64().unwrap_or(0);
    let horizon = run["horizon"].as_i64().unwrap_or(0);
    let count = |k: &str| sc[k].as_array().map_or(0, Vec::len);
    let mut rows = vec![
        vec![
            l("years simulated", "doorgerekende jaren").to_string(),
            format!("{start}-{} ({horizon})", start + horizon - 1),
        ],
        vec![
            l("wijk table", "wijkentabel").to_string(),
            sc["data_file"].as_str().unwrap_or("").to_string(),
        ],
        vec![
            l(
                "wijken, municipalities, corporations",
                "wijken, gemeenten, corporaties",
            )
            .to_string(),
            format!(
                "{}, {}, {}",
                count("wijken"),
                count("municipalities"),
                count("corporations")
            ),
        ],
    ];
    if let Some(f) = sc["corporations_file"].as_str() {
        rows.insert(
            2,
            vec![
                l("corporations table", "corporatietabel").to_string(),
                f.to_string(),
            ],
        );
    }
    let _ = writeln!(
        h,
        "<h3>{}</h3>",
        l("Run and data", "Doorrekening en gegevens")
    );
    table(h, "", &[], 1, &rows);

    let group = |h: &mut String, title: &str, prefixes: &[&str], extra: Vec<Vec<String>>| {
        let mut rows = parameter_rows(lang, &params, prefixes);
        rows.extend(extra);
        if !rows.is_empty() {
            let _ = writeln!(h, "<h3>{}</h3>", esc(title));
            table(h, "", &header, 1, &rows);
        }
    };

    group(
        h,
        l(
            "Gaps and the social response",
            "Achterstanden en de sociale respons",
        ),
        &["gaps."],
        vec![],
    );

    // Indicators: what they are, then their parameters. The descriptive columns come first
    // and are left-aligned, so that they wrap; the numbers follow.
    let indicators = sc["indicators"].as_array().cloned().unwrap_or_default();
    let rows: Vec<Vec<String>> = indicators
        .iter()
        .map(|i| {
            let f = |k: &str| i[k].as_f64();
            let show = |k: &str| f(k).map_or("–".to_string(), |x| number(lang, x));
            let name = i["name"].as_str().unwrap_or("");
            vec![
                lang.indicator(name),
                lang.indicator_unit(i["unit"].as_str().unwrap_or("")),
                match i["better"].as_str() {
                    Some("lower") => l("lower", "lager"),
                    _ => l("higher", "hoger"),
                }
                .to_string(),
                format!(
                    "{}{}",
                    match i["response"].as_str() {
                        Some("physical") => l("physical investment", "fysieke investering"),
                        _ => l("social programmes", "sociale programma's"),
                    },
                    if i["leakage"].as_bool() == Some(true) {
                        l(", leaks as residents move", ", weglek door verhuizing")
                    } else {
                        ""
                    }
                ),
                show("city"),
                show("wijk"),
                format!(
                    "[{}{}{}]",
                    show("min"),
                    l(", ", "; "),
                    f("max").map_or("∞".to_string(), |x| number(lang, x))
                ),
                show("weight"),
                show("wijk_cv"),
            ]
        })
        .collect();
    let _ = writeln!(h, "<h3>{}</h3>", l("Indicators", "Indicatoren"));
    table(
        h,
        "",
        &[
            l("indicator", "indicator"),
            l("unit", "eenheid"),
            l("better", "beter"),
            l("closes with", "loopt in door"),
            l("city at the start", "stad bij de start"),
            l("wijk at the start", "wijk bij de start"),
            l("physical range", "fysiek bereik"),
            l(
                "weight in the composite gap",
                "gewicht in de samengestelde achterstand",
            ),
            l(
                "spread of the effect per wijk (cv)",
                "spreiding van het effect per wijk (cv)",
            ),
        ],
        4,
        &rows,
    );
    let rows = parameter_rows(lang, &params, &["indicators."]);
    table(h, "", &header, 1, &rows);
    let mut spill = vec![];
    if let Some(m) = sc["spillover"].as_object() {
        for (from, to) in m {
            for (k, v) in to.as_object().into_iter().flatten() {
                spill.push(vec![
                    format!("{} → {}", lang.indicator(from), lang.indicator(k)),
                    number(lang, v.as_f64().unwrap_or(f64::NAN)),
                ]);
            }
        }
    }
    if !spill.is_empty() {
        let _ = writeln!(
            h,
            "<p>{}</p>",
            esc(l(
                "Spillover: closing the first indicator's gap closes the second's by this share.",
                "Overloop: het inlopen van de achterstand op de eerste indicator loopt die op de tweede met dit deel in.",
            ))
        );
        table(h, "", &[], 1, &spill);
    }

    group(
        h,
        l("Property values", "Woningwaarde"),
        &["property."],
        vec![],
    );
    group(
        h,
        l("Municipalities", "Gemeenten"),
        &["municipalities."],
        vec![],
    );

    // Corporations: their parameters, then the allocation policy and year schedules, once
    // when all corporations share them, else per corporation.
    let corporations = sc["corporations"].as_array().cloned().unwrap_or_default();
    let mut extra = vec![];
    let per_corporation = |field: &str, show: &dyn Fn(&Value) -> String| -> Vec<Vec<String>> {
        let values: Vec<&Value> = corporations.iter().map(|c| &c[field]).collect();
        let name = lang.parameter_name(&format!("corporations.defaults.{field}"));
        let unit = lang.parameter_unit(&format!("corporations.defaults.{field}"));
        let label = |who: Option<&str>| {
            let mut s = name.clone();
            if let Some(w) = who {
                let _ = write!(s, ", {w}");
            }
            if !unit.is_empty() {
                let _ = write!(s, " ({unit})");
            }
            s
        };
        match values.first() {
            Some(first) if values.iter().all(|v| v == first) => {
                vec![vec![
                    label(None),
                    show(first),
                    format!("corporations.defaults.{field}"),
                ]]
            }
            _ => corporations
                .iter()
                .map(|c| {
                    let who = c["name"].as_str().unwrap_or("");
                    vec![
                        label(Some(&lang.corporation(
                            who,
                            c["sector_average"].as_bool() == Some(true),
                        ))),
                        show(&c[field]),
                        format!("corporations.overrides.{who}.{field}"),
                    ]
                })
                .collect(),
        }
    };
    extra.extend(per_corporation("allocation", &|v| {
        match v.as_str().unwrap_or("") {
            "pro_rata" => l(
                "pro rata: every part cut by capacity / plan",
                "naar rato: elk deel gekort met capaciteit / plan",
            ),
            "wijken_first" => l(
                "wijken first: the wijk plan and compensation first, the regular programme takes the rest",
                "wijken eerst: eerst het wijkplan en de compensatie, het reguliere programma krijgt de rest",
            ),
            "regular_first" => l(
                "regular first: the regular programme first, the wijken take the rest",
                "regulier eerst: eerst het reguliere programma, de wijken krijgen de rest",
            ),
            other => other,
        }
        .to_string()
    }));
    for field in ["levy", "rent_policy", "commitment"] {
        extra.extend(per_corporation(field, &|v| schedule(lang, v)));
    }
    group(
        h,
        l("Housing corporations", "Woningcorporaties"),
        &["corporations."],
        extra,
    );

    let _ = writeln!(h, "<h3>{}</h3>", l("State", "Rijk"));
    table(
        h,
        "",
        &header,
        1,
        &[vec![
            lang.parameter("state.budget_per_wijk"),
            schedule(lang, &sc["state_budget_per_wijk"]),
            "state.budget_per_wijk".into(),
        ]],
    );

    economy(h, &sc["economy"], start, lang);
}

/// The economy: means, shock sizes and persistence per variable, the correlations, the
/// shocks' distribution and the yearly overlays on the means.
fn economy(h: &mut String, e: &Value, start: i64, lang: Lang) {
    let l = |en, nl| lang.t(en, nl);
    let names = economy_variables(lang);
    let row_of = |k: &str, i: usize| e[k][i].as_f64().unwrap_or(f64::NAN);
    let _ = writeln!(h, "<h3>{}</h3>", l("Economy", "Economie"));
    let _ = writeln!(
        h,
        "<p>{}</p>",
        esc(&format!(
            "{} {}.",
            l(
                "A VAR(1) of four variables (shares per year) with correlated shocks, drawn from a",
                "Een VAR(1) van vier grootheden (aandelen per jaar) met samenhangende schokken uit een",
            ),
            match e["shocks"]["kind"].as_str() {
                Some("student_t") => format!(
                    "{} {} {}",
                    l("Student-t distribution with", "Student-t-verdeling met"),
                    number(lang, e["shocks"]["df"].as_f64().unwrap_or(f64::NAN)),
                    l("degrees of freedom", "vrijheidsgraden")
                ),
                _ => l("normal distribution", "normale verdeling").to_string(),
            }
        ))
    );
    let rows: Vec<Vec<String>> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            vec![
                name.to_string(),
                number(lang, row_of("mean", i)),
                number(lang, row_of("sd", i)),
                number(lang, row_of("persistence", i)),
            ]
        })
        .collect();
    table(
        h,
        "",
        &[
            l("variable", "grootheid"),
            l("long-run mean", "gemiddelde op lange termijn"),
            l("sd of the yearly shock", "sd van de jaarlijkse schok"),
            l("persistence", "persistentie"),
        ],
        1,
        &rows,
    );
    let mut header = vec![l("correlation of the shocks", "correlatie van de schokken")];
    header.extend(names);
    let rows: Vec<Vec<String>> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let mut r = vec![name.to_string()];
            r.extend(
                (0..4).map(|j| lang.number(e["correlation"][i][j].as_f64().unwrap_or(f64::NAN), 2)),
            );
            r
        })
        .collect();
    table(h, "", &header, 1, &rows);
    let overlay: Vec<Vec<String>> = e["overlay"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
        .filter_map(|(t, year)| {
            let xs: Vec<f64> = (0..4).map(|v| year[v].as_f64().unwrap_or(0.0)).collect();
            xs.iter().any(|&x| x != 0.0).then(|| {
                let mut r = vec![(start - 1 + t as i64).to_string()];
                r.extend(numbers(lang, &xs));
                r
            })
        })
        .collect();
    if overlay.is_empty() {
        let _ = writeln!(
            h,
            "<p>{}</p>",
            l(
                "No yearly overlays: the means hold in every year.",
                "Geen jaarlijkse afwijkingen: de gemiddelden gelden elk jaar."
            )
        );
    } else {
        let _ = writeln!(
            h,
            "<p>{}</p>",
            esc(l(
                "Yearly overlays, added to the long-run means (years without one are left out):",
                "Jaarlijkse afwijkingen, opgeteld bij de gemiddelden (jaren zonder afwijking zijn weggelaten):",
            ))
        );
        let mut header = vec![l("year", "jaar")];
        header.extend(names);
        table(h, "", &header, 1, &overlay);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn distributions_read_as_a_reader_writes_them() {
        let pert = json!({"dist": "pert", "min": 0.02, "mode": 0.05, "max": 0.1});
        let k = json!({"dist": "pert", "min": 139.515, "mode": 465.05, "max": 1860.2});
        let fitted = json!({"dist": "pert", "min": 0.06705052325963182, "mode": 0.16762630814907953, "max": 0.33525261629815906});
        for (lang, p, path, want) in [
            (Lang::En, &pert, "gaps.leak", "PERT(0.02, 0.05, 0.10)"),
            (Lang::Nl, &pert, "gaps.leak", "PERT(0,02; 0,05; 0,10)"),
            (
                Lang::Nl,
                &json!({"dist": "constant", "value": 2011.0}),
                "municipalities.defaults.cut_start",
                "2011",
            ),
            (Lang::Nl, &k, "gaps.k_half", "PERT(140; 465; 1.860)"),
            (Lang::En, &k, "gaps.k_half", "PERT(140, 465, 1860)"),
            (
                Lang::En,
                &fitted,
                "gaps.leak",
                "PERT(0.0671, 0.1676, 0.3353)",
            ),
            (
                Lang::Nl,
                &json!({"dist": "normal", "mean": 0.3, "sd": 0.1, "lower": 0.0}),
                "x",
                "normaal(0,3; 0,1) begrensd tot [0; ∞]",
            ),
            (
                Lang::En,
                &json!({"dist": "constant", "value": 160000.0}),
                "x",
                "160,000",
            ),
        ] {
            assert_eq!(distribution(lang, p, path), want);
        }
    }

    #[test]
    fn schedules_read_year_by_year() {
        let levy = json!({"before": 0.0, "steps": {"2013": 0.00381, "2014": 0.00449}});
        assert_eq!(
            schedule(Lang::Nl, &levy),
            "vóór 2013: 0 · 2013: 0,00381 · 2014: 0,00449 (elke waarde geldt tot de volgende)"
        );
        let none = json!({"before": 1.0, "steps": {}});
        assert_eq!(schedule(Lang::En, &none), "1 (every year)");
    }
}
