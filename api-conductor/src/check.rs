//! `check` and `expand`: the generator's diagnostics and output for one spec.

use std::path::Path;

use conductor_codegen::{Diagnostic, Report, Settings, Severity};

use crate::{ui, Failure};

/// Prints every diagnostic of `report` with a frame of the spec's lines.
pub(crate) fn print_report(report: &Report) {
    for diagnostic in report.diagnostics() {
        eprintln!("{}", render(diagnostic));
    }
}

fn render(diagnostic: &Diagnostic) -> String {
    let framed = diagnostic
        .file
        .as_ref()
        .and_then(|file| std::fs::read_to_string(file).ok())
        .map_or_else(
            || {
                let severity = match diagnostic.severity {
                    Severity::Error => "error",
                    _ => "warning",
                };
                format!("{severity}: {diagnostic}")
            },
            |source| diagnostic.render_with_frame(&source),
        );
    match framed.split_once(": ") {
        Some((severity @ "error", rest)) => format!("{}: {rest}", ui::red(severity)),
        Some((severity @ "warning", rest)) => format!("{}: {rest}", ui::yellow(severity)),
        _ => framed,
    }
}

/// The one-line failure of a command that refuses a spec with errors: the count, the first
/// error, and where to see them all with their frames.
pub(crate) fn refused(spec: &str, report: &Report) -> Failure {
    let first = report
        .errors
        .first()
        .map(|d| crate::workspace::one_line(&d.to_string()))
        .unwrap_or_default();
    Failure::new(format!(
        "{spec}: {} error(s), the first: {first}; nothing was written (`api-conductor check {spec}` shows each with a frame)",
        report.errors.len()
    ))
}

/// `api-conductor check SPEC`.
pub(crate) fn check(spec: &Path) -> Result<(), Failure> {
    let report = conductor_codegen::check_file(spec, &Settings::default());
    print_report(&report);
    let (errors, warnings) = (report.errors.len(), report.warnings.len());
    if errors > 0 {
        return Err(Failure::Reported(format!(
            "{}: {errors} error(s), {warnings} warning(s)",
            spec.display()
        )));
    }
    eprintln!("{}: {} ({warnings} warning(s))", spec.display(), ui::green("ok"));
    Ok(())
}

/// What `expand` generates.
pub(crate) struct ExpandOptions {
    pub(crate) tags: Vec<String>,
    pub(crate) operations: Vec<String>,
    pub(crate) exclude_operations: Vec<String>,
    pub(crate) all_schemas: bool,
    pub(crate) pagination: Vec<(String, String)>,
}

/// `api-conductor expand SPEC`: the generated module, pretty-printed, on stdout.
pub(crate) fn expand(spec: &Path, options: ExpandOptions) -> Result<(), Failure> {
    let mut settings = Settings::default();
    settings.tags = options.tags;
    settings.operations = options.operations;
    settings.exclude_operations = options.exclude_operations;
    settings.pagination = options.pagination;
    if options.all_schemas {
        settings.schemas = conductor_codegen::Schemas::All;
    }
    let generated = match conductor_codegen::generate_from_file(spec, &settings) {
        Ok(generated) => generated,
        Err(problems) => {
            for diagnostic in problems.iter() {
                eprintln!("{}", render(diagnostic));
            }
            return Err(Failure::Reported(format!(
                "{}: {} error(s); run `api-conductor check` for the warnings too",
                spec.display(),
                problems.diagnostics.len()
            )));
        }
    };
    let code = conductor_codegen::render(&generated.tokens)
        .map_err(|err| Failure::Message(format!("the generated code does not parse (a generator bug): {err}")))?;
    print!("{code}");
    eprintln!(
        "{} operation(s), {} type(s), {} warning(s)",
        generated.operation_count,
        generated.type_count,
        generated.warnings.len()
    );
    if generated.paginated.is_empty() {
        eprintln!("paginated: none");
    }
    for (operation, how) in &generated.paginated {
        eprintln!("paginated: {operation}: {how}");
    }
    Ok(())
}
