//! Checks a bundled, normalised document before it is modelled and generated, collecting
//! every problem rather than stopping at the first: unresolved `$ref`s (with a suggestion),
//! `$ref` cycles that define nothing, duplicate `operationId`s, path template parameters that
//! are missing or extra, parameters in an invalid location/style, and schema constructs that
//! cannot be expressed.
//!
//! Diagnostics are located by JSON pointers into the bundled document; the caller maps them
//! to files and `line:column`.

mod cycles;
mod params;
mod paths;
mod refs;
mod schemas;

use serde_json::Value;

use crate::diagnostics::Diagnostic;

/// What validation found.
#[derive(Default)]
pub(crate) struct Findings {
    pub(crate) errors: Vec<Diagnostic>,
    pub(crate) warnings: Vec<Diagnostic>,
}

impl Findings {
    fn error(&mut self, pointer: String, message: String) {
        self.errors.push(Diagnostic::at(pointer, message));
    }

    fn warning(&mut self, pointer: &str, message: String) {
        self.warnings.push(Diagnostic::warning(pointer, message));
    }
}

/// Validates the whole document.
pub(crate) fn validate(document: &Value) -> Findings {
    let mut findings = Findings::default();
    let ref_sites = refs::check(document, &mut findings);
    cycles::check(document, &ref_sites, &mut findings);
    paths::check(document, &mut findings);
    params::check_components(document, &mut findings);
    schemas::check(document, &mut findings);
    findings
}

/// Appends one token to a pointer.
fn child(pointer: &str, token: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + token.len() + 1);
    out.push_str(pointer);
    conductor_spec::push_token(&mut out, token);
    out
}

/// Appends `/` and an array index to a pointer.
fn push_index(pointer: &mut String, index: usize) {
    use std::fmt::Write as _;
    // Writing to a String cannot fail.
    let _ = write!(pointer, "/{index}");
}
