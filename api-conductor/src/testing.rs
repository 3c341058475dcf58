//! `test`: run `cargo test` in a connector's crate and record the result for `status`.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Instant;

use serde_json::{json, Value};

use crate::plan::Plan;
use crate::workspace::Workspace;
use crate::Failure;

/// Where `test` records the last result, in the connector's folder.
pub(crate) const LAST_TEST: &str = ".conductor/last-test.json";

/// Where the mock servers of the last `test` run write their coverage reports, in the
/// connector's folder.
pub(crate) const COVERAGE: &str = ".conductor/coverage";

/// The counts of libtest's `test result:` lines, summed over the test binaries.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub(crate) passed: u64,
    pub(crate) failed: u64,
    pub(crate) ignored: u64,
    /// How many `test result:` lines there were.
    pub(crate) binaries: u64,
}

impl Counts {
    /// Adds the counts of one line of `cargo test` output, if it is a `test result:` line.
    pub(crate) fn add_line(&mut self, line: &str) {
        let Some(rest) = line.trim().strip_prefix("test result: ") else {
            return;
        };
        self.binaries += 1;
        let rest = rest.split_once(". ").map_or(rest, |(_, counts)| counts);
        for part in rest.split(';') {
            let mut words = part.split_whitespace();
            let (Some(number), Some(label)) = (words.next(), words.next()) else {
                continue;
            };
            let Ok(number) = number.parse::<u64>() else { continue };
            match label {
                "passed" => self.passed += number,
                "failed" => self.failed += number,
                "ignored" => self.ignored += number,
                _ => {}
            }
        }
    }
}

/// `api-conductor test NAME [-- CARGO_TEST_ARGS]`.
pub(crate) fn test(name: &str, cargo_args: &[String]) -> Result<(), Failure> {
    let workspace = Workspace::find()?;
    Plan::read(&workspace, name)?;
    let dir = workspace.connector_dir(name);
    if !dir.join("Cargo.toml").is_file() {
        return Err(Failure::new(format!(
            "connector `{name}` has no crate yet; run `api-conductor implement {name}`"
        )));
    }
    // This run's coverage reports only: a fresh folder of the connector's own.
    let coverage = dir.join(COVERAGE);
    if coverage.exists() {
        std::fs::remove_dir_all(&coverage)
            .map_err(|err| Failure::new(format!("cannot empty {}: {err}", coverage.display())))?;
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let started = Instant::now();
    let mut child = Command::new(&cargo)
        .arg("test")
        .args(cargo_args)
        .current_dir(&dir)
        .env(conductor_mock::coverage::DIR_VARIABLE, &coverage)
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|err| Failure::new(format!("cannot run `cargo test`: {err}")))?;
    let mut counts = Counts::default();
    if let Some(stdout) = child.stdout.take() {
        let mut out = std::io::stdout().lock();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            counts.add_line(&line);
            let _ = writeln!(out, "{line}");
        }
    }
    let status = child
        .wait()
        .map_err(|err| Failure::new(format!("cannot wait for `cargo test`: {err}")))?;
    let seconds = started.elapsed().as_secs_f64();
    let passed = status.success() && counts.failed == 0 && counts.binaries > 0;
    let record = json!({
        "passed": passed,
        "tests_passed": counts.passed,
        "tests_failed": counts.failed,
        "tests_ignored": counts.ignored,
        "seconds": (seconds * 10.0).round() / 10.0,
        "finished_at": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "exit_code": status.code(),
    });
    let path = dir.join(LAST_TEST);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|err| Failure::new(format!("cannot create {}: {err}", parent.display())))?;
    }
    std::fs::write(&path, serde_json::to_string_pretty(&record).unwrap_or_default())
        .map_err(|err| Failure::new(format!("cannot write {}: {err}", path.display())))?;
    eprintln!("recorded in connectors/{name}/{LAST_TEST}: {}", summary(&record));
    if passed {
        Ok(())
    } else {
        Err(Failure::new(format!(
            "the tests of `{name}` failed: {}",
            summary(&record)
        )))
    }
}

/// One line for a recorded result: `passed: 8 tests in 12.3s (2025-01-01T00:00:00Z)`.
pub(crate) fn summary(record: &Value) -> String {
    let count = |key: &str| record[key].as_u64().unwrap_or(0);
    let verdict = if record["passed"] == json!(true) {
        "passed".to_owned()
    } else if record["tests_failed"].as_u64().unwrap_or(0) == 0 {
        format!("failed (cargo exit code {})", record["exit_code"])
    } else {
        format!("failed: {} failed", count("tests_failed"))
    };
    let mut text = format!("{verdict}, {} test(s) passed", count("tests_passed"));
    if count("tests_ignored") > 0 {
        text.push_str(&format!(", {} ignored", count("tests_ignored")));
    }
    text.push_str(&format!(
        " in {}s ({})",
        record["seconds"],
        record["finished_at"].as_str().unwrap_or("?")
    ));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_sum_the_result_lines() {
        let mut counts = Counts::default();
        for line in [
            "running 8 tests",
            "test result: ok. 8 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.05s",
            "test result: FAILED. 2 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s",
            "test other ... ok",
        ] {
            counts.add_line(line);
        }
        assert_eq!(
            counts,
            Counts {
                passed: 10,
                failed: 1,
                ignored: 1,
                binaries: 2
            }
        );
    }

    #[test]
    fn the_summary_names_the_outcome() {
        let record = json!({"passed": false, "tests_passed": 2, "tests_failed": 1, "tests_ignored": 0,
            "seconds": 1.5, "finished_at": "2025-01-01T00:00:00Z", "exit_code": 101});
        assert_eq!(
            summary(&record),
            "failed: 1 failed, 2 test(s) passed in 1.5s (2025-01-01T00:00:00Z)"
        );
    }
}
