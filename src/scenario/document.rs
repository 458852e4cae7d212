//! TOML documents read into raw structs with everything that does not fit: keys the struct
//! does not know, and every value of the wrong type (not only the first), each with the line
//! and column where it is written.

use super::Problem;
use serde_path_to_error::Segment;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// A document read into `T`, and what did not fit.
pub struct Parsed<T> {
    pub value: T,
    /// Paths of keys `T` does not know, in serde_ignored's form (`target.?.0.nme`).
    pub unknown: Vec<String>,
    /// Values of the wrong type in the order they are written, located; `value` was read as
    /// if they were not written.
    pub mistyped: Vec<Problem>,
}

/// Parses TOML into `T`. A value of the wrong type is reported and left out, and the document
/// read again, until the rest fits; so one pass finds every such value.
///
/// # Errors
/// A syntax error (path `(syntax)`), with its line and column.
pub(crate) fn parse_toml<T: serde::de::DeserializeOwned>(text: &str) -> Result<Parsed<T>, Problem> {
    let mut root = DeTable::parse(text).map_err(|e| located(text, &e, "(syntax)".into()))?;
    let mut mistyped = Vec::new();
    loop {
        let mut unknown = Vec::new();
        let mut track = serde_path_to_error::Track::new();
        let de = toml::Deserializer::from(root.clone());
        let result: Result<T, _> = serde_ignored::deserialize(
            serde_path_to_error::Deserializer::new(de, &mut track),
            |p| unknown.push(p.to_string()),
        );
        let e = match result {
            Ok(value) => {
                mistyped.sort_by_key(|(at, _)| *at);
                return Ok(Parsed {
                    value,
                    unknown,
                    mistyped: mistyped.into_iter().map(|(_, p)| p).collect(),
                });
            }
            Err(e) => e,
        };
        let path = track.path();
        let segments: Vec<Segment> = path.iter().cloned().collect();
        let problem = located(text, &e, path.to_string());
        if !leave_out(root.get_mut(), &segments) {
            // Nothing to leave out (an error at the top of the document): this is all that
            // can be said.
            return Err(problem);
        }
        mistyped.push((e.span().map_or(usize::MAX, |s| s.start), problem));
    }
}

/// The problem of a TOML error, with the line and column of its span in `text`.
fn located(text: &str, e: &toml::de::Error, path: String) -> Problem {
    let at = e
        .span()
        .map(|s| {
            let line = text[..s.start].matches('\n').count() + 1;
            let col = s.start - text[..s.start].rfind('\n').map_or(0, |i| i + 1) + 1;
            format!(" (line {line}, column {col})")
        })
        .unwrap_or_default();
    Problem {
        path,
        message: format!("{}{at}", plain(e.message().trim())),
    }
}

/// Removes the value at `path` from `table`, as if it had not been written; an element of a
/// list that is not a table takes the whole list with it (removing only the element would
/// renumber the others). Returns whether something was removed.
fn leave_out(table: &mut DeTable<'_>, path: &[Segment]) -> bool {
    let [Segment::Map { key }, rest @ ..] = path else {
        return false;
    };
    match (table.get_mut(key.as_str()).map(Spanned::get_mut), rest) {
        (None, _) => return false,
        (Some(_), []) | (Some(DeValue::Array(_)), [Segment::Seq { .. }]) => {}
        (Some(DeValue::Table(inner)), _) => return leave_out(inner, rest),
        (Some(DeValue::Array(items)), [Segment::Seq { index }, more @ ..]) => {
            if let Some(DeValue::Table(inner)) = items.get_mut(*index).map(Spanned::get_mut) {
                return leave_out(inner, more);
            }
        }
        (Some(_), _) => {}
    }
    table.remove(key.as_str()).is_some()
}

