//! Fuzzing the loader and validator with proptest: arbitrary and mutated scenario TOML and wijk
//! CSV must give Ok or a clear error, never a panic or a hang. Deterministic (a fixed
//! ChaCha seed), so CI is never flaky; failures found are kept below as regression cases.

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

const BASELINE: &str = include_str!("../scenarios/baseline.toml");
const CSV: &str = include_str!("../scenarios/data/aandachtswijken.csv");

/// Loads `toml` with `csv` as its wijk table in a fresh directory, in a thread with a time
/// limit; panics (fails the case) on a hang, and checks an error's shape. Returns whether the
/// input was accepted.
fn load_does_not_panic(toml: &[u8], csv: &[u8]) -> bool {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("data")).unwrap();
    std::fs::write(dir.path().join("data/aandachtswijken.csv"), csv).unwrap();
    let path = dir.path().join("s.toml");
    std::fs::write(&path, toml).unwrap();
    let (tx, rx) = mpsc::channel();
    let p = path.clone();
    let worker = std::thread::spawn(move || {
        let result = wijksim::scenario::load(&p).map(|_| ()).map_err(|e| {
            let text = e.to_string();
            assert!(!e.problems.is_empty(), "an error without problems");
            for problem in &e.problems {
                assert!(!problem.path.is_empty(), "a problem without a path: {text}");
                assert!(
                    !problem.message.is_empty(),
                    "a problem without a message: {text}"
                );
            }
            text
        });
        let _ = tx.send(result);
    });
    match rx.recv_timeout(Duration::from_secs(10)) {
        Ok(Ok(())) => true,
        Ok(Err(text)) => {
            assert!(text.starts_with(&path.display().to_string()), "{text}");
            false
        }
        Err(_) => {
            // The worker panicked (its panic is printed) or hangs.
            assert!(worker.join().is_ok(), "the loader panicked");
            panic!("the loader hangs");
        }
    }
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new_with_rng(
        Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    )
}

/// One edit of a text: what to do at which (relative) place.
#[derive(Clone, Debug)]
enum Edit {
    DeleteLine(usize),
    DuplicateLine(usize),
    Truncate(usize),
    Insert(usize, Vec<u8>),
    /// Replace the n-th number by this text.
    Number(usize, String),
    /// Replace the n-th quoted string by this text.
    Quoted(usize, String),
}

fn edit_strategy() -> impl Strategy<Value = Edit> {
    let weird_number = prop_oneof![
        any::<f64>().prop_map(|x| format!("{x:e}")),
        Just("-1".to_string()),
        Just("0".to_string()),
        Just("1e308".to_string()),
        Just("-1e308".to_string()),
        Just("nan".to_string()),
        Just("inf".to_string()),
        Just("-inf".to_string()),
        Just("99999999999999999999".to_string()),
        Just("\"text\"".to_string()),
        Just("{ dist = \"pert\" }".to_string()),
        Just("[]".to_string()),
    ];
    prop_oneof![
        any::<usize>().prop_map(Edit::DeleteLine),
        any::<usize>().prop_map(Edit::DuplicateLine),
        any::<usize>().prop_map(Edit::Truncate),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(i, b)| Edit::Insert(i, b)),
        (any::<usize>(), weird_number).prop_map(|(i, s)| Edit::Number(i, s)),
        (any::<usize>(), "[a-z_;,. ]{0,12}").prop_map(|(i, s)| Edit::Quoted(i, s)),
    ]
}

fn apply(text: &str, edit: &Edit) -> Vec<u8> {
    let lines: Vec<&str> = text.lines().collect();
    match edit {
        Edit::DeleteLine(i) => {
            let k = i % lines.len();
            let mut l = lines.clone();
            l.remove(k);
            l.join("\n").into_bytes()
        }
        Edit::DuplicateLine(i) => {
            let k = i % lines.len();
            let mut l = lines.clone();
            l.insert(k, lines[k]);
            l.join("\n").into_bytes()
        }
        Edit::Truncate(i) => text.as_bytes()[..i % (text.len() + 1)].to_vec(),
        Edit::Insert(i, bytes) => {
            let k = i % (text.len() + 1);
            let mut b = text.as_bytes()[..k].to_vec();
            b.extend_from_slice(bytes);
            b.extend_from_slice(&text.as_bytes()[k..]);
            b
        }
        Edit::Number(i, s) => replace_nth(text, i, s, |w| w.parse::<f64>().is_ok()),
        Edit::Quoted(i, s) => replace_nth(text, i, &format!("\"{s}\""), |w| {
            w.len() >= 2 && w.starts_with('"') && w.ends_with('"')
        }),
    }
}

