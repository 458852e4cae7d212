//! Opens report.html in headless Chromium: the page must load offline, show every chart with
//! content, and not be blank. Needs Debian's `chromium` (CI installs it), so it is ignored by
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

#[test]
#[ignore = "needs headless Chromium; CI runs it"]
fn report_renders_in_headless_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let status = Command::new(env!("CARGO_BIN_EXE_wijksim"))
        .args([
            "run",
            "scenarios/baseline.toml",
            "-n",
            "2000",
            "-q",
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
    let charts: Vec<&str> = dom.split("<svg").skip(1).collect();
    assert_eq!(charts.len(), 8, "charts in the rendered page");
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
            "chart {i} is empty in the browser ({shapes} shapes)"
        );
        assert!(body.contains("<text"), "chart {i} has no text");
    }
    for bad in ["This page isn", "ERR_", "NaN"] {
        assert!(!dom.contains(bad), "the page shows `{bad}`");
    }

    // A screenshot: decodes, and the page is not blank.
    let shot = dir.path().join("report.png");
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
        "the screenshot is nearly blank ({:.3})",
        inked / n
    );
    // Keep the screenshot where CI can pick it up as an artefact.
    if let Ok(dest) = std::env::var("WIJKSIM_SCREENSHOT") {
        std::fs::copy(&shot, dest).unwrap();
    }
}
