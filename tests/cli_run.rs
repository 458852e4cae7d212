//! The binary end to end in a temporary folder: results are byte-identical for any number of
//! threads, `validate` and `list` work, and the default run uses 10,000 draws.

use std::path::Path;
use std::process::Command;

fn wijksim() -> Command {
    Command::new(env!("CARGO_BIN_EXE_wijksim"))
}

fn run(out: &Path, threads: &str) {
    let o = wijksim()
        .args([
            "run",
            "scenarios/baseline.toml",
            "-n",
            "2500",
            "--seed",
            "17",
            "--no-charts",
            "-q",
        ])
        .args(["--threads", threads, "--out"])
        .arg(out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn one_and_two_threads_write_byte_identical_results() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("t1"), dir.path().join("t2"));
    run(&a, "1");
    run(&b, "2");
    for f in ["summary.json", "yearly.csv", "wijken.csv", "scenario.json"] {
        let (x, y) = (
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
        );
        assert!(!x.is_empty());
        assert!(x == y, "{f} differs between 1 and 2 threads");
    }
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(b.join("meta.json")).unwrap()).unwrap();
    assert_eq!(meta["threads"], 2);
    assert_eq!(meta["seed"], 17);
    assert_eq!(meta["draws"], 2500);
    assert_eq!(meta["scenario_hash"].as_str().unwrap().len(), 64);
    assert!(meta["draws_per_s"].as_f64().unwrap() > 0.0);
}

#[test]
fn the_terminal_summary_has_the_headline_and_a_line_per_municipality() {
    let dir = tempfile::tempdir().unwrap();
    let o = wijksim()
        .args(["run", "-n", "1200", "--no-charts", "--out"])
        .arg(dir.path().join("r"))
        .output()
        .unwrap();
    assert!(o.status.success());
    let out = String::from_utf8_lossy(&o.stdout);
    for needle in [
        "baseline: 1200 draws",
        "median",
        "90% interval",
        "P(halved)",
        "below the ICR limit",
        "above the LTV limit",
        "P(ICR < min)",
        "P(LTV > max)",
        "Zaanstad",
        "Amsterdam (sector average)",
    ] {
        assert!(out.contains(needle), "{needle} missing:\n{out}");
    }
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("r/summary.json")).unwrap()).unwrap();
    assert_eq!(summary["municipalities"].as_array().unwrap().len(), 18);
}

#[test]
fn validate_and_list() {
    let o = wijksim()
        .args(["validate", "scenarios/baseline.toml"])
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("40 wijken in 18 municipalities, 6 indicators")
    );
    let o = wijksim()
        .args(["validate", "--resolved", "scenarios/baseline.toml"])
        .output()
        .unwrap();
    let sc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        sc["run"]["draws"], 10000,
        "the baseline runs 10,000 draws by default"
    );
    assert_eq!(sc["indicators"].as_array().unwrap().len(), 6);
    assert!(
        sc["params"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["path"] == "gaps.leak" && p["dist"] == "pert")
    );
    let o = wijksim().args(["list"]).output().unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    for name in [
        "baseline",
        "bezuinigingen",
        "verhuurderheffing",
        "crisis",
        "historisch",
        "sociale_stijging",
        "compensatie",
    ] {
        assert!(text.contains(name), "{name} not listed:\n{text}");
    }
    assert!(text.contains("The 2007 plan"));
}
