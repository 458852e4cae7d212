//! The small language in which users ask about a draw's outcomes: a per-draw quantity such as
//! `closure[Rotterdam]` or `breach_icr`, a condition on a draw such as
//! `closure < 0.1 and not breach_ltv` (`wijksim discover --where`), and a target on a
//! statistic over the draws such as `p_halved[Rotterdam] >= 0.2` (`wijksim seek --target`).
//!
//! Names resolve against one scenario once, at parse time; a mistake is reported with the
//! column it starts at and what would have been accepted.

use crate::model::{CLOSED, DrawOutcome, HALVED};
use crate::scenario::Scenario;
use serde::Serialize;
use std::fmt;

/// What a per-draw quantity measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Gap closure at the horizon, 1 - c_T (population-weighted over the scope's wijken).
    Closure,
    /// Value uplift of the scope's dwellings at the horizon, EUR.
    ValueUplift,
    /// The lowest yearly ICR of the scope's corporations.
    MinIcr,
    /// The highest yearly LTV of the scope's corporations.
    MaxLtv,
    /// Event: the composite gap at the horizon is at most half its start (c_T <= 0.5).
    Halved,
    /// Event: the composite gap is closed at the horizon (c_T <= 0).
    Closed,
    /// Event: a corporation of the scope fell below its ICR minimum or rose above its LTV
    /// maximum in some year.
    Breach,
    /// Event: a corporation of the scope fell below its ICR minimum in some year.
    BreachIcr,
    /// Event: a corporation of the scope rose above its LTV maximum in some year.
    BreachLtv,
}

impl Measure {
    const ALL: [(Measure, &'static str); 9] = [
        (Measure::Closure, "closure"),
        (Measure::ValueUplift, "value_uplift"),
        (Measure::MinIcr, "min_icr"),
        (Measure::MaxLtv, "max_ltv"),
        (Measure::Halved, "halved"),
        (Measure::Closed, "closed"),
        (Measure::Breach, "breach"),
        (Measure::BreachIcr, "breach_icr"),
        (Measure::BreachLtv, "breach_ltv"),
    ];

    pub fn name(self) -> &'static str {
        Measure::ALL
            .iter()
            .find(|(m, _)| *m == self)
            .map(|(_, n)| *n)
            .expect("every measure is named")
    }

    fn parse(name: &str) -> Option<Measure> {
        Measure::ALL
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(m, _)| *m)
    }

    /// True for a yes/no event (its value per draw is 0 or 1).
    pub fn is_event(self) -> bool {
        matches!(
            self,
            Measure::Halved
                | Measure::Closed
                | Measure::Breach
                | Measure::BreachIcr
                | Measure::BreachLtv
        )
    }

    /// True for a measure of the corporations (which a wijk or municipality scope selects by
    /// ownership).
    fn of_corporations(self) -> bool {
        matches!(
            self,
            Measure::MinIcr
                | Measure::MaxLtv
                | Measure::Breach
                | Measure::BreachIcr
                | Measure::BreachLtv
        )
    }

    /// Whether a percentage is the natural unit (closure is a share of the gap).
    pub fn is_share(self) -> bool {
        matches!(self, Measure::Closure) || self.is_event()
    }
}

/// Where a quantity is measured.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "index", rename_all = "snake_case")]
pub enum Scope {
    /// All wijken (population-weighted) or all corporations.
    All,
    Municipality(usize),
    Wijk(usize),
    Corporation(usize),
}

/// A number (or a 0/1 event) per draw.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Quantity {
    pub measure: Measure,
    pub scope: Scope,
    /// As the user wrote it, normalised: `closure[Rotterdam]`.
    pub text: String,
    /// The corporations a corporation measure looks at.
    #[serde(skip)]
    corporations: Vec<usize>,
    /// The wijken and their weights a wijk measure looks at.
    #[serde(skip)]
    wijken: Vec<(usize, f64)>,
}

