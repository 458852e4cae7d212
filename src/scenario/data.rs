//! The data tables of a scenario, read with every bad cell located by file, line and column:
//! the wijk table (`aandachtswijken.csv`) and the optional corporations table.
//!
//! Accepts what Dutch spreadsheet programs write: a UTF-8 byte-order mark, `;` as separator
//! and then `,` as decimal mark. A column the reader does not know is an error (with the
//! nearest known name), never silently ignored: a misspelt `inwoners` would otherwise leave
//! the estimate in place without a word.

use super::{Problems, suggest};
use std::path::Path;

/// Required columns of the wijk table.
pub const GEMEENTE: &str = "gemeente";
pub const WIJK: &str = "wijk";
/// Additional corporation investment, EUR million per year.
pub const INZET: &str = "additionele_inzet_mln_per_jaar";
/// Maximum project support, EUR per year.
pub const SUBSIDIE: &str = "max_subsidie_eur_per_jaar";
/// Optional size columns that replace the reference model's estimates (docs/model.md).
pub const SIZES: [&str; 3] = ["inwoners", "woningen", "corporatiewoningen"];
/// Optional column naming the corporation that owns a wijk's corporation dwellings.
pub const CORPORATIE: &str = "corporatie";
/// Suffix of an indicator's city-value column (`unemployment_stad`).
pub const CITY_SUFFIX: &str = "_stad";
/// Free-text columns any table may carry (sources and notes); never read.
pub const NOTES: [&str; 3] = ["bron", "opmerking", "toelichting"];
/// Per-dwelling start values a corporations table may give, named as the scenario keys, with
/// the Dutch column name that means the same.
pub const CORPORATION_VALUES: [(&str, &str); 6] = [
    ("rent", "huur"),
    ("operating_cost", "bedrijfslasten"),
    ("maintenance", "onderhoud"),
    ("other_taxes", "belastingen"),
    ("debt", "schuld"),
    ("loan_interest", "rente"),
];

/// One row of the wijk table.
#[derive(Clone, Debug, PartialEq)]
pub struct WijkRow {
    /// Line in the file (the header is line 1).
    pub line: usize,
    pub gemeente: String,
    pub wijk: String,
    /// EUR million per year.
    pub inzet_mln: f64,
    pub max_subsidie: f64,
    pub inwoners: Option<f64>,
    pub woningen: Option<f64>,
    pub corporatiewoningen: Option<f64>,
    /// The corporation that owns the wijk's corporation dwellings, if named.
    pub corporatie: Option<String>,
    /// Per indicator of the scenario, in its order: the wijk's own start value and city value.
    pub values: Vec<(Option<f64>, Option<f64>)>,
}

/// One row of the corporations table.
#[derive(Clone, Debug, PartialEq)]
pub struct CorporationRow {
    pub line: usize,
    pub name: String,
    pub gemeente: String,
    /// All its dwellings, inside and outside the wijken.
    pub woningen: f64,
    /// Per-dwelling start values given, by scenario key (one of [`CORPORATION_VALUES`]; a Dutch
    /// column name is read as its key).
    pub values: Vec<(&'static str, f64)>,
}

/// Reads a file, reporting an unreadable one under `key` (the scenario key that names it).
pub fn read_bytes(path: &Path, key: &str, problems: &mut Problems) -> Option<Vec<u8>> {
    match std::fs::read(path) {
        Ok(b) => Some(b),
        Err(e) => {
            problems.push(key, format!("cannot read {}: {e}", path.display()));
            None
        }
    }
}

/// A CSV table with its header, and located number parsing.
struct Table {
    shown: String,
    headers: Vec<String>,
    semicolon: bool,
    /// (line, record)
    rows: Vec<(usize, csv::StringRecord)>,
}

/// What a number cell may hold.
#[derive(Clone, Copy)]
enum Check {
    Any,
    NonNegative,
    Positive,
}

impl Table {
    fn read(bytes: &[u8], shown: &str, problems: &mut Problems) -> Option<Table> {
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let Ok(text) = std::str::from_utf8(body) else {
            problems.push(shown, "is not UTF-8 text (save it as CSV UTF-8)");
            return None;
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
                return None;
            }
        };
        let mut rows = vec![];
        for (i, record) in reader.records().enumerate() {
            let line = i + 2;
            match record {
                Ok(r) => rows.push((line, r)),
                Err(e) => problems.push(format!("{shown} line {line}"), e.to_string()),
            }
        }
        Some(Table {
            shown: shown.to_string(),
            headers,
            semicolon,
            rows,
        })
    }

