//! summary.xlsx: an about sheet first with the run and the definitions, every number in the
//! Excel number format of its unit, and the sheets, headers and texts in the report's
//! language (`run --lang` and `report --lang`).
//!
//! calamine reads values, not format codes, so a cell's format is read from the package
//! itself: the sheet's XML gives the cell's style index, xl/styles.xml the format of that
//! style.

mod common;

use calamine::{Data, DataType, Range, Reader, Xlsx, open_workbook};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Draws of the small runs.
const DRAWS: u64 = 1100;

/// A run of the small baseline in `dir/run` with `extra` arguments; returns its directory.
fn run(dir: &Path, extra: &[&str]) -> PathBuf {
    let scenario = common::small_baseline(dir);
    let out = dir.join("run");
    let o = Command::new(env!("CARGO_BIN_EXE_wijksim"))
        .arg("run")
        .arg(&scenario)
        .args(["-n", &DRAWS.to_string(), "-q", "--out"])
        .arg(&out)
        .args(extra)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out
}

fn report(out: &Path, lang: &str) {
    let o = Command::new(env!("CARGO_BIN_EXE_wijksim"))
        .arg("report")
        .arg(out)
        .args(["--lang", lang])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

struct Workbook {
    path: PathBuf,
    xlsx: Xlsx<std::io::BufReader<std::fs::File>>,
}

impl Workbook {
    fn open(out: &Path) -> Workbook {
        let path = out.join("summary.xlsx");
        let xlsx = open_workbook(&path).unwrap();
        Workbook { path, xlsx }
    }

    fn sheet(&mut self, name: &str) -> Range<Data> {
        self.xlsx.worksheet_range(name).unwrap()
    }
}

/// The value beside `label` in the first column of the about sheet.
fn about<'a>(sheet: &'a Range<Data>, label: &str) -> &'a Data {
    let row = (0..sheet.height() as u32)
        .find(|&r| sheet.get_value((r, 0)).and_then(|d| d.get_string()) == Some(label))
        .unwrap_or_else(|| panic!("the about sheet has no row {label:?}"));
    sheet.get_value((row, 1)).unwrap()
}

/// The column of `header` in the first row.
fn column(sheet: &Range<Data>, header: &str) -> u32 {
    (0..sheet.width() as u32)
        .find(|&c| sheet.get_value((0, c)).and_then(|d| d.get_string()) == Some(header))
        .unwrap_or_else(|| panic!("no column {header:?}"))
}

