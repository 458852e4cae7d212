//! The levers of the what-if page: what each one sets in a scenario, its control (label,
//! unit, range), its value in the loaded scenario, and the scenario document a set of lever
//! values makes. Pure: no I/O, no server.
//!
//! A lever the user has not moved is not written: the what-if scenario `extends` the loaded
//! one and sets only what changed, so everything else (overrides, distributions, schedules)
//! stays as the loaded scenario has it.

use crate::dist::DistSpec;
use crate::model::params::AllocationPolicy;
use crate::plot::Lang;
use crate::scenario::Scenario;
use crate::schedule::Schedule;
use serde::Serialize;
use std::collections::BTreeMap;

/// The statutory landlord levy (verhuurderheffing) on the WOZ value, 2013-2017, as in
/// `scenarios/verhuurderheffing.toml` (docs/sources.md): what "levy on" applies when the
/// loaded scenario has no levy of its own.
pub const STATUTORY_LEVY: [(i32, f64); 5] = [
    (2013, 0.00014),
    (2014, 0.00381),
    (2015, 0.00449),
    (2016, 0.00491),
    (2017, 0.00536),
];

/// [`STATUTORY_LEVY`] as a schedule (nothing before 2013).
fn statutory_levy() -> Schedule {
    Schedule {
        before: 0.0,
        steps: STATUTORY_LEVY.into_iter().collect(),
    }
}

/// The levers, in page order.
pub const LEVERS: [LeverId; 12] = [
    LeverId::BudgetPerResident,
    LeverId::CutDepth,
    LeverId::CutStart,
    LeverId::Levy,
    LeverId::LevyScale,
    LeverId::RentPolicy,
    LeverId::StateBudget,
    LeverId::StateUntil,
    LeverId::Compensation,
    LeverId::Retention,
    LeverId::PhysicalShare,
    LeverId::Allocation,
];

/// One lever of the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LeverId {
    /// The municipal social budget per resident of the wijken, EUR a year at t = 0.
    BudgetPerResident,
    /// The depth of the municipal cut (its most likely value when uncertain).
    CutDepth,
    /// The year the municipal cut starts.
    CutStart,
    /// The landlord levy (verhuurderheffing) on or off.
    Levy,
    /// The levy's rates as a multiple of its schedule.
    LevyScale,
    /// Real rent rise per year.
    RentPolicy,
    /// The state's budget per wijk per year (EUR).
    StateBudget,
    /// The last year the state pays it.
    StateUntil,
    /// The share of the municipal cut the corporations pay.
    Compensation,
    /// The share of leaking gains kept in the wijk (housing careers within it).
    Retention,
    /// The share of the wijk commitment spent on stones (the rest on people).
    PhysicalShare,
    /// Which part of the plan gives way when capacity falls short.
    Allocation,
}

/// How a lever is set on the page.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Control {
    /// A number in [min, max]; the page shows `value x display` with `decimals`.
    Number {
        min: f64,
        max: f64,
        step: f64,
        display: f64,
        decimals: usize,
    },
    /// A calendar year in [min, max].
    Year { min: f64, max: f64 },
    /// On or off.
    Switch,
    /// One of the allocation policies.
    Choice,
}

/// A lever's value.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    Number(f64),
    Switch(bool),
    Choice(String),
}

/// The allocation policies as the scenario file writes them.
pub const ALLOCATIONS: [&str; 3] = ["pro_rata", "wijken_first", "regular_first"];

fn allocation_key(a: AllocationPolicy) -> &'static str {
    match a {
        AllocationPolicy::ProRata => ALLOCATIONS[0],
        AllocationPolicy::WijkenFirst => ALLOCATIONS[1],
        AllocationPolicy::RegularFirst => ALLOCATIONS[2],
    }
}

