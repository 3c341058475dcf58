//! The checking pipeline shared by the macro, the CLI and tests: load → validate → model →
//! generate, collecting every error and warning, each located by file, JSON pointer and
//! `line:column`.

use std::path::{Path, PathBuf};

use conductor_spec::{RawSpec, SpecError};

use crate::diagnostics::{Diagnostic, Severity};
use crate::expand::{generate_checked, Generated};
use crate::locate::Locator;
use crate::settings::Settings;
use crate::validate;

/// Everything a check found.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Report {
    /// Problems that prevent expansion.
    pub errors: Vec<Diagnostic>,
    /// Fallbacks taken (a schema represented as `serde_json::Value`, a construct ignored) and
    /// parts skipped; a proc macro cannot print these on stable Rust.
    pub warnings: Vec<Diagnostic>,
    /// Every file that was read (the spec and everything it `$ref`s).
    pub files: Vec<PathBuf>,
}

impl Report {
    /// Whether the spec can be expanded.
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// Every diagnostic, errors first.
    pub fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.errors.iter().chain(&self.warnings)
    }
}

/// Where the root document comes from.
pub(crate) enum Source<'a> {
    File,
    Text(&'a str),
    Value(serde_json::Value),
}

/// Whether warnings get `line:column` positions too (building the position index costs
/// about as much as parsing the spec again, so the macro path skips it when there is no error).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Locate {
    Always,
    ErrorsOnly,
}

/// Runs the whole pipeline; the generated items when there is no error.
pub(crate) fn run(path: &Path, source: Source<'_>, settings: &Settings, locate: Locate) -> (Option<Generated>, Report) {
    let mut locator = Locator::new(path);
    let raw = match source {
        Source::File => conductor_spec::read(path).and_then(|text| {
            let raw = conductor_spec::raw_from_str(path, &text);
            locator.remember(path, text);
            raw
        }),
        Source::Text(text) => {
            locator.remember(path, text.to_owned());
            conductor_spec::raw_from_str(path, text)
        }
        Source::Value(value) => {
            locator.without_root_text();
            conductor_spec::raw_from_value(path, value)
        }
    };
    let mut report = Report::default();
    let raw = match raw {
        Ok(raw) => raw,
        Err(problem) => {
            report.errors.push(from_spec_error(problem));
            if path.is_file() {
                report.files.push(path.to_path_buf());
            }
            locator.locate_all(report.errors.iter_mut().chain(report.warnings.iter_mut()));
            return (None, report);
        }
    };
    report.files.clone_from(&raw.files);
    let (generated, mut report) = check_raw(raw, settings, report, &mut locator);
    report.files.retain(|f| f.is_file());
    if locate == Locate::Always || !report.errors.is_empty() {
        locator.locate_all(report.errors.iter_mut().chain(report.warnings.iter_mut()));
    }
    let generated = generated.map(|mut generated| {
        generated.warnings.clone_from(&report.warnings);
        generated
    });
    (generated, report)
}

fn check_raw(
    raw: RawSpec,
    settings: &Settings,
    mut report: Report,
    locator: &mut Locator,
) -> (Option<Generated>, Report) {
    locator.set_origins(raw.origins.clone());
    report.errors.extend(raw.problems.iter().cloned().map(from_spec_error));
    // Validation runs while the model is read (the largest part on another thread).
    let (spec, findings) = raw.into_model_with(validate::validate);
    report.errors.extend(findings.errors);
    report.warnings.extend(findings.warnings);
    let spec = match spec {
        Ok(spec) => spec,
        Err(problem) => {
            let diagnostic = from_spec_error(problem);
            if !overlaps_reported(&report.errors, diagnostic.pointer.as_deref()) {
                report.errors.push(diagnostic);
            }
            return (None, report);
        }
    };
    // The settings are checked and parsed once, here; the model reads what this gives.
    let (checked, problems) = crate::checked::check(&spec, settings);
    report.errors.extend(problems);
    if !report.errors.is_empty() {
        return (None, report);
    }
    let generated = generate_checked(&spec, &checked);
    report.warnings.extend(generated.warnings.iter().cloned());
    drop_aside(spec);
    (Some(generated), report)
}

/// Frees a loaded document on another thread: a large spec's model and JSON are hundreds of
/// thousands of allocations, and the expansion need not wait for them.
/// When no thread can be started, it is freed here (the failed spawn drops it).
fn drop_aside(spec: conductor_spec::LoadedSpec) {
    let _ = std::thread::Builder::new()
        .name("conductor-drop".to_owned())
        .spawn(move || drop(spec));
}

/// Whether an error was already reported at `pointer`, above it or below it (a model error
/// there is a consequence of it).
fn overlaps_reported(errors: &[Diagnostic], pointer: Option<&str>) -> bool {
    let Some(pointer) = pointer else {
        return false;
    };
    errors
        .iter()
        .filter(|e| e.file.is_none())
        .filter_map(|e| e.pointer.as_deref())
        .any(|reported| {
            let (a, b) = if reported.len() <= pointer.len() {
                (reported, pointer)
            } else {
                (pointer, reported)
            };
            b == a || (b.starts_with(a) && b.as_bytes().get(a.len()) == Some(&b'/'))
        })
}

/// A loader error as a diagnostic: file-level errors name the file (and a position where the
/// parser gave one); errors inside the document carry a pointer.
fn from_spec_error(problem: SpecError) -> Diagnostic {
    let file = Some(problem.path().to_path_buf());
    let mut diagnostic = match problem {
        SpecError::Io { message, .. } => Diagnostic::error(file, None, format!("cannot read the spec: {message}")),
        SpecError::Syntax {
            format,
            line,
            column,
            message,
            ..
        } => {
            let mut diagnostic = Diagnostic::error(file, None, format!("invalid {format}: {message}"));
            diagnostic.position = Some((line, column));
            diagnostic
        }
        SpecError::NotOpenApi { message, .. } => Diagnostic::error(
            file,
            Some("#".to_owned()),
            format!("not an OpenAPI document: {message}"),
        ),
        SpecError::Swagger2 { version, .. } => Diagnostic::error(
            file,
            Some("#/swagger".to_owned()),
            format!(
                "this is a Swagger {version} document, and only OpenAPI 3.0 and 3.1 are supported; convert it \
                 (e.g. `npx swagger2openapi spec.yaml -o openapi.yaml`) and point `spec` at the result"
            ),
        ),
        SpecError::UnsupportedVersion { version, .. } => Diagnostic::error(
            file,
            Some("#/openapi".to_owned()),
            format!("unsupported OpenAPI version `{version}`; supported versions are 3.0.x and 3.1.x"),
        ),
        SpecError::UnresolvedRef {
            location,
            reference,
            message,
            ..
        } => Diagnostic::error(
            file,
            Some(format!("#{location}/$ref")),
            format!("unresolved $ref `{reference}`: {message}"),
        ),
        SpecError::Model { pointer, message, .. } => Diagnostic::error(
            None,
            Some(format!("#{pointer}")),
            format!("does not match the OpenAPI model: {message}"),
        ),
        other => Diagnostic::error(file, None, other.to_string()),
    };
    diagnostic.severity = Severity::Error;
    diagnostic
}
