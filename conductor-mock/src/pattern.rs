//! A string that matches a schema's `pattern`, for generated answers (Stripe's list objects
//! carry `url` with `pattern: ^/v1/charges`; text that ignores it fails the schema).
//!
//! The pattern is parsed with `regex-syntax` (already in the tree through the validator's regex
//! engines) and walked once: literals as written, the first printable character of a class, the
//! first branch of an alternation, each repetition its minimum count. Patterns it cannot parse
//! (look-arounds, back-references) give `None`, and the caller keeps its plain text.

use regex_syntax::hir::{Class, Hir, HirKind};

/// The longest text written for a pattern; a repetition that asks for more is cut short.
const MAX_LEN: usize = 256;

/// A string matching `pattern` (searched, as JSON Schema does: anchors are the pattern's own),
/// or `None` when the pattern is outside what this writes.
pub(crate) fn matching(pattern: &str) -> Option<String> {
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    let mut out = String::new();
    write(&hir, &mut out)?;
    (out.chars().count() <= MAX_LEN).then_some(out)
}

fn write(hir: &Hir, out: &mut String) -> Option<()> {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => Some(()),
        HirKind::Literal(literal) => {
            out.push_str(std::str::from_utf8(&literal.0).ok()?);
            Some(())
        }
        HirKind::Class(class) => {
            out.push(first_printable(class)?);
            Some(())
        }
        HirKind::Repetition(repetition) => {
            let count = usize::try_from(repetition.min).ok()?;
            if count > MAX_LEN {
                return None;
            }
            for _ in 0..count {
                write(&repetition.sub, out)?;
            }
            Some(())
        }
        HirKind::Capture(capture) => write(&capture.sub, out),
        HirKind::Concat(parts) => parts.iter().try_for_each(|part| write(part, out)),
        HirKind::Alternation(branches) => write(branches.first()?, out),
    }
}

/// The first character of the class that is printable ASCII, else its first character.
fn first_printable(class: &Class) -> Option<char> {
    match class {
        Class::Unicode(class) => {
            let printable = class.ranges().iter().find_map(|range| {
                let start = range.start().max('!');
                (start <= range.end() && start <= '~').then_some(start)
            });
            printable.or_else(|| class.ranges().first().map(|range| range.start()))
        }
        Class::Bytes(class) => {
            let printable = class.ranges().iter().find_map(|range| {
                let start = range.start().max(b'!');
                (start <= range.end() && start <= b'~').then_some(char::from(start))
            });
            printable.or_else(|| class.ranges().first().map(|range| char::from(range.start())))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_text_the_pattern_matches() {
        for pattern in [
            "^/v1/charges",
            r"^[a-z0-9-]+$",
            r"^\d{4}-\d{2}-\d{2}$",
            r"^(gh|ghs)_[A-Za-z0-9]{36}$",
            r"^[^\s]+@example\.com$",
            r"v\d+(\.\d+)*",
        ] {
            let text = matching(pattern).unwrap_or_else(|| panic!("{pattern}"));
            let schema = serde_json::json!({"type": "string", "pattern": pattern});
            let validator = jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{pattern}: {e}"));
            assert!(
                validator.is_valid(&serde_json::json!(text)),
                "{pattern} does not match {text:?}"
            );
        }
    }

    #[test]
    fn look_arounds_are_left_to_the_caller() {
        assert_eq!(matching("^(?=a)a$"), None);
        assert_eq!(matching("a{100000}"), None);
    }
}
