//! The generator behind `#[connector]`: an OpenAPI document in, Rust tokens out.
//!
//! Stages, each with one job: [`conductor_spec`] loads and normalises the document; the type
//! space turns schemas into a model of Rust types; the operations stage resolves parameters,
//! bodies and responses; emission turns both into tokens; [`render`] pretty-prints them.
//! Generation is a pure function of the spec and the [`Settings`]: the same input always gives
//! byte-identical output.
//!
//! The generated code is mostly data — types and one small description per operation — and
//! leaves building, sending, retrying and decoding to `connector-runtime`.

mod case;
mod diagnostics;
mod docs;
mod emit;
mod envelope;
mod fast_hash;
mod frame;
mod locate;
mod names;
mod operations;
mod pagination;
mod pretty;
mod renames;
mod report;
mod selection;
mod typespace;
mod validate;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use quote::quote;

pub use conductor_spec;
pub use conductor_spec::derived_id;
pub use diagnostics::{relative_path, Diagnostic, Problems, Related, Severity};
pub use names::is_keyword;
pub use pretty::render;
pub use report::Report;

use emit::client::{status_variant, ResponseTypes};
use operations::{Operation, Payload, Status};
use typespace::{TypeRef, TypeSpace};

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
}

/// Loads the spec at `path`, checks it and generates the connector's items.
///
/// ```
/// use std::path::Path;
/// use conductor_codegen::{generate_from_file, render, Settings};
///
/// let spec = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../specs/petstore.yaml"));
/// let mut settings = Settings::default();
/// settings.operations = vec!["getPetById".to_owned()];
/// let generated = generate_from_file(spec, &settings).expect("the petstore generates");
/// assert_eq!(generated.operation_count, 1);
/// assert_eq!(generated.methods, [("getPetById".to_owned(), "get_pet_by_id".to_owned())]);
/// let code = render(&generated.tokens).expect("the tokens parse");
/// assert!(code.contains("pub struct Client"));
/// assert!(code.contains("pub fn get_pet_by_id("));
/// ```
///
/// # Errors
///
/// Every problem that prevents expansion (all of them, not only the first), located by file,
/// JSON pointer and `line:column`, with the files read so far.
pub fn generate_from_file(path: &Path, settings: &Settings) -> Result<Generated, Problems> {
    expansion(report::run(
        path,
        report::Source::File,
        settings,
        report::Locate::ErrorsOnly,
    ))
}

/// The generated items when there is no error, else every problem with the files read.
fn expansion((generated, report): (Option<Generated>, Report)) -> Result<Generated, Problems> {
    match generated {
        Some(generated) if report.errors.is_empty() => Ok(generated),
        _ => Err(Problems {
            diagnostics: report.errors,
            files: report.files,
        }),
    }
}

/// As [`generate_from_file`], for an already parsed document whose origin is `path` (files it
/// `$ref`s are read relative to `path`).
///
/// # Errors
///
/// As [`generate_from_file`]; diagnostics carry pointers but no positions in the root file.
pub fn generate_from_value(
    path: &Path,
    document: serde_json::Value,
    settings: &Settings,
) -> Result<Generated, Problems> {
    expansion(report::run(
        path,
        report::Source::Value(document),
        settings,
        report::Locate::ErrorsOnly,
    ))
}

/// Checks the spec at `path` as [`generate_from_file`] would expand it, and returns every
/// error and every warning (fallbacks to `serde_json::Value`, ignored constructs, skipped
/// parts), each located by file, JSON pointer and `line:column`.
///
/// ```
/// use conductor_codegen::{check_file, Settings};
///
/// let dir = std::env::temp_dir().join(format!("conductor-check-file-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let spec = dir.join("broken.yaml");
/// std::fs::write(
///     &spec,
///     "openapi: 3.0.3\ninfo: {title: Broken, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        \
///      '200':\n          description: ok\n          content:\n            application/json:\n              \
///      schema: {$ref: '#/components/schemas/Pet'}\n",
/// )?;
/// let report = check_file(&spec, &Settings::default());
/// assert!(!report.is_ok());
/// let error = &report.errors[0];
/// assert_eq!(error.position, Some((11, 24))); // line:column of the `$ref`
/// assert!(error.to_string().contains("unresolved $ref"), "{error}");
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn check_file(path: &Path, settings: &Settings) -> Report {
    report::run(path, report::Source::File, settings, report::Locate::Always).1
}

/// As [`check_file`], with the root document's text in memory; files it `$ref`s are read
/// relative to `path`, which also chooses the syntax (`.yaml`/`.yml` or JSON).
pub fn check_str(path: &Path, text: &str, settings: &Settings) -> Report {
    report::run(path, report::Source::Text(text), settings, report::Locate::Always).1
}

/// As [`check_file`], for an already parsed document (diagnostics then carry pointers but no
/// positions in the root file).
pub fn check_value(path: &Path, document: serde_json::Value, settings: &Settings) -> Report {
    report::run(path, report::Source::Value(document), settings, report::Locate::Always).1
}

