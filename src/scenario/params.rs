//! The table of a scenario's scalar parameters and the typed groups that index into it.
//!
//! Every scalar the model uses is a [`Param`] in one table; each has a path (its place in the
//! file, e.g. `corporations.overrides.Amsterdam.rent`) whose stable key seeds its own random
//! stream. A group (gap dynamics, property, one municipality, one corporation) is one of the
//! model's structs in [`crate::model::params`] holding [`ParamId`]s; per draw the table is
//! sampled once and each group is turned into the same struct of plain `f64`s by `values`.
//! The file keys, defaults and domains of every group are here, in one place.

use super::Problems;
use super::raw::{RawDist, RawParam, RawSchedule};
use crate::dist::{DistSpec, Param};
pub use crate::model::params::{
    AllocationPolicy, CorporationParams, GapParams, MunicipalityParams, PropertyParams,
};
use crate::rng::component_key;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Index of a parameter in [`ParamTable`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct ParamId(pub usize);

/// Where a parameter's values may lie.
#[derive(Clone, Copy, Debug)]
pub enum Domain {
    Any,
    NonNegative,
    Positive,
    /// A share or probability: [0, 1].
    Unit,
}

impl Domain {
    /// The interval values must lie in.
    pub fn bounds(self) -> (f64, f64) {
        match self {
            Domain::Any => (f64::NEG_INFINITY, f64::INFINITY),
            Domain::NonNegative => (0.0, f64::INFINITY),
            Domain::Positive => (f64::MIN_POSITIVE, f64::INFINITY),
            Domain::Unit => (0.0, 1.0),
        }
    }

    /// Ok if every value in lo..=hi lies in the domain, else what is wrong.
    pub fn check(self, lo: f64, hi: f64) -> Result<(), String> {
        let (ok, what) = match self {
            Domain::Any => (true, ""),
            Domain::NonNegative => (lo >= 0.0, "must be >= 0"),
            Domain::Positive => (lo > 0.0, "must be > 0"),
            Domain::Unit => (lo >= 0.0 && hi <= 1.0, "must lie in [0, 1]"),
        };
        if ok {
            Ok(())
        } else if lo == hi {
            Err(format!("{what}, got {lo}"))
        } else {
            Err(format!(
                "{what}, but the distribution can take values in [{lo}, {hi}]; narrow it or give lower/upper bounds"
            ))
        }
    }
}

/// One named parameter.
#[derive(Clone, Debug, Serialize)]
pub struct NamedParam {
    pub path: String,
    #[serde(skip)]
    pub key: u64,
    /// Where its values may lie.
    #[serde(skip)]
    pub domain: Domain,
    #[serde(flatten)]
    pub param: Param,
}

/// All scalar parameters of a scenario.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(transparent)]
pub struct ParamTable {
    pub params: Vec<NamedParam>,
    /// Locations to move parameters to, by path (set by calibration; see
    /// [`crate::dist::DistSpec::at_location`]), and which of them were used.
    #[serde(skip)]
    pub locations: BTreeMap<String, f64>,
    #[serde(skip)]
    pub located: BTreeSet<String>,
}

impl ParamTable {
    /// Adds the parameter at `path`: the file's value if given (validated against `domain`),
    /// else `inherit` (a shared parameter) if given, else the built-in default.
    pub fn add(
        &mut self,
        path: &str,
        raw: Option<&RawParam>,
        inherit: Option<ParamId>,
        default: DistSpec,
        domain: Domain,
        problems: &mut Problems,
    ) -> ParamId {
        let location = self.locations.get(path).copied();
        let param = match (raw, inherit) {
            (None, Some(id)) if location.is_none() => return id,
            (None, Some(id)) => self.params[id.0].param.clone(),
            (None, None) => Param::new(default, None, None).expect("built-in defaults are valid"),
            (Some(r), _) => match build_param(r).and_then(|p| {
                let (lo, hi) = p.range();
                domain.check(lo, hi)?;
                Ok(p)
            }) {
                Ok(p) => p,
                Err(msg) => {
                    problems.push(path, msg);
                    Param::new(default, None, None).expect("built-in defaults are valid")
                }
            },
        };
        let param = match location {
            None => param,
            Some(v) => {
                self.located.insert(path.to_string());
                match Param::new(param.spec.at_location(v), param.lower, param.upper).and_then(
                    |p| {
                        let (lo, hi) = p.range();
                        domain.check(lo, hi)?;
                        Ok(p)
                    },
                ) {
                    Ok(p) => p,
                    Err(msg) => {
                        problems.push(path, format!("cannot move it to {v}: {msg}"));
                        param
                    }
                }
            }
        };
        self.params.push(NamedParam {
            path: path.to_string(),
            key: component_key(&format!("param/{path}")),
            domain,
            param,
        });
        ParamId(self.params.len() - 1)
    }

    pub fn len(&self) -> usize {
        self.params.len()
    }

    /// How many parameters are uncertain (not constants).
    pub fn uncertain(&self) -> usize {
        self.params
            .iter()
            .filter(|p| !p.param.is_constant())
            .count()
    }

    pub fn is_empty(&self) -> bool {
        self.params.is_empty()
    }

    pub fn get(&self, id: ParamId) -> &NamedParam {
        &self.params[id.0]
    }
}

/// Turns a raw number or distribution table into a validated [`Param`].
pub fn build_param(raw: &RawParam) -> Result<Param, String> {
    match raw {
        RawParam::Value(v) => Param::new(DistSpec::Constant { value: *v }, None, None),
        RawParam::Dist(d) => build_dist(d),
    }
}

fn build_dist(d: &RawDist) -> Result<Param, String> {
    let kind = d.dist.as_deref().ok_or_else(|| {
        "a distribution table needs `dist` (constant, normal, lognormal, uniform, triangular, pert or beta)".to_string()
    })?;
    let given: [(&str, Option<f64>); 8] = [
        ("value", d.value),
        ("mean", d.mean),
        ("sd", d.sd),
        ("min", d.min),
        ("mode", d.mode),
        ("max", d.max),
        ("a", d.a),
        ("b", d.b),
    ];
    let needs: &[&str] = match kind {
        "constant" => &["value"],
        "normal" | "lognormal" => &["mean", "sd"],
        "uniform" => &["min", "max"],
        "triangular" | "pert" => &["min", "mode", "max"],
        "beta" => &["a", "b", "min", "max"],
        other => {
            let near = super::suggest(
                other,
                &[
                    "constant",
                    "normal",
                    "lognormal",
                    "uniform",
                    "triangular",
                    "pert",
                    "beta",
                ],
            );
            return Err(format!("unknown distribution `{other}`{near}"));
        }
    };
    let mut missing = vec![];
    let mut extra = vec![];
    for (name, v) in given {
        match (needs.contains(&name), v.is_some()) {
            (true, false) => missing.push(name),
            (false, true) => extra.push(name),
            _ => {}
        }
    }
    if !missing.is_empty() {
        return Err(format!("`{kind}` needs {}", missing.join(", ")));
    }
    if !extra.is_empty() {
        return Err(format!(
            "`{kind}` takes {}, not {}",
            needs.join(", "),
            extra.join(", ")
        ));
    }
    let g = |x: Option<f64>| x.unwrap_or_default();
    let spec = match kind {
        "constant" => DistSpec::Constant { value: g(d.value) },
        "normal" => DistSpec::Normal {
            mean: g(d.mean),
            sd: g(d.sd),
        },
        "lognormal" => DistSpec::Lognormal {
            mean: g(d.mean),
            sd: g(d.sd),
        },
        "uniform" => DistSpec::Uniform {
            min: g(d.min),
            max: g(d.max),
        },
        "triangular" => DistSpec::Triangular {
            min: g(d.min),
            mode: g(d.mode),
            max: g(d.max),
        },
        "pert" => DistSpec::Pert {
            min: g(d.min),
            mode: g(d.mode),
            max: g(d.max),
        },
        _ => DistSpec::Beta {
            a: g(d.a),
            b: g(d.b),
            min: g(d.min),
            max: g(d.max),
        },
    };
    Param::new(spec, d.lower, d.upper)
}

/// Builds the file form and the loader of a parameter group of [`crate::model::params`]: the
/// raw (file) struct with every field optional, and `build`, which adds each field to the
/// table with its default and domain (the reference model's defaults of docs/model.md, in this one place).
macro_rules! param_group {
    (
        $name:ident, $raw:ident {
            $( $(#[$fmeta:meta])* $field:ident : $domain:ident = $default:expr ),* $(,)?
        }
        $( extra { $( $(#[$xmeta:meta])* $xfield:ident : $xty:ty ),* $(,)? } )?
    ) => {
        #[doc = concat!("The file form of [`", stringify!($name), "`].")]
        #[derive(Clone, Debug, Default, Deserialize)]
        #[serde(default)]
        pub struct $raw {
            $( $(#[$fmeta])* pub $field: Option<RawParam>, )*
            $( $( $(#[$xmeta])* pub $xfield: Option<$xty>, )* )?
        }

        impl $raw {
            /// The keys this table accepts (for "did you mean" suggestions).
            pub const FIELDS: &'static [&'static str] = &[
                $( stringify!($field), )*
                $( $( stringify!($xfield), )* )?
            ];
        }

        impl $name<ParamId> {
            /// This group's values in one draw.
            pub fn values(&self, v: &[f64]) -> $name<f64> {
                self.map(|id| v[id.0])
            }

            /// Adds the group's parameters under `prefix`; fields the file leaves out take
            /// `inherit`'s (shared) parameter when given, else the built-in default.
            pub fn build(
                raw: &$raw,
                prefix: &str,
                inherit: Option<&$name<ParamId>>,
                table: &mut ParamTable,
                problems: &mut Problems,
            ) -> $name<ParamId> {
                $name {
                    $( $field: table.add(
                        &format!("{prefix}.{}", stringify!($field)),
                        raw.$field.as_ref(),
                        inherit.map(|g| g.$field),
                        $default,
                        Domain::$domain,
                        problems,
                    ), )*
                }
            }
        }
    };
}

const fn c(value: f64) -> DistSpec {
    DistSpec::Constant { value }
}

const fn pert(min: f64, mode: f64, max: f64) -> DistSpec {
    DistSpec::Pert { min, mode, max }
}

param_group! {
    GapParams, RawGaps {
        /// Yearly fading of the programme stock (lambda).
        decay: Unit = c(0.3),
        /// Programme stock (EUR per resident) at which the response reaches 1 - 1/e (K_half).
        k_half: Positive = pert(300.0, 1000.0, 4000.0),
        /// Yearly rate at which gains leak out as rising residents move away.
        leak: Unit = pert(0.04, 0.10, 0.20),
        /// Share of leaking gains kept in the wijk (housing careers within the wijk).
        retention: Unit = c(0.0),
        /// Yearly ageing of the housing stock, percentage points of low-quality dwellings.
        aging: NonNegative = c(0.3),
        /// Cost of upgrading one dwelling at t = 0, EUR (grown with inflation).
        upgrade_cost: Positive = pert(45_000.0, 60_000.0, 80_000.0),
    }
}

param_group! {
    PropertyParams, RawProperty {
        /// Value of a comparable dwelling elsewhere in the city at t = 0, EUR.
        city_value: Positive = c(160_000.0),
        /// The wijk's value discount at the start (disc_0).
        start_discount: Unit = c(0.25),
        /// Share of the discount that closes when the value composite closes (theta).
        theta: Unit = pert(0.3, 0.6, 0.9),
        /// Share of physical investment that adds to portfolio value (capit).
        capitalisation: NonNegative = c(0.5),
        /// WOZ value as a share of market value (the levy's base).
        woz_ratio: Positive = c(0.75),
    }
}

param_group! {
    MunicipalityParams, RawMunicipality {
        /// Social budget at t = 0, EUR per resident of its wijken per year (B_m,0 / P_m).
        budget_per_resident: NonNegative = c(150.0),
        /// Final depth of the budget cut, share of the budget.
        cut_depth: Unit = pert(0.05, 0.15, 0.30),
        /// Calendar year the cut starts.
        cut_start: Any = c(2011.0),
        /// Years over which the cut ramps up to its depth.
        cut_ramp: Positive = c(4.0),
    }
}

param_group! {
    CorporationParams, RawCorporation {
        /// Net rent per dwelling per year, EUR.
        rent: NonNegative = c(5_200.0),
        /// Operating (management) cost per dwelling per year, EUR.
        operating_cost: NonNegative = c(1_100.0),
        /// Maintenance per dwelling per year, EUR.
        maintenance: NonNegative = c(1_300.0),
        /// Other taxes per dwelling per year, EUR.
        other_taxes: NonNegative = c(200.0),
        /// Debt per dwelling, EUR.
        debt: NonNegative = c(31_000.0),
        /// Average interest on the loan book at t = 0 (j_0).
        loan_interest: NonNegative = c(0.047),
        /// Dwellings outside the wijken per dwelling inside them (sector-average corporations).
        outside_ratio: NonNegative = c(4.0),
        /// Policy value ("beleidswaarde") as a share of market value (kappa).
        policy_value_ratio: Positive = c(0.53),
        /// Share of the loan book refinanced at the new rate each year (phi).
        refinance_share: Unit = c(0.10),
        /// Lenders' minimum interest coverage ratio.
        icr_min: Positive = c(1.4),
        /// Lenders' maximum loan-to-value (on policy value).
        ltv_max: Positive = c(0.85),
        /// Share of debt headroom used in one year (eta).
        headroom_use: Unit = c(0.25),
        /// Floor of the new-borrowing rate in the ICR headroom (i_floor).
        rate_floor: Positive = c(0.005),
        /// Regular investment per dwelling per year at t = 0 prices, EUR.
        regular_investment: NonNegative = c(2_500.0),
        /// Share of regular investment that is new building (the rest is renovation).
        newbuild_share: Unit = c(0.6),
        /// Yearly net operating income per euro of new building (y_new).
        newbuild_yield: Any = c(0.015),
        /// Share of its dwellings sold each year.
        sell_rate: Unit = c(0.007),
        /// Costs of a sale, share of its price.
        sale_cost: Unit = c(0.05),
        /// Share of the wijk commitment spent on physical investment ("stenen").
        physical_share: Unit = c(0.6),
        /// Share of its municipality's cut that the corporation compensates (chi).
        compensation: NonNegative = c(0.0),
    }
    extra {
        /// Which part of the plan gives way when capacity falls short.
        allocation: AllocationPolicy,
        /// Real rent increase by year on top of inflation (rho).
        rent_policy: RawSchedule,
        /// Landlord levy ("verhuurderheffing") rate on the WOZ value by year (tau).
        levy: RawSchedule,
        /// The wijk commitment as a multiplier by calendar year (1 = as agreed).
        commitment: RawSchedule,
    }
}
