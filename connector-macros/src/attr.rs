//! The attribute's arguments, parsed once into typed values that keep the span of what was
//! written, every problem collected before any is reported (serde_derive's
//! `internals/attr.rs` and `internals/ctxt.rs`). The generator gets the values as
//! [`Settings`]; its diagnostics come back with an [`Origin`], which [`Attribute::span`] turns
//! into the span of the value they are about.

use std::collections::BTreeSet;

use conductor_codegen::{Key, Origin, Part, Schemas, Settings};
use proc_macro2::{Span, TokenStream};
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Ident, LitStr, Token};

/// A value of the attribute, and the span of the literal it was written as.
pub(crate) struct Spanned<T> {
    pub(crate) value: T,
    pub(crate) span: Span,
}

impl Spanned<String> {
    fn of(literal: &LitStr) -> Self {
        Self {
            value: literal.value(),
            span: literal.span(),
        }
    }
}

/// The attribute's arguments: every value that parsed, with its span.
#[derive(Default)]
pub(crate) struct Attribute {
    /// `spec = "..."`: where problems inside the document are reported.
    pub(crate) spec: Option<Spanned<String>>,
    crate_path: Option<Spanned<syn::Path>>,
    schemas: Option<Spanned<Schemas>>,
    envelope: Option<Spanned<String>>,
    tags: Vec<Spanned<String>>,
    operations: Vec<Spanned<String>>,
    exclude_operations: Vec<Spanned<String>>,
    rename: Vec<[Spanned<String>; 2]>,
    pagination: Vec<[Spanned<String>; 2]>,
}

impl Attribute {
    /// Parses the attribute's arguments. The error holds every problem found; the values that
    /// parsed are kept either way (the fallback module names the runtime by `crate_path`).
    pub(crate) fn parse(args: TokenStream) -> (Self, Option<syn::Error>) {
        let mut cx = Ctxt::default();
        let mut attribute = Self::default();
        match Punctuated::<KeyValue, Token![,]>::parse_terminated.parse2(args) {
            Ok(pairs) => {
                if !pairs.iter().any(|pair| pair.key == Key::Spec.name()) {
                    cx.error(missing_spec());
                }
                let mut given = BTreeSet::new();
                for pair in pairs {
                    attribute.set(&mut cx, &mut given, pair);
                }
            }
            Err(err) => cx.error(err),
        }
        (attribute, cx.errors)
    }

