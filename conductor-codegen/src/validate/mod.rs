//! Checks a bundled, normalised document before it is modelled and generated, collecting
//! every problem rather than stopping at the first: unresolved `$ref`s (with a suggestion),
//! `$ref` cycles that define nothing, duplicate `operationId`s, path template parameters that
//! are missing or extra, parameters in an invalid location/style, and schema constructs that
//! cannot be expressed.
//!
//! Diagnostics are located by JSON pointers into the bundled document; the caller maps them
//! to files and `line:column`.

mod cycles;
mod findings;
mod params;
mod paths;
mod refs;
mod schemas;

use serde_json::Value;

pub(crate) use findings::Findings;

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
