//! Turning spec descriptions into doc comments that rustdoc renders and never runs.

use std::fmt::Write as _;

use proc_macro2::TokenStream;
use quote::quote;

/// Doc attributes for `text`, one per line.
///
/// Fenced code blocks without a language (or marked `rust`) are marked `text` so they never
/// become doctests; indentation outside fences is removed so an indented block cannot become
/// one either.
///
/// The attributes are written as text and lexed once: a spec's descriptions are megabytes, and
/// building each attribute token by token (escaping each literal a character at a time) was a
/// tenth of the generator's time on GitHub's spec; inside the compiler it is also one call
/// instead of five per line.
pub(crate) fn doc_attrs(text: &str) -> TokenStream {
    let lines = doc_lines(text);
    let mut source = String::with_capacity(lines.iter().map(|line| line.len() + 16).sum());
    for line in lines.iter().map(|line| doc_line(line)) {
        // `Debug` writes a valid Rust string literal; writing to a String cannot fail.
        let _ = write!(source, "#[doc = {line:?}]");
    }
    source.parse().unwrap_or_else(|_| token_by_token(&lines))
}

/// A line as a doc comment's attribute holds it: after a space, as `/// line` would.
fn doc_line(line: &str) -> String {
    if line.is_empty() {
        String::new()
    } else {
        [" ", line].concat()
    }
}

/// The same attributes built token by token (for text the lexer would refuse, which `Debug`
/// output never is).
fn token_by_token(lines: &[String]) -> TokenStream {
    let attrs = lines.iter().map(|line| {
        let line = doc_line(line);
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
    fn lexed_attributes_hold_the_same_text_as_built_ones() {
        let text = "Plain \"quoted\" and back\\slash, tab\there, nul\u{0}7, bell\u{7}, é, 🚀, \u{301}accent, \
                    */ not a comment end\n\n  indented\n```rust\nfn main() {}\n```";
        let values = |tokens: TokenStream| -> Vec<String> {
            let item: syn::ItemStruct = syn::parse2(quote! { #tokens struct S; }).unwrap_or_else(|e| panic!("{e}"));
            item.attrs
                .iter()
                .map(|attr| match &attr.meta {
                    syn::Meta::NameValue(syn::MetaNameValue {
                        value:
                            syn::Expr::Lit(syn::ExprLit {
                                lit: syn::Lit::Str(lit),
                                ..
                            }),
                        ..
                    }) if attr.path().is_ident("doc") => lit.value(),
                    other => panic!("not a doc attribute: {}", quote! { #other }),
                })
                .collect()
        };
        let lexed = values(doc_attrs(text));
        assert_eq!(lexed, values(token_by_token(&doc_lines(text))));
        assert_eq!(lexed.len(), doc_lines(text).len());
        assert_eq!(lexed[0], " Plain \"quoted\" and back\\slash, tab\there, nul\u{0}7, bell\u{7}, é, 🚀, \u{301}accent, */ not a comment end");
    }

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
