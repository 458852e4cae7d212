//! `wijksim serve`, over HTTP: the page and its assets, what the levers give (the same
//! figures as `wijksim run` of the downloaded scenario), bad and hostile requests (clear
//! 4xx answers, the server keeps working), a change cancelling the run before it, and Ctrl-C.
//! The browser drives the page in tests/browser.rs.

mod common;

use common::server::Server;
use serde_json::Value;
use std::process::Command;
use std::time::{Duration, Instant};

fn json(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

/// The headline figures of a what-if answer by key: (loaded, what-if, difference, error).
fn figures(v: &Value) -> Vec<(String, [f64; 4])> {
    v["headline"]["figures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["key"].as_str().unwrap().to_string(),
                ["loaded", "whatif", "difference", "difference_mcse"]
                    .map(|k| f[k].as_f64().unwrap()),
            )
        })
        .collect()
}

/// Runs `wijksim command args paths...`; true when it succeeded.
fn wijksim(command: &str, args: &[&str], paths: &[&std::path::Path]) -> bool {
    Command::new(env!("CARGO_BIN_EXE_wijksim"))
        .arg(command)
        .args(args)
        .args(paths)
        .status()
        .unwrap()
        .success()
}

#[test]
fn the_page_and_its_assets_are_served_offline_with_a_strict_policy() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&common::small_baseline(dir.path()), &["-n", "200"]);
    let (status, headers, body) = server.get("/");
    assert_eq!(status, 200);
    assert!(body.contains("<html lang=\"en\">"), "{body}");
    let headers = headers.to_ascii_lowercase();
    assert!(headers.contains("content-security-policy: default-src 'none'; script-src 'self'"));
    // Nothing from elsewhere: every script and stylesheet is the server's own.
    for needle in ["http://", "https://", "//cdn"] {
        assert!(!body.contains(needle), "the page refers to {needle}");
    }
    let (_, _, nl) = server.get("/?lang=nl");
    assert!(nl.contains("<html lang=\"nl\">"));
    let (status, headers, script) = server.get("/app.js");
    assert_eq!(status, 200);
    assert!(headers.contains("text/javascript"));
    assert!(script.contains("/api/run"));
    assert!(
        !script.contains("http"),
        "the script fetches only its own server"
    );
    let (status, _, css) = server.get("/style.css");
    assert_eq!(status, 200);
    assert!(css.contains("figure"));

    // The levers in Dutch, with units, ranges and the loaded values.
    let (status, _, levers) = server.get("/api/levers?lang=nl");
    assert_eq!(status, 200);
    let levers = json(&levers);
    let list = levers["levers"].as_array().unwrap();
    let keys: Vec<&str> = list.iter().map(|l| l["key"].as_str().unwrap()).collect();
    for k in [
        "budget_per_resident",
        "cut_depth",
        "cut_start",
        "levy",
        "levy_scale",
        "rent_policy",
        "state_budget",
        "state_until",
        "compensation",
        "retention",
        "physical_share",
        "allocation",
    ] {
        assert!(keys.contains(&k), "no lever {k}: {keys:?}");
    }
    let budget = &list[0];
    assert_eq!(budget["label"], "Sociaal budget van de gemeente");
    assert_eq!(budget["value"], 150.0);
    // The cut depth is uncertain in the baseline (PERT 5-15-30%): the slider moves its
    // mode, and stops where the moved range would leave [0, 1] (mode 50%, max 100%).
    let cut = &list[1];
    assert_eq!(cut["value"], 0.15);
    assert!((cut["control"]["number"]["max"].as_f64().unwrap() - 0.5).abs() < 1e-12);
    assert!(cut["note"].as_str().unwrap().contains("5% tot 30%"));
}

