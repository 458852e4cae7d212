//! `wijksim evaluate`: a design row that sets the parameters to what a draw sampled gives
//! that draw's outputs exactly; thread counts do not matter; bad designs are refused with
//! their row, line and column.

mod common;
use common::small_baseline;
use std::path::{Path, PathBuf};
use std::process::Command;
use wijksim::model::{Workspace, simulate_draw};
use wijksim::scenario;
use wijksim::sensitivity::Output;

fn scratch(name: &str) -> PathBuf {
    common::scratch(&format!("evaluate_{name}"))
}

fn wijksim(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_wijksim"))
        .args(args)
        .output()
        .unwrap()
}

fn read(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    r.records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect())
        .collect()
}

#[test]
fn a_row_with_a_draws_own_values_gives_that_draw() {
    let dir = scratch("own");
    let path = small_baseline(&dir);
    let sc = scenario::load(&path).unwrap();
    let uncertain: Vec<usize> = (0..sc.params.len())
        .filter(|&i| !sc.params.params[i].param.is_constant())
        .collect();
    let seed = 9;
    let mut ws = Workspace::default();
    let mut design = uncertain
        .iter()
        .map(|&i| sc.params.params[i].path.clone())
        .collect::<Vec<_>>()
        .join(",")
        + ",draw\n";
    let mut expected = vec![];
    for d in [0u64, 3, 11, 12] {
        let o = simulate_draw(&sc, seed, d, &mut ws);
        let values: Vec<String> = uncertain
            .iter()
            .map(|&i| format!("{:?}", o.params[i]))
            .collect();
        design += &format!("{},{d}\n", values.join(","));
        expected.push([
            Output::Closure.value(&sc, o),
            Output::Halved.value(&sc, o),
            Output::MinIcr.value(&sc, o),
            Output::Uplift.value(&sc, o),
        ]);
    }
    std::fs::write(dir.join("design.csv"), design).unwrap();
    let outs: Vec<PathBuf> = ["1", "2"]
        .iter()
        .map(|threads| {
            let out = dir.join(format!("out_{threads}.csv"));
            let o = wijksim(&[
                "evaluate",
                path.to_str().unwrap(),
                "--design",
                dir.join("design.csv").to_str().unwrap(),
                "--seed",
                "9",
                "--threads",
                threads,
                "--out",
                out.to_str().unwrap(),
            ]);
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            out
        })
        .collect();
    let rows = read(&outs[0]);
    assert_eq!(rows, read(&outs[1]), "1 and 2 threads");
    let header = csv::Reader::from_path(&outs[0])
        .unwrap()
        .headers()
        .unwrap()
        .clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(rows.len(), 4);
    for (r, e) in rows.iter().zip(&expected) {
        let got = |name: &str| r[col(name)].parse::<f64>().unwrap();
        // Exactly: the values round-trip through the CSV ({:?} prints the shortest exact
        // representation), and the rest of the draw comes from the same streams.
        assert_eq!(got("closure"), e[0]);
        assert_eq!(got("halved"), e[1]);
        assert_eq!(got("min_icr"), e[2]);
        assert_eq!(got("uplift"), e[3]);
    }
    assert_eq!(rows[2][col("draw")], "11");

    // Without a draw column every row takes --draw; two equal rows give equal outputs, and
    // a different value gives a different closure.
    std::fs::write(dir.join("nodraw.csv"), "gaps.k_half\n500\n500\n2000\n").unwrap();
    let out = dir.join("nodraw_out.csv");
    let o = wijksim(&[
        "evaluate",
        path.to_str().unwrap(),
        "--design",
        dir.join("nodraw.csv").to_str().unwrap(),
        "--draw",
        "5",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = read(&out);
    assert!(rows.iter().all(|r| r[col("draw")] == "5"));
    assert_eq!(rows[0][col("closure")], rows[1][col("closure")]);
    assert!(
        rows[2][col("closure")].parse::<f64>().unwrap()
            < rows[0][col("closure")].parse::<f64>().unwrap()
    );
    // An existing outputs file is not replaced without --force.
    let o = wijksim(&[
        "evaluate",
        path.to_str().unwrap(),
        "--design",
        dir.join("nodraw.csv").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--force"));
}

#[test]
fn bad_designs_are_refused_with_row_line_and_column() {
    let dir = scratch("bad");
    let path = small_baseline(&dir);
    let cases: [(&str, &[&str]); 6] = [
        (
            "gaps.khalf\n500\n",
            &["column \"gaps.khalf\"", "is not a parameter"],
        ),
        (
            "leak\n0.1\n",
            &["column \"leak\"", "did you mean gaps.leak?"],
        ),
        (
            "gaps.leak,gaps.k_half\n0.1,500\n0.2,lots\n",
            &[
                "row 2 (line 3), column \"gaps.k_half\"",
                "must be a number, got \"lots\"",
            ],
        ),
        (
            "gaps.leak\n-0.1\n",
            &[
                "row 1 (line 2), column \"gaps.leak\"",
                "must lie in [0, 1], got -0.1",
            ],
        ),
        (
            "gaps.leak,draw\n0.1,-3\n",
            &["column \"draw\"", "whole number"],
        ),
        ("gaps.leak,gaps.leak\n0.1,0.1\n", &["appears twice"]),
    ];
    for (i, (text, expect)) in cases.iter().enumerate() {
        let design = dir.join(format!("d{i}.csv"));
        std::fs::write(&design, text).unwrap();
        let out = dir.join(format!("o{i}.csv"));
        let o = wijksim(&[
            "evaluate",
            path.to_str().unwrap(),
            "--design",
            design.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "case {i}: {stderr}");
        assert!(stderr.contains(&format!("d{i}.csv")), "case {i}: {stderr}");
        for e in *expect {
            assert!(stderr.contains(e), "case {i}: no {e:?} in {stderr}");
        }
        assert!(!out.exists(), "case {i}: nothing written");
    }
    // A shared default that every corporation of the table overrides is read by nothing:
    // setting it would silently change nothing, so it is refused.
    let design = dir.join("shadowed.csv");
    std::fs::write(&design, "corporations.defaults.rent\n500\n").unwrap();
    let o = wijksim(&[
        "evaluate",
        "scenarios/voorbeeld_rotterdam.toml",
        "--design",
        design.to_str().unwrap(),
        "--out",
        dir.join("shadowed_out.csv").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("does not read"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let design = dir.join("empty.csv");
    std::fs::write(&design, "gaps.leak\n").unwrap();
    let o = wijksim(&[
        "evaluate",
        path.to_str().unwrap(),
        "--design",
        design.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no rows"));
}
