//! `status`: one table, a row per connector — spec version, drift since `implement`,
//! operations generated and covered by tests, auth schemes, the limits its client applies,
//! the last recorded test result — then the details of drift and coverage gaps.

use std::collections::BTreeMap;

use conductor_mock::Coverage;
use serde_json::{json, Value};

use crate::drift;
use crate::implement::RECORD;
use crate::plan::Plan;
use crate::workspace::{one_line, Limits, Workspace, SETTINGS};
use crate::{spec_info, testing};
use crate::{ui, Failure};

/// `api-conductor status [--json]`.
pub(crate) fn status(as_json: bool) -> Result<(), Failure> {
    let workspace = Workspace::find()?;
    let coverage_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace.root.join("target"), std::path::PathBuf::from)
        .join("conductor-coverage");
    let coverage = Coverage::merge_dir(&coverage_dir).unwrap_or_default();
    let required = workspace.standard("required_coverage", 100);
    let mut names: Vec<String> = std::fs::read_dir(workspace.root.join("connectors"))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.path().join("plan.toml").is_file())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let reports: Vec<Value> = names
        .iter()
        .map(|name| connector(&workspace, name, &coverage, required))
        .collect::<Result<_, _>>()?;
    if as_json {
        let text = serde_json::to_string_pretty(&json!({ "connectors": reports })).unwrap_or_default();
        println!("{text}");
        return Ok(());
    }
    if reports.is_empty() {
        println!("no connectors yet: `api-conductor new-connector NAME --spec PATH`");
    } else {
        print_text(&reports);
    }
    Ok(())
}

fn connector(
    workspace: &Workspace,
    name: &str,
    coverage: &BTreeMap<String, Coverage>,
    required: i64,
) -> Result<Value, Failure> {
    let plan = Plan::read(workspace, name)?;
    let current = conductor_spec::load(&workspace.root.join(&plan.spec)).map(|s| s.raw);
    let record: Option<Value> = std::fs::read(workspace.connector_dir(name).join(RECORD))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok());
    let mut report = json!({ "name": name, "spec": plan.spec });
    let current = match current {
        Ok(raw) => raw,
        Err(err) => {
            report["error"] = json!(format!("the spec does not load: {}", one_line(&err.to_string())));
            return Ok(report);
        }
    };
    let (title, version) = spec_info::title_and_version(&current);
    report["title"] = json!(title);
    report["version"] = json!(version);
    report["auth"] = json!(spec_info::auth_schemes(&current)
        .into_iter()
        .map(|(scheme, detail)| json!({"scheme": scheme, "detail": detail}))
        .collect::<Vec<_>>());
    report["rate_limit_headers"] = json!(spec_info::rate_limit_headers(&current));
    let recorded = record.as_ref().and_then(|r| r.get("limits")).filter(|l| l.is_object());
    report["limits"] = match recorded {
        Some(limits) => json!({ "applied": limits, "source": "implement" }),
        None => json!({ "applied": Limits::of(workspace).to_json(), "source": SETTINGS }),
    };
    let Some(record) = record else {
        report["implemented"] = json!(false);
        return Ok(report);
    };
    report["implemented"] = json!(true);
    let implemented = record.get("document").cloned().unwrap_or(Value::Null);
    let operations: Vec<String> = record
        .get("operations")
        .and_then(Value::as_array)
        .map(|ops| ops.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default();
    report["implemented_version"] = json!(spec_info::title_and_version(&implemented).1);
    report["drift"] = drift::drift(&implemented, &current);
    // The last `api-conductor test` run's reports, else whatever `cargo test` runs left in the
    // target directory.
    let own_dir = workspace.connector_dir(name).join(testing::COVERAGE);
    let own = own_dir
        .is_dir()
        .then(|| Coverage::merge_dir(&own_dir).unwrap_or_default());
    let (coverage, source) = match &own {
        Some(own) => (own, format!("connectors/{name}/{}", testing::COVERAGE)),
        None => (coverage, "the target directory's conductor-coverage".to_owned()),
    };
    // The reports of mock servers that loaded this connector's spec file, never another
    // workspace's spec of the same title; an operation counts when a request to it was handled
    // (valid, answered as documented), not merely sent.
    let spec_file = std::fs::canonicalize(workspace.root.join(&plan.spec))
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default();
    let runs = coverage.get(&spec_file);
    let covered: Vec<&String> = operations
        .iter()
        .filter(|id| runs.and_then(|c| c.handled.get(*id)).is_some_and(|n| *n > 0))
        .collect();
    let percent = if operations.is_empty() {
        100
    } else {
        covered.len() * 100 / operations.len()
    };
    report["coverage"] = json!({
        "operations": operations.len(),
        "covered": covered,
        "missed": operations.iter().filter(|id| !covered.contains(id)).collect::<Vec<_>>(),
        "percent": percent,
        "required_percent": required,
        "meets_standard": i64::try_from(percent).unwrap_or(0) >= required,
        "reports": source,
    });
    report["operations_generated"] = json!(operations.len());
    report["last_test_result"] = std::fs::read(workspace.connector_dir(name).join(testing::LAST_TEST))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or(Value::Null);
    Ok(report)
}