    /// Takes one `key = value`, or records why it cannot.
    fn set(&mut self, cx: &mut Ctxt, given: &mut BTreeSet<Key>, pair: KeyValue) {
        let KeyValue { key: ident, value } = pair;
        let Some(key) = Key::from_name(&ident.to_string()) else {
            let expected: Vec<&str> = Key::ALL.iter().map(|key| key.name()).collect();
            let message = format!("unknown key `{ident}`; expected one of: {}", expected.join(", "));
            return cx.error(syn::Error::new(ident.span(), message));
        };
        let duplicate = |given: &BTreeSet<Key>| {
            given
                .contains(&key)
                .then(|| syn::Error::new(ident.span(), format!("duplicate key `{key}`")))
        };
        match key {
            Key::Tags | Key::Operations | Key::ExcludeOperations => {
                if let Some(err) = duplicate(given) {
                    return cx.error(err);
                }
                let list = match string_list(key, value) {
                    Ok(list) => list.iter().map(Spanned::of).collect(),
                    Err(err) => return cx.error(err),
                };
                given.insert(key);
                match key {
                    Key::Tags => self.tags = list,
                    Key::Operations => self.operations = list,
                    _ => self.exclude_operations = list,
                }
            }
            Key::Rename | Key::Pagination => {
                if let Some(err) = duplicate(given) {
                    return cx.error(err);
                }
                let pairs = match pair_list(key, value) {
                    Ok(pairs) => pairs
                        .iter()
                        .map(|(first, second)| [Spanned::of(first), Spanned::of(second)])
                        .collect(),
                    Err(err) => return cx.error(err),
                };
                given.insert(key);
                match key {
                    Key::Rename => self.rename = pairs,
                    _ => self.pagination = pairs,
                }
            }
            Key::Spec | Key::CratePath | Key::Schemas | Key::Envelope => {
                let literal = match value {
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(literal),
                        ..
                    }) => literal,
                    other => {
                        let example = match key {
                            Key::Spec => "\"specs/openapi.yaml\"",
                            Key::Schemas => "\"all\"",
                            Key::Envelope => "\"ok=/ok error=/error\"",
                            _ => "\"::connector_runtime\"",
                        };
                        let message = format!("`{key}` takes a string literal, e.g. `{key} = {example}`");
                        return cx.error(syn::Error::new_spanned(other, message));
                    }
                };
                if let Some(err) = duplicate(given) {
                    return cx.error(err);
                }
                given.insert(key);
                let span = literal.span();
                match key {
                    Key::Spec => self.spec = Some(Spanned::of(&literal)),
                    Key::Envelope => self.envelope = Some(Spanned::of(&literal)),
                    Key::CratePath => match literal.parse::<syn::Path>() {
                        Ok(value) => self.crate_path = Some(Spanned { value, span }),
                        Err(err) => {
                            let message =
                                format!("`crate_path` must be a Rust path such as `::connector_runtime`: {err}");
                            cx.error(syn::Error::new(span, message));
                        }
                    },
                    _ => match literal.value().parse::<Schemas>() {
                        Ok(value) => self.schemas = Some(Spanned { value, span }),
                        Err(message) => cx.error(syn::Error::new(span, message)),
                    },
                }
            }
            // A key of the settings this attribute does not take.
            _ => cx.error(syn::Error::new(ident.span(), format!("unsupported key `{key}`"))),
        }
    }

    /// The values, as the generator takes them.
    pub(crate) fn settings(&self) -> Settings {
        let texts = |list: &[Spanned<String>]| list.iter().map(|s| s.value.clone()).collect();
        let pairs = |list: &[[Spanned<String>; 2]]| {
            list.iter()
                .map(|[first, second]| (first.value.clone(), second.value.clone()))
                .collect()
        };
        let mut settings = Settings::default();
        if let Some(path) = &self.crate_path {
            settings.runtime_path = path.value.clone();
        }
        if let Some(schemas) = &self.schemas {
            settings.schemas = schemas.value;
        }
        settings.tags = texts(&self.tags);
        settings.operations = texts(&self.operations);
        settings.exclude_operations = texts(&self.exclude_operations);
        settings.renames = pairs(&self.rename);
        settings.pagination = pairs(&self.pagination);
        settings.envelope = self.envelope.as_ref().map(|s| s.value.clone());
        settings
    }

    /// The span of the value a diagnostic's origin names; `None` for a place in the spec (its
    /// error goes on the `spec` literal).
    pub(crate) fn span(&self, origin: Origin) -> Option<Span> {
        let entry = |list: &[Spanned<String>], index: usize| list.get(index).map(|s| s.span);
        let pair = |list: &[[Spanned<String>; 2]], index: usize, part: Part| {
            let [first, second] = list.get(index)?;
            Some(if part == Part::Second { second.span } else { first.span })
        };
        match origin {
            Origin::Setting(Key::Spec) => self.spec.as_ref().map(|s| s.span),
            Origin::Setting(Key::CratePath) => self.crate_path.as_ref().map(|s| s.span),
            Origin::Setting(Key::Schemas) => self.schemas.as_ref().map(|s| s.span),
            Origin::Setting(Key::Envelope) => self.envelope.as_ref().map(|s| s.span),
            Origin::Entry { key, index, part } => match key {
                Key::Tags => entry(&self.tags, index),
                Key::Operations => entry(&self.operations, index),
                Key::ExcludeOperations => entry(&self.exclude_operations, index),
                Key::Rename => pair(&self.rename, index, part),
                Key::Pagination => pair(&self.pagination, index, part),
                _ => None,
            },
            _ => None,
        }
    }
}

/// Problems found while parsing, combined into one error (serde_derive's `Ctxt`): the user
/// fixes them all in one build.
#[derive(Default)]
struct Ctxt {
    errors: Option<syn::Error>,
}

impl Ctxt {
    fn error(&mut self, err: syn::Error) {
        match &mut self.errors {
            Some(existing) => existing.combine(err),
            None => self.errors = Some(err),
        }
    }
}

