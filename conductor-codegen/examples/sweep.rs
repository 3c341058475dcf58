//! Runs the generator over every spec in a folder, in-process and in parallel, and reports what
//! happened to each: expanded, refused with a diagnostic (by kind), or panicked.
//!
//! ```text
//! cargo run --release -p conductor-codegen --example sweep -- DIR REPORT.json [THREADS]
//! ```
//!
//! The report is JSON: `{"total", "expanded", "diagnostics": {kind: [spec...]}, "panics":
//! [{spec, message}], "warnings": n, "results": {spec: outcome}}`. A short summary goes to
//! standard output.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use serde_json::{json, Value};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, out);
        } else if matches!(path.extension().and_then(|e| e.to_str()), Some("json" | "yaml" | "yml")) {
            out.push(path);
        }
    }
}

/// The kind of a spec error: the first words of its message, without file names.
fn kind_of(message: &str) -> String {
    let message = message.split(": ").skip(1).collect::<Vec<_>>().join(": ");
    let words: Vec<&str> = message.split_whitespace().take(6).collect();
    words
        .join(" ")
        .trim_end_matches(|c: char| !c.is_alphanumeric())
        .to_owned()
}

enum Outcome {
    Expanded {
        operations: usize,
        types: usize,
        warnings: usize,
        millis: u128,
    },
    Diagnostic(String),
    Panic(String),
}

fn run_one(path: &Path) -> Outcome {
    let started = Instant::now();
    let result = std::panic::catch_unwind(
        || -> Result<Result<conductor_codegen::Generated, String>, conductor_codegen::Problems> {
            let generated = conductor_codegen::generate_from_file(path, &conductor_codegen::Settings::default())?;
            // The tokens must parse as Rust items: rendering checks that.
            if let Err(err) = conductor_codegen::render(&generated.tokens) {
                return Ok(Err(err));
            }
            Ok(Ok(generated))
        },
    );
    match result {
        Ok(Ok(Ok(generated))) => Outcome::Expanded {
            operations: generated.operation_count,
            types: generated.type_count,
            warnings: generated.warnings.len(),
            millis: started.elapsed().as_millis(),
        },
        Ok(Ok(Err(render_error))) => Outcome::Panic(format!("generated code does not parse: {render_error}")),
        Ok(Err(problems)) => {
            let message = problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ");
            Outcome::Diagnostic(message)
        }
        Err(payload) => {
            let message = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_else(|| "panic".to_owned());
            Outcome::Panic(message)
        }
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(dir), Some(report)) = (args.next(), args.next()) else {
        eprintln!("usage: sweep DIR REPORT.json [THREADS]");
        std::process::exit(2);
    };
    let threads: usize = args.next().and_then(|t| t.parse().ok()).unwrap_or(2).max(1);
    let mut specs = Vec::new();
    collect(Path::new(&dir), &mut specs);
    std::panic::set_hook(Box::new(|_| {}));
    let next = AtomicUsize::new(0);
    let results: Mutex<BTreeMap<String, Outcome>> = Mutex::new(BTreeMap::new());
    let root = Path::new(&dir);
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(path) = specs.get(index) else { break };
                let name = path.strip_prefix(root).unwrap_or(path).display().to_string();
                let outcome = run_one(path);
                results
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .insert(name, outcome);
            });
        }
    });
    let results = results.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut expanded = 0;
    let mut warnings = 0;
    let mut diagnostics: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut panics = Vec::new();
    let mut per_spec = serde_json::Map::new();
    for (name, outcome) in &results {
        let value = match outcome {
            Outcome::Expanded {
                operations,
                types,
                warnings: w,
                millis,
            } => {
                expanded += 1;
                warnings += w;
                json!({"outcome": "expanded", "operations": operations, "types": types, "warnings": w, "ms": millis})
            }
            Outcome::Diagnostic(message) => {
                diagnostics.entry(kind_of(message)).or_default().push(name.clone());
                json!({"outcome": "diagnostic", "message": message})
            }
            Outcome::Panic(message) => {
                panics.push(json!({"spec": name, "message": message}));
                json!({"outcome": "panic", "message": message})
            }
        };
        per_spec.insert(name.clone(), value);
    }
    let total = results.len();
    let summary = json!({
        "total": total,
        "expanded": expanded,
        "expanded_percent": if total == 0 { 0.0 } else { expanded as f64 * 100.0 / total as f64 },
        "diagnostic_count": total - expanded - panics.len(),
        "panic_count": panics.len(),
        "warnings": warnings,
        "seconds": started.elapsed().as_secs_f64(),
        "diagnostics": diagnostics,
        "panics": panics,
        "results": Value::Object(per_spec),
    });
    if let Err(err) = std::fs::write(&report, serde_json::to_string_pretty(&summary).unwrap_or_default()) {
        eprintln!("cannot write {report}: {err}");
        std::process::exit(1);
    }
    println!(
        "{total} specs: {expanded} expanded ({:.1}%), {} diagnostics, {} panics, in {:.1} s",
        summary["expanded_percent"].as_f64().unwrap_or(0.0),
        total - expanded - panics.len(),
        panics.len(),
        started.elapsed().as_secs_f64()
    );
    let mut kinds: Vec<(&String, &Vec<String>)> = diagnostics.iter().collect();
    kinds.sort_by_key(|(_, specs)| std::cmp::Reverse(specs.len()));
    for (kind, specs) in kinds.iter().take(15) {
        println!("  {:4}  {kind}  (e.g. {})", specs.len(), specs[0]);
    }
    for panic in panics.iter().take(10) {
        println!("  panic: {} — {}", panic["spec"], panic["message"]);
    }
}