impl LeverId {
    /// The name the page and its requests use.
    pub fn key(self) -> &'static str {
        match self {
            LeverId::BudgetPerResident => "budget_per_resident",
            LeverId::CutDepth => "cut_depth",
            LeverId::CutStart => "cut_start",
            LeverId::Levy => "levy",
            LeverId::LevyScale => "levy_scale",
            LeverId::RentPolicy => "rent_policy",
            LeverId::StateBudget => "state_budget",
            LeverId::StateUntil => "state_until",
            LeverId::Compensation => "compensation",
            LeverId::Retention => "retention",
            LeverId::PhysicalShare => "physical_share",
            LeverId::Allocation => "allocation",
        }
    }

    /// The lever named `key`.
    pub fn from_key(key: &str) -> Option<LeverId> {
        LEVERS.into_iter().find(|l| l.key() == key)
    }

    /// The scenario key it sets (the levy scale and the state's last year set the same
    /// schedule as their partner).
    pub fn path(self) -> &'static str {
        match self {
            LeverId::BudgetPerResident => "municipalities.defaults.budget_per_resident",
            LeverId::CutDepth => "municipalities.defaults.cut_depth",
            LeverId::CutStart => "municipalities.defaults.cut_start",
            LeverId::Levy | LeverId::LevyScale => "corporations.defaults.levy",
            LeverId::RentPolicy => "corporations.defaults.rent_policy",
            LeverId::StateBudget | LeverId::StateUntil => "state.budget_per_wijk",
            LeverId::Compensation => "corporations.defaults.compensation",
            LeverId::Retention => "gaps.retention",
            LeverId::PhysicalShare => "corporations.defaults.physical_share",
            LeverId::Allocation => "corporations.defaults.allocation",
        }
    }

    /// Label and unit in the language.
    pub fn label(self, lang: Lang) -> (&'static str, &'static str) {
        let t = |en: &'static str, nl: &'static str| lang.t(en, nl);
        match self {
            LeverId::BudgetPerResident => (
                t("Municipal social budget", "Sociaal budget van de gemeente"),
                t("EUR per resident a year", "euro per inwoner per jaar"),
            ),
            LeverId::CutDepth => (
                t("Depth of the municipal cut", "Omvang van de bezuiniging"),
                "%",
            ),
            LeverId::CutStart => (
                t("Cut starts in", "Bezuiniging begint in"),
                t("year", "jaar"),
            ),
            LeverId::Levy => (t("Landlord levy", "Verhuurderheffing"), ""),
            LeverId::LevyScale => (
                t("Levy rates", "Tarieven van de heffing"),
                t("x its schedule", "x het tarievenpad"),
            ),
            LeverId::RentPolicy => (
                t("Real rent rise", "Reële huurstijging"),
                t("% a year", "% per jaar"),
            ),
            LeverId::StateBudget => (
                t("State budget per wijk", "Rijksbudget per wijk"),
                t("EUR mln a year", "mln euro per jaar"),
            ),
            LeverId::StateUntil => (
                t("State pays until", "Rijk betaalt tot en met"),
                t("year", "jaar"),
            ),
            LeverId::Compensation => (
                t(
                    "Corporations compensate the cut",
                    "Corporaties compenseren de bezuiniging",
                ),
                "%",
            ),
            LeverId::Retention => (
                t(
                    "Risers who stay (retention)",
                    "Stijgers die blijven (binding)",
                ),
                t("% of the leak", "% van de weglek"),
            ),
            LeverId::PhysicalShare => (
                t(
                    "Stones share of the wijk commitment",
                    "Aandeel stenen in de wijkinzet",
                ),
                t("% (the rest: people)", "% (de rest: mensen)"),
            ),
            LeverId::Allocation => (t("When money falls short", "Bij geldtekort gaat voor"), ""),
        }
    }

    /// The control, for a scenario whose years run `first..=last`.
    pub fn control(self, first: i32, last: i32) -> Control {
        let share = |max: f64, step: f64| Control::Number {
            min: 0.0,
            max,
            step,
            display: 100.0,
            decimals: 0,
        };
        match self {
            LeverId::BudgetPerResident => Control::Number {
                min: 0.0,
                max: 600.0,
                step: 5.0,
                display: 1.0,
                decimals: 0,
            },
            LeverId::CutDepth => share(0.9, 0.01),
            LeverId::CutStart => Control::Year {
                min: f64::from(first),
                max: f64::from(last + 1),
            },
            LeverId::Levy => Control::Switch,
            LeverId::LevyScale => Control::Number {
                min: 0.0,
                max: 3.0,
                step: 0.05,
                display: 1.0,
                decimals: 2,
            },
            LeverId::RentPolicy => Control::Number {
                min: -0.03,
                max: 0.05,
                step: 0.0025,
                display: 100.0,
                decimals: 2,
            },
            LeverId::StateBudget => Control::Number {
                min: 0.0,
                max: 10e6,
                step: 0.1e6,
                display: 1e-6,
                decimals: 1,
            },
            LeverId::StateUntil => Control::Year {
                min: f64::from(first - 1),
                max: f64::from(last),
            },
            LeverId::Compensation | LeverId::Retention | LeverId::PhysicalShare => share(1.0, 0.05),
            LeverId::Allocation => Control::Choice,
        }
    }
}

