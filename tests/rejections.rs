//! One rejection test per kind of bad input: `wijksim validate` (and `run`) exit with code 2
//! and name the file, the field path (or CSV line and column) and what is wrong. This table
//! is the one in docs/bad-input.md.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Stands for the `leak = ...   #` line of baseline.toml (whatever its calibrated values).
const LEAK: &str = "<the leak line>";

/// The `leak = { ... }   #` part of baseline.toml's leak line.
fn leak_line(base: &str) -> String {
    let line = base
        .lines()
        .find(|l| l.starts_with("leak = "))
        .expect("baseline.toml sets gaps.leak");
    line[..line.find('#').expect("the leak line has a comment") + 1].to_string()
}

/// (case, text to replace in baseline.toml ("" appends), replacement, expected in stderr)
const CASES: &[(&str, &str, &str, &[&str])] = &[
    (
        "syntax",
        "draws = 10000",
        "draws = = 10000",
        &["(syntax)", "line 15, column 9"],
    ),
    (
        "wrong_type",
        "horizon = 10 ",
        "horizon = \"ten\" ",
        &["run.horizon", "invalid type", "line 17"],
    ),
    (
        "missing_field",
        "city = 5.0",
        "",
        &["indicators[0].city", "missing"],
    ),
    (
        "unknown_key",
        "aging = 0.3",
        "agin = 0.3",
        &["gaps.agin", "unknown key", "did you mean `aging`?"],
    ),
    (
        "unknown_key_nested",
        "sigma = 0.03",
        "sigmaa = 0.03",
        &[
            "indicators[0].sigmaa",
            "did you mean `sigma`?",
            "(line 104, column 1)",
        ],
    ),
    (
        "negative_sd",
        "house_price_growth = 0.045",
        "house_price_growth = -0.045",
        &[
            "economy.sd.house_price_growth",
            "must be >= 0, got -0.045",
            "(line 44, column 1)",
        ],
    ),
    (
        "dist_negative_sd",
        LEAK,
        r#"leak = { dist = "normal", mean = 0.05, sd = -0.01 }   #"#,
        &["gaps.leak", "sd must be >= 0, got -0.01"],
    ),
    (
        "dist_min_above_max",
        LEAK,
        r#"leak = { dist = "pert", min = 0.2, mode = 0.05, max = 0.10 }   #"#,
        &[
            "gaps.leak",
            "min (0.2) must be below max (0.1)",
            "(line 83, column 1)",
        ],
    ),
    (
        "dist_mode_outside",
        LEAK,
        r#"leak = { dist = "pert", min = 0.02, mode = 0.5, max = 0.10 }   #"#,
        &["gaps.leak", "mode (0.5) must lie in [min, max]"],
    ),
    (
        "dist_unknown",
        LEAK,
        r#"leak = { dist = "perty", min = 0.02, mode = 0.05, max = 0.10 }   #"#,
        &[
            "gaps.leak",
            "unknown distribution `perty`",
            "did you mean `pert`?",
        ],
    ),
    (
        "dist_wrong_fields",
        LEAK,
        r#"leak = { dist = "uniform", min = 0.02, mode = 0.05, max = 0.10 }   #"#,
        &["gaps.leak", "`uniform` takes min, max, not mode"],
    ),
    (
        "dist_beta_shape",
        LEAK,
        r#"leak = { dist = "beta", a = -1, b = 2, min = 0, max = 0.1 }   #"#,
        &["gaps.leak", "a and b must be > 0"],
    ),
    (
        "dist_outside_domain",
        LEAK,
        r#"leak = { dist = "normal", mean = 0.05, sd = 0.1 }   #"#,
        &["gaps.leak", "must lie in [0, 1]", "give lower/upper bounds"],
    ),
    (
        "share_above_one",
        "physical_share = 0.6 ",
        "physical_share = 1.6 ",
        &[
            "corporations.defaults.physical_share",
            "must lie in [0, 1], got 1.6",
            "(line 224, column 1)",
        ],
    ),
    (
        "negative_count",
        "total_population = 779000",
        "total_population = -5",
        &["data.total_population", "must be > 0, got -5"],
    ),
    (
        "horizon_absurd",
        "horizon = 10 ",
        "horizon = 500 ",
        &["run.horizon", "1..=100"],
    ),
    (
        "correlation_not_pd",
        "rho = 0.2",
        "rho = 0.95",
        &[
            "economy.correlation",
            "not positive definite",
            "smallest eigenvalue -0.3153",
            "house_price_growth/interest = 0.95",
            "(line 55, column 1)",
        ],
    ),
    (
        "correlation_out_of_range",
        "rho = 0.5",
        "rho = 1.5",
        &["economy.correlation[1].rho", "(-1, 1), got 1.5"],
    ),
    (
        "correlation_unknown_variable",
        "b = \"unemployment\"",
        "b = \"unemploymnt\"",
        &["economy.correlation[0].b", "did you mean `unemployment`?"],
    ),
    (
        "correlation_pair_twice",
        "a = \"interest\"\nb = \"inflation\"",
        "a = \"unemployment\"\nb = \"house_price_growth\"",
        &["economy.correlation[1]", "the pair", "given twice"],
    ),
    (
        "correlation_same_variable",
        "a = \"interest\"\nb = \"inflation\"",
        "a = \"interest\"\nb = \"interest\"",
        &["economy.correlation[1]", "must be different variables"],
    ),
    (
        "student_t_df",
        "shocks = \"normal\"",
        "shocks = \"student_t\"\nstudent_t_df = 2",
        &["economy.student_t_df", "must be > 2"],
    ),
    (
        "spillover_unknown_indicator",
        "income = 0.5",
        "incme = 0.5",
        &["spillover.unemployment.incme", "did you mean `income`?"],
    ),
    (
        "spillover_self",
        "income = 0.5",
        "unemployment = 0.5",
        &["spillover.unemployment.unemployment", "onto itself"],
    ),
    (
        "weight_negative",
        "weight = 1",
        "weight = -1",
        &["indicators[0].weight", "must be >= 0, got -1"],
    ),
    (
        "unknown_municipality",
        "",
        "\n[municipalities.overrides.Amsterdm]\nbudget_per_resident = 1\n",
        &[
            "municipalities.overrides.Amsterdm",
            "did you mean `Amsterdam`?",
        ],
    ),
    (
        "schedule_bad_year",
        "levy = 0.0 ",
        "levy = { 2013 = 1.5, twenty = 0.1 } ",
        &[
            "corporations.defaults.levy.2013",
            "[0, 1], got 1.5",
            "(line 228, column 10)",
            "levy.twenty",
            "calendar years",
        ],
    ),
    (
        "data_file_missing",
        "data/aandachtswijken.csv",
        "data/nope.csv",
        &["data.wijken", "cannot read", "nope.csv"],
    ),
];

