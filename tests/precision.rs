//! `wijksim run --precision`: stops at the first chunk boundary where every standard error is
//! at or below its target, identically for any thread count; its result is the ordinary run
//! of that many draws; an unreachable target stops at the cap and says so.

use std::path::Path;
use std::process::Command;

fn wijksim(args: &[&str], out: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_wijksim"))
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

fn meta(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("meta.json")).unwrap()).unwrap()
}

#[test]
fn stops_at_the_first_boundary_that_is_precise_enough_for_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let run = |threads: &str, name: &str| {
        let out = dir.path().join(name);
        let o = wijksim(
            &[
                "run",
                "scenarios/baseline.toml",
                "--precision",
                "closure=0.004,p_breach=0.01",
                "-n",
                "50000",
                "--seed",
                "3",
                "--threads",
                threads,
                "--lang",
                "nl",
            ],
            &out,
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let stdout = String::from_utf8_lossy(&o.stdout).to_string();
        (out, stdout)
    };
    let (a, stdout) = run("1", "t1");
    let (b, _) = run("2", "t2");
    assert!(stdout.contains("Stopped: every standard error at or below its target after"));
    assert_eq!(
        std::fs::read(a.join("summary.json")).unwrap(),
        std::fs::read(b.join("summary.json")).unwrap()
    );
    assert_eq!(
        std::fs::read(a.join("convergence.csv")).unwrap(),
        std::fs::read(b.join("convergence.csv")).unwrap()
    );
    assert!(a.join("charts/convergence.png").exists());
    let html = std::fs::read_to_string(a.join("report.html")).unwrap();
    assert!(
        html.contains("Doorrekening tot de gevraagde precisie: elk doel bereikt na"),
        "the Dutch page says so"
    );

    let m = meta(&a);
    let p = &m["precision"];
    assert_eq!(p["reached"], true);
    let draws = p["draws"].as_u64().unwrap();
    assert_eq!(m["draws"].as_u64().unwrap(), draws);
    assert!(
        draws.is_multiple_of(1024) && (2048..50_000).contains(&draws),
        "{draws}"
    );
    // Every earlier boundary with enough draws missed a target; the last met both.
    let targets = [0.004, 0.01];
    let path = p["path"].as_array().unwrap();
    let met = |point: &serde_json::Value| {
        point["estimates"]
            .as_array()
            .unwrap()
            .iter()
            .zip(targets)
            .all(|(e, t)| e[1].as_f64().unwrap() <= t)
    };
    let last = path.last().unwrap();
    assert_eq!(last["draws"].as_u64().unwrap(), draws);
    assert!(met(last));
    for point in &path[..path.len() - 1] {
        if point["draws"].as_u64().unwrap() >= 2048 {
            assert!(!met(point), "could have stopped at {}", point["draws"]);
        }
    }

    // The result is the ordinary run of that many draws.
    let c = dir.path().join("plain");
    let o = wijksim(
        &[
            "run",
            "scenarios/baseline.toml",
            "-n",
            &draws.to_string(),
            "--seed",
            "3",
            "--no-charts",
        ],
        &c,
    );
    assert!(o.status.success());
    assert_eq!(
        std::fs::read(a.join("summary.json")).unwrap(),
        std::fs::read(c.join("summary.json")).unwrap()
    );
}

#[test]
fn an_unreachable_target_stops_at_the_cap_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cap");
    let o = wijksim(
        &[
            "run",
            "scenarios/baseline.toml",
            "--precision",
            "closure=0.00001",
            "-n",
            "3000",
            "--no-charts",
        ],
        &out,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("the cap of 3000 draws came first; not reached: closure"),
        "{stdout}"
    );
    let p = &meta(&out)["precision"];
    assert_eq!(p["reached"], false);
    assert_eq!(p["draws"], 3000);

    let o = wijksim(
        &[
            "run",
            "scenarios/baseline.toml",
            "--precision",
            "clsure=0.1",
        ],
        &dir.path().join("bad"),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("known: closure"));
}
