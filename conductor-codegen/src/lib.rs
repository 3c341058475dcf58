//! The generator behind `#[connector]`: an OpenAPI document in, Rust tokens out.
//!
//! Stages, each with one job: [`conductor_spec`] loads and normalises the document; the type
//! space turns schemas into a model of Rust types; the operations stage resolves parameters,
//! bodies and responses; emission turns both into tokens; [`render`] pretty-prints them.
//! Generation is a pure function of the spec and the [`Settings`]: the same input always gives
//! byte-identical output.
//!
//! The generated code is mostly data — types and one small description per operation — and
//! leaves building, sending, retrying and decoding to `connector-runtime`.

mod case;
mod checked;
mod diagnostics;
mod docs;
mod emit;
mod envelope;
mod expand;
mod fast_hash;
mod frame;
mod locate;
mod model;
mod names;
mod operations;
mod pagination;
mod pretty;
mod renames;
mod report;
mod selection;
mod settings;
mod typespace;
mod validate;

use std::path::Path;

pub use conductor_spec;
pub use conductor_spec::derived_id;
pub use diagnostics::{relative_path, Diagnostic, Origin, Part, Problems, Related, Severity};
pub use expand::{fallback, generate, Generated};
pub use names::is_keyword;
pub use pretty::render;
pub use report::Report;
pub use settings::{Key, Schemas, Settings};
pub use typespace::Construction;

/// Loads the spec at `path`, checks it and generates the connector's items.
///
/// ```
/// use std::path::Path;
/// use conductor_codegen::{generate_from_file, render, Settings};
///
/// let spec = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../specs/petstore.yaml"));
/// let mut settings = Settings::default();
/// settings.operations = vec!["getPetById".to_owned()];
/// let generated = generate_from_file(spec, &settings).expect("the petstore generates");
/// assert_eq!(generated.operation_count, 1);
/// assert_eq!(generated.methods, [("getPetById".to_owned(), "get_pet_by_id".to_owned())]);
/// let code = render(&generated.tokens).expect("the tokens parse");
/// assert!(code.contains("pub struct Client"));
/// assert!(code.contains("pub fn get_pet_by_id("));
/// ```
///
/// # Errors
///
/// Every problem that prevents expansion (all of them, not only the first), located by file,
/// JSON pointer and `line:column`, with the files read so far.
pub fn generate_from_file(path: &Path, settings: &Settings) -> Result<Generated, Problems> {
    expansion(report::run(
        path,
        report::Source::File,
        settings,
        report::Locate::ErrorsOnly,
    ))
}

/// The generated items when there is no error, else every problem with the files read.
fn expansion((generated, report): (Option<Generated>, Report)) -> Result<Generated, Problems> {
    match generated {
        Some(generated) if report.errors.is_empty() => Ok(generated),
        _ => Err(Problems {
            diagnostics: report.errors,
            files: report.files,
        }),
    }
}

/// As [`generate_from_file`], for an already parsed document whose origin is `path` (files it
/// `$ref`s are read relative to `path`).
///
/// # Errors
///
/// As [`generate_from_file`]; diagnostics carry pointers but no positions in the root file.
pub fn generate_from_value(
    path: &Path,
    document: serde_json::Value,
    settings: &Settings,
) -> Result<Generated, Problems> {
    expansion(report::run(
        path,
        report::Source::Value(document),
        settings,
        report::Locate::ErrorsOnly,
    ))
}

/// Checks the spec at `path` as [`generate_from_file`] would expand it, and returns every
/// error and every warning (fallbacks to `serde_json::Value`, ignored constructs, skipped
/// parts), each located by file, JSON pointer and `line:column`.
///
/// ```
/// use conductor_codegen::{check_file, Settings};
///
/// let dir = std::env::temp_dir().join(format!("conductor-check-file-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let spec = dir.join("broken.yaml");
/// std::fs::write(
///     &spec,
///     "openapi: 3.0.3\ninfo: {title: Broken, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        \
///      '200':\n          description: ok\n          content:\n            application/json:\n              \
///      schema: {$ref: '#/components/schemas/Pet'}\n",
/// )?;
/// let report = check_file(&spec, &Settings::default());
/// assert!(!report.is_ok());
/// let error = &report.errors[0];
/// assert_eq!(error.position, Some((11, 24))); // line:column of the `$ref`
/// assert!(error.to_string().contains("unresolved $ref"), "{error}");
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn check_file(path: &Path, settings: &Settings) -> Report {
    report::run(path, report::Source::File, settings, report::Locate::Always).1
}

/// As [`check_file`], with the root document's text in memory; files it `$ref`s are read
/// relative to `path`, which also chooses the syntax (`.yaml`/`.yml` or JSON).
pub fn check_str(path: &Path, text: &str, settings: &Settings) -> Report {
    report::run(path, report::Source::Text(text), settings, report::Locate::Always).1
}

/// As [`check_file`], for an already parsed document (diagnostics then carry pointers but no
/// positions in the root file).
pub fn check_value(path: &Path, document: serde_json::Value, settings: &Settings) -> Report {
    report::run(path, report::Source::Value(document), settings, report::Locate::Always).1
}
