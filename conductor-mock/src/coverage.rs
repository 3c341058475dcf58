//! Which operations a test run exercised, and with which statuses.
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

/// Operations exercised and the statuses they answered with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    /// The spec's title.
    pub spec: String,
    /// Operation id → status → how many responses (an empty map: never exercised).
    pub operations: BTreeMap<String, BTreeMap<u16, u64>>,
}

impl Coverage {
    pub(crate) fn record(&mut self, operation: &str, status: u16) {
        // Only the first response of an operation allocates its key.
        let statuses = match self.operations.get_mut(operation) {
            Some(statuses) => statuses,
            None => self.operations.entry(operation.to_owned()).or_default(),
        };
        *statuses.entry(status).or_default() += 1;
    }

    /// The operations never exercised.
    pub fn missed(&self) -> Vec<&str> {
        self.operations
            .iter()
            .filter(|(_, s)| s.is_empty())
            .map(|(id, _)| id.as_str())
            .collect()
    }

    /// The report as JSON: `{"spec": ..., "operations": {"id": {"200": 3}}}`.
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
        json!({"spec": self.spec, "operations": operations})
    }

    /// Reads a report written by [`Coverage::to_json`].
    pub fn from_json(value: &Value) -> Option<Self> {
        let mut coverage = Coverage {
            spec: value.get("spec")?.as_str()?.to_owned(),
            operations: BTreeMap::new(),
        };
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
        let covered = self.operations.len() - self.missed().len();
        out.push_str(&format!(
            "{covered} of {} operations exercised\n",
            self.operations.len()
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

    /// Merges every report in `dir`, one [`Coverage`] per spec title.
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
            let slot = merged.entry(report.spec.clone()).or_insert_with(|| Coverage {
                spec: report.spec.clone(),
                operations: BTreeMap::new(),
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
            ..Default::default()
        };
        a.record("getPet", 200);
        a.record("getPet", 200);
        a.operations.entry("deletePet".into()).or_default();
        let dir = std::env::temp_dir().join(format!("coverage-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        a.write_to(&dir).unwrap();
        let mut b = Coverage {
            spec: "Petstore".into(),
            ..Default::default()
        };
        b.record("getPet", 404);
        b.write_to(&dir).unwrap();
        let merged = Coverage::merge_dir(&dir).unwrap();
        let petstore = &merged["Petstore"];
        assert_eq!(petstore.operations["getPet"], BTreeMap::from([(200, 2), (404, 1)]));
        assert_eq!(petstore.missed(), vec!["deletePet"]);
        assert!(petstore.table().contains("1 of 2 operations exercised"));
    }
}
