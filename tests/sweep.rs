//! `wijksim sweep`: grid points share their draws, so the same lever value gives the same
//! numbers in any sweep, and curves are smooth in the lever.

use std::path::Path;
use std::process::Command;
use wijksim::sweep::{self, Lever};

fn lever(s: &str) -> Lever {
    s.parse().unwrap()
}

#[test]
fn the_same_lever_value_gives_identical_numbers_in_two_sweeps() {
    let base = Path::new("scenarios/baseline.toml");
    let a = sweep::run(
        base,
        &[lever("municipalities.defaults.budget_per_resident=100,150")],
        Some(1500),
        Some(4),
        2,
        &Default::default(),
    )
    .unwrap();
    let b = sweep::run(
        base,
        &[lever(
            "municipalities.defaults.budget_per_resident=150,250,400",
        )],
        Some(1500),
        Some(4),
        1,
        &Default::default(),
    )
    .unwrap();
    let pa = &a.points[1];
    let pb = &b.points[0];
    assert_eq!(pa.at, pb.at);
    assert_eq!(
        serde_json::to_string(pa).unwrap(),
        serde_json::to_string(pb).unwrap()
    );
    // The baseline's own value reproduces a plain run of the baseline.
    let sc = wijksim::scenario::load(base).unwrap();
    let run = wijksim::engine::run(
        &sc,
        &wijksim::engine::RunOptions {
            draws: 1500,
            seed: 4,
            threads: 2,
            progress: false,
            ..Default::default()
        },
        None,
    )
    .unwrap();
    let s = wijksim::output::summary(&sc, &run);
    assert_eq!(pa.gap_closure.mean, s.overall.gap_closure.mean);
    // More municipal money closes more of the gap, by more than the paired noise.
    let m: Vec<f64> = b.points.iter().map(|p| p.gap_closure.mean).collect();
    assert!(m[0] < m[1] && m[1] < m[2], "{m:?}");
}

#[test]
fn a_two_lever_grid_has_every_combination() {
    let f = sweep::run(
        Path::new("scenarios/baseline.toml"),
        &[
            lever("gaps.retention=0,0.5"),
            lever("corporations.defaults.physical_share=0.3,0.6,0.9"),
        ],
        Some(300),
        Some(1),
        2,
        &Default::default(),
    )
    .unwrap();
    assert_eq!(f.points.len(), 6);
    let at: Vec<Vec<f64>> = f.points.iter().map(|p| p.at.clone()).collect();
    assert_eq!(at[0], vec![0.0, 0.3]);
    assert_eq!(at[1], vec![0.5, 0.3]);
    assert_eq!(at[5], vec![0.5, 0.9]);
    assert_eq!(sweep::csv_rows(&f).len(), 7);
}

#[test]
fn bad_levers_are_refused_with_the_path_named() {
    for (set, needle) in [
        ("gaps.leek=0.1", "did you mean `leak`"),
        ("gaps.leak=1.5", "gaps.leak"),
        ("gaps.leak=abc", "not a number"),
        ("gaps=0.1", "expected a table"),
        ("leak", "expected PATH=v1,v2"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let o = Command::new(env!("CARGO_BIN_EXE_wijksim"))
            .args([
                "sweep",
                "scenarios/baseline.toml",
                "--set",
                set,
                "-n",
                "50",
                "--out",
            ])
            .arg(dir.path().join("s"))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{set}: {err}");
        assert!(err.contains(needle), "{set}: {err}");
        assert!(!dir.path().join("s").exists(), "{set}: wrote output");
    }
}

#[test]
fn sweep_command_writes_table_json_and_charts() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s");
    let o = Command::new(env!("CARGO_BIN_EXE_wijksim"))
        .args([
            "sweep",
            "scenarios/baseline.toml",
            "--set",
            "municipalities.defaults.cut_depth=0,0.2,0.4",
            "-n",
            "400",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        std::fs::read_to_string(out.join("sweep.csv"))
            .unwrap()
            .lines()
            .count(),
        4
    );
    let f: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("sweep.json")).unwrap()).unwrap();
    assert_eq!(f["points"].as_array().unwrap().len(), 3);
    for stem in [
        "sweep_gap_closure",
        "sweep_p_halved",
        "sweep_p_breach_icr",
        "sweep_p_breach_ltv",
    ] {
        let svg = std::fs::read_to_string(out.join(format!("charts/{stem}.svg"))).unwrap();
        roxmltree::Document::parse(&svg).unwrap();
        assert!(out.join(format!("charts/{stem}.png")).exists());
    }
}

/// The texts of an SVG chart, in document order.
fn svg_texts(svg: &str) -> Vec<String> {
    roxmltree::Document::parse(svg)
        .unwrap()
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").trim().to_string())
        .collect()
}

#[test]
fn lever_axes_show_the_grid_values_and_a_readable_label() {
    let grid = [0.0, 0.005, 0.01, 0.015, 0.02, 0.025, 0.03];
    let set = format!(
        "corporations.defaults.levy={}",
        grid.map(|x| x.to_string()).join(",")
    );
    for (lang, label, decimal) in [
        ("en", "Landlord levy (share of the WOZ value per year)", '.'),
        (
            "nl",
            "Verhuurderheffing (aandeel van de WOZ-waarde per jaar)",
            ',',
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("s");
        let o = Command::new(env!("CARGO_BIN_EXE_wijksim"))
            .args(["sweep", "scenarios/baseline.toml", "--set", &set])
            .args(["-n", "64", "--lang", lang, "-q", "--out"])
            .arg(&out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        for stem in ["sweep_gap_closure", "sweep_p_breach_icr"] {
            let texts = svg_texts(
                &std::fs::read_to_string(out.join(format!("charts/{stem}.svg"))).unwrap(),
            );
            assert!(texts.iter().any(|t| t == label), "{lang} {stem}: {texts:?}");
            assert!(
                !texts.iter().any(|t| t.contains("defaults.levy")),
                "{lang} {stem}: a raw key on the chart: {texts:?}"
            );
            // The x ticks are the texts that read as plain numbers (the y ticks are
            // percentages): exactly the grid values, each with the grid's three decimals.
            let ticks: Vec<&String> = texts
                .iter()
                .filter(|t| t.replace(decimal, ".").parse::<f64>().is_ok())
                .collect();
            let values: Vec<f64> = ticks
                .iter()
                .map(|t| t.replace(decimal, ".").parse().unwrap())
                .collect();
            assert_eq!(values, grid, "{lang} {stem}: ticks {ticks:?}");
            assert!(
                ticks
                    .iter()
                    .all(|t| t.split(decimal).nth(1).map(str::len) == Some(3)),
                "{lang} {stem}: ticks {ticks:?}"
            );
        }
    }
}
