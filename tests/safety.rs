//! Safe outputs: no directory looks complete unless it is. A completion marker is written
//! last; occupied directories need --force; Ctrl-C and SIGTERM stop cleanly; a killed run
//! leaves no marker; absurd sizes are refused with an estimate; a bad draw can be replayed.

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn wijksim() -> Command {
    Command::new(env!("CARGO_BIN_EXE_wijksim"))
}

fn run(args: &[&str], out: &Path) -> Output {
    wijksim()
        .args(["run", "scenarios/baseline.toml"])
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|r| {
            r.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn a_finished_run_is_marked_complete_and_not_overwritten_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    assert!(
        run(&["-n", "300", "-q", "--no-charts"], &out)
            .status
            .success()
    );
    assert!(out.join("run.complete").is_file());
    let marker = std::fs::read_to_string(out.join("run.complete")).unwrap();
    assert!(marker.contains("summary.json") && marker.contains("\"command\": \"run\""));
    let before = std::fs::read(out.join("summary.json")).unwrap();

    // Again without --force: refused, exit 2, the old result untouched.
    let o = run(&["-n", "400", "-q", "--no-charts"], &out);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("already holds a completed result") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(std::fs::read(out.join("summary.json")).unwrap(), before);
    assert!(out.join("run.complete").is_file());

    // With --force: replaced.
    let o = run(&["-n", "400", "-q", "--no-charts", "--force"], &out);
    assert!(o.status.success());
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["draws"], 400);
    assert!(out.join("run.complete").is_file());
}

#[test]
fn report_refuses_a_directory_without_the_marker() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    assert!(
        run(&["-n", "300", "-q", "--no-charts"], &out)
            .status
            .success()
    );
    std::fs::remove_file(out.join("run.complete")).unwrap();
    let o = wijksim().arg("report").arg(&out).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("not a completed wijksim result"), "{err}");
    assert!(!out.join("report.html").exists());
}

/// Starts a long run (millions of draws on one thread) into `out`.
fn start_long_run(out: &Path, extra: &[&str]) -> Child {
    wijksim()
        .args([
            "run",
            "scenarios/baseline.toml",
            "-n",
            "50000000",
            "--threads",
            "1",
            "--force",
            "-q",
            "--out",
        ])
        .arg(out)
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits until the run has really started (its directory exists), then a little more.
fn wait_until_running(out: &Path) {
    let start = Instant::now();
    while !out.exists() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the run never started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(700));
}

fn signal(child: &Child, sig: i32) {
    // SAFETY: sending a signal to our own child process by its pid.
    let rc = unsafe { libc::kill(child.id() as libc::pid_t, sig) };
    assert_eq!(rc, 0);
}

#[test]
fn ctrl_c_and_sigterm_stop_cleanly_and_keep_nothing() {
    for sig in [libc::SIGINT, libc::SIGTERM] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("run");
        let child = start_long_run(&out, &["--save-draws"]);
        wait_until_running(&out);
        signal(&child, sig);
        let o = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(130), "signal {sig}: {err}");
        assert!(
            err.contains("interrupted after") && err.contains("of 50000000 draws"),
            "{err}"
        );
        assert!(err.contains("nothing was kept"), "{err}");
        // Nothing that could be taken for a result: no marker, no outputs, no partial files.
        assert!(
            names(&out).is_empty(),
            "signal {sig} left {:?}",
            names(&out)
        );
    }
}