#[test]
fn a_what_if_gives_exactly_what_wijksim_run_of_its_downloaded_scenario_gives() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = common::small_baseline(dir.path());
    let server = Server::start(&scenario, &["-n", "600", "--seed", "11"]);
    let levers = r#"{"lang":"en","levers":{"budget_per_resident":250,"cut_depth":0.3,"levy":true,"levy_scale":1.5,"state_until":2010,"allocation":"wijken_first","retention":0.2}}"#;
    let (status, body) = server.post("/api/run", levers);
    assert_eq!(status, 200, "{body}");
    let page = json(&body);
    assert_eq!(page["draws"], 600);
    assert_eq!(page["seed"], 11);
    assert_eq!(page["charts"].as_array().unwrap().len(), 5);
    for c in page["charts"].as_array().unwrap() {
        assert!(c["svg"].as_str().unwrap().contains("<svg"));
    }
    assert_eq!(
        page["changes"].as_array().unwrap().len(),
        7,
        "{}",
        page["changes"]
    );

    let (status, toml) = server.post("/api/scenario", levers);
    assert_eq!(status, 200, "{toml}");
    assert!(toml.contains("extends = \"small.toml\""), "{toml}");
    assert!(
        !toml.contains("physical_share"),
        "an unmoved lever is not written:\n{toml}"
    );
    let file = dir.path().join("small_whatif.toml");
    std::fs::write(&file, &toml).unwrap();
    let out = dir.path().join("run");
    // No -n or --seed: the file carries the page's.
    assert!(wijksim(
        "run",
        &["--no-charts", "-q", "--threads", "1", "--out"],
        &[&out, &file]
    ));
    let summary = json(&std::fs::read_to_string(out.join("summary.json")).unwrap());
    let overall = &summary["overall"];
    assert_eq!(summary["draws"], 600);
    let run = [
        (
            "gap_closure",
            overall["gap_closure"]["mean"].as_f64().unwrap(),
        ),
        ("p_halved", overall["p_halved"]["p"].as_f64().unwrap()),
        (
            "p_breach_icr",
            overall["p_breach_icr"]["p"].as_f64().unwrap(),
        ),
        (
            "p_breach_ltv",
            overall["p_breach_ltv"]["p"].as_f64().unwrap(),
        ),
    ];
    let page_figures = figures(&page);
    for ((key, value), (page_key, f)) in run.iter().zip(&page_figures) {
        assert_eq!(key, page_key);
        // Bit for bit: the same scenario, draws and seed.
        assert_eq!(
            f[1].to_bits(),
            value.to_bits(),
            "{key}: page {} run {value}",
            f[1]
        );
    }
    // The loaded column is `wijksim run` of the loaded scenario on the page's draws.
    let base = dir.path().join("base");
    let same_draws = ["-n", "600", "--seed", "11", "--no-charts", "-q", "--out"];
    assert!(wijksim("run", &same_draws, &[&base, &scenario]));
    let loaded = json(&std::fs::read_to_string(base.join("summary.json")).unwrap());
    assert_eq!(
        page_figures[0].1[0],
        loaded["overall"]["gap_closure"]["mean"].as_f64().unwrap()
    );
    // The differences are `wijksim compare`'s paired differences of the same two scenarios.
    let cmp = dir.path().join("compare");
    assert!(wijksim("compare", &same_draws, &[&cmp, &scenario, &file]));
    let compared = json(&std::fs::read_to_string(cmp.join("compare.json")).unwrap());
    let c = &compared["comparisons"][0];
    for ((key, f), field) in page_figures.iter().zip([
        "gap_closure_difference",
        "p_halved_difference",
        "p_breach_icr_difference",
        "p_breach_ltv_difference",
    ]) {
        for (i, stat) in [(2, "mean"), (3, "mcse")] {
            let want = c[field][stat].as_f64().unwrap();
            assert!(
                (f[i] - want).abs() <= 1e-12 * want.abs().max(1e-3),
                "{key} {stat}: page {} compare {want}",
                f[i]
            );
        }
    }
    // The difference is paired (common random numbers): its mean is the difference of the
    // means, and its error is far below that of two independent runs.
    let (_, g) = &page_figures[0];
    assert!((g[2] - (g[1] - g[0])).abs() < 1e-12, "{g:?}");
    let se = |v: &Value| v["gap_closure"]["mcse"].as_f64().unwrap();
    let independent = (se(overall).powi(2) + se(&loaded["overall"]).powi(2)).sqrt();
    assert!(
        g[3] < independent / 2.0,
        "paired {} vs independent {independent}",
        g[3]
    );

    // The report of the same settings is a page with the what-if's charts.
    let (status, report) = server.post("/api/report", levers);
    assert_eq!(status, 200);
    assert!(report.contains("<html lang=\"en\">") && report.matches("<svg").count() >= 8);
    assert!(report.contains("small_whatif"));
    // A downloaded page has no chart files beside it, so it names none.
    assert!(!report.contains("charts/gap_fan.png"));
}