/// A file of the xlsx package, as text.
fn part(path: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// "A1" for zero-based (row, col).
fn a1(row: u32, col: u32) -> String {
    let mut letters = String::new();
    let mut c = col + 1;
    while c > 0 {
        letters.insert(0, char::from(b'A' + ((c - 1) % 26) as u8));
        c = (c - 1) / 26;
    }
    format!("{letters}{}", row + 1)
}

/// The number format code of cell (row, col) of `sheet`, from the package's XML.
fn number_format(path: &Path, sheet: &str, row: u32, col: u32) -> String {
    const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let workbook = part(path, "xl/workbook.xml");
    let workbook = roxmltree::Document::parse(&workbook).unwrap();
    let id = workbook
        .descendants()
        .find(|n| n.has_tag_name("sheet") && n.attribute("name") == Some(sheet))
        .and_then(|n| n.attribute((REL, "id")))
        .unwrap();
    let rels = part(path, "xl/_rels/workbook.xml.rels");
    let rels = roxmltree::Document::parse(&rels).unwrap();
    let target = rels
        .descendants()
        .find(|n| n.attribute("Id") == Some(id))
        .and_then(|n| n.attribute("Target"))
        .unwrap();
    let xml = part(path, &format!("xl/{target}"));
    let cells = roxmltree::Document::parse(&xml).unwrap();
    let cell_ref = a1(row, col);
    let style: usize = cells
        .descendants()
        .find(|n| n.has_tag_name("c") && n.attribute("r") == Some(cell_ref.as_str()))
        .unwrap_or_else(|| panic!("{sheet}!{cell_ref} is not written"))
        .attribute("s")
        .map_or(0, |s| s.parse().unwrap());
    let styles = part(path, "xl/styles.xml");
    let styles = roxmltree::Document::parse(&styles).unwrap();
    let xf = styles
        .descendants()
        .find(|n| n.has_tag_name("cellXfs"))
        .unwrap()
        .children()
        .filter(|n| n.has_tag_name("xf"))
        .nth(style)
        .unwrap();
    let id = xf.attribute("numFmtId").unwrap_or("0");
    // Excel's built-in formats that the workbook uses have no numFmt entry.
    let builtin = [("0", "General"), ("1", "0"), ("2", "0.00"), ("3", "#,##0")];
    match builtin.iter().find(|(i, _)| *i == id) {
        Some((_, code)) => code.to_string(),
        None => styles
            .descendants()
            .find(|n| n.has_tag_name("numFmt") && n.attribute("numFmtId") == Some(id))
            .and_then(|n| n.attribute("formatCode"))
            .unwrap()
            .to_string(),
    }
}

fn float(d: &Data) -> f64 {
    d.get_float()
        .unwrap_or_else(|| panic!("{d:?} is not a number"))
}

fn text(d: &Data) -> &str {
    d.get_string()
        .unwrap_or_else(|| panic!("{d:?} is not a text"))
}

#[test]
fn the_workbook_says_what_was_run_and_shows_numbers_in_their_units() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &[]);
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let mut wb = Workbook::open(&out);
    assert_eq!(
        wb.xlsx.sheet_names(),
        [
            "about",
            "overall",
            "wijken",
            "corporations",
            "municipalities",
            "yearly"
        ]
    );

    // The about sheet: the run and the definitions.
    let sheet = wb.sheet("about");
    assert_eq!(text(about(&sheet, "scenario")), "baseline");
    assert_eq!(
        text(about(&sheet, "description")),
        summary["description"].as_str().unwrap()
    );
    assert_eq!(
        text(about(&sheet, "scenario hash (SHA-256)")),
        summary["scenario_hash"].as_str().unwrap()
    );
    assert_eq!(text(about(&sheet, "years")), "2008-2017");
    assert_eq!(float(about(&sheet, "seed")), 2007.0);
    assert_eq!(float(about(&sheet, "draws")), DRAWS as f64);
    assert!(
        about(&sheet, "date of the results").is_datetime(),
        "the date is an Excel date"
    );
    assert_eq!(
        text(about(&sheet, "wijksim version")),
        env!("CARGO_PKG_VERSION")
    );
    for (term, says) in [
        ("closure", "1 - the composite gap at the horizon (2017)"),
        ("halved", "is 50% or less"),
        ("closed", "is 0% or less: the city average is reached"),
        (
            "breach",
            "below its ICR limit (a minimum) or rises above its LTV limit",
        ),
        ("MC error", "Monte Carlo standard error"),
    ] {
        let definition = text(about(&sheet, term));
        assert!(definition.contains(says), "{term}: {definition}");
    }
    assert!(text(about(&sheet, "yearly")).starts_with("Per year"));

    // Number formats: a share, its Monte Carlo error, euros in millions, a count, a ratio.
    let path = wb.path.clone();
    let sheet = wb.sheet("wijken");
    let fmt = |col: u32| number_format(&path, "wijken", 1, col);
    assert_eq!(fmt(column(&sheet, "P(halved)")), "0.0%");
    assert_eq!(fmt(column(&sheet, "closure, q50")), "0.0%");
    assert_eq!(fmt(column(&sheet, "closure, MC error")), "0.000%");
    assert_eq!(fmt(column(&sheet, "P(closed), MC error")), "0.000%");
    assert_eq!(fmt(column(&sheet, "residents")), "#,##0");
    let uplift = column(&sheet, "value uplift, q50 (€ mln)");
    assert_eq!(fmt(uplift), "#,##0.0");
    let euros = summary["wijken"][0]["value_uplift_eur"]["q50"]
        .as_f64()
        .unwrap();
    let stored = float(sheet.get_value((1, uplift)).unwrap());
    assert!((stored - euros / 1e6).abs() < 1e-9, "{stored} vs {euros}");
    assert_eq!(
        fmt(column(&sheet, "value uplift, MC error (€ mln)")),
        "#,##0.00"
    );
    let sheet = wb.sheet("corporations");
    let icr = column(&sheet, "lowest ICR, q50");
    assert_eq!(number_format(&path, "corporations", 1, icr), "0.00");
    let sheet = wb.sheet("overall");
    assert_eq!(
        text(sheet.get_value((1, 0)).unwrap()),
        "closure (all wijken, population-weighted)"
    );
    assert_eq!(number_format(&path, "overall", 1, 1), "0.0%");
}

