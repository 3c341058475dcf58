//! Which operations a test run exercised, with which statuses, and which it covered.
//!
//! An operation is *covered* by a request the mock handled: matched to the operation, valid
//! against the spec, and answered with a status the spec documents for it (from a stub, an
//! example or generated data) — not a validation 400/401/415/422, a route 404, a 413 or an
//! injected fault, which only *exercise* it. Reports carry the spec file's canonical path, and
//! [`Coverage::merge_dir`] keys them by it, so a connector's reports are told from another
//! workspace's in a shared target directory even when the titles match.
//!
//! Each spec-backed [`crate::MockServer`] writes its report when dropped, as
//! `<target>/conductor-coverage/<spec>-<process id>-<n>.json`, where `<target>` is
//! `$CARGO_TARGET_DIR` or the `target` folder beside the outermost `Cargo.lock` above the current
//! directory, or in `$CONDUCTOR_COVERAGE_DIR` when that is set. [`Coverage::merge_dir`] merges every report in that folder, across test
//! binaries, for the CLI's `status`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{json, Value};

/// The environment variable naming the folder reports go to, instead of
/// `<target>/conductor-coverage`.
pub const DIR_VARIABLE: &str = "CONDUCTOR_COVERAGE_DIR";

/// Operations exercised, the statuses they answered with, and the requests that covered them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    /// The spec's title.
    pub spec: String,
    /// The spec file the server loaded, canonical (`None` in reports written before it was
    /// recorded).
    pub spec_path: Option<String>,
    /// Operation id → status → how many responses (an empty map: never exercised).
    pub operations: BTreeMap<String, BTreeMap<u16, u64>>,
    /// Operation id → how many of its requests were handled (see the module documentation).
    pub handled: BTreeMap<String, u64>,
}

impl Coverage {
    pub(crate) fn record(&mut self, operation: &str, status: u16, handled: bool) {
        // Only the first response of an operation allocates its key.
        let statuses = match self.operations.get_mut(operation) {
            Some(statuses) => statuses,
            None => self.operations.entry(operation.to_owned()).or_default(),
        };
        *statuses.entry(status).or_default() += 1;
        if handled {
            *self.handled.entry(operation.to_owned()).or_default() += 1;
        }
    }

    /// The operations at least one handled request covered.
    pub fn covered(&self) -> Vec<&str> {
        self.operations
            .keys()
            .filter(|id| self.handled.get(*id).is_some_and(|n| *n > 0))
            .map(String::as_str)
            .collect()
    }

    /// The operations never exercised.
    pub fn missed(&self) -> Vec<&str> {
        self.operations
            .iter()
            .filter(|(_, s)| s.is_empty())
            .map(|(id, _)| id.as_str())
            .collect()
    }

    /// The report as JSON: `{"spec": ..., "spec_path": ..., "operations": {"id": {"200": 3}},
    /// "handled": {"id": 2}}`.
    pub fn to_json(&self) -> Value {
        let operations: serde_json::Map<String, Value> = self
            .operations
            .iter()
            .map(|(id, statuses)| {
                let statuses: serde_json::Map<String, Value> =
                    statuses.iter().map(|(s, n)| (s.to_string(), json!(n))).collect();
                (id.clone(), Value::Object(statuses))
            })
            .collect();
        json!({"spec": self.spec, "spec_path": self.spec_path, "operations": operations, "handled": self.handled})
    }

    /// Reads a report written by [`Coverage::to_json`].
    pub fn from_json(value: &Value) -> Option<Self> {
        let mut coverage = Coverage {
            spec: value.get("spec")?.as_str()?.to_owned(),
            spec_path: value.get("spec_path").and_then(Value::as_str).map(str::to_owned),
            ..Coverage::default()
        };
        for (id, count) in value.get("handled").and_then(Value::as_object).into_iter().flatten() {
            coverage.handled.insert(id.clone(), count.as_u64()?);
        }
        for (id, statuses) in value.get("operations")?.as_object()? {
            let entry = coverage.operations.entry(id.clone()).or_default();
            for (status, count) in statuses.as_object()? {
                entry.insert(status.parse().ok()?, count.as_u64()?);
            }
        }
        Some(coverage)
    }

