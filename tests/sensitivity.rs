//! `wijksim sensitivity` on the real model: the stream mixing of the Saltelli design, the
//! indices where the answer is known, determinism, and the command's files and errors.
//! (The estimators themselves are checked against the Ishigami function and a linear model
//! in src/sensitivity/indices.rs.)

mod common;
use common::small_baseline;
use std::path::PathBuf;
use std::process::Command;
use wijksim::dist::{DistSpec, Param};
use wijksim::engine::Cancel;
use wijksim::model::{Streams, Swap, Workspace, simulate_draw, simulate_mixed};
use wijksim::scenario::{self, Scenario};
use wijksim::sensitivity::{self, FactorKind, GroupSpec, Options, Output};

fn scratch(name: &str) -> PathBuf {
    common::scratch(&format!("sensitivity_{name}"))
}

fn small() -> Scenario {
    scenario::load(&small_baseline(&scratch("load"))).unwrap()
}

fn options(rows: usize, threads: usize) -> Options {
    Options {
        rows,
        seed: 17,
        outputs: Output::ALL.to_vec(),
        resamples: 300,
        tornado: None,
        threads,
        progress: false,
        cancel: Cancel::default(),
    }
}

#[test]
fn swapping_every_component_gives_the_other_draw_exactly() {
    let sc = small();
    let (mut ws_a, mut ws_b) = (Workspace::default(), Workspace::default());
    let all = Swap {
        params: vec![true; sc.params.len()],
        economy: true,
        multipliers: true,
        noise: true,
    };
    let none = Swap {
        params: vec![false; sc.params.len()],
        ..Swap::default()
    };
    for (a, b) in [(0u64, 1u64), (6, 41)] {
        let plain_b = simulate_draw(&sc, 5, b, &mut ws_b).clone();
        let mut mixed = simulate_mixed(
            &sc,
            5,
            &Streams {
                draw: a,
                other: b,
                swap: Some(&all),
            },
            &mut ws_a,
        )
        .clone();
        mixed.draw = b;
        assert_eq!(mixed, plain_b, "all components from draw {b}");
        let plain_a = simulate_draw(&sc, 5, a, &mut ws_b).clone();
        let unmixed = simulate_mixed(
            &sc,
            5,
            &Streams {
                draw: a,
                other: b,
                swap: Some(&none),
            },
            &mut ws_a,
        );
        assert_eq!(*unmixed, plain_a, "nothing from draw {b}");
    }
    // Swapping only the noise changes the wijken but not the economy or the parameters.
    let noise = Swap {
        noise: true,
        ..none.clone()
    };
    let a = simulate_draw(&sc, 5, 0, &mut ws_b).clone();
    let m = simulate_mixed(
        &sc,
        5,
        &Streams {
            draw: 0,
            other: 1,
            swap: Some(&noise),
        },
        &mut ws_a,
    );
    assert_eq!(m.params, a.params);
    assert_eq!(m.economy, a.economy);
    assert_eq!(m.multipliers, a.multipliers);
    assert_ne!(m.g, a.g);
}

/// Only the economy random: it is the one factor, and it explains all of the variance.
#[test]
fn where_only_the_economy_is_random_the_economy_explains_everything() {
    let mut sc = small();
    for p in &mut sc.params.params {
        let v = p.param.spec.location();
        p.param = Param::constant(v);
    }
    for i in &mut sc.indicators {
        i.wijk_cv = 0.0;
    }
    for &idx in &sc.indicators.iter().map(|i| i.sigma.0).collect::<Vec<_>>() {
        sc.params.params[idx].param = Param::constant(0.0);
    }
    let factors = sensitivity::factors(&sc, &[]).unwrap();
    assert_eq!(factors.len(), 1);
    assert_eq!(factors[0].name, sensitivity::ECONOMY);
    let s = sensitivity::run(&sc, "small", factors, &options(512, 0)).unwrap();
    let closure = &s.outputs[0];
    assert_eq!(closure.output, Output::Closure);
    let ix = closure.indices.factors[0];
    // Both indices are 1 up to the estimators' error: the intervals cover 1, and the total
    // index is exactly 1 in expectation with a small error (f(AB) is f(B) row by row).
    assert!(ix.first.lo <= 1.0 && 1.0 <= ix.first.hi, "{ix:?}");
    assert!(ix.total.lo <= 1.0 && 1.0 <= ix.total.hi, "{ix:?}");
    assert!((ix.total.value - 1.0).abs() < 0.15, "{ix:?}");
}

