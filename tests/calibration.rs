//! `wijksim calibrate`: recovering known parameters, determinism, the written scenario, the
//! shipped defaults against the shipped fit table, and bad targets files.

mod common;
use common::small_baseline;
use std::path::{Path, PathBuf};
use std::process::Command;
use wijksim::calibrate::{
    self, Calibration, FitSpec, Options, Problem, Run, Target, Targets,
    quantity::{Quantity, Statistic},
};
use wijksim::scenario;

fn target(name: &str, quantity: Quantity, statistic: Statistic, band: (f64, f64)) -> Target {
    Target {
        name: name.into(),
        source: "the model itself".into(),
        note: String::new(),
        scenario: 0,
        against: None,
        quantity,
        statistic,
        band,
        weight: 1.0,
    }
}

/// Targets at the model's own values for `truth` (bands of +-`half` around them).
fn toy(scenario: &Path, fit: &[FitSpec], truth: &[f64], half: f64) -> Targets {
    let mut targets = Targets {
        file: PathBuf::from("(toy)"),
        draws: None,
        seed: None,
        fit: fit.to_vec(),
        runs: vec![Run {
            scenario: scenario.to_path_buf(),
            overrides: vec![],
        }],
        targets: vec![
            target(
                "livability",
                Quantity::IndicatorClosure {
                    indicator: "livability".into(),
                    year: 2014,
                },
                Statistic::Median,
                (0.0, 1.0),
            ),
            target(
                "value",
                Quantity::RelativeValueChange { year: 2016 },
                Statistic::Mean,
                (0.0, 1.0),
            ),
        ],
    };
    let p = Problem::new(&targets, fit, 300, 11).unwrap();
    let stats = p.evaluate(truth).unwrap().statistics(&targets.targets);
    for (t, s) in targets.targets.iter_mut().zip(stats) {
        t.band = (s - half * s.abs(), s + half * s.abs());
    }
    targets
}

fn fit_specs() -> Vec<FitSpec> {
    vec![
        FitSpec {
            path: "gaps.k_half".into(),
            lo: 300.0,
            hi: 4000.0,
            start: Some(1000.0),
        },
        FitSpec {
            path: "property.theta".into(),
            lo: 0.1,
            hi: 0.6,
            start: Some(0.3),
        },
    ]
}

fn opts(threads: usize, iterations: u64) -> Options {
    Options {
        draws: 300,
        seed: 11,
        threads,
        screen: 20,
        iterations,
        ..Options::default()
    }
}

#[test]
fn a_calibration_recovers_the_values_that_made_its_targets() {
    let dir = tempfile::tempdir().unwrap();
    let sc = small_baseline(dir.path());
    let fit = fit_specs();
    let truth = [2200.0, 0.45];
    let targets = toy(&sc, &fit, &truth, 0.002);
    let mut o = opts(2, 400);
    o.prior_weight = 0.0;
    let c = calibrate::run(&targets, &fit, &o).unwrap();
    // The fit table is on other draws than the search used: the fitted model is within three
    // Monte Carlo errors of each (narrow) band there, the start far outside one.
    let off = |t: &calibrate::TargetValue, band: (f64, f64)| {
        (band.0 - t.value).max(t.value - band.1).max(0.0) / t.mcse
    };
    for t in &c.targets {
        assert!(off(&t.after, t.band) < 3.0, "{}: {:?}", t.name, t.after);
    }
    assert!(c.targets.iter().any(|t| off(&t.before, t.band) > 10.0));
    // Within 3% of each parameter's box: the bands are 0.4% wide around the truth.
    for ((p, v), t) in c.parameters.iter().zip(&c.fitted).zip(truth) {
        assert!(
            (v - t).abs() < 0.03 * (p.hi - p.lo),
            "{}: fitted {v}, true {t}",
            p.path
        );
    }
}

#[test]
fn a_calibration_is_identical_twice_and_on_one_or_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    let sc = small_baseline(dir.path());
    let fit = fit_specs();
    let targets = toy(&sc, &fit, &[2200.0, 0.45], 0.01);
    let a = calibrate::run(&targets, &fit, &opts(1, 30)).unwrap();
    let b = calibrate::run(&targets, &fit, &opts(2, 30)).unwrap();
    let c = calibrate::run(&targets, &fit, &opts(2, 30)).unwrap();
    assert_eq!(a, b);
    assert_eq!(b, c);
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&c).unwrap()
    );
}

