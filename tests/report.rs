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
        "Bijlmer",
        "Rotterdam",
        "gaps.leak",
        "Run",
    ] {
        assert!(html.contains(needle), "report.html lacks {needle}");
    }

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
