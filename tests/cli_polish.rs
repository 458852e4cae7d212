//! The command line as people use it: shell completions and manual pages, counts written as
//! `1e6` or `1_000_000`, help text on every argument, output directories that cannot be
//! written refused before any work, every type error of a scenario in one pass, and `report`
//! saying what it wrote (and where, with `--out`).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::SystemTime;

fn wijksim(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_wijksim"));
    c.args(args);
    c
}

fn output(c: &mut Command) -> (Output, String, String) {
    let o = c.output().unwrap();
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    (o, out, err)
}

#[test]
fn completions_for_every_shell_and_the_manual_pages_come_from_the_commands() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let (o, out, err) = output(&mut wijksim(&["completions", shell]));
        assert!(o.status.success(), "{shell}: {err}");
        for needle in ["wijksim", "sensitivity", "tornado-draws", "completions"] {
            assert!(out.contains(needle), "{shell}: {needle} missing");
        }
    }
    let (o, _, err) = output(&mut wijksim(&["completions", "tcsh"]));
    assert_eq!(o.status.code(), Some(2), "{err}");

    let (o, out, _) = output(&mut wijksim(&["man"]));
    assert!(o.status.success());
    assert!(out.contains(".TH wijksim 1"), "{out}");
    assert!(
        out.contains("wijksim\\-run(1)"),
        "the page lists the commands: {out}"
    );

    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("man1");
    let (o, out, err) = output(wijksim(&["man", "--dir"]).arg(&pages));
    assert!(o.status.success(), "{err}");
    for page in [
        "wijksim.1",
        "wijksim-run.1",
        "wijksim-report.1",
        "wijksim-man.1",
    ] {
        let text = std::fs::read_to_string(pages.join(page)).unwrap();
        assert!(text.starts_with(".ie"), "{page} is roff");
        assert!(out.contains(page), "{page} not listed: {out}");
    }
    assert!(!pages.join("wijksim-help.1").exists());
}

#[test]
fn every_argument_and_command_has_help() {
    fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
        for arg in cmd.get_arguments() {
            if arg.get_help().is_none() && arg.get_long_help().is_none() {
                missing.push(format!("{path} {}", arg.get_id()));
            }
        }
        for sub in cmd.get_subcommands() {
            let at = format!("{path} {}", sub.get_name());
            if sub.get_about().is_none() && sub.get_long_about().is_none() {
                missing.push(at.clone());
            }
            walk(sub, &at, missing);
        }
    }
    let mut cmd = wijksim::cli::command();
    cmd.build();
    assert!(cmd.get_about().is_some());
    let mut missing = vec![];
    walk(&cmd, "wijksim", &mut missing);
    assert!(missing.is_empty(), "without help text: {missing:?}");
    // The walk reaches what it should: validate's positional among the rest.
    let validate = cmd.find_subcommand("validate").unwrap();
    assert!(validate.get_positionals().all(|a| a.get_help().is_some()));
}

#[test]
fn threads_default_to_all_cores_in_the_help() {
    for command in ["run", "compare", "sweep", "sensitivity", "evaluate", "seek"] {
        let (o, out, _) = output(&mut wijksim(&[command, "--help"]));
        assert!(o.status.success());
        let line = out
            .lines()
            .find(|l| l.contains("--threads"))
            .unwrap_or_else(|| panic!("{command}: no --threads"));
        assert!(line.contains("[default: all cores]"), "{command}: {line}");
        assert!(!line.contains("[default: 0]"), "{command}: {line}");
    }
}