    /// A readable table: one line per operation with its statuses, then the totals.
    pub fn table(&self) -> String {
        let width = self.operations.keys().map(String::len).max().unwrap_or(9).max(9);
        let mut out = format!("{:width$}  statuses\n", "operation");
        for (id, statuses) in &self.operations {
            let text = if statuses.is_empty() {
                "-".to_owned()
            } else {
                statuses
                    .iter()
                    .map(|(s, n)| format!("{s}×{n}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            out.push_str(&format!("{id:width$}  {text}\n"));
        }
        let exercised = self.operations.len() - self.missed().len();
        out.push_str(&format!(
            "{exercised} of {} operations exercised, {} covered (answered as documented)\n",
            self.operations.len(),
            self.covered().len()
        ));
        out
    }

    /// Adds another report's counts to this one.
    pub fn merge(&mut self, other: &Coverage) {
        for (id, statuses) in &other.operations {
            let entry = self.operations.entry(id.clone()).or_default();
            for (status, count) in statuses {
                *entry.entry(*status).or_default() += count;
            }
        }
        for (id, count) in &other.handled {
            *self.handled.entry(id.clone()).or_default() += count;
        }
    }

    /// The key [`Coverage::merge_dir`] files this report under: its spec file's canonical path,
    /// or its title for a report without one.
    pub fn key(&self) -> &str {
        self.spec_path.as_deref().unwrap_or(&self.spec)
    }

    /// Writes the report into `dir` under a fresh name.
    ///
    /// # Errors
    ///
    /// When the folder cannot be created or the file written.
    pub fn write_to(&self, dir: &Path) -> std::io::Result<PathBuf> {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        std::fs::create_dir_all(dir)?;
        let slug: String = self
            .spec
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        let path = dir.join(format!(
            "{slug}-{}-{}.json",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::write(&path, self.to_json().to_string())?;
        Ok(path)
    }

    /// Merges every report in `dir`, one [`Coverage`] per spec file ([`Coverage::key`]: the
    /// canonical path, or the title for a report without one).
    ///
    /// # Errors
    ///
    /// When the folder cannot be read.
    pub fn merge_dir(dir: &Path) -> std::io::Result<BTreeMap<String, Coverage>> {
        let mut merged: BTreeMap<String, Coverage> = BTreeMap::new();
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            let Some(report) = std::fs::read(&path)
                .ok()
                .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
                .and_then(|value| Coverage::from_json(&value))
            else {
                continue;
            };
            let slot = merged.entry(report.key().to_owned()).or_insert_with(|| Coverage {
                spec: report.spec.clone(),
                spec_path: report.spec_path.clone(),
                ..Coverage::default()
            });
            slot.merge(&report);
        }
        Ok(merged)
    }
}

/// Where reports go: `$CONDUCTOR_COVERAGE_DIR` when set (`api-conductor test` points it at a
/// folder of the connector's own, emptied before each run), else `<target>/conductor-coverage`.
pub fn default_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os(DIR_VARIABLE).filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(target).join("conductor-coverage");
    }
    let start = std::env::current_dir().unwrap_or_default();
    let root = start
        .ancestors()
        .filter(|dir| dir.join("Cargo.lock").exists())
        .last()
        .map_or(start.clone(), Path::to_path_buf);
    root.join("target").join("conductor-coverage")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_round_trip_and_merge() {
        let mut a = Coverage {
            spec: "Petstore".into(),
            spec_path: Some("/work/a/petstore.yaml".into()),
            ..Default::default()
        };
        a.record("getPet", 200, true);
        a.record("getPet", 200, true);
        a.operations.entry("deletePet".into()).or_default();
        let dir = std::env::temp_dir().join(format!("coverage-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        a.write_to(&dir).unwrap();
        let mut b = Coverage {
            spec: "Petstore".into(),
            spec_path: Some("/work/a/petstore.yaml".into()),
            ..Default::default()
        };
        b.record("getPet", 404, false);
        b.record("deletePet", 422, false);
        b.write_to(&dir).unwrap();
        // Another workspace's spec with the same title: a report of its own.
        let mut other = Coverage {
            spec: "Petstore".into(),
            spec_path: Some("/work/b/petstore.yaml".into()),
            ..Default::default()
        };
        other.record("deletePet", 204, true);
        other.write_to(&dir).unwrap();
        let merged = Coverage::merge_dir(&dir).unwrap();
        let petstore = &merged["/work/a/petstore.yaml"];
        assert_eq!(petstore.operations["getPet"], BTreeMap::from([(200, 2), (404, 1)]));
        assert_eq!(petstore.missed(), Vec::<&str>::new());
        assert_eq!(
            petstore.covered(),
            vec!["getPet"],
            "a rejected request exercises, it does not cover"
        );
        assert!(petstore.table().contains("2 of 2 operations exercised, 1 covered"));
        assert_eq!(merged["/work/b/petstore.yaml"].covered(), vec!["deletePet"]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
