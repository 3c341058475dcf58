//! Credentials and how they are applied to a request.
//!
//! Credentials are looked up by the name of the security scheme in the spec; for convenience a
//! credential can also be set for every scheme of a kind (every bearer/OAuth scheme, every API
//! key scheme, every basic scheme). Secrets are held in [`secrecy::SecretString`] and never
//! appear in `Debug` output.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, OnceLock};

use reqwest::header::{HeaderName, HeaderValue, AUTHORIZATION};
use secrecy::{ExposeSecret, SecretString};

use crate::clock::Clock;
use crate::request::RequestParts;
use crate::spec::{ApiKeyLocation, SchemeKind, SecuritySchemeSpec};
use crate::token::{TokenError, TokenManager};

/// A custom authentication scheme, e.g. request signing.
///
/// It is called for each attempt, after parameters are encoded, and may add headers, query
/// parameters or cookies.
pub trait AuthScheme: Send + Sync + 'static {
    /// Adds this scheme's credentials to the request.
    ///
    /// # Errors
    ///
    /// A message explaining why the request cannot be authenticated; the call fails with
    /// [`crate::ErrorKind::MissingCredentials`] and nothing is sent.
    fn apply(&self, method: &str, parts: &mut RequestParts) -> Result<(), String>;
}

/// One credential.
#[derive(Clone)]
#[non_exhaustive]
pub enum Credential {
    /// An API key; where it goes is the scheme's business.
    ApiKey(SecretString),
    /// HTTP basic authentication.
    Basic {
        /// The user name.
        username: String,
        /// The password.
        password: SecretString,
    },
    /// A bearer token (HTTP bearer, OAuth 2.0 access token, OpenID Connect).
    Bearer(SecretString),
    /// A custom scheme.
    Custom(Arc<dyn AuthScheme>),
    /// OAuth 2.0 access tokens from a [`TokenManager`], sent as bearer tokens and renewed
    /// when they expire or the server answers 401.
    OAuth2(Arc<TokenManager>),
}

impl Credential {
    /// An API key.
    pub fn api_key(key: impl Into<String>) -> Self {
        Self::ApiKey(SecretString::from(key.into()))
    }

    /// A bearer token.
    pub fn bearer(token: impl Into<String>) -> Self {
        Self::Bearer(SecretString::from(token.into()))
    }

    /// HTTP basic credentials.
    pub fn basic(username: impl Into<String>, password: impl Into<String>) -> Self {
        Self::Basic {
            username: username.into(),
            password: SecretString::from(password.into()),
        }
    }

    /// A custom scheme.
    pub fn custom(scheme: impl AuthScheme) -> Self {
        Self::Custom(Arc::new(scheme))
    }

    /// Tokens from `manager` (share the `Arc` between clients that use the same OAuth client).
    pub fn oauth2(manager: impl Into<Arc<TokenManager>>) -> Self {
        Self::OAuth2(manager.into())
    }

    /// Reads a secret from the environment variable `var`, or `None` if it is unset or empty.
    pub fn bearer_from_env(var: &str) -> Option<Self> {
        std::env::var(var).ok().filter(|v| !v.is_empty()).map(Self::bearer)
    }

    /// Reads an API key from the environment variable `var`, or `None` if it is unset or empty.
    pub fn api_key_from_env(var: &str) -> Option<Self> {
        std::env::var(var).ok().filter(|v| !v.is_empty()).map(Self::api_key)
    }

    fn fits(&self, kind: SchemeKind) -> bool {
        matches!(
            (self, kind),
            (Self::Custom(_), _)
                | (Self::ApiKey(_), SchemeKind::ApiKey { .. })
                | (Self::Basic { .. }, SchemeKind::Basic)
                | (
                    Self::Bearer(_) | Self::OAuth2(_),
                    SchemeKind::Bearer | SchemeKind::OAuth2 { .. } | SchemeKind::OpenIdConnect
                )
        )
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ApiKey(_) => f.write_str("ApiKey(<redacted>)"),
            Self::Basic { username, .. } => write!(f, "Basic {{ username: {username:?}, password: <redacted> }}"),
            Self::Bearer(_) => f.write_str("Bearer(<redacted>)"),
            Self::Custom(_) => f.write_str("Custom(..)"),
            Self::OAuth2(manager) => write!(f, "OAuth2({manager:?})"),
        }
    }
}

