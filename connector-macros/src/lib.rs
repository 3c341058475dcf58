//! The `#[connector]` attribute. A thin shell: it parses its arguments, calls
//! `conductor-codegen`, and turns problems into `compile_error!`s spanned on the attribute.
//!
//! Use it through `connector_runtime::connector`.

use std::path::{Path, PathBuf};

use proc_macro::TokenStream;
use proc_macro2::TokenStream as TokenStream2;
use quote::quote;
use syn::ItemMod;

use attr::Attribute;

mod attr;

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
/// `line:column` and the JSON pointer. After an error the module still gets its own items and a
/// skeleton — `API`, `Client` with `new`, `builder` and `runtime`, empty `types` and `builders`
/// — so code naming these adds no error of its own; a generated method or type is still
/// missing. Warnings (fallbacks to `serde_json::Value`) cannot be printed by a
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
    let (attribute, errors) = Attribute::parse(args);
    let settings = attribute.settings();
    let spec = match (errors, &attribute.spec) {
        (None, Some(spec)) => spec,
        (errors, spec) => {
            let errors = errors.unwrap_or_else(attr::missing_spec).into_compile_error();
            let given = spec.as_ref().map(|s| s.value.as_str()).unwrap_or_default();
            return with_module(&module, failed(errors, &settings, Path::new(given)));
        }
    };
    let given = &spec.value;
    let resolved = resolve_spec_path(given);
    if !resolved.path.exists() {
        let message = format!(
            "cannot find the spec `{given}`: there is no file at `$CARGO_MANIFEST_DIR/{given}`, nor next to this source \
             file or in a directory above it"
        );
        let error = syn::Error::new(spec.span, message).into_compile_error();
        return with_module(&module, failed(error, &settings, &resolved.path));
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
            let error = syn::Error::new(spec.span, message).into_compile_error();
            return with_module(&module, failed(error, &settings, &resolved.path));
        }
    };
    match outcome {
        Ok(generated) => {
            let tracked = tracked(&generated.files);
            let body = generated.tokens;
            with_module(&module, quote! { #tracked #body })
        }
        Err(problems) => {
            let errors = problems.iter().map(|problem| {
                let mut problem = problem.clone();
                problem.relative_to(&resolved.base);
                let message = problem.to_string();
                // A problem with a value of the attribute goes on that value; one in the spec
                // on the `spec` literal.
                let span = attribute.span(problem.origin).unwrap_or(spec.span);
                quote::quote_spanned! { span => ::core::compile_error!(#message); }
            });
            let tracked = tracked(problems.tracked_files());
            with_module(
                &module,
                failed(quote! { #(#errors)* #tracked }, &settings, &resolved.path),
            )
        }
    }
}

/// What a failed expansion puts in the module beside its own items: the errors, and the
/// module's skeleton (`API`, `Client`, empty `types` and `builders`), so that code naming them
/// adds no error of its own (thiserror's fallback).
fn failed(errors: TokenStream2, settings: &conductor_codegen::Settings, spec: &Path) -> TokenStream2 {
    let fallback = conductor_codegen::fallback(settings, spec);
    quote! { #errors #fallback }
}

/// Makes the crate depend on each of `files`, so that editing any of them rebuilds it.
fn tracked(files: &[PathBuf]) -> TokenStream2 {
    let files = files.iter().map(|file| {
        let file = file.to_string_lossy();
        quote! { const _: &[u8] = ::core::include_bytes!(#file); }
    });
    quote! { #(#files)* }
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
