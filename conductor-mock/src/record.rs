//! Record and replay: a proxy that forwards requests to a real base URL and writes each
//! exchange as a JSON fixture with credentials redacted, and a server that answers from those
//! fixtures, so a connector can be tested against real responses without network.
//!
//! A fixture file holds
//! `{"request": {"method", "path", "query", "headers", "body"}, "response": {"status", "headers", "body"}}`;
//! headers are `[name, value]` pairs, a body is JSON when it parses, else `body_text` or
//! `body_base64`. Redacted: `Authorization`, cookies, API-key headers and query parameters
//! (the spec's `apiKey` schemes plus common names) and token fields of JSON and form bodies.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use base64::Engine as _;
use bytes::Bytes;
use serde_json::{json, Map, Value};

use crate::routes::deref;
use crate::stub::{self, RequestView, StubResponse};
use crate::ReceivedRequest;

/// What replaces a secret.
const REDACTED: &str = "REDACTED";

const SECRET_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-api-key",
    "api-key",
    "apikey",
    "x-auth-token",
    "x-access-token",
    "private-token",
];

const SECRET_PARAMS: &[&str] = &[
    "api_key",
    "apikey",
    "api-key",
    "x-api-key",
    "key",
    "token",
    "access_token",
    "refresh_token",
    "id_token",
    "client_secret",
    "password",
    "code_verifier",
];

/// Headers that describe one hop's framing, never replayed or forwarded.
const HOP_HEADERS: &[&str] = &[
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "content-encoding",
];

/// Knows which names carry secrets.
#[derive(Debug)]
pub(crate) struct Redactor {
    headers: BTreeSet<String>,
    params: BTreeSet<String>,
}

impl Redactor {
    /// Common names plus the spec's `apiKey` schemes.
    pub(crate) fn new(raw: Option<&Value>) -> Self {
        let mut headers: BTreeSet<String> = SECRET_HEADERS.iter().map(|s| (*s).to_owned()).collect();
        let mut params: BTreeSet<String> = SECRET_PARAMS.iter().map(|s| (*s).to_owned()).collect();
        let schemes = raw
            .and_then(|r| r.pointer("/components/securitySchemes"))
            .and_then(Value::as_object);
        for scheme in schemes.into_iter().flat_map(|s| s.values()) {
            let scheme = raw.map_or(scheme, |r| deref(r, scheme));
            let Some(name) = scheme.get("name").and_then(Value::as_str) else {
                continue;
            };
            match scheme.get("in").and_then(Value::as_str) {
                Some("header") => {
                    headers.insert(name.to_ascii_lowercase());
                }
                Some("query" | "cookie") => {
                    params.insert(name.to_owned());
                }
                _ => {}
            }
        }
        Self { headers, params }
    }

    fn headers(&self, headers: &[(String, String)]) -> Value {
        Value::Array(
            headers
                .iter()
                .filter(|(n, _)| !HOP_HEADERS.contains(&n.as_str()))
                .map(|(n, v)| {
                    let v = if self.headers.contains(&n.to_ascii_lowercase()) {
                        REDACTED
                    } else {
                        v.as_str()
                    };
                    json!([n, v])
                })
                .collect(),
        )
    }

