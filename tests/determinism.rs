//! Determinism and common random numbers:
//! - the same scenario and seed give byte-identical results for any number of threads, and the
//!   parallel engine agrees with a plain sequential loop over the per-draw function;
//! - adding a wijk, an indicator or a parameter leaves the random numbers (and so the
//!   results) of every other component unchanged.

use std::path::Path;
use wijksim::engine::{self, CHUNK, RunOptions};
use wijksim::model::{Workspace, simulate_draw};
use wijksim::output;
use wijksim::scenario::{self, Scenario};

fn baseline() -> Scenario {
    scenario::load(Path::new("scenarios/baseline.toml")).expect("baseline loads")
}

fn summary_json(sc: &Scenario, draws: u64, seed: u64, threads: usize) -> String {
    let opts = RunOptions {
        draws,
        seed,
        threads,
        progress: false,
        ..Default::default()
    };
    let a = engine::run(sc, &opts, None).expect("run");
    serde_json::to_string_pretty(&output::summary(sc, &a)).unwrap()
}

#[test]
fn summary_is_byte_identical_for_one_two_and_three_threads() {
    let sc = baseline();
    // More than two chunks and a ragged last chunk, so the merge order matters.
    let draws = 2 * CHUNK + 300;
    let one = summary_json(&sc, draws, 99, 1);
    let two = summary_json(&sc, draws, 99, 2);
    let three = summary_json(&sc, draws, 99, 3);
    assert!(one == two, "1 vs 2 threads differ");
    assert!(one == three, "1 vs 3 threads differ");
    // And the seed matters.
    assert!(one != summary_json(&sc, draws, 100, 2));
}

#[test]
fn engine_sees_the_same_draws_as_a_sequential_loop() {
    let sc = baseline();
    let draws = CHUNK + 77;
    let mut seen = vec![];
    let mut sink = |o: &wijksim::model::DrawOutcome| {
        seen.push((o.draw, o.c_all.clone(), o.params.clone()));
        Ok(())
    };
    let opts = RunOptions {
        draws,
        seed: 5,
        threads: 2,
        progress: false,
        ..Default::default()
    };
    let a = engine::run(&sc, &opts, Some(&mut sink)).unwrap();
    assert_eq!(a.draws, draws);
    assert_eq!(seen.len() as u64, draws);
    let mut ws = Workspace::default();
    for (d, (draw, c_all, params)) in seen.iter().enumerate() {
        assert_eq!(*draw, d as u64, "draws reach the sink in order");
        let o = simulate_draw(&sc, 5, d as u64, &mut ws);
        assert_eq!(&o.c_all, c_all, "draw {d}");
        assert_eq!(&o.params, params, "draw {d}");
    }
}

#[test]
fn a_draw_does_not_depend_on_the_draws_before_it() {
    // The workspace is reused across draws; a draw must not carry state over.
    let sc = baseline();
    let mut fresh = Workspace::default();
    let alone = simulate_draw(&sc, 3, 41, &mut fresh).clone();
    let mut used = Workspace::default();
    for d in 0..41 {
        simulate_draw(&sc, 3, d, &mut used);
    }
    let after = simulate_draw(&sc, 3, 41, &mut used);
    assert_eq!(alone.c, after.c);
    assert_eq!(alone.g_final, after.g_final);
    assert_eq!(alone.corporations.len(), after.corporations.len());
    for (a, b) in alone.corporations.iter().zip(&after.corporations) {
        assert_eq!(a.icr, b.icr);
        assert_eq!(a.ltv, b.ltv);
    }
}

/// A copy of the baseline in `dir`, with `edit` applied to the TOML and `csv` as wijk table.
fn variant(dir: &Path, name: &str, edit: impl Fn(String) -> String, csv: &str) -> Scenario {
    let text = std::fs::read_to_string("scenarios/baseline.toml").unwrap();
    let text = edit(text).replace("data/aandachtswijken.csv", &format!("{name}.csv"));
    std::fs::write(dir.join(format!("{name}.csv")), csv).unwrap();
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, text).unwrap();
    scenario::load(&path).unwrap_or_else(|e| panic!("{e}"))
}