fn list(value: &Value) -> String {
    value
        .as_array()
        .map(|items| items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", "))
        .unwrap_or_default()
}

/// How a table cell is coloured.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tone {
    Plain,
    Good,
    Warn,
    Bad,
}

/// The table's columns.
const COLUMNS: [&str; 8] = [
    "CONNECTOR",
    "SPEC",
    "DRIFT",
    "OPS",
    "COVERED",
    "AUTH",
    "LIMITS",
    "LAST TEST",
];

/// One connector's row: a cell per column.
fn row(report: &Value) -> Vec<(String, Tone)> {
    let text = |key: &str| report.get(key).and_then(Value::as_str).unwrap_or("?").to_owned();
    let plain = |cell: String| (cell, Tone::Plain);
    let mut cells = vec![plain(text("name")), plain(text("version"))];
    if report.get("error").is_some() {
        cells.push(("spec does not load".to_owned(), Tone::Bad));
        cells.extend(std::iter::repeat_n(plain("-".to_owned()), COLUMNS.len() - cells.len()));
        return cells;
    }
    let implemented = report["implemented"] == json!(true);
    let drift = &report["drift"];
    cells.push(if !implemented {
        ("not implemented".to_owned(), Tone::Warn)
    } else if drift["changed"] == json!(true) {
        let incompatible = drift["incompatible"].as_u64().unwrap_or(0);
        let changes = drift["changes"].as_array().map_or(0, Vec::len);
        let tone = if incompatible > 0 { Tone::Bad } else { Tone::Warn };
        (format!("{changes} change(s), {incompatible} incompatible"), tone)
    } else {
        ("none".to_owned(), Tone::Good)
    });
    let coverage = &report["coverage"];
    if implemented {
        cells.push(plain(report["operations_generated"].to_string()));
        let covered = coverage["covered"].as_array().map_or(0, Vec::len);
        let tone = if coverage["meets_standard"] == json!(true) {
            Tone::Good
        } else {
            Tone::Warn
        };
        cells.push((
            format!(
                "{covered}/{} {}% (need {}%)",
                coverage["operations"], coverage["percent"], coverage["required_percent"]
            ),
            tone,
        ));
    } else {
        cells.push(plain("-".to_owned()));
        cells.push(plain("-".to_owned()));
    }
    let schemes: Vec<&str> = report["auth"]
        .as_array()
        .map(|a| a.iter().filter_map(|s| s["scheme"].as_str()).collect())
        .unwrap_or_default();
    cells.push(plain(if schemes.is_empty() {
        "none".to_owned()
    } else {
        schemes.join(", ")
    }));
    cells.push(plain(limits_cell(&report["limits"])));
    let last = &report["last_test_result"];
    cells.push(if !implemented || last.is_null() {
        plain("not run".to_owned())
    } else {
        let passed = last["passed"] == json!(true);
        let count = |key: &str| last[key].as_u64().unwrap_or(0);
        let verdict = if passed {
            format!("passed {}", count("tests_passed"))
        } else {
            format!(
                "failed {} of {}",
                count("tests_failed"),
                count("tests_passed") + count("tests_failed")
            )
        };
        let when = last["finished_at"].as_str().unwrap_or("?");
        let tone = if passed { Tone::Good } else { Tone::Bad };
        (format!("{verdict} ({}s, {when})", last["seconds"]), tone)
    });
    cells
}