impl Quantity {
    /// The value in one draw (an event as 0 or 1).
    pub fn value(&self, sc: &Scenario, o: &DrawOutcome) -> f64 {
        let t = sc.horizon();
        let c_t = || -> f64 {
            match self.scope {
                Scope::All => o.c_all[t],
                Scope::Municipality(m) => o.c_municipality[m],
                _ => self
                    .wijken
                    .iter()
                    .map(|&(w, share)| share * o.c[w * (t + 1) + t])
                    .sum(),
            }
        };
        let corps = || self.corporations.iter().map(|&c| &o.corporations[c]);
        let flag = |b: bool| f64::from(u8::from(b));
        match self.measure {
            Measure::Closure => 1.0 - c_t(),
            Measure::Halved => flag(c_t() <= HALVED),
            Measure::Closed => flag(c_t() <= CLOSED),
            Measure::ValueUplift => match self.scope {
                Scope::Corporation(c) => o.corporations[c].uplift,
                _ => self.wijken.iter().map(|&(w, _)| o.uplift[w]).sum(),
            },
            Measure::MinIcr => corps().map(|c| c.min_icr).fold(f64::INFINITY, f64::min),
            Measure::MaxLtv => corps().map(|c| c.max_ltv).fold(f64::NEG_INFINITY, f64::max),
            Measure::Breach => flag(corps().any(|c| c.breach_icr || c.breach_ltv)),
            Measure::BreachIcr => flag(corps().any(|c| c.breach_icr)),
            Measure::BreachLtv => flag(corps().any(|c| c.breach_ltv)),
        }
    }

    /// Resolves `measure` over the scope named `scope_name` (None: everything).
    fn resolve(
        sc: &Scenario,
        measure: Measure,
        scope_name: Option<&str>,
    ) -> Result<Quantity, String> {
        let scope = match scope_name {
            None => Scope::All,
            Some(name) => resolve_scope(sc, measure, name)?,
        };
        let all_wijken = |ws: &mut dyn Iterator<Item = usize>| -> Vec<(usize, f64)> {
            let ws: Vec<usize> = ws.collect();
            let pop: f64 = ws.iter().map(|&w| sc.wijken[w].population).sum();
            ws.iter()
                .map(|&w| (w, sc.wijken[w].population / pop))
                .collect()
        };
        let owners = |ws: &[(usize, f64)]| -> Vec<usize> {
            let mut cs: Vec<usize> = ws
                .iter()
                .flat_map(|&(w, _)| sc.wijken[w].owners.iter().map(|&(c, _)| c))
                .collect();
            cs.sort_unstable();
            cs.dedup();
            cs
        };
        let (wijken, corporations) = match scope {
            Scope::All => (
                all_wijken(&mut (0..sc.wijken.len())),
                (0..sc.corporations.len()).collect(),
            ),
            Scope::Municipality(m) => {
                let ws = all_wijken(&mut sc.municipalities[m].wijken.iter().copied());
                let cs = owners(&ws);
                (ws, cs)
            }
            Scope::Wijk(w) => {
                let ws = vec![(w, 1.0)];
                let cs = owners(&ws);
                (ws, cs)
            }
            Scope::Corporation(c) => (vec![], vec![c]),
        };
        if measure.of_corporations() && corporations.is_empty() {
            return Err(format!(
                "no corporation owns dwellings in {}",
                scope_name.unwrap_or("the wijken")
            ));
        }
        let text = match scope_name {
            None => measure.name().to_string(),
            Some(n) => format!("{}[{n}]", measure.name()),
        };
        Ok(Quantity {
            measure,
            scope,
            text,
            corporations,
            wijken,
        })
    }
}

