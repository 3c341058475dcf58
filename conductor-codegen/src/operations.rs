//! The model of the operations: parameters, bodies, responses and security, with every
//! reference resolved and every name chosen.

use conductor_spec::{Level, OperationEntry};
use indexmap::IndexMap;
use openapiv3::{
    OpenAPI, Operation as SpecOperation, Parameter, ParameterSchemaOrContent, PathItem, QueryStyle, ReferenceOr,
    RequestBody, Response, StatusCode,
};
use serde::de::DeserializeOwned;
use serde::Deserialize as _;
use serde_json::Value;
use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::names::{field_name, type_name, NameSet};
use crate::typespace::{Hint, SchemaRef, TypeRef, TypeSpace};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Location {
    Path,
    Query,
    Header,
    Cookie,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    Form,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
    Simple,
}

#[derive(Debug, Clone)]
pub(crate) struct Param {
    pub(crate) wire: String,
    pub(crate) name: String,
    pub(crate) location: Location,
    pub(crate) style: Style,
    pub(crate) explode: bool,
    pub(crate) required: bool,
    pub(crate) ty: TypeRef,
    pub(crate) doc: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyKind {
    Json,
    Form,
    Multipart,
    Text,
    Bytes,
}

#[derive(Debug, Clone)]
pub(crate) struct Body {
    pub(crate) content_type: String,
    pub(crate) kind: BodyKind,
    pub(crate) ty: TypeRef,
    pub(crate) required: bool,
    pub(crate) name: String,
    pub(crate) doc: Option<String>,
    pub(crate) encoding: FormEncoding,
    /// Other content types the spec offers for the same schema, which the caller may choose:
    /// `(content type, kind, encoding)`.
    pub(crate) alternatives: Vec<(String, BodyKind, FormEncoding)>,
}

/// Per-field `encoding` of a form body: `(field, style, explode)`.
pub(crate) type FormEncoding = Vec<(String, Style, bool)>;

/// How one response's body is decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Payload {
    Empty,
    Json(TypeRef),
    Text,
    Bytes,
    /// `text/event-stream`: read whole as text, or as a stream of events with this data type.
    Events(TypeRef),
}

impl Payload {
    pub(crate) fn type_ref(&self) -> TypeRef {
        match self {
            Payload::Empty => TypeRef::Unit,
            Payload::Json(ty) => ty.clone(),
            Payload::Text | Payload::Events(_) => TypeRef::String,
            Payload::Bytes => TypeRef::Bytes,
        }
    }
}

/// A status selector: an exact code, a class (`4XX`), or `default`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    Code(u16),
    Class(u16),
    Default,
}

#[derive(Debug, Clone)]
pub(crate) struct Operation {
    pub(crate) id: String,
    pub(crate) method_name: String,
    pub(crate) builder_name: String,
    pub(crate) http_method: &'static str,
    pub(crate) path: String,
    pub(crate) summary: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) deprecated: bool,
    pub(crate) params: Vec<Param>,
    pub(crate) body: Option<Body>,
    pub(crate) success: Vec<(Status, Payload)>,
    pub(crate) errors: Vec<(Status, Payload)>,
    pub(crate) security: Option<Vec<Vec<String>>>,
    pub(crate) pagination: Option<crate::pagination::Pagination>,
    /// Where the operation sits in the document (`#/paths/~1pets/get`).
    pub(crate) pointer: String,
    /// The operation's own server (operation- or path-level `servers`), absolute.
    pub(crate) server: Option<String>,
}

/// Method names the generated `Client` already uses.
const RESERVED_METHODS: &[&str] = &["new", "builder", "runtime", "base_url", "from", "clone", "fmt"];

