//! Opens report.html, English and Dutch, in headless Chromium: the page must load offline,
//! be in its language, show every chart with content, and not be blank. Needs Debian's `chromium` (CI installs it), so it is ignored by
//! default: `cargo test --release --test browser -- --ignored`. Set CHROMIUM to use another
//! binary.

use std::path::Path;
use std::process::Command;

fn chromium(args: &[&str], page: &Path) -> std::process::Output {
    let bin = std::env::var("CHROMIUM").unwrap_or_else(|_| "chromium".into());
    Command::new(&bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
        ])
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap_or_else(|e| panic!("cannot start {bin} (install Debian's chromium): {e}"))
}

/// Runs the baseline with `--lang lang`, opens its report.html and checks what the browser
/// built and shows; returns the path of the screenshot.
fn check_report(dir: &Path, lang: &str, words: &[&str]) -> std::path::PathBuf {
    let out = dir.join(format!("run_{lang}"));
    let status = Command::new(env!("CARGO_BIN_EXE_wijksim"))
        .args([
            "run",
            "scenarios/baseline.toml",
            "-n",
            "2000",
            "-q",
            "--lang",
            lang,
            "--out",
        ])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let page = out.join("report.html").canonicalize().unwrap();

    // The DOM as the browser built it: every chart is there and has drawn content.
    let dom = chromium(&["--dump-dom"], &page);
    assert!(
        dom.status.success(),
        "{}",
        String::from_utf8_lossy(&dom.stderr)
    );
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(
        dom.contains(&format!("<html lang=\"{lang}\">")),
        "{lang}: the page's language"
    );
    for w in words {
        assert!(dom.contains(w), "{lang}: the page lacks {w:?}");
    }
    let charts: Vec<&str> = dom.split("<svg").skip(1).collect();
    assert_eq!(charts.len(), 8, "{lang}: charts in the rendered page");
    for (i, c) in charts.iter().enumerate() {
        let body = &c[..c.find("</svg>").expect("closed svg")];
        let shapes = [
            "<rect",
            "<polygon",
            "<polyline",
            "<circle",
            "<line",
            "<path",
        ]
        .iter()
        .map(|t| body.matches(t).count())
        .sum::<usize>();
        assert!(
            shapes > 20,
            "{lang}: chart {i} is empty in the browser ({shapes} shapes)"
        );
        assert!(body.contains("<text"), "{lang}: chart {i} has no text");
    }
    for bad in ["This page isn", "ERR_", "NaN"] {
        assert!(!dom.contains(bad), "{lang}: the page shows `{bad}`");
    }

    // A screenshot: decodes, and the page is not blank.
    let shot = dir.join(format!("report_{lang}.png"));
    let result = chromium(
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1200,6000",
        ],
        &page,
    );
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (1200, 6000));
    let channels = info.color_type.samples();
    let pixels = buf[..info.buffer_size()].chunks(channels);
    let n = (info.width * info.height) as f64;
    let inked = pixels.filter(|p| p[..3].iter().any(|&v| v < 200)).count() as f64;
    assert!(
        inked / n > 0.03,
        "{lang}: the screenshot is nearly blank ({:.3})",
        inked / n
    );
    shot
}

#[test]
#[ignore = "needs headless Chromium; CI runs it"]
fn report_renders_in_headless_chromium_in_english_and_dutch() {
    let dir = tempfile::tempdir().unwrap();
    let en = check_report(
        dir.path(),
        "en",
        &["Headline", "Municipalities", "Inputs", "Economy"],
    );
    let nl = check_report(
        dir.path(),
        "nl",
        &[
            "Kerncijfers",
            "Gemeenten",
            "Invoer",
            "Economie",
            "startgetal",
        ],
    );
    // Keep the screenshots where CI can pick them up as artefacts: the English one at
    // WIJKSIM_SCREENSHOT, the Dutch one beside it with _nl before the extension.
    if let Ok(dest) = std::env::var("WIJKSIM_SCREENSHOT") {
        let dest = std::path::PathBuf::from(dest);
        std::fs::copy(&en, &dest).unwrap();
        let stem = dest.file_stem().unwrap().to_string_lossy();
        let ext = dest
            .extension()
            .map_or(String::new(), |e| format!(".{}", e.to_string_lossy()));
        std::fs::copy(&nl, dest.with_file_name(format!("{stem}_nl{ext}"))).unwrap();
    }
}

