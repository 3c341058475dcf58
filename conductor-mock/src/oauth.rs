//! OAuth 2.0 emulation: a token endpoint (client credentials, refresh token, authorization code
//! with PKCE), an authorization endpoint that approves at once, and live-token checks for
//! operations secured by `oauth2`, `openIdConnect` or HTTP bearer.
//!
//! Tokens live until a test expires or revokes them (nothing is timed); `expires_in` is only
//! what the token response announces.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

use base64::Engine as _;
use serde_json::{json, Value};

use crate::routes::{deref, Route};
use crate::stub::StubResponse;
use crate::ReceivedRequest;

/// The `WWW-Authenticate` challenge sent with a 401 for a missing or dead token.
pub(crate) const CHALLENGE: &str = r#"Bearer realm="conductor-mock", error="invalid_token""#;

/// Which OAuth endpoint a path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Endpoint {
    Token,
    Authorize,
}

#[derive(Debug)]
struct Code {
    client_id: String,
    challenge: Option<(String, String)>,
    redirect_uri: Option<String>,
}

#[derive(Debug, Default)]
struct Tokens {
    require_live: bool,
    expires_in: u64,
    client: Option<(String, String)>,
    /// access token → live
    access: BTreeMap<String, bool>,
    /// refresh token → live
    refresh: BTreeMap<String, bool>,
    codes: BTreeMap<String, Code>,
    counter: u64,
    /// grant type → token requests
    requests: BTreeMap<String, u64>,
}

impl Tokens {
    fn next(&mut self, kind: &str) -> String {
        self.counter += 1;
        format!("mock-{kind}-{}", self.counter)
    }

    fn grant(&mut self, with_refresh: bool) -> StubResponse {
        let access = self.next("access");
        self.access.insert(access.clone(), true);
        let mut body = json!({"access_token": access, "token_type": "Bearer", "expires_in": self.expires_in});
        if with_refresh {
            let refresh = self.next("refresh");
            self.refresh.insert(refresh.clone(), true);
            body["refresh_token"] = Value::String(refresh);
        }
        StubResponse::json(200, &body)
            .header("cache-control", "no-store")
            .header("pragma", "no-cache")
    }
}

/// The server's OAuth state.
#[derive(Debug)]
pub(crate) struct OAuthServer {
    token_paths: Vec<String>,
    authorize_paths: Vec<String>,
    tokens: Mutex<Tokens>,
}

/// The path of a URL (`https://host/a/b` → `/a/b`; a relative `/a/b` stays).
fn path_of(url: &str) -> String {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .map_or(url, |r| r.find('/').map_or("/", |i| &r[i..]));
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    if rest.starts_with('/') {
        rest.to_owned()
    } else {
        format!("/{rest}")
    }
}

fn error(status: u16, code: &str, description: &str) -> StubResponse {
    StubResponse::json(status, &json!({"error": code, "error_description": description}))
        .header("cache-control", "no-store")
}

fn pkce_s256(verifier: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, verifier.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest.as_ref())
}