/// A lever as the page shows it.
#[derive(Clone, Debug, Serialize)]
pub struct LeverView {
    pub key: &'static str,
    pub path: &'static str,
    pub label: &'static str,
    pub unit: &'static str,
    pub control: Control,
    /// Its value in the loaded scenario.
    pub value: Value,
    /// The choices of a choice lever: (value, label).
    pub options: Vec<(&'static str, &'static str)>,
    /// What the user should know (an uncertain value, a schedule the lever replaces,
    /// overrides it does not touch); empty if nothing.
    pub note: String,
}

/// What the levers start from: the loaded scenario's values and what is special about them.
#[derive(Clone, Debug)]
pub struct Baseline {
    pub values: BTreeMap<LeverId, Value>,
    /// Distributions of the parameter levers (moved to the lever's value when it changes).
    dists: BTreeMap<LeverId, crate::dist::Param>,
    /// The narrower ranges of distribution levers: where the moved distribution stays in its
    /// parameter's domain.
    ranges: BTreeMap<LeverId, (f64, f64)>,
    /// The levy schedule that "on" scales.
    levy_base: Schedule,
    /// The keys overridden for some municipality or corporation, by lever.
    overridden: BTreeMap<LeverId, Vec<String>>,
    /// The loaded schedules of rent policy and state budget, if not one value over the run.
    rent_schedule: Option<Schedule>,
    state_schedule_varies: bool,
    first: i32,
    last: i32,
}

/// Why a set of lever values was refused before it became a scenario.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LeverProblem {
    /// The lever's key, or the name the request gave.
    pub lever: String,
    pub message: String,
}

/// The lever values of one request, checked against their controls.
pub type Settings = BTreeMap<LeverId, Value>;

impl Baseline {
    /// The lever values of `sc`; `merged` is its document after inheritance (for the
    /// overrides the defaults levers do not reach).
    pub fn of(sc: &Scenario, merged: &toml::Table) -> Baseline {
        let first = sc.run.year(1);
        let last = sc.run.year(sc.horizon());
        let mut values = BTreeMap::new();
        let mut dists = BTreeMap::new();
        let mut ranges = BTreeMap::new();
        for id in [
            LeverId::BudgetPerResident,
            LeverId::CutDepth,
            LeverId::CutStart,
            LeverId::Compensation,
            LeverId::Retention,
            LeverId::PhysicalShare,
        ] {
            if let Some(p) = sc.params.params.iter().find(|p| p.path == id.path()) {
                values.insert(id, Value::Number(p.param.spec.location()));
                if p.param.constant_value().is_none() {
                    dists.insert(id, p.param.clone());
                    if let Control::Number { min, max, step, .. } = id.control(first, last) {
                        let (lo, hi) = p.domain.bounds();
                        let (a, b) = p.param.spec.location_range(lo, hi);
                        // On the control's grid, inside both ranges.
                        let a = (a.max(min) / step - 1e-9).ceil() * step;
                        let b = (b.min(max) / step + 1e-9).floor() * step;
                        ranges.insert(id, (a, b));
                    }
                }
            }
        }
        let overridden = overrides(merged);
        // The corporations' schedules and policy: of one that does not override them.
        let corp = |key: &str| {
            sc.corporations
                .iter()
                .find(|c| {
                    !overridden
                        .get(key)
                        .is_some_and(|names| names.contains(&c.name))
                })
                .or(sc.corporations.first())
        };
        let in_run = |s: &Schedule| (first..=last).map(|y| s.at(y)).collect::<Vec<f64>>();
        let levy = corp("levy").map_or(Schedule::constant(0.0), |c| c.levy.clone());
        let levy_on = in_run(&levy).iter().any(|&v| v != 0.0);
        values.insert(LeverId::Levy, Value::Switch(levy_on));
        values.insert(LeverId::LevyScale, Value::Number(1.0));
        let levy_base = if levy_on { levy } else { statutory_levy() };
        let rent = corp("rent_policy").map_or(Schedule::constant(0.0), |c| c.rent_policy.clone());
        let rent_years = in_run(&rent);
        values.insert(LeverId::RentPolicy, Value::Number(rent_years[0]));
        let rent_schedule = rent_years
            .iter()
            .any(|&v| v != rent_years[0])
            .then_some(rent);
        let state = in_run(&sc.state_budget_per_wijk);
        let amount = state[0];
        // Paid from the first year while it is the first year's amount, then nothing.
        let paid = state
            .iter()
            .take_while(|&&v| v == amount && v != 0.0)
            .count();
        let state_schedule_varies = state[paid..].iter().any(|&v| v != 0.0);
        values.insert(LeverId::StateBudget, Value::Number(amount));
        values.insert(
            LeverId::StateUntil,
            Value::Number(f64::from(first + paid as i32 - 1)),
        );
        let allocation = corp("allocation").map_or(AllocationPolicy::default(), |c| c.allocation);
        values.insert(
            LeverId::Allocation,
            Value::Choice(allocation_key(allocation).to_string()),
        );
        let overridden = LEVERS
            .into_iter()
            .filter_map(|id| {
                let key = id.path().rsplit('.').next().expect("a path has a key");
                let scoped = id.path().starts_with("municipalities.")
                    || id.path().starts_with("corporations.");
                overridden
                    .get(key)
                    .filter(|_| scoped)
                    .map(|names| (id, names.clone()))
            })
            .collect();
        Baseline {
            values,
            dists,
            ranges,
            levy_base,
            overridden,
            rent_schedule,
            state_schedule_varies,
            first,
            last,
        }
    }

