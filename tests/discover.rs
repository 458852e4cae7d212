//! `wijksim discover`: PRIM over the draws finds where LTV breaches happen, writes the table
//! it mined so that the same PRIM on that table gives the same boxes, does not depend on the
//! number of threads, and refuses conditions that give it nothing to separate.

mod common;

use std::path::Path;
use std::process::{Command, Output};
use wijksim::discover::prim::{Settings, Table, prim};
use wijksim::discover::{DiscoverFile, Source};

fn discover(scenario: &Path, condition: &str, out: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wijksim"))
        .args(["discover", scenario.to_str().unwrap(), "--where", condition])
        .args(["-n", "3000", "--seed", "5", "-q", "--force", "--out"])
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

fn load(dir: &Path) -> DiscoverFile {
    serde_json::from_str(&std::fs::read_to_string(dir.join("discover.json")).unwrap()).unwrap()
}

#[test]
fn ltv_breaches_are_found_where_house_prices_fall_and_the_table_reproduces_the_boxes() {
    let dir = common::scratch("discover_ltv");
    let path = common::small_baseline(&dir);
    let out = dir.join("out");
    let o = discover(&path, "breach_ltv", &out, &["--threads", "2"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let f = load(&out);
    assert!(out.join(wijksim::rundir::COMPLETE).exists());
    for file in [
        "discover.html",
        "discover.csv",
        "discover_boxes.csv",
        "charts/discover_tradeoff.png",
        "charts/discover_box.svg",
    ] {
        assert!(out.join(file).exists(), "{file}");
    }
    assert!(f.cases > 0 && f.cases < 3000);
    // The chosen box holds most breaches and caps the mean house-price growth.
    let b = f.chosen_box();
    assert!(b.coverage > 0.8, "{b:?}");
    assert!(b.density > 5.0 * f.base_density(), "{b:?}");
    let hpg = b
        .limits
        .iter()
        .find(|l| l.input == "economy.mean_house_price_growth")
        .expect("house-price growth is restricted");
    assert!(hpg.upper_restricted && hpg.upper < 0.0, "{hpg:?}");
    assert!(hpg.quasi_p_upper.unwrap() < 1e-6);
    assert!(f.inputs.iter().any(|i| i.source == Source::Parameter));
    // discover_inputs.csv: one row per draw; the same PRIM on it gives the same trajectory.
    let mut r = csv::Reader::from_path(out.join("discover_inputs.csv")).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header[0], "draw");
    assert_eq!(header.last().unwrap(), "case");
    let names: Vec<&String> = f.inputs.iter().map(|i| &i.name).collect();
    assert_eq!(
        header[1..header.len() - 1].iter().collect::<Vec<_>>(),
        names
    );
    let mut columns = vec![vec![]; names.len()];
    let mut cases = vec![];
    for rec in r.records() {
        let rec = rec.unwrap();
        for (c, col) in columns.iter_mut().enumerate() {
            col.push(rec[c + 1].parse::<f64>().unwrap());
        }
        cases.push(&rec[header.len() - 1] == "true");
    }
    assert_eq!(cases.len(), 3000);
    assert_eq!(cases.iter().filter(|&&c| c).count(), f.cases);
    let steps = prim(
        &Table {
            columns: &columns,
            cases: &cases,
        },
        Settings::default(),
    );
    assert_eq!(steps.len(), f.trajectory.len());
    for (s, b) in steps.iter().zip(&f.trajectory) {
        assert_eq!(
            (s.n, s.k, s.coverage, s.density),
            (b.draws, b.cases, b.coverage, b.density)
        );
    }
    // One thread gives the same file.
    let out1 = dir.join("out1");
    let o = discover(
        &path,
        "breach_ltv",
        &out1,
        &["--threads", "1", "--no-charts"],
    );
    assert!(o.status.success());
    assert_eq!(
        std::fs::read_to_string(out.join("discover.json")).unwrap(),
        std::fs::read_to_string(out1.join("discover.json")).unwrap()
    );
}

#[test]
fn a_chosen_step_is_reported() {
    let dir = common::scratch("discover_box");
    let path = common::small_baseline(&dir);
    let out = dir.join("out");
    let o = discover(&path, "closure < 0.1", &out, &["--box", "3", "--no-charts"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let f = load(&out);
    assert_eq!((f.chosen, f.chosen_is_knee), (3, false));
    let o = discover(
        &path,
        "closure < 0.1",
        &out,
        &["--box", "999", "--no-charts"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("--box 999: the trajectory has steps 0 to")
    );
}

#[test]
fn a_common_condition_gets_a_box_not_the_whole_data() {
    let dir = common::scratch("discover_common");
    let path = common::small_baseline(&dir);
    let out = dir.join("out");
    let o = discover(&path, "not breach_ltv", &out, &["--no-charts"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let f = load(&out);
    assert!(f.base_density() > 0.9);
    assert!(f.chosen >= 1, "the knee is a box PRIM found, not the start");
    assert!(f.chosen_box().density > f.base_density());
    assert!(f.has_significant_limit());
}

#[test]
fn conditions_without_contrast_or_with_mistakes_are_refused() {
    let dir = common::scratch("discover_bad");
    let path = common::small_baseline(&dir);
    let out = dir.join("out");
    for (condition, expect) in [
        ("closure > 5", "0 of 3000 draws meet `closure > 5`"),
        ("closure < 5", "3000 of 3000 draws meet `closure < 5`"),
        ("breach_ltv > 0", "column 1: breach_ltv is a yes/no event"),
        ("closure < 0.1 and", "column 18: expected a quantity"),
    ] {
        let o = discover(&path, condition, &out, &["--no-charts"]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{condition}: {err}");
        assert!(err.contains(expect), "{condition}: {err}");
        assert!(!out.join("discover.json").exists());
    }
}