/// Finds what `name` names: a municipality, a wijk (`Wijk` or `Municipality / Wijk`) or a
/// corporation, or the kind given as a prefix (`municipality:`, `wijk:`, `corporation:`).
fn resolve_scope(sc: &Scenario, measure: Measure, name: &str) -> Result<Scope, String> {
    let (kind, name) = match name.split_once(':') {
        Some((k, n)) => (Some(k.trim()), n.trim()),
        None => (None, name.trim()),
    };
    if let Some(k) = kind
        && !["municipality", "wijk", "corporation"].contains(&k)
    {
        return Err(format!(
            "`{k}:` is not a kind of scope; use municipality:, wijk: or corporation:"
        ));
    }
    let wants = |k: &str| kind.is_none_or(|x| x == k);
    let mut found: Vec<(Scope, &str)> = vec![];
    if wants("municipality") {
        found.extend(
            sc.municipalities
                .iter()
                .position(|m| m.name == name)
                .map(|m| (Scope::Municipality(m), "municipality")),
        );
    }
    if wants("wijk") {
        let wijken: Vec<usize> = (0..sc.wijken.len())
            .filter(|&w| sc.wijken[w].name == name || sc.wijk_label(w) == name)
            .collect();
        if wijken.len() > 1 {
            return Err(format!(
                "several wijken are called `{name}`; write `Municipality / {name}`"
            ));
        }
        found.extend(wijken.first().map(|&w| (Scope::Wijk(w), "wijk")));
    }
    if wants("corporation") {
        found.extend(
            sc.corporations
                .iter()
                .position(|c| c.name == name)
                .map(|c| (Scope::Corporation(c), "corporation")),
        );
    }
    let scope = match found.as_slice() {
        [] => {
            return Err(format!(
                "`{name}` is no {} of the scenario",
                kind.unwrap_or("municipality, wijk or corporation")
            ));
        }
        [(s, _)] => s.clone(),
        several => {
            let kinds: Vec<&str> = several.iter().map(|(_, k)| *k).collect();
            return Err(format!(
                "`{name}` is both a {}; write {} to choose",
                kinds.join(" and a "),
                kinds
                    .iter()
                    .map(|k| format!("`{k}:{name}`"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ));
        }
    };
    match scope {
        Scope::Corporation(_) if !measure.of_corporations() && measure != Measure::ValueUplift => {
            Err(format!(
                "{} is measured over wijken, not for a corporation such as `{name}`",
                measure.name()
            ))
        }
        _ => Ok(scope),
    }
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Op {
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = ">=")]
    Ge,
}

impl Op {
    pub fn holds(self, x: f64, threshold: f64) -> bool {
        match self {
            Op::Lt => x < threshold,
            Op::Le => x <= threshold,
            Op::Gt => x > threshold,
            Op::Ge => x >= threshold,
        }
    }

    /// True when larger values meet the comparison (`>`, `>=`).
    pub fn wants_larger(self) -> bool {
        matches!(self, Op::Gt | Op::Ge)
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
        }
    }
}

/// A condition on one draw: `wijksim discover --where`.
#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    /// An event happened (`breach_icr`).
    Event(Quantity),
    /// A quantity compared with a number (`closure < 0.1`).
    Compare(Quantity, Op, f64),
    Not(Box<Condition>),
    And(Vec<Condition>),
    Or(Vec<Condition>),
}

impl Condition {
    /// Whether draw `o` is a case.
    pub fn holds(&self, sc: &Scenario, o: &DrawOutcome) -> bool {
        match self {
            Condition::Event(q) => q.value(sc, o) > 0.5,
            Condition::Compare(q, op, x) => op.holds(q.value(sc, o), *x),
            Condition::Not(c) => !c.holds(sc, o),
            Condition::And(cs) => cs.iter().all(|c| c.holds(sc, o)),
            Condition::Or(cs) => cs.iter().any(|c| c.holds(sc, o)),
        }
    }
}

/// What is computed over the draws.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", content = "p", rename_all = "snake_case")]
pub enum Statistic {
    /// The share of draws in which an event happens (`p_halved`).
    Probability,
    Mean,
    /// The type-7 quantile at p (`closure_q05`, `closure_median`).
    Quantile(f64),
}

impl Statistic {
    /// The statistic of per-draw values `x` (reordered in place for a quantile).
    pub fn of(self, x: &mut [f64]) -> f64 {
        match self {
            Statistic::Probability | Statistic::Mean => x.iter().sum::<f64>() / x.len() as f64,
            Statistic::Quantile(p) => crate::stats::quantile_unsorted(x, p),
        }
    }
}

/// A target on a statistic over the draws: `wijksim seek --target`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Target {
    pub statistic: Statistic,
    pub quantity: Quantity,
    pub op: Op,
    pub threshold: f64,
    /// The figure, e.g. `p_halved[Rotterdam]`.
    pub figure: String,
    /// Normalised text, e.g. `p_halved[Rotterdam] >= 0.2`.
    pub text: String,
}