pub(crate) fn collect(
    document: &OpenAPI,
    space: &mut TypeSpace<'_>,
    selection: &crate::selection::Selection<'_>,
    renames: &crate::renames::Renames,
    pagination: &BTreeMap<String, crate::pagination::Declared>,
) -> Vec<Operation> {
    let mut method_names = NameSet::new(RESERVED_METHODS);
    let mut builder_names = NameSet::new(&[]);
    let mut operations = Vec::new();
    for entry in conductor_spec::path_items(space.raw) {
        let written = document.paths.paths.get(entry.path);
        let item: Cow<'_, PathItem> = match (written, entry.item) {
            (Some(ReferenceOr::Item(item)), _) => Cow::Borrowed(item),
            (_, Some(raw_item)) if entry.reference.is_some() => match PathItem::deserialize(raw_item) {
                Ok(item) => Cow::Owned(item),
                Err(_) => {
                    unresolved_path_item(space, &entry);
                    continue;
                }
            },
            _ => {
                unresolved_path_item(space, &entry);
                continue;
            }
        };
        for walked in entry.operations() {
            let Some(operation) = walked.method.operation_of(&item) else {
                continue;
            };
            let id = walked.id().into_owned();
            if !selection.includes(&id, &operation.tags) {
                continue;
            }
            let renamed = renames.methods.get(&id);
            let method_name = method_names.claim(renamed.cloned().unwrap_or_else(|| field_name(&id)));
            let builder_name = builder_names.claim(type_name(renamed.unwrap_or(&id)));
            let declared = pagination.get(&id);
            let mut op = build_operation(
                space,
                &item,
                operation,
                &walked,
                OperationNames {
                    id,
                    method_name,
                    builder_name,
                },
            );
            op.pagination = paginate(space, &op, walked.operation, declared);
            operations.push(op);
        }
    }
    operations
}

fn unresolved_path_item(space: &mut TypeSpace<'_>, entry: &conductor_spec::PathEntry<'_>) {
    let reference = entry.reference.unwrap_or_default();
    space.warn(
        &entry.pointer,
        format!("unresolved path item reference `{reference}`; its operations are skipped"),
    );
}

struct OperationNames {
    id: String,
    method_name: String,
    builder_name: String,
}

/// The operation's pagination, if any; a declaration that cannot be used is a warning and the
/// operation is then generated without pagination.
fn paginate(
    space: &mut TypeSpace<'_>,
    op: &Operation,
    raw_operation: &Value,
    declared: Option<&crate::pagination::Declared>,
) -> Option<crate::pagination::Pagination> {
    let inputs = crate::pagination::Inputs {
        raw: space.raw,
        operation: raw_operation,
        query_params: op
            .params
            .iter()
            .filter(|p| p.location == Location::Query)
            .map(|p| p.wire.as_str())
            .collect(),
        text_params: op
            .params
            .iter()
            .filter(|p| p.location == Location::Query && p.ty.strip_option() == &TypeRef::String)
            .map(|p| p.wire.as_str())
            .collect(),
    };
    match crate::pagination::decide(&inputs, declared) {
        Ok(found) => found,
        Err(problem) => {
            space.warn(&op.pointer, format!("pagination not generated: {problem}"));
            None
        }
    }
}

/// What a reference can point at in `components`, where the model already holds it.
trait Component: DeserializeOwned + Clone {
    /// The `components` section, e.g. `#/components/parameters/`.
    const PREFIX: &'static str;
    fn table(components: &openapiv3::Components) -> &IndexMap<String, ReferenceOr<Self>>;
}

impl Component for Parameter {
    const PREFIX: &'static str = "#/components/parameters/";
    fn table(components: &openapiv3::Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.parameters
    }
}

impl Component for RequestBody {
    const PREFIX: &'static str = "#/components/requestBodies/";
    fn table(components: &openapiv3::Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.request_bodies
    }
}

impl Component for Response {
    const PREFIX: &'static str = "#/components/responses/";
    fn table(components: &openapiv3::Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.responses
    }
}

/// The value, following references: borrowed from the model where the chain ends at a
/// component (the model was read from the same JSON), read from the raw document otherwise.
fn resolve_or<'v, T: Component>(
    document: &'v OpenAPI,
    raw: &serde_json::Value,
    value: &'v ReferenceOr<T>,
) -> Option<Cow<'v, T>> {
    let reference = match value {
        ReferenceOr::Item(item) => return Some(Cow::Borrowed(item)),
        ReferenceOr::Reference { reference } => reference.as_str(),
    };
    let resolved = conductor_spec::resolve_reference(raw, reference)?;
    let name = resolved
        .reference
        .and_then(|reference| reference.strip_prefix(T::PREFIX))
        .filter(|name| !name.contains(['/', '~', '%']));
    if let Some(ReferenceOr::Item(item)) = name.and_then(|name| T::table(document.components.as_ref()?).get(name)) {
        return Some(Cow::Borrowed(item));
    }
    T::deserialize(resolved.value).ok().map(Cow::Owned)
}

