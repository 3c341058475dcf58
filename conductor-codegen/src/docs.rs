//! Turning spec descriptions into doc comments that rustdoc renders and never runs.

use proc_macro2::TokenStream;
use quote::quote;

/// Doc attributes for `text`, one per line.
///
/// Fenced code blocks without a language (or marked `rust`) are marked `text` so they never
/// become doctests; indentation outside fences is removed so an indented block cannot become
/// one either.
pub(crate) fn doc_attrs(text: &str) -> TokenStream {
    let lines = doc_lines(text);
    let attrs = lines.iter().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote! { #[doc = #line] }
    });
    quote! { #(#attrs)* }
}

pub(crate) fn doc_lines(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut in_fence = false;
    for raw in text.trim().lines() {
        let trimmed = raw.trim_start();
        if let Some(info) = trimmed.strip_prefix("```") {
            if in_fence {
                in_fence = false;
                lines.push("```".to_owned());
            } else {
                in_fence = true;
                let language = info.trim();
                if language.is_empty() || language == "rust" {
                    lines.push("```text".to_owned());
                } else {
                    lines.push(format!("```{language}"));
                }
            }
            continue;
        }
        if in_fence {
            lines.push(raw.trim_end().to_owned());
        } else {
            lines.push(trimmed.trim_end().to_owned());
        }
    }
    if in_fence {
        lines.push("```".to_owned());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_never_become_doctests() {
        let lines = doc_lines("Intro\n\n```\nlet x = 1;\n```\n\n    indented code\n```json\n{}\n```\n```\nunclosed");
        assert_eq!(
            lines,
            [
                "Intro",
                "",
                "```text",
                "let x = 1;",
                "```",
                "",
                "indented code",
                "```json",
                "{}",
                "```",
                "```text",
                "unclosed",
                "```"
            ]
        );
    }
}