/// A mistake in an expression, with where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExprError {
    pub expression: String,
    /// 1-based character column.
    pub column: usize,
    pub message: String,
}

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "in `{}` at column {}: {}\n  {}\n  {}^",
            self.expression,
            self.column,
            self.message,
            self.expression,
            " ".repeat(self.column.saturating_sub(1))
        )
    }
}

impl std::error::Error for ExprError {}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    /// The text between `[` and `]`.
    Scope(String),
    Number(f64),
    Op(Op),
    And,
    Or,
    Not,
    Open,
    Close,
}

/// Tokens with their 1-based start column.
fn lex(s: &str) -> Result<Vec<(Tok, usize)>, (usize, String)> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = vec![];
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let col = i + 1;
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            out.push((
                match word.as_str() {
                    "and" => Tok::And,
                    "or" => Tok::Or,
                    "not" => Tok::Not,
                    _ => Tok::Ident(word),
                },
                col,
            ));
        } else if c.is_ascii_digit() || c == '.' || c == '-' || c == '+' {
            let start = i;
            i += 1;
            while i < chars.len()
                && (chars[i].is_ascii_alphanumeric()
                    || chars[i] == '.'
                    || chars[i] == '_'
                    || ((chars[i] == '-' || chars[i] == '+') && matches!(chars[i - 1], 'e' | 'E')))
            {
                i += 1;
            }
            let text: String = chars[start..i].iter().filter(|&&c| c != '_').collect();
            let mut x: f64 = text
                .parse()
                .ok()
                .filter(|x: &f64| x.is_finite())
                .ok_or((col, format!("`{text}` is not a number")))?;
            if chars.get(i) == Some(&'%') {
                x /= 100.0;
                i += 1;
            }
            out.push((Tok::Number(x), col));
        } else if c == '[' {
            let end = chars[i..]
                .iter()
                .position(|&c| c == ']')
                .ok_or((col, "`[` without its `]`".to_string()))?;
            let name: String = chars[i + 1..i + end].iter().collect();
            if name.trim().is_empty() {
                return Err((
                    col,
                    "empty `[]`: name a municipality, wijk or corporation".into(),
                ));
            }
            out.push((Tok::Scope(name.trim().to_string()), col));
            i += end + 1;
        } else {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            let (tok, len) = match (two.as_str(), c) {
                ("<=", _) => (Tok::Op(Op::Le), 2),
                (">=", _) => (Tok::Op(Op::Ge), 2),
                ("&&", _) => (Tok::And, 2),
                ("||", _) => (Tok::Or, 2),
                ("==", _) => {
                    return Err((
                        col,
                        "`==` is not supported: for a number use <, <=, > or >= (two draws are \
                         rarely exactly equal); for an event write it bare or with `not`"
                            .into(),
                    ));
                }
                (_, '<') => (Tok::Op(Op::Lt), 1),
                (_, '>') => (Tok::Op(Op::Gt), 1),
                (_, '!') => (Tok::Not, 1),
                (_, '(') => (Tok::Open, 1),
                (_, ')') => (Tok::Close, 1),
                _ => return Err((col, format!("unexpected `{c}`"))),
            };
            out.push((tok, col));
            i += len;
        }
    }
    Ok(out)
}

struct Parser<'a> {
    sc: &'a Scenario,
    text: &'a str,
    toks: Vec<(Tok, usize)>,
    pos: usize,
}

