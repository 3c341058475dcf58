//! What the generator is asked to do: the attribute's options, and the keys that name them.

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

/// A key of the `#[connector]` attribute, naming one of the [`Settings`] (or, for `spec`, the
/// document). A [`Diagnostic`](crate::Diagnostic) about a setting names its key in its
/// [`Origin`](crate::Origin).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Key {
    /// `spec`: the path of the OpenAPI document.
    Spec,
    /// `crate_path`: [`Settings::runtime_path`].
    CratePath,
    /// `tags`: [`Settings::tags`].
    Tags,
    /// `operations`: [`Settings::operations`].
    Operations,
    /// `exclude_operations`: [`Settings::exclude_operations`].
    ExcludeOperations,
    /// `schemas`: [`Settings::schemas`].
    Schemas,
    /// `rename`: [`Settings::renames`].
    Rename,
    /// `pagination`: [`Settings::pagination`].
    Pagination,
    /// `envelope`: [`Settings::envelope`].
    Envelope,
}

impl Key {
    /// Every key, in the order the attribute's documentation lists them.
    pub const ALL: [Key; 9] = [
        Key::Spec,
        Key::CratePath,
        Key::Tags,
        Key::Operations,
        Key::ExcludeOperations,
        Key::Schemas,
        Key::Rename,
        Key::Pagination,
        Key::Envelope,
    ];

    /// The key as the attribute spells it.
    pub fn name(self) -> &'static str {
        match self {
            Key::Spec => "spec",
            Key::CratePath => "crate_path",
            Key::Tags => "tags",
            Key::Operations => "operations",
            Key::ExcludeOperations => "exclude_operations",
            Key::Schemas => "schemas",
            Key::Rename => "rename",
            Key::Pagination => "pagination",
            Key::Envelope => "envelope",
        }
    }

    /// The key the attribute spells `name`, if any.
    pub fn from_name(name: &str) -> Option<Key> {
        Key::ALL.into_iter().find(|key| key.name() == name)
    }
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Schemas {
    type Err = String;

    /// `"reachable"` or `"all"`, as the attribute spells them.
    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "reachable" => Ok(Schemas::Reachable),
            "all" => Ok(Schemas::All),
            other => Err(format!("`schemas` is \"reachable\" or \"all\", not \"{other}\"")),
        }
    }
}