/// A parameter given a distribution a billionth wide is a factor in name only: its indices
/// are 0 within their error, while the real factors keep theirs.
#[test]
fn a_factor_held_constant_gets_index_zero() {
    let mut sc = small();
    let k = sc
        .params
        .params
        .iter()
        .position(|p| p.path == "gaps.k_half")
        .unwrap();
    let v = sc.params.params[k].param.spec.location();
    sc.params.params[k].param = Param::new(
        DistSpec::Uniform {
            min: v,
            max: v * (1.0 + 1e-9),
        },
        None,
        None,
    )
    .unwrap();
    let factors = sensitivity::factors(&sc, &[]).unwrap();
    let i = factors
        .iter()
        .position(|f| f.name == "gaps.k_half")
        .unwrap();
    let s = sensitivity::run(&sc, "small", factors, &options(1024, 0)).unwrap();
    let closure = &s.outputs[0].indices;
    let ix = closure.factors[i];
    assert!(ix.total.value.abs() < 1e-6, "{ix:?}");
    assert!(ix.first.lo <= 0.0 && 0.0 <= ix.first.hi, "{ix:?}");
    let largest = closure
        .factors
        .iter()
        .map(|f| f.total.value)
        .fold(0.0, f64::max);
    assert!(largest > 0.1, "the other factors still explain the spread");
}

#[test]
fn indices_are_consistent_and_identical_for_any_thread_count() {
    let dir = scratch("threads");
    let sc = scenario::load(&small_baseline(&dir)).unwrap();
    let groups: Vec<GroupSpec> = vec!["programme effects=indicators.*.effect".parse().unwrap()];
    let run = |threads| {
        let factors = sensitivity::factors(&sc, &groups).unwrap();
        let mut s = sensitivity::run(&sc, "small", factors, &options(256, threads)).unwrap();
        s.seconds = 0.0;
        serde_json::to_string(&s).unwrap()
    };
    let (one, two) = (run(1), run(2));
    assert_eq!(one, two);

    let factors = sensitivity::factors(&sc, &groups).unwrap();
    assert_eq!(factors[0].kind, FactorKind::Group);
    assert!(factors[0].members.len() >= 4, "{:?}", factors[0].members);
    assert!(
        factors
            .iter()
            .all(|f| f.kind == FactorKind::Group || !f.name.ends_with(".effect"))
    );
    let s = sensitivity::run(&sc, "small", factors, &options(1024, 0)).unwrap();
    for out in &s.outputs {
        let Some(sum) = &out.indices.first_sum else {
            continue;
        };
        // Independent factors: the first-order indices add up to at most 1 (within error).
        assert!(sum.lo <= 1.0, "{}: {sum:?}", out.output.name());
        for (f, ix) in s.factors.iter().zip(&out.indices.factors) {
            // Jansen's total index is a mean of squares: never negative. A first-order
            // index does not exceed the total within their errors: the 95% intervals
            // widened to z = 3.5 (x 3.5 / 1.96), since some 80 pairs are checked at once
            // (Bonferroni: a family-wise false alarm below 4%).
            assert!(ix.total.value >= 0.0, "{}", f.name);
            let widen = 3.5 / 1.96;
            let first_lo = ix.first.value - widen * (ix.first.value - ix.first.lo);
            let total_hi = ix.total.value + widen * (ix.total.hi - ix.total.value);
            assert!(
                first_lo <= total_hi,
                "{} {}: {ix:?}",
                out.output.name(),
                f.name
            );
        }
    }
}

