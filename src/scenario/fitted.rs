//! A scenario file that `extends` another and sets fitted values: what `wijksim calibrate`
//! writes, so that `wijksim run` reproduces the calibrated model exactly.

use super::{Problem, ScenarioError, inherit, load_fitted};
use std::path::Path;

/// The text of a scenario that extends `input` (written into `out_dir`) and sets the fitted
/// `values` as [`super::load_fitted`] applies them: a parameter as its moved distribution (or
/// number), a schedule year within the whole schedule, an indicator's key within the whole
/// `[[indicators]]` list (a child that lists indicators gives its `[spillover]` too).
///
/// # Errors
/// The input or the values cannot be loaded.
pub fn fitted_document(
    input: &Path,
    values: &[(String, f64)],
    out_dir: &Path,
    name: &str,
    description: &str,
) -> Result<String, ScenarioError> {
    let fitted = load_fitted(input, values, &[])?;
    let fail = |message: String| ScenarioError {
        file: input.to_path_buf(),
        problems: vec![Problem {
            path: "(fitted)".into(),
            message,
        }],
    };
    let text = std::fs::read_to_string(input).map_err(|e| fail(e.to_string()))?;
    let merged: toml::Table = inherit(input, text)
        .map_err(|p| fail(p.message))?
        .parse()
        .map_err(|e: toml::de::Error| fail(e.to_string()))?;
    let mut child = toml::Table::new();
    let extends = crate::calibrate::relative_path(out_dir, input);
    child.insert(
        "extends".into(),
        toml::Value::String(extends.display().to_string()),
    );
    child.insert("name".into(), toml::Value::String(name.into()));
    child.insert(
        "description".into(),
        toml::Value::String(description.into()),
    );
    // The value a fitted parameter has in the fitted scenario, as the file would write it.
    let param_value = |path: &str| -> Result<toml::Value, ScenarioError> {
        let p = fitted
            .params
            .params
            .iter()
            .find(|p| p.path == path)
            .ok_or_else(|| fail(format!("no parameter {path}")))?;
        param_toml(&p.param.spec, p.param.lower, p.param.upper)
            .ok_or_else(|| fail(format!("cannot write {path}")))
    };
    let mut indicators: Option<Vec<toml::Value>> = None;
    for (path, value) in values {
        let keys: Vec<&str> = path.split('.').collect();
        let (last, parents) = keys.split_last().expect("a path has a key");
        if last.chars().all(|c| c.is_ascii_digit()) {
            // A year of a schedule: the child replaces the schedule whole.
            let mut schedule = match get(&child, parents).or_else(|| get(&merged, parents)) {
                Some(toml::Value::Table(t)) => t.clone(),
                _ => toml::Table::new(),
            };
            schedule.insert(last.to_string(), toml::Value::Float(*value));
            insert(&mut child, parents, toml::Value::Table(schedule)).map_err(fail)?;
        } else if let ["indicators", indicator, field] = keys.as_slice() {
            let list = indicators.get_or_insert_with(|| match merged.get("indicators") {
                Some(toml::Value::Array(a)) => a.clone(),
                _ => vec![],
            });
            let element = list
                .iter_mut()
                .find(|v| v.get("name").and_then(|n| n.as_str()) == Some(indicator))
                .and_then(|v| v.as_table_mut())
                .ok_or_else(|| fail(format!("no indicator {indicator}")))?;
            element.insert(field.to_string(), param_value(path)?);
        } else {
            insert(&mut child, &keys, param_value(path)?).map_err(fail)?;
        }
    }
    if let Some(list) = indicators {
        child.insert("indicators".into(), toml::Value::Array(list));
        if let Some(s) = merged.get("spillover") {
            child.insert("spillover".into(), s.clone());
        }
    }
    Ok(emit(&child))
}

/// Writes a scenario document as a person would: scalars first, then one `[section]` per
/// table and `[[indicators]]` per element, distributions and year schedules inline
/// (`{ dist = "pert", min = .., mode = .., max = .. }`).
fn emit(doc: &toml::Table) -> String {
    let mut out = String::new();
    emit_table(&mut out, doc, "");
    out
}