fn build_operation(
    space: &mut TypeSpace<'_>,
    item: &PathItem,
    operation: &SpecOperation,
    walked: &OperationEntry<'_>,
    names: OperationNames,
) -> Operation {
    let pointer = walked.pointer.as_str();
    let type_base = names.builder_name.clone();
    // Builder methods the runtime adds: `paginate` (any list may be paginated) and `events`.
    let streams_events = operation.responses.responses.values().any(|response| {
        matches!(response, ReferenceOr::Item(response)
            if response.content.keys().any(|media| is_event_stream(media)))
    });
    let mut arg_names = if streams_events {
        NameSet::new(&["call", "paginate", "events"])
    } else {
        NameSet::new(&["call", "paginate"])
    };

    // Path-level parameters first, replaced by operation parameters with the same name and
    // location (the walk merges them); each read from the model.
    let document = space.document;
    let parameters = walked.parameters();
    let unresolved = "unresolved parameter reference; the parameter is skipped";
    for param_pointer in &parameters.skipped {
        space.warn(param_pointer, unresolved.to_owned());
    }
    let mut merged: Vec<(Cow<'_, Parameter>, &str)> = Vec::with_capacity(parameters.merged.len());
    for entry in &parameters.merged {
        let written = match entry.level {
            Level::PathItem => item.parameters.get(entry.index),
            Level::Operation => operation.parameters.get(entry.index),
        };
        match written.and_then(|parameter| resolve_or(document, space.raw, parameter)) {
            Some(parameter) => merged.push((parameter, &entry.pointer)),
            None => space.warn(&entry.pointer, unresolved.to_owned()),
        }
    }

    let mut params = Vec::new();
    for (parameter, param_pointer) in &merged {
        let data = parameter.parameter_data_ref();
        let (location, style, explode_default) = match &**parameter {
            Parameter::Path { .. } => (Location::Path, Style::Simple, false),
            Parameter::Query { style, .. } => {
                let style = match style {
                    QueryStyle::Form => Style::Form,
                    QueryStyle::SpaceDelimited => Style::SpaceDelimited,
                    QueryStyle::PipeDelimited => Style::PipeDelimited,
                    QueryStyle::DeepObject => Style::DeepObject,
                };
                (Location::Query, style, style == Style::Form)
            }
            Parameter::Header { .. } => (Location::Header, Style::Simple, false),
            Parameter::Cookie { .. } => (Location::Cookie, Style::Form, true),
        };
        if location == Location::Header && conductor_spec::is_ignored_header(&data.name) {
            continue;
        }
        let hint = Hint::Part {
            owner: &type_base,
            part: &data.name,
        };
        let ty = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => {
                space.convert(SchemaRef::from(schema), hint, &[*param_pointer, "/schema"].concat())
            }
            ParameterSchemaOrContent::Content(content) => {
                match content.iter().next().and_then(|(_, media)| media.schema.as_ref()) {
                    Some(schema) => {
                        space.convert(SchemaRef::from(schema), hint, &[*param_pointer, "/content"].concat())
                    }
                    None => TypeRef::String,
                }
            }
        };
        let required = data.required || location == Location::Path;
        let ty = ty.strip_option().clone();
        space.mark(&ty, true, false);
        params.push(Param {
            wire: data.name.clone(),
            name: arg_names.claim(field_name(&data.name)),
            location,
            style,
            explode: data.explode.unwrap_or(explode_default),
            required,
            ty,
            doc: data.description.clone(),
        });
    }

    let body = operation.request_body.as_ref().and_then(|body| {
        let body_pointer = [pointer, "/requestBody"].concat();
        let Some(body) = resolve_or::<RequestBody>(document, space.raw, body) else {
            space.warn(
                &body_pointer,
                "unresolved request body reference; the body is skipped".to_owned(),
            );
            return None;
        };
        build_body(space, &body, &type_base, &body_pointer, &mut arg_names)
    });

    let mut success = Vec::new();
    let mut errors = Vec::new();
    let has_2xx = operation.responses.responses.keys().any(is_success);
    let responses = operation
        .responses
        .responses
        .iter()
        .map(|(code, response)| (status_of(code), response, status_token(code)))
        .chain(
            operation
                .responses
                .default
                .iter()
                .map(|r| (Status::Default, r, "default".to_owned())),
        );
    for (status, response, token) in responses {
        let response_pointer = format!("{pointer}/responses/{token}");
        let Some(response) = resolve_or::<Response>(document, space.raw, response) else {
            space.warn(
                &response_pointer,
                "unresolved response reference; treated as undocumented".to_owned(),
            );
            continue;
        };
        let is_ok = match status {
            Status::Code(code) => (200..300).contains(&code),
            Status::Class(class) => class == 2,
            Status::Default => !has_2xx,
        };
        let hint = if is_ok {
            [type_base.as_str(), "Response"].concat()
        } else {
            format!("{type_base}{}", type_name(&format!("error {token}")))
        };
        let payload = response_payload(space, &response, &hint, &response_pointer);
        space.mark(&payload.type_ref(), false, true);
        if is_ok {
            success.push((status, payload));
        } else {
            errors.push((status, payload));
        }
    }

    let security = operation.security.as_ref().map(|requirements| {
        requirements
            .iter()
            .map(|requirement| requirement.keys().cloned().collect())
            .collect()
    });

    Operation {
        id: names.id,
        method_name: names.method_name,
        builder_name: names.builder_name,
        http_method: walked.method.as_str(),
        path: walked.path.to_owned(),
        summary: operation.summary.clone(),
        description: operation.description.clone(),
        deprecated: operation.deprecated,
        params,
        body,
        success,
        errors,
        security,
        pagination: None,
        pointer: pointer.to_owned(),
        // A server equal to the spec's own is the base URL (which the client may override).
        server: own_server(&operation.servers)
            .or_else(|| own_server(&item.servers))
            .filter(|server| own_server(&space.document.servers).as_ref() != Some(server)),
    }
}

