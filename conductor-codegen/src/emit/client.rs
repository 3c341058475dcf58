//! Tokens for `API`, `Client` and the `builders` module.

use openapiv3::{OpenAPI, ReferenceOr, SecurityScheme};
use proc_macro2::TokenStream;
use quote::{format_ident, quote, ToTokens};

use super::moved;
use super::types::type_tokens;
use crate::docs::doc_attrs;
use crate::model::{status_variant, ResponseTypes};
use crate::names::ident;
use crate::operations::{BodyKind, Location, Operation, Payload, Status, Style};
use crate::typespace::{TypeRef, TypeSpace};

/// `API`: the static description of the spec.
pub(crate) fn api_static(
    document: &OpenAPI,
    rt: &syn::Path,
    envelope: Option<&crate::envelope::Envelope>,
    operation_count: usize,
) -> TokenStream {
    let title = &document.info.title;
    let version = &document.info.version;
    let server = document.servers.first().map(|server| {
        let mut url = server.url.clone();
        if let Some(variables) = &server.variables {
            for (name, variable) in variables {
                url = url.replace(&format!("{{{name}}}"), &variable.default);
            }
        }
        url
    });
    let default_server = match server.filter(|url| url.starts_with("http://") || url.starts_with("https://")) {
        Some(url) => quote! { ::std::option::Option::Some(#url) },
        None => quote! { ::std::option::Option::None },
    };
    let security = requirements_tokens(
        &document
            .security
            .iter()
            .flatten()
            .map(|requirement| requirement.keys().cloned().collect::<Vec<_>>())
            .collect::<Vec<_>>(),
    );
    let schemes = document
        .components
        .iter()
        .flat_map(|c| c.security_schemes.iter())
        .filter_map(|(name, scheme)| {
            let ReferenceOr::Item(scheme) = scheme else { return None };
            let kind = match scheme {
                SecurityScheme::APIKey { location, name, .. } => {
                    let location = match location {
                        openapiv3::APIKeyLocation::Query => quote! { Query },
                        openapiv3::APIKeyLocation::Header => quote! { Header },
                        openapiv3::APIKeyLocation::Cookie => quote! { Cookie },
                    };
                    quote! { #rt::SchemeKind::ApiKey { location: #rt::ApiKeyLocation::#location, name: #name } }
                }
                SecurityScheme::HTTP { scheme, .. } => match scheme.to_ascii_lowercase().as_str() {
                    "basic" => quote! { #rt::SchemeKind::Basic },
                    "bearer" => quote! { #rt::SchemeKind::Bearer },
                    _ => quote! { #rt::SchemeKind::Other },
                },
                SecurityScheme::OAuth2 { flows, .. } => {
                    let token_url = flows
                        .client_credentials
                        .as_ref()
                        .map(|f| f.token_url.clone())
                        .or_else(|| flows.authorization_code.as_ref().map(|f| f.token_url.clone()))
                        .or_else(|| flows.password.as_ref().map(|f| f.token_url.clone()));
                    let authorization_url = flows
                        .authorization_code
                        .as_ref()
                        .map(|f| f.authorization_url.clone())
                        .or_else(|| flows.implicit.as_ref().map(|f| f.authorization_url.clone()));
                    let token_url = option_str(token_url.as_deref());
                    let authorization_url = option_str(authorization_url.as_deref());
                    quote! { #rt::SchemeKind::OAuth2 { token_url: #token_url, authorization_url: #authorization_url } }
                }
                SecurityScheme::OpenIDConnect { .. } => quote! { #rt::SchemeKind::OpenIdConnect },
            };
            Some(quote! { #rt::SecuritySchemeSpec { name: #name, kind: #kind } })
        });
    let envelope = match envelope {
        Some(crate::envelope::Envelope { ok, error }) => {
            quote! { ::std::option::Option::Some(#rt::Envelope { ok: #ok, error: #error }) }
        }
        None => quote! { ::std::option::Option::None },
    };
    quote! {
        /// The API as the spec describes it: servers, security schemes and requirements.
        pub static API: #rt::ApiSpec = #rt::ApiSpec {
            title: #title,
            version: #version,
            default_server: #default_server,
            security: #security,
            schemes: &[#(#schemes),*],
            envelope: #envelope,
            operation_count: #operation_count,
        };
    }
}

fn option_str(value: Option<&str>) -> TokenStream {
    match value {
        Some(value) => quote! { ::std::option::Option::Some(#value) },
        None => quote! { ::std::option::Option::None },
    }
}

fn requirements_tokens(requirements: &[Vec<String>]) -> TokenStream {
    let alternatives = requirements.iter().map(|schemes| quote! { &[#(#schemes),*] });
    quote! { &[#(#alternatives),*] }
}

/// `Client` and its one method per operation.
pub(crate) fn client(
    document: &OpenAPI,
    space: &TypeSpace<'_>,
    rt: &syn::Path,
    operations: &[Operation],
) -> TokenStream {
    let title = &document.info.title;
    let mut client_doc = format!("A client for {title} {}.", document.info.version);
    if let Some(description) = &document.info.description {
        client_doc.push_str("\n\n");
        client_doc.push_str(description);
    }
    let client_doc = doc_attrs(&client_doc);
    let prefix = quote! { types:: };
    let methods = operations.iter().map(|op| {
        let method = ident(&op.method_name);
        let builder = ident(&op.builder_name);
        let doc = moved([doc_attrs(&operation_doc(op))]);
        let deprecated = op.deprecated.then(|| quote! { #[deprecated] });
        let mut args = Vec::new();
        let mut inits = Vec::new();
        for param in positional_params(op) {
            let name = ident(&param.name);
            let ty = type_tokens(space, rt, &prefix, &param.ty);
            args.push(quote! { #name: impl ::std::convert::Into<#ty> });
            inits.push(quote! { #name: #name.into(), });
        }
        for param in op.params.iter().filter(|p| !p.required) {
            let name = ident(&param.name);
            inits.push(quote! { #name: ::std::option::Option::None, });
        }
        if let Some(body) = &op.body {
            let name = ident(&body.name);
            if body.required {
                let ty = type_tokens(space, rt, &prefix, &body.ty);
                args.push(quote! { #name: impl ::std::convert::Into<#ty> });
                inits.push(quote! { #name: #name.into(), });
            } else {
                inits.push(quote! { #name: ::std::option::Option::None, });
            }
        }
        let inits = moved(inits);
        quote! {
            #doc
            #deprecated
            pub fn #method(&self, #(#args),*) -> builders::#builder {
                builders::#builder {
                    call: #rt::__private::Call::new(&self.inner),
                    #inits
                }
            }
        }
    });
    client_item(client_doc, rt, moved(methods))
}

/// `Client` with `new`, `builder`, `runtime` and the `methods` given; [`client`] and the
/// [`fallback`](super::fallback) both emit it.
pub(crate) fn client_item(client_doc: TokenStream, rt: &syn::Path, methods: impl ToTokens) -> TokenStream {
    quote! {
        #client_doc
        #[derive(Debug, Clone)]
        pub struct Client {
            inner: #rt::Client,
        }

        impl ::std::convert::From<#rt::Client> for Client {
            fn from(inner: #rt::Client) -> Self {
                Self { inner }
            }
        }

        #[allow(deprecated, clippy::all, clippy::pedantic, clippy::nursery)]
        impl Client {
            /// A client for `base_url` with default settings.
            ///
            /// # Errors
            ///
            /// When `base_url` is not an absolute URL.
            pub fn new(base_url: &str) -> ::std::result::Result<Self, #rt::BuildError> {
                Self::builder().base_url(base_url).build()
            }

            /// A builder for a client: base URL (default: the spec's first server), credentials,
            /// retry policy, timeouts, headers.
            pub fn builder() -> #rt::ClientBuilder<Self> {
                #rt::ClientBuilder::new(&API)
            }

            /// The runtime client underneath.
            pub fn runtime(&self) -> &#rt::Client {
                &self.inner
            }

            #methods
        }
    }
}

fn operation_doc(op: &Operation) -> String {
    let mut doc = String::new();
    if let Some(summary) = &op.summary {
        doc.push_str(summary.trim());
        doc.push_str("\n\n");
    }
    if let Some(description) = &op.description {
        if op.summary.as_deref().map(str::trim) != Some(description.trim()) {
            doc.push_str(description.trim());
            doc.push_str("\n\n");
        }
    }
    doc.push_str(&format!("`{} {}` (`{}`)", op.http_method, op.path, op.id));
    let documented: Vec<String> = op
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| {
            format!(
                "- `{}`: {}",
                p.name,
                p.doc.as_deref().map_or("", str::trim).lines().next().unwrap_or("")
            )
        })
        .collect();
    if !documented.is_empty() {
        doc.push_str("\n\n# Arguments\n\n");
        doc.push_str(&documented.join("\n"));
    }
    doc
}

/// Required parameters in positional order: path parameters in template order, then the rest.
fn positional_params(op: &Operation) -> Vec<&crate::operations::Param> {
    let mut required: Vec<_> = op.params.iter().filter(|p| p.required).collect();
    required.sort_by_key(|p| match p.location {
        Location::Path => op.path.find(&format!("{{{}}}", p.wire)).unwrap_or(usize::MAX),
        _ => usize::MAX,
    });
    required
}

/// The `builders` module: one request builder per operation.
pub(crate) fn builders_module(
    space: &TypeSpace<'_>,
    rt: &syn::Path,
    operations: &[Operation],
    response_types: &[ResponseTypes],
) -> TokenStream {
    let builders = operations
        .iter()
        .zip(response_types)
        .enumerate()
        .map(|(index, (op, types))| builder(space, rt, op, types, index));
    let builders = moved(builders);
    quote! {
        /// Request builders: one per operation, returned by the `Client` methods. Set optional
        /// parameters, then `.await` to send.
        #[allow(deprecated, clippy::all, clippy::pedantic, clippy::nursery)]
        pub mod builders {
            use super::types;
            #builders
        }
    }
}

fn status_pattern(status: Status) -> TokenStream {
    match status {
        Status::Code(code) => quote! { #code },
        Status::Class(class) => {
            let low = class * 100;
            let high = class * 100 + 99;
            quote! { #low..=#high }
        }
        Status::Default => quote! { _ },
    }
}

fn decoder(rt: &syn::Path, payload: &Payload) -> TokenStream {
    match payload {
        Payload::Empty => quote! { #rt::__private::decode_empty },
        Payload::Json(_) => quote! { #rt::__private::decode_json },
        Payload::Text | Payload::Events(_) => quote! { #rt::__private::decode_text },
        Payload::Bytes => quote! { #rt::__private::decode_bytes },
    }
}

fn sorted(entries: &[(Status, Payload)]) -> Vec<&(Status, Payload)> {
    let mut sorted: Vec<_> = entries.iter().collect();
    sorted.sort_by_key(|(status, _)| match status {
        Status::Code(_) => 0,
        Status::Class(_) => 1,
        Status::Default => 2,
    });
    sorted
}

fn builder(space: &TypeSpace<'_>, rt: &syn::Path, op: &Operation, types: &ResponseTypes, index: usize) -> TokenStream {
    let prefix = quote! { types:: };
    let name = ident(&op.builder_name);
    let doc = super::string_literal(&format!(
        " The request for [`Client::{}`](super::Client::{}): `{} {}`.",
        op.method_name, op.method_name, op.http_method, op.path
    ));
    let mut fields = Vec::new();
    let mut setters = Vec::new();
    let mut encode = Vec::new();
    for param in &op.params {
        let field = ident(&param.name);
        let ty = type_tokens(space, rt, &prefix, &param.ty);
        let wire = super::string_literal(&param.wire);
        if param.required {
            fields.push(quote! { pub(super) #field: #ty, });
        } else {
            fields.push(quote! { pub(super) #field: ::std::option::Option<#ty>, });
            let text = param
                .doc
                .clone()
                .unwrap_or_else(|| format!("Sets the `{}` parameter.", param.wire));
            setters.push(setter(&field, &ty, &text));
        }
        let style = style_tokens(param.style);
        let explode = param.explode;
        encode.push(match param.location {
            // Written piece by piece in the template's order, below.
            Location::Path => continue,
            Location::Query => quote! { parts.query_param(#wire, #rt::ParamStyle::#style, #explode, &self.#field)?; },
            Location::Header => quote! { parts.header_param(#wire, &self.#field)?; },
            Location::Cookie => quote! { parts.cookie_param(#wire, &self.#field)?; },
        });
    }
    encode.insert(0, path_encode(op));
    if let Some(server) = &op.server {
        encode.push(quote! { parts.server(#server); });
    }
    if let Some(body) = &op.body {
        let field = ident(&body.name);
        let ty = type_tokens(space, rt, &prefix, &body.ty);
        let content_type = &body.content_type;
        let value = if body.required {
            quote! { &self.#field }
        } else {
            quote! { body }
        };
        let encode_as = |content_type: &str, kind: BodyKind, encoding: &[(String, Style, bool)]| match kind {
            BodyKind::Json => quote! { parts.json_body(#content_type, #value)?; },
            BodyKind::Form => {
                let encoding = encoding.iter().map(|(field, style, explode)| {
                    let style = style_tokens(*style);
                    quote! { (#field, #rt::ParamStyle::#style, #explode) }
                });
                quote! { parts.form_body(#value, &[#(#encoding),*])?; }
            }
            BodyKind::Multipart if content_type == body.content_type => multipart_encode(space, &body.ty, &value),
            BodyKind::Multipart => quote! { parts.multipart_value(#value)?; },
            BodyKind::Text => {
                quote! { parts.bytes_body(#content_type, ::std::clone::Clone::clone(#value).into_bytes()); }
            }
            BodyKind::Bytes => quote! { parts.bytes_body(#content_type, ::std::clone::Clone::clone(#value)); },
        };
        let default = encode_as(content_type, body.kind, &body.encoding);
        // The caller may choose another content type the spec offers for the same schema.
        let offered: Vec<&str> = std::iter::once(content_type.as_str())
            .chain(body.alternatives.iter().map(|(ct, _, _)| ct.as_str()))
            .collect();
        let chosen = body.alternatives.iter().map(|(ct, kind, encoding)| {
            let encode = encode_as(ct, *kind, encoding);
            quote! { ::std::option::Option::Some(#ct) => { #encode } }
        });
        let encode_one = quote! {
            match self.call.content_type() {
                ::std::option::Option::None | ::std::option::Option::Some(#content_type) => { #default }
                #(#chosen)*
                ::std::option::Option::Some(other) => {
                    return ::std::result::Result::Err(#rt::__private::unoffered_content_type(other, &[#(#offered),*]));
                }
            }
        };
        if body.required {
            fields.push(quote! { pub(super) #field: #ty, });
            encode.push(encode_one);
        } else {
            fields.push(quote! { pub(super) #field: ::std::option::Option<#ty>, });
            let text = body.doc.clone().unwrap_or_else(|| "Sets the request body.".to_owned());
            setters.push(setter(&field, &ty, &text));
            encode.push(quote! { if let ::std::option::Option::Some(body) = &self.#field { #encode_one } });
        }
    }

    let output = type_tokens(space, rt, &prefix, &types.output);
    let error = type_tokens(space, rt, &prefix, &types.error);
    let decode_success = success_decoder(rt, op, &types.output, &prefix, space);
    let decode_error = error_decoder(rt, op, &types.error, &prefix, space);
    let id = super::string_literal(&op.id);
    let method = format_ident!("{}", http_method_variant(op.http_method));
    let path = super::string_literal(conductor_spec::request_path(&op.path));
    let security = match &op.security {
        Some(requirements) => {
            let tokens = requirements_tokens(requirements);
            quote! { ::std::option::Option::Some(#tokens) }
        }
        None => quote! { ::std::option::Option::None },
    };
    let setters_impl = (!setters.is_empty()).then(|| {
        let setters = moved(setters);
        quote! { impl #name { #setters } }
    });
    let paginated = super::paginate::paginated_impl(space, rt, op, &types.output);
    let events = op.success.iter().find_map(|(_, payload)| match payload {
        Payload::Events(data) => {
            let (ty, decode) = match data {
                TypeRef::String => (
                    quote! { ::std::string::String },
                    quote! { #rt::__private::decode_event_text },
                ),
                other => {
                    let ty = type_tokens(space, rt, &prefix, other);
                    (ty.clone(), quote! { #rt::__private::decode_event_json::<#ty> })
                }
            };
            Some(quote! {
                impl #name {
                    /// The `text/event-stream` response as it arrives: awaited, gives the status
                    /// and headers with a `Stream` of typed events.
                    pub fn events(self) -> #rt::Events<Self, #ty> {
                        #rt::Events::new(self, #decode)
                    }
                }
            })
        }
        _ => None,
    });
    let parts_name = if encode.is_empty() {
        quote! { _parts }
    } else {
        quote! { parts }
    };
    let (fields, encode) = (moved(fields), moved(encode));
    let (decode_success, decode_error) = (moved([decode_success]), moved([decode_error]));
    let (setters_impl, paginated, events) = (moved(setters_impl), moved(paginated), moved(events));
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is awaited"]
        pub struct #name {
            pub(super) call: #rt::__private::Call,
            #fields
        }

        #setters_impl

        impl #rt::Operation for #name {
            type Output = #output;
            type ErrorBody = #error;
            const SPEC: &'static #rt::OperationSpec = &#rt::OperationSpec {
                id: #id,
                method: #rt::HttpMethod::#method,
                path: #path,
                security: #security,
                api: &super::API,
                index: #index,
            };

            fn call_mut(&mut self) -> &mut #rt::__private::Call {
                &mut self.call
            }

            fn encode(&self, #parts_name: &mut #rt::RequestParts) -> ::std::result::Result<(), #rt::EncodeError> {
                #encode
                ::std::result::Result::Ok(())
            }

            fn decode_success(response: &#rt::__private::RawResponse) -> ::std::result::Result<Self::Output, #rt::DecodeError> {
                #decode_success
            }

            fn decode_error(response: &#rt::__private::RawResponse) -> ::std::option::Option<::std::result::Result<Self::ErrorBody, #rt::DecodeError>> {
                #decode_error
            }
        }

        #paginated
        #events

        impl ::std::future::IntoFuture for #name {
            type Output = ::std::result::Result<#output, #rt::Error<#error>>;
            type IntoFuture = #rt::__private::BoxFuture<Self::Output>;

            fn into_future(self) -> Self::IntoFuture {
                #rt::__private::execute(self)
            }
        }
    }
}

/// Writes the request path from the template's fixed parts and the path parameters, in
/// order; nothing when the template has no parameters (the path is the template).
fn path_encode(op: &Operation) -> TokenStream {
    let mut pieces = Vec::new();
    let mut rest = conductor_spec::request_path(&op.path);
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|close| open + close) else {
            break;
        };
        let name = &rest[open + 1..close];
        let Some(param) = op
            .params
            .iter()
            .find(|param| param.location == Location::Path && param.wire == name)
        else {
            // Not a declared parameter (the generator reports it): kept as written.
            let literal = &rest[..=close];
            pieces.push(quote! { parts.path_literal(#literal); });
            rest = &rest[close + 1..];
            continue;
        };
        if open > 0 {
            let literal = &rest[..open];
            pieces.push(quote! { parts.path_literal(#literal); });
        }
        let field = ident(&param.name);
        let wire = super::string_literal(&param.wire);
        // The usual types are written directly; others through serde, as query values are.
        pieces.push(match (&param.ty, param.required) {
            (TypeRef::I32 | TypeRef::I64, true) => quote! { parts.path_i64(::std::convert::From::from(self.#field)); },
            (TypeRef::U32 | TypeRef::U64, true) => quote! { parts.path_u64(::std::convert::From::from(self.#field)); },
            (TypeRef::String, true) => quote! { parts.path_text(#wire, &self.#field)?; },
            _ => quote! { parts.path_value(#wire, &self.#field)?; },
        });
        rest = &rest[close + 1..];
    }
    if pieces.is_empty() {
        return TokenStream::new();
    }
    if !rest.is_empty() {
        pieces.push(quote! { parts.path_literal(#rest); });
    }
    quote! {
        parts.start_path();
        #(#pieces)*
    }
}

/// Encodes a multipart body field by field: files as file parts, the rest as text parts.
fn multipart_encode(space: &TypeSpace<'_>, ty: &TypeRef, value: &TokenStream) -> TokenStream {
    let fields = match space.resolved(ty.strip_option()) {
        TypeRef::Named(id) => match &space.def(*id).kind {
            crate::typespace::TypeKind::Struct { fields, .. } => fields,
            _ => return quote! { parts.multipart_value(#value)?; },
        },
        _ => return quote! { parts.multipart_value(#value)?; },
    };
    let parts = fields.iter().map(|field| {
        let wire = &field.wire;
        let name = ident(&field.name);
        let is_file = match field.ty.strip_option() {
            TypeRef::File => true,
            TypeRef::Vec(item) => **item == TypeRef::File,
            _ => false,
        };
        if is_file {
            quote! { parts.multipart_file(#wire, &(#value).#name); }
        } else {
            quote! { parts.multipart_text(#wire, &(#value).#name)?; }
        }
    });
    quote! { #(#parts)* }
}

fn style_tokens(style: Style) -> TokenStream {
    match style {
        Style::Form => quote! { Form },
        Style::SpaceDelimited => quote! { SpaceDelimited },
        Style::PipeDelimited => quote! { PipeDelimited },
        Style::DeepObject => quote! { DeepObject },
        Style::Simple => quote! { Simple },
    }
}

/// A setter for an optional parameter or body: `fn name(self, value: impl Into<T>) -> Self`.
fn setter(field: &proc_macro2::Ident, ty: &TokenStream, doc: &str) -> TokenStream {
    let doc = doc_attrs(doc);
    quote! {
        #doc
        pub fn #field(mut self, value: impl ::std::convert::Into<#ty>) -> Self {
            self.#field = ::std::option::Option::Some(value.into());
            self
        }
    }
}

fn http_method_variant(method: &str) -> &'static str {
    match method {
        "GET" => "Get",
        "PUT" => "Put",
        "POST" => "Post",
        "DELETE" => "Delete",
        "OPTIONS" => "Options",
        "HEAD" => "Head",
        "PATCH" => "Patch",
        _ => "Trace",
    }
}

fn success_decoder(
    rt: &syn::Path,
    op: &Operation,
    output: &TypeRef,
    prefix: &TokenStream,
    space: &TypeSpace<'_>,
) -> TokenStream {
    let by_status = matches!(output, TypeRef::Named(id) if op.success.len() > 1 && is_by_status(space, *id));
    if !by_status {
        // One body type (possibly optional); pick the decoder of the first entry with a body.
        let payload = op
            .success
            .iter()
            .map(|(_, p)| p)
            .find(|p| **p != Payload::Empty)
            .cloned()
            .unwrap_or(Payload::Empty);
        let decode = decoder(rt, &payload);
        return quote! { #decode(response) };
    }
    let enum_ty = type_tokens(space, rt, prefix, output);
    let arms = sorted(&op.success).into_iter().map(|(status, payload)| {
        let pattern = status_pattern(*status);
        let variant = format_ident!("{}", status_variant(*status));
        let decode = decoder(rt, payload);
        quote! { #pattern => #decode(response).map(#enum_ty::#variant), }
    });
    let has_default = op.success.iter().any(|(s, _)| *s == Status::Default);
    let fallback = (!has_default).then(|| {
        let (status, payload) = &op.success[0];
        let variant = format_ident!("{}", status_variant(*status));
        let decode = decoder(rt, payload);
        quote! { _ => #decode(response).map(#enum_ty::#variant), }
    });
    quote! {
        match response.status_code() {
            #(#arms)*
            #fallback
        }
    }
}

fn error_decoder(
    rt: &syn::Path,
    op: &Operation,
    error: &TypeRef,
    prefix: &TokenStream,
    space: &TypeSpace<'_>,
) -> TokenStream {
    let json_errors: Vec<&(Status, Payload)> = sorted(&op.errors)
        .into_iter()
        .filter(|(_, p)| matches!(p, Payload::Json(_)))
        .collect();
    if json_errors.is_empty() {
        return quote! { let _ = response; ::std::option::Option::None };
    }
    let by_status = matches!(error, TypeRef::Named(id) if is_by_status(space, *id));
    let has_default = json_errors.iter().any(|(s, _)| *s == Status::Default);
    let fallback = (!has_default).then(|| quote! { _ => ::std::option::Option::None, });
    if !by_status {
        let patterns = json_errors.iter().map(|(status, _)| status_pattern(*status));
        return quote! {
            match response.status_code() {
                #(#patterns)|* => ::std::option::Option::Some(#rt::__private::decode_json(response)),
                #fallback
            }
        };
    }
    let enum_ty = type_tokens(space, rt, prefix, error);
    let arms = json_errors.iter().map(|(status, _)| {
        let pattern = status_pattern(*status);
        let variant = format_ident!("{}", status_variant(*status));
        quote! { #pattern => ::std::option::Option::Some(#rt::__private::decode_json(response).map(#enum_ty::#variant)), }
    });
    quote! {
        match response.status_code() {
            #(#arms)*
            #fallback
        }
    }
}

fn is_by_status(space: &TypeSpace<'_>, id: usize) -> bool {
    matches!(space.def(id).kind, crate::typespace::TypeKind::ByStatus { .. })
}

/// The typed stubs module, present only when the runtime's `mock` feature is on.
pub(crate) fn mock_module(rt: &syn::Path, spec_path: &str, operations: &[Operation]) -> TokenStream {
    let methods = operations.iter().map(|op| {
        let method = ident(&op.method_name);
        let builder = ident(&op.builder_name);
        let status = op
            .success
            .iter()
            .find_map(|(status, _)| match status {
                Status::Code(code) => Some(*code),
                _ => None,
            })
            .unwrap_or(200);
        let doc = super::string_literal(&format!(" Scripts `{}` (`{} {}`).", op.id, op.http_method, op.path));
        quote! {
            #[doc = #doc]
            pub fn #method(&self) -> #rt::mock::OperationStub<'a, super::builders::#builder> {
                #rt::mock::OperationStub::new(self.server, #status)
            }
        }
    });
    let methods = moved(methods);
    quote! {
        #rt::__private::if_mock! {
            /// Typed stubs for the mock server derived from this connector's spec (the `mock`
            /// feature of `connector-runtime`, for tests).
            #[allow(clippy::all, clippy::pedantic, clippy::nursery)]
            pub mod mock {
                /// Serves this connector's spec on `127.0.0.1` on a free port.
                ///
                /// # Errors
                ///
                /// When the spec cannot be served or no port can be bound.
                pub async fn start() -> ::std::result::Result<#rt::mock::MockServer, #rt::mock::MockError> {
                    #rt::mock::MockServer::from_spec(#spec_path).await
                }

                /// One typed stub per operation.
                pub struct Stubs<'a> {
                    server: &'a #rt::mock::MockServer,
                }

                impl<'a> Stubs<'a> {
                    /// Stubs on `server`.
                    pub fn new(server: &'a #rt::mock::MockServer) -> Self {
                        Self { server }
                    }

                    #methods
                }
            }
        }
    }
}