/// The applied limits: `10/s, 3 attempts, 30s timeout`.
fn limits_cell(limits: &Value) -> String {
    let applied = &limits["applied"];
    let number = |key: &str| applied[key].as_i64().map_or_else(|| "?".to_owned(), |n| n.to_string());
    format!(
        "{}/s, {} attempts, {}s timeout",
        number("rate_limit_per_second"),
        number("retry_attempts"),
        number("timeout_seconds")
    )
}

/// The table, then what it summarises: each drifting connector's changes, operations not
/// covered, specs that do not load.
fn print_text(reports: &[Value]) {
    let paint = ui::Painter::new(ui::Stream::Stdout);
    let rows: Vec<Vec<(String, Tone)>> = reports.iter().map(row).collect();
    let widths: Vec<usize> = COLUMNS
        .iter()
        .enumerate()
        .map(|(i, header)| {
            rows.iter()
                .map(|r| r[i].0.chars().count())
                .chain([header.len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<(String, Tone)>| {
        let last = cells.len() - 1;
        let mut out = String::new();
        for (i, (text, tone)) in cells.into_iter().enumerate() {
            let pad = if i == last {
                String::new()
            } else {
                " ".repeat(widths[i] - text.chars().count() + 2)
            };
            let painted = match tone {
                Tone::Plain => text,
                Tone::Good => paint.green(&text),
                Tone::Warn => paint.yellow(&text),
                Tone::Bad => paint.red(&text),
            };
            out.push_str(&painted);
            out.push_str(&pad);
        }
        println!("{out}");
    };
    line(COLUMNS.iter().map(|h| ((*h).to_owned(), Tone::Plain)).collect());
    for cells in rows {
        line(cells);
    }
    for report in reports {
        details(report, paint);
    }
}

fn details(report: &Value, paint: ui::Painter) {
    let name = report["name"].as_str().unwrap_or("?");
    if let Some(error) = report.get("error").and_then(Value::as_str) {
        println!("\n{name}: {}: {error}", paint.red("error"));
        return;
    }
    if report["implemented"] != json!(true) {
        println!("\n{name}: not implemented yet: `api-conductor implement {name}`");
        return;
    }
    let drift = &report["drift"];
    if drift["changed"] == json!(true) {
        println!(
            "\n{name}: {} since implement (version {} → {}): {} incompatible of {} change(s)",
            paint.yellow("spec changed"),
            drift["version"][0].as_str().unwrap_or("?"),
            drift["version"][1].as_str().unwrap_or("?"),
            drift["incompatible"],
            drift["changes"].as_array().map_or(0, Vec::len)
        );
        for change in drift["changes"].as_array().map_or(&[][..], Vec::as_slice) {
            let class = if change["compatible"] == json!(true) {
                paint.green("compatible  ")
            } else {
                paint.red("incompatible")
            };
            println!(
                "    {class}  {}: {}",
                change["at"].as_str().unwrap_or("?"),
                change["what"].as_str().unwrap_or("?")
            );
        }
    }
    let missed = list(&report["coverage"]["missed"]);
    if !missed.is_empty() {
        println!("\n{name}: not covered by tests: {missed}");
    }
}
