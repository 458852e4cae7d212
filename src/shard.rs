//! Exact shards: one run split over machines, merged into the result the single machine
//! gives, byte for byte.
//!
//! Shard I of N runs a contiguous block of the run's chunks of [`CHUNK`] draws (chunk c holds
//! draws c x CHUNK up to (c + 1) x CHUNK): chunks floor((I - 1) C / N) up to floor(I C / N) of
//! C. Every shard simulates the pilot (chunk 0) for the histogram ranges, so all shards bin
//! alike; moments are summed exactly ([`crate::stats::Moments`]) and everything else is
//! counted, so merging the shards' aggregates in any order gives the single run's aggregate.
//! A shard writes its aggregate and what it ran into `shard.json`; `wijksim merge` checks that
//! the shards belong together and are all there.

use crate::aggregate::Aggregate;
use crate::engine::CHUNK;
use crate::output::RESULTS_VERSION;
use crate::scenario::Scenario;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::{Path, PathBuf};

/// The file a shard writes into its directory.
pub const STATE: &str = "shard.json";

/// Shard `index` of `count` (1-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl std::str::FromStr for Shard {
    type Err = String;

    /// Parses `I/N` with 1 <= I <= N.
    fn from_str(s: &str) -> Result<Shard, String> {
        let (i, n) = s
            .split_once('/')
            .ok_or_else(|| format!("`{s}`: expected I/N, such as 3/8 (shard 3 of 8)"))?;
        let num = |t: &str| {
            t.trim()
                .parse::<u64>()
                .map_err(|_| format!("`{s}`: `{}` is not a whole number", t.trim()))
        };
        let (index, count) = (num(i)?, num(n)?);
        if count == 0 || index == 0 || index > count {
            return Err(format!(
                "`{s}`: the shard number must lie in 1..={count} and there must be at least one shard"
            ));
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// The chunks this shard runs of a run of `draws` draws.
    pub fn chunks(self, draws: u64) -> std::ops::Range<u64> {
        let c = u128::from(draws.div_ceil(CHUNK));
        let at = |k: u64| (c * u128::from(k) / u128::from(self.count)) as u64;
        at(self.index - 1)..at(self.index)
    }

    /// The draws this shard runs.
    pub fn draws(self, draws: u64) -> std::ops::Range<u64> {
        let chunks = self.chunks(draws);
        (chunks.start * CHUNK).min(draws)..(chunks.end * CHUNK).min(draws)
    }
}

/// shard.json: what a shard ran ([`ShardInfo`]) and its aggregate.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ShardState {
    pub info: ShardInfo,
    pub aggregate: Aggregate,
}

/// What a shard ran.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ShardInfo {
    pub results_version: u32,
    pub wijksim_version: String,
    pub scenario: String,
    /// The scenario file, as an absolute path (merge reads it again).
    pub scenario_file: PathBuf,
    pub scenario_hash: String,
    pub seed: u64,
    /// All draws of the run, not only this shard's.
    pub draws: u64,
    pub shard: Shard,
    /// The draws this shard ran.
    pub first_draw: u64,
    pub end_draw: u64,
    /// Seconds the shard took.
    pub wall_time_s: f64,
}

impl ShardState {
    pub fn new(sc: &Scenario, shard: Shard, aggregate: Aggregate, wall_time_s: f64) -> ShardState {
        let draws = shard.draws(sc.run.draws);
        let info = ShardInfo {
            results_version: RESULTS_VERSION,
            wijksim_version: env!("CARGO_PKG_VERSION").into(),
            scenario: sc.name.clone(),
            scenario_file: std::path::absolute(&sc.file).unwrap_or_else(|_| sc.file.clone()),
            scenario_hash: sc.hash.clone(),
            seed: sc.run.seed,
            draws: sc.run.draws,
            shard,
            first_draw: draws.start,
            end_draw: draws.end,
            wall_time_s,
        };
        ShardState { info, aggregate }
    }
}

/// Why shards cannot be merged.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error(
        "{dir} is not a finished shard ({reason}); run `wijksim run SCENARIO --shard I/N --out {dir}` again"
    )]
    NotAShard { dir: PathBuf, reason: String },
    #[error(
        "{dir} and {other} differ in {what}: {ours} vs {theirs}; they are not shards of one run"
    )]
    Mismatch {
        dir: PathBuf,
        other: PathBuf,
        what: &'static str,
        ours: String,
        theirs: String,
    },
    #[error("shard {shard} is given twice: {first} and {second}")]
    Duplicate {
        shard: Shard,
        first: PathBuf,
        second: PathBuf,
    },
    #[error("{} of {count} {} missing; every shard must be merged", describe_missing(missing), if missing.len() == 1 { "is" } else { "are" })]
    Missing { missing: Vec<u64>, count: u64 },
    #[error(
        "{dir}: shard {shard} ran draws {first}..{end}, but shard {shard} of {draws} draws is draws {expected_first}..{expected_end}"
    )]
    WrongDraws {
        dir: PathBuf,
        shard: Shard,
        draws: u64,
        first: u64,
        end: u64,
        expected_first: u64,
        expected_end: u64,
    },
}

/// "shard 3" or "shards 3, 5, 8".
fn describe_missing(missing: &[u64]) -> String {
    let list: Vec<String> = missing.iter().map(u64::to_string).collect();
    match list.len() {
        1 => format!("shard {}", list[0]),
        _ => format!("shards {}", list.join(", ")),
    }
}

