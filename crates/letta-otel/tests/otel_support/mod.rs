//! Helpers shared by the tests of `otel/`: where it is, a file's name, the
//! `${VAR}` references of a configuration.

#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

pub fn otel_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../otel")
}

pub fn name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `${VAR}`, `${env:VAR}` and `${env:VAR:-default}` references outside comments.
pub fn variables(text: &str) -> BTreeSet<(String, bool)> {
    let mut vars = BTreeSet::new();
    for line in text.lines().filter(|l| !l.trim_start().starts_with('#')) {
        let mut rest = line;
        while let Some(start) = rest.find("${") {
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else { break };
            let inner = after[..end].strip_prefix("env:").unwrap_or(&after[..end]);
            let (var, has_default) = match inner.split_once(":-") {
                Some((var, _)) => (var, true),
                None => (inner, false),
            };
            vars.insert((var.to_owned(), has_default));
            rest = &after[end..];
        }
    }
    vars
}
