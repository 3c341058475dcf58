//! `status`: one line per connector — spec version and drift since `implement`, operations
//! generated and covered by tests, auth schemes, the last recorded test result.

use std::collections::BTreeMap;

use conductor_mock::Coverage;
use serde_json::{json, Value};

use crate::drift;
use crate::implement::RECORD;
use crate::plan::Plan;
use crate::workspace::{one_line, Workspace};
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
    }
    for report in &reports {
        print_text(report);
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
    let (implemented_title, _) = spec_info::title_and_version(&implemented);
    let runs = coverage.get(&title).or_else(|| coverage.get(&implemented_title));
    let covered: Vec<&String> = operations
        .iter()
        .filter(|id| runs.and_then(|c| c.operations.get(*id)).is_some_and(|s| !s.is_empty()))
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

fn print_text(report: &Value) {
    let paint = ui::Painter::new(ui::Stream::Stdout);
    let text = |key: &str| report.get(key).and_then(Value::as_str).unwrap_or("?");
    println!(
        "{}  ({} {}, {})",
        text("name"),
        text("title"),
        text("version"),
        text("spec")
    );
    if let Some(error) = report.get("error").and_then(Value::as_str) {
        println!("  {}: {error}", paint.red("error"));
        return;
    }
    let auth: Vec<String> = report["auth"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|s| {
                    format!(
                        "{} ({})",
                        s["scheme"].as_str().unwrap_or("?"),
                        s["detail"].as_str().unwrap_or("?")
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    println!(
        "  auth:       {}",
        if auth.is_empty() {
            "none declared".to_owned()
        } else {
            auth.join("; ")
        }
    );
    let headers = list(&report["rate_limit_headers"]);
    println!(
        "  limits:     {}",
        if headers.is_empty() {
            "no rate-limit headers documented".to_owned()
        } else {
            headers
        }
    );
    if report["implemented"] != json!(true) {
        println!("  not implemented yet: `api-conductor implement {}`", text("name"));
        return;
    }
    let drift = &report["drift"];
    if drift["changed"] == json!(true) {
        println!(
            "  drift:      {} since implement (version {} → {}): {} incompatible of {} change(s)",
            paint.yellow("spec changed"),
            drift["version"][0].as_str().unwrap_or("?"),
            drift["version"][1].as_str().unwrap_or("?"),
            drift["incompatible"],
            drift["changes"].as_array().map_or(0, Vec::len)
        );
        for change in drift["changes"].as_array().map_or(&[][..], Vec::as_slice) {
            let compatible = change["compatible"] == json!(true);
            let class = if compatible {
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
    } else {
        println!("  drift:      none");
    }
    let coverage = &report["coverage"];
    let covered = coverage["covered"].as_array().map_or(0, Vec::len);
    let meets = coverage["meets_standard"] == json!(true);
    let summary = format!(
        "{covered} of {} operations covered by tests ({}%, required {}%)",
        coverage["operations"], coverage["percent"], coverage["required_percent"]
    );
    println!("  operations: {} generated", report["operations_generated"]);
    println!(
        "  coverage:   {}",
        if meets {
            paint.green(&summary)
        } else {
            paint.yellow(&summary)
        }
    );
    let missed = list(&coverage["missed"]);
    if !missed.is_empty() {
        println!("    not covered: {missed}");
    }
    let last = &report["last_test_result"];
    if last.is_null() {
        println!("  last test:  not recorded (`api-conductor test {}`)", text("name"));
    } else if last["passed"] == json!(true) {
        println!("  last test:  {}", paint.green(&testing::summary(last)));
    } else {
        println!("  last test:  {}", paint.red(&testing::summary(last)));
    }
}