/// Replaces the n-th (modulo the count) whitespace-separated word matching `is` by `by`.
fn replace_nth(text: &str, n: &usize, by: &str, is: impl Fn(&str) -> bool) -> Vec<u8> {
    let words: Vec<(usize, &str)> = text
        .split_whitespace()
        .map(|w| (w.as_ptr() as usize - text.as_ptr() as usize, w))
        .filter(|(_, w)| is(w.trim_end_matches(',')))
        .collect();
    if words.is_empty() {
        return text.as_bytes().to_vec();
    }
    let (at, w) = words[n % words.len()];
    let w = w.trim_end_matches(',');
    format!("{}{}{}", &text[..at], by, &text[at + w.len()..]).into_bytes()
}

#[test]
fn mutated_scenarios_never_panic() {
    let accepted = std::cell::Cell::new(0);
    let rejected = std::cell::Cell::new(0);
    runner(400)
        .run(&prop::collection::vec(edit_strategy(), 1..4), |edits| {
            let mut text = BASELINE.to_string();
            for e in &edits {
                text = String::from_utf8_lossy(&apply(&text, e)).into_owned();
            }
            let ok = load_does_not_panic(text.as_bytes(), CSV.as_bytes());
            let c = if ok { &accepted } else { &rejected };
            c.set(c.get() + 1);
            Ok(())
        })
        .unwrap();
    // The mutations reach both sides of the validator.
    assert!(
        accepted.get() > 20 && rejected.get() > 20,
        "{} / {}",
        accepted.get(),
        rejected.get()
    );
}

#[test]
fn arbitrary_bytes_as_scenario_never_panic() {
    runner(300)
        .run(&prop::collection::vec(any::<u8>(), 0..400), |bytes| {
            let _ = load_does_not_panic(&bytes, CSV.as_bytes());
            Ok(())
        })
        .unwrap();
    runner(300)
        .run(&"[\\[\\]a-z_=.\"{},0-9 \n-]{0,300}", |text| {
            let _ = load_does_not_panic(text.as_bytes(), CSV.as_bytes());
            Ok(())
        })
        .unwrap();
}

#[test]
fn mutated_wijk_tables_never_panic() {
    let dutch = format!("\u{feff}{}", CSV.replace(',', ";").replace(".", ","));
    runner(300)
        .run(
            &(prop::collection::vec(edit_strategy(), 0..4), any::<bool>()),
            |(edits, excel)| {
                let mut text = if excel {
                    dutch.clone()
                } else {
                    CSV.to_string()
                };
                for e in &edits {
                    text = String::from_utf8_lossy(&apply(&text, e)).into_owned();
                }
                let _ = load_does_not_panic(BASELINE.as_bytes(), text.as_bytes());
                Ok(())
            },
        )
        .unwrap();
    runner(200)
        .run(&prop::collection::vec(any::<u8>(), 0..300), |bytes| {
            let _ = load_does_not_panic(BASELINE.as_bytes(), &bytes);
            Ok(())
        })
        .unwrap();
}

/// Inputs that once failed or are known to be delicate, kept as regression cases.
#[test]
fn regression_cases() {
    for (toml, csv) in [
        ("", CSV),
        ("extends = \"s.toml\"\n", CSV),
        (BASELINE, ""),
        (BASELINE, "\u{feff}"),
        (
            BASELINE,
            "gemeente,wijk,additionele_inzet_mln_per_jaar,max_subsidie_eur_per_jaar\n",
        ),
        (
            BASELINE,
            "gemeente,wijk,additionele_inzet_mln_per_jaar,max_subsidie_eur_per_jaar\nA,B,0,0\n",
        ),
        (&BASELINE.replace("horizon = 10", "horizon = 0"), CSV),
        (&BASELINE.replace("draws = 10000", "draws = -1"), CSV),
        (&BASELINE.replace("seed = 2007", "seed = 1e400"), CSV),
    ] {
        assert!(!load_does_not_panic(toml.as_bytes(), csv.as_bytes()));
    }
    // The loader also survives a file that is not there.
    assert!(wijksim::scenario::load(Path::new("no/such.toml")).is_err());
}