#[test]
fn counts_are_accepted_with_underscores_and_as_powers_of_ten() {
    let dir = tempfile::tempdir().unwrap();
    let sc = common::small_baseline(dir.path());
    for (n, draws) in [("1_500", 1500), ("2e3", 2000)] {
        let out = dir.path().join(format!("run_{draws}"));
        let (o, _, err) = output(
            wijksim(&["run", "-n", n, "--no-charts", "-q", "--out"])
                .arg(&out)
                .arg(&sc),
        );
        assert!(o.status.success(), "-n {n}: {err}");
        let meta: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("meta.json")).unwrap()).unwrap();
        assert_eq!(meta["draws"], draws, "-n {n}");
    }
    for (args, name, says) in [
        (
            vec!["run", "-n", "1.5e3"],
            "--draws",
            "is not a whole number",
        ),
        (vec!["run", "-n", "1e30"], "--draws", "too large"),
        (
            vec!["sensitivity", "-n", "2.5e3"],
            "--rows",
            "is not a whole number",
        ),
        (
            vec!["sensitivity", "--tornado-draws", "1e21"],
            "--tornado-draws",
            "too large",
        ),
        (
            vec!["seek", "--resamples", "4.0e2"],
            "--resamples",
            "is not a whole number",
        ),
    ] {
        let (o, _, err) = output(wijksim(&args).arg(&sc));
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(name) && err.contains(says), "{args:?}: {err}");
    }
}

/// A path below a regular file: no directory can be created there, not even by root.
fn below_a_file(dir: &Path) -> PathBuf {
    let file = dir.join("a_file");
    std::fs::write(&file, "not a directory").unwrap();
    file.join("out")
}

#[test]
fn an_unwritable_output_directory_is_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let sc = common::small_baseline(dir.path());
    let sc = sc.to_str().unwrap();
    let design = dir.path().join("design.csv");
    std::fs::write(&design, "gaps.leak\n0.1\n").unwrap();
    let design = design.to_str().unwrap();
    let out = below_a_file(dir.path());
    let csv = out.join("outputs.csv");
    let out = out.to_str().unwrap();
    let cases: Vec<Vec<&str>> = vec![
        vec!["run", sc, "-n", "1e5", "--out", out],
        vec!["compare", sc, sc, "-n", "1e5", "--out", out],
        vec![
            "sweep",
            sc,
            "--set",
            "gaps.leak=0.1,0.2",
            "-n",
            "1e5",
            "--out",
            out,
        ],
        vec![
            "calibrate",
            "scenarios/historisch.toml",
            "--targets",
            "calibration/targets.toml",
            "--out",
            out,
        ],
        vec!["sensitivity", sc, "-n", "1e5", "--out", out],
        vec![
            "seek",
            sc,
            "--lever",
            "corporations.defaults.levy",
            "--target",
            "p_breach <= 5%",
            "--range",
            "0..0.02",
            "-n",
            "1e5",
            "--out",
            out,
        ],
        vec![
            "discover",
            sc,
            "--where",
            "closure < 0.1",
            "-n",
            "1e5",
            "--out",
            out,
        ],
        vec![
            "evaluate",
            sc,
            "--design",
            design,
            "--out",
            csv.to_str().unwrap(),
        ],
    ];
    for args in cases {
        let started = std::time::Instant::now();
        let (o, _, err) = output(&mut wijksim(&args));
        assert_eq!(o.status.code(), Some(2), "{}: {err}", args[0]);
        assert!(
            err.contains("cannot write into") && err.contains("a_file/out"),
            "{}: {err}",
            args[0]
        );
        assert!(err.contains("os error"), "{}: the OS error: {err}", args[0]);
        assert!(
            started.elapsed().as_secs_f64() < 20.0,
            "{}: refused only after {:?}",
            args[0],
            started.elapsed()
        );
    }
}

/// Every file below `dir` with its size and modification time.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (u64, SystemTime)> {
    let mut files = BTreeMap::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let m = e.metadata().unwrap();
        if m.is_dir() {
            files.extend(snapshot(&e.path()));
        } else {
            files.insert(e.path(), (m.len(), m.modified().unwrap()));
        }
    }
    files
}

