//! A diagnostic with a frame of the spec's text around its line, for command line tools.

use std::fmt::Write as _;

use crate::diagnostics::{Diagnostic, Severity};

/// Lines shown before the offending one.
const CONTEXT_BEFORE: usize = 2;

/// The most characters of a line shown; a longer one (minified JSON is one line) is cut to a
/// window around the column, with `…` where it was cut.
const MAX_WIDTH: usize = 120;

impl Diagnostic {
    /// The diagnostic followed by a frame of `source` (the text of [`Diagnostic::file`])
    /// around its line, as a command line tool prints it:
    ///
    /// ```text
    /// error: unresolved $ref `#/components/schemas/Pett` ...
    ///   --> specs/petstore.yaml:12:15
    ///    |
    /// 12 |               $ref: '#/components/schemas/Pett'
    ///    |               ^
    ///    = at #/paths/~1pets/get/responses/200/content/application~1json/schema/$ref
    /// ```
    pub fn render_with_frame(&self, source: &str) -> String {
        render(self, source)
    }
}

fn render(diagnostic: &Diagnostic, source: &str) -> String {
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
        let (shown, caret) = clip(text.trim_end(), column);
        let _ = writeln!(out, "{number:>width$} | {shown}");
        if number == line {
            let indent: String = shown
                .chars()
                .take(caret)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let _ = writeln!(out, "{pad} | {indent}^");
        }
    }
    push_notes(&mut out, diagnostic, width + 1);
    out
}

/// `text` as shown: whole when it fits in [`MAX_WIDTH`] characters, else a window of that many
/// around `column` (1-based), marked `…` where cut; and how many characters of the shown text
/// come before the column.
fn clip(text: &str, column: usize) -> (String, usize) {
    let before = column.saturating_sub(1);
    let length = text.chars().count();
    if length <= MAX_WIDTH {
        return (text.to_owned(), before);
    }
    let start = before.saturating_sub(MAX_WIDTH / 2).min(length - MAX_WIDTH);
    let mut shown = String::new();
    if start > 0 {
        shown.push('…');
    }
    shown.extend(text.chars().skip(start).take(MAX_WIDTH));
    if start + MAX_WIDTH < length {
        shown.push('…');
    }
    (shown, before - start + usize::from(start > 0))
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

    #[test]
    fn a_long_line_is_cut_to_a_window_around_the_column() {
        let mut diagnostic = Diagnostic::at("#/x".to_owned(), "bad value".to_owned());
        diagnostic.position = Some((1, 5001));
        let line = format!("{}X{}", "a".repeat(5000), "b".repeat(5000));
        let text = render(&diagnostic, &line);
        let lines: Vec<&str> = text.lines().collect();
        let shown = lines[3].strip_prefix(" 1 | ").unwrap();
        assert!(shown.starts_with('…') && shown.ends_with('…'), "{shown}");
        assert_eq!(shown.chars().count(), MAX_WIDTH + 2);
        let caret = lines[4].strip_prefix("   | ").unwrap();
        assert_eq!(
            shown.chars().nth(caret.len() - 1),
            Some('X'),
            "the caret is under the column"
        );
        // Near the start, no marker in front.
        diagnostic.position = Some((1, 3));
        let text = render(&diagnostic, &line);
        let shown = text.lines().nth(3).unwrap().strip_prefix(" 1 | ").unwrap();
        assert!(shown.starts_with("aaa") && shown.ends_with('…'), "{shown}");
    }
}
