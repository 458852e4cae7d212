//! wijksim: a Monte Carlo engine for the gaps of the Dutch aandachtswijken.
//!
//! The pipeline, each stage in its own module and dependencies pointing one way:
//! [`scenario`] (load and validate a TOML file into typed structs) -> [`model`] (the pure
//! yearly step and one draw) -> [`engine`] (the only place that knows about threads: draws in
//! parallel, reduced in draw order) -> [`stats`] (mergeable accumulators) -> [`output`]
//! (summary.json, yearly.csv, wijken.csv, draws.csv, meta.json), with [`cli`] on top.

pub mod aggregate;
pub mod cli;
pub mod compare;
pub mod dist;
pub mod engine;
pub mod model;
pub mod output;
pub mod plot;
pub mod report;
pub mod results;
pub mod rng;
pub mod scenario;
pub mod schedule;
pub mod stats;
pub mod sweep;