#[test]
fn report_says_what_it_wrote_writes_elsewhere_with_out_and_names_a_missing_directory() {
    let dir = tempfile::tempdir().unwrap();
    let sc = common::small_baseline(dir.path());
    let run = dir.path().join("run");
    let (o, _, err) = output(
        wijksim(&["run", "-n", "400", "-q", "--out"])
            .arg(&run)
            .arg(&sc),
    );
    assert!(o.status.success(), "{err}");

    // In place: it lists the files and the language.
    let (o, out, err) = output(wijksim(&["report"]).arg(&run));
    assert!(o.status.success(), "{err}");
    assert!(out.contains("English"), "{out}");
    for file in [
        "report.html",
        "summary.xlsx",
        "charts/gap_fan.png",
        "charts/gap_fan.svg",
    ] {
        assert!(out.contains(file), "{file} not listed: {out}");
    }

    // With --out: everything goes there, the run directory stays as it was.
    let before = snapshot(&run);
    let elsewhere = dir.path().join("dutch");
    let (o, out, err) = output(
        wijksim(&["report", "--lang", "nl", "--out"])
            .arg(&elsewhere)
            .arg(&run),
    );
    assert!(o.status.success(), "{err}");
    assert!(
        out.contains("Dutch") && out.contains("summary.xlsx"),
        "{out}"
    );
    assert!(out.contains(&elsewhere.display().to_string()), "{out}");
    for file in [
        "report.html",
        "summary.xlsx",
        "charts/gap_fan.png",
        "charts/wijken.svg",
    ] {
        assert!(elsewhere.join(file).is_file(), "{file} not in --out");
    }
    let html = std::fs::read_to_string(elsewhere.join("report.html")).unwrap();
    assert!(html.contains("lang=\"nl\""), "the Dutch report");
    assert_eq!(snapshot(&run), before, "the run directory was touched");

    // A directory that does not exist is bad input, said plainly.
    let missing = dir.path().join("no_such_run");
    let (o, _, err) = output(wijksim(&["report"]).arg(&missing));
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("does not exist"), "{err}");
    assert!(!err.contains("interrupted"), "{err}");

    // An --out that cannot be written is refused before anything is drawn.
    let (o, _, err) = output(
        wijksim(&["report", "--out"])
            .arg(below_a_file(dir.path()))
            .arg(&run),
    );
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("cannot write into"), "{err}");
}

#[test]
fn validate_reports_every_type_error_at_once_with_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let sc = common::small_baseline(dir.path());
    let text = std::fs::read_to_string(&sc).unwrap();
    let wrong = [
        (
            "horizon = 10 ",
            "horizon = \"ten\" ",
            "run.horizon",
            "string \"ten\"",
        ),
        (
            "aging = 0.3",
            "aging = \"lots\"",
            "gaps.aging",
            "string \"lots\"",
        ),
        (
            "budget_per_resident = 150",
            "budget_per_resident = true",
            "municipalities.defaults.budget_per_resident",
            "boolean `true`",
        ),
    ];
    let mut bad = text.clone();
    for (from, to, _, _) in wrong {
        assert!(bad.contains(from), "{from} not in the baseline");
        bad = bad.replacen(from, to, 1);
    }
    // And a mistake of another kind, found in the same pass.
    bad = bad.replacen("retention = ", "retension = ", 1);
    std::fs::write(&sc, &bad).unwrap();
    let (o, _, err) = output(wijksim(&["validate"]).arg(&sc));
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("small.toml: 4 problems"), "{err}");
    for (_, to, path, value) in wrong {
        let line = bad.lines().position(|l| l.contains(to)).unwrap() + 1;
        let column = bad.lines().nth(line - 1).unwrap().find('=').unwrap() + 3;
        let want = format!("(line {line}, column {column})");
        let reported = err
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{path}: ")))
            .unwrap_or_else(|| panic!("{path} not reported: {err}"));
        assert!(
            reported.contains("invalid type") && reported.contains(value),
            "{reported}"
        );
        assert!(reported.ends_with(&want), "{reported}: want {want}");
    }
    assert!(err.contains("gaps.retension: unknown key"), "{err}");
}
