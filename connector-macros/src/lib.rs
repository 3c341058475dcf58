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
/// | key | value | meaning |
/// |---|---|---|
/// | `spec` | string, required | path of the OpenAPI 3.0/3.1 document (JSON, or YAML by the `.yaml`/`.yml` extension), relative to the crate's `Cargo.toml` |
/// | `crate_path` | string | path of the runtime crate, default `::connector_runtime` |
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
        let err = syn::Error::new(Span::call_site(), "missing `spec = \"path/to/openapi.yaml\"`");
        return with_module(&module, err.into_compile_error());
    };
    let mut settings = conductor_codegen::Settings::default();
    if let Some(path) = &args.crate_path {
        match path.parse::<syn::Path>() {
            Ok(path) => settings.runtime_path = path,
            Err(err) => return with_module(&module, syn::Error::new(path.span(), err).into_compile_error()),
        }
    }
    let path = resolve_spec_path(&spec.value());
    match conductor_codegen::generate_from_file(&path, &settings) {
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
                let message = problem.to_string();
                quote::quote_spanned! { spec.span() => ::core::compile_error!(#message); }
            });
            let tracked = problems.tracked_files().iter().map(|file| {
                let file = file.to_string_lossy();
                quote! { const _: &[u8] = ::core::include_bytes!(#file); }
            });
            with_module(&module, quote! { #(#errors)* #(#tracked)* })
        }
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

/// Resolves the spec path against `CARGO_MANIFEST_DIR`, falling back to the directory of the
/// invoking source file (for builds whose manifest is elsewhere, such as trybuild's).
fn resolve_spec_path(relative: &str) -> PathBuf {
    let given = Path::new(relative);
    if given.is_absolute() {
        return given.to_path_buf();
    }
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from);
    if let Some(dir) = &manifest_dir {
        let candidate = dir.join(given);
        if candidate.exists() {
            return candidate;
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
                return candidate;
            }
        }
    }
    manifest_dir.unwrap_or_default().join(given)
}

/// The attribute's arguments.
struct Args {
    spec: Option<LitStr>,
    crate_path: Option<LitStr>,
}

const KEYS: &[&str] = &["spec", "crate_path"];

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut args = Args {
            spec: None,
            crate_path: None,
        };
        let pairs = Punctuated::<KeyValue, Token![,]>::parse_terminated(input)?;
        let mut errors: Option<syn::Error> = None;
        let mut push = |err: syn::Error| match &mut errors {
            Some(existing) => existing.combine(err),
            None => errors = Some(err),
        };
        for pair in pairs {
            let slot = match pair.key.to_string().as_str() {
                "spec" => &mut args.spec,
                "crate_path" => &mut args.crate_path,
                other => {
                    push(syn::Error::new(
                        pair.key.span(),
                        format!("unknown key `{other}`; expected one of: {}", KEYS.join(", ")),
                    ));
                    continue;
                }
            };
            let value = match pair.value {
                syn::Lit::Str(value) => value,
                other => {
                    push(syn::Error::new(
                        other.span(),
                        format!("`{}` takes a string literal", pair.key),
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
        match errors {
            Some(err) => Err(err),
            None => Ok(args),
        }
    }
}

struct KeyValue {
    key: Ident,
    value: syn::Lit,
}

impl Parse for KeyValue {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let key: Ident = input.parse()?;
        input.parse::<Token![=]>()?;
        let value: syn::Lit = input.parse()?;
        Ok(KeyValue { key, value })
    }
}
