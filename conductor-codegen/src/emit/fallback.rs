//! The module's skeleton after an error, as thiserror's `fallback.rs` emits an impl beside its
//! errors: what a successful expansion defines at the top of the module — `API`, `Client` with
//! `new`, `builder` and `runtime`, the `types` and `builders` modules (empty) and the `mock`
//! module (no stubs) — so that code naming them adds no error of its own.

use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use quote::quote;

use super::client;
use crate::docs::doc_attrs;

/// The skeleton, naming the runtime by `rt`; `spec_path` is the document the mock serves.
pub(crate) fn fallback(rt: &syn::Path, spec_path: &str) -> TokenStream {
    let api = client::api_static(&OpenAPI::default(), rt, None, 0);
    let doc = doc_attrs("A client for the API: not generated, the spec or the attribute has errors.");
    let client = client::client_item(doc, rt, TokenStream::new());
    let mock = client::mock_module(rt, spec_path, &[]);
    quote! {
        #api
        #client
        /// The models: none, the spec or the attribute has errors.
        pub mod types {}
        /// The request builders: none, the spec or the attribute has errors.
        pub mod builders {}
        #mock
    }
}
