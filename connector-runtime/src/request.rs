//! Turning an operation's arguments into the parts of an HTTP request.
//!
//! Generated code calls one method per parameter with the spec's location and style; the
//! value is converted to JSON once and then encoded here, so this logic is compiled once for
//! every connector rather than once per operation.

use std::borrow::Cow;

use bytes::Bytes;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::StatusCode;
use serde::Serialize;
use serde_json::Value;

use crate::multipart::{FileParts, Multipart, Part, SharedStream};
use crate::spec::ParamStyle;

/// Characters escaped in a path parameter: everything but RFC 3986's unreserved characters.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// A parameter or body that could not be encoded; nothing was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodeError {
    /// The parameter (or `body`).
    pub name: String,
    /// Why.
    pub message: String,
}

impl std::fmt::Display for EncodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot encode `{}`: {}", self.name, self.message)
    }
}

impl std::error::Error for EncodeError {}

/// The encoded body of a request.
#[derive(Debug, Clone)]
pub(crate) enum Body {
    Empty,
    /// Bytes that can be replayed on retry, with their content type.
    Bytes {
        content_type: String,
        data: Bytes,
    },
    /// A `multipart/form-data` body, encoded (files read) just before the first attempt.
    Multipart(Multipart),
    /// A body sent as a stream: once, never retried.
    Stream {
        content_type: String,
        stream: SharedStream,
    },
}

/// The parts of one request, before credentials and the base URL are applied.
#[derive(Debug, Clone)]
pub struct RequestParts {
    pub(crate) path: String,
    pub(crate) query: Vec<(String, String)>,
    /// Parsed when added, so each attempt's request only copies them.
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) cookies: Vec<(String, String)>,
    pub(crate) body: Body,
    /// A whole URL given by the server (a next page), used instead of the base URL and path.
    pub(crate) next_url: Option<reqwest::Url>,
    /// The operation's own server (OpenAPI operation- or path-level `servers`), used instead of
    /// the client's base URL unless the client maps it elsewhere.
    pub(crate) server: Option<&'static str>,
    /// Whether a success response's body is handed over unread, as a stream.
    pub(crate) stream_response: bool,
    template: &'static str,
}

impl RequestParts {
    /// Starts a request for the path template `template`.
    pub fn new(template: &'static str) -> Self {
        Self {
            path: template.to_owned(),
            query: Vec::new(),
            headers: Vec::new(),
            cookies: Vec::new(),
            body: Body::Empty,
            next_url: None,
            server: None,
            stream_response: false,
            template,
        }
    }

    /// The path so far, with the parameters substituted so far.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Substitutes the path parameter `name`, percent-encoding its value so it can never
    /// change the path (`/`, `?`, `#` are escaped; a value that is `.` or `..` is refused).
    ///
    /// # Errors
    ///
    /// When the value does not serialize to a scalar or array of scalars, or would form a
    /// dot segment.
    pub fn path_param<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<&mut Self, EncodeError> {
        let value = to_json(name, value)?;
        let encoded = path_segment(name, &value)?;
        substitute(&mut self.path, name, &encoded);
        Ok(self)
    }

    /// Starts writing the path piece by piece ([`RequestParts::path_literal`],
    /// [`RequestParts::path_value`]) instead of substituting into the template; generated code
    /// writes it so, in the template's order. The template's copy made by
    /// [`RequestParts::new`] is emptied, its room kept for the pieces.
    #[doc(hidden)]
    pub fn start_path(&mut self) {
        self.path.clear();
    }

    /// Appends a fixed part of the path template.
    #[doc(hidden)]
    pub fn path_literal(&mut self, text: &str) {
        self.path.push_str(text);
    }

    /// Appends a signed integer path parameter.
    #[doc(hidden)]
    pub fn path_i64(&mut self, value: i64) {
        self.path.push_str(itoa::Buffer::new().format(value));
    }

    /// Appends an unsigned integer path parameter.
    #[doc(hidden)]
    pub fn path_u64(&mut self, value: u64) {
        self.path.push_str(itoa::Buffer::new().format(value));
    }

    /// Appends the text path parameter `name`, encoded as [`RequestParts::path_param`] encodes
    /// it.
    ///
    /// # Errors
    ///
    /// When the text would form a dot segment or an empty one.
    #[doc(hidden)]
    pub fn path_text(&mut self, name: &str, value: &str) -> Result<(), EncodeError> {
        let encoded = segment(name, Cow::Borrowed(value))?;
        self.path.push_str(&encoded);
        Ok(())
    }

