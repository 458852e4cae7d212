//! Charts, report.html and summary.xlsx: produced by every run, well-formed, redrawable from a
//! saved run, and with text drawn from the bundled font even where no system font can be
//! found.

use std::path::{Path, PathBuf};
use std::process::Command;

const STEMS: [&str; 8] = [
    "gap_fan",
    "closure_distribution",
    "wijken",
    "corporations_icr",
    "corporations_ltv",
    "closure_by_year",
    "value_uplift",
    "indicators",
];

fn wijksim() -> Command {
    Command::new(env!("CARGO_BIN_EXE_wijksim"))
}

/// Runs the baseline with few draws into `dir/run`, with font lookup made impossible: no
/// fontconfig file, no home, no data dirs.
fn run(dir: &Path, extra: &[&str]) -> PathBuf {
    let out = dir.join("run");
    let status = wijksim()
        .args([
            "run",
            "scenarios/baseline.toml",
            "-n",
            "1500",
            "-q",
            "--out",
        ])
        .arg(&out)
        .args(extra)
        .env("FONTCONFIG_FILE", dir.join("no-such-fonts.conf"))
        .env("FONTCONFIG_PATH", dir.join("no-such-dir"))
        .env("XDG_DATA_DIRS", dir.join("no-such-dir"))
        .env("HOME", dir.join("no-such-home"))
        .status()
        .unwrap();
    assert!(status.success());
    out
}

fn decode_png(path: &Path) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgb, "{}", path.display());
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

/// Share of dark pixels (all channels below 100) in a rectangle of an RGB image.
fn dark_share(img: &(u32, u32, Vec<u8>), x: (u32, u32), y: (u32, u32)) -> f64 {
    let (w, _, px) = img;
    let mut dark = 0;
    let mut all = 0;
    for yy in y.0..y.1 {
        for xx in x.0..x.1 {
            let i = ((yy * w + xx) * 3) as usize;
            all += 1;
            if px[i] < 100 && px[i + 1] < 100 && px[i + 2] < 100 {
                dark += 1;
            }
        }
    }
    dark as f64 / all as f64
}

