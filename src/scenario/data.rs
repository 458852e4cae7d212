//! The per-wijk table (`aandachtswijken.csv`): municipality, wijk, the corporations' committed
//! additional investment and the maximum project support.
//!
//! Accepts what Dutch spreadsheet programs write: a UTF-8 byte-order mark, `;` as separator
//! and then `,` as decimal mark.

use super::Problems;
use std::path::Path;

/// Required columns.
pub const GEMEENTE: &str = "gemeente";
pub const WIJK: &str = "wijk";
/// Additional corporation investment, EUR million per year.
pub const INZET: &str = "additionele_inzet_mln_per_jaar";
/// Maximum project support, EUR per year.
pub const SUBSIDIE: &str = "max_subsidie_eur_per_jaar";
/// Optional columns that replace the estimates of MODEL.md.
pub const OPTIONAL: [&str; 3] = ["inwoners", "woningen", "corporatiewoningen"];

/// One row of the table.
#[derive(Clone, Debug, PartialEq)]
pub struct WijkRow {
    pub gemeente: String,
    pub wijk: String,
    /// EUR million per year.
    pub inzet_mln: f64,
    pub max_subsidie: f64,
    pub inwoners: Option<f64>,
    pub woningen: Option<f64>,
    pub corporatiewoningen: Option<f64>,
}

/// Reads the table, reporting every bad cell as a problem located by file, row and column.
/// Returns the bytes read (for the scenario hash) and the rows that parsed.
pub fn read(path: &Path, shown: &str, problems: &mut Problems) -> Option<(Vec<u8>, Vec<WijkRow>)> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            problems.push(
                "data.wijken",
                format!("cannot read {}: {e}", path.display()),
            );
            return None;
        }
    };
    let rows = parse(&bytes, shown, problems);
    Some((bytes, rows))
}

/// Parses the table from bytes; `shown` names the file in messages.
pub fn parse(bytes: &[u8], shown: &str, problems: &mut Problems) -> Vec<WijkRow> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let Ok(text) = std::str::from_utf8(body) else {
        problems.push(shown, "is not UTF-8 text (save it as CSV UTF-8)");
        return vec![];
    };
    let first = text.lines().next().unwrap_or("");
    let semicolon = first.contains(';') && !first.contains(',');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(if semicolon { b';' } else { b',' })
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|s| s.to_lowercase()).collect(),
        Err(e) => {
            problems.push(shown, format!("cannot read the header: {e}"));
            return vec![];
        }
    };
    let col = |name: &str| headers.iter().position(|h| h == name);
    let mut missing = vec![];
    for name in [GEMEENTE, WIJK, INZET, SUBSIDIE] {
        if col(name).is_none() {
            missing.push(name);
        }
    }
    if !missing.is_empty() {
        problems.push(
            shown,
            format!(
                "missing column{} {} (found: {}; separator `{}`){}",
                if missing.len() > 1 { "s" } else { "" },
                missing.join(", "),
                headers.join(", ").replace('\t', "<tab>"),
                if semicolon { ';' } else { ',' },
                if first.contains('\t') {
                    "; the file looks tab-separated: save it as CSV with `,` or `;`"
                } else {
                    ""
                }
            ),
        );
        return vec![];
    }
    let idx = |n| col(n).expect("checked above");
    let optional: Vec<Option<usize>> = OPTIONAL.iter().map(|n| col(n)).collect();
    let mut rows: Vec<WijkRow> = vec![];
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!("{shown} line {line}"), e.to_string());
                continue;
            }
        };
        let at = |c: usize| format!("{shown} line {line}, column {}", headers[c]);
        let mut number = |c: usize, nonneg: bool| -> Option<f64> {
            let cell = record.get(c).unwrap_or("");
            let normal = if semicolon {
                cell.replace(',', ".")
            } else {
                cell.to_string()
            };
            match normal.parse::<f64>() {
                Ok(v) if v.is_finite() && (!nonneg || v >= 0.0) => Some(v),
                Ok(v) => {
                    problems.push(at(c), format!("must be a finite number >= 0, got {v}"));
                    None
                }
                Err(_) => {
                    problems.push(at(c), format!("`{cell}` is not a number"));
                    None
                }
            }
        };
        let inzet = number(idx(INZET), true);
        let subsidie = number(idx(SUBSIDIE), true);
        let opt: Vec<Option<f64>> = optional
            .iter()
            .map(|c| c.and_then(|c| number(c, true)))
            .collect();
        let text_cell = |c: usize| record.get(c).unwrap_or("").to_string();
        let (gemeente, wijk) = (text_cell(idx(GEMEENTE)), text_cell(idx(WIJK)));
        if gemeente.is_empty() || wijk.is_empty() {
            problems.push(
                format!("{shown} line {line}"),
                "gemeente and wijk must not be empty",
            );
            continue;
        }
        if rows
            .iter()
            .any(|r| r.gemeente == gemeente && r.wijk == wijk)
        {
            problems.push(
                format!("{shown} line {line}"),
                format!("duplicate wijk {gemeente} / {wijk}"),
            );
            continue;
        }
        if let (Some(inzet_mln), Some(max_subsidie)) = (inzet, subsidie) {
            rows.push(WijkRow {
                gemeente,
                wijk,
                inzet_mln,
                max_subsidie,
                inwoners: opt[0],
                woningen: opt[1],
                corporatiewoningen: opt[2],
            });
        }
    }
    if rows.is_empty() && problems.is_empty() {
        problems.push(shown, "has no wijken");
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_dutch_excel_csv() {
        let text = "\u{feff}gemeente;wijk;additionele_inzet_mln_per_jaar;max_subsidie_eur_per_jaar\nAlkmaar;Overdie;2,9;580000\n";
        let mut p = Problems::default();
        let rows = parse(text.as_bytes(), "t.csv", &mut p);
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(rows[0].inzet_mln, 2.9);
        assert_eq!(rows[0].gemeente, "Alkmaar");
    }

    #[test]
    fn names_bad_cells_and_duplicates() {
        let text = "gemeente,wijk,additionele_inzet_mln_per_jaar,max_subsidie_eur_per_jaar\nA,X,abc,1\nA,Y,1,-2\nA,Z,1,1\nA,Z,1,1\n";
        let mut p = Problems::default();
        let rows = parse(text.as_bytes(), "t.csv", &mut p);
        assert_eq!(rows.len(), 1);
        let msgs: Vec<String> =
            p.0.iter()
                .map(|x| format!("{}: {}", x.path, x.message))
                .collect();
        assert!(
            msgs[0].contains("line 2, column additionele_inzet_mln_per_jaar")
                && msgs[0].contains("`abc`"),
            "{msgs:?}"
        );
        assert!(
            msgs[1].contains("line 3, column max_subsidie_eur_per_jaar"),
            "{msgs:?}"
        );
        assert!(msgs[2].contains("duplicate wijk A / Z"), "{msgs:?}");
    }

    #[test]
    fn names_missing_columns() {
        let mut p = Problems::default();
        parse(b"gemeente,wijk\nA,B\n", "t.csv", &mut p);
        assert!(
            p.0[0].message.contains(
                "missing columns additionele_inzet_mln_per_jaar, max_subsidie_eur_per_jaar"
            )
        );
    }
}