    /// Appends the path parameter `name`, encoded as [`RequestParts::path_param`] encodes it.
    ///
    /// # Errors
    ///
    /// As [`RequestParts::path_param`].
    #[doc(hidden)]
    pub fn path_value<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), EncodeError> {
        let value = to_json(name, value)?;
        let encoded = path_segment(name, &value)?;
        self.path.push_str(&encoded);
        Ok(())
    }

    /// Adds the query parameter `name` in the given style; `None`/`null` values are skipped.
    ///
    /// # Errors
    ///
    /// When the value cannot be serialized.
    pub fn query_param<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        style: ParamStyle,
        explode: bool,
        value: &T,
    ) -> Result<&mut Self, EncodeError> {
        let value = to_json(name, value)?;
        encode_query(&mut self.query, name, style, explode, &value);
        Ok(self)
    }

    /// Adds the header `name`; `None` values are skipped, arrays are comma-separated.
    ///
    /// # Errors
    ///
    /// When the value contains CR or LF (header injection), when `name` is not a valid header
    /// name or the value not a valid header value, or when the value cannot be serialized.
    pub fn header_param<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<&mut Self, EncodeError> {
        let value = to_json(name, value)?;
        if value.is_null() {
            return Ok(self);
        }
        let text = simple_text(name, &value)?;
        check_header_value(name, &text)?;
        let header = header_name(name)?;
        let value = HeaderValue::try_from(text.into_owned()).map_err(|_| EncodeError {
            name: name.to_owned(),
            message: "not a valid header value".to_owned(),
        })?;
        self.headers.push((header, value));
        Ok(self)
    }

    /// Adds the cookie `name`; `None` values are skipped.
    ///
    /// # Errors
    ///
    /// When the value contains characters a cookie cannot carry.
    pub fn cookie_param<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<&mut Self, EncodeError> {
        let value = to_json(name, value)?;
        if value.is_null() {
            return Ok(self);
        }
        let text = simple_text(name, &value)?.into_owned();
        if text.chars().any(|c| matches!(c, ';' | '\r' | '\n')) {
            return Err(EncodeError {
                name: name.to_owned(),
                message: "a cookie value cannot contain `;`, CR or LF".to_owned(),
            });
        }
        self.cookies.push((name.to_owned(), text));
        Ok(self)
    }

    /// Sets a JSON body with the given content type.
    ///
    /// # Errors
    ///
    /// When the value cannot be serialized.
    pub fn json_body<T: Serialize + ?Sized>(
        &mut self,
        content_type: &str,
        value: &T,
    ) -> Result<&mut Self, EncodeError> {
        let data = serde_json::to_vec(value).map_err(|err| EncodeError {
            name: "body".to_owned(),
            message: err.to_string(),
        })?;
        self.body = Body::Bytes {
            content_type: content_type.to_owned(),
            data: data.into(),
        };
        Ok(self)
    }

    /// Sets an `application/x-www-form-urlencoded` body, each field encoded as the spec's
    /// `encoding` says (`(field, style, explode)`): `deepObject` uses Stripe's brackets
    /// (`metadata[key]=v`, `expand[]=x`, `items[0][price]=p`); `form` repeats an exploded array
    /// (`MediaUrl=a&MediaUrl=b`, the OpenAPI default) and joins one that is not (`ids=1,2`).
    /// Objects without a `deepObject` encoding still use brackets, which keep their nesting.
    ///
    /// # Errors
    ///
    /// When the value cannot be serialized or is not an object.
    pub fn form_body<T: Serialize + ?Sized>(
        &mut self,
        value: &T,
        encoding: &[(&str, ParamStyle, bool)],
    ) -> Result<&mut Self, EncodeError> {
        let value = to_json("body", value)?;
        let Value::Object(fields) = value else {
            return Err(EncodeError {
                name: "body".to_owned(),
                message: "a form body must be an object".to_owned(),
            });
        };
        let mut pairs = Vec::new();
        for (key, value) in &fields {
            let (style, explode) = encoding
                .iter()
                .find(|(name, _, _)| name == key)
                .map_or((ParamStyle::Form, true), |(_, style, explode)| (*style, *explode));
            match (value, style) {
                (Value::Array(_), ParamStyle::Form | ParamStyle::SpaceDelimited | ParamStyle::PipeDelimited) => {
                    encode_query(&mut pairs, key, style, explode, value);
                }
                (Value::Object(_), ParamStyle::Form) if !explode => encode_query(&mut pairs, key, style, false, value),
                _ => flatten_brackets(&mut pairs, key.clone(), value),
            }
        }
        let mut serializer = url::form_urlencoded::Serializer::new(String::new());
        for (key, value) in &pairs {
            serializer.append_pair(key, value);
        }
        self.body = Body::Bytes {
            content_type: "application/x-www-form-urlencoded".to_owned(),
            data: serializer.finish().into_bytes().into(),
        };
        Ok(self)
    }

    /// Sets a raw body (`application/octet-stream`, `text/plain`, ...).
    pub fn bytes_body(&mut self, content_type: &str, data: impl Into<Bytes>) -> &mut Self {
        self.body = Body::Bytes {
            content_type: content_type.to_owned(),
            data: data.into(),
        };
        self
    }

    /// Sends this request to `url` (the operation's own server in the spec) instead of the
    /// client's base URL; a client maps it elsewhere with
    /// [`ClientBuilder::server_url`](crate::ClientBuilder::server_url).
    pub fn server(&mut self, url: &'static str) -> &mut Self {
        self.server = Some(url);
        self
    }

    /// Adds a text field to a `multipart/form-data` body: a scalar as text, an array of scalars
    /// as one part per item, anything else as JSON (`Content-Type: application/json`); `None`
    /// adds nothing.
    ///
    /// # Errors
    ///
    /// When the value cannot be serialized.
    pub fn multipart_text<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<&mut Self, EncodeError> {
        let value = to_json(name, value)?;
        let items = match value {
            Value::Null => Vec::new(),
            Value::Array(items) if items.iter().all(|i| !i.is_array() && !i.is_object()) => items,
            other => vec![other],
        };
        for item in items {
            let (value, content_type) = match &item {
                Value::Object(_) | Value::Array(_) => (item.to_string(), Some("application/json")),
                scalar_value => (scalar(scalar_value).unwrap_or_default(), None),
            };
            self.multipart().parts.push(Part::Text {
                name: name.to_owned(),
                value,
                content_type,
            });
        }
        Ok(self)
    }

    /// Adds the file or files in `files` to a `multipart/form-data` body under `name`.
    pub fn multipart_file(&mut self, name: &str, files: &impl FileParts) -> &mut Self {
        for file in files.file_parts() {
            self.multipart().parts.push(Part::File {
                name: name.to_owned(),
                file: file.clone(),
            });
        }
        self
    }

    /// Adds every field of an object as a text part of a `multipart/form-data` body (for a body
    /// the spec describes without named fields).
    ///
    /// # Errors
    ///
    /// When the value cannot be serialized or is not an object.
    pub fn multipart_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<&mut Self, EncodeError> {
        let Value::Object(fields) = to_json("body", value)? else {
            return Err(EncodeError {
                name: "body".to_owned(),
                message: "a multipart body must be an object".to_owned(),
            });
        };
        self.multipart();
        for (name, value) in &fields {
            self.multipart_text(name, value)?;
        }
        Ok(self)
    }

    fn multipart(&mut self) -> &mut Multipart {
        if !matches!(self.body, Body::Multipart(_)) {
            self.body = Body::Multipart(Multipart::default());
        }
        match &mut self.body {
            Body::Multipart(multipart) => multipart,
            _ => unreachable!("set just above"),
        }
    }

    pub(crate) fn template(&self) -> &'static str {
        self.template
    }
}