    /// The raw query with secret parameters' values replaced (names and order kept).
    pub(crate) fn query(&self, query: Option<&str>) -> Option<String> {
        let query = query.filter(|q| !q.is_empty())?;
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| {
                let name = pair.split_once('=').map_or(pair, |(n, _)| n);
                let decoded = percent_encoding::percent_decode_str(name).decode_utf8_lossy();
                if self.params.contains(decoded.as_ref()) {
                    format!("{name}={REDACTED}")
                } else {
                    pair.to_owned()
                }
            })
            .collect();
        Some(pairs.join("&"))
    }

    fn json(&self, value: &mut Value) {
        match value {
            Value::Object(map) => {
                for (k, v) in map.iter_mut() {
                    if self.params.contains(k.as_str()) && !v.is_object() && !v.is_array() {
                        *v = Value::String(REDACTED.to_owned());
                    } else {
                        self.json(v);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.json(v)),
            _ => {}
        }
    }

    /// The body as fixture fields: `body` (JSON), `body_text` or `body_base64`.
    fn body(&self, body: &[u8], content_type: Option<&str>, out: &mut Map<String, Value>) {
        if body.is_empty() {
            return;
        }
        if let Ok(mut value) = serde_json::from_slice::<Value>(body) {
            self.json(&mut value);
            out.insert("body".to_owned(), value);
        } else if let Ok(text) = std::str::from_utf8(body) {
            let form = content_type.is_some_and(|t| t.contains("x-www-form-urlencoded"));
            let text = if form {
                self.query(Some(text)).unwrap_or_default()
            } else {
                text.to_owned()
            };
            out.insert("body_text".to_owned(), Value::String(text));
        } else {
            let encoded = base64::engine::general_purpose::STANDARD.encode(body);
            out.insert("body_base64".to_owned(), Value::String(encoded));
        }
    }
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Forwards requests upstream and writes fixtures.
#[derive(Debug)]
pub(crate) struct Recorder {
    upstream: String,
    dir: PathBuf,
    client: reqwest::Client,
    sequence: AtomicU64,
    redactor: Redactor,
}

impl Recorder {
    /// Creates `dir`; numbering continues after the fixtures already there.
    pub(crate) fn new(upstream: &str, dir: &Path, raw: Option<&Value>) -> Result<Self, String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let existing = std::fs::read_dir(dir)
            .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
            .filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "json"))
            })
            .count();
        // A provider may already be installed (by the runtime); either way one is.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(Self {
            upstream: upstream.trim_end_matches('/').to_owned(),
            dir: dir.to_owned(),
            client,
            sequence: AtomicU64::new(existing as u64),
            redactor: Redactor::new(raw),
        })
    }

    /// Forwards `request`, writes the fixture and answers what the upstream answered.
    pub(crate) async fn forward(&self, request: &ReceivedRequest) -> StubResponse {
        let mut url = format!("{}{}", self.upstream, request.path);
        if let Some(query) = &request.query {
            url.push('?');
            url.push_str(query);
        }
        let method = reqwest::Method::from_bytes(request.method.as_bytes()).unwrap_or(reqwest::Method::GET);
        let mut outgoing = self.client.request(method, &url).body(request.body.clone());
        for (name, value) in &request.headers {
            if !HOP_HEADERS.contains(&name.as_str()) {
                outgoing = outgoing.header(name, value);
            }
        }
        let result = match outgoing.send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                let headers: Vec<(String, String)> = response
                    .headers()
                    .iter()
                    .map(|(n, v)| {
                        (
                            n.as_str().to_owned(),
                            String::from_utf8_lossy(v.as_bytes()).into_owned(),
                        )
                    })
                    .collect();
                response.bytes().await.map(|body| (status, headers, body))
            }
            Err(err) => Err(err),
        };
        let (status, headers, body) = match result {
            Ok(exchange) => exchange,
            Err(err) => {
                return StubResponse::json(
                    502,
                    &json!({"error": "the upstream did not answer", "message": err.to_string()}),
                )
            }
        };
        let mut answer = StubResponse::status(status).body(body.clone());
        for (name, value) in headers.iter().filter(|(n, _)| !HOP_HEADERS.contains(&n.as_str())) {
            answer = answer.header(name, value);
        }
        if let Err(err) = self.write(request, status, &headers, &body) {
            answer = answer.header("x-conductor-mock-record-error", &err);
        }
        answer
    }

    fn write(
        &self,
        request: &ReceivedRequest,
        status: u16,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Result<(), String> {
        let r = &self.redactor;
        let mut req = Map::new();
        req.insert("method".to_owned(), json!(request.method));
        req.insert("path".to_owned(), json!(request.path));
        req.insert("query".to_owned(), json!(r.query(request.query.as_deref())));
        req.insert("headers".to_owned(), r.headers(&request.headers));
        r.body(&request.body, request.header("content-type"), &mut req);
        let mut res = Map::new();
        res.insert("status".to_owned(), json!(status));
        res.insert("headers".to_owned(), r.headers(headers));
        r.body(body, header(headers, "content-type"), &mut res);
        let fixture = json!({"request": req, "response": res});
        let n = self.sequence.fetch_add(1, Ordering::SeqCst) + 1;
        let slug: String = request
            .path
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let slug = slug.trim_matches('_');
        let file = self.dir.join(format!(
            "{n:04}-{}-{}.json",
            request.method.to_ascii_lowercase(),
            &slug[..slug.len().min(80)]
        ));
        let text = serde_json::to_string_pretty(&fixture).map_err(|e| e.to_string())?;
        std::fs::write(&file, text).map_err(|e| format!("cannot write {}: {e}", file.display()))
    }
}