    /// The control of lever `id` for this scenario.
    pub fn control(&self, id: LeverId) -> Control {
        match (id.control(self.first, self.last), self.ranges.get(&id)) {
            (
                Control::Number {
                    step,
                    display,
                    decimals,
                    ..
                },
                Some(&(min, max)),
            ) => Control::Number {
                min,
                max,
                step,
                display,
                decimals,
            },
            (c, _) => c,
        }
    }

    /// The levers as the page shows them, in page order.
    pub fn views(&self, lang: Lang) -> Vec<LeverView> {
        LEVERS
            .into_iter()
            .filter_map(|id| {
                let value = self.values.get(&id)?.clone();
                let (label, unit) = id.label(lang);
                let options = if id == LeverId::Allocation {
                    ALLOCATIONS
                        .into_iter()
                        .map(|a| (a, allocation_label(a, lang)))
                        .collect()
                } else {
                    vec![]
                };
                Some(LeverView {
                    key: id.key(),
                    path: id.path(),
                    label,
                    unit,
                    control: self.control(id),
                    value,
                    options,
                    note: self.note(id, lang),
                })
            })
            .collect()
    }

    fn note(&self, id: LeverId, lang: Lang) -> String {
        let mut notes = vec![];
        if let Some(p) = self.dists.get(&id) {
            let (lo, hi) = support(&p.spec);
            notes.push(format!(
                "{} {} {} {}); {}",
                lang.t(
                    "Uncertain in the scenario: this is its most likely value (range",
                    "Onzeker in het scenario: dit is de meest waarschijnlijke waarde (bereik",
                ),
                with_unit(id, lo, lang),
                lang.t("to", "tot"),
                with_unit(id, hi, lang),
                lang.t(
                    "moving it moves the whole range with it.",
                    "de schuif verschuift het hele bereik mee.",
                ),
            ));
        }
        match id {
            LeverId::RentPolicy => {
                if let Some(s) = &self.rent_schedule {
                    let years: Vec<String> = (self.first..=self.last)
                        .filter(|&y| y == self.first || s.at(y) != s.at(y - 1))
                        .map(|y| format!("{y}: {}", lang.pct(s.at(y), 2)))
                        .collect();
                    notes.push(format!(
                        "{} {}; {}",
                        lang.t(
                            "The scenario changes it by year:",
                            "Het scenario wisselt per jaar:"
                        ),
                        years.join(", "),
                        lang.t(
                            "moving the lever sets one rate for every year.",
                            "de schuif zet één tarief voor alle jaren."
                        )
                    ));
                }
            }
            LeverId::LevyScale => notes.push(
                if self.levy_base == statutory_levy() {
                    lang.t(
                        "Of the statutory rates 2013-2017 (0.014% to 0.536% of the WOZ value).",
                        "Van de wettelijke tarieven 2013-2017 (0,014% tot 0,536% van de WOZ-waarde).",
                    )
                    .to_string()
                } else {
                    lang.t(
                        "Of the scenario's own levy rates.",
                        "Van de heffingstarieven van het scenario.",
                    )
                    .to_string()
                },
            ),
            LeverId::StateBudget if self.state_schedule_varies => notes.push(
                lang.t(
                    "The scenario's budget changes by year; moving a state lever sets one amount from the first year.",
                    "Het budget van het scenario wisselt per jaar; een rijksschuif zet één bedrag vanaf het eerste jaar.",
                )
                .to_string(),
            ),
            LeverId::StateUntil => notes.push(format!(
                "{}: {}",
                self.first - 1,
                lang.t("the state pays nothing.", "het rijk betaalt niets.")
            )),
            LeverId::CutStart => notes.push(format!(
                "{}: {}",
                self.last + 1,
                lang.t(
                    "after the run (no cut).",
                    "na de looptijd (geen bezuiniging)."
                )
            )),
            _ => {}
        }
        if let Some(names) = self.overridden.get(&id) {
            notes.push(format!(
                "{} {}",
                lang.t(
                    "Set for every municipality or corporation except those the scenario gives their own value:",
                    "Geldt voor elke gemeente of corporatie, behalve die met een eigen waarde in het scenario:",
                ),
                names.join(", ")
            ));
        }
        notes.join(" ")
    }