/// A table written inline: a distribution or a year schedule.
fn inline(t: &toml::Table) -> bool {
    t.contains_key("dist")
        || (!t.is_empty() && t.keys().all(|k| k.chars().all(|c| c.is_ascii_digit())))
}

fn scalar(v: &toml::Value) -> String {
    match v {
        toml::Value::Table(t) => {
            // Distribution keys in their reading order, then anything else.
            const ORDER: [&str; 11] = [
                "dist", "value", "mean", "sd", "min", "mode", "max", "a", "b", "lower", "upper",
            ];
            let mut keys: Vec<&String> = t.keys().collect();
            keys.sort_by_key(|k| {
                (
                    ORDER.iter().position(|o| o == k).unwrap_or(ORDER.len()),
                    k.parse::<i64>().unwrap_or(0),
                )
            });
            let parts: Vec<String> = keys
                .iter()
                .map(|k| format!("{} = {}", key(k), scalar(&t[k.as_str()])))
                .collect();
            format!("{{ {} }}", parts.join(", "))
        }
        other => other.to_string(),
    }
}

fn key(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        k.to_string()
    } else {
        toml::Value::String(k.into()).to_string()
    }
}

fn emit_table(out: &mut String, t: &toml::Table, prefix: &str) {
    let is_section = |v: &toml::Value| match v {
        toml::Value::Table(inner) => !inline(inner),
        toml::Value::Array(a) => a.iter().all(toml::Value::is_table) && !a.is_empty(),
        _ => false,
    };
    for (k, v) in t.iter().filter(|(_, v)| !is_section(v)) {
        out.push_str(&format!("{} = {}\n", key(k), scalar(v)));
    }
    for (k, v) in t.iter().filter(|(_, v)| is_section(v)) {
        let name = if prefix.is_empty() {
            key(k)
        } else {
            format!("{prefix}.{}", key(k))
        };
        match v {
            toml::Value::Table(inner) => {
                let has_scalars = inner.values().any(|v| !is_section(v));
                if has_scalars {
                    out.push_str(&format!("\n[{name}]\n"));
                }
                emit_table(out, inner, &name);
            }
            toml::Value::Array(items) => {
                for item in items {
                    out.push_str(&format!("\n[[{name}]]\n"));
                    if let Some(inner) = item.as_table() {
                        emit_table(out, inner, &name);
                    }
                }
            }
            _ => {}
        }
    }
}

fn get<'a>(table: &'a toml::Table, keys: &[&str]) -> Option<&'a toml::Value> {
    let (first, rest) = keys.split_first()?;
    let v = table.get(*first)?;
    if rest.is_empty() {
        Some(v)
    } else {
        get(v.as_table()?, rest)
    }
}

/// A parameter as a scenario file writes it: a number for a constant, else the distribution's
/// table with its `lower` and `upper` bounds if it has them; `None` if it cannot be written.
pub(crate) fn param_toml(
    spec: &crate::dist::DistSpec,
    lower: Option<f64>,
    upper: Option<f64>,
) -> Option<toml::Value> {
    if let crate::dist::DistSpec::Constant { value } = *spec {
        return Some(toml::Value::Float(value));
    }
    let toml::Value::Table(mut t) = toml::Value::try_from(spec).ok()? else {
        return None;
    };
    for (k, v) in [("lower", lower), ("upper", upper)] {
        if let Some(v) = v {
            t.insert(k.into(), toml::Value::Float(v));
        }
    }
    Some(toml::Value::Table(t))
}

/// Sets `value` at `keys` in `table`, making the tables on the way.
///
/// # Errors
/// A key on the way that holds a value, not a table.
pub(crate) fn insert(
    table: &mut toml::Table,
    keys: &[&str],
    value: toml::Value,
) -> Result<(), String> {
    let (last, parents) = keys.split_last().expect("a path has a key");
    let mut t = table;
    for k in parents {
        t = t
            .entry(k.to_string())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()))
            .as_table_mut()
            .ok_or_else(|| format!("`{}` is set as a value and as a table", keys.join(".")))?;
    }
    t.insert(last.to_string(), value);
    Ok(())
}