/// `(METHOD, path, redacted query)`.
type FixtureKey = (String, String, Option<String>);

/// Answers from fixtures.
#[derive(Debug)]
pub(crate) struct Replayer {
    /// `(METHOD, path, redacted query)` → responses in recorded order; the last repeats.
    fixtures: Mutex<BTreeMap<FixtureKey, Vec<StubResponse>>>,
    redactor: Redactor,
}

fn response_of(fixture: &Value) -> StubResponse {
    let response = &fixture["response"];
    let status = response["status"]
        .as_u64()
        .and_then(|s| u16::try_from(s).ok())
        .unwrap_or(200);
    let body: Bytes = if let Some(body) = response.get("body") {
        body.to_string().into()
    } else if let Some(text) = response.get("body_text").and_then(Value::as_str) {
        text.to_owned().into()
    } else if let Some(encoded) = response.get("body_base64").and_then(Value::as_str) {
        base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .unwrap_or_default()
            .into()
    } else {
        Bytes::new()
    };
    let mut stub = StubResponse::status(status).body(body);
    for pair in response["headers"].as_array().into_iter().flatten() {
        if let (Some(name), Some(value)) = (pair[0].as_str(), pair[1].as_str()) {
            if !HOP_HEADERS.contains(&name) {
                stub = stub.header(name, value);
            }
        }
    }
    stub
}

impl Replayer {
    /// Loads every `*.json` fixture of `dir`, in file-name order.
    pub(crate) fn load(dir: &Path, raw: Option<&Value>) -> Result<Self, String> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| format!("cannot read fixtures from {}: {e}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        let mut fixtures: BTreeMap<_, Vec<StubResponse>> = BTreeMap::new();
        for file in files {
            let text = std::fs::read_to_string(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            let fixture: Value =
                serde_json::from_str(&text).map_err(|e| format!("{} is not a fixture: {e}", file.display()))?;
            let request = &fixture["request"];
            let (Some(method), Some(path)) = (request["method"].as_str(), request["path"].as_str()) else {
                return Err(format!("{} has no request method and path", file.display()));
            };
            let query = request["query"].as_str().map(str::to_owned);
            fixtures
                .entry((method.to_ascii_uppercase(), path.to_owned(), query))
                .or_default()
                .push(response_of(&fixture));
        }
        Ok(Self {
            fixtures: Mutex::new(fixtures),
            redactor: Redactor::new(raw),
        })
    }

    /// The recorded response for the same method, path and (redacted) query, else a 404.
    pub(crate) fn answer(&self, request: &ReceivedRequest) -> StubResponse {
        let query = self.redactor.query(request.query.as_deref());
        let key = (request.method.clone(), request.path.clone(), query);
        let view = RequestView {
            query: &[],
            headers: &[],
            path_params: &[],
            body: &[],
        };
        let mut fixtures = self.fixtures.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match fixtures
            .get_mut(&key)
            .and_then(|responses| stub::take(responses, &view))
        {
            Some(response) => response,
            None => StubResponse::json(
                404,
                &json!({"error": "no fixture for this request", "method": key.0, "path": key.1, "query": key.2}),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_spec_and_common_names() {
        let spec = json!({"components": {"securitySchemes": {
            "k": {"type": "apiKey", "in": "header", "name": "X-Secret"},
            "q": {"type": "apiKey", "in": "query", "name": "sig"}
        }}});
        let r = Redactor::new(Some(&spec));
        assert_eq!(
            r.query(Some("limit=2&sig=abc&api_key=x")).as_deref(),
            Some("limit=2&sig=REDACTED&api_key=REDACTED")
        );
        let headers = r.headers(&[
            ("x-secret".into(), "s".into()),
            ("authorization".into(), "Bearer t".into()),
            ("accept".into(), "*/*".into()),
        ]);
        assert_eq!(
            headers,
            json!([
                ["x-secret", "REDACTED"],
                ["authorization", "REDACTED"],
                ["accept", "*/*"]
            ])
        );
        let mut body = json!({"access_token": "t", "nested": [{"password": "p", "name": "n"}]});
        r.json(&mut body);
        assert_eq!(
            body,
            json!({"access_token": "REDACTED", "nested": [{"password": "REDACTED", "name": "n"}]})
        );
    }
}
