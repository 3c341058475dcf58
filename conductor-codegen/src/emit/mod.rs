//! Emission: the model → tokens.

pub(crate) mod client;
pub(crate) mod paginate;
pub(crate) mod types;

/// A string literal for `text`, written by `Debug` (which copies whole runs of plain
/// characters) and lexed, rather than escaped a character at a time as `proc_macro2` does; the
/// generator writes many thousands of wire names.
pub(crate) fn string_literal(text: &str) -> proc_macro2::Literal {
    format!("{text:?}")
        .parse()
        .unwrap_or_else(|_| proc_macro2::Literal::string(text))
}

#[cfg(test)]
mod tests {
    #[test]
    fn string_literals_hold_their_text() {
        for text in [
            "owner",
            "",
            "a \"quoted\" \\ path/{id}",
            "tab\tnul\u{0}7 é 🚀 \u{301}",
            "x-github-request-id",
        ] {
            let literal = super::string_literal(text);
            let parsed: syn::LitStr = syn::parse2(quote::quote! { #literal }).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(parsed.value(), text);
        }
    }
}