impl Parser<'_> {
    fn new<'a>(sc: &'a Scenario, text: &'a str) -> Result<Parser<'a>, ExprError> {
        let toks = lex(text).map_err(|(column, message)| ExprError {
            expression: text.to_string(),
            column,
            message,
        })?;
        Ok(Parser {
            sc,
            text,
            toks,
            pos: 0,
        })
    }

    fn err(&self, column: usize, message: impl Into<String>) -> ExprError {
        ExprError {
            expression: self.text.to_string(),
            column,
            message: message.into(),
        }
    }

    /// The column of the current token (one past the end at the end).
    fn column(&self) -> usize {
        self.toks
            .get(self.pos)
            .map_or(self.text.chars().count() + 1, |t| t.1)
    }

    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.0)
    }

    fn next(&mut self) -> Option<(Tok, usize)> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn end(&self) -> Result<(), ExprError> {
        match self.toks.get(self.pos) {
            None => Ok(()),
            Some((_, col)) => {
                Err(self.err(*col, "unexpected text after the end of the expression"))
            }
        }
    }

    /// `or` has the lowest precedence, then `and`, then `not`.
    fn condition(&mut self) -> Result<Condition, ExprError> {
        let mut terms = vec![self.conjunction()?];
        while self.peek() == Some(&Tok::Or) {
            self.pos += 1;
            terms.push(self.conjunction()?);
        }
        Ok(if terms.len() == 1 {
            terms.pop().expect("one term")
        } else {
            Condition::Or(terms)
        })
    }

    fn conjunction(&mut self) -> Result<Condition, ExprError> {
        let mut terms = vec![self.negation()?];
        while self.peek() == Some(&Tok::And) {
            self.pos += 1;
            terms.push(self.negation()?);
        }
        Ok(if terms.len() == 1 {
            terms.pop().expect("one term")
        } else {
            Condition::And(terms)
        })
    }

    fn negation(&mut self) -> Result<Condition, ExprError> {
        if self.peek() == Some(&Tok::Not) {
            self.pos += 1;
            return Ok(Condition::Not(Box::new(self.negation()?)));
        }
        if self.peek() == Some(&Tok::Open) {
            let col = self.column();
            self.pos += 1;
            let c = self.condition()?;
            return match self.next() {
                Some((Tok::Close, _)) => Ok(c),
                _ => Err(self.err(col, "`(` without its `)`")),
            };
        }
        let col = self.column();
        let q = self.quantity(col)?;
        match self.peek() {
            Some(Tok::Op(_)) => {
                let Some((Tok::Op(op), _)) = self.next() else {
                    unreachable!("peeked")
                };
                if q.measure.is_event() {
                    return Err(self.err(
                        col,
                        format!(
                            "{} is a yes/no event: write `{0}` or `not {0}`, without a comparison",
                            q.text
                        ),
                    ));
                }
                let x = self.number()?;
                Ok(Condition::Compare(q, op, x))
            }
            _ if q.measure.is_event() => Ok(Condition::Event(q)),
            _ => Err(self.err(
                self.column(),
                format!(
                    "{} is a number: compare it, e.g. `{} < 0.1`",
                    q.text, q.text
                ),
            )),
        }
    }

    /// A measure name with an optional `[scope]`.
    fn quantity(&mut self, col: usize) -> Result<Quantity, ExprError> {
        let name = match self.next() {
            Some((Tok::Ident(n), _)) => n,
            _ => {
                return Err(self.err(
                    col,
                    format!("expected a quantity: {}", measure_names().join(", ")),
                ));
            }
        };
        let measure = Measure::parse(&name).ok_or_else(|| {
            self.err(
                col,
                format!(
                    "unknown quantity `{name}`; quantities: {}",
                    measure_names().join(", ")
                ),
            )
        })?;
        self.scoped(measure, col)
    }

    fn scoped(&mut self, measure: Measure, col: usize) -> Result<Quantity, ExprError> {
        let scope = match self.peek() {
            Some(Tok::Scope(_)) => {
                let Some((Tok::Scope(s), scol)) = self.next() else {
                    unreachable!("peeked")
                };
                Some((s, scol))
            }
            _ => None,
        };
        let scope_col = scope.as_ref().map_or(col, |s| s.1);
        Quantity::resolve(self.sc, measure, scope.as_ref().map(|s| s.0.as_str()))
            .map_err(|m| self.err(scope_col, m))
    }

    fn number(&mut self) -> Result<f64, ExprError> {
        let col = self.column();
        match self.next() {
            Some((Tok::Number(x), _)) => Ok(x),
            _ => Err(self.err(col, "expected a number")),
        }
    }

    /// `figure op number`, e.g. `p_halved[Rotterdam] >= 0.2`.
    fn target(&mut self) -> Result<Target, ExprError> {
        let col = self.column();
        let name = match self.next() {
            Some((Tok::Ident(n), _)) => n,
            _ => return Err(self.err(col, format!("expected a figure: {}", FIGURES))),
        };
        let (statistic, measure) = parse_figure(&name)
            .ok_or_else(|| self.err(col, format!("unknown figure `{name}`; figures: {FIGURES}")))?;
        if statistic == Statistic::Probability && !measure.is_event() {
            return Err(self.err(
                col,
                format!(
                    "{} is a number, not an event: use {0}_mean or a quantile such as {0}_q50",
                    measure.name()
                ),
            ));
        }
        if statistic != Statistic::Probability && measure.is_event() {
            return Err(self.err(
                col,
                format!("{} is an event: its figure is p_{0}", measure.name()),
            ));
        }
        let quantity = self.scoped(measure, col)?;
        let op_col = self.column();
        let op = match self.next() {
            Some((Tok::Op(op), _)) => op,
            _ => return Err(self.err(op_col, "expected <, <=, > or >=")),
        };
        let x_col = self.column();
        let threshold = self.number()?;
        if statistic == Statistic::Probability && !(0.0..=1.0).contains(&threshold) {
            return Err(self.err(
                x_col,
                format!(
                    "a probability lies in 0..1, got {threshold}; write 0.2 or 20% for twenty percent"
                ),
            ));
        }
        let figure = match quantity.text.find('[') {
            Some(i) => format!("{name}{}", &quantity.text[i..]),
            None => name.clone(),
        };
        Ok(Target {
            statistic,
            quantity,
            op,
            threshold,
            text: format!("{figure} {} {threshold}", op.symbol()),
            figure,
        })
    }
}