#[test]
fn a_killed_run_leaves_nothing_that_looks_complete() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let mut child = start_long_run(&out, &["--save-draws"]);
    wait_until_running(&out);
    child.kill().unwrap(); // SIGKILL: no chance to clean up
    child.wait().unwrap();
    let left = names(&out);
    assert!(!left.contains(&"run.complete".to_string()), "{left:?}");
    // draws.csv is only ever written under a temporary name until it is finished.
    assert!(!left.contains(&"draws.csv".to_string()), "{left:?}");
    assert!(!left.contains(&"summary.json".to_string()), "{left:?}");
    let o = wijksim().arg("report").arg(&out).output().unwrap();
    assert!(!o.status.success());
    // The next run needs --force and cleans the leftovers.
    let o = run(&["-n", "200", "-q", "--no-charts"], &out);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("already holds"));
    let o = run(&["-n", "200", "-q", "--no-charts", "--force"], &out);
    assert!(o.status.success());
    assert!(names(&out).iter().all(|n| !n.ends_with(".partial")));
    // draws.parquet too: its temporary has no footer and keeps its temporary name.
    let out = dir.path().join("run_parquet");
    let mut child = start_long_run(&out, &["--save-draws=parquet"]);
    wait_until_running(&out);
    child.kill().unwrap();
    child.wait().unwrap();
    let left = names(&out);
    assert!(
        left.iter()
            .all(|n| n != "run.complete" && n != "draws.parquet"),
        "{left:?}"
    );
    assert!(
        left.iter().any(|n| n == ".draws.parquet.partial"),
        "{left:?}"
    );
}

#[test]
fn absurd_sizes_are_refused_with_an_estimate_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let o = run(&["-n", "100000000000", "-q"], &out);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("would take about") && err.contains("hours"),
        "{err}"
    );
    assert!(err.contains("--force"), "{err}");
    assert!(!out.exists());
    let o = run(&["-n", "2000000000", "--save-draws", "-q"], &out);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("GB of draws.csv"));
}

#[test]
fn a_non_finite_draw_stops_the_run_naming_draw_year_quantity_and_seed() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string("scenarios/baseline.toml")
        .unwrap()
        .replace("city_value = 160000", "city_value = 1e308")
        .replace("data/aandachtswijken.csv", "w.csv");
    std::fs::write(dir.path().join("inf.toml"), text).unwrap();
    std::fs::copy(
        "scenarios/data/aandachtswijken.csv",
        dir.path().join("w.csv"),
    )
    .unwrap();
    let out = dir.path().join("run");
    let o = wijksim()
        .arg("run")
        .arg(dir.path().join("inf.toml"))
        .args(["-n", "100", "--seed", "5", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("draw 0 (seed 5)") && err.contains("non-finite"),
        "{err}"
    );
    assert!(err.contains("--only-draw 0"), "{err}");
    assert!(!out.exists(), "a failed run keeps nothing");

    // The replay prints the yearly state and marks what is not finite.
    let o = wijksim()
        .arg("run")
        .arg(dir.path().join("inf.toml"))
        .args(["--seed", "5", "--only-draw", "0", "--trace"])
        .output()
        .unwrap();
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("scenario baseline, seed 5, draw 0"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("value uplift of all wijken in 2017:")
                && l.contains("<-- not finite")),
        "{text}"
    );
    assert!(text.contains("Rotterdam / Vreewijk"));
}

#[test]
fn trace_without_only_draw_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&["--trace"], &dir.path().join("x"));
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--only-draw"));
}

/// Starts `wijksim ARGS --out DIR`, sends Ctrl-C once it runs, and checks that it stops
/// with 130, says how much of `what` it did, and keeps nothing.
fn interrupted_keeps_nothing(args: &[&str], what: &str) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let child = wijksim()
        .args(args)
        .args(["--threads", "1", "-q", "--out"])
        .arg(&out)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    wait_until_running(&out);
    signal(&child, libc::SIGINT);
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(130), "{err}");
    assert!(
        err.contains("interrupted after") && err.contains(what),
        "{err}"
    );
    assert!(err.contains("nothing was kept"), "{err}");
    assert!(names(&out).is_empty(), "left {:?}", names(&out));
}

#[test]
fn an_interrupted_calibration_keeps_nothing() {
    interrupted_keeps_nothing(
        &[
            "calibrate",
            "scenarios/historisch.toml",
            "--targets",
            "calibration/targets.toml",
        ],
        "evaluations",
    );
}

#[test]
fn an_interrupted_sensitivity_analysis_keeps_nothing() {
    interrupted_keeps_nothing(
        &["sensitivity", "scenarios/baseline.toml", "-n", "100000"],
        "model evaluations",
    );
}
