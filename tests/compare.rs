//! `wijksim compare`: scenarios on the same draws, compared draw by draw.

use std::path::Path;
use std::process::Command;
use wijksim::compare::{self, CompareOptions};
use wijksim::scenario::{self, Scenario};

fn load(p: &Path) -> Scenario {
    scenario::load(p).unwrap_or_else(|e| panic!("{e}"))
}

fn baseline() -> Scenario {
    load(Path::new("scenarios/baseline.toml"))
}

/// A child of the baseline with deeper and earlier municipal cuts, written into `dir`.
fn deeper_cuts(dir: &Path) -> Scenario {
    let base = std::fs::canonicalize("scenarios/baseline.toml").unwrap();
    let path = dir.join("cuts.toml");
    std::fs::write(
        &path,
        format!(
            r#"extends = "{}"
name = "cuts"
description = "deeper and earlier municipal cuts"
[municipalities.defaults]
cut_depth = {{ dist = "pert", min = 0.25, mode = 0.35, max = 0.45 }}
cut_start = 2010
"#,
            base.display()
        ),
    )
    .unwrap();
    load(&path)
}

fn opts(draws: u64, threads: usize) -> CompareOptions {
    CompareOptions {
        draws,
        seed: 31,
        threads,
        ..Default::default()
    }
}

#[test]
fn a_scenario_compared_with_itself_differs_by_exactly_zero_in_every_draw() {
    let a = baseline();
    let f = compare::run(&[a.clone(), a], &opts(1500, 2)).unwrap();
    let c = &f.comparisons[0];
    for s in [
        &c.gap_closure_difference,
        &c.realised_wijk_investment_difference_eur,
        &c.value_uplift_difference_eur,
    ] {
        // min and max over all draws are 0, so every single draw's difference is 0.
        assert_eq!((s.min, s.max, s.mean, s.sd), (0.0, 0.0, 0.0, 0.0));
    }
    for e in [
        &c.p_halved_difference,
        &c.p_breach_icr_difference,
        &c.p_breach_ltv_difference,
    ] {
        // No draw in which only one of the two halves the gap or breaches a limit.
        assert_eq!(
            (e.mean, e.sd, e.p_better.p, e.p_worse.p),
            (0.0, 0.0, 0.0, 0.0)
        );
    }
    for w in &c.wijken {
        assert_eq!(
            (w.difference.min, w.difference.max),
            (0.0, 0.0),
            "{}",
            w.wijk
        );
        assert_eq!(w.p_better.p, 0.0);
    }
    assert_eq!((c.p_better.p, c.p_worse.p), (0.0, 0.0));
    assert!(c.variance_reduction.factor.is_infinite());
}

#[test]
fn paired_differences_are_far_sharper_than_independent_runs() {
    let cuts = load(Path::new("scenarios/bezuinigingen.toml"));
    let f = compare::run(&[baseline(), cuts], &opts(4000, 2)).unwrap();
    let c = &f.comparisons[0];
    let v = &c.variance_reduction;
    // The cut lowers closure in nearly every draw: the mean difference is negative by many
    // paired standard errors, where independent runs could not tell it from noise.
    let d = &c.gap_closure_difference;
    assert!(d.mean < -10.0 * d.mcse, "{} ± {}", d.mean, d.mcse);
    let independent_se = (v.independent_variance / f.draws as f64).sqrt();
    assert!(
        d.mean.abs() < 3.0 * independent_se,
        "the effect would be visible without pairing"
    );
    // Observed for baseline vs bezuinigingen with the shipped defaults: about 6,400 times
    // smaller on 10,000 draws (README, "Comparing policies").
    assert!(v.factor > 1000.0, "variance reduction only {}", v.factor);
    assert!(c.p_worse.p > 0.9);
    // The paired P(halved) difference has a far smaller error than independent estimates.
    let h = &c.p_halved_difference;
    assert!(h.mean <= 0.0);
}

#[test]
fn comparison_is_identical_for_any_number_of_threads() {
    let dir = tempfile::tempdir().unwrap();
    let scenarios = [baseline(), deeper_cuts(dir.path())];
    let one = serde_json::to_string(&compare::run(&scenarios, &opts(2300, 1)).unwrap()).unwrap();
    let two = serde_json::to_string(&compare::run(&scenarios, &opts(2300, 2)).unwrap()).unwrap();
    assert!(one == two);
}

#[test]
fn the_reference_of_a_comparison_matches_its_own_run() {
    // Compare sees the same draws as `run`: the reference's closure distribution is the same.
    let a = baseline();
    let f = compare::run(&[a.clone(), a.clone()], &opts(1200, 2)).unwrap();
    let run = wijksim::engine::run(
        &a,
        &wijksim::engine::RunOptions {
            draws: 1200,
            seed: 31,
            threads: 2,
            progress: false,
            ..Default::default()
        },
        None,
    )
    .unwrap();
    let s = wijksim::output::summary(&a, &run);
    assert_eq!(f.scenarios[0].gap_closure.mean, s.overall.gap_closure.mean);
    assert_eq!(f.scenarios[0].p_halved.p, s.overall.p_halved.p);
    assert_eq!(f.scenarios[0].p_any_breach.p, s.overall.p_any_breach.p);
}

