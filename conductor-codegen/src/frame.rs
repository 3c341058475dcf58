//! A diagnostic with a frame of the spec's text around its line, for command line tools.

use std::fmt::Write as _;

use crate::diagnostics::{Diagnostic, Severity};

/// Lines shown before the offending one.
const CONTEXT_BEFORE: usize = 2;

pub(crate) fn render(diagnostic: &Diagnostic, source: &str) -> String {
    let mut out = String::new();
    let label = match diagnostic.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let _ = writeln!(out, "{label}: {}", diagnostic.message);
    let file = diagnostic
        .file
        .as_ref()
        .map_or_else(|| "<spec>".to_owned(), |f| f.display().to_string());
    let Some((line, column)) = diagnostic.position else {
        let _ = writeln!(out, "  --> {file}");
        push_notes(&mut out, diagnostic, 3);
        return out;
    };
    let width = line.to_string().len().max(2);
    let pad = " ".repeat(width);
    let _ = writeln!(out, "{pad}--> {file}:{line}:{column}");
    let _ = writeln!(out, "{pad} |");
    let first = line.saturating_sub(CONTEXT_BEFORE).max(1);
    for (number, text) in source.lines().enumerate().map(|(i, t)| (i + 1, t)) {
        if number < first {
            continue;
        }
        if number > line {
            break;
        }
        let _ = writeln!(out, "{number:>width$} | {}", text.trim_end());
        if number == line {
            let indent: String = text
                .chars()
                .take(column.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let _ = writeln!(out, "{pad} | {indent}^");
        }
    }
    push_notes(&mut out, diagnostic, width + 1);
    out
}

fn push_notes(out: &mut String, diagnostic: &Diagnostic, indent: usize) {
    let pad = " ".repeat(indent);
    if let Some(pointer) = &diagnostic.pointer {
        let _ = writeln!(out, "{pad}= at {pointer}");
    }
    for related in &diagnostic.related {
        let place = match (&related.file, related.position) {
            (Some(file), Some((line, column))) => format!("{}:{line}:{column} ", file.display()),
            (Some(file), None) => format!("{} ", file.display()),
            _ => String::new(),
        };
        let _ = writeln!(out, "{pad}= {}: {place}({})", related.label, related.pointer);
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    #[test]
    fn frames_the_line_with_a_caret() {
        let mut diagnostic = Diagnostic::at("#/a/b".to_owned(), "bad value".to_owned());
        diagnostic.file = Some(PathBuf::from("specs/x.yaml"));
        diagnostic.position = Some((3, 5));
        let text = render(&diagnostic, "a:\n  x: 1\n  b: 2\nc: 3\n");
        assert_eq!(
            text,
            "error: bad value\n  --> specs/x.yaml:3:5\n   |\n 1 | a:\n 2 |   x: 1\n 3 |   b: 2\n   |     ^\n   = at #/a/b\n"
        );
    }
}