/// The credentials of a client or of one call.
#[derive(Clone, Default, Debug)]
pub struct Credentials {
    by_scheme: BTreeMap<String, Stored>,
    any_bearer: Option<Stored>,
    any_api_key: Option<Stored>,
    any_basic: Option<Stored>,
}

/// A credential with the header it sends, built on its first use: every later request shares
/// that header (a reference count) instead of formatting, checking and copying the secret again.
#[derive(Clone)]
pub(crate) struct Stored {
    credential: Credential,
    /// The header value of an API key, bearer token or basic credential; `Err` names why the
    /// secret cannot be a header value.
    value: OnceLock<Result<HeaderValue, String>>,
    /// An API key's header name, for the scheme it was first sent under.
    api_key_name: OnceLock<(&'static str, HeaderName)>,
}

impl Stored {
    fn new(credential: Credential) -> Self {
        Self {
            credential,
            value: OnceLock::new(),
            api_key_name: OnceLock::new(),
        }
    }

    /// The secret as a sensitive header value (`Bearer ..`, `Basic ..` or the API key itself).
    fn header_value(&self, header: &str) -> Result<HeaderValue, String> {
        self.value
            .get_or_init(|| {
                let text = match &self.credential {
                    Credential::ApiKey(key) => key.expose_secret().to_owned(),
                    Credential::Bearer(token) => format!("Bearer {}", token.expose_secret()),
                    Credential::Basic { username, password } => {
                        use base64::Engine as _;
                        let pair = format!("{username}:{}", password.expose_secret());
                        format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(pair))
                    }
                    Credential::Custom(_) | Credential::OAuth2(_) => {
                        return Err("this credential has no fixed header value".to_owned());
                    }
                };
                crate::request::check_header_value(header, &text).map_err(|e| e.message)?;
                sensitive(header, text)
            })
            .clone()
    }

    /// The header an API key goes in for `scheme_header` (the scheme's header name).
    fn api_key_header(&self, scheme_header: &'static str) -> Result<HeaderName, String> {
        if let Some((for_name, name)) = self.api_key_name.get() {
            if *for_name == scheme_header {
                return Ok(name.clone());
            }
        }
        let name = crate::request::static_header_name(scheme_header).map_err(|e| e.message)?;
        Ok(self
            .api_key_name
            .get_or_init(|| (scheme_header, name.clone()))
            .1
            .clone())
    }
}

impl fmt::Debug for Stored {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.credential.fmt(f)
    }
}

/// `text` as the value of `header`, marked sensitive (never indexed by HTTP/2 header
/// compression, shown as `Sensitive` by `Debug`). Copies of it share its bytes.
fn sensitive(header: &str, text: String) -> Result<HeaderValue, String> {
    let mut value = HeaderValue::try_from(text)
        .map_err(|_| format!("the credential for `{header}` is not a valid header value"))?;
    value.set_sensitive(true);
    Ok(value)
}

impl Credentials {
    /// No credentials.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the credential for the scheme named `scheme` in the spec.
    pub fn set(&mut self, scheme: impl Into<String>, credential: Credential) -> &mut Self {
        self.by_scheme.insert(scheme.into(), Stored::new(credential));
        self
    }

    /// Sets a bearer token for every bearer, OAuth 2.0 and OpenID Connect scheme.
    pub fn set_bearer(&mut self, token: impl Into<String>) -> &mut Self {
        self.any_bearer = Some(Stored::new(Credential::bearer(token)));
        self
    }