/// (case, CSV content, expected in stderr)
const CSV_CASES: &[(&str, &str, &[&str])] = &[
    (
        "csv_not_a_number",
        "gemeente,wijk,additionele_inzet_mln_per_jaar,max_subsidie_eur_per_jaar\nA,B,2.5,100\nA,C,x,100\n",
        &[
            "w.csv line 3, column additionele_inzet_mln_per_jaar",
            "`x` is not a number",
        ],
    ),
    (
        "csv_duplicate_wijk",
        "gemeente,wijk,additionele_inzet_mln_per_jaar,max_subsidie_eur_per_jaar\nA,B,2.5,100\nA,B,1,100\n",
        &["w.csv line 3", "duplicate wijk A / B"],
    ),
    (
        "csv_missing_columns",
        "gemeente,wijk\nA,B\n",
        &[
            "w.csv",
            "missing columns additionele_inzet_mln_per_jaar, max_subsidie_eur_per_jaar",
        ],
    ),
    (
        "csv_tab_separated",
        "gemeente\twijk\tadditionele_inzet_mln_per_jaar\tmax_subsidie_eur_per_jaar\nA\tB\t2.5\t100\n",
        &["w.csv", "tab-separated"],
    ),
    ("csv_empty", "", &["w.csv"]),
];

const HEAD: &str = "gemeente,wijk,additionele_inzet_mln_per_jaar,max_subsidie_eur_per_jaar";