/// The first server of an operation- or path-level `servers` list, with its variables set to
/// their defaults, when it is an absolute URL.
pub(crate) fn own_server(servers: &[openapiv3::Server]) -> Option<String> {
    let server = servers.first()?;
    let mut url = server.url.clone();
    for (name, variable) in server.variables.iter().flatten() {
        url = url.replace(&format!("{{{name}}}"), &variable.default);
    }
    let absolute = url.starts_with("http://") || url.starts_with("https://");
    absolute.then(|| url.trim_end_matches('/').to_owned())
}

fn build_body(
    space: &mut TypeSpace<'_>,
    body: &RequestBody,
    type_base: &str,
    pointer: &str,
    arg_names: &mut NameSet,
) -> Option<Body> {
    let (content_type, media) = pick_media(
        &body.content,
        &[
            "json",
            "x-www-form-urlencoded",
            "multipart/form-data",
            "text/plain",
            "octet-stream",
            "",
        ],
    )?;
    let kind = body_kind(content_type);
    let hint = [type_base, "Body"].concat();
    let media_pointer = format!(
        "{pointer}/content/{}/schema",
        conductor_spec::escape_token(content_type)
    );
    let ty = match kind {
        BodyKind::Json | BodyKind::Form | BodyKind::Multipart => match &media.schema {
            Some(schema) => space.convert(SchemaRef::from(schema), &hint, &media_pointer),
            None => TypeRef::Value,
        },
        BodyKind::Text => TypeRef::String,
        BodyKind::Bytes => TypeRef::Bytes,
    };
    space.mark(&ty, true, false);
    let encoding = form_encoding(space, media, pointer, content_type);
    // Other structured media types with the very same schema can be chosen per call.
    let alternatives = body
        .content
        .iter()
        .filter(|(other, alternative)| *other != content_type && alternative.schema == media.schema)
        .filter_map(|(other, alternative)| {
            let kind = body_kind(other);
            matches!(kind, BodyKind::Json | BodyKind::Form | BodyKind::Multipart)
                .then(|| (other.clone(), kind, form_encoding(space, alternative, pointer, other)))
        })
        .filter(|_| matches!(kind, BodyKind::Json | BodyKind::Form | BodyKind::Multipart))
        .collect();
    Some(Body {
        content_type: content_type.to_owned(),
        kind,
        ty,
        required: body.required,
        name: arg_names.claim("body".to_owned()),
        doc: body.description.clone(),
        encoding,
        alternatives,
    })
}