    /// Sets an API key for every API key scheme.
    pub fn set_api_key(&mut self, key: impl Into<String>) -> &mut Self {
        self.any_api_key = Some(Stored::new(Credential::api_key(key)));
        self
    }

    /// Uses tokens from `manager` for every bearer, OAuth 2.0 and OpenID Connect scheme.
    pub fn set_oauth2(&mut self, manager: impl Into<Arc<TokenManager>>) -> &mut Self {
        self.any_bearer = Some(Stored::new(Credential::oauth2(manager)));
        self
    }

    /// Sets basic credentials for every basic scheme.
    pub fn set_basic(&mut self, username: impl Into<String>, password: impl Into<String>) -> &mut Self {
        self.any_basic = Some(Stored::new(Credential::basic(username, password)));
        self
    }

    /// Whether no credential is set.
    pub fn is_empty(&self) -> bool {
        self.by_scheme.is_empty() && self.any_bearer.is_none() && self.any_api_key.is_none() && self.any_basic.is_none()
    }

    /// Whether any credential is a token manager (whose tokens a 401 may renew).
    pub(crate) fn has_token_manager(&self) -> bool {
        self.by_scheme
            .values()
            .chain(self.any_bearer.iter())
            .any(|c| matches!(c.credential, Credential::OAuth2(_)))
    }

    pub(crate) fn for_scheme(&self, scheme: &SecuritySchemeSpec) -> Option<&Stored> {
        if let Some(stored) = self.by_scheme.get(scheme.name) {
            return stored.credential.fits(scheme.kind).then_some(stored);
        }
        let fallback = match scheme.kind {
            SchemeKind::ApiKey { .. } => self.any_api_key.as_ref(),
            SchemeKind::Basic => self.any_basic.as_ref(),
            SchemeKind::Bearer | SchemeKind::OAuth2 { .. } | SchemeKind::OpenIdConnect => self.any_bearer.as_ref(),
            SchemeKind::Other => None,
        };
        fallback.filter(|c| c.credential.fits(scheme.kind))
    }
}

/// Why credentials could not be applied.
pub(crate) enum AuthFailure {
    /// No alternative of the requirements has all its credentials.
    Missing(String),
    /// A credential could not be applied (e.g. a value with CR/LF).
    Invalid(String),
    /// A token manager could not produce a token.
    Token(TokenError),
}

/// The OAuth token a request carries, so a 401 can invalidate it.
pub(crate) type IssuedToken = Option<(Arc<TokenManager>, SecretString)>;

/// The credentials a call sends, chosen by [`choose`] before any is applied.
enum Choice<'c> {
    /// Nothing: the operation takes no credentials, or may be called anonymously.
    Anonymous,
    /// One credential: the scheme assumed for an API whose spec declares none, or an
    /// alternative of one scheme (the usual requirement).
    Single(&'static SecuritySchemeSpec, &'c Stored),
    /// The first alternative whose schemes all have a credential.
    Alternative(&'static [&'static str]),
}

/// Where a call's credentials are looked up: its own first, then the client's.
#[derive(Clone, Copy)]
struct Sources<'c> {
    api: &'static crate::ApiSpec,
    call: Option<&'c Credentials>,
    client: &'c Credentials,
}