/// (case, wijk table after the required header columns, corporations table or "" for none,
/// TOML appended to the scenario, expected in stderr)
const TABLE_CASES: &[(&str, &str, &str, &str, &[&str])] = &[
    (
        "wijk_unknown_column",
        ",inwoner\nA,B,2.5,100,5000\n",
        "",
        "",
        &["w.csv column inwoner", "did you mean `inwoners`?"],
    ),
    (
        "wijk_not_behind_its_city",
        ",unemployment,unemployment_stad\nA,B,2.5,100,4,6\n",
        "",
        "",
        &["w.csv line 2, column unemployment", "not behind its city"],
    ),
    (
        "wijk_value_outside_the_range",
        ",livability\nA,B,2.5,100,11\n",
        "",
        "",
        &[
            "w.csv line 2, column livability",
            "outside the physical range [1, 10]",
        ],
    ),
    (
        "wijk_more_corporation_dwellings_than_dwellings",
        ",woningen,corporatiewoningen\nA,B,2.5,100,100,200\n",
        "",
        "",
        &["w.csv line 2, column corporatiewoningen", "exceed"],
    ),
    (
        "wijk_names_a_corporation_without_a_table",
        ",corporatie\nA,B,2.5,100,X\n",
        "",
        "",
        &["w.csv line 2, column corporatie", "no corporations table"],
    ),
    (
        "wijk_names_an_unknown_corporation",
        ",corporatie\nA,B,2.5,100,Cx\n",
        "corporatie,gemeente,woningen\nC,A,100000\n",
        "",
        &[
            "w.csv line 2, column corporatie",
            "no corporation `Cx`",
            "did you mean `C`?",
        ],
    ),
    (
        "corporation_smaller_than_its_wijk_dwellings",
        "\nA,B,2.5,100\n",
        "corporatie,gemeente,woningen\nC,A,10\n",
        "",
        &["c.csv line 2, column woningen", "raise woningen"],
    ),
    (
        "corporation_bad_number",
        "\nA,B,2.5,100\n",
        "corporatie,gemeente,woningen,debt\nC,A,100000,-5\n",
        "",
        &["c.csv line 2, column debt", "must be >= 0, got -5"],
    ),
    (
        "corporation_table_missing_columns",
        "\nA,B,2.5,100\n",
        "naam,gemeente\nC,A\n",
        "",
        &["c.csv", "missing columns corporatie, woningen"],
    ),
    (
        "corporation_unknown_column",
        "\nA,B,2.5,100\n",
        "corporatie,gemeente,woningen,schulden\nC,A,100000,1\n",
        "",
        &["c.csv column schulden", "did you mean `schuld`?"],
    ),
    (
        "corporation_value_given_twice",
        "\nA,B,2.5,100\n",
        "corporatie,gemeente,woningen,debt,schuld\nC,A,100000,1,1\n",
        "",
        &["c.csv column schuld", "same value as column debt"],
    ),
    (
        "corporation_override_for_nobody",
        "\nA,B,2.5,100\n",
        "corporatie,gemeente,woningen\nC,A,100000\n",
        "\n[corporations.overrides.Cc]\nrent = 1\n",
        &["corporations.overrides.Cc", "did you mean `C`?"],
    ),
];

/// A baseline scenario in `dir` reading `w.csv` (and `c.csv` when `corporations` is given).
fn with_tables(dir: &Path, name: &str, wijken: &str, corporations: &str, extra: &str) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let data = if corporations.is_empty() {
        "wijken = \"w.csv\"".to_string()
    } else {
        std::fs::write(dir.join("c.csv"), corporations).unwrap();
        "wijken = \"w.csv\"\ncorporations = \"c.csv\"".to_string()
    };
    std::fs::write(dir.join("w.csv"), format!("{HEAD}{wijken}")).unwrap();
    let text = std::fs::read_to_string("scenarios/baseline.toml")
        .unwrap()
        .replacen("wijken = \"data/aandachtswijken.csv\"", &data, 1)
        + extra;
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn every_kind_of_bad_table_is_rejected_with_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    for (case, wijken, corporations, extra, needles) in TABLE_CASES {
        let path = with_tables(&dir.path().join(case), case, wijken, corporations, extra);
        assert_rejected(
            &wijksim(&["validate"], &path),
            &format!("{case}.toml"),
            needles,
            case,
        );
    }
}

#[test]
fn a_partial_corporations_table_is_allowed_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let path = with_tables(
        dir.path(),
        "partial",
        "\nA,B,2.5,100\nZ,Y,1.0,100\n",
        "corporatie,gemeente,woningen\nC,A,100000\n",
        "",
    );
    let o = wijksim(&["validate"], &path);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("warning:")
            && err.contains("gemeente Z")
            && err.contains("sector-average corporation stands in"),
        "{err}"
    );
}

fn wijksim(args: &[&str], file: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wijksim"))
        .args(args)
        .arg(file)
        .output()
        .unwrap()
}

fn scenario(dir: &Path, name: &str, from: &str, to: &str) -> PathBuf {
    let base = std::fs::read_to_string("scenarios/baseline.toml").unwrap();
    let from = if from == LEAK {
        leak_line(&base)
    } else {
        from.to_string()
    };
    let text = if from.is_empty() {
        base + to
    } else {
        assert!(
            base.contains(&from),
            "{name}: `{from}` not in baseline.toml"
        );
        base.replacen(&from, to, 1)
    };
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::copy(
        "scenarios/data/aandachtswijken.csv",
        dir.join("data/aandachtswijken.csv"),
    )
    .unwrap();
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, text).unwrap();
    path
}

