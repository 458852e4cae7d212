//! wijksim: a Monte Carlo engine for the gaps of the Dutch aandachtswijken.
//!
//! The pipeline, each stage in its own module and dependencies pointing one way:
//! [`scenario`] (load and validate a TOML file into typed structs) -> [`model`] (the pure
//! yearly step and one draw) -> [`engine`] (the only place that knows about threads: draws in
//! parallel, reduced in draw order) -> [`stats`] / [`aggregate`] (mergeable accumulators) ->
//! [`output`] (summary.json, yearly.csv, wijken.csv, meta.json; [`draws`]: draws.csv or
//! draws.parquet) in a [`rundir`]
//! that is marked complete last. [`compare`] and [`sweep`] run several scenarios on the same
//! draws. [`results`] reads a finished run back; [`plot`] and [`report`] draw from it, never
//! from the model. [`trace`] replays one draw. [`cli`] is on top.

pub mod aggregate;
pub mod calibrate;
pub mod cli;
pub mod compare;
pub mod discover;
pub mod dist;
pub mod draws;
pub mod engine;
pub mod evaluate;
pub mod model;
pub mod output;
pub mod plot;
pub mod precision;
pub mod query;
pub mod report;
pub mod results;
pub mod rng;
pub mod rundir;
pub mod scenario;
pub mod schedule;
pub mod seek;
pub mod sensitivity;
pub mod serve;
pub mod shard;
pub mod stats;
pub mod sweep;
pub mod trace;
