//! The project stands alone: its documents link only to files it holds, and nothing sends a
//! reader to the notes outside the repository it was written from (DOMAIN.md, MODEL.md) for
//! content; docs/sources.md and docs/model.md hold what they said.

use std::path::{Path, PathBuf};

/// The files below `dir` with one of `exts`, recursively.
fn files(dir: &Path, exts: &[&str], out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, exts, out);
        } else if path
            .extension()
            .is_some_and(|e| exts.iter().any(|x| e == *x))
        {
            out.push(path);
        }
    }
}

#[test]
fn relative_links_in_the_documents_point_to_files_that_exist() {
    let mut docs = vec![PathBuf::from("README.md")];
    files(Path::new("docs"), &["md"], &mut docs);
    files(Path::new("scenarios"), &["md"], &mut docs);
    let mut broken = vec![];
    let mut checked = 0;
    for doc in &docs {
        let text = std::fs::read_to_string(doc).unwrap();
        for (i, _) in text.match_indices("](") {
            let target = text[i + 2..].split(')').next().unwrap();
            let target = target.split('#').next().unwrap();
            if target.is_empty() || target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let path = doc.parent().unwrap().join(target);
            checked += 1;
            if !path.exists() {
                broken.push(format!("{}: {target}", doc.display()));
            }
        }
        for (i, _) in text.match_indices("src=\"") {
            let target = text[i + 5..].split('"').next().unwrap();
            if !target.contains("://") && !doc.parent().unwrap().join(target).exists() {
                broken.push(format!("{}: {target}", doc.display()));
            }
        }
    }
    assert!(broken.is_empty(), "links to missing files: {broken:#?}");
    assert!(checked >= 10, "only {checked} links found");
}

#[test]
fn nothing_cites_the_notes_outside_the_repository() {
    let mut all = vec![PathBuf::from("README.md")];
    for dir in [
        "src",
        "docs",
        "scenarios",
        "calibration",
        "examples",
        "tests",
    ] {
        files(Path::new(dir), &["rs", "md", "toml", "py", "csv"], &mut all);
    }
    // The independent reference implementation records what it was written from, and
    // docs/model.md says that it summarises the reference model's text; both are
    // provenance, not a place to read on.
    let provenance = |p: &Path| p.starts_with("tests/reference") || p == Path::new("docs/model.md");
    let this_test = Path::new("tests/docs.rs");
    let mut found = vec![];
    for path in all
        .iter()
        .filter(|p| !provenance(p) && p.as_path() != this_test)
    {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        for (n, line) in text.lines().enumerate() {
            if line.contains("DOMAIN.md") || line.contains("MODEL.md") {
                found.push(format!("{}:{}: {line}", path.display(), n + 1));
            }
        }
    }
    assert!(found.is_empty(), "{found:#?}");
    // What they held is here.
    let sources = std::fs::read_to_string("docs/sources.md").unwrap();
    assert!(sources.contains("## The policy") && sources.contains("[S"));
}