    /// Checks a request's lever values: every name a lever, every value of its kind and in
    /// its control's range. Levers the request leaves out keep the loaded value.
    ///
    /// # Errors
    /// Every problem found, by lever.
    pub fn settings(
        &self,
        given: &serde_json::Map<String, serde_json::Value>,
        lang: Lang,
    ) -> Result<Settings, Vec<LeverProblem>> {
        let mut settings = self.values.clone();
        let mut problems = vec![];
        for (name, v) in given {
            let problem = |message: String| LeverProblem {
                lever: name.clone(),
                message,
            };
            let Some(id) = LeverId::from_key(name).filter(|id| self.values.contains_key(id)) else {
                let known: Vec<&str> = LEVERS
                    .iter()
                    .filter(|id| self.values.contains_key(id))
                    .map(|id| id.key())
                    .collect();
                problems.push(problem(format!(
                    "{} {}",
                    lang.t(
                        "not a lever of this page; the levers are",
                        "geen schuif van deze pagina; de schuiven zijn"
                    ),
                    known.join(", ")
                )));
                continue;
            };
            match (self.control(id), v) {
                (Control::Switch, serde_json::Value::Bool(b)) => {
                    settings.insert(id, Value::Switch(*b));
                }
                (Control::Choice, serde_json::Value::String(s)) => {
                    if ALLOCATIONS.contains(&s.as_str()) {
                        settings.insert(id, Value::Choice(s.clone()));
                    } else {
                        problems.push(problem(format!(
                            "`{}`: {} {}",
                            s.chars().take(40).collect::<String>(),
                            lang.t("must be one of", "moet een zijn van"),
                            ALLOCATIONS.join(", ")
                        )));
                    }
                }
                (c @ (Control::Number { min, max, .. } | Control::Year { min, max }), v) => {
                    let year = matches!(c, Control::Year { .. });
                    match v.as_f64().filter(|x| x.is_finite()) {
                        None => problems.push(problem(
                            lang.t("must be a number", "moet een getal zijn")
                                .to_string(),
                        )),
                        Some(x) if x < min || x > max => problems.push(problem(format!(
                            "{} {} {} {} {}",
                            with_unit(id, x, lang),
                            lang.t("is outside the range", "valt buiten het bereik"),
                            format_value(id, min, lang),
                            lang.t("to", "tot"),
                            with_unit(id, max, lang),
                        ))),
                        Some(x) if year && x.fract() != 0.0 => problems.push(problem(
                            lang.t("must be a whole year", "moet een heel jaar zijn")
                                .to_string(),
                        )),
                        Some(x) => {
                            settings.insert(id, Value::Number(x));
                        }
                    }
                }
                (Control::Switch, _) => problems.push(problem(
                    lang.t("must be true or false", "moet true of false zijn")
                        .to_string(),
                )),
                (Control::Choice, _) => problems.push(problem(format!(
                    "{} {}",
                    lang.t("must be one of", "moet een zijn van"),
                    ALLOCATIONS.join(", ")
                ))),
            }
        }
        if problems.is_empty() {
            Ok(settings)
        } else {
            Err(problems)
        }
    }