/// `value` as one path segment: percent-encoded so it can never change the path (`/`, `?`,
/// `#` are escaped), and never `.` or `..`.
fn path_segment<'v>(name: &str, value: &'v Value) -> Result<Cow<'v, str>, EncodeError> {
    segment(name, simple_text(name, value)?)
}

/// `text` percent-encoded as one path segment.
fn segment<'t>(name: &str, text: Cow<'t, str>) -> Result<Cow<'t, str>, EncodeError> {
    // Borrowed when nothing needs escaping: the text is then used as it is.
    let escaped = match Cow::from(utf8_percent_encode(&text, PATH_SEGMENT)) {
        Cow::Borrowed(_) => None,
        Cow::Owned(escaped) => Some(escaped),
    };
    let encoded = escaped.map_or(text, Cow::Owned);
    if encoded == "." || encoded == ".." || encoded.is_empty() {
        return Err(EncodeError {
            name: name.to_owned(),
            message: format!("the value {encoded:?} cannot be a path segment"),
        });
    }
    Ok(encoded)
}

/// Replaces every `{name}` in `path` with `value`.
fn substitute(path: &mut String, name: &str, value: &str) {
    let mut from = 0;
    while let Some(offset) = path.get(from..).and_then(|rest| rest.find('{')) {
        let at = from + offset;
        let matches = path
            .get(at + 1..)
            .is_some_and(|rest| rest.starts_with(name) && rest[name.len()..].starts_with('}'));
        if matches {
            path.replace_range(at..at + name.len() + 2, value);
            from = at + value.len();
        } else {
            from = at + 1;
        }
    }
}

