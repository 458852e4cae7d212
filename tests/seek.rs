//! `wijksim seek`: the lever value that meets a target, checked against plain runs of the
//! scenario at the answer's bracket, for any number of threads; unreachable targets and bad
//! expressions are said plainly.

mod common;

use std::path::Path;
use std::process::Command;
use wijksim::engine::{self, RunOptions};
use wijksim::query::parse_target;
use wijksim::scenario;
use wijksim::seek::{self, Answer, Direction, Options, Range};

fn options(lever: &str, range: (f64, f64), direction: Direction, threads: usize) -> Options {
    Options {
        lever: lever.into(),
        range: Some(Range(range.0, range.1)),
        direction,
        draws: 2000,
        seed: 11,
        threads,
        resamples: 200,
        progress: false,
        cancel: Default::default(),
    }
}

/// P(LTV breach) from a plain run of the scenario with the lever set to `x`.
fn p_breach_ltv(path: &Path, lever: &str, x: f64) -> f64 {
    let sc = scenario::load_with(path, &[(lever.to_string(), x)]).unwrap();
    let a = engine::run(
        &sc,
        &RunOptions {
            draws: 2000,
            seed: 11,
            threads: 2,
            ..Default::default()
        },
        None,
    )
    .unwrap();
    wijksim::output::summary(&sc, &a).overall.p_breach_ltv.p
}

#[test]
fn the_answer_is_bracketed_by_plain_runs_and_independent_of_threads() {
    let dir = common::scratch("seek_bracket");
    let path = common::small_baseline(&dir);
    let sc = scenario::load(&path).unwrap();
    let lever = "corporations.defaults.ltv_max";
    let target = parse_target(&sc, "p_breach_ltv <= 1%").unwrap();
    let one = seek::run(
        &path,
        &sc,
        &target,
        &options(lever, (0.75, 0.95), Direction::Smallest, 1),
    )
    .unwrap();
    let two = seek::run(
        &path,
        &sc,
        &target,
        &options(lever, (0.75, 0.95), Direction::Smallest, 2),
    )
    .unwrap();
    assert_eq!(
        serde_json::to_string(&one).unwrap(),
        serde_json::to_string(&two).unwrap()
    );
    let Answer::Found {
        value,
        ci_low,
        ci_high,
        bracket: (unmet, met),
    } = one.answer
    else {
        panic!("{:?}", one.answer)
    };
    // The bracket is tight, and plain runs agree on which side of the target each end is.
    assert!(unmet < value && value <= met && met - unmet <= 0.2e-3 + 1e-12);
    assert!(p_breach_ltv(&path, lever, unmet) > 0.01);
    assert!(p_breach_ltv(&path, lever, met) <= 0.01);
    // The interval holds the answer and has points of the curve inside it.
    let (a, b) = (ci_low.unwrap_or(0.75), ci_high.unwrap_or(0.95));
    assert!(a <= value && value <= b, "{a} {value} {b}");
    assert!(one.points.iter().filter(|p| a <= p.x && p.x <= b).count() >= 3);
}

#[test]
fn the_largest_value_is_sought_from_the_top() {
    let dir = common::scratch("seek_largest");
    let path = common::small_baseline(&dir);
    let sc = scenario::load(&path).unwrap();
    // The largest LTV limit at which breaches are still at least 1.5% likely.
    let target = parse_target(&sc, "p_breach_ltv >= 0.015").unwrap();
    let lever = "corporations.defaults.ltv_max";
    let f = seek::run(
        &path,
        &sc,
        &target,
        &options(lever, (0.6, 0.95), Direction::Largest, 2),
    )
    .unwrap();
    let Answer::Found {
        bracket: (unmet, met),
        ..
    } = f.answer
    else {
        panic!("{:?}", f.answer)
    };
    assert!(met < unmet, "searching down from the top: {met} {unmet}");
    assert!(p_breach_ltv(&path, lever, met) >= 0.015);
    assert!(p_breach_ltv(&path, lever, unmet) < 0.015);
}

#[test]
fn an_unreachable_target_is_reported_with_the_best_value() {
    let dir = common::scratch("seek_unreachable");
    let path = common::small_baseline(&dir);
    let out = dir.join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_wijksim"))
        .args(["seek", path.to_str().unwrap()])
        .args(["--lever", "municipalities.defaults.budget_per_resident"])
        .args(["--target", "closure_mean >= 0.5", "--range", "0..2000"])
        .args([
            "-n",
            "500",
            "--resamples",
            "100",
            "--no-charts",
            "-q",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let f: seek::SeekFile =
        serde_json::from_str(&std::fs::read_to_string(out.join("seek.json")).unwrap()).unwrap();
    let Answer::Unreachable {
        best,
        best_at,
        flat_from,
        still_moving,
        share_reachable,
    } = f.answer
    else {
        panic!("{:?}", f.answer)
    };
    let max = f.points.iter().map(|p| p.estimate).fold(0.0, f64::max);
    assert_eq!(best, max);
    assert!(best < 0.5 && best_at > 1000.0);
    assert!(flat_from.is_some_and(|x| x > 0.0 && x < 2000.0));
    assert!(
        !still_moving,
        "closure flattens long before 2,000 per resident"
    );
    assert_eq!(share_reachable, 0.0);
    assert!(out.join(wijksim::rundir::COMPLETE).exists());
    assert!(seek::sentence(&f).contains("cannot be reached"));
}

#[test]
fn bad_targets_and_ranges_are_refused_with_their_place() {
    let dir = common::scratch("seek_bad");
    let path = common::small_baseline(&dir);
    let run = |target: &str, extra: &[&str]| {
        let lever = if extra.contains(&"--lever") {
            vec![]
        } else {
            vec!["--lever", "municipalities.defaults.budget_per_resident"]
        };
        Command::new(env!("CARGO_BIN_EXE_wijksim"))
            .args(["seek", path.to_str().unwrap()])
            .args(lever)
            .args(["--target", target])
            .args(extra)
            .args(["-n", "200", "-q", "--no-charts", "--out"])
            .arg(dir.join("out"))
            .output()
            .unwrap()
    };
    for (target, extra, expect) in [
        (
            "p_halvd >= 0.2",
            &["--range", "0..10"][..],
            "column 1: unknown figure `p_halvd`",
        ),
        (
            "p_halved >= 20",
            &["--range", "0..10"][..],
            "column 13: a probability lies in 0..1",
        ),
        (
            "p_halved[Atlantis] >= 0.2",
            &["--range", "0..10"][..],
            "column 9: `Atlantis` is no",
        ),
        ("closure_mean >= 0.2", &[][..], "give --range LO..HI"),
        (
            "closure_mean >= 0.2",
            &["--range", "0..2", "--lever", "gaps.retention"][..],
            "--lever gaps.retention = 2: ",
        ),
    ] {
        let o = run(target, extra);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{target}: {err}");
        assert!(err.contains(expect), "{target}: {err}");
        assert!(!dir.join("out").join("seek.json").exists());
    }
    // A finished result is not removed by a --force run whose lever is wrong.
    let ok = run(
        "closure_mean >= 0.1",
        &["--range", "0..10", "--resamples", "100"],
    );
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let bad = run(
        "closure_mean >= 0.1",
        &["--range", "0..10", "--lever", "gaps.leek", "--force"],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(dir.join("out").join("seek.json").exists());
}