impl<'c> Sources<'c> {
    fn lookup(&self, scheme: &SecuritySchemeSpec) -> Option<&'c Stored> {
        self.call
            .and_then(|c| c.for_scheme(scheme))
            .or_else(|| self.client.for_scheme(scheme))
    }

    /// The scheme named `name` and its credential, when the API declares it and one is set.
    fn resolve(&self, name: &str) -> Option<(&'static SecuritySchemeSpec, &'c Stored)> {
        self.api
            .scheme(name)
            .and_then(|scheme| self.lookup(scheme).map(|stored| (scheme, stored)))
    }

    /// Finds the first alternative of `requirements` whose schemes all have a credential.
    ///
    /// An empty alternative (`{}` in the spec) means the operation may be called anonymously.
    fn choose(&self, requirements: &'static [&'static [&'static str]]) -> Result<Choice<'c>, AuthFailure> {
        if requirements.is_empty() {
            // A spec that declares no security at all (GitHub's does not) still needs
            // credentials: a bearer (or OAuth) or basic credential set for every scheme of its
            // kind is sent.
            if self.api.schemes.is_empty() {
                for scheme in IMPLICIT_SCHEMES {
                    if let Some(stored) = self.lookup(scheme) {
                        return Ok(Choice::Single(scheme, stored));
                    }
                }
            }
            return Ok(Choice::Anonymous);
        }
        let mut anonymous_allowed = false;
        for alternative in requirements {
            if let [name] = alternative {
                if let Some((scheme, stored)) = self.resolve(name) {
                    return Ok(Choice::Single(scheme, stored));
                }
            } else if alternative.is_empty() {
                anonymous_allowed = true;
            } else if alternative.iter().all(|name| self.resolve(name).is_some()) {
                // Looked up again to apply: no list of them is allocated.
                return Ok(Choice::Alternative(alternative));
            }
        }
        if anonymous_allowed {
            return Ok(Choice::Anonymous);
        }
        Err(missing(requirements))
    }
}

impl<'c> Choice<'c> {
    /// The chosen schemes and their credentials, in the alternative's order.
    fn credentials(self, sources: Sources<'c>) -> impl Iterator<Item = (&'static SecuritySchemeSpec, &'c Stored)> {
        let (single, alternative): (_, &'static [&'static str]) = match self {
            Self::Anonymous => (None, &[]),
            Self::Single(scheme, stored) => (Some((scheme, stored)), &[]),
            Self::Alternative(alternative) => (None, alternative),
        };
        single
            .into_iter()
            .chain(alternative.iter().filter_map(move |name| sources.resolve(name)))
    }
}

#[cold]
fn missing(requirements: &[&[&str]]) -> AuthFailure {
    let wanted: Vec<String> = requirements.iter().map(|alternative| alternative.join(" + ")).collect();
    AuthFailure::Missing(format!(
        "no credential configured for the security scheme {}",
        wanted.iter().map(|w| format!("`{w}`")).collect::<Vec<_>>().join(" or ")
    ))
}