fn to_json<T: Serialize + ?Sized>(name: &str, value: &T) -> Result<Value, EncodeError> {
    serde_json::to_value(value).map_err(|err| EncodeError {
        name: name.to_owned(),
        message: err.to_string(),
    })
}

pub(crate) fn check_header_value(name: &str, text: &str) -> Result<(), EncodeError> {
    if text.contains(['\r', '\n', '\0']) {
        return Err(EncodeError {
            name: name.to_owned(),
            message: "a header value cannot contain CR, LF or NUL".to_owned(),
        });
    }
    Ok(())
}

/// `name` as a header name; a valid lower-case name is used as it is, without a copy.
pub(crate) fn header_name(name: &str) -> Result<HeaderName, EncodeError> {
    HeaderName::try_from(name).map_err(|_| EncodeError {
        name: name.to_owned(),
        message: "not a valid header name".to_owned(),
    })
}

/// [`header_name`] for a name that lives as long as the program (a security scheme's): a
/// valid lower-case name is not copied.
pub(crate) fn static_header_name(name: &'static str) -> Result<HeaderName, EncodeError> {
    // `from_static` panics on anything but a valid lower-case name: check that first.
    let lower_case_token = (1..=256).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"!#$%&'*+-.^_`|~".contains(&b));
    if lower_case_token {
        Ok(HeaderName::from_static(name))
    } else {
        header_name(name)
    }
}

/// A scalar's text, borrowed where the value holds it: the `simple` style of one value.
fn simple_text<'v>(name: &str, value: &'v Value) -> Result<Cow<'v, str>, EncodeError> {
    Ok(match value {
        Value::String(s) => Cow::Borrowed(s),
        Value::Bool(true) => Cow::Borrowed("true"),
        Value::Bool(false) => Cow::Borrowed("false"),
        Value::Null => Cow::Borrowed(""),
        Value::Number(n) => Cow::Owned(number_text(n)),
        Value::Array(_) | Value::Object(_) => Cow::Owned(simple_string(name, value)?),
    })
}

/// A number as JSON writes it; integers without the formatting machinery.
fn number_text(number: &serde_json::Number) -> String {
    if let Some(n) = number.as_i64() {
        itoa::Buffer::new().format(n).to_owned()
    } else if let Some(n) = number.as_u64() {
        itoa::Buffer::new().format(n).to_owned()
    } else {
        number.to_string()
    }
}

/// A scalar as text: strings without quotes, numbers and booleans as written.
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(number_text(n)),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null => Some(String::new()),
        _ => None,
    }
}

/// The `simple` style: scalars as text, arrays comma-separated, objects `k,v,k,v`.
fn simple_string(name: &str, value: &Value) -> Result<String, EncodeError> {
    let parts: Option<Vec<String>> = match value {
        Value::Array(items) => items.iter().map(scalar).collect(),
        Value::Object(map) => map.iter().map(|(k, v)| scalar(v).map(|v| format!("{k},{v}"))).collect(),
        other => scalar(other).map(|s| vec![s]),
    };
    parts.map(|p| p.join(",")).ok_or_else(|| EncodeError {
        name: name.to_owned(),
        message: "nested values cannot be encoded in the simple style".to_owned(),
    })
}

