//! What the checks collect, and the pointer helpers they share.

use crate::diagnostics::Diagnostic;

/// What validation found.
#[derive(Default)]
pub(crate) struct Findings {
    pub(crate) errors: Vec<Diagnostic>,
    pub(crate) warnings: Vec<Diagnostic>,
}

impl Findings {
    pub(super) fn error(&mut self, pointer: String, message: String) {
        self.errors.push(Diagnostic::at(pointer, message));
    }

    pub(super) fn warning(&mut self, pointer: &str, message: String) {
        self.warnings.push(Diagnostic::warning(pointer, message));
    }
}

/// Appends one token to a pointer.
pub(super) fn child(pointer: &str, token: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + token.len() + 1);
    out.push_str(pointer);
    conductor_spec::push_token(&mut out, token);
    out
}

/// Appends `/` and an array index to a pointer.
pub(super) fn push_index(pointer: &mut String, index: usize) {
    use std::fmt::Write as _;
    // Writing to a String cannot fail.
    let _ = write!(pointer, "/{index}");
}
