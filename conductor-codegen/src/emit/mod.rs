//! Emission: the model → tokens.

pub(crate) mod client;
pub(crate) mod fallback;
pub(crate) mod paginate;
pub(crate) mod types;

use std::cell::Cell;

use proc_macro2::TokenStream;
use quote::ToTokens;

/// Token streams that `quote!` moves in rather than copies; see [`moved`].
pub(crate) struct Moved<I>(Cell<Option<I>>);

/// `streams`, to interpolate once as `#streams`, moved into the surrounding tokens.
///
/// `quote!` borrows what it interpolates, so `#stream` copies every top-level token of a
/// stream (`proc_macro2` allocates each identifier and literal anew) and the original is freed
/// afterwards; a field list or a module's items is copied once per enclosing `quote!`. Moved,
/// the tokens are placed once. Interpolating the same value a second time gives nothing.
pub(crate) fn moved<I: IntoIterator<Item = TokenStream>>(streams: I) -> Moved<I::IntoIter> {
    Moved(Cell::new(Some(streams.into_iter())))
}

impl<I: Iterator<Item = TokenStream>> ToTokens for Moved<I> {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        if let Some(streams) = self.0.take() {
            tokens.extend(streams);
        }
    }
}

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