fn encode_query(out: &mut Vec<(String, String)>, name: &str, style: ParamStyle, explode: bool, value: &Value) {
    match value {
        Value::Null => {}
        Value::Array(items) => {
            let texts = items
                .iter()
                .map(|item| scalar(item).unwrap_or_else(|| item.to_string()));
            match (style, explode) {
                (ParamStyle::DeepObject, _) => {
                    for text in texts {
                        out.push((format!("{name}[]"), text));
                    }
                }
                (_, true) => {
                    for text in texts {
                        out.push((name.to_owned(), text));
                    }
                }
                (ParamStyle::SpaceDelimited, false) => out.push((name.to_owned(), texts.collect::<Vec<_>>().join(" "))),
                (ParamStyle::PipeDelimited, false) => out.push((name.to_owned(), texts.collect::<Vec<_>>().join("|"))),
                (_, false) => out.push((name.to_owned(), texts.collect::<Vec<_>>().join(","))),
            }
        }
        Value::Object(map) => match (style, explode) {
            (ParamStyle::DeepObject, _) => {
                for (key, value) in map {
                    flatten_brackets(out, format!("{name}[{key}]"), value);
                }
            }
            (_, true) => {
                for (key, value) in map {
                    if let Some(text) = scalar(value) {
                        out.push((key.clone(), text));
                    } else {
                        out.push((key.clone(), value.to_string()));
                    }
                }
            }
            (_, false) => {
                let joined: Vec<String> = map
                    .iter()
                    .map(|(k, v)| format!("{k},{}", scalar(v).unwrap_or_else(|| v.to_string())))
                    .collect();
                out.push((name.to_owned(), joined.join(",")));
            }
        },
        scalar_value => {
            if let Some(text) = scalar(scalar_value) {
                out.push((name.to_owned(), text));
            }
        }
    }
}

/// Bracket-style flattening, as Stripe and Rails expect.
fn flatten_brackets(out: &mut Vec<(String, String)>, key: String, value: &Value) {
    match value {
        Value::Null => {}
        Value::Object(map) => {
            if map.is_empty() {
                out.push((key.clone(), String::new()));
            }
            for (child, value) in map {
                flatten_brackets(out, format!("{key}[{child}]"), value);
            }
        }
        Value::Array(items) => {
            let all_scalar = items.iter().all(|item| !item.is_object() && !item.is_array());
            for (index, item) in items.iter().enumerate() {
                if all_scalar {
                    flatten_brackets(out, format!("{key}[]"), item);
                } else {
                    flatten_brackets(out, format!("{key}[{index}]"), item);
                }
            }
        }
        other => {
            if let Some(text) = scalar(other) {
                out.push((key, text));
            }
        }
    }
}