/// Applies the credentials of the first alternative of `requirements` whose schemes all have
/// one (per-call credentials first, then the client's) to `parts`, when none of them needs a
/// token fetched: the usual call, without a future. An OAuth credential fails here; calls that
/// may carry one go through [`apply`].
pub(crate) fn apply_now(
    requirements: &'static [&'static [&'static str]],
    api: &'static crate::ApiSpec,
    call: Option<&Credentials>,
    client: &Credentials,
    method: &str,
    parts: &mut RequestParts,
) -> Result<(), AuthFailure> {
    let sources = Sources { api, call, client };
    sources
        .choose(requirements)?
        .credentials(sources)
        .try_for_each(|(scheme, stored)| apply_one(scheme, stored, method, parts))
        .map_err(AuthFailure::Invalid)
}

/// The headers the client's credentials add to every request under `requirements`, when
/// they can be fixed in advance: API keys in headers, basic and bearer credentials. `None`
/// otherwise (a custom scheme, an OAuth token, an API key in the query or a cookie, a missing
/// or invalid credential): such calls go through [`apply_now`] or [`apply`] each time.
pub(crate) fn fixed_headers(
    requirements: &'static [&'static [&'static str]],
    api: &'static crate::ApiSpec,
    client: &Credentials,
) -> Option<crate::operation_state::Headers> {
    let sources = Sources {
        api,
        call: None,
        client,
    };
    sources
        .choose(requirements)
        .ok()?
        .credentials(sources)
        .map(|(scheme, stored)| header_of(scheme, stored)?.ok())
        .collect()
}

/// [`apply_now`] for credentials that may hold a token manager, which is asked for its token
/// first. A token manager without a clock of its own judges expiry by `clock`, the client's.
pub(crate) async fn apply(
    requirements: &'static [&'static [&'static str]],
    api: &'static crate::ApiSpec,
    call: Option<&Credentials>,
    client: &Credentials,
    clock: &dyn Clock,
    method: &str,
    parts: &mut RequestParts,
) -> Result<IssuedToken, AuthFailure> {
    let sources = Sources { api, call, client };
    let mut issued = None;
    for (scheme, stored) in sources.choose(requirements)?.credentials(sources) {
        if let Some(token) = apply_credential(scheme, stored, clock, method, parts).await? {
            issued = Some(token);
        }
    }
    Ok(issued)
}

/// The schemes assumed for an API whose spec declares none.
static IMPLICIT_SCHEMES: &[SecuritySchemeSpec] = &[
    SecuritySchemeSpec {
        name: "",
        kind: SchemeKind::Bearer,
    },
    SecuritySchemeSpec {
        name: "",
        kind: SchemeKind::Basic,
    },
];

/// Applies one credential; an OAuth token manager is asked for its token first.
async fn apply_credential(
    scheme: &SecuritySchemeSpec,
    stored: &Stored,
    clock: &dyn Clock,
    method: &str,
    parts: &mut RequestParts,
) -> Result<IssuedToken, AuthFailure> {
    if let Credential::OAuth2(manager) = &stored.credential {
        // Boxed: the token request's future is large and rarely needed.
        let token = Box::pin(manager.access_token_by(clock))
            .await
            .map_err(AuthFailure::Token)?;
        bearer(token.expose_secret(), parts).map_err(AuthFailure::Invalid)?;
        return Ok(Some((Arc::clone(manager), token)));
    }
    apply_one(scheme, stored, method, parts).map_err(AuthFailure::Invalid)?;
    Ok(None)
}

fn bearer(token: &str, parts: &mut RequestParts) -> Result<(), String> {
    crate::request::check_header_value("Authorization", token).map_err(|e| e.message)?;
    push_secret(parts, AUTHORIZATION, format!("Bearer {token}"))
}

/// Adds a header that carries a secret, marked [`sensitive`].
fn push_secret(parts: &mut RequestParts, name: HeaderName, value: String) -> Result<(), String> {
    let value = sensitive(name.as_str(), value)?;
    parts.headers.push((name, value));
    Ok(())
}

/// The header a credential is sent in under `scheme`, when it is one header of its own (an API
/// key in a header, basic, bearer); `Err` when its secret cannot be a header value. `None` for
/// the rest: query and cookie keys, custom schemes, OAuth tokens, mismatches.
fn header_of(scheme: &SecuritySchemeSpec, stored: &Stored) -> Option<Result<(HeaderName, HeaderValue), String>> {
    match (&stored.credential, scheme.kind) {
        (
            Credential::ApiKey(_),
            SchemeKind::ApiKey {
                location: ApiKeyLocation::Header,
                name,
            },
        ) => Some(
            stored
                .header_value(name)
                .and_then(|value| Ok((stored.api_key_header(name)?, value))),
        ),
        (Credential::Basic { .. } | Credential::Bearer(_), _) => {
            Some(stored.header_value("Authorization").map(|value| (AUTHORIZATION, value)))
        }
        _ => None,
    }
}

fn apply_one(
    scheme: &SecuritySchemeSpec,
    stored: &Stored,
    method: &str,
    parts: &mut RequestParts,
) -> Result<(), String> {
    let secret = |key: &SecretString, name: &str| (name.to_owned(), key.expose_secret().to_owned());
    match (&stored.credential, scheme.kind) {
        (Credential::Custom(custom), _) => custom.apply(method, parts),
        (
            Credential::ApiKey(key),
            SchemeKind::ApiKey {
                location: ApiKeyLocation::Query,
                name,
            },
        ) => {
            parts.query.push(secret(key, name));
            Ok(())
        }
        (
            Credential::ApiKey(key),
            SchemeKind::ApiKey {
                location: ApiKeyLocation::Cookie,
                name,
            },
        ) => {
            parts.cookies.push(secret(key, name));
            Ok(())
        }
        (Credential::OAuth2(_), _) => Err(format!("scheme `{}` needs its token fetched first", scheme.name)),
        _ => match header_of(scheme, stored) {
            Some(header) => {
                parts.headers.push(header?);
                Ok(())
            }
            None => Err(format!("scheme `{}` does not take an API key", scheme.name)),
        },
    }
}

/// The names of query parameters that carry API keys, so URLs in errors and logs can omit them.
pub(crate) fn secret_query_names(api: &crate::ApiSpec) -> impl Iterator<Item = &'static str> + '_ {
    api.schemes.iter().filter_map(|scheme| match scheme.kind {
        SchemeKind::ApiKey {
            location: ApiKeyLocation::Query,
            name,
        } => Some(name),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::ApiSpec;

    static API: ApiSpec = ApiSpec {
        title: "t",
        version: "1",
        default_server: None,
        security: &[],
        schemes: &[
            SecuritySchemeSpec {
                name: "key",
                kind: SchemeKind::ApiKey {
                    location: ApiKeyLocation::Header,
                    name: "X-Key",
                },
            },
            SecuritySchemeSpec {
                name: "query_key",
                kind: SchemeKind::ApiKey {
                    location: ApiKeyLocation::Query,
                    name: "key",
                },
            },
            SecuritySchemeSpec {
                name: "basic",
                kind: SchemeKind::Basic,
            },
            SecuritySchemeSpec {
                name: "signed",
                kind: SchemeKind::Other,
            },
        ],
        envelope: None,
        operation_count: 0,
    };

    struct Sign;

    impl AuthScheme for Sign {
        fn apply(&self, method: &str, parts: &mut RequestParts) -> Result<(), String> {
            parts
                .headers
                .push((HeaderName::from_static("x-signature"), method.parse().unwrap()));
            Ok(())
        }
    }

    fn client() -> Credentials {
        let mut credentials = Credentials::new();
        credentials
            .set("key", Credential::api_key("k-1"))
            .set("query_key", Credential::api_key("q-1"))
            .set("basic", Credential::basic("u", "p"))
            .set("signed", Credential::custom(Sign));
        credentials
    }

    fn shown(headers: &[(HeaderName, HeaderValue)]) -> Vec<(String, String)> {
        headers
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_str().unwrap().to_owned()))
            .collect()
    }

    /// Headers fixed in advance are exactly what applying the credentials adds, and only
    /// credentials that add nothing but fixed headers are fixed.
    #[test]
    fn fixed_headers_are_what_applying_adds() {
        let credentials = client();
        let cases: [(&'static [&'static [&'static str]], Option<usize>); 7] = [
            (&[&["key"]], Some(1)),
            (&[&["key", "basic"]], Some(2)),
            (&[&["missing"], &["basic"]], Some(1)),
            (&[&[]], Some(0)),
            (&[&["query_key"]], None),
            (&[&["signed"]], None),
            (&[&["missing"]], None),
        ];
        for (requirements, fixed) in cases {
            let headers = fixed_headers(requirements, &API, &credentials);
            assert_eq!(headers.as_ref().map(|h| h.len()), fixed, "{requirements:?}");
            let mut parts = RequestParts::new("/");
            let applied = apply_now(requirements, &API, None, &credentials, "GET", &mut parts);
            if let Some(headers) = headers {
                assert!(applied.is_ok());
                assert_eq!(shown(&headers), shown(&parts.headers), "{requirements:?}");
            }
        }
    }
}