/// The `encoding` of a form body's fields: `(field, style, explode)`.
fn form_encoding(
    space: &TypeSpace<'_>,
    media: &openapiv3::MediaType,
    pointer: &str,
    content_type: &str,
) -> FormEncoding {
    media
        .encoding
        .iter()
        .map(|(field, encoding)| {
            let style = match encoding.style {
                Some(QueryStyle::DeepObject) => Style::DeepObject,
                Some(QueryStyle::SpaceDelimited) => Style::SpaceDelimited,
                Some(QueryStyle::PipeDelimited) => Style::PipeDelimited,
                Some(QueryStyle::Form) | None => Style::Form,
            };
            // `explode` defaults to true for the form style, false otherwise; the model cannot
            // tell an absent `explode` from `false`, so the document itself is asked.
            let written = conductor_spec::resolve_pointer(
                space.raw,
                &format!(
                    "{}/content/{}/encoding/{}/explode",
                    pointer.trim_start_matches('#'),
                    conductor_spec::escape_token(content_type),
                    conductor_spec::escape_token(field)
                ),
            )
            .and_then(serde_json::Value::as_bool);
            let explode = written.unwrap_or(encoding.explode || style == Style::Form);
            (field.clone(), style, explode)
        })
        .collect()
}

/// Whether a media type is `text/event-stream` (server-sent events).
fn is_event_stream(media_type: &str) -> bool {
    media_type.to_ascii_lowercase().starts_with("text/event-stream")
}

fn body_kind(content_type: &str) -> BodyKind {
    let lower = content_type.to_ascii_lowercase();
    if lower.contains("json") {
        BodyKind::Json
    } else if lower.contains("x-www-form-urlencoded") {
        BodyKind::Form
    } else if lower.starts_with("multipart/form-data") {
        BodyKind::Multipart
    } else if lower.starts_with("text/") {
        BodyKind::Text
    } else {
        BodyKind::Bytes
    }
}

/// Picks the first media type matching the preferences in order (substring match).
fn pick_media<'c>(
    content: &'c IndexMap<String, openapiv3::MediaType>,
    preferences: &[&str],
) -> Option<(&'c str, &'c openapiv3::MediaType)> {
    for preference in preferences {
        if let Some((name, media)) = content
            .iter()
            .find(|(name, _)| name.to_ascii_lowercase().contains(preference))
        {
            return Some((name.as_str(), media));
        }
    }
    None
}

fn response_payload(space: &mut TypeSpace<'_>, response: &Response, hint: &str, pointer: &str) -> Payload {
    let Some((content_type, media)) = pick_media(&response.content, &["json", "text/", ""]) else {
        return Payload::Empty;
    };
    if is_event_stream(content_type) {
        let data = match &media.schema {
            Some(schema) => {
                let media_pointer = format!(
                    "{pointer}/content/{}/schema",
                    conductor_spec::escape_token(content_type)
                );
                let ty = space.convert(SchemaRef::from(schema), &[hint, "Event"].concat(), &media_pointer);
                space.mark(&ty, false, true);
                ty
            }
            None => TypeRef::String,
        };
        return Payload::Events(data);
    }
    match body_kind(content_type) {
        BodyKind::Json => {
            let media_pointer = format!(
                "{pointer}/content/{}/schema",
                conductor_spec::escape_token(content_type)
            );
            match &media.schema {
                Some(schema) => Payload::Json(space.convert(SchemaRef::from(schema), hint, &media_pointer)),
                None => Payload::Json(TypeRef::Value),
            }
        }
        BodyKind::Text => Payload::Text,
        BodyKind::Form | BodyKind::Multipart | BodyKind::Bytes => Payload::Bytes,
    }
}

fn is_success(code: &StatusCode) -> bool {
    match code {
        StatusCode::Code(code) => (200..300).contains(code),
        StatusCode::Range(class) => *class == 2,
    }
}

fn status_of(code: &StatusCode) -> Status {
    match code {
        StatusCode::Code(code) => Status::Code(*code),
        StatusCode::Range(class) => Status::Class(*class),
    }
}

fn status_token(code: &StatusCode) -> String {
    match code {
        StatusCode::Code(code) => code.to_string(),
        StatusCode::Range(class) => format!("{class}XX"),
    }
}
