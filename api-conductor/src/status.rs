//! `status`: one line per connector — spec version and drift since `implement`, operations
//! generated and covered by tests, auth schemes.

use std::collections::BTreeMap;

use conductor_mock::Coverage;
use serde_json::{json, Value};

use crate::implement::RECORD;
use crate::plan::Plan;
use crate::spec_info;
use crate::workspace::{one_line, Workspace};
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
    report["drift"] = drift(&implemented, &current);
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
    report["last_test_result"] = Value::Null;
    Ok(report)
}

/// What changed between the implemented document and today's: operations and component schemas.
fn drift(before: &Value, after: &Value) -> Value {
    if before == after {
        return json!({ "changed": false });
    }
    let operations = |raw: &Value| -> BTreeMap<String, Value> {
        spec_info::operations(raw)
            .into_iter()
            .map(|op| {
                let mut shape = spec_info::operation(raw, &op).cloned().unwrap_or(Value::Null);
                if let Some(object) = shape.as_object_mut() {
                    for key in ["summary", "description", "tags", "externalDocs"] {
                        object.remove(key);
                    }
                }
                let parameters: Vec<Value> = spec_info::parameters(raw, &op).into_iter().cloned().collect();
                (op.id.clone(), json!([op.method, op.path, shape, parameters]))
            })
            .collect()
    };
    let schemas = |raw: &Value| -> BTreeMap<String, Value> {
        raw.pointer("/components/schemas")
            .and_then(Value::as_object)
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default()
    };
    let compare = |a: BTreeMap<String, Value>, b: BTreeMap<String, Value>| {
        let added: Vec<&String> = b.keys().filter(|k| !a.contains_key(*k)).collect();
        let removed: Vec<&String> = a.keys().filter(|k| !b.contains_key(*k)).collect();
        let changed: Vec<&String> = a
            .iter()
            .filter(|(k, v)| b.get(*k).is_some_and(|w| w != *v))
            .map(|(k, _)| k)
            .collect();
        json!({ "added": added, "removed": removed, "changed": changed })
    };
    json!({
        "changed": true,
        "version": [spec_info::title_and_version(before).1, spec_info::title_and_version(after).1],
        "operations": compare(operations(before), operations(after)),
        "schemas": compare(schemas(before), schemas(after)),
    })
}

fn list(value: &Value) -> String {
    value
        .as_array()
        .map(|items| items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", "))
        .unwrap_or_default()
}

fn print_text(report: &Value) {
    let text = |key: &str| report.get(key).and_then(Value::as_str).unwrap_or("?");
    println!(
        "{}  ({} {}, {})",
        text("name"),
        text("title"),
        text("version"),
        text("spec")
    );
    if let Some(error) = report.get("error").and_then(Value::as_str) {
        println!("  {}: {error}", ui::red("error"));
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
            "  drift:      {} since implement (version {} → {})",
            ui::yellow("spec changed"),
            drift["version"][0].as_str().unwrap_or("?"),
            drift["version"][1].as_str().unwrap_or("?")
        );
        for (what, key) in [("operations", "operations"), ("types", "schemas")] {
            for change in ["added", "removed", "changed"] {
                let names = list(&drift[key][change]);
                if !names.is_empty() {
                    println!("    {what} {change}: {names}");
                }
            }
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
            ui::green(&summary)
        } else {
            ui::yellow(&summary)
        }
    );
    let missed = list(&coverage["missed"]);
    if !missed.is_empty() {
        println!("    not covered: {missed}");
    }
    println!("  last test:  not recorded");
}
