//! `--save-draws`: draws.csv and draws.parquet hold the same table, value for value and type
//! for type, byte-identical for any thread count.

use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;
use std::path::Path;
use std::process::Command;

mod common;

fn run(args: &[&str], out: &Path) {
    let o = Command::new(env!("CARGO_BIN_EXE_wijksim"))
        .args([
            "run",
            "scenarios/baseline.toml",
            "-n",
            "2000",
            "--no-charts",
            "-q",
        ])
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// The Parquet type a column must have, by its name.
fn expected_type(name: &str, field: &Field) -> bool {
    match name {
        "draw" => matches!(field, Field::ULong(_)),
        "gemeente" | "wijk" => matches!(field, Field::Str(_)),
        "first_closure_year" => matches!(field, Field::Int(_) | Field::Null),
        n if n.contains("_breach_") => matches!(field, Field::Bool(_)),
        _ => matches!(field, Field::Double(_)),
    }
}

#[test]
fn parquet_and_csv_hold_the_same_draws_for_any_thread_count() {
    let dir = common::scratch("draws_formats");
    run(&["--threads", "1", "--save-draws"], &dir.join("csv1"));
    run(&["--threads", "2", "--save-draws=csv"], &dir.join("csv2"));
    run(
        &["--threads", "1", "--save-draws=parquet"],
        &dir.join("pq1"),
    );
    run(
        &["--threads", "2", "--save-draws=parquet"],
        &dir.join("pq2"),
    );
    let read = |d: &str, f: &str| std::fs::read(dir.join(d).join(f)).unwrap();
    assert!(read("csv1", "draws.csv") == read("csv2", "draws.csv"));
    assert!(read("pq1", "draws.parquet") == read("pq2", "draws.parquet"));
    assert!(!dir.join("pq1/draws.csv").exists() && !dir.join("csv1/draws.parquet").exists());
    let marker = String::from_utf8(read("pq1", "run.complete")).unwrap();
    assert!(marker.contains("draws.parquet"), "{marker}");

    let mut csv = csv::Reader::from_path(dir.join("csv1/draws.csv")).unwrap();
    let header: Vec<String> = csv.headers().unwrap().iter().map(String::from).collect();
    let reader =
        SerializedFileReader::new(std::fs::File::open(dir.join("pq1/draws.parquet")).unwrap())
            .unwrap();
    let meta = reader.metadata();
    // 2,000 draws x 40 wijken in row groups of 1,638 whole draws.
    assert_eq!(meta.file_metadata().num_rows(), 80_000);
    assert_eq!(meta.num_row_groups(), 2);
    assert_eq!(meta.row_group(0).num_rows(), 1638 * 40);
    let names: Vec<&str> = meta
        .file_metadata()
        .schema_descr()
        .columns()
        .iter()
        .map(|c| c.name())
        .collect();
    assert_eq!(names, header);

    let mut rows = 0;
    let mut years = [0; 2];
    for (record, row) in csv.records().zip(reader.get_row_iter(None).unwrap()) {
        let (record, row) = (record.unwrap(), row.unwrap());
        assert_eq!(record.len(), row.len());
        for ((name, field), text) in row.get_column_iter().zip(record.iter()) {
            assert!(expected_type(name, field), "{name}: {field:?}");
            let same = match field {
                Field::Double(x) => {
                    // The CSV's text reads back to the same bits, and is Rust's Display of it.
                    text.parse::<f64>().unwrap().to_bits() == x.to_bits() && x.to_string() == text
                }
                Field::Null => {
                    years[0] += 1;
                    text.is_empty()
                }
                Field::Int(y) => {
                    years[1] += 1;
                    y.to_string() == text
                }
                Field::ULong(d) => d.to_string() == text,
                Field::Str(s) => s == text,
                Field::Bool(b) => b.to_string() == text,
                other => panic!("{name}: unexpected {other:?}"),
            };
            assert!(same, "row {rows}, {name}: parquet {field:?}, csv {text:?}");
        }
        rows += 1;
    }
    assert_eq!(rows, 80_000, "as many rows in both");
    // No baseline wijk closes its gap by 2017: every year is absent (null). The unit test
    // `draws::tests::years_are_optional_integers` writes present ones.
    assert_eq!(years, [80_000, 0]);
}

#[test]
fn a_format_is_named_with_an_equals_sign() {
    let dir = common::scratch("draws_flag");
    let o = Command::new(env!("CARGO_BIN_EXE_wijksim"))
        .args(["run", "--save-draws", "parquet", "-n", "10"])
        .arg("--out")
        .arg(dir.join("run"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--save-draws=parquet"), "{err}");
    let o = Command::new(env!("CARGO_BIN_EXE_wijksim"))
        .args(["run", "--save-draws=xlsx", "-n", "10"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("possible values: csv, parquet"), "{err}");
}