#[test]
fn the_written_scenario_is_the_fitted_one() {
    let dir = tempfile::tempdir().unwrap();
    let sc = small_baseline(dir.path());
    // A distribution, a constant, an indicator's key and a year of a schedule.
    let values = vec![
        ("gaps.k_half".to_string(), 2000.0),
        ("corporations.defaults.headroom_use".to_string(), 0.3),
        ("indicators.livability.effect".to_string(), 0.05),
        (
            "indicators.low_quality_housing.value_weight".to_string(),
            0.5,
        ),
        ("state.budget_per_wijk.2008".to_string(), 700_000.0),
    ];
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let text = scenario::fitted_document(&sc, &values, &out, "small_calibrated", "test").unwrap();
    assert!(text.contains("extends = \"../small.toml\""), "{text}");
    let path = out.join("calibrated.toml");
    std::fs::write(&path, &text).unwrap();
    let written = scenario::load(&path).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let fitted = scenario::load_fitted(&sc, &values, &[]).unwrap();
    let json = |s: &scenario::Scenario| serde_json::to_value(&s.params).unwrap();
    assert_eq!(json(&written), json(&fitted));
    assert_eq!(written.state_budget_per_wijk.at(2008), 700_000.0);
    assert_eq!(written.state_budget_per_wijk.at(2013), 0.0);
    // The whole indicator list came along, with the spillover it needs.
    assert_eq!(written.indicators.len(), 6);
    assert_eq!(written.spillover_matrix, fitted.spillover_matrix);
    let k_half = written
        .params
        .params
        .iter()
        .find(|p| p.path == "gaps.k_half")
        .unwrap();
    assert_eq!(k_half.param.spec.location(), 2000.0);
    // The same draws.
    let mut w1 = wijksim::model::Workspace::default();
    let mut w2 = wijksim::model::Workspace::default();
    for d in 0..5 {
        let a = wijksim::model::simulate_draw(&written, 3, d, &mut w1).clone();
        let b = wijksim::model::simulate_draw(&fitted, 3, d, &mut w2);
        assert_eq!(&a, b);
    }
}

/// The shipped calibration: calibration/result/calibration.json.
fn shipped() -> Calibration {
    serde_json::from_str(&std::fs::read_to_string("calibration/result/calibration.json").unwrap())
        .unwrap()
}

#[test]
fn the_shipped_defaults_are_the_fitted_values() {
    let c = shipped();
    for (path, v) in c.values() {
        let (file, key) = if path.starts_with("corporations.defaults.commitment") {
            ("scenarios/historisch.toml", path.clone())
        } else {
            ("scenarios/baseline.toml", path.clone())
        };
        let sc = scenario::load(Path::new(file)).unwrap();
        let shipped = match sc.params.params.iter().find(|p| p.path == key) {
            Some(p) => p.param.spec.location(),
            None => scenario::value_at(Path::new(file), &key).unwrap().unwrap(),
        };
        assert_eq!(shipped, v, "{file} {key}");
    }
}

#[test]
fn the_shipped_defaults_reproduce_the_fit_table() {
    let c = shipped();
    let targets = calibrate::targets::load(
        Path::new("calibration/targets.toml"),
        Path::new("scenarios/historisch.toml"),
    )
    .unwrap();
    // The scenarios as shipped, with nothing fitted: on the draws of the calibration's fit
    // table they give its "after" column exactly ...
    let as_is = Problem {
        targets: &targets,
        params: vec![],
        draws: c.draws,
        seed: calibrate::validation_seed(c.seed),
    };
    let e = as_is.evaluate(&[]).unwrap();
    for (t, v) in c.targets.iter().zip(e.describe(&targets.targets)) {
        assert_eq!(t.after.value, v.value, "{}", t.name);
        assert_eq!(
            (t.after.inside, t.after.near),
            (v.inside, v.near),
            "{}",
            t.name
        );
    }
    // ... and on 3,000 other draws every target the calibration reports inside (or at the
    // edge) is inside within three standard errors of the difference of two independent
    // estimates (the calibration's and this one's).
    let other = Problem {
        targets: &targets,
        params: vec![],
        draws: 3000,
        seed: 77,
    };
    let e = other.evaluate(&[]).unwrap();
    for (t, v) in c.targets.iter().zip(e.describe(&targets.targets)) {
        if t.after.inside || t.after.near {
            let tol = 3.0 * (v.mcse.powi(2) + t.after.mcse.powi(2)).sqrt().max(1e-12);
            assert!(
                v.value >= t.band.0 - tol && v.value <= t.band.1 + tol,
                "{}: {} ± {} outside {:?}",
                t.name,
                v.value,
                v.mcse,
                t.band
            );
        }
    }
}

fn wijksim() -> Command {
    Command::new(env!("CARGO_BIN_EXE_wijksim"))
}