fn measure_names() -> Vec<&'static str> {
    Measure::ALL.iter().map(|(_, n)| *n).collect()
}

/// The figures a target may name.
pub const FIGURES: &str = "p_halved, p_closed, p_breach, p_breach_icr, p_breach_ltv, \
closure_mean, closure_median, closure_q05 .. closure_q95, value_uplift_mean, min_icr_mean, \
max_ltv_mean (and _qNN of each number), optionally with [municipality, wijk or corporation]";

fn parse_figure(name: &str) -> Option<(Statistic, Measure)> {
    if let Some(m) = name.strip_prefix("p_") {
        return Measure::parse(m).map(|m| (Statistic::Probability, m));
    }
    if let Some(m) = name.strip_suffix("_mean") {
        return Measure::parse(m).map(|m| (Statistic::Mean, m));
    }
    if let Some(m) = name.strip_suffix("_median") {
        return Measure::parse(m).map(|m| (Statistic::Quantile(0.5), m));
    }
    let (m, q) = name.rsplit_once("_q")?;
    let pct: u32 = q
        .parse()
        .ok()
        .filter(|p| (1..=99).contains(p) && q.len() == 2)?;
    Measure::parse(m).map(|m| (Statistic::Quantile(f64::from(pct) / 100.0), m))
}

/// Parses a condition on a draw, e.g. `closure < 0.1 and not breach_ltv`.
///
/// # Errors
/// Where the expression is wrong and what would be accepted there.
pub fn parse_condition(sc: &Scenario, text: &str) -> Result<Condition, ExprError> {
    let mut p = Parser::new(sc, text)?;
    if p.toks.is_empty() {
        return Err(p.err(1, "empty condition"));
    }
    let c = p.condition()?;
    p.end()?;
    Ok(c)
}