#[test]
fn a_run_draws_every_chart_the_report_and_the_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &[]);
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let n_wijken = summary["wijken"].as_array().unwrap().len() as u32;
    assert_eq!(n_wijken, 40);

    for stem in STEMS {
        // SVG parses and has drawn content and text.
        let svg = std::fs::read_to_string(out.join(format!("charts/{stem}.svg"))).unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{stem}.svg: {e}"));
        let shapes = doc
            .descendants()
            .filter(|n| {
                matches!(
                    n.tag_name().name(),
                    "rect" | "polygon" | "polyline" | "circle" | "line" | "path"
                )
            })
            .count();
        let texts: Vec<String> = doc
            .descendants()
            .filter(|n| n.tag_name().name() == "text")
            .map(|n| n.text().unwrap_or("").to_string())
            .collect();
        assert!(shapes > 20, "{stem}.svg has only {shapes} shapes");
        assert!(
            texts.iter().any(|t| t.contains("baseline")),
            "{stem}.svg lacks the subtitle"
        );
        assert!(!svg.contains("NaN"), "{stem}.svg contains NaN");
        if stem == "wijken" {
            // A median dot per wijk, besides the legend's.
            let circles = doc
                .descendants()
                .filter(|n| n.tag_name().name() == "circle")
                .count() as u32;
            assert!(circles >= n_wijken, "wijken.svg has {circles} dots");
        }

        // PNG decodes with the expected size, is not blank, and has its title drawn.
        let img = decode_png(&out.join(format!("charts/{stem}.png")));
        let want_h = match stem {
            "wijken" => 260 + 30 * n_wijken,
            "corporations_icr" | "corporations_ltv" => 150 + 270 * 6,
            _ => 750,
        };
        assert_eq!((img.0, img.1), (1200, want_h), "{stem}.png size");
        let title = dark_share(&img, (20, 500), (10, 48));
        assert!(title > 0.03, "{stem}.png: no title text drawn ({title})");
        let plot = dark_share(&img, (0, 1200), (90, img.1));
        assert!(plot > 0.005, "{stem}.png: the plot area is blank ({plot})");
    }

    // The report: one self-contained page with every chart inline.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert_eq!(html.matches("<svg").count(), STEMS.len());
    assert!(!html.contains("<script"), "the report needs no scripts");
    assert!(
        !html.contains("src=\"http"),
        "the report loads nothing from the network"
    );
    assert!(!html.contains("NaN"));
    for needle in [
        "Headline",
        "P(halved)",
        "Halved in some year up to 2017",
        "Bijlmer",
        "Rotterdam",
        "gaps.leak",
        "Run",
    ] {
        assert!(html.contains(needle), "report.html lacks {needle}");
    }
    // Halved at the horizon (the headline) and halved in some year up to it (the chart's
    // lines) are both in summary.json, the second at least the first.
    let o = &summary["overall"];
    let (now, ever) = (
        o["p_halved"]["p"].as_f64().unwrap(),
        o["p_ever_halved"]["p"].as_f64().unwrap(),
    );
    assert!(
        ever >= now,
        "ever halved {ever} < halved at the horizon {now}"
    );

    // The workbook opens and has its sheets, with the wijken in them.
    use calamine::{Reader, Xlsx, open_workbook};
    let mut wb: Xlsx<_> = open_workbook(out.join("summary.xlsx")).unwrap();
    assert_eq!(
        wb.sheet_names(),
        [
            "about",
            "overall",
            "wijken",
            "corporations",
            "municipalities",
            "yearly"
        ]
    );
    let wijken = wb.worksheet_range("wijken").unwrap();
    assert_eq!(wijken.height(), 41);
    assert_eq!(wijken.get((0, 0)).unwrap().to_string(), "wijk");
    // yearly.csv names places as every file does: gemeente, wijk and corporatie columns.
    let text = std::fs::read_to_string(out.join("yearly.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "year",
            "scope",
            "gemeente",
            "wijk",
            "corporatie",
            "variable",
            "mean",
            "q05",
            "q25",
            "q50",
            "q75",
            "q95"
        ]
    );
    assert!(
        !text.contains(" / "),
        "a municipality and a wijk in one field"
    );
    let mut scopes = std::collections::BTreeMap::new();
    for r in reader.records() {
        let r = r.unwrap();
        let (scope, gemeente, wijk, corporatie) = (&r[1], &r[2], &r[3], &r[4]);
        *scopes.entry(scope.to_string()).or_insert(0) += 1;
        match scope {
            "overall" => assert!(gemeente.is_empty() && wijk.is_empty() && corporatie.is_empty()),
            "wijk" => assert!(!gemeente.is_empty() && !wijk.is_empty() && corporatie.is_empty()),
            _ => assert!(!gemeente.is_empty() && wijk.is_empty() && !corporatie.is_empty()),
        }
    }
    assert_eq!(scopes["wijk"], 40 * 11, "{scopes:?}");
    assert!(text.contains("wijk,Amsterdam,Bijlmer,,composite_gap"));
    let yearly = wb.worksheet_range("yearly").unwrap();
    let csv_rows = std::fs::read_to_string(out.join("yearly.csv"))
        .unwrap()
        .lines()
        .count();
    assert_eq!(yearly.height(), csv_rows);
}

#[test]
fn report_redraws_from_a_saved_run_in_dutch() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["--no-charts"]);
    assert!(!out.join("charts").exists(), "--no-charts drew charts");
    assert!(!out.join("report.html").exists());
    let status = wijksim()
        .args(["report", "--lang", "nl"])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<html lang=\"nl\">"));
    assert!(html.contains("Kerncijfers") && html.contains("trekkingen"));
    let svg = std::fs::read_to_string(out.join("charts/gap_fan.svg")).unwrap();
    assert!(
        svg.contains("stadsgemiddelde"),
        "Dutch labels in the charts"
    );
    assert!(out.join("charts/wijken.png").exists());
    assert!(out.join("summary.xlsx").exists());
}