/// The sheets, headers and texts of a Dutch workbook.
fn assert_dutch(out: &Path) {
    let mut wb = Workbook::open(out);
    assert_eq!(
        wb.xlsx.sheet_names(),
        [
            "toelichting",
            "totaal",
            "wijken",
            "corporaties",
            "gemeenten",
            "per jaar"
        ]
    );
    let sheet = wb.sheet("toelichting");
    assert_eq!(float(about(&sheet, "trekkingen")), DRAWS as f64);
    assert_eq!(float(about(&sheet, "startgetal")), 2007.0);
    for (term, says) in [
        (
            "ingelopen deel",
            "het deel van de achterstand bij de start dat is ingelopen",
        ),
        ("achterstand gehalveerd", "50% of minder"),
        ("achterstand ingelopen", "het stadsgemiddelde is bereikt"),
        (
            "onder de ICR-norm / boven de LTV-norm",
            "onder haar ICR-norm",
        ),
    ] {
        let definition = text(about(&sheet, term));
        assert!(definition.contains(says), "{term}: {definition}");
    }
    let sheet = wb.sheet("wijken");
    for header in [
        "gemeente",
        "inwoners",
        "ingelopen deel, gemiddelde",
        "ingelopen deel, MC-fout",
        "P(achterstand gehalveerd)",
        "P(achterstand ingelopen), MC-fout",
        "waardestijging, q50 (€ mln)",
    ] {
        column(&sheet, header);
    }
    let sheet = wb.sheet("corporaties");
    column(&sheet, "P(onder de ICR-norm)");
    column(&sheet, "P(boven de LTV-norm)");
    assert!(text(sheet.get_value((1, 0)).unwrap()).ends_with("(sectorgemiddelde)"));
    let sheet = wb.sheet("per jaar");
    // Places in their own columns, as in yearly.csv: the overall rows leave them empty.
    assert_eq!(text(sheet.get_value((0, 2)).unwrap()), "gemeente");
    assert_eq!(
        text(sheet.get_value((1, 1)).unwrap()),
        "totaal (alle wijken)"
    );
    assert_eq!(
        text(sheet.get_value((1, 5)).unwrap()),
        "samengestelde achterstand"
    );
    // The same format codes: Excel shows them with Dutch marks itself.
    let path = out.join("summary.xlsx");
    let col = column(&wb.sheet("wijken"), "P(achterstand gehalveerd)");
    assert_eq!(number_format(&path, "wijken", 1, col), "0.0%");
    // No English is left in the tables' headers.
    for name in &wb.xlsx.sheet_names()[1..] {
        let sheet = wb.sheet(name);
        for c in 0..sheet.width() as u32 {
            let header = text(sheet.get_value((0, c)).unwrap());
            for english in [
                "closure",
                "mean",
                "halved",
                "closed",
                "municipality",
                "error",
            ] {
                assert!(!header.contains(english), "{name}: {header}");
            }
        }
    }
}

#[test]
fn run_lang_nl_writes_a_dutch_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["--lang", "nl"]);
    assert_dutch(&out);
}

#[test]
fn report_lang_nl_rewrites_the_workbook_in_dutch() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["--no-charts"]);
    report(&out, "nl");
    assert_dutch(&out);
}
