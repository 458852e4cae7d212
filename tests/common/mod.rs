//! Helpers shared by the integration tests.
// Each test crate uses a subset of these.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The baseline on its first four wijken (fast), written into `dir` with its table.
pub fn small_baseline(dir: &Path) -> PathBuf {
    let table = std::fs::read_to_string("scenarios/data/aandachtswijken.csv").unwrap();
    let rows: Vec<&str> = table.lines().take(5).collect();
    std::fs::write(dir.join("w.csv"), rows.join("\n") + "\n").unwrap();
    let text = std::fs::read_to_string("scenarios/baseline.toml")
        .unwrap()
        .replace("data/aandachtswijken.csv", "w.csv");
    let path = dir.join("small.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// An empty scratch folder `wijksim_<name>` under the temporary directory.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wijksim_{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
pub mod server;
