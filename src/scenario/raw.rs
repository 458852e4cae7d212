//! The scenario file as written: serde structs that mirror the TOML, every field optional so
//! that defaults and validation live in one place ([`super::resolve`]). Unknown keys are not
//! rejected here but collected with their full path by the loader, so that all of them are
//! reported at once.

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use std::collections::BTreeMap;
use std::fmt;

/// A number, or a table describing a distribution (`{ dist = "pert", min = .., mode = .., max = .. }`).
#[derive(Clone, Debug, PartialEq)]
pub enum RawParam {
    Value(f64),
    Dist(RawDist),
}

/// The fields a distribution table may carry; which are required depends on `dist`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct RawDist {
    pub dist: Option<String>,
    pub value: Option<f64>,
    pub mean: Option<f64>,
    pub sd: Option<f64>,
    pub min: Option<f64>,
    pub mode: Option<f64>,
    pub max: Option<f64>,
    pub a: Option<f64>,
    pub b: Option<f64>,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
}

impl<'de> Deserialize<'de> for RawParam {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawParam;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number or a distribution table such as { dist = \"pert\", min = 0.0, mode = 0.04, max = 0.1 }")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawParam, E> {
                Ok(RawParam::Value(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawParam, E> {
                Ok(RawParam::Value(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawParam, E> {
                Ok(RawParam::Value(v as f64))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawParam, A::Error> {
                RawDist::deserialize(de::value::MapAccessDeserializer::new(map)).map(RawParam::Dist)
            }
        }
        d.deserialize_any(V)
    }
}

/// A number (the same every year), or a table of `year = value` steps.
#[derive(Clone, Debug, PartialEq)]
pub enum RawSchedule {
    Value(f64),
    Steps(BTreeMap<String, f64>),
}

impl<'de> Deserialize<'de> for RawSchedule {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawSchedule;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number or a table of year = value, such as { 2013 = 0.00381, 2014 = 0.00449 }")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawSchedule, E> {
                Ok(RawSchedule::Value(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawSchedule, E> {
                Ok(RawSchedule::Value(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawSchedule, E> {
                Ok(RawSchedule::Value(v as f64))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawSchedule, A::Error> {
                BTreeMap::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(RawSchedule::Steps)
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawScenario {
    /// A parent scenario this one overrides (resolved by the loader before this struct).
    pub extends: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub run: RawRun,
    pub data: RawData,
    pub economy: RawEconomy,
    pub gaps: super::params::RawGaps,
    pub indicators: Option<Vec<RawIndicator>>,
    /// from indicator -> (to indicator -> coefficient)
    pub spillover: BTreeMap<String, BTreeMap<String, f64>>,
    pub property: super::params::RawProperty,
    pub municipalities: RawGroup<super::params::RawMunicipality>,
    pub corporations: RawGroup<super::params::RawCorporation>,
    pub state: RawState,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawRun {
    pub draws: Option<u64>,
    pub seed: Option<u64>,
    pub horizon: Option<u32>,
    pub start_year: Option<i32>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawData {
    pub wijken: Option<String>,
    /// The optional corporations table.
    pub corporations: Option<String>,
    pub total_population: Option<f64>,
    /// The commitment (EUR million a year) that `total_population` residents correspond to.
    pub total_commitment: Option<f64>,
    pub persons_per_dwelling: Option<f64>,
    pub corporation_share: Option<f64>,
}

/// One number per economic variable.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawPerVariable<T> {
    pub house_price_growth: Option<T>,
    pub interest: Option<T>,
    pub inflation: Option<T>,
    pub unemployment: Option<T>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawEconomy {
    pub mean: RawPerVariable<f64>,
    pub sd: RawPerVariable<f64>,
    pub persistence: RawPerVariable<f64>,
    pub correlation: Option<Vec<RawCorrelation>>,
    pub shocks: Option<String>,
    pub student_t_df: Option<f64>,
    pub overlay: RawPerVariable<BTreeMap<String, f64>>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawCorrelation {
    pub a: Option<String>,
    pub b: Option<String>,
    pub rho: Option<f64>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawIndicator {
    pub name: Option<String>,
    pub unit: Option<String>,
    pub city: Option<f64>,
    pub wijk: Option<f64>,
    pub better: Option<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub weight: Option<f64>,
    pub value_weight: Option<RawParam>,
    pub response: Option<String>,
    pub leakage: Option<bool>,
    pub effect: Option<RawParam>,
    pub wijk_cv: Option<f64>,
    pub cyclical: Option<RawParam>,
    pub sigma: Option<RawParam>,
}

/// Defaults for every member of a group, and per-member overrides keyed by municipality.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawGroup<T> {
    pub defaults: T,
    pub overrides: BTreeMap<String, T>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct RawState {
    pub budget_per_wijk: Option<RawSchedule>,
}
