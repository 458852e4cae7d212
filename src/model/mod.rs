//! The reference model v2 (docs/model.md) as pure functions over plain state.
//!
//! [`params`] is the model's vocabulary of parameters. Each sub-model is a set of small
//! functions that a unit test can check by hand:
//! [`economy`] (the VAR(1)), [`municipality`] (budgets and cuts), [`corporation`] (cash flow,
//! ratios, capacity, allocation), [`gaps`] (programme stock, response, indicator update) and
//! [`property`] (values and uplift). [`draw`] folds them over the years of one draw in the
//! order docs/model.md gives: `init`, `step_year` per year, `finish`. Nothing here does I/O, touches threads or reads a clock; randomness
//! comes in as arguments.

pub mod corporation;
pub mod draw;
pub mod economy;
pub mod gaps;
pub mod municipality;
pub mod params;
pub mod property;

pub use draw::{
    CLOSED, DrawOutcome, HALVED, Streams, Swap, Workspace, simulate_draw, simulate_mixed,
};