/// A response as received: status, headers and the whole body.
#[derive(Debug, Clone)]
pub struct RawResponse {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl RawResponse {
    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The status code as a number.
    pub fn status_code(&self) -> u16 {
        self.status.as_u16()
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body.
    pub fn body(&self) -> &Bytes {
        &self.body
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn substitutes_every_occurrence_of_exactly_the_named_parameter() {
        let mut path = "/a/{id}/b/{idx}/{id}/{".to_owned();
        substitute(&mut path, "id", "7");
        assert_eq!(path, "/a/7/b/{idx}/7/{");
        let mut path = "/{x}".to_owned();
        substitute(&mut path, "x", "{x}");
        assert_eq!(path, "/{x}", "a value is never substituted again");
    }

    #[test]
    fn path_pieces_encode_as_path_param_does() {
        for text in ["plain", "a/b?c#d e", "ünï", "%41"] {
            let mut by_template = RequestParts::new("/x/{v}/y");
            by_template.path_param("v", text).unwrap();
            let mut by_pieces = RequestParts::new("/x/{v}/y");
            by_pieces.start_path();
            by_pieces.path_literal("/x/");
            by_pieces.path_text("v", text).unwrap();
            by_pieces.path_literal("/y");
            assert_eq!(by_pieces.path(), by_template.path(), "{text:?}");
            let mut generic = RequestParts::new("/x/{v}/y");
            generic.start_path();
            generic.path_literal("/x/");
            generic.path_value("v", text).unwrap();
            generic.path_literal("/y");
            assert_eq!(generic.path(), by_template.path(), "{text:?}");
        }
        for number in [0_i64, -7, i64::MAX] {
            let mut by_template = RequestParts::new("/{n}");
            by_template.path_param("n", &number).unwrap();
            let mut by_pieces = RequestParts::new("/{n}");
            by_pieces.start_path();
            by_pieces.path_literal("/");
            by_pieces.path_i64(number);
            assert_eq!(by_pieces.path(), by_template.path());
        }
        let mut parts = RequestParts::new("/{n}");
        parts.start_path();
        parts.path_u64(u64::MAX);
        assert_eq!(parts.path(), u64::MAX.to_string());
        for refused in [".", "..", ""] {
            assert!(RequestParts::new("/").path_text("v", refused).is_err());
        }
    }

    #[test]
    fn path_values_cannot_change_the_path() {
        let mut parts = RequestParts::new("/files/{name}/raw");
        parts.path_param("name", "../a/b?c#d e").unwrap();
        assert_eq!(parts.path(), "/files/..%2Fa%2Fb%3Fc%23d%20e/raw");
        let mut parts = RequestParts::new("/files/{name}");
        assert!(parts.path_param("name", "..").is_err());
        assert!(parts.path_param("name", ".").is_err());
    }

    #[test]
    fn query_styles() {
        let mut out = Vec::new();
        encode_query(&mut out, "ids", ParamStyle::Form, true, &json!([1, 2]));
        encode_query(&mut out, "tags", ParamStyle::Form, false, &json!(["a", "b"]));
        encode_query(&mut out, "p", ParamStyle::PipeDelimited, false, &json!(["a", "b"]));
        encode_query(
            &mut out,
            "filter",
            ParamStyle::DeepObject,
            true,
            &json!({"name": "x", "age": {"gt": 3}}),
        );
        encode_query(&mut out, "skip", ParamStyle::Form, true, &json!(null));
        let pairs: Vec<(&str, &str)> = out.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(
            pairs,
            [
                ("ids", "1"),
                ("ids", "2"),
                ("tags", "a,b"),
                ("p", "a|b"),
                ("filter[name]", "x"),
                ("filter[age][gt]", "3")
            ]
        );
    }

    #[test]
    fn header_names_from_static_strings_never_panic() {
        assert_eq!(static_header_name("x-api-key").unwrap(), "x-api-key");
        assert_eq!(static_header_name("X-API-Key").unwrap(), "x-api-key");
        assert_eq!(
            static_header_name("authorization").unwrap(),
            reqwest::header::AUTHORIZATION
        );
        for invalid in ["", "a b", "x:y", "caf\u{e9}", "\"quoted\""] {
            assert!(static_header_name(invalid).is_err(), "{invalid:?}");
        }
        let long: &'static str = Box::leak("x".repeat(70_000).into_boxed_str());
        assert!(static_header_name(long).is_err());
    }

    #[test]
    fn header_parameters_are_checked_when_added() {
        let mut parts = RequestParts::new("/");
        parts.header_param("X-Trace", &7).unwrap();
        assert_eq!(
            parts.headers,
            [(HeaderName::from_static("x-trace"), HeaderValue::from_static("7"))]
        );
        assert!(parts.header_param("bad name", "v").is_err());
        assert!(parts.header_param("X-Bin", "\u{7f}").is_err());
    }

    #[test]
    fn header_injection_is_refused() {
        let mut parts = RequestParts::new("/");
        assert!(parts.header_param("X-Trace", "a\r\nEvil: 1").is_err());
        assert!(parts.header_param("X-Trace", "fine").is_ok());
    }

    #[test]
    fn form_bodies_use_brackets() {
        let mut parts = RequestParts::new("/");
        let deep = [
            ("metadata", ParamStyle::DeepObject, true),
            ("expand", ParamStyle::DeepObject, true),
            ("items", ParamStyle::DeepObject, true),
        ];
        parts
            .form_body(
                &json!({"metadata": {"k": "v"}, "expand": ["a", "b"], "items": [{"price": "p"}], "n": 1}),
                &deep,
            )
            .unwrap();
        let Body::Bytes { data, .. } = &parts.body else {
            panic!("no body")
        };
        assert_eq!(
            std::str::from_utf8(data).unwrap(),
            "metadata%5Bk%5D=v&expand%5B%5D=a&expand%5B%5D=b&items%5B0%5D%5Bprice%5D=p&n=1"
        );
    }

    #[test]
    fn form_arrays_follow_the_encoding() {
        let mut parts = RequestParts::new("/");
        parts
            .form_body(
                &json!({"MediaUrl": ["https://a/1.png", "https://a/2.png"], "ids": [1, 2], "meta": {"k": "v"}}),
                &[("ids", ParamStyle::Form, false)],
            )
            .unwrap();
        let Body::Bytes { data, .. } = &parts.body else {
            panic!("no body")
        };
        assert_eq!(
            std::str::from_utf8(data).unwrap(),
            "MediaUrl=https%3A%2F%2Fa%2F1.png&MediaUrl=https%3A%2F%2Fa%2F2.png&ids=1%2C2&meta%5Bk%5D=v"
        );
    }
}
