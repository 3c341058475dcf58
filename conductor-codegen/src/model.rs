//! The model of the API: the types and the operations, each operation's success and error
//! types decided and its pagination checked against them. Built from the spec before any token
//! is emitted; emission only reads it.

use std::collections::HashMap;

use conductor_spec::unescape_token;

use crate::checked::Checked;
use crate::diagnostics::Diagnostic;
use crate::envelope::Envelope;
use crate::operations::{self, Operation, Payload, Status};
use crate::typespace::{TypeKind, TypeRef, TypeSpace};

/// What emission reads.
pub(crate) struct Model<'s> {
    /// Every type.
    pub(crate) space: TypeSpace<'s>,
    /// The selected operations.
    pub(crate) operations: Vec<Operation>,
    /// Per operation (same order), its success and error types.
    pub(crate) response_types: Vec<ResponseTypes>,
    /// The error envelope inside success responses, if any.
    pub(crate) envelope: Option<Envelope>,
}

/// The success and error body types of an operation, as decided before emission.
pub(crate) struct ResponseTypes {
    pub(crate) output: TypeRef,
    pub(crate) error: TypeRef,
}

/// Builds the model of `spec` for the settings, checked.
pub(crate) fn build<'s>(spec: &'s conductor_spec::LoadedSpec, checked: &Checked<'_>) -> Model<'s> {
    let document = &spec.document;
    let mut space = TypeSpace::new(document, &spec.raw, &checked.renames);
    space.convert_components();
    let operations = operations::collect(
        document,
        &mut space,
        &checked.selection,
        &checked.renames,
        &checked.pagination,
    );
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
        if items_path(&space, &types.output, &pagination.items).is_none() {
            let message = format!(
                "pagination not generated for `{}`: its items at `{}` are not a typed array in the response",
                op.id, pagination.items
            );
            space.warnings.push(Diagnostic::warning(&op.pointer, message));
            op.pagination = None;
        }
    }

    let envelope = checked.envelope.clone();
    Model {
        space,
        operations,
        response_types,
        envelope,
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

/// The name of the by-status enum variant for `status`.
pub(crate) fn status_variant(status: Status) -> String {
    match status {
        Status::Code(code) => format!("Status{code}"),
        Status::Class(class) => format!("Status{class}XX"),
        Status::Default => "Default".to_owned(),
    }
}

/// Where a page's items are: their type, and the fields to go through from the page.
pub(crate) struct ItemsPath {
    /// The type of one item.
    pub(crate) item: TypeRef,
    /// Whether the page itself is optional (a success that may come without a body).
    pub(crate) page_optional: bool,
    /// The fields from the page to the list, each its Rust name and whether it is optional;
    /// `None` when the page is the list.
    pub(crate) fields: Option<Vec<(String, bool)>>,
}

/// Where the items at `pointer` of the page type `output` are; `None` when the pointer does
/// not lead to a typed array.
pub(crate) fn items_path(space: &TypeSpace<'_>, output: &TypeRef, pointer: &str) -> Option<ItemsPath> {
    let segments: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|s| unescape_token(s).into_owned())
        .collect();
    if segments.is_empty() {
        let (item, page_optional) = match space.resolved(output) {
            TypeRef::Vec(item) => (item, false),
            TypeRef::Option(inner) => match space.resolved(inner) {
                TypeRef::Vec(item) => (item, true),
                _ => return None,
            },
            _ => return None,
        };
        return Some(ItemsPath {
            item: (**item).clone(),
            page_optional,
            fields: None,
        });
    }
    // The page is optional already when a success may come without a body (Azure's 200 with a
    // list or 202 without).
    let page_optional = matches!(space.resolved(output), TypeRef::Option(_));
    let mut fields = Vec::with_capacity(segments.len());
    let mut ty = output.clone();
    for segment in &segments {
        let TypeRef::Named(id) = space.resolved(ty.strip_option()) else {
            return None;
        };
        let TypeKind::Struct { fields: members, .. } = &space.def(*id).kind else {
            return None;
        };
        let field = members.iter().find(|f| f.wire == *segment)?;
        fields.push((field.name.clone(), matches!(field.ty, TypeRef::Option(_))));
        ty = field.ty.clone();
    }
    match space.resolved(ty.strip_option()) {
        TypeRef::Vec(item) => Some(ItemsPath {
            item: (**item).clone(),
            page_optional,
            fields: Some(fields),
        }),
        _ => None,
    }
}
