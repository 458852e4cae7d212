//! Output directories that never look complete when they are not.
//!
//! Every file is written under a temporary name and renamed (see
//! [`crate::output::write_atomic`]); a directory counts as a finished result only when its
//! completion marker [`COMPLETE`] exists, and the marker is written last. An occupied
//! directory is not overwritten unless asked (`--force`); then the old marker goes first, so a
//! crash while replacing leaves a directory without a marker, never a mix that looks complete.

use crate::output::write_atomic;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The completion marker, written last.
pub const COMPLETE: &str = "run.complete";

/// Everything wijksim writes into an output directory (files and the `charts` folder).
pub const OUTPUTS: [&str; 30] = [
    "summary.json",
    "yearly.csv",
    "wijken.csv",
    "draws.csv",
    "draws.parquet",
    "meta.json",
    "scenario.json",
    "report.html",
    "summary.xlsx",
    "convergence.csv",
    "compare.json",
    "compare.csv",
    "compare.html",
    "sweep.json",
    "sweep.csv",
    "calibration.json",
    "calibration.html",
    "calibrated.toml",
    "sensitivity.json",
    "sensitivity.csv",
    "sensitivity.html",
    "seek.json",
    "seek.csv",
    "discover.json",
    "discover.csv",
    "discover_boxes.csv",
    "discover_inputs.csv",
    "discover.html",
    "shard.json",
    "charts",
];

/// Why an output directory cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum RunDirError {
    #[error(
        "{path} already holds {what}; pass --force to replace it, or choose another directory with --out"
    )]
    Occupied { path: PathBuf, what: String },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write into {path}: {source}")]
    Unwritable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{path} is not a completed wijksim result (no {COMPLETE}): the run was interrupted, failed, or is still going"
    )]
    Incomplete { path: PathBuf },
}