/// Generates the connector's items from a loaded spec.
pub fn generate(spec: &conductor_spec::LoadedSpec, settings: &Settings) -> Generated {
    let rt = &settings.runtime_path;
    let document = &spec.document;
    // Invalid renames were reported by `report::run`; here they are simply applied.
    let (renames, _) = renames::check(document, &spec.raw, &settings.renames);
    let mut space = TypeSpace::new(document, &spec.raw, &renames);
    space.convert_components();
    let selection = selection::Selection {
        tags: &settings.tags,
        operations: &settings.operations,
        exclude: &settings.exclude_operations,
    };
    let operations = operations::collect(document, &mut space, &selection, &renames, &settings.pagination);
    let response_types: Vec<ResponseTypes> = operations.iter().map(|op| response_types(&mut space, op)).collect();
    space.finish();
    for body in operations.iter().filter_map(|op| op.body.as_ref()) {
        if body.kind == operations::BodyKind::Multipart {
            space.use_files_in(&body.ty);
        }
    }
    warn_equivalent_templates(&operations, &mut space);
    let mut operations = operations;
    for (op, types) in operations.iter_mut().zip(&response_types) {
        let Some(pagination) = &op.pagination else { continue };
        if emit::paginate::items_access(&space, &types.output, &pagination.items).is_none() {
            let message = format!(
                "pagination not generated for `{}`: its items at `{}` are not a typed array in the response",
                op.id, pagination.items
            );
            space.warnings.push(Diagnostic::warning(&op.pointer, message));
            op.pagination = None;
        }
    }

    // A bad declaration was reported by `report::run`; here a usable one is applied.
    let envelope = match &settings.envelope {
        Some(text) => envelope::parse_attribute(text).ok(),
        None => envelope::from_document(&spec.raw).ok().flatten(),
    };
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
    }
}

/// Decides an operation's success and error body types, adding by-status enums where the
/// documented responses have different types.
fn response_types(space: &mut TypeSpace<'_>, op: &Operation) -> ResponseTypes {
    let mut bodies: Vec<&Payload> = Vec::new();
    for (_, payload) in &op.success {
        if *payload != Payload::Empty && !bodies.contains(&payload) {
            bodies.push(payload);
        }
    }
    // A 204 or 205 has no body whatever the spec documents (HTTP forbids one; Zoom documents
    // `204` with the created object): the body it documents may be absent.
    let no_content_with_body: Vec<u16> = op
        .success
        .iter()
        .filter_map(|(status, payload)| match status {
            Status::Code(code @ (204 | 205)) if *payload != Payload::Empty => Some(*code),
            _ => None,
        })
        .collect();
    for code in &no_content_with_body {
        space.warn(
            &op.pointer,
            format!(
                "`{}` documents a body for {code}, which never has one: the success body is optional",
                op.id
            ),
        );
    }
    let has_empty = !no_content_with_body.is_empty() || op.success.iter().any(|(_, p)| *p == Payload::Empty);
    let output = match bodies.as_slice() {
        [] => TypeRef::Unit,
        [single] => match single {
            Payload::Json(ty) if has_empty => ty.clone().optional(),
            other => other.type_ref(),
        },
        _ => {
            let variants = op
                .success
                .iter()
                .map(|(status, payload)| (status_variant(*status), payload.type_ref()))
                .collect();
            by_status(space, op, "Responses", "success responses", variants)
        }
    };
    let mut error_types: Vec<TypeRef> = Vec::new();
    for (_, payload) in &op.errors {
        if let Payload::Json(ty) = payload {
            if !error_types.contains(ty) {
                error_types.push(ty.clone());
            }
        }
    }
    let error = match error_types.len() {
        0 => TypeRef::Unit,
        1 => error_types.remove(0),
        _ => {
            let variants = op
                .errors
                .iter()
                .filter_map(|(status, payload)| match payload {
                    Payload::Json(ty) => Some((status_variant(*status), ty.clone())),
                    _ => None,
                })
                .collect();
            by_status(space, op, "Errors", "documented error responses", variants)
        }
    };
    ResponseTypes { output, error }
}

/// An enum of an operation's responses by status, named `{Builder}{suffix}`.
fn by_status(
    space: &mut TypeSpace<'_>,
    op: &Operation,
    suffix: &str,
    what: &str,
    variants: Vec<(String, TypeRef)>,
) -> TypeRef {
    let doc = format!("The {what} of `{}`, by status.", op.id);
    let origin = format!("{} {}", op.id, suffix.to_ascii_lowercase());
    TypeRef::Named(space.add_by_status(format!("{}{suffix}", op.builder_name), origin, doc, variants))
}

/// Warns about an operation whose method and path template are another's but for the
/// parameters' names (`/cards/{filter}` beside `/cards/{idCard}`): OpenAPI forbids such
/// templates, as no request can say which operation it is for; servers and the mock take the
/// first.
fn warn_equivalent_templates(operations: &[Operation], space: &mut TypeSpace<'_>) {
    let mut first_by_shape: HashMap<(&str, String), &Operation> = HashMap::new();
    for op in operations {
        // The template with every parameter's name left out: `/cards/{}`.
        let mut shape = String::with_capacity(op.path.len());
        let mut in_name = false;
        for c in op.path.chars() {
            match c {
                '{' => {
                    in_name = true;
                    shape.push_str("{}");
                }
                '}' => in_name = false,
                _ if in_name => {}
                _ => shape.push(c),
            }
        }
        let first = *first_by_shape.entry((op.http_method, shape)).or_insert(op);
        if !std::ptr::eq(first, op) {
            space.warn(
                &op.pointer,
                format!(
                    "`{} {}` ({}) is the same path as `{} {}` ({}) but for the parameters' names, which \
                     OpenAPI forbids: no request can say which of the two it is for, and servers and the \
                     mock take the first",
                    op.http_method, op.path, op.id, first.http_method, first.path, first.id
                ),
            );
        }
    }
}
