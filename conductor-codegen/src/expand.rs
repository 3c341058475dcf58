//! The connector's items from a loaded spec: the model of the API, then its tokens. The one
//! place the two stages meet; [`crate::report`] runs it after the checks. On an error, the
//! [`fallback`] skeleton stands in for them.

use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use quote::quote;

use crate::checked::{self, Checked};
use crate::diagnostics::Diagnostic;
use crate::settings::{Schemas, Settings};
use crate::typespace::Construction;
use crate::{emit, model};

/// The result of an expansion.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The items to place in the connector's module.
    pub tokens: TokenStream,
    /// Every file that was read (the spec and everything it `$ref`s).
    pub files: Vec<PathBuf>,
    /// Fallbacks taken (e.g. a schema represented as `serde_json::Value`) and skipped parts.
    pub warnings: Vec<Diagnostic>,
    /// How many operations were generated.
    pub operation_count: usize,
    /// How many types were generated (aliases included).
    pub type_count: usize,
    /// How many types are aliases of a structurally identical type.
    pub merged_type_count: usize,
    /// How many schemas no generated operation sends or receives (emitted only with
    /// [`Schemas::All`]).
    pub unreached_type_count: usize,
    /// `(operation id, how it paginates)` for every paginated operation.
    pub paginated: Vec<(String, String)>,
    /// `(operation id, client method name)` for every generated operation.
    pub methods: Vec<(String, String)>,
    /// `(component schema name as in its pointer, type name)` for every schema of
    /// `components/schemas` that became a type.
    pub component_types: Vec<(String, String)>,
    /// `(type name, how a value is built)` for every struct the client sends.
    pub constructions: Vec<(String, Construction)>,
}

/// Generates the connector's items from a loaded spec. Settings that do not fit the spec (an
/// unknown operation, a rename that is not an identifier, ...) are left out; the checking
/// entry points ([`crate::check_file`], [`crate::generate_from_file`]) report them.
pub fn generate(spec: &conductor_spec::LoadedSpec, settings: &Settings) -> Generated {
    let (checked, _) = checked::check(spec, settings);
    generate_checked(spec, &checked)
}

/// Generates the connector's items from a loaded spec and the settings, checked.
pub(crate) fn generate_checked(spec: &conductor_spec::LoadedSpec, checked: &Checked<'_>) -> Generated {
    let settings = checked.settings;
    let rt = &settings.runtime_path;
    let document = &spec.document;
    let model::Model {
        space,
        operations,
        response_types,
        envelope,
    } = model::build(spec, checked);
    let api = emit::client::api_static(document, rt, envelope.as_ref(), operations.len());
    let client = emit::client::client(document, &space, rt, &operations);
    let builders = emit::client::builders_module(&space, rt, &operations, &response_types);
    let types = emit::types::types_module(&space, rt, settings.schemas == Schemas::All);
    let spec_path = spec.root.to_string_lossy();
    let mock = emit::client::mock_module(rt, &spec_path, &operations);
    let paginated = operations
        .iter()
        .filter_map(|op| Some((op.id.clone(), op.pagination.as_ref()?.describe())))
        .collect();
    let methods = operations
        .iter()
        .map(|op| (op.id.clone(), op.method_name.clone()))
        .collect();
    let component_types = space
        .defs
        .iter()
        .filter_map(|def| {
            let schema = def.origin.strip_prefix("#/components/schemas/")?;
            (!schema.contains('/')).then(|| (schema.to_owned(), def.name.clone()))
        })
        .collect();
    let constructions = space
        .defs
        .iter()
        .filter_map(|def| Some((def.name.clone(), def.construction()?)))
        .collect();
    let tokens = quote! {
        #api
        #client
        #types
        #builders
        #mock
    };
    Generated {
        tokens,
        files: spec.files.clone(),
        warnings: space.warnings.clone(),
        operation_count: operations.len(),
        type_count: space.defs.len(),
        merged_type_count: space.merged,
        unreached_type_count: space.defs.iter().filter(|d| !d.ser && !d.de).count(),
        paginated,
        methods,
        component_types,
        constructions,
    }
}

/// The items a connector's module gets when expansion fails: what a successful expansion defines
/// at the top of the module — `API`, `Client` with `new`, `builder` and `runtime`, the `types`
/// and `builders` modules (empty) and the `mock` module (no stubs) — so that code naming them
/// adds no error beside the real ones. A generated method or type is still missing: calling
/// the one or naming the other is an error of its own. `spec` is the document the mock's
/// `start()` would serve.
///
/// ```
/// use conductor_codegen::{fallback, render, Settings};
///
/// let code = render(&fallback(&Settings::default(), std::path::Path::new("specs/petstore.yaml")))
///     .expect("the tokens parse");
/// assert!(code.contains("pub struct Client"));
/// assert!(code.contains("pub mod types {}"));
/// ```
pub fn fallback(settings: &Settings, spec: &Path) -> TokenStream {
    emit::fallback::fallback(&settings.runtime_path, &spec.to_string_lossy())
}