    fn col(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    /// Reports required columns that are missing; true when all are there.
    fn require(&self, names: &[&str], problems: &mut Problems) -> bool {
        let missing: Vec<&str> = names
            .iter()
            .copied()
            .filter(|n| self.col(n).is_none())
            .collect();
        if missing.is_empty() {
            return true;
        }
        let tabbed = self.headers.iter().any(|h| h.contains('\t'));
        problems.push(
            self.shown.clone(),
            format!(
                "missing column{} {} (found: {}; separator `{}`){}",
                if missing.len() > 1 { "s" } else { "" },
                missing.join(", "),
                self.headers.join(", ").replace('\t', "<tab>"),
                if self.semicolon { ';' } else { ',' },
                if tabbed {
                    "; the file looks tab-separated: save it as CSV with `,` or `;`"
                } else {
                    ""
                }
            ),
        );
        false
    }

    /// Reports every column not in `known`, with the nearest known name.
    fn reject_unknown(&self, known: &[String], problems: &mut Problems) {
        let names: Vec<&str> = known.iter().map(String::as_str).collect();
        for h in &self.headers {
            if !names.contains(&h.as_str()) && !NOTES.contains(&h.as_str()) {
                let near = suggest(h, &names);
                problems.push(
                    format!("{} column {h}", self.shown),
                    if near.is_empty() {
                        format!(
                            "unknown column; known: {} (and free-text {})",
                            names.join(", "),
                            NOTES.join(", ")
                        )
                    } else {
                        format!("unknown column{near}")
                    },
                );
            }
        }
    }

    fn at(&self, line: usize, c: usize) -> String {
        format!("{} line {line}, column {}", self.shown, self.headers[c])
    }

    fn text(record: &csv::StringRecord, c: usize) -> String {
        record.get(c).unwrap_or("").to_string()
    }

    /// The number in column `c`; `None` (with a problem) when it is not a valid number, and
    /// `Ok(None)` for an empty optional cell.
    fn number(
        &self,
        record: &csv::StringRecord,
        line: usize,
        c: usize,
        check: Check,
        optional: bool,
        problems: &mut Problems,
    ) -> Result<Option<f64>, ()> {
        let cell = record.get(c).unwrap_or("");
        if optional && cell.is_empty() {
            return Ok(None);
        }
        let normal = if self.semicolon {
            cell.replace(',', ".")
        } else {
            cell.to_string()
        };
        match normal.parse::<f64>() {
            Ok(v) if !v.is_finite() => {
                problems.push(
                    self.at(line, c),
                    format!("must be a finite number, got {v}"),
                );
                Err(())
            }
            Ok(v) => {
                let (ok, what) = match check {
                    Check::Any => (true, ""),
                    Check::NonNegative => (v >= 0.0, ">= 0"),
                    Check::Positive => (v > 0.0, "> 0"),
                };
                if ok {
                    Ok(Some(v))
                } else {
                    problems.push(self.at(line, c), format!("must be {what}, got {v}"));
                    Err(())
                }
            }
            Err(_) => {
                problems.push(self.at(line, c), format!("`{cell}` is not a number"));
                Err(())
            }
        }
    }
}

/// Parses the wijk table; `indicators` are the scenario's indicator names, whose start values
/// (`<name>`) and city values (`<name>_stad`) the table may give per wijk.
pub fn parse_wijken(
    bytes: &[u8],
    shown: &str,
    indicators: &[&str],
    problems: &mut Problems,
) -> Vec<WijkRow> {
    let Some(t) = Table::read(bytes, shown, problems) else {
        return vec![];
    };
    if !t.require(&[GEMEENTE, WIJK, INZET, SUBSIDIE], problems) {
        return vec![];
    }
    let mut known: Vec<String> = [GEMEENTE, WIJK, INZET, SUBSIDIE, CORPORATIE]
        .iter()
        .chain(SIZES.iter())
        .map(|s| s.to_string())
        .collect();
    for i in indicators {
        known.push(i.to_string());
        known.push(format!("{i}{CITY_SUFFIX}"));
    }
    t.reject_unknown(&known, problems);
    let idx = |n: &str| t.col(n).expect("checked above");
    let sizes: Vec<Option<usize>> = SIZES.iter().map(|n| t.col(n)).collect();
    let value_cols: Vec<(Option<usize>, Option<usize>)> = indicators
        .iter()
        .map(|i| (t.col(i), t.col(&format!("{i}{CITY_SUFFIX}"))))
        .collect();
    let corporatie = t.col(CORPORATIE);
    let mut rows: Vec<WijkRow> = vec![];
    for (line, record) in &t.rows {
        let line = *line;
        let mut ok = true;
        let mut num = |c: usize, check: Check, optional: bool, problems: &mut Problems| match t
            .number(record, line, c, check, optional, problems)
        {
            Ok(v) => v,
            Err(()) => {
                ok = false;
                None
            }
        };
        let inzet = num(idx(INZET), Check::NonNegative, false, problems);
        let subsidie = num(idx(SUBSIDIE), Check::NonNegative, false, problems);
        let size: Vec<Option<f64>> = sizes
            .iter()
            .enumerate()
            .map(|(i, c)| {
                // Residents and dwellings must be positive; corporation dwellings may be 0.
                let check = if i < 2 {
                    Check::Positive
                } else {
                    Check::NonNegative
                };
                c.and_then(|c| num(c, check, true, problems))
            })
            .collect();
        let values: Vec<(Option<f64>, Option<f64>)> = value_cols
            .iter()
            .map(|(w, c)| {
                (
                    w.and_then(|w| num(w, Check::Any, true, problems)),
                    c.and_then(|c| num(c, Check::Any, true, problems)),
                )
            })
            .collect();
        let (gemeente, wijk) = (
            Table::text(record, idx(GEMEENTE)),
            Table::text(record, idx(WIJK)),
        );
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
        if let (true, Some(inzet_mln), Some(max_subsidie)) = (ok, inzet, subsidie) {
            rows.push(WijkRow {
                line,
                gemeente,
                wijk,
                inzet_mln,
                max_subsidie,
                inwoners: size[0],
                woningen: size[1],
                corporatiewoningen: size[2],
                corporatie: corporatie
                    .map(|c| Table::text(record, c))
                    .filter(|s| !s.is_empty()),
                values,
            });
        }
    }
    if rows.is_empty() && problems.is_empty() {
        problems.push(shown, "has no wijken");
    }
    rows
}

/// Parses the corporations table: `corporatie`, `gemeente`, `woningen` and any of the
/// per-dwelling start values [`CORPORATION_VALUES`].
pub fn parse_corporations(
    bytes: &[u8],
    shown: &str,
    problems: &mut Problems,
) -> Vec<CorporationRow> {
    let Some(t) = Table::read(bytes, shown, problems) else {
        return vec![];
    };
    if !t.require(&[CORPORATIE, GEMEENTE, "woningen"], problems) {
        return vec![];
    }
    let known: Vec<String> = [CORPORATIE, GEMEENTE, "woningen"]
        .into_iter()
        .chain(CORPORATION_VALUES.iter().flat_map(|(en, nl)| [*en, *nl]))
        .map(String::from)
        .collect();
    t.reject_unknown(&known, problems);
    for (en, nl) in CORPORATION_VALUES {
        if t.col(en).is_some() && t.col(nl).is_some() {
            problems.push(
                format!("{shown} column {nl}"),
                format!("gives the same value as column {en}: keep one of them"),
            );
        }
    }
    let idx = |n: &str| t.col(n).expect("checked above");
    let mut rows: Vec<CorporationRow> = vec![];
    for (line, record) in &t.rows {
        let line = *line;
        let mut ok = true;
        let woningen = match t.number(
            record,
            line,
            idx("woningen"),
            Check::Positive,
            false,
            problems,
        ) {
            Ok(v) => v,
            Err(()) => {
                ok = false;
                None
            }
        };
        let mut values = vec![];
        for (key, dutch) in CORPORATION_VALUES {
            if let Some(c) = t.col(key).or_else(|| t.col(dutch)) {
                match t.number(record, line, c, Check::NonNegative, true, problems) {
                    Ok(Some(v)) => values.push((key, v)),
                    Ok(None) => {}
                    Err(()) => ok = false,
                }
            }
        }
        let name = Table::text(record, idx(CORPORATIE));
        let gemeente = Table::text(record, idx(GEMEENTE));
        if name.is_empty() || gemeente.is_empty() {
            problems.push(
                format!("{shown} line {line}"),
                "corporatie and gemeente must not be empty",
            );
            continue;
        }
        if rows.iter().any(|r| r.name == name) {
            problems.push(
                format!("{shown} line {line}"),
                format!("duplicate corporation {name}"),
            );
            continue;
        }
        if let (true, Some(woningen)) = (ok, woningen) {
            rows.push(CorporationRow {
                line,
                name,
                gemeente,
                woningen,
                values,
            });
        }
    }
    if rows.is_empty() && problems.is_empty() {
        problems.push(shown, "has no corporations");
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "gemeente,wijk,additionele_inzet_mln_per_jaar,max_subsidie_eur_per_jaar";

    fn messages(p: &Problems) -> Vec<String> {
        p.0.iter()
            .map(|x| format!("{}: {}", x.path, x.message))
            .collect()
    }

    #[test]
    fn reads_dutch_excel_csv() {
        let text = "\u{feff}gemeente;wijk;additionele_inzet_mln_per_jaar;max_subsidie_eur_per_jaar;unemployment_stad\nAlkmaar;Overdie;2,9;580000;6,5\n";
        let mut p = Problems::default();
        let rows = parse_wijken(text.as_bytes(), "t.csv", &["unemployment"], &mut p);
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(rows[0].inzet_mln, 2.9);
        assert_eq!(rows[0].gemeente, "Alkmaar");
        assert_eq!(rows[0].values, vec![(None, Some(6.5))]);
        assert_eq!(rows[0].line, 2);
    }

    #[test]
    fn names_bad_cells_and_duplicates() {
        let text = format!("{HEAD}\nA,X,abc,1\nA,Y,1,-2\nA,Z,1,1\nA,Z,1,1\n");
        let mut p = Problems::default();
        let rows = parse_wijken(text.as_bytes(), "t.csv", &[], &mut p);
        assert_eq!(rows.len(), 1);
        let msgs = messages(&p);
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
    fn names_missing_and_unknown_columns() {
        let mut p = Problems::default();
        parse_wijken(b"gemeente,wijk\nA,B\n", "t.csv", &[], &mut p);
        assert!(
            p.0[0].message.contains(
                "missing columns additionele_inzet_mln_per_jaar, max_subsidie_eur_per_jaar"
            )
        );
        let mut p = Problems::default();
        let text = format!("{HEAD},inwoner,bron,livability_stadd\nA,B,1,1,5,CBS,7\n");
        parse_wijken(text.as_bytes(), "t.csv", &["livability"], &mut p);
        let msgs = messages(&p);
        assert_eq!(msgs.len(), 2, "{msgs:?}");
        assert!(msgs[0].contains("column inwoner: unknown column (did you mean `inwoners`?)"));
        assert!(
            msgs[1].contains("did you mean `livability_stad`?"),
            "{msgs:?}"
        );
    }

    #[test]
    fn sizes_must_be_positive_and_a_bad_row_is_dropped() {
        let text = format!("{HEAD},inwoners,woningen\nA,B,1,1,0,10\nA,C,1,1,100,50\n");
        let mut p = Problems::default();
        let rows = parse_wijken(text.as_bytes(), "t.csv", &[], &mut p);
        assert_eq!(rows.len(), 1);
        assert!(messages(&p)[0].contains("line 2, column inwoners: must be > 0, got 0"));
    }

    #[test]
    fn corporations_table_with_located_errors() {
        let text = "corporatie,gemeente,woningen,schuld,rent\nHavensteder,Rotterdam,44000,36000,\nWoonstad,Rotterdam,-5,1,1\nHavensteder,Rotterdam,1,1,1\n";
        let mut p = Problems::default();
        let rows = parse_corporations(text.as_bytes(), "c.csv", &mut p);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].values, vec![("debt", 36_000.0)]);
        let msgs = messages(&p);
        assert!(
            msgs[0].contains("c.csv line 3, column woningen: must be > 0, got -5"),
            "{msgs:?}"
        );
        assert!(
            msgs[1].contains("duplicate corporation Havensteder"),
            "{msgs:?}"
        );
    }
}