    /// The levers whose value differs from the loaded scenario's.
    pub fn changed(&self, settings: &Settings) -> Vec<LeverId> {
        LEVERS
            .into_iter()
            .filter(|id| settings.get(id) != self.values.get(id))
            .collect()
    }

    /// The scenario keys `settings` set, as the file would write them: only the levers
    /// that changed (a levy lever writes the levy schedule, a state lever the state's).
    pub fn document(&self, settings: &Settings) -> toml::Table {
        let changed = self.changed(settings);
        let mut doc = toml::Table::new();
        let number = |id: LeverId| match settings.get(&id) {
            Some(Value::Number(x)) => *x,
            _ => 0.0,
        };
        for id in &changed {
            let value = match id {
                LeverId::BudgetPerResident
                | LeverId::CutDepth
                | LeverId::Compensation
                | LeverId::Retention
                | LeverId::PhysicalShare => self.param_value(*id, number(*id)),
                LeverId::CutStart => toml::Value::Integer(number(*id) as i64),
                LeverId::RentPolicy => toml::Value::Float(number(*id)),
                LeverId::Levy | LeverId::LevyScale => {
                    let on = settings.get(&LeverId::Levy) == Some(&Value::Switch(true));
                    let scale = number(LeverId::LevyScale);
                    if on {
                        schedule_value(&self.levy_base, scale)
                    } else {
                        toml::Value::Float(0.0)
                    }
                }
                LeverId::StateBudget | LeverId::StateUntil => {
                    let amount = number(LeverId::StateBudget);
                    let until = number(LeverId::StateUntil) as i32;
                    let mut t = toml::Table::new();
                    t.insert(
                        self.first.to_string(),
                        toml::Value::Float(if until >= self.first { amount } else { 0.0 }),
                    );
                    if until >= self.first && until < self.last {
                        t.insert((until + 1).to_string(), toml::Value::Float(0.0));
                    }
                    toml::Value::Table(t)
                }
                LeverId::Allocation => match settings.get(id) {
                    Some(Value::Choice(s)) => toml::Value::String(s.clone()),
                    _ => continue,
                },
            };
            let keys: Vec<&str> = id.path().split('.').collect();
            // The lever paths are fixed and none runs through another's value.
            crate::scenario::insert_at(&mut doc, &keys, value)
                .expect("lever paths are tables down to their keys");
        }
        doc
    }

    /// A parameter lever's value as the file writes it: the number, or the scenario's
    /// distribution moved to it (bounds kept).
    fn param_value(&self, id: LeverId, x: f64) -> toml::Value {
        self.dists
            .get(&id)
            .and_then(|p| crate::scenario::param_toml(&p.spec.at_location(x), p.lower, p.upper))
            .unwrap_or(toml::Value::Float(x))
    }

    /// One line per changed lever, for the what-if scenario's description and the page.
    pub fn describe(&self, settings: &Settings, lang: Lang) -> Vec<String> {
        self.changed(settings)
            .into_iter()
            .map(|id| {
                let value = match settings.get(&id) {
                    Some(Value::Number(x)) => with_unit(id, *x, lang),
                    Some(Value::Switch(b)) => {
                        if *b {
                            lang.t("on", "aan").into()
                        } else {
                            lang.t("off", "uit").into()
                        }
                    }
                    Some(Value::Choice(s)) => allocation_label(s, lang).to_string(),
                    None => String::new(),
                };
                format!("{}: {value}", id.label(lang).0)
            })
            .collect()
    }
}