fn assert_rejected(o: &Output, file: &str, needles: &[&str], case: &str) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{case}: {err}");
    assert!(err.contains(file), "{case}: the file is not named: {err}");
    for n in needles {
        assert!(err.contains(n), "{case}: `{n}` missing from: {err}");
    }
    assert!(!err.contains("panicked"), "{case}: {err}");
}

#[test]
fn every_kind_of_bad_scenario_is_rejected_with_its_path() {
    let dir = tempfile::tempdir().unwrap();
    for (case, from, to, needles) in CASES {
        let path = scenario(dir.path(), case, from, to);
        let file = format!("{case}.toml");
        assert_rejected(&wijksim(&["validate"], &path), &file, needles, case);
        // `run` refuses the same way and writes nothing.
        let out = dir.path().join(format!("out_{case}"));
        let o = Command::new(env!("CARGO_BIN_EXE_wijksim"))
            .arg("run")
            .arg(&path)
            .args(["-n", "10", "--out"])
            .arg(&out)
            .output()
            .unwrap();
        assert_rejected(&o, &file, needles, case);
        assert!(!out.exists(), "{case}: run created its directory");
    }
}

#[test]
fn every_kind_of_bad_csv_is_rejected_with_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    for (case, csv, needles) in CSV_CASES {
        let d = dir.path().join(case);
        let path = scenario(&d, case, "data/aandachtswijken.csv", "w.csv");
        std::fs::write(d.join("w.csv"), csv).unwrap();
        assert_rejected(
            &wijksim(&["validate"], &path),
            &format!("{case}.toml"),
            needles,
            case,
        );
    }
}

#[test]
fn dutch_excel_csv_is_accepted() {
    // A UTF-8 byte-order mark, `;` separators and decimal commas, as Dutch Excel saves CSV.
    let dir = tempfile::tempdir().unwrap();
    let path = scenario(dir.path(), "excel", "data/aandachtswijken.csv", "w.csv");
    std::fs::write(
        dir.path().join("w.csv"),
        "\u{feff}gemeente;wijk;additionele_inzet_mln_per_jaar;max_subsidie_eur_per_jaar\nRotterdam;Oud Zuid;5,3;1060000\nRotterdam;Noord;2,5;500000\n",
    )
    .unwrap();
    let o = wijksim(&["validate", "--resolved"], &path);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let sc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(sc["wijken"].as_array().unwrap().len(), 2);
    assert_eq!(sc["wijken"][0]["commitment"], 5_300_000.0);
}

#[test]
fn validate_reports_every_problem_in_one_pass() {
    let dir = tempfile::tempdir().unwrap();
    let base = std::fs::read_to_string("scenarios/baseline.toml").unwrap();
    let text = base
        .replacen("aging = 0.3", "agin = 0.3", 1)
        .replacen(
            &leak_line(&base),
            r#"leak = { dist = "pert", min = 0.2, mode = 0.05, max = 0.10 }   #"#,
            1,
        )
        .replacen("rho = 0.2", "rho = 0.95", 1)
        .replacen("physical_share = 0.6 ", "physical_share = 1.6 ", 1)
        .replacen("income = 0.5", "incme = 0.5", 1);
    let path = scenario(dir.path(), "many", "", "");
    std::fs::write(&path, text).unwrap();
    let o = wijksim(&["validate"], &path);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("many.toml: 5 problems"), "{err}");
    for n in [
        "gaps.agin",
        "gaps.leak",
        "economy.correlation",
        "corporations.defaults.physical_share",
        "spillover.unemployment.incme",
    ] {
        assert!(err.contains(n), "{n} missing: {err}");
    }
}

#[test]
fn weights_summing_to_zero_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let path = scenario(dir.path(), "zero", "", "");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("weight = 1", "weight = 0");
    std::fs::write(&path, text).unwrap();
    assert_rejected(
        &wijksim(&["validate"], &path),
        "zero.toml",
        &["indicators", "the weights sum to 0"],
        "zero weights",
    );
}

#[test]
fn bad_arguments_exit_with_code_two() {
    for args in [
        &["run", "-n", "abc"][..],
        &["run", "--threads", "-1"],
        &["run", "--lang", "de"],
        &["compare", "scenarios/baseline.toml"],
        &["frobnicate"],
    ] {
        let o = Command::new(env!("CARGO_BIN_EXE_wijksim"))
            .args(args)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
    }
    let o = Command::new(env!("CARGO_BIN_EXE_wijksim"))
        .args(["run", "-n", "0", "--out", "/nonexistent/never"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--draws must be at least 1"));
    let o = Command::new(env!("CARGO_BIN_EXE_wijksim"))
        .args(["validate", "no/such/file.toml"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no/such/file.toml"));
}