const TABLE: &str = "\
gemeente,wijk,additionele_inzet_mln_per_jaar,max_subsidie_eur_per_jaar,inwoners,woningen
Aland,Noord,6.0,1200000,20000,9500
Aland,Zuid,2.0,400000,9000,4300
Beland,Oost,4.0,800000,15000,7000
";

#[test]
fn adding_a_wijk_in_a_new_municipality_leaves_the_other_wijken_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let before = variant(dir.path(), "before", |t| t, TABLE);
    let after = variant(
        dir.path(),
        "after",
        |t| t,
        &format!("{TABLE}Celand,West,3.0,600000,12000,5000\n"),
    );
    assert_eq!(after.wijken.len(), before.wijken.len() + 1);
    let t = before.horizon();
    let (mut wa, mut wb) = (Workspace::default(), Workspace::default());
    for d in 0..300 {
        let a = simulate_draw(&before, 1, d, &mut wa);
        let b = simulate_draw(&after, 1, d, &mut wb);
        // Wijken are listed in file order, so the first three are the same wijken.
        assert_eq!(a.c[..3 * (t + 1)], b.c[..3 * (t + 1)], "draw {d}");
        assert_eq!(a.g_final[..], b.g_final[..a.g_final.len()], "draw {d}");
        for (ca, cb) in a.corporations.iter().zip(&b.corporations) {
            assert_eq!(ca.icr, cb.icr, "draw {d}");
            assert_eq!(ca.ltv, cb.ltv, "draw {d}");
        }
    }
}

#[test]
fn adding_an_indicator_or_a_parameter_leaves_the_other_random_numbers_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let before = variant(dir.path(), "before", |t| t, TABLE);
    let after = variant(
        dir.path(),
        "after",
        |t| {
            // A seventh indicator with an uncertain effect, and a municipality that gets its
            // own (uncertain) cut depth.
            t + r#"
[[indicators]]
name = "school_dropout"
city = 3
wijk = 6
effect = { dist = "uniform", min = 0.0, max = 0.05 }

[municipalities.overrides.Beland]
cut_depth = { dist = "uniform", min = 0.1, max = 0.4 }
"#
        },
        TABLE,
    );
    let k_before = before.indicators.len();
    assert_eq!(after.indicators.len(), k_before + 1);
    assert!(after.params.len() > before.params.len());
    let (mut wa, mut wb) = (Workspace::default(), Workspace::default());
    for d in 0..300 {
        let a = simulate_draw(&before, 8, d, &mut wa).clone();
        let b = simulate_draw(&after, 8, d, &mut wb);
        // Every parameter that exists in both is drawn identically.
        for (i, p) in before.params.params.iter().enumerate() {
            let j = after
                .params
                .params
                .iter()
                .position(|q| q.path == p.path)
                .unwrap_or_else(|| panic!("{} missing after", p.path));
            assert_eq!(a.params[i], b.params[j], "{} in draw {d}", p.path);
        }
        // Every (wijk, indicator) multiplier that exists in both is the same.
        for w in 0..before.wijken.len() {
            for k in 0..k_before {
                assert_eq!(
                    a.multipliers[w * k_before + k],
                    b.multipliers[w * (k_before + 1) + k],
                    "draw {d}, wijk {w}, indicator {k}"
                );
            }
        }
        // The new indicator's own gap does not enter the old ones: unemployment, the first,
        // receives no spillover, and the new indicator has no value weight, so the wijken's
        // values and their corporations' money stay as they were. Aland's wijken (0 and 1)
        // only: Beland's own cut depth changes its money, as it should.
        for w in 0..2 {
            assert_eq!(
                a.g_final[w * k_before],
                b.g_final[w * (k_before + 1)],
                "unemployment g_T, draw {d}, wijk {w}"
            );
        }
    }
}