/// An allocation policy in words.
fn allocation_label(key: &str, lang: Lang) -> &'static str {
    match key {
        "wijken_first" => lang.t("the wijken first", "eerst de wijken"),
        "regular_first" => lang.t(
            "regular investment first",
            "eerst de reguliere investeringen",
        ),
        _ => lang.t("every part alike (pro rata)", "alles naar rato"),
    }
}

/// A lever value as the page shows it: shares as percentages, money in its unit; numbers
/// far outside any control in scientific notation.
pub fn format_value(id: LeverId, x: f64, lang: Lang) -> String {
    match id.control(0, 0) {
        Control::Number {
            display, decimals, ..
        } if (x * display).abs() < 1e9 => lang.number(x * display, decimals),
        Control::Year { .. } if x.abs() < 1e9 => format!("{x:.0}"),
        _ => format!("{x:e}"),
    }
}

/// [`format_value`] with the lever's unit ("30%", "200 EUR per resident a year", "2014").
pub fn with_unit(id: LeverId, x: f64, lang: Lang) -> String {
    let value = format_value(id, x, lang);
    match id.label(lang).1 {
        "" => value,
        u if u.starts_with('%') => format!("{value}{u}"),
        _ if matches!(id.control(0, 0), Control::Year { .. }) => value,
        u => format!("{value} {u}"),
    }
}

/// The smallest and largest value a distribution takes (its bounds, or its 0.5% and
/// 99.5% points for an unbounded one, given as mean -/+ 3 sd).
fn support(spec: &DistSpec) -> (f64, f64) {
    match *spec {
        DistSpec::Constant { value } => (value, value),
        DistSpec::Normal { mean, sd } | DistSpec::Lognormal { mean, sd } => {
            (mean - 3.0 * sd, mean + 3.0 * sd)
        }
        DistSpec::Uniform { min, max }
        | DistSpec::Triangular { min, max, .. }
        | DistSpec::Pert { min, max, .. }
        | DistSpec::Beta { min, max, .. } => (min, max),
    }
}

/// A schedule times `scale`, as the file writes it: a number when it is one, else a table
/// by year (with the value before its first year at the first listed year's place).
fn schedule_value(s: &Schedule, scale: f64) -> toml::Value {
    if s.steps.is_empty() {
        return toml::Value::Float(s.before * scale);
    }
    let mut t = toml::Table::new();
    for (y, v) in &s.steps {
        t.insert(y.to_string(), toml::Value::Float(v * scale));
    }
    toml::Value::Table(t)
}

