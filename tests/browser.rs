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