/// The content of the completion marker.
#[derive(Debug, Serialize, Deserialize)]
pub struct Marker {
    /// What produced the directory: `run`, `compare` or `sweep`.
    pub command: String,
    pub files: Vec<String>,
    pub wijksim_version: String,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> RunDirError + '_ {
    move |source| RunDirError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Makes `dir` ready for a new result: checks that it can be written ([`check_writable`]),
/// then, if it already has content, refuses unless `force`, in which case the old marker and
/// then the old outputs are removed (other files are left alone).
///
/// # Errors
/// A directory that cannot be written, an occupied directory without `force`, or a file
/// system error.
pub fn prepare(dir: &Path, force: bool) -> Result<(), RunDirError> {
    check_writable(dir)?;
    if let Ok(entries) = std::fs::read_dir(dir) {
        let names: Vec<String> = entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        if !names.is_empty() {
            if !force {
                let what = if names.iter().any(|n| n == COMPLETE) {
                    "a completed result".to_string()
                } else if names.iter().any(|n| OUTPUTS.contains(&n.as_str())) {
                    "an incomplete result".to_string()
                } else {
                    format!("{} other file(s)", names.len())
                };
                return Err(RunDirError::Occupied {
                    path: dir.to_path_buf(),
                    what,
                });
            }
            remove(&dir.join(COMPLETE))?;
            for name in OUTPUTS {
                remove(&dir.join(name))?;
            }
            clean_partials(dir);
        }
    }
    std::fs::create_dir_all(dir).map_err(io(dir))
}

/// Finds out before any work is done whether files can be written into `dir`: creates it
/// (with its parents) if need be, then creates and removes a temporary file in it.
///
/// # Errors
/// [`RunDirError::Unwritable`] with the operating system's reason (a parent that is a
/// regular file, no permission, a read-only file system, a full disk).
pub fn check_writable(dir: &Path) -> Result<(), RunDirError> {
    let unwritable = |source| RunDirError::Unwritable {
        path: dir.to_path_buf(),
        source,
    };
    if dir.exists() && !dir.is_dir() {
        return Err(unwritable(std::io::ErrorKind::NotADirectory.into()));
    }
    std::fs::create_dir_all(dir).map_err(unwritable)?;
    let probe = dir.join(format!(".wijksim-write-check.{}", std::process::id()));
    std::fs::File::create(&probe).map_err(unwritable)?;
    std::fs::remove_file(&probe).map_err(unwritable)
}

fn remove(path: &Path) -> Result<(), RunDirError> {
    let result = if path.is_dir() {
        std::fs::remove_dir_all(path)
    } else {
        std::fs::remove_file(path)
    };
    match result {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(RunDirError::Io {
            path: path.to_path_buf(),
            source: e,
        }),
        _ => Ok(()),
    }
}

/// Writes the completion marker (last of all files).
///
/// # Errors
/// The marker cannot be written.
pub fn complete(dir: &Path, command: &str) -> Result<(), RunDirError> {
    let mut files: Vec<String> = OUTPUTS
        .iter()
        .filter(|n| dir.join(n).exists())
        .map(|n| n.to_string())
        .collect();
    files.sort();
    let marker = Marker {
        command: command.into(),
        files,
        wijksim_version: env!("CARGO_PKG_VERSION").into(),
    };
    let path = dir.join(COMPLETE);
    write_atomic(&path, |w| {
        serde_json::to_writer_pretty(&mut *w, &marker)?;
        w.write_all(b"\n")
    })
    .map_err(io(&path))
}

/// Whether `dir` holds a completed result.
pub fn is_complete(dir: &Path) -> bool {
    dir.join(COMPLETE).is_file()
}

/// Refuses a directory without the completion marker.
///
/// # Errors
/// [`RunDirError::Incomplete`].
pub fn require_complete(dir: &Path) -> Result<(), RunDirError> {
    if is_complete(dir) {
        Ok(())
    } else {
        Err(RunDirError::Incomplete {
            path: dir.to_path_buf(),
        })
    }
}

/// Removes what a stopped command left: temporary `.*.partial` files and the outputs it had
/// already written, so that nothing remains that could be taken for a result.
pub fn discard(dir: &Path) {
    clean_partials(dir);
    for name in OUTPUTS {
        let _ = remove(&dir.join(name));
    }
    // Leave no empty directory behind either (ignored when other files are in it).
    let _ = std::fs::remove_dir(dir);
}

/// Removes temporary files (`.<name>.partial`) left by an interrupted write.
pub fn clean_partials(dir: &Path) {
    let charts = dir.join("charts");
    for d in [dir, charts.as_path()] {
        if let Ok(entries) = std::fs::read_dir(d) {
            for e in entries.filter_map(Result::ok) {
                let name = e.file_name().to_string_lossy().into_owned();
                if name.starts_with('.') && name.ends_with(".partial") {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn occupied_directories_need_force_and_lose_their_marker_first() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().join("run");
        prepare(&d, false).unwrap();
        std::fs::write(d.join("summary.json"), "{}").unwrap();
        complete(&d, "run").unwrap();
        assert!(is_complete(&d));
        let marker: Marker =
            serde_json::from_str(&std::fs::read_to_string(d.join(COMPLETE)).unwrap()).unwrap();
        assert_eq!(marker.files, ["summary.json"]);
        let e = prepare(&d, false).unwrap_err().to_string();
        assert!(
            e.contains("a completed result") && e.contains("--force"),
            "{e}"
        );
        std::fs::write(d.join("notes.txt"), "mine").unwrap();
        std::fs::write(d.join(".yearly.csv.partial"), "half").unwrap();
        prepare(&d, true).unwrap();
        assert!(!is_complete(&d));
        assert!(!d.join("summary.json").exists());
        assert!(!d.join(".yearly.csv.partial").exists());
        assert!(d.join("notes.txt").exists(), "other files are left alone");
        assert!(require_complete(&d).is_err());
    }

    #[test]
    fn a_directory_below_a_regular_file_is_unwritable_and_named() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a_file");
        std::fs::write(&file, "not a directory").unwrap();
        let out = file.join("run");
        let e = prepare(&out, false).unwrap_err();
        assert!(matches!(e, RunDirError::Unwritable { .. }), "{e:?}");
        let text = e.to_string();
        assert!(text.contains(&out.display().to_string()), "{text}");
        let e = check_writable(&file).unwrap_err().to_string();
        assert!(e.ends_with("a_file: not a directory"), "{e}");
        check_writable(&dir.path().join("new/deeper")).unwrap();
        let left: Vec<_> = std::fs::read_dir(dir.path().join("new/deeper"))
            .unwrap()
            .collect();
        assert!(left.is_empty(), "the probe is removed");
    }
}
