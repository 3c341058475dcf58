//! The `#[connector]` attribute. A thin shell: it parses its arguments, calls
//! `conductor-codegen`, and turns problems into `compile_error!`s spanned on the attribute.
//!
//! Use it through `connector_runtime::connector`.

use std::path::{Path, PathBuf};

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as TokenStream2};
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Ident, ItemMod, LitStr, Token};

/// Generates a typed client for an OpenAPI document into the annotated module.
///
/// ```ignore
/// #[connector(spec = "specs/petstore.yaml")]
/// pub mod petstore {}
/// ```
///
/// # Options
///
/// ```text
/// #[connector( option ( , option )* ,? )]
/// option := spec = "PATH"                     required, once
///         | crate_path = "PATH"               optional, once
///         | tags = ["TAG", ...]               optional, once
///         | operations = ["ID", ...]          optional, once
///         | exclude_operations = ["ID", ...]  optional, once
///         | schemas = "reachable" | "all"     optional, once
///         | rename = [("FROM", "TO"), ...]    optional, once
///         | pagination = [("ID", "DECL"), ...] optional, once
///         | envelope = "ok=/PTR error=/PTR"   optional, once
/// ```
///
/// | key | value | meaning |
/// |---|---|---|
/// | `spec` | string, required | path of the OpenAPI 3.0/3.1 document (JSON, or YAML by the `.yaml`/`.yml` extension), relative to the crate's `Cargo.toml` (or, failing that, to the invoking source file's directory or a directory above it) |
/// | `crate_path` | string | path of the runtime crate, default `::connector_runtime` |
/// | `tags` | list of strings | generate the operations with any of these tags |
/// | `operations` | list of strings | generate the operations with these `operationId`s (with `tags`: either list selects) |
/// | `exclude_operations` | list of strings | never generate these operations |
/// | `schemas` | `"reachable"` (default) or `"all"` | which schemas become types: those the generated operations send or receive, or every component schema (unreached ones implement `Deserialize` only) |
/// | `rename` | list of `("spec name", "RustName")` pairs | a component schema gets this type name, an operation (by `operationId`) this method name |
/// | `envelope` | string | an error envelope inside success responses (Slack's `{"ok": false, "error": "..."}`): a 2xx whose body has `false` at the `ok` pointer fails with [`ErrorKind::Envelope`](../connector_runtime/enum.ErrorKind.html) carrying the text at `error`; overrides the document's `x-conductor-envelope` |
/// | `pagination` | list of `("operationId", "declaration")` pairs | how the operation paginates, overriding the spec's extensions and detection: `"link"`, `"cursor param=P next=/ptr"`, `"last_item param=P field=id has_more=/ptr"`, `"next_url url=/ptr"`, `"offset offset=P limit=P"`, `"page page=P per_page=P first=1"`, each with an optional `items=/ptr`; or `"none"` |
///
/// An unknown tag, operation id or rename source is a compile error with the closest existing
/// name; a rename that is not an identifier, or that collides with another generated name, is
/// a compile error naming both.
///
/// # Diagnostics
///
/// Every problem is a compile error, never a panic, and all of them are reported in one
/// build: an unknown, duplicate or mistyped key or a missing `spec` is spanned on the
/// offending key or value; a problem with the spec file (not found, a directory, a JSON/YAML
/// syntax error, not OpenAPI, Swagger 2.0, an unsupported version) or inside the document (an
/// unresolved `$ref` with a "did you mean", a `$ref` cycle, duplicate `operationId`s, path
/// parameters missing from or absent in the path template, a parameter style its location does
/// not allow, a schema construct that cannot be expressed) is spanned on the `spec = "..."`
/// literal and names the file (relative to the directory the path was resolved against),
/// `line:column` and the JSON pointer. The module is still emitted with its own items, so one
/// mistake does not cascade. Warnings (fallbacks to `serde_json::Value`) cannot be printed by a
/// proc macro on stable Rust: `conductor_codegen::check_file` returns them.
///
/// The module receives:
///
/// - `types`: one Rust type per schema;
/// - `Client`: `Client::new(base_url)` or `Client::builder()`, one method per operation;
/// - `builders`: the request builder each method returns; `.await` it to send;
/// - `API`: the static description of the API.
///
/// Items already in the module are kept. Every file the spec reads (including files it
/// `$ref`s) is tracked, so editing any of them rebuilds the crate.
#[proc_macro_attribute]
pub fn connector(args: TokenStream, item: TokenStream) -> TokenStream {
    expand(args.into(), item.into()).into()
}