/// Parses a target, e.g. `p_halved[Rotterdam] >= 0.2`.
///
/// # Errors
/// Where the expression is wrong and what would be accepted there.
pub fn parse_target(sc: &Scenario, text: &str) -> Result<Target, ExprError> {
    let mut p = Parser::new(sc, text)?;
    let t = p.target()?;
    p.end()?;
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Workspace, simulate_draw};

    fn baseline() -> Scenario {
        crate::scenario::load(std::path::Path::new("scenarios/baseline.toml")).unwrap()
    }

    #[test]
    fn targets_parse_into_figures() {
        let sc = baseline();
        let t = parse_target(&sc, "p_halved[Rotterdam] >= 20%").unwrap();
        assert_eq!(t.statistic, Statistic::Probability);
        assert_eq!(t.threshold, 0.2);
        assert_eq!(t.figure, "p_halved[Rotterdam]");
        assert_eq!(t.text, "p_halved[Rotterdam] >= 0.2");
        let m = sc.municipalities.iter().position(|m| m.name == "Rotterdam");
        assert_eq!(t.quantity.scope, Scope::Municipality(m.unwrap()));
        let t = parse_target(&sc, "closure_q05<0.1").unwrap();
        assert_eq!(t.statistic, Statistic::Quantile(0.05));
        assert_eq!(t.op, Op::Lt);
        let t = parse_target(&sc, "closure_median >= 1_0e-2").unwrap();
        assert_eq!((t.statistic, t.threshold), (Statistic::Quantile(0.5), 0.1));
        let t = parse_target(&sc, "value_uplift_mean > 1e9").unwrap();
        assert_eq!(t.statistic, Statistic::Mean);
    }

    #[test]
    fn mistakes_are_located() {
        let sc = baseline();
        let err = |s: &str| parse_target(&sc, s).unwrap_err();
        let e = err("p_halved >= ");
        assert_eq!((e.column, e.message.as_str()), (13, "expected a number"));
        assert_eq!(err("closure_mean 0.2").column, 14);
        assert!(err("p_closure >= 0.1").message.contains("not an event"));
        assert!(err("halved_mean >= 0.1").message.contains("p_halved"));
        assert!(
            err("p_halved >= 0.2 extra")
                .message
                .contains("after the end")
        );
        assert!(err("closure_q5 >= 0.1").message.contains("unknown figure"));
        let e = err("p_halved[Nergens] >= 0.2");
        assert_eq!(e.column, 9);
        assert!(
            e.to_string()
                .contains("\n  p_halved[Nergens] >= 0.2\n          ^")
        );
        let cond = |s: &str| parse_condition(&sc, s).unwrap_err();
        assert!(cond("closure").message.contains("compare it"));
        assert!(cond("breach_icr > 0").message.contains("yes/no event"));
        assert!(cond("(halved").message.contains("without its `)`"));
        assert!(cond("closure == 0").message.contains("not supported"));
        assert!(
            cond("closure[Rotterdam")
                .message
                .contains("without its `]`")
        );
    }

    #[test]
    fn conditions_combine_with_precedence() {
        let sc = baseline();
        let c = parse_condition(&sc, "not halved and closure < 0.1 or breach_icr").unwrap();
        let Condition::Or(terms) = &c else {
            panic!("{c:?}")
        };
        assert!(matches!(&terms[0], Condition::And(a) if matches!(a[0], Condition::Not(_))));
        assert!(matches!(&terms[1], Condition::Event(q) if q.measure == Measure::BreachIcr));
    }

    #[test]
    fn quantities_measure_their_scope() {
        let sc = baseline();
        let mut ws = Workspace::default();
        let o = simulate_draw(&sc, 3, 5, &mut ws).clone();
        let t = sc.horizon();
        let q = |s: &str| {
            let Condition::Compare(q, _, _) = parse_condition(&sc, &format!("{s} < 0")).unwrap()
            else {
                panic!()
            };
            q.value(&sc, &o)
        };
        assert_eq!(q("closure"), 1.0 - o.c_all[t]);
        let m = sc
            .municipalities
            .iter()
            .position(|m| m.name == "Rotterdam")
            .unwrap();
        assert_eq!(q("closure[Rotterdam]"), 1.0 - o.c_municipality[m]);
        let w = sc.municipalities[m].wijken[0];
        let label = sc.wijk_label(w);
        let c_w = o.c[w * (t + 1) + t];
        assert_eq!(q(&format!("closure[{label}]")), 1.0 - c_w);
        assert_eq!(
            q(&format!("closure[wijk:{}]", sc.wijken[w].name)),
            1.0 - c_w
        );
        assert_eq!(q(&format!("value_uplift[{label}]")), o.uplift[w]);
        // A municipality's corporations are those owning dwellings in its wijken.
        let owners: Vec<usize> = sc.municipalities[m]
            .wijken
            .iter()
            .flat_map(|&w| sc.wijken[w].owners.iter().map(|o| o.0))
            .collect();
        let min = owners
            .iter()
            .map(|&c| o.corporations[c].min_icr)
            .fold(f64::INFINITY, f64::min);
        assert_eq!(q("min_icr[Rotterdam]"), min);
        let all = o.corporations.iter().map(|c| c.max_ltv).fold(0.0, f64::max);
        assert_eq!(q("max_ltv"), all);
    }
}