mod common;

/// The what-if page in headless Chromium, driven over the DevTools protocol: loads, moves a
/// lever with the keyboard, waits for the charts to change, checks that the headline equals
/// `wijksim run` of the scenario the page downloads, and takes a screenshot. Returns the
/// screenshot's path.
fn check_what_if_page(dir: &Path, lang: &str) -> std::path::PathBuf {
    use headless_chrome::protocol::cdp::Page::CaptureScreenshotFormatOption;
    use headless_chrome::{Browser, LaunchOptions};
    use std::ffi::OsStr;
    use std::time::{Duration, Instant};

    // The baseline and its table in a folder of their own: the downloaded scenario goes
    // beside it, as the page tells its users.
    let folder = dir.join(format!("scenarios_{lang}"));
    std::fs::create_dir_all(folder.join("data")).unwrap();
    std::fs::copy("scenarios/baseline.toml", folder.join("baseline.toml")).unwrap();
    std::fs::copy(
        "scenarios/data/aandachtswijken.csv",
        folder.join("data/aandachtswijken.csv"),
    )
    .unwrap();
    let server = common::server::Server::start(&folder.join("baseline.toml"), &["--lang", lang]);

    let bin = std::env::var("CHROMIUM").unwrap_or_else(|_| "chromium".into());
    let bin = which(&bin);
    let flags = [
        "--disable-gpu",
        "--hide-scrollbars",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ];
    let browser = Browser::new(
        LaunchOptions::default_builder()
            .path(Some(bin))
            .sandbox(false)
            .window_size(Some((1400, 2400)))
            .idle_browser_timeout(Duration::from_secs(300))
            .args(flags.iter().map(OsStr::new).collect())
            .build()
            .unwrap(),
    )
    .expect("headless Chromium starts (install Debian's chromium)");
    let tab = browser.new_tab().unwrap();
    tab.set_default_timeout(Duration::from_secs(60));
    tab.navigate_to(&server.url).unwrap();
    tab.wait_until_navigated().unwrap();
    let eval = |js: &str| -> serde_json::Value {
        tab.evaluate(js, true)
            .unwrap_or_else(|e| panic!("{js}: {e}"))
            .value
            .unwrap_or(serde_json::Value::Null)
    };
    let wait_for = |what: &str, js: &str| {
        let started = Instant::now();
        while eval(js) != serde_json::Value::Bool(true) {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "{lang}: waited a minute for {what}; the page says: {}",
                eval("document.getElementById('status').textContent")
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    wait_for(
        "the first run",
        "document.body.dataset.state === 'done' && document.querySelectorAll('#charts svg').length === 5",
    );
    assert_eq!(eval("document.documentElement.lang"), lang);
    let first_run = eval("document.body.dataset.run");
    let chart = "document.getElementById('chart-closure_distribution').innerHTML";
    let before = eval(chart);

    // Move the municipal budget up ten steps with the keyboard, as a user would.
    tab.wait_for_element("#input-budget_per_resident")
        .unwrap()
        .focus()
        .unwrap();
    for _ in 0..10 {
        tab.press_key("ArrowRight").unwrap();
    }
    wait_for(
        "the charts to change",
        &format!(
            "document.body.dataset.state === 'done' && document.body.dataset.run !== {first_run} && {chart} !== {}",
            serde_json::to_string(&before).unwrap()
        ),
    );
    let last = eval("JSON.stringify(window.wijksim.page.last)");
    let last: serde_json::Value = serde_json::from_str(last.as_str().unwrap()).unwrap();
    assert_eq!(
        last["changes"].as_array().unwrap().len(),
        1,
        "{}",
        last["changes"]
    );
    assert!(
        last["changes"][0].as_str().unwrap().contains("200"),
        "{}",
        last["changes"][0]
    );
    assert_eq!(
        eval("document.getElementById('lever-budget_per_resident').classList.contains('changed')"),
        true
    );
    let shown = eval("document.getElementById('headline').textContent");
    let shown = shown.as_str().unwrap();
    for word in match lang {
        "nl" => ["Inloop van de achterstand", "Verschil"],
        _ => ["Gap closure", "Difference"],
    } {
        assert!(
            shown.contains(word),
            "{lang}: the headline lacks {word:?}: {shown}"
        );
    }

    // The scenario the page offers, run by `wijksim run`: the same figures, bit for bit.
    let file = eval("window.wijksim.download('/api/scenario').then((f) => JSON.stringify(f))");
    let file: serde_json::Value = serde_json::from_str(file.as_str().unwrap()).unwrap();
    assert_eq!(file["name"], "baseline_whatif.toml");
    let path = folder.join("baseline_whatif.toml");
    std::fs::write(&path, file["text"].as_str().unwrap()).unwrap();
    let out = dir.join(format!("whatif_run_{lang}"));
    let status = Command::new(env!("CARGO_BIN_EXE_wijksim"))
        .args(["run", "--no-charts", "-q", "--out"])
        .arg(&out)
        .arg(&path)
        .status()
        .unwrap();
    assert!(status.success());
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let o = &summary["overall"];
    let run = [
        o["gap_closure"]["mean"].as_f64().unwrap(),
        o["p_halved"]["p"].as_f64().unwrap(),
        o["p_breach_icr"]["p"].as_f64().unwrap(),
        o["p_breach_ltv"]["p"].as_f64().unwrap(),
    ];
    let figures = last["headline"]["figures"].as_array().unwrap();
    for (f, r) in figures.iter().zip(run) {
        assert_eq!(
            f["whatif"].as_f64().unwrap().to_bits(),
            r.to_bits(),
            "{lang}: {} on the page {} but `wijksim run` {r}",
            f["key"],
            f["whatif"]
        );
    }

    let png = tab
        .capture_screenshot(CaptureScreenshotFormatOption::Png, None, None, true)
        .unwrap();
    let shot = dir.join(format!("serve_{lang}.png"));
    std::fs::write(&shot, &png).unwrap();
    let decoder = png::Decoder::new(std::io::Cursor::new(png));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert!(info.width >= 1000 && info.height >= 1000, "{info:?}");
    let channels = info.color_type.samples();
    let inked = buf[..info.buffer_size()]
        .chunks(channels)
        .filter(|p| p[..3].iter().any(|&v| v < 200))
        .count() as f64;
    let share = inked / f64::from(info.width * info.height);
    assert!(
        share > 0.03,
        "{lang}: the screenshot is nearly blank ({share:.3})"
    );
    shot
}

/// The path of a program on PATH (or the path given).
fn which(bin: &str) -> std::path::PathBuf {
    if bin.contains('/') {
        return bin.into();
    }
    std::env::var_os("PATH")
        .and_then(|p| {
            std::env::split_paths(&p)
                .map(|d| d.join(bin))
                .find(|f| f.is_file())
        })
        .unwrap_or_else(|| panic!("{bin} is not on PATH (install Debian's chromium)"))
}

#[test]
#[ignore = "needs headless Chromium; CI runs it"]
fn the_what_if_page_works_in_headless_chromium_in_english_and_dutch() {
    let dir = tempfile::tempdir().unwrap();
    let en = check_what_if_page(dir.path(), "en");
    let nl = check_what_if_page(dir.path(), "nl");
    // CI keeps them: WIJKSIM_SERVE_SCREENSHOTS names the folder.
    if let Ok(dest) = std::env::var("WIJKSIM_SERVE_SCREENSHOTS") {
        let dest = std::path::PathBuf::from(dest);
        std::fs::create_dir_all(&dest).unwrap();
        for shot in [en, nl] {
            std::fs::copy(&shot, dest.join(shot.file_name().unwrap())).unwrap();
        }
    }
}