/// `later` (problems found after parsing) without those that only follow from a value left
/// out for its type, at the same path, within it or around it (`indicators[0].city` missing
/// after `indicators[0].city = "five"`); after `mistyped`.
pub fn without_consequences(mistyped: Vec<Problem>, later: Vec<Problem>) -> Vec<Problem> {
    let nested = |outer: &str, inner: &str| {
        inner
            .strip_prefix(outer)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
    };
    let follows = |p: &Problem| {
        mistyped
            .iter()
            .any(|m| nested(&m.path, &p.path) || nested(&p.path, &m.path))
    };
    let later: Vec<Problem> = later.into_iter().filter(|p| !follows(p)).collect();
    mistyped.into_iter().chain(later).collect()
}

/// Replaces serde's names of internal types ("expected struct RawGaps", "expected u32") by
/// what the file should hold ("expected a table", "expected a whole number >= 0").
fn plain(message: &str) -> String {
    let mut message = message.to_string();
    for (rust, toml) in [
        ("expected u32", "expected a whole number >= 0"),
        ("expected u64", "expected a whole number >= 0"),
        ("expected usize", "expected a whole number >= 0"),
        ("expected i32", "expected a whole number"),
        ("expected i64", "expected a whole number"),
        ("expected f64", "expected a number"),
    ] {
        if let Some(rest) = message.strip_suffix(rust) {
            message = format!("{rest}{toml}");
        }
    }
    let mut out = String::new();
    let mut rest = message.as_str();
    while let Some(i) = rest.find("struct Raw") {
        out.push_str(&rest[..i]);
        out.push_str("a table");
        let after = &rest[i + "struct Raw".len()..];
        let end = after
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(after.len());
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, serde::Deserialize)]
    #[serde(default)]
    struct RawDoc {
        a: Option<u32>,
        t: RawInner,
        list: Vec<RawInner>,
    }

    #[derive(Debug, Default, serde::Deserialize)]
    #[serde(default)]
    struct RawInner {
        x: Option<f64>,
        y: Option<bool>,
    }

    #[test]
    fn every_mistyped_value_is_reported_with_its_place_and_the_rest_is_read() {
        let text = "a = \"one\"\nzz = 1\n[t]\nx = true\ny = false\n[[list]]\nx = 1.5\ny = 3\n";
        let p: Parsed<RawDoc> = parse_toml(text).unwrap();
        let found: Vec<(&str, &str)> = p
            .mistyped
            .iter()
            .map(|p| (p.path.as_str(), p.message.as_str()))
            .collect();
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(found[0].0, "a");
        assert_eq!(
            found[0].1,
            "invalid type: string \"one\", expected a whole number >= 0 (line 1, column 5)"
        );
        assert_eq!(found[1].0, "t.x");
        assert!(found[1].1.ends_with("(line 4, column 5)"), "{found:?}");
        assert_eq!(found[2].0, "list[0].y");
        assert!(found[2].1.ends_with("(line 8, column 5)"), "{found:?}");
        assert_eq!(p.value.t.y, Some(false));
        assert_eq!(p.value.list[0].x, Some(1.5));
        assert_eq!(p.unknown, ["zz"]);
    }

    #[test]
    fn a_list_element_of_the_wrong_kind_leaves_out_the_list() {
        let p: Parsed<RawDoc> = parse_toml("list = [1, 2]\na = 3\n").unwrap();
        assert_eq!(p.mistyped.len(), 1);
        assert_eq!(p.mistyped[0].path, "list[0]");
        assert!(
            p.mistyped[0].message.contains("expected a table"),
            "{}",
            p.mistyped[0].message
        );
        assert_eq!(p.value.a, Some(3));
    }

    #[test]
    fn problems_that_follow_from_a_mistyped_value_are_dropped() {
        let problem = |path: &str| Problem {
            path: path.into(),
            message: String::new(),
        };
        let kept = without_consequences(
            vec![problem("indicators[0].city")],
            vec![
                problem("indicators[0].city"),
                problem("indicators"),
                problem("indicators[0].cityx"),
                problem("gaps.leak"),
            ],
        );
        let paths: Vec<&str> = kept.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            ["indicators[0].city", "indicators[0].cityx", "gaps.leak"]
        );
    }
}
