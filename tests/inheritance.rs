//! `extends = "parent.toml"`: deep merge of tables, arrays and distributions replaced whole,
//! name and description not inherited, data paths relative to the file that gives them,
//! cycles and missing parents refused.

use std::path::Path;
use wijksim::scenario::{self, Scenario};

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&p, text).unwrap();
    p
}

fn param<'a>(sc: &'a Scenario, path: &str) -> &'a wijksim::dist::Param {
    &sc.params
        .params
        .iter()
        .find(|p| p.path == path)
        .unwrap_or_else(|| panic!("no {path}"))
        .param
}

/// A family: baseline copied into `dir/lib/` with its data, and children elsewhere.
fn family(dir: &Path) {
    let base = std::fs::read_to_string("scenarios/baseline.toml").unwrap();
    write(dir, "lib/baseline.toml", &base);
    write(
        dir,
        "lib/data/aandachtswijken.csv",
        &std::fs::read_to_string("scenarios/data/aandachtswijken.csv").unwrap(),
    );
}

#[test]
fn a_child_overrides_only_what_it_gives() {
    let dir = tempfile::tempdir().unwrap();
    family(dir.path());
    let child = write(
        dir.path(),
        "mine/child.toml",
        r#"
extends = "../lib/baseline.toml"
description = "a child in another folder"
[gaps]
leak = { dist = "uniform", min = 0.01, max = 0.2 }   # replaces the parent's pert whole
[municipalities.overrides.Rotterdam]
budget_per_resident = 100
[corporations.defaults]
levy = { 2014 = 0.005 }                              # replaces the schedule whole
[[indicators]]                                       # replaces the six indicators
name = "unemployment"
city = 5
wijk = 12.5
effect = 0.05
"#,
    );
    let sc = scenario::load(&child).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        sc.name, "child",
        "the name is the child's file stem, not inherited"
    );
    assert_eq!(sc.description, "a child in another folder");
    assert_eq!(sc.indicators.len(), 1);
    assert_eq!(
        sc.wijken.len(),
        40,
        "the parent's data path is relative to the parent"
    );
    assert_eq!(param(&sc, "gaps.leak").range(), (0.01, 0.2));
    // Untouched values come from the parent.
    assert_eq!(
        param(&sc, "gaps.upgrade_cost").range(),
        (45_000.0, 80_000.0)
    );
    assert_eq!(
        param(
            &sc,
            "municipalities.overrides.Rotterdam.budget_per_resident"
        )
        .constant_value(),
        Some(100.0)
    );
    let rotterdam = sc
        .corporations
        .iter()
        .find(|c| c.name == "Rotterdam (sector average)")
        .unwrap();
    assert_eq!(rotterdam.levy.at(2013), 0.0);
    assert_eq!(rotterdam.levy.at(2014), 0.005);
    assert_eq!(sc.run.seed, 2007);
}

#[test]
fn grandchildren_merge_through_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    family(dir.path());
    write(
        dir.path(),
        "lib/cuts.toml",
        "extends = \"baseline.toml\"\ndescription = \"cuts\"\n[municipalities.defaults]\ncut_depth = 0.3\ncut_start = 2010\n",
    );
    let grand = write(
        dir.path(),
        "lib/cuts_late.toml",
        "extends = \"cuts.toml\"\ndescription = \"late cuts\"\n[municipalities.defaults]\ncut_start = 2013\n",
    );
    let sc = scenario::load(&grand).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        param(&sc, "municipalities.defaults.cut_depth").constant_value(),
        Some(0.3)
    );
    assert_eq!(
        param(&sc, "municipalities.defaults.cut_start").constant_value(),
        Some(2013.0)
    );
    assert_eq!(
        param(&sc, "municipalities.defaults.budget_per_resident").constant_value(),
        Some(150.0)
    );
}

#[test]
fn cycles_and_missing_parents_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "a.toml", "extends = \"b.toml\"\n");
    write(dir.path(), "b.toml", "extends = \"a.toml\"\n");
    let e = scenario::load(&a).unwrap_err().to_string();
    assert!(
        e.contains("extends") && e.contains("cycle") && e.contains("b.toml"),
        "{e}"
    );

    let c = write(dir.path(), "c.toml", "extends = \"nowhere.toml\"\n");
    let e = scenario::load(&c).unwrap_err().to_string();
    assert!(e.contains("extends") && e.contains("nowhere.toml"), "{e}");

    let d = write(dir.path(), "d.toml", "extends = 5\n");
    let e = scenario::load(&d).unwrap_err().to_string();
    assert!(
        e.contains("extends") && e.contains("path of a scenario file"),
        "{e}"
    );
}

#[test]
fn unknown_keys_in_a_child_are_still_reported() {
    let dir = tempfile::tempdir().unwrap();
    family(dir.path());
    let child = write(
        dir.path(),
        "lib/typo.toml",
        "extends = \"baseline.toml\"\n[gaps]\nleek = 0.1\n",
    );
    let e = scenario::load(&child).unwrap_err().to_string();
    assert!(
        e.contains("gaps.leek") && e.contains("did you mean `leak`"),
        "{e}"
    );
}