impl OAuthServer {
    /// `/oauth/token` and `/oauth/authorize`, plus the token, refresh and authorization URLs
    /// of the spec's OAuth flows.
    pub(crate) fn new(raw: Option<&Value>) -> Self {
        let mut token_paths = vec!["/oauth/token".to_owned()];
        let mut authorize_paths = vec!["/oauth/authorize".to_owned()];
        let schemes = raw
            .and_then(|r| r.pointer("/components/securitySchemes"))
            .and_then(Value::as_object);
        for scheme in schemes.into_iter().flat_map(|s| s.values()) {
            let scheme = raw.map_or(scheme, |r| deref(r, scheme));
            for flow in scheme
                .get("flows")
                .and_then(Value::as_object)
                .into_iter()
                .flat_map(|f| f.values())
            {
                for key in ["tokenUrl", "refreshUrl", "authorizationUrl"] {
                    let paths = if key == "authorizationUrl" {
                        &mut authorize_paths
                    } else {
                        &mut token_paths
                    };
                    if let Some(url) = flow.get(key).and_then(Value::as_str) {
                        let path = path_of(url);
                        if !paths.contains(&path) {
                            paths.push(path);
                        }
                    }
                }
            }
        }
        Self {
            token_paths,
            authorize_paths,
            tokens: Mutex::new(Tokens {
                expires_in: 3600,
                ..Tokens::default()
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Tokens> {
        self.tokens.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether `path` is an OAuth endpoint.
    pub(crate) fn endpoint(&self, path: &str) -> Option<Endpoint> {
        if self.token_paths.iter().any(|p| p == path) {
            Some(Endpoint::Token)
        } else if self.authorize_paths.iter().any(|p| p == path) {
            Some(Endpoint::Authorize)
        } else {
            None
        }
    }

    /// Answers a request to an OAuth endpoint.
    pub(crate) fn serve(
        &self,
        endpoint: Endpoint,
        request: &ReceivedRequest,
        query: &[(String, String)],
    ) -> StubResponse {
        match endpoint {
            Endpoint::Authorize => self.authorize(query),
            Endpoint::Token if request.method == "POST" => self.token(request),
            Endpoint::Token => error(405, "invalid_request", "the token endpoint takes POST"),
        }
    }

    fn authorize(&self, query: &[(String, String)]) -> StubResponse {
        let get = |name: &str| query.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        if get("response_type").as_deref() != Some("code") {
            return error(400, "unsupported_response_type", "only response_type=code is supported");
        }
        let Some(client_id) = get("client_id") else {
            return error(400, "invalid_request", "client_id is required");
        };
        let method = get("code_challenge_method").unwrap_or_else(|| "plain".to_owned());
        if method != "S256" && method != "plain" {
            return error(400, "invalid_request", "code_challenge_method must be S256 or plain");
        }
        let mut tokens = self.lock();
        let code = tokens.next("code");
        let redirect_uri = get("redirect_uri");
        tokens.codes.insert(
            code.clone(),
            Code {
                client_id,
                challenge: get("code_challenge").map(|c| (c, method)),
                redirect_uri: redirect_uri.clone(),
            },
        );
        let state = get("state");
        match redirect_uri {
            Some(uri) => {
                let encode =
                    |s: &str| percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string();
                let separator = if uri.contains('?') { '&' } else { '?' };
                let mut location = format!("{uri}{separator}code={}", encode(&code));
                if let Some(state) = &state {
                    location.push_str(&format!("&state={}", encode(state)));
                }
                StubResponse::status(302).header("location", &location)
            }
            None => StubResponse::json(200, &json!({"code": code, "state": state})),
        }
    }

    fn token(&self, request: &ReceivedRequest) -> StubResponse {
        let form = crate::handle::parse_query(Some(&String::from_utf8_lossy(&request.body)));
        let get = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
        let basic = request
            .header("authorization")
            .and_then(|a| a.strip_prefix("Basic ").or_else(|| a.strip_prefix("basic ")))
            .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b.trim()).ok())
            .and_then(|b| String::from_utf8(b).ok())
            .and_then(|b| b.split_once(':').map(|(i, s)| (i.to_owned(), s.to_owned())));
        let (client_id, secret) = match basic {
            Some((id, secret)) => (Some(id), Some(secret)),
            None => (
                get("client_id").map(str::to_owned),
                get("client_secret").map(str::to_owned),
            ),
        };
        let grant_type = get("grant_type").unwrap_or_default().to_owned();
        let mut tokens = self.lock();
        *tokens.requests.entry(grant_type.clone()).or_default() += 1;
        if let Some((id, expected)) = &tokens.client {
            let secret_ok = secret.as_ref() == Some(expected) || grant_type == "authorization_code";
            if client_id.as_ref() != Some(id) || !secret_ok {
                return error(401, "invalid_client", "unknown client or wrong secret")
                    .header("www-authenticate", r#"Basic realm="conductor-mock""#);
            }
        }
        match grant_type.as_str() {
            "client_credentials" => tokens.grant(false),
            "refresh_token" => {
                let Some(refresh) = get("refresh_token") else {
                    return error(400, "invalid_request", "refresh_token is required");
                };
                match tokens.refresh.get_mut(refresh) {
                    Some(live) if *live => {
                        // Refresh tokens rotate: the old one is spent.
                        *live = false;
                        tokens.grant(true)
                    }
                    _ => error(400, "invalid_grant", "the refresh token is unknown, spent or revoked"),
                }
            }
            "authorization_code" => {
                let Some(code) = get("code").and_then(|c| tokens.codes.remove(c)) else {
                    return error(400, "invalid_grant", "the authorization code is unknown or used");
                };
                if client_id.as_ref().is_some_and(|id| *id != code.client_id) {
                    return error(400, "invalid_grant", "the code was issued to another client");
                }
                if code.redirect_uri.is_some() && code.redirect_uri.as_deref() != get("redirect_uri") {
                    return error(
                        400,
                        "invalid_grant",
                        "redirect_uri does not match the authorization request",
                    );
                }
                if let Some((challenge, method)) = &code.challenge {
                    let Some(verifier) = get("code_verifier") else {
                        return error(400, "invalid_grant", "code_verifier is required (PKCE)");
                    };
                    let derived = if method == "S256" {
                        pkce_s256(verifier)
                    } else {
                        verifier.to_owned()
                    };
                    if derived != *challenge {
                        return error(400, "invalid_grant", "code_verifier does not match the code_challenge");
                    }
                }
                tokens.grant(true)
            }
            "" => error(400, "invalid_request", "grant_type is required"),
            _ => error(
                400,
                "unsupported_grant_type",
                "supported: client_credentials, refresh_token, authorization_code",
            ),
        }
    }

    /// With live tokens required: a 401 for an operation secured by a bearer-type scheme whose
    /// request carries no live token.
    pub(crate) fn check(&self, raw: &Value, route: &Route, request: &ReceivedRequest) -> Option<StubResponse> {
        let tokens = self.lock();
        if !tokens.require_live {
            return None;
        }
        let bearer_like = |name: &String| {
            let Some(scheme) = raw.pointer("/components/securitySchemes").and_then(|s| s.get(name)) else {
                return false;
            };
            let scheme = deref(raw, scheme);
            match scheme.get("type").and_then(Value::as_str) {
                Some("oauth2" | "openIdConnect") => true,
                Some("http") => scheme
                    .get("scheme")
                    .and_then(Value::as_str)
                    .is_some_and(|s| s.eq_ignore_ascii_case("bearer")),
                _ => false,
            }
        };
        if !route.security.iter().flatten().any(bearer_like) {
            return None;
        }
        let token = request.header("authorization").and_then(|a| {
            a.get(..7)
                .filter(|p| p.eq_ignore_ascii_case("bearer "))
                .map(|_| a[7..].trim())
        });
        let only_bearer = route.security.iter().all(|alt| alt.iter().any(bearer_like));
        match token {
            Some(token) if tokens.access.get(token) == Some(&true) => None,
            Some(_) => Some(
                error(401, "invalid_token", "the access token is unknown, expired or revoked")
                    .header("www-authenticate", CHALLENGE),
            ),
            None if only_bearer => Some(
                error(401, "invalid_token", "an access token is required")
                    .header("www-authenticate", r#"Bearer realm="conductor-mock""#),
            ),
            None => None,
        }
    }
}

/// Controls the OAuth 2.0 emulation of a [`crate::MockServer`]; see [`crate::MockServer::oauth`].
#[derive(Debug, Clone, Copy)]
pub struct OAuth<'a> {
    pub(crate) server: &'a OAuthServer,
}

impl OAuth<'_> {
    /// From now on, operations secured by `oauth2`, `openIdConnect` or HTTP bearer need a live
    /// token issued by this server (else `401` with `WWW-Authenticate`).
    pub fn require_live_tokens(&self) -> Self {
        self.server.lock().require_live = true;
        *self
    }

    /// Only this client may get tokens (by HTTP Basic or `client_id`/`client_secret` in the
    /// form); by default any client may.
    pub fn client(&self, id: &str, secret: &str) -> Self {
        self.server.lock().client = Some((id.to_owned(), secret.to_owned()));
        *self
    }

    /// The `expires_in` that token responses announce (default 3600).
    pub fn expires_in(&self, seconds: u64) -> Self {
        self.server.lock().expires_in = seconds;
        *self
    }

    /// Issues a live access token without a token request.
    pub fn issue(&self) -> String {
        let mut tokens = self.server.lock();
        let token = tokens.next("access");
        tokens.access.insert(token.clone(), true);
        token
    }

    /// Expires every access token issued so far (refresh tokens stay usable).
    pub fn expire_all(&self) -> Self {
        for live in self.server.lock().access.values_mut() {
            *live = false;
        }
        *self
    }

    /// Revokes an access or refresh token; whether it was known.
    pub fn revoke(&self, token: &str) -> bool {
        let mut tokens = self.server.lock();
        let found = tokens.access.get_mut(token).or(None);
        if let Some(live) = found {
            *live = false;
            return true;
        }
        tokens.refresh.get_mut(token).map(|live| *live = false).is_some()
    }

    /// Whether `token` is a live access token.
    pub fn is_live(&self, token: &str) -> bool {
        self.server.lock().access.get(token) == Some(&true)
    }

    /// How many requests the token endpoint received.
    pub fn token_requests(&self) -> u64 {
        self.server.lock().requests.values().sum()
    }

    /// How many token requests had `grant_type`.
    pub fn token_requests_for(&self, grant_type: &str) -> u64 {
        self.server.lock().requests.get(grant_type).copied().unwrap_or_default()
    }

    /// The token endpoint's path (`/oauth/token`); the spec's `tokenUrl` paths are served too.
    pub fn token_path(&self) -> &str {
        self.server.token_paths.first().map_or("/oauth/token", String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_matches_the_rfc_example() {
        // Cross-checked with Python's hashlib and base64.urlsafe_b64encode.
        assert_eq!(
            pkce_s256("dBjftJeZ4CVP-mB92K9uhvTalBgR8qB5XU8fVk2BTgA"),
            "r45Ok0HZpxuQUybv8i8_-WKXK1Zj4ZN2duaJNbMMsfI"
        );
        assert_eq!(path_of("https://example.com/oauth2/token?x=1"), "/oauth2/token");
        assert_eq!(path_of("/token"), "/token");
    }
}