#[test]
fn bad_and_hostile_requests_get_clear_4xx_answers_and_the_server_keeps_working() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&common::small_baseline(dir.path()), &["-n", "200"]);
    let huge = format!(r#"{{"levers":{{"allocation":"{}"}}}}"#, "x".repeat(100_000));
    // (method, path, content type, body, the status expected, what the answer must say)
    type Case<'a> = (&'a str, &'a str, Option<&'a str>, Vec<u8>, u16, &'a str);
    let cases: Vec<Case> = vec![
        (
            "POST",
            "/api/run",
            Some("application/json"),
            br#"{"levers":{"budget_per_resident_":100}}"#.to_vec(),
            422,
            "not a lever of this page",
        ),
        (
            "POST",
            "/api/run",
            Some("application/json"),
            br#"{"levers":{"cut_depth":NaN}}"#.to_vec(),
            400,
            "levers.cut_depth",
        ),
        (
            "POST",
            "/api/run",
            Some("application/json"),
            br#"{"levers":{"cut_depth":null}}"#.to_vec(),
            422,
            "must be a number",
        ),
        (
            "POST",
            "/api/run",
            Some("application/json"),
            br#"{"levers":{"cut_depth":"0.3"}}"#.to_vec(),
            422,
            "must be a number",
        ),
        (
            "POST",
            "/api/run",
            Some("application/json"),
            br#"{"levers":{"budget_per_resident":1e308}}"#.to_vec(),
            422,
            "is outside the range 0 to 600",
        ),
        (
            "POST",
            "/api/run",
            Some("application/json"),
            br#"{"levers":{"budget_per_resident":1e999}}"#.to_vec(),
            400,
            "number out of range",
        ),
        (
            "POST",
            "/api/run",
            Some("application/json"),
            br#"{"levers":{"cut_start":2011.5}}"#.to_vec(),
            422,
            "whole year",
        ),
        (
            "POST",
            "/api/run",
            Some("application/json"),
            br#"{"levers":{"levy":1}}"#.to_vec(),
            422,
            "true or false",
        ),
        (
            "POST",
            "/api/run",
            Some("application/json"),
            br#"{"levers":{"allocation":"../../etc"}}"#.to_vec(),
            422,
            "must be one of",
        ),
        (
            "POST",
            "/api/run",
            Some("application/json"),
            br#"{"lang":"de"}"#.to_vec(),
            400,
            "not a language",
        ),
        (
            "POST",
            "/api/run",
            Some("application/json"),
            br#"{"levers":{}, "x":1}"#.to_vec(),
            422,
            "unknown field",
        ),
        (
            "POST",
            "/api/run",
            Some("application/json"),
            br#"{"levers":"#.to_vec(),
            400,
            "JSON",
        ),
        (
            "POST",
            "/api/run",
            Some("text/plain"),
            br#"{}"#.to_vec(),
            415,
            "application/json",
        ),
        (
            "POST",
            "/api/run",
            Some("application/json"),
            huge.into_bytes(),
            413,
            "length limit",
        ),
        ("GET", "/api/run", None, vec![], 405, "wrong method"),
        (
            "GET",
            "/../../etc/passwd",
            None,
            vec![],
            404,
            "no such page",
        ),
        (
            "GET",
            "/app.js/../../Cargo.toml",
            None,
            vec![],
            404,
            "no such page",
        ),
        (
            "GET",
            "/%2e%2e/%2e%2e/etc/passwd",
            None,
            vec![],
            404,
            "no such page",
        ),
        (
            "GET",
            "/assets/serve/app.js",
            None,
            vec![],
            404,
            "no such page",
        ),
        ("GET", "/?lang=xx", None, vec![], 400, "not a language"),
    ];
    for (method, path, ct, body, expected, says) in &cases {
        let (status, _, answer) = server.request(method, path, *ct, body);
        assert_eq!(status, *expected, "{method} {path}: {answer}");
        assert!(
            answer.contains(says),
            "{method} {path}: the answer does not say {says:?}: {answer}"
        );
        assert!(!answer.contains("root:"), "{path} leaked a file");
    }
    // The scenario validation speaks through the page: a lever value the file would refuse
    // gets the file's located message under its lever.
    let (status, answer) = server.post("/api/scenario", r#"{"levers":{"cut_depth":0.9}}"#);
    assert_eq!(status, 422, "{answer}");
    assert!(answer.contains("cut_depth"));
    // And it still answers.
    let (status, answer) = server.post("/api/run", r#"{"levers":{"retention":0.5}}"#);
    assert_eq!(status, 200, "{answer}");
    assert_eq!(json(&answer)["changes"].as_array().unwrap().len(), 1);
}

#[test]
fn a_change_cancels_the_run_before_it() {
    let dir = tempfile::tempdir().unwrap();
    // Enough draws that a what-if takes seconds on two cores.
    let server = Server::start(&common::small_baseline(dir.path()), &["-n", "300000"]);
    let addr = server.addr.clone();
    let first = std::thread::spawn(move || {
        let body = br#"{"levers":{"budget_per_resident":100}}"#;
        common::server::request(&addr, "POST", "/api/run", Some("application/json"), body)
    });
    std::thread::sleep(Duration::from_millis(400));
    let started = Instant::now();
    let (status, answer) = server.post("/api/run", r#"{"levers":{"budget_per_resident":200}}"#);
    assert_eq!(status, 200, "{answer}");
    let (first_status, _, first_answer) = first.join().unwrap();
    assert_eq!(first_status, 409, "{first_answer}");
    assert!(first_answer.contains("newer change"));
    assert_eq!(
        json(&answer)["changes"][0],
        "Municipal social budget: 200 EUR per resident a year"
    );
    eprintln!("second run answered after {:?}", started.elapsed());
}

#[test]
fn ctrl_c_stops_the_server_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(&common::small_baseline(dir.path()), &["-n", "200"]);
    assert_eq!(server.get("/").0, 200);
    // SAFETY: sends SIGINT to our own child process.
    unsafe {
        libc::kill(server.child.id() as i32, libc::SIGINT);
    }
    let started = Instant::now();
    let status = loop {
        if let Some(s) = server.child.try_wait().unwrap() {
            break s;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the server did not stop"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    let mut err = String::new();
    std::io::Read::read_to_string(server.child.stderr.as_mut().unwrap(), &mut err).unwrap();
    assert!(err.contains("Listening on 127.0.0.1:"), "{err}");
    assert!(err.contains("stopped"), "{err}");
    assert!(std::net::TcpStream::connect(&server.addr).is_err());
}