/// Reads a shard directory.
///
/// # Errors
/// No completion marker, no or an unreadable shard.json.
pub fn read(dir: &Path) -> Result<ShardState, MergeError> {
    let fail = |reason: String| MergeError::NotAShard {
        dir: dir.to_path_buf(),
        reason,
    };
    if !dir.is_dir() {
        return Err(fail("no such directory".into()));
    }
    if !crate::rundir::is_complete(dir) {
        return Err(fail(format!(
            "no {}: interrupted, failed or still running",
            crate::rundir::COMPLETE
        )));
    }
    let text = std::fs::read_to_string(dir.join(STATE))
        .map_err(|e| fail(format!("cannot read {STATE}: {e}")))?;
    serde_json::from_str(&text).map_err(|e| fail(format!("{STATE}: {e}")))
}

/// The merged shards: what the first of them ran, and the whole run's aggregate.
pub struct Merged {
    pub info: ShardInfo,
    pub aggregate: Aggregate,
    /// The shards' seconds, summed.
    pub wall_time_s: f64,
}

/// Reads the shard directories one at a time (memory: two aggregates), checks that they are
/// all the shards of one run, exactly once each, and merges them.
///
/// # Errors
/// A directory that is no finished shard, shards of different runs or versions (named by
/// directory and field), a duplicate or a missing shard, or a shard whose draws are not its
/// share.
pub fn merge(dirs: &[PathBuf]) -> Result<Merged, MergeError> {
    let mut first: Option<(PathBuf, ShardInfo)> = None;
    let mut seen: Vec<Option<PathBuf>> = vec![];
    let mut total: Option<Aggregate> = None;
    let mut wall = 0.0;
    for dir in dirs {
        let ShardState { info, aggregate } = read(dir)?;
        match &first {
            None => {
                seen = vec![None; info.shard.count as usize];
                first = Some((dir.clone(), info.clone()));
            }
            Some((first_dir, f)) => same_run(first_dir, f, dir, &info)?,
        }
        let expected = info.shard.draws(info.draws);
        if (info.first_draw, info.end_draw) != (expected.start, expected.end) {
            return Err(MergeError::WrongDraws {
                dir: dir.clone(),
                shard: info.shard,
                draws: info.draws,
                first: info.first_draw,
                end: info.end_draw,
                expected_first: expected.start,
                expected_end: expected.end,
            });
        }
        let slot = &mut seen[(info.shard.index - 1) as usize];
        if let Some(other) = slot {
            return Err(MergeError::Duplicate {
                shard: info.shard,
                first: other.clone(),
                second: dir.clone(),
            });
        }
        *slot = Some(dir.clone());
        wall += info.wall_time_s;
        // Exact merging: the order of the shards does not matter.
        match &mut total {
            None => total = Some(aggregate),
            Some(t) => t.merge(&aggregate),
        }
    }
    let (_, info) = first.expect("at least one shard directory");
    let missing: Vec<u64> = (1..=info.shard.count)
        .filter(|&i| seen[(i - 1) as usize].is_none())
        .collect();
    if !missing.is_empty() {
        return Err(MergeError::Missing {
            missing,
            count: info.shard.count,
        });
    }
    Ok(Merged {
        info,
        aggregate: total.expect("at least one shard"),
        wall_time_s: wall,
    })
}

/// Checks that shard `s` (in `dir`) belongs to the run of `first` (in `first_dir`).
fn same_run(
    first_dir: &Path,
    first: &ShardInfo,
    dir: &Path,
    s: &ShardInfo,
) -> Result<(), MergeError> {
    let checks: [(&'static str, String, String); 7] = [
        (
            "results version",
            first.results_version.to_string(),
            s.results_version.to_string(),
        ),
        (
            "wijksim version",
            first.wijksim_version.clone(),
            s.wijksim_version.clone(),
        ),
        ("scenario", first.scenario.clone(), s.scenario.clone()),
        (
            "scenario hash (the scenario file or its tables changed)",
            first.scenario_hash.clone(),
            s.scenario_hash.clone(),
        ),
        ("seed", first.seed.to_string(), s.seed.to_string()),
        ("draws", first.draws.to_string(), s.draws.to_string()),
        (
            "number of shards",
            first.shard.count.to_string(),
            s.shard.count.to_string(),
        ),
    ];
    for (what, ours, theirs) in checks {
        if ours != theirs {
            return Err(MergeError::Mismatch {
                dir: first_dir.to_path_buf(),
                other: dir.to_path_buf(),
                what,
                ours,
                theirs,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_the_chunks_once_in_order() {
        for (draws, count) in [(10_000, 8), (1_024, 3), (5, 2), (100_000, 7)] {
            let mut next = 0;
            for index in 1..=count {
                let r = Shard { index, count }.chunks(draws);
                assert_eq!(r.start, next);
                next = r.end;
            }
            assert_eq!(next, u64::div_ceil(draws, CHUNK));
        }
        assert_eq!(Shard { index: 2, count: 2 }.draws(5), 0..5);
        assert_eq!(Shard { index: 1, count: 2 }.draws(5), 0..0);
    }

    #[test]
    fn shard_numbers_are_parsed_and_checked() {
        assert_eq!("3/8".parse(), Ok(Shard { index: 3, count: 8 }));
        for bad in ["0/8", "9/8", "3", "a/8", "1/0"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }
}
