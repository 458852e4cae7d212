//! wijksim's PRIM against EMA Workbench's on the same tables (step for step), on a planted
//! box, and whatever the order of the rows.

use serde_json::Value;
use wijksim::discover::prim::{Phase, Settings, Table, knee, prim};

/// Columns (without `draw` and `case`), their names, and the case flags of a CSV file.
fn read(path: &str) -> (Vec<String>, Vec<Vec<f64>>, Vec<bool>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let inputs: Vec<usize> = (0..header.len())
        .filter(|&i| header[i] != "draw" && header[i] != "case")
        .collect();
    let case = header.iter().position(|h| h == "case").unwrap();
    let mut columns = vec![vec![]; inputs.len()];
    let mut cases = vec![];
    for rec in r.records() {
        let rec = rec.unwrap();
        for (c, &i) in inputs.iter().enumerate() {
            columns[c].push(rec[i].parse::<f64>().unwrap());
        }
        cases.push(matches!(&rec[case], "true" | "1"));
    }
    (
        inputs.iter().map(|&i| header[i].clone()).collect(),
        columns,
        cases,
    )
}

fn close(a: f64, b: f64) -> bool {
    a == b || ((a - b) / b).abs() < 1e-9
}

fn compare_with_ema(csv: &str, json: &str) {
    let (names, columns, cases) = read(csv);
    let ema: Value = serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    let ema = ema["trajectory"].as_array().unwrap();
    let ours = prim(
        &Table {
            columns: &columns,
            cases: &cases,
        },
        Settings::default(),
    );
    assert_eq!(ours.len(), ema.len(), "number of steps");
    for (i, (s, e)) in ours.iter().zip(ema).enumerate() {
        assert_eq!(s.n as u64, e["n"].as_u64().unwrap(), "n at step {i}");
        assert_eq!(s.k as u64, e["k"].as_u64().unwrap(), "k at step {i}");
        assert_eq!(s.coverage, e["coverage"].as_f64().unwrap(), "step {i}");
        assert_eq!(s.density, e["density"].as_f64().unwrap(), "step {i}");
        assert_eq!(s.mass, e["mass"].as_f64().unwrap(), "step {i}");
        assert_eq!(s.restricted.len() as u64, e["res_dim"].as_u64().unwrap());
        let limits = e["limits"].as_object().unwrap();
        assert_eq!(s.restricted.len(), limits.len(), "restricted at step {i}");
        for (j, &d) in s.restricted.iter().enumerate() {
            let l = &limits[&names[d]];
            // The limits are the same numbers, bit for bit.
            assert_eq!(
                s.limits[d].0,
                l[0].as_f64().unwrap(),
                "{} at step {i}",
                names[d]
            );
            assert_eq!(
                s.limits[d].1,
                l[1].as_f64().unwrap(),
                "{} at step {i}",
                names[d]
            );
            let qp = &e["qp"][&names[d]];
            for (ours, theirs) in [(s.quasi_p[j].0, &qp[0]), (s.quasi_p[j].1, &qp[1])] {
                match (ours, theirs.as_f64()) {
                    (None, None) => {}
                    (Some(a), Some(b)) => {
                        assert!(
                            close(a, b),
                            "quasi-p of {} at step {i}: {a} vs {b}",
                            names[d]
                        )
                    }
                    (a, b) => panic!("quasi-p of {} at step {i}: {a:?} vs {b:?}", names[d]),
                }
            }
        }
    }
}

#[test]
fn the_trajectory_is_ema_workbenchs_on_a_noisy_box() {
    compare_with_ema(
        "tests/data/prim/synthetic.csv",
        "tests/data/prim/synthetic_ema.json",
    );
}

#[test]
fn the_trajectory_is_ema_workbenchs_on_ties_and_a_constant_input() {
    compare_with_ema("tests/data/prim/ties.csv", "tests/data/prim/ties_ema.json");
}

/// A planted box: x1 > 0.6 and x2 < 0.3 (x3 irrelevant), 5% of the labels flipped.
fn planted(n: usize, seed: u64) -> (Vec<Vec<f64>>, Vec<bool>) {
    use rand::RngExt;
    let mut rng = wijksim::rng::stream(seed, 0, 1);
    let mut cols = vec![vec![]; 3];
    let mut cases = vec![];
    for _ in 0..n {
        let x: Vec<f64> = (0..3).map(|_| rng.random::<f64>()).collect();
        let inside = x[0] > 0.6 && x[1] < 0.3;
        let flip = rng.random::<f64>() < 0.05;
        for (c, v) in cols.iter_mut().zip(&x) {
            c.push(*v);
        }
        cases.push(inside != flip);
    }
    (cols, cases)
}

#[test]
fn a_planted_box_is_recovered_with_its_coverage_and_density() {
    let (columns, cases) = planted(20_000, 3);
    let t = prim(
        &Table {
            columns: &columns,
            cases: &cases,
        },
        Settings::default(),
    );
    let chosen = &t[knee(&t)];
    // The chosen box restricts x1 from below and x2 from above, and not x3.
    assert_eq!(chosen.restricted, vec![0, 1], "{chosen:?}");
    let (x1, x2) = (chosen.limits[0], chosen.limits[1]);
    assert!((x1.0 - 0.6).abs() < 0.03, "x1 lower {}", x1.0);
    assert!((x2.1 - 0.3).abs() < 0.03, "x2 upper {}", x2.1);
    // Planted: inside the box 95% are cases; of all cases, 0.12 x 0.95 / (0.12 x 0.95 +
    // 0.88 x 0.05) = 72% lie inside it.
    let planted_density = 0.95;
    let planted_coverage = 0.12 * 0.95 / (0.12 * 0.95 + 0.88 * 0.05);
    assert!(
        (chosen.density - planted_density).abs() < 0.03,
        "{}",
        chosen.density
    );
    assert!(
        (chosen.coverage - planted_coverage).abs() < 0.05,
        "{}",
        chosen.coverage
    );
    // The limits that matter are significant; x1's upper and x2's lower sides stay open.
    assert!(chosen.quasi_p[0].0.unwrap() < 1e-10 && chosen.quasi_p[0].1.is_none());
    assert!(chosen.quasi_p[1].1.unwrap() < 1e-10 && chosen.quasi_p[1].0.is_none());
    assert_eq!(t[0].phase, Phase::Start);
}

#[test]
fn the_order_of_the_rows_does_not_matter() {
    let (columns, cases) = planted(3000, 9);
    let a = prim(
        &Table {
            columns: &columns,
            cases: &cases,
        },
        Settings::default(),
    );
    // Reverse and interleave the rows.
    let n = cases.len();
    let perm: Vec<usize> = (0..n).map(|i| (i * 7919) % n).rev().collect();
    let mut seen = perm.clone();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), n, "a permutation");
    let shuffled: Vec<Vec<f64>> = columns
        .iter()
        .map(|c| perm.iter().map(|&i| c[i]).collect())
        .collect();
    let shuffled_cases: Vec<bool> = perm.iter().map(|&i| cases[i]).collect();
    let b = prim(
        &Table {
            columns: &shuffled,
            cases: &shuffled_cases,
        },
        Settings::default(),
    );
    assert_eq!(a, b);
}
