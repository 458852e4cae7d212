//! Exact shards: a run split into shards and merged is the single run, byte for byte, for any
//! number of shards (also shards with no draws) and threads; shards that do not belong
//! together, or an incomplete set, are refused by name.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn wijksim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wijksim"))
        .args(args)
        .output()
        .unwrap()
}

fn ok(o: Output) -> Output {
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

fn shard(scenario: &Path, draws: &str, seed: &str, i: u64, n: u64, out: &Path, threads: &str) {
    ok(wijksim(&[
        "run",
        scenario.to_str().unwrap(),
        "-n",
        draws,
        "--seed",
        seed,
        "--threads",
        threads,
        "--shard",
        &format!("{i}/{n}"),
        "-q",
        "--force",
        "--out",
        out.to_str().unwrap(),
    ]));
}

fn merge(dirs: &[PathBuf], out: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["merge".to_string()];
    args.extend(dirs.iter().map(|d| d.display().to_string()));
    args.extend(["--out".into(), out.display().to_string(), "-q".into()]);
    args.extend(extra.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    wijksim(&refs)
}

#[test]
fn eight_shards_merged_are_the_single_run_byte_for_byte() {
    let dir = common::scratch("shards_exact");
    let scenario = common::small_baseline(&dir);
    let single = dir.join("single");
    ok(wijksim(&[
        "run",
        scenario.to_str().unwrap(),
        "-n",
        "6000",
        "--seed",
        "9",
        "-q",
        "--no-charts",
        "--out",
        single.to_str().unwrap(),
    ]));
    // 6,000 draws are 6 chunks: of 8 shards, two run none.
    let dirs: Vec<PathBuf> = (1..=8).map(|i| dir.join(format!("shard_{i}"))).collect();
    for (i, d) in dirs.iter().enumerate() {
        let threads = if i % 2 == 0 { "1" } else { "2" };
        shard(&scenario, "6000", "9", i as u64 + 1, 8, d, threads);
    }
    let merged = dir.join("merged");
    // In any order.
    let mut shuffled = dirs.clone();
    shuffled.reverse();
    ok(merge(&shuffled, &merged, &[]));
    for f in ["summary.json", "yearly.csv", "wijken.csv"] {
        assert_eq!(
            std::fs::read(single.join(f)).unwrap(),
            std::fs::read(merged.join(f)).unwrap(),
            "{f} differs"
        );
    }
    // The merge draws the report like a run, and says it was merged.
    assert!(merged.join("report.html").exists() && merged.join("charts/gap_fan.png").exists());
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(merged.join("meta.json")).unwrap()).unwrap();
    assert_eq!(meta["shards"], 8);
    assert_eq!(meta["draws"], 6000);
    assert_eq!(meta["results_version"], wijksim::output::RESULTS_VERSION);
    // Two shards give the same as eight.
    let two: Vec<PathBuf> = (1..=2).map(|i| dir.join(format!("two_{i}"))).collect();
    for (i, d) in two.iter().enumerate() {
        shard(&scenario, "6000", "9", i as u64 + 1, 2, d, "2");
    }
    let merged2 = dir.join("merged2");
    ok(merge(&two, &merged2, &["--no-charts"]));
    assert_eq!(
        std::fs::read(merged.join("summary.json")).unwrap(),
        std::fs::read(merged2.join("summary.json")).unwrap()
    );
}

#[test]
fn shards_that_do_not_belong_together_are_refused_by_name() {
    let dir = common::scratch("shards_refused");
    let scenario = common::small_baseline(&dir);
    let dirs: Vec<PathBuf> = (1..=3).map(|i| dir.join(format!("s{i}"))).collect();
    for (i, d) in dirs.iter().enumerate() {
        shard(&scenario, "3000", "4", i as u64 + 1, 3, d, "2");
    }
    let other_seed = dir.join("other_seed");
    shard(&scenario, "3000", "5", 3, 3, &other_seed, "2");
    let out = dir.join("out");
    let refused = |dirs: &[PathBuf], expect: &str| {
        let o = merge(dirs, &out, &["--no-charts"]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains(expect), "expected `{expect}` in: {err}");
        assert!(!out.join("summary.json").exists());
    };
    refused(&dirs[..2], "shard 3 of 3 is missing");
    refused(
        &[
            dirs[0].clone(),
            dirs[1].clone(),
            dirs[1].clone(),
            dirs[2].clone(),
        ],
        "shard 2/3 is given twice",
    );
    refused(
        &[dirs[0].clone(), dirs[1].clone(), other_seed.clone()],
        "differ in seed: 4 vs 5",
    );
    // A shard without its completion marker (interrupted) is not merged.
    std::fs::remove_file(dirs[2].join(wijksim::rundir::COMPLETE)).unwrap();
    refused(&dirs, "is not a finished shard");
    // A scenario that changed since the shards ran is not used to label them.
    shard(&scenario, "3000", "4", 3, 3, &dirs[2], "2");
    let text = std::fs::read_to_string(&scenario).unwrap();
    std::fs::write(&scenario, text.replace("decay = 0.3", "decay = 0.31")).unwrap();
    refused(&dirs, "changed since the shards ran");
    // Shard numbers are checked where they are given.
    let o = wijksim(&["run", scenario.to_str().unwrap(), "--shard", "4/3"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("must lie in 1..=3"));
}