#[test]
fn report_on_a_directory_that_is_not_a_run_fails_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let output = wijksim().arg("report").arg(dir.path()).output().unwrap();
    assert!(!output.status.success());
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("run.complete"), "{err}");
    assert!(err.contains("not a completed wijksim result"), "{err}");
}

#[test]
fn every_wijk_has_its_dot_when_every_municipality_has_its_own_colour() {
    // Rotterdam alone: no "other municipalities" group in the legend, and still a median dot
    // per wijk.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let o = wijksim()
        .args([
            "run",
            "scenarios/voorbeeld_rotterdam.toml",
            "-n",
            "1100",
            "-q",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let svg = std::fs::read_to_string(out.join("charts/wijken.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let circles = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "circle")
        .count();
    assert_eq!(circles, 7 + 1, "seven wijken and one legend dot");
    assert!(!svg.contains("other municipalities"));
}

/// The texts of an SVG chart.
fn svg_texts(path: &Path) -> Vec<String> {
    let svg = std::fs::read_to_string(path).unwrap();
    roxmltree::Document::parse(&svg)
        .unwrap()
        .descendants()
        .filter(|n| n.tag_name().name() == "text")
        .map(|n| n.text().unwrap_or("").trim().to_string())
        .collect()
}

/// The words a Dutch reader stumbled over (issue #14), which the Dutch outputs must not use:
/// "kloof" beside "achterstand", "gedicht" (a poem) for closed, "overschrijden" for falling
/// below the ICR minimum, "voor jaar 1" for "vóór", untranslated seed and Run.
fn dutch_slips(text: &str) -> Vec<&'static str> {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut found = vec![];
    for needle in ["kloof", "gedicht", "dichten", "overschrijd", "voor jaar 1"] {
        if lower.contains(needle) {
            found.push(needle);
        }
    }
    for word in ["seed", "run"] {
        if words.contains(&word) {
            found.push(word);
        }
    }
    found
}

#[test]
fn dutch_outputs_use_the_agreed_words() {
    assert_eq!(dutch_slips("de kloof is gedicht"), ["kloof", "gedicht"]);
    assert_eq!(dutch_slips("Run · seed 2007"), ["seed", "run"]);
    assert!(dutch_slips("het eerste punt is de start, vóór jaar 1; doorrekening").is_empty());
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["--lang", "nl"]);
    let cmp = dir.path().join("cmp");
    let sweep = dir.path().join("sweep");
    for args in [
        vec![
            "compare",
            "scenarios/baseline.toml",
            "scenarios/bezuinigingen.toml",
            "-n",
            "300",
        ],
        vec![
            "sweep",
            "scenarios/baseline.toml",
            "--set",
            "municipalities.defaults.budget_per_resident=0,150",
            "-n",
            "100",
        ],
    ] {
        let to = if args[0] == "compare" { &cmp } else { &sweep };
        let o = wijksim()
            .args(&args)
            .args(["--lang", "nl", "-q", "--out"])
            .arg(to)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let mut pages = vec![];
    for dir in [&out, &cmp, &sweep] {
        for entry in std::fs::read_dir(dir.join("charts")).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "svg") {
                let slips = dutch_slips(&svg_texts(&path).join("\n"));
                assert!(slips.is_empty(), "{}: {slips:?}", path.display());
            }
        }
        for page in ["report.html", "compare.html"] {
            if dir.join(page).exists() {
                pages.push(dir.join(page));
            }
        }
    }
    assert_eq!(pages.len(), 2);
    for page in pages {
        // Without the charts (checked above) and the scenarios' own descriptions, which are
        // the scenario author's words.
        let mut html = std::fs::read_to_string(&page).unwrap();
        while let (Some(a), Some(b)) = (html.find("<svg"), html.find("</svg>")) {
            html.replace_range(a..b + 6, "");
        }
        for sc in ["baseline", "bezuinigingen"] {
            let text = std::fs::read_to_string(format!("scenarios/{sc}.toml")).unwrap();
            let desc = text
                .lines()
                .find_map(|l| l.strip_prefix("description = \""))
                .unwrap()
                .trim_end_matches('"')
                .to_string();
            html = html.replace(&desc.replace('&', "&amp;"), "");
        }
        let slips = dutch_slips(&html);
        assert!(slips.is_empty(), "{}: {slips:?}", page.display());
    }
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    for needle in [
        "Doorrekening",
        "startgetal",
        "rekenkernen",
        "Ooit gehalveerd",
    ] {
        assert!(html.contains(needle), "report.html lacks {needle}");
    }
    // The closure-by-year chart says what its lines count, against the headline figure.
    let texts = svg_texts(&out.join("charts/closure_by_year.svg")).join("\n");
    assert!(texts.contains("ooit gehalveerd t/m dit jaar"), "{texts}");
    assert!(
        texts.contains("het kerncijfer P(achterstand gehalveerd)"),
        "{texts}"
    );
    // The indicator chart keeps its band legend in Dutch.
    let texts = svg_texts(&out.join("charts/indicators.svg"));
    for band in [
        "mediaan",
        "25-75% van de trekkingen",
        "10-90% van de trekkingen",
    ] {
        assert!(
            texts.iter().any(|t| t == band),
            "indicators.svg lacks {band}"
        );
    }
}

/// "x ± e" pairs in `text` (percentages or percentage points): (x, e) as written.
fn plus_minus(text: &str) -> Vec<(String, String)> {
    let mut out = vec![];
    for (i, _) in text.match_indices(" ± ") {
        let before = text[..i]
            .rsplit(|c: char| c.is_whitespace() || c == '>')
            .next()
            .unwrap();
        let after = text[i + " ± ".len()..]
            .split(|c: char| c.is_whitespace() || c == '<' || c == ')' || c == ',')
            .next()
            .unwrap();
        let numeric = |s: &str| {
            s.trim_start_matches(['+', '-'])
                .starts_with(|c: char| c.is_ascii_digit())
        };
        if numeric(before) && numeric(after) {
            out.push((before.to_string(), after.to_string()));
        }
    }
    out
}

/// The digits after the decimal mark and the significant digits of a number as written.
fn digits(s: &str) -> (usize, usize) {
    let n = s.trim_start_matches(['+', '-']).trim_end_matches('%');
    let decimals = n.split(['.', ',']).nth(1).map_or(0, str::len);
    let significant = n
        .chars()
        .filter(char::is_ascii_digit)
        .skip_while(|&c| c == '0')
        .count();
    (decimals, significant)
}

#[test]
fn monte_carlo_errors_show_two_significant_digits() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let o = wijksim()
        .args(["run", "-n", "4000", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let terminal = String::from_utf8_lossy(&o.stdout).to_string();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    for (what, text) in [("terminal", &terminal), ("report.html", &html)] {
        let pairs = plus_minus(text);
        assert!(pairs.len() >= 4, "{what}: {pairs:?}");
        for (x, e) in pairs {
            if e == "0%" || e == "0" {
                continue; // no error at all (a probability of 0)
            }
            let ((dx, _), (de, se)) = (digits(&x), digits(&e));
            assert_eq!(
                dx, de,
                "{what}: {x} ± {e}: the estimate to the error's decimal"
            );
            assert!(
                (2..=3).contains(&se),
                "{what}: {x} ± {e}: the error with two significant digits"
            );
            assert_ne!(e.trim_end_matches('%'), "0.0", "{what}: {x} ± {e}");
        }
    }
    // P(LTV above the limit) is about 1.5% at 4,000 draws: its error, about 0.19 percentage
    // points, shows as such.
    let ltv = terminal
        .split("above the LTV limit ")
        .nth(1)
        .and_then(|t| t.lines().next())
        .unwrap();
    assert!(
        ["± 0.18%", "± 0.19%", "± 0.20%"]
            .iter()
            .any(|e| ltv.ends_with(e)),
        "{ltv}"
    );
}

/// The report's input section, from its heading to the run table, with the tags removed.
fn inputs_section(html: &str, heading: &str) -> String {
    let start = html.find(heading).expect("an input section");
    let end = start
        + html[start..]
            .find("<h2>Doorrekening")
            .or_else(|| html[start..].find("<h2>Run"))
            .unwrap();
    let mut text = String::new();
    let mut in_tag = false;
    for c in html[start..end].chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&amp;", "&")
}

#[test]
fn the_report_shows_every_input_readably() {
    // historisch has year schedules (levy, rent policy, commitment, state budget) and
    // overlays on the economy.
    let dir = tempfile::tempdir().unwrap();
    for lang in ["en", "nl"] {
        let out = dir.path().join(lang);
        let o = wijksim()
            .args([
                "run",
                "scenarios/historisch.toml",
                "-n",
                "300",
                "-q",
                "--lang",
                lang,
                "--out",
            ])
            .arg(&out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let html = std::fs::read_to_string(out.join("report.html")).unwrap();
        let (heading, wants): (&str, &[&str]) = if lang == "en" {
            (
                "<h2>Inputs",
                &[
                    "Depth of the municipal cut (share of the budget)",
                    "PERT(0.05, 0.10, 0.20)",
                    "First year of the municipal cut",
                    "Landlord levy (share of the WOZ value per year)",
                    "before 2013: 0; 2013: 0.00014; 2014: 0.00381",
                    "Real rent increase",
                    "Wijk commitment",
                    "Allocation when capacity falls short",
                    "State budget per wijk (EUR per year)",
                    "2008: 1,000,000; 2013: 0",
                    "long-run mean",
                    "persistence",
                    "correlation of the shocks",
                    "Yearly overlays",
                    "Unemployment → Income",
                    "Feeling unsafe: yearly closure at full response",
                ],
            )
        } else {
            (
                "<h2>Invoer",
                &[
                    "Omvang van de gemeentelijke bezuiniging (aandeel van het budget)",
                    "PERT(0,05; 0,10; 0,20)",
                    "Verhuurderheffing (aandeel van de WOZ-waarde per jaar)",
                    "vóór 2013: 0 · 2013: 0,00014 · 2014: 0,00381",
                    "Reële huurverhoging",
                    "Wijkinzet van de corporaties",
                    "Verdeling bij te weinig investeringscapaciteit",
                    "Rijksbudget per wijk (EUR per jaar)",
                    "2008: 1.000.000 · 2013: 0",
                    "gemiddelde op lange termijn",
                    "persistentie",
                    "correlatie van de schokken",
                    "Jaarlijkse afwijkingen",
                    "Werkloosheid → Inkomen",
                ],
            )
        };
        let text = inputs_section(&html, heading);
        for want in wants {
            assert!(
                text.contains(want),
                "{lang}: the inputs lack {want:?}:\n{text}"
            );
        }
        // Years as years, no raw serialisation of distributions.
        assert!(text.contains(" 2011 "), "{lang}: the cut's first year");
        for raw in ["constant value", "pert max", "2011.0", "2.011", "2,011"] {
            assert!(!text.contains(raw), "{lang}: {raw:?} in the inputs");
        }
        if lang == "nl" {
            // Dutch decimals: no number with a decimal point (keys like gaps.leak aside).
            let english = text
                .split_whitespace()
                .filter(|w| !w.contains(|c: char| c.is_ascii_alphabetic()))
                .map(|w| w.trim_matches(|c: char| !c.is_ascii_digit()))
                .find(|w| {
                    w.split('.').count() == 2
                        && w.split('.').all(|p| !p.is_empty())
                        && w.split('.').nth(1).is_some_and(|d| d.len() != 3)
                });
            assert_eq!(english, None, "an English decimal in the Dutch inputs");
        }
    }
}