pub(crate) fn missing_spec() -> syn::Error {
    syn::Error::new(
        Span::call_site(),
        "missing `spec = \"path/to/openapi.yaml\"`: the OpenAPI document to generate from",
    )
}

/// `[("a", "b"), ...]`.
fn pair_list(key: Key, value: syn::Expr) -> syn::Result<Vec<(LitStr, LitStr)>> {
    let wrong = |span: &dyn quote::ToTokens| {
        syn::Error::new_spanned(
            span,
            format!("`{key}` takes a list of pairs of string literals, e.g. `{key} = [(\"a\", \"b\")]`"),
        )
    };
    let syn::Expr::Array(array) = value else {
        return Err(wrong(&value));
    };
    let text = |expr: &syn::Expr| match expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(text),
            ..
        }) => Some(text.clone()),
        _ => None,
    };
    array
        .elems
        .iter()
        .map(|element| match element {
            syn::Expr::Tuple(tuple) if tuple.elems.len() == 2 => match (text(&tuple.elems[0]), text(&tuple.elems[1])) {
                (Some(from), Some(to)) => Ok((from, to)),
                _ => Err(wrong(element)),
            },
            other => Err(wrong(other)),
        })
        .collect()
}

/// A list of string literals: `["a", "b"]`.
fn string_list(key: Key, value: syn::Expr) -> syn::Result<Vec<LitStr>> {
    let wrong = |span: &dyn quote::ToTokens| {
        syn::Error::new_spanned(
            span,
            format!("`{key}` takes a list of string literals, e.g. `{key} = [\"a\", \"b\"]`"),
        )
    };
    let syn::Expr::Array(array) = value else {
        return Err(wrong(&value));
    };
    array
        .elems
        .into_iter()
        .map(|element| match element {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(text),
                ..
            }) => Ok(text),
            other => Err(wrong(&other)),
        })
        .collect()
}

/// `key = value`, the value any expression (its type is checked per key).
struct KeyValue {
    key: Ident,
    value: syn::Expr,
}

impl Parse for KeyValue {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let key: Ident = input.parse()?;
        input.parse::<Token![=]>()?;
        let value: syn::Expr = input.parse()?;
        Ok(KeyValue { key, value })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used)]

    use super::*;
    use quote::quote;

    #[test]
    fn every_problem_at_once_and_the_values_that_parsed() {
        let (attribute, errors) = Attribute::parse(quote! {
            spec = "a.yaml", crate_path = "not a path", schemas = "some", colour = 1, tags = ["x"],
            rename = [("Pet", "Animal")], tags = ["y"]
        });
        let messages: Vec<String> = errors
            .expect("the attribute has errors")
            .into_iter()
            .map(|e| e.to_string())
            .collect();
        assert_eq!(messages.len(), 4, "{messages:#?}");
        assert!(
            messages[0].starts_with("`crate_path` must be a Rust path"),
            "{messages:#?}"
        );
        assert_eq!(messages[1], "`schemas` is \"reachable\" or \"all\", not \"some\"");
        assert!(messages[2].starts_with("unknown key `colour`"), "{messages:#?}");
        assert_eq!(messages[3], "duplicate key `tags`");

        let settings = attribute.settings();
        assert_eq!(settings.tags, ["x"]);
        assert_eq!(settings.renames, [("Pet".to_owned(), "Animal".to_owned())]);
        let entry = |key, index, part| Origin::Entry { key, index, part };
        assert!(attribute.span(entry(Key::Tags, 0, Part::Whole)).is_some());
        assert!(attribute.span(entry(Key::Tags, 1, Part::Whole)).is_none());
        assert!(attribute.span(entry(Key::Rename, 0, Part::Second)).is_some());
        assert!(attribute.span(Origin::Setting(Key::Envelope)).is_none());
        assert!(attribute.span(Origin::Spec).is_none());
    }

    #[test]
    fn a_missing_spec_is_an_error() {
        let (attribute, errors) = Attribute::parse(quote! { tags = ["x"] });
        assert!(attribute.spec.is_none());
        let message = errors.expect("no spec").to_string();
        assert!(message.starts_with("missing `spec"), "{message}");
    }
}