fn expand(args: TokenStream2, item: TokenStream2) -> TokenStream2 {
    let module: ItemMod = match syn::parse2(item) {
        Ok(module) => module,
        Err(err) => return err.into_compile_error(),
    };
    let args: Args = match syn::parse2(args) {
        Ok(args) => args,
        Err(err) => return with_module(&module, err.into_compile_error()),
    };
    let Some(spec) = args.spec.clone() else {
        return with_module(&module, missing_spec().into_compile_error());
    };
    let mut settings = conductor_codegen::Settings::default();
    if let Some(path) = &args.crate_path {
        match path.parse::<syn::Path>() {
            Ok(path) => settings.runtime_path = path,
            Err(err) => {
                let message = format!("`crate_path` must be a Rust path such as `::connector_runtime`: {err}");
                return with_module(&module, syn::Error::new(path.span(), message).into_compile_error());
            }
        }
    }
    let texts = |list: &Option<Vec<LitStr>>| list.iter().flatten().map(LitStr::value).collect::<Vec<_>>();
    settings.tags = texts(&args.tags);
    settings.operations = texts(&args.operations);
    settings.exclude_operations = texts(&args.exclude_operations);
    settings.renames = args
        .renames
        .iter()
        .flatten()
        .map(|(from, to)| (from.value(), to.value()))
        .collect();
    settings.envelope = args.envelope.as_ref().map(LitStr::value);
    settings.pagination = args
        .pagination
        .iter()
        .flatten()
        .map(|(id, declaration)| (id.value(), declaration.value()))
        .collect();
    if let Some(schemas) = &args.schemas {
        settings.schemas = match schemas.value().as_str() {
            "reachable" => conductor_codegen::Schemas::Reachable,
            "all" => conductor_codegen::Schemas::All,
            other => {
                let message = format!("`schemas` is \"reachable\" or \"all\", not \"{other}\"");
                return with_module(&module, syn::Error::new(schemas.span(), message).into_compile_error());
            }
        };
    }
    let given = spec.value();
    let resolved = resolve_spec_path(&given);
    if !resolved.path.exists() {
        let message = format!(
            "cannot find the spec `{given}`: there is no file at `$CARGO_MANIFEST_DIR/{given}`, nor next to this source \
             file or in a directory above it"
        );
        return with_module(&module, syn::Error::new(spec.span(), message).into_compile_error());
    }
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        conductor_codegen::generate_from_file(&resolved.path, &settings)
    }));
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(payload) => {
            let reason = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            let message = format!(
                "internal error: the generator panicked on `{given}` ({reason}); this is a bug, please report it with the spec"
            );
            return with_module(&module, syn::Error::new(spec.span(), message).into_compile_error());
        }
    };
    match outcome {
        Ok(generated) => {
            let tracked = generated.files.iter().map(|file| {
                let file = file.to_string_lossy();
                quote! { const _: &[u8] = ::core::include_bytes!(#file); }
            });
            let body = generated.tokens;
            with_module(&module, quote! { #(#tracked)* #body })
        }
        Err(problems) => {
            let errors = problems.iter().map(|problem| {
                let mut problem = problem.clone();
                problem.relative_to(&resolved.base);
                let message = problem.to_string();
                let span = attribute_span(&problem.message, &args).unwrap_or_else(|| spec.span());
                quote::quote_spanned! { span => ::core::compile_error!(#message); }
            });
            let tracked = problems.tracked_files().iter().map(|file| {
                let file = file.to_string_lossy();
                quote! { const _: &[u8] = ::core::include_bytes!(#file); }
            });
            with_module(&module, quote! { #(#errors)* #(#tracked)* })
        }
    }
}

/// For a problem with a selection or a rename given in the attribute, the span of the value it
/// is about (the problem's message names it in backquotes).
fn attribute_span(message: &str, args: &Args) -> Option<Span> {
    // The message starts with the key in backquotes; the value it is about comes next.
    let mut quoted = message.split('`').skip(1).step_by(2);
    let key = quoted.next()?;
    let value = quoted.next()?;
    let is = |literal: &LitStr| literal.value() == value;
    match key {
        "rename" => args.renames.iter().flatten().find_map(|(from, to)| {
            if is(to) && !is(from) && message.contains("is not a Rust identifier") {
                Some(to.span())
            } else {
                is(from).then(|| from.span())
            }
        }),
        "operations" => args.operations.iter().flatten().find(|l| is(l)).map(LitStr::span),
        "exclude_operations" => args
            .exclude_operations
            .iter()
            .flatten()
            .find(|l| is(l))
            .map(LitStr::span),
        "tags" => args.tags.iter().flatten().find(|l| is(l)).map(LitStr::span),
        "envelope" => args.envelope.as_ref().map(LitStr::span),
        "pagination" => {
            // `pagination` for `ID` is `DECLARATION`: ...; an unknown `ID` has no declaration.
            let declared = quoted.next();
            let mut pairs = args.pagination.iter().flatten();
            match declared {
                Some(text) if !message.contains("which the spec does not have") => pairs
                    .rfind(|(id, declaration)| is(id) && declaration.value() == text)
                    .map(|(_, declaration)| declaration.span()),
                _ => pairs.map(|(id, _)| id).find(|id| is(id)).map(LitStr::span),
            }
        }
        _ => None,
    }
}

/// The user's module with `extra` appended to its items.
fn with_module(module: &ItemMod, extra: TokenStream2) -> TokenStream2 {
    let attrs = &module.attrs;
    let vis = &module.vis;
    let ident = &module.ident;
    let items = module
        .content
        .as_ref()
        .map(|(_, items)| items.as_slice())
        .unwrap_or_default();
    quote! {
        #(#attrs)*
        #vis mod #ident {
            #(#items)*
            #extra
        }
    }
}

/// A spec path resolved to a file, and the directory it was resolved against (messages name
/// files relative to it, so they do not depend on where the checkout lives).
struct Resolved {
    path: PathBuf,
    base: PathBuf,
}

/// Resolves the spec path against `CARGO_MANIFEST_DIR`, falling back to the directory of the
/// invoking source file and its parents (for builds whose manifest is elsewhere, such as
/// trybuild's). A path that exists nowhere is resolved against `CARGO_MANIFEST_DIR`.
fn resolve_spec_path(relative: &str) -> Resolved {
    let given = Path::new(relative);
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from);
    if given.is_absolute() {
        return Resolved {
            path: given.to_path_buf(),
            base: manifest_dir.unwrap_or_default(),
        };
    }
    if let Some(dir) = &manifest_dir {
        let candidate = dir.join(given);
        if candidate.exists() {
            return Resolved {
                path: candidate,
                base: dir.clone(),
            };
        }
    }
    let source_file = proc_macro::Span::call_site().local_file();
    if let Some(source_dir) = source_file.as_deref().and_then(Path::parent) {
        let source_dir = manifest_dir
            .as_ref()
            .map_or_else(|| source_dir.to_path_buf(), |m| m.join(source_dir));
        for ancestor in source_dir.ancestors() {
            let candidate = ancestor.join(given);
            if candidate.exists() {
                return Resolved {
                    path: candidate,
                    base: ancestor.to_path_buf(),
                };
            }
        }
    }
    let base = manifest_dir.unwrap_or_default();
    Resolved {
        path: base.join(given),
        base,
    }
}

fn missing_spec() -> syn::Error {
    syn::Error::new(
        Span::call_site(),
        "missing `spec = \"path/to/openapi.yaml\"`: the OpenAPI document to generate from",
    )
}

/// The attribute's arguments.
struct Args {
    spec: Option<LitStr>,
    crate_path: Option<LitStr>,
    schemas: Option<LitStr>,
    envelope: Option<LitStr>,
    tags: Option<Vec<LitStr>>,
    operations: Option<Vec<LitStr>>,
    exclude_operations: Option<Vec<LitStr>>,
    renames: Option<Vec<(LitStr, LitStr)>>,
    pagination: Option<Vec<(LitStr, LitStr)>>,
}

const KEYS: &[&str] = &[
    "spec",
    "crate_path",
    "tags",
    "operations",
    "exclude_operations",
    "schemas",
    "rename",
    "pagination",
    "envelope",
];

/// `[("a", "b"), ...]`.
fn pair_list(key: &Ident, value: syn::Expr) -> syn::Result<Vec<(LitStr, LitStr)>> {
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
fn string_list(key: &Ident, value: syn::Expr) -> syn::Result<Vec<LitStr>> {
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

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut args = Args {
            spec: None,
            crate_path: None,
            schemas: None,
            envelope: None,
            tags: None,
            operations: None,
            exclude_operations: None,
            renames: None,
            pagination: None,
        };
        let pairs = Punctuated::<KeyValue, Token![,]>::parse_terminated(input)?;
        let mut errors: Option<syn::Error> = None;
        let mut push = |err: syn::Error| match &mut errors {
            Some(existing) => existing.combine(err),
            None => errors = Some(err),
        };
        let spec_given = pairs.iter().any(|pair| pair.key == "spec");
        for pair in pairs {
            let list_slot = match pair.key.to_string().as_str() {
                "tags" => Some(&mut args.tags),
                "operations" => Some(&mut args.operations),
                "exclude_operations" => Some(&mut args.exclude_operations),
                _ => None,
            };
            let pair_slot = match pair.key.to_string().as_str() {
                "rename" => Some(&mut args.renames),
                "pagination" => Some(&mut args.pagination),
                _ => None,
            };
            if let Some(slot) = pair_slot {
                if slot.is_some() {
                    push(syn::Error::new(
                        pair.key.span(),
                        format!("duplicate key `{}`", pair.key),
                    ));
                    continue;
                }
                match pair_list(&pair.key, pair.value) {
                    Ok(list) => *slot = Some(list),
                    Err(err) => push(err),
                }
                continue;
            }
            if let Some(slot) = list_slot {
                if slot.is_some() {
                    push(syn::Error::new(
                        pair.key.span(),
                        format!("duplicate key `{}`", pair.key),
                    ));
                    continue;
                }
                match string_list(&pair.key, pair.value) {
                    Ok(list) => *slot = Some(list),
                    Err(err) => push(err),
                }
                continue;
            }
            let slot = match pair.key.to_string().as_str() {
                "spec" => &mut args.spec,
                "crate_path" => &mut args.crate_path,
                "schemas" => &mut args.schemas,
                "envelope" => &mut args.envelope,
                other => {
                    push(syn::Error::new(
                        pair.key.span(),
                        format!("unknown key `{other}`; expected one of: {}", KEYS.join(", ")),
                    ));
                    continue;
                }
            };
            let value = match pair.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(value),
                    ..
                }) => value,
                other => {
                    let example = if pair.key == "spec" {
                        "\"specs/openapi.yaml\""
                    } else if pair.key == "schemas" {
                        "\"all\""
                    } else if pair.key == "envelope" {
                        "\"ok=/ok error=/error\""
                    } else {
                        "\"::connector_runtime\""
                    };
                    push(syn::Error::new_spanned(
                        other,
                        format!("`{}` takes a string literal, e.g. `{} = {example}`", pair.key, pair.key),
                    ));
                    continue;
                }
            };
            if slot.is_some() {
                push(syn::Error::new(
                    pair.key.span(),
                    format!("duplicate key `{}`", pair.key),
                ));
                continue;
            }
            *slot = Some(value);
        }
        if !spec_given {
            push(missing_spec());
        }
        match errors {
            Some(err) => Err(err),
            None => Ok(args),
        }
    }
}

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