#[test]
fn the_command_writes_the_fit_table_the_scenario_and_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let sc = small_baseline(dir.path());
    std::fs::write(
        dir.path().join("t.toml"),
        r#"
draws = 200
[[fit]]
path = "gaps.k_half"
lo = 300
hi = 4000
[[target]]
name = "livability"
source = "a test"
quantity = "indicator_closure"
indicator = "livability"
year = 2012
statistic = "median"
band = [0.1, 0.2]
[[target]]
name = "levy"
source = "a test"
quantity = "capacity"
from = 2014
to = 2017
counterfactual = { "corporations.defaults.regular_investment" = 0 }
combine = "ratio"
statistic = "median"
band = [0.5, 1.5]
"#,
    )
    .unwrap();
    let out = dir.path().join("cal");
    let o = wijksim()
        .arg("calibrate")
        .arg(&sc)
        .arg("--targets")
        .arg(dir.path().join("t.toml"))
        .args([
            "--screen",
            "4",
            "--iterations",
            "10",
            "--lang",
            "nl",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("livability") && stdout.contains("gaps.k_half"),
        "{stdout}"
    );
    for f in [
        "calibration.json",
        "fit.csv",
        "parameters.csv",
        "calibrated.toml",
        "calibration.html",
        "charts/calibration_targets.png",
        "charts/calibration_targets.svg",
        "run.complete",
    ] {
        assert!(out.join(f).exists(), "{f} missing");
    }
    assert_eq!(
        std::fs::read_to_string(out.join("fit.csv"))
            .unwrap()
            .lines()
            .count(),
        3
    );
    let html = std::fs::read_to_string(out.join("calibration.html")).unwrap();
    assert!(html.contains("Fittabel") && html.contains("<svg"));
    // The written scenario runs.
    let o = wijksim()
        .args(["validate"])
        .arg(out.join("calibrated.toml"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn bad_targets_files_are_rejected_with_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let sc = small_baseline(dir.path());
    let t = dir.path().join("bad.toml");
    std::fs::write(
        &t,
        r#"
[[fit]]
path = "gaps.k_half"
lo = 300
hi = 4000
[[target]]
name = "a"
source = "x"
quantity = "indicator_closure"
indicator = "livabilty"
year = 2012
statistic = "mediaan"
band = [0.3, 0.1]
[[target]]
name = "b"
source = "x"
quantity = "capacity"
from = 2014
to = 2030
statistic = "mean"
band = [0, 1]
sourse = "typo"
"#,
    )
    .unwrap();
    let o = wijksim()
        .arg("calibrate")
        .arg(&sc)
        .arg("--targets")
        .arg(&t)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    for needle in [
        "bad.toml",
        "target[0].statistic",
        "did you mean `median`?",
        "target[0].band",
        "target[1].sourse",
        "did you mean `source`?",
        "(line 12, column 1)",
    ] {
        assert!(err.contains(needle), "`{needle}` missing from:\n{err}");
    }
    // Quantities are checked against the scenario once the file itself is right; a fit path
    // that names nothing is refused before anything runs.
    for (target, needles) in [
        (
            "quantity = \"indicator_closure\"\nindicator = \"livabilty\"\nyear = 2030",
            ["no indicator `livabilty`", "did you mean `livability`?"],
        ),
        (
            "quantity = \"closure\"\nyear = 2012",
            ["gaps.k_hlf", "did you mean `gaps.k_half`?"],
        ),
    ] {
        std::fs::write(
            &t,
            format!(
                "[[target]]\nname = \"a\"\nsource = \"x\"\n{target}\nstatistic = \"median\"\nband = [0.1, 0.3]\n"
            ),
        )
        .unwrap();
        let o = wijksim()
            .arg("calibrate")
            .arg(&sc)
            .arg("--targets")
            .arg(&t)
            .args(["--fit", "gaps.k_hlf=300..4000"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        for n in needles {
            assert!(err.contains(n), "`{n}` missing from:\n{err}");
        }
    }
}

#[test]
fn a_calibration_does_not_depend_on_where_the_scenario_was_moved_before() {
    // The same fit (with its starts given) on the scenario and on a copy whose distributions
    // an earlier calibration moved elsewhere: the same result, bit for bit.
    let dir = tempfile::tempdir().unwrap();
    let sc = small_baseline(dir.path());
    let moved_dir = dir.path().join("moved");
    std::fs::create_dir_all(&moved_dir).unwrap();
    let text = scenario::fitted_document(
        &sc,
        &[
            ("gaps.k_half".to_string(), 2_731.172_839),
            ("property.theta".to_string(), 0.423_117_7),
        ],
        &moved_dir,
        "moved",
        "moved",
    )
    .unwrap();
    let moved = moved_dir.join("moved.toml");
    std::fs::write(&moved, text).unwrap();
    let fit = fit_specs();
    let truth = [2200.0, 0.45];
    let a = calibrate::run(&toy(&sc, &fit, &truth, 0.01), &fit, &opts(2, 40)).unwrap();
    let b = calibrate::run(&toy(&moved, &fit, &truth, 0.01), &fit, &opts(2, 40)).unwrap();
    assert_eq!(a.fitted, b.fitted);
    for (x, y) in a.targets.iter().zip(&b.targets) {
        assert_eq!((&x.before, &x.after), (&y.before, &y.after), "{}", x.name);
    }
}