/// Which municipalities and corporations override a key: key -> names.
fn overrides(merged: &toml::Table) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for section in ["municipalities", "corporations"] {
        let Some(toml::Value::Table(o)) = merged
            .get(section)
            .and_then(|s| s.as_table())
            .and_then(|s| s.get("overrides"))
        else {
            continue;
        };
        for (name, v) in o {
            if let toml::Value::Table(keys) = v {
                for key in keys.keys() {
                    out.entry(key.clone()).or_default().push(name.clone());
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn baseline_of(file: &str) -> Baseline {
        let path = Path::new(file);
        let sc = crate::scenario::load(path).unwrap();
        let merged = crate::scenario::merged(path).unwrap().unwrap();
        Baseline::of(&sc, &merged)
    }

    fn given(json: &str) -> serde_json::Map<String, serde_json::Value> {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn unmoved_levers_write_nothing_and_moved_ones_write_their_key() {
        let b = baseline_of("scenarios/baseline.toml");
        let same = b.settings(&given("{}"), Lang::En).unwrap();
        assert!(b.document(&same).is_empty());
        // Sending back the loaded values is no change either.
        let echo = b
            .settings(
                &given(r#"{"budget_per_resident":150,"cut_depth":0.15,"levy":false}"#),
                Lang::En,
            )
            .unwrap();
        assert!(b.changed(&echo).is_empty());
        let s = b
            .settings(&given(r#"{"budget_per_resident":200}"#), Lang::En)
            .unwrap();
        let doc = b.document(&s);
        assert_eq!(
            toml::to_string(&doc).unwrap(),
            "[municipalities.defaults]\nbudget_per_resident = 200.0\n"
        );
    }

    #[test]
    fn an_uncertain_lever_moves_its_distribution_and_keeps_its_shape() {
        let b = baseline_of("scenarios/baseline.toml");
        let s = b
            .settings(&given(r#"{"cut_depth":0.3}"#), Lang::En)
            .unwrap();
        let doc = b.document(&s);
        let cut = &doc["municipalities"]["defaults"]["cut_depth"];
        // PERT(5%, 15%, 30%) scaled to mode 30%: PERT(10%, 30%, 60%).
        assert_eq!(cut["dist"].as_str(), Some("pert"));
        assert_eq!(cut["mode"].as_float(), Some(0.3));
        assert!((cut["min"].as_float().unwrap() - 0.1).abs() < 1e-9);
        assert!((cut["max"].as_float().unwrap() - 0.6).abs() < 1e-9);
    }

    #[test]
    fn the_levy_switch_scales_the_statutory_rates_or_the_scenarios_own() {
        let b = baseline_of("scenarios/baseline.toml");
        let s = b
            .settings(&given(r#"{"levy":true,"levy_scale":2}"#), Lang::En)
            .unwrap();
        let levy = &b.document(&s)["corporations"]["defaults"]["levy"];
        assert_eq!(levy["2014"].as_float(), Some(2.0 * 0.00381));
        assert_eq!(levy.as_table().unwrap().len(), STATUTORY_LEVY.len());
        // A scenario with a levy starts switched on, and off writes 0.
        let b = baseline_of("scenarios/verhuurderheffing.toml");
        assert_eq!(b.values[&LeverId::Levy], Value::Switch(true));
        let off = b.settings(&given(r#"{"levy":false}"#), Lang::En).unwrap();
        assert_eq!(
            b.document(&off)["corporations"]["defaults"]["levy"].as_float(),
            Some(0.0)
        );
        // Its rent policy changes by year: the lever says so.
        let note = &b.views(Lang::En)[5].note;
        assert!(note.contains("2013: 2.50%"), "{note}");
    }

    #[test]
    fn the_state_levers_write_one_schedule() {
        let b = baseline_of("scenarios/baseline.toml");
        assert_eq!(b.values[&LeverId::StateBudget], Value::Number(1e6));
        assert_eq!(b.values[&LeverId::StateUntil], Value::Number(2012.0));
        let s = b
            .settings(
                &given(r#"{"state_budget":2000000,"state_until":2015}"#),
                Lang::En,
            )
            .unwrap();
        let t = b.document(&s)["state"]["budget_per_wijk"].clone();
        assert_eq!(t["2008"].as_float(), Some(2e6));
        assert_eq!(t["2016"].as_float(), Some(0.0));
        assert_eq!(t.as_table().unwrap().len(), 2);
        // Until the year before the run: nothing paid.
        let s = b
            .settings(&given(r#"{"state_until":2007}"#), Lang::En)
            .unwrap();
        let t = b.document(&s)["state"]["budget_per_wijk"].clone();
        assert_eq!(t.as_table().unwrap().len(), 1);
        assert_eq!(t["2008"].as_float(), Some(0.0));
    }

    #[test]
    fn bad_values_are_refused_by_lever_in_the_language() {
        let b = baseline_of("scenarios/baseline.toml");
        let err = b
            .settings(
                &given(
                    r#"{"nope":1,"cut_start":2011.5,"levy":"yes","allocation":"all","budget_per_resident":-5,"cut_depth":0.51}"#,
                ),
                Lang::Nl,
            )
            .unwrap_err();
        let by: BTreeMap<&str, &str> = err
            .iter()
            .map(|p| (p.lever.as_str(), p.message.as_str()))
            .collect();
        assert_eq!(by.len(), 6, "{err:?}");
        assert!(by["nope"].contains("geen schuif"));
        assert!(by["cut_start"].contains("heel jaar"));
        assert!(by["levy"].contains("true of false"));
        assert!(by["allocation"].contains("pro_rata"));
        assert!(
            by["budget_per_resident"]
                .contains("-5 euro per inwoner per jaar valt buiten het bereik 0 tot 600")
        );
        // The uncertain cut stops at 50%: beyond it the moved PERT would leave [0, 1].
        assert!(by["cut_depth"].contains("51%"), "{}", by["cut_depth"]);
    }
}