fn wijksim(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_wijksim"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn the_command_writes_its_files_in_both_languages_and_refuses_bad_groups() {
    let dir = scratch("command");
    let scenario = small_baseline(&dir);
    let sc = scenario.to_str().unwrap();
    for (lang, word) in [("en", "explain"), ("nl", "verklaart")] {
        let out = dir.join(format!("out_{lang}"));
        let o = wijksim(&[
            "sensitivity",
            sc,
            "-n",
            "64",
            "--resamples",
            "100",
            "--outputs",
            "closure,min_icr,halved",
            "--group",
            "programme effects=indicators.*.effect",
            "--lang",
            lang,
            "--out",
            out.to_str().unwrap(),
        ]);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success(), "{stderr}");
        assert!(
            stderr.contains("model evaluations (N x (k + 2))"),
            "{stderr}"
        );
        let stdout = String::from_utf8_lossy(&o.stdout);
        assert!(stdout.contains("programme effects"), "{stdout}");
        for f in [
            "sensitivity.json",
            "sensitivity.csv",
            "sensitivity.html",
            "charts/sensitivity_closure.png",
            "charts/sensitivity_min_icr.svg",
        ] {
            assert!(out.join(f).exists(), "{f} missing");
        }
        let html = std::fs::read_to_string(out.join("sensitivity.html")).unwrap();
        assert!(html.contains(word), "{lang}: no {word:?} in the page");
        let csv = std::fs::read_to_string(out.join("sensitivity.csv")).unwrap();
        assert!(csv.starts_with("output,factor,kind,index,estimate,ci_lo,ci_hi,members"));
        assert!(csv.contains("closure,programme effects,group,ST,"));
    }
    let o = wijksim(&[
        "sensitivity",
        sc,
        "-n",
        "64",
        "--group",
        "mine=gaps.nonexistent",
        "--out",
        dir.join("bad").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("small.toml") && stderr.contains("\"gaps.nonexistent\""),
        "{stderr}"
    );
    assert!(!dir.join("bad").exists(), "nothing written for bad input");
    let o = wijksim(&["sensitivity", sc, "--outputs", "closur"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("known: closure"));
}

/// The tornado moves closure the way the model says it must: a larger K_half (a slower
/// response) lowers it, larger programme effects raise it; the rank regression agrees.
#[test]
fn tornado_and_rank_regression_point_the_right_way() {
    let sc = small();
    let groups: Vec<GroupSpec> = vec!["programme effects=indicators.*.effect".parse().unwrap()];
    let factors = sensitivity::factors(&sc, &groups).unwrap();
    let t = sensitivity::tornado::tornado(&sc, &factors, 17, 1024, &Cancel::default()).unwrap();
    let swing = |name: &str| t.swings.iter().find(|w| w.factor == name).unwrap();
    let k = swing("gaps.k_half");
    assert!(k.low_values[0].1 < k.high_values[0].1);
    assert!(
        k.high.closure < t.base.closure && t.base.closure < k.low.closure,
        "{k:?}"
    );
    let e = swing("programme effects");
    assert_eq!(e.low_values.len(), e.high_values.len());
    assert!(e.low_values.len() >= 4);
    assert!(e.high.closure > e.low.closure, "{e:?}");
    assert!(t.not_swung.contains(&sensitivity::ECONOMY.to_string()));
    // Sorted by width.
    assert!(t.swings.windows(2).all(|w| w[0].width() >= w[1].width()));
    let srrc = |name: &str| t.srrc.iter().find(|r| r.regressor == name).unwrap();
    assert!(srrc("gaps.k_half").closure < 0.0);
    assert!((0.0..=1.0).contains(&t.r2_closure));
}
