//! What the generator is asked to do: the attribute's options, parsed.

use quote::quote;

/// What the generator is asked to do.
#[derive(Clone)]
#[non_exhaustive]
pub struct Settings {
    /// The path generated code uses for the runtime crate (default `::connector_runtime`).
    pub runtime_path: syn::Path,
    /// Which schemas become types.
    pub schemas: Schemas,
    /// Generate the operations with any of these tags (with `operations`: either list).
    pub tags: Vec<String>,
    /// Generate the operations with these ids (with `tags`: either list).
    pub operations: Vec<String>,
    /// Never generate the operations with these ids.
    pub exclude_operations: Vec<String>,
    /// `(spec name, Rust name)`: a component schema gets this type name, an operation (by id)
    /// this method name.
    pub renames: Vec<(String, String)>,
    /// `(operation id, declaration)`: how an operation paginates, overriding the spec's
    /// extensions and detection — `"cursor param=cursor next=/meta/next items=/data"`, or
    /// `"none"` for an operation that is not paginated. See the README's "Pagination".
    pub pagination: Vec<(String, String)>,
    /// An error envelope inside success responses, `"ok=/ok error=/error"` (Slack's): a 2xx whose
    /// body has `false` at `ok` is an error carrying the text at `error`. Overrides the document's
    /// `x-conductor-envelope`.
    pub envelope: Option<String>,
}

/// Which schemas become types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Schemas {
    /// Only the schemas the generated operations send or receive (the default: a connector
    /// pays only for what it uses).
    #[default]
    Reachable,
    /// Every component schema; those no operation uses (webhook payloads, typically)
    /// implement `Deserialize` only.
    All,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let path = &self.runtime_path;
        f.debug_struct("Settings")
            .field("runtime_path", &quote!(#path).to_string())
            .finish()
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            runtime_path: syn::parse_quote!(::connector_runtime),
            schemas: Schemas::default(),
            tags: Vec::new(),
            operations: Vec::new(),
            exclude_operations: Vec::new(),
            renames: Vec::new(),
            pagination: Vec::new(),
            envelope: None,
        }
    }
}
