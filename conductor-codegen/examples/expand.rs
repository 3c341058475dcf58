//! Expands a spec in-process and reports how long each stage took.
//!
//! ```text
//! cargo run --release -p conductor-codegen --example expand -- SPEC [OUT.rs]
//! cargo run --release -p conductor-codegen --example expand -- --macro-only SPEC
//! ```
//!
//! With `--macro-only`, the process does what the macro does (load, check, generate) once and
//! exits: a process to measure that call alone (page faults, peak memory, instructions).

use std::io::Write as _;
use std::path::Path;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1).peekable();
    let macro_only = args.next_if(|arg| arg == "--macro-only").is_some();
    let Some(spec) = args.next() else {
        eprintln!("usage: expand SPEC [OUT.rs] | expand --macro-only SPEC");
        std::process::exit(2);
    };
    let out = args.next();
    // What the macro does, first in a fresh process (every page of its heap faulted in), then
    // again after the stages below (the heap already mapped).
    let macro_started = Instant::now();
    let checked = conductor_codegen::generate_from_file(Path::new(&spec), &conductor_codegen::Settings::default());
    let macro_time = macro_started.elapsed();
    if macro_only {
        let outcome = if checked.is_ok() { "expanded" } else { "failed" };
        println!(
            "what the macro does (load, check, generate): {:.0} ms in a fresh process; {outcome}",
            macro_time.as_secs_f64() * 1000.0
        );
        // Exit without freeing: the figure is about the call.
        std::process::exit(i32::from(checked.is_err()));
    }
    let macro_result = match &checked {
        Ok(_) => "expanded".to_owned(),
        Err(problems) => format!("{} errors", problems.diagnostics.len()),
    };
    drop(checked);
    let started = Instant::now();
    let loaded = match conductor_codegen::conductor_spec::load(Path::new(&spec)) {
        Ok(loaded) => loaded,
        Err(err) => {
            eprintln!("error: {err}");
            std::process::exit(1);
        }
    };
    let loaded_at = started.elapsed();
    let generated = conductor_codegen::generate(&loaded, &conductor_codegen::Settings::default());
    let generated_at = started.elapsed();
    let rendered = match conductor_codegen::render(&generated.tokens) {
        Ok(rendered) => rendered,
        Err(err) => {
            eprintln!("error: the generated code does not parse: {err}");
            std::process::exit(1);
        }
    };
    let rendered_at = started.elapsed();
    let mut stdout = std::io::stdout().lock();
    // Output errors (a closed pipe) are not worth a panic.
    let _ = writeln!(
        stdout,
        "{spec}: {} operations, {} types ({} merged aliases, {} unreached), {} warnings, {} lines; load {:.0} ms, generate {:.0} ms, render {:.0} ms",
        generated.operation_count,
        generated.type_count,
        generated.merged_type_count,
        generated.unreached_type_count,
        generated.warnings.len(),
        rendered.lines().count(),
        loaded_at.as_secs_f64() * 1000.0,
        (generated_at - loaded_at).as_secs_f64() * 1000.0,
        (rendered_at - generated_at).as_secs_f64() * 1000.0,
    );
    for warning in generated.warnings.iter().take(10) {
        let _ = writeln!(stdout, "  warning: {warning}");
    }
    let _ = writeln!(stdout, "  {} paginated operations", generated.paginated.len());
    for (operation, how) in &generated.paginated {
        let _ = writeln!(stdout, "  paginated: {operation}: {how}");
    }
    let warm_started = Instant::now();
    let warm = conductor_codegen::generate_from_file(Path::new(&spec), &conductor_codegen::Settings::default());
    let warm_time = warm_started.elapsed();
    drop(warm);
    let _ = writeln!(
        stdout,
        "  what the macro does (load, check, generate): {:.0} ms in a fresh process, {:.0} ms again; {macro_result}",
        macro_time.as_secs_f64() * 1000.0,
        warm_time.as_secs_f64() * 1000.0
    );
    if let Some(out) = out {
        if let Err(err) = std::fs::write(&out, rendered) {
            eprintln!("error: cannot write {out}: {err}");
            std::process::exit(1);
        }
    }
}