#[test]
fn every_library_scenario_validates_and_runs() {
    let mut n = 0;
    for entry in std::fs::read_dir("scenarios").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let sc = load(&path);
            let r = wijksim::engine::run(
                &sc,
                &wijksim::engine::RunOptions {
                    draws: 300,
                    seed: 1,
                    threads: 2,
                    progress: false,
                    ..Default::default()
                },
                None,
            )
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let s = wijksim::output::summary(&sc, &r);
            assert!(s.overall.gap_closure.mean.is_finite(), "{}", path.display());
            assert!(
                !sc.description.is_empty(),
                "{} has no description",
                path.display()
            );
            n += 1;
        }
    }
    assert!(n >= 1);
}

#[test]
fn compare_command_writes_json_csv_charts_and_report() {
    let dir = tempfile::tempdir().unwrap();
    deeper_cuts(dir.path());
    let out = dir.path().join("cmp");
    let o = Command::new(env!("CARGO_BIN_EXE_wijksim"))
        .args(["compare", "scenarios/baseline.toml"])
        .arg(dir.path().join("cuts.toml"))
        .args(["-n", "1200", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("cuts vs baseline") && stdout.contains("times sharper"),
        "{stdout}"
    );
    let f: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("compare.json")).unwrap()).unwrap();
    assert_eq!(f["comparisons"][0]["wijken"].as_array().unwrap().len(), 40);
    let csv = std::fs::read_to_string(out.join("compare.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 6 + 40);
    // Places in their own columns; events (0/1 per draw) as probabilities, not quantiles.
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "scenario", "against", "scope", "gemeente", "wijk", "quantity", "mean", "sd", "mcse",
            "q05", "q25", "q50", "q75", "q95", "p_better", "p_worse"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let col = |r: &csv::StringRecord, name: &str| {
        r[header.iter().position(|h| h == name).unwrap()].to_string()
    };
    let num = |r: &csv::StringRecord, name: &str| col(r, name).parse::<f64>().unwrap();
    let mut events = 0;
    for r in &rows {
        let q = col(r, "quantity");
        if [
            "p_halved_difference",
            "p_breach_icr_difference",
            "p_breach_ltv_difference",
        ]
        .contains(&q.as_str())
        {
            events += 1;
            for quantile in ["q05", "q25", "q50", "q75", "q95"] {
                assert_eq!(
                    col(r, quantile),
                    "",
                    "{q}: no quantiles of a 0/1 difference"
                );
            }
            let (better, worse) = (num(r, "p_better"), num(r, "p_worse"));
            // The mean is P_B - P_A: halving is better, a breach worse.
            let want = if q == "p_halved_difference" {
                better - worse
            } else {
                worse - better
            };
            assert!((num(r, "mean") - want).abs() < 1e-12, "{q}: {r:?}");
        } else {
            num(r, "q50");
        }
        if col(r, "scope") == "wijk" {
            assert!(!col(r, "gemeente").is_empty() && !col(r, "wijk").contains(" / "));
            num(r, "p_worse");
        } else {
            assert_eq!(
                (col(r, "gemeente"), col(r, "wijk")),
                (String::new(), String::new())
            );
        }
    }
    assert_eq!(events, 3);
    let html = std::fs::read_to_string(out.join("compare.html")).unwrap();
    assert_eq!(html.matches("<svg").count(), 4);
    for stem in [
        "compare_fans",
        "compare_difference",
        "compare_wijken_cuts",
        "compare_icr",
    ] {
        let svg = std::fs::read_to_string(out.join(format!("charts/{stem}.svg"))).unwrap();
        roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{stem}: {e}"));
        assert!(out.join(format!("charts/{stem}.png")).exists());
    }
}

#[test]
fn scenarios_with_different_wijken_cannot_be_compared() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string("scenarios/baseline.toml").unwrap();
    let csv = std::fs::read_to_string("scenarios/data/aandachtswijken.csv").unwrap();
    let short: Vec<&str> = csv.lines().take(30).collect();
    std::fs::write(dir.path().join("w.csv"), short.join("\n") + "\n").unwrap();
    std::fs::write(
        dir.path().join("short.toml"),
        text.replace("data/aandachtswijken.csv", "w.csv")
            .replace("name = \"baseline\"", "name = \"short\""),
    )
    .unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_wijksim"))
        .args(["compare", "scenarios/baseline.toml"])
        .arg(dir.path().join("short.toml"))
        .args(["-n", "100", "--out"])
        .arg(dir.path().join("x"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("different wijken"), "{err}");
    assert!(
        !dir.path().join("x").exists(),
        "nothing written for a refused comparison"
    );
}
