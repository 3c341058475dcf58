//! The static descriptions generated code emits: the API as a whole and each operation.

/// An HTTP method an operation uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HttpMethod {
    /// `GET`
    Get,
    /// `PUT`
    Put,
    /// `POST`
    Post,
    /// `DELETE`
    Delete,
    /// `OPTIONS`
    Options,
    /// `HEAD`
    Head,
    /// `PATCH`
    Patch,
    /// `TRACE`
    Trace,
}

impl HttpMethod {
    /// The method as `reqwest` knows it.
    pub fn as_reqwest(self) -> reqwest::Method {
        match self {
            Self::Get => reqwest::Method::GET,
            Self::Put => reqwest::Method::PUT,
            Self::Post => reqwest::Method::POST,
            Self::Delete => reqwest::Method::DELETE,
            Self::Options => reqwest::Method::OPTIONS,
            Self::Head => reqwest::Method::HEAD,
            Self::Patch => reqwest::Method::PATCH,
            Self::Trace => reqwest::Method::TRACE,
        }
    }

    /// Whether sending the request twice has the same effect as sending it once (RFC 9110 §9.2.2).
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Self::Post | Self::Patch)
    }

    /// The method's name, upper case.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Put => "PUT",
            Self::Post => "POST",
            Self::Delete => "DELETE",
            Self::Options => "OPTIONS",
            Self::Head => "HEAD",
            Self::Patch => "PATCH",
            Self::Trace => "TRACE",
        }
    }
}

impl std::fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a parameter is serialized (OpenAPI `style`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParamStyle {
    /// `form`: `a=1&a=2` exploded, `a=1,2` otherwise.
    Form,
    /// `spaceDelimited`: `a=1 2`.
    SpaceDelimited,
    /// `pipeDelimited`: `a=1|2`.
    PipeDelimited,
    /// `deepObject`: `a[key]=value`.
    DeepObject,
    /// `simple`: `1,2` (path and header parameters).
    Simple,
}

/// Where an API key travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ApiKeyLocation {
    /// In a request header.
    Header,
    /// In the query string.
    Query,
    /// In a cookie.
    Cookie,
}

/// The kind of a security scheme the spec declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SchemeKind {
    /// An API key sent under `name`.
    ApiKey {
        /// Header, query or cookie.
        location: ApiKeyLocation,
        /// The header, parameter or cookie name.
        name: &'static str,
    },
    /// HTTP basic authentication.
    Basic,
    /// HTTP bearer authentication.
    Bearer,
    /// OAuth 2.0; the credential is a bearer access token.
    OAuth2 {
        /// The token endpoint of the first flow that has one.
        token_url: Option<&'static str>,
        /// The authorization endpoint, for the authorization code flow.
        authorization_url: Option<&'static str>,
    },
    /// OpenID Connect; the credential is a bearer token.
    OpenIdConnect,
    /// A scheme this runtime does not know; only a custom credential can satisfy it.
    Other,
}

/// One entry of `components/securitySchemes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecuritySchemeSpec {
    /// The scheme's name in the spec.
    pub name: &'static str,
    /// What it is.
    pub kind: SchemeKind,
}

/// The API as a whole, as the spec describes it.
#[derive(Debug, Clone, Copy)]
pub struct ApiSpec {
    /// `info.title`.
    pub title: &'static str,
    /// `info.version`.
    pub version: &'static str,
    /// The first server's URL with its variables' defaults substituted, if the spec has one.
    pub default_server: Option<&'static str>,
    /// The top-level security requirements: alternatives, each a list of scheme names.
    pub security: &'static [&'static [&'static str]],
    /// The security schemes.
    pub schemes: &'static [SecuritySchemeSpec],
    /// The error envelope success responses may carry, if the API has one.
    pub envelope: Option<Envelope>,
    /// How many operations were generated: each client keeps per-operation state (health
    /// counters) in a table of this size, indexed by [`OperationSpec::index`].
    pub operation_count: usize,
}

/// An error inside a success response, as Slack's `{"ok": false, "error": "channel_not_found"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Envelope {
    /// JSON pointer to the flag that is `false` on an error.
    pub ok: &'static str,
    /// JSON pointer to the error's text.
    pub error: &'static str,
}

impl Envelope {
    /// The error text when `body` is an error envelope (`false` at `ok`); `None` otherwise.
    pub fn error_in(&self, body: &[u8]) -> Option<String> {
        // Every success passes through here: a body without a literal `false` is not parsed twice.
        if !body.windows(5).any(|window| window == b"false") {
            return None;
        }
        // Only the flag is read (the rest of the body checked and skipped), and the text only
        // for an error.
        if crate::json_at::value_at(body, self.ok) != Some(serde_json::Value::Bool(false)) {
            return None;
        }
        Some(match crate::json_at::value_at(body, self.error) {
            Some(serde_json::Value::String(text)) => text,
            Some(other) => other.to_string(),
            None => "the response reports an error without saying which".to_owned(),
        })
    }
}

impl ApiSpec {
    /// Looks up a scheme by name.
    pub fn scheme(&self, name: &str) -> Option<&'static SecuritySchemeSpec> {
        self.schemes.iter().find(|scheme| scheme.name == name)
    }
}

/// One operation, as the spec describes it.
#[derive(Debug, Clone, Copy)]
pub struct OperationSpec {
    /// The `operationId` (or the name derived from method and path when the spec has none).
    pub id: &'static str,
    /// The HTTP method.
    pub method: HttpMethod,
    /// The path template, e.g. `/pets/{petId}`.
    pub path: &'static str,
    /// The operation's own security requirements; `None` means the API's apply.
    pub security: Option<&'static [&'static [&'static str]]>,
    /// The API this operation belongs to.
    pub api: &'static ApiSpec,
    /// The operation's position among its API's generated operations, below
    /// [`ApiSpec::operation_count`].
    pub index: usize,
}

impl OperationSpec {
    /// The security requirements that apply: the operation's, else the API's.
    pub fn effective_security(&self) -> &'static [&'static [&'static str]] {
        self.security.unwrap_or(self.api.security)
    }
}

/// Descriptions for the runtime's unit tests.
#[cfg(test)]
pub(crate) mod fixtures {
    use super::{ApiSpec, HttpMethod, OperationSpec};

    /// An API of one operation, without security.
    pub(crate) static API: ApiSpec = ApiSpec {
        title: "t",
        version: "1",
        default_server: None,
        security: &[],
        schemes: &[],
        envelope: None,
        operation_count: 1,
    };

    /// A `GET path` operation of [`API`] at `index`.
    pub(crate) const fn get(id: &'static str, path: &'static str, index: usize) -> OperationSpec {
        OperationSpec {
            id,
            method: HttpMethod::Get,
            path,
            security: None,
            api: &API,
            index,
        }
    }
}
