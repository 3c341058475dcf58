//! OAuth 2.0 flows through the `oauth2` crate, with our own `reqwest` client behind its
//! async HTTP client trait: client credentials, refresh token, and authorization code with
//! PKCE; the client authenticates with `client_secret_basic` or `client_secret_post`.
//!
//! A [`crate::TokenManager`] runs these flows for a client; they can also be called directly
//! (to build the authorize URL and exchange the code, for instance).

use std::fmt;
use std::time::SystemTime;

use oauth2::basic::{BasicClient, BasicErrorResponse, BasicTokenResponse};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet,
    EndpointSet, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RefreshToken, RequestTokenError, Scope,
    TokenResponse, TokenUrl,
};
use secrecy::{ExposeSecret, SecretString};

use crate::token::{TokenError, TokenErrorKind, TokenSet};

/// How the client authenticates itself to the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ClientAuth {
    /// `client_secret_basic`: HTTP basic authentication with the client id and secret.
    #[default]
    Basic,
    /// `client_secret_post`: the client id and secret in the form body.
    Post,
}

/// The configuration of an OAuth 2.0 client: who we are and where the server's endpoints are.
#[derive(Clone)]
#[must_use]
pub struct OAuth2Config {
    client_id: String,
    client_secret: Option<SecretString>,
    token_url: String,
    authorization_url: Option<String>,
    redirect_url: Option<String>,
    scopes: Vec<String>,
    client_auth: ClientAuth,
    http: Option<reqwest::Client>,
}

impl fmt::Debug for OAuth2Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth2Config")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "<redacted>"))
            .field("token_url", &self.token_url)
            .field("authorization_url", &self.authorization_url)
            .field("redirect_url", &self.redirect_url)
            .field("scopes", &self.scopes)
            .field("client_auth", &self.client_auth)
            .finish_non_exhaustive()
    }
}

/// The first step of the authorization code flow: send the user to `url`, keep `state` and
/// `pkce_verifier` until the redirect brings back the code.
#[non_exhaustive]
pub struct AuthorizationRequest {
    /// The authorize URL, with the PKCE challenge (S256), the scopes and `state`.
    pub url: url::Url,
    /// The `state` value to compare with the one the redirect returns (CSRF protection).
    pub state: String,
    /// The PKCE verifier, to pass to [`OAuth2Config::exchange_code`].
    pub pkce_verifier: SecretString,
}

impl fmt::Debug for AuthorizationRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthorizationRequest")
            .field("url", &self.url.as_str())
            .field("state", &self.state)
            .field("pkce_verifier", &"<redacted>")
            .finish()
    }
}

type Configured = BasicClient<EndpointMaybeSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

impl OAuth2Config {
    /// A public client `client_id` whose token endpoint is `token_url`.
    pub fn new(client_id: impl Into<String>, token_url: impl Into<String>) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret: None,
            token_url: token_url.into(),
            authorization_url: None,
            redirect_url: None,
            scopes: Vec::new(),
            client_auth: ClientAuth::Basic,
            http: None,
        }
    }

    /// Reads `{PREFIX}_CLIENT_ID`, `{PREFIX}_CLIENT_SECRET` (optional) and `{PREFIX}_TOKEN_URL`
    /// (or `token_url` when given) from the environment.
    ///
    /// # Errors
    ///
    /// When the client id or the token URL is missing.
    pub fn from_env(prefix: &str, token_url: Option<&str>) -> Result<Self, TokenError> {
        let var = |name: &str| std::env::var(format!("{prefix}_{name}")).ok().filter(|v| !v.is_empty());
        let missing = |name: &str| TokenError::new(TokenErrorKind::Config, format!("`{prefix}_{name}` is not set"));
        let client_id = var("CLIENT_ID").ok_or_else(|| missing("CLIENT_ID"))?;
        let token_url = match token_url {
            Some(url) => url.to_owned(),
            None => var("TOKEN_URL").ok_or_else(|| missing("TOKEN_URL"))?,
        };
        let mut config = Self::new(client_id, token_url);
        if let Some(secret) = var("CLIENT_SECRET") {
            config = config.client_secret(secret);
        }
        Ok(config)
    }

    /// A configuration for the spec's OAuth 2.0 scheme, with its token and authorization URLs.
    ///
    /// # Errors
    ///
    /// When the scheme is not OAuth 2.0 or declares no token URL.
    pub fn for_scheme(scheme: &crate::SecuritySchemeSpec, client_id: impl Into<String>) -> Result<Self, TokenError> {
        match scheme.kind {
            crate::SchemeKind::OAuth2 {
                token_url: Some(token_url),
                authorization_url,
            } => {
                let mut config = Self::new(client_id, token_url);
                config.authorization_url = authorization_url.map(str::to_owned);
                Ok(config)
            }
            _ => Err(TokenError::new(
                TokenErrorKind::Config,
                format!("the scheme `{}` is not OAuth 2.0 with a token URL", scheme.name),
            )),
        }
    }

    /// Sets the client secret (a confidential client).
    pub fn client_secret(mut self, secret: impl Into<String>) -> Self {
        self.client_secret = Some(SecretString::from(secret.into()));
        self
    }

    /// Sets the authorization endpoint, for the authorization code flow.
    pub fn authorization_url(mut self, url: impl Into<String>) -> Self {
        self.authorization_url = Some(url.into());
        self
    }

    /// Sets the redirect URL of the authorization code flow.
    pub fn redirect_url(mut self, url: impl Into<String>) -> Self {
        self.redirect_url = Some(url.into());
        self
    }

    /// Requests this scope.
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scopes.push(scope.into());
        self
    }

    /// How the client authenticates to the token endpoint (default `client_secret_basic`).
    pub fn client_auth(mut self, auth: ClientAuth) -> Self {
        self.client_auth = auth;
        self
    }

    /// Sends token requests through this `reqwest` client (proxy, TLS roots). It should not
    /// follow redirects. By default a client that follows none is built.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// The token endpoint.
    pub fn token_url(&self) -> &str {
        &self.token_url
    }

    fn client(&self) -> Result<Configured, TokenError> {
        let config = |what: &str, err: url::ParseError| {
            TokenError::new(TokenErrorKind::Config, format!("invalid {what} URL: {err}"))
        };
        let token_url = TokenUrl::new(self.token_url.clone()).map_err(|e| config("token", e))?;
        let auth_url = match &self.authorization_url {
            Some(url) => Some(AuthUrl::new(url.clone()).map_err(|e| config("authorization", e))?),
            None => None,
        };
        let mut client = BasicClient::new(ClientId::new(self.client_id.clone()))
            .set_auth_uri_option(auth_url)
            .set_token_uri(token_url)
            .set_auth_type(match self.client_auth {
                ClientAuth::Basic => AuthType::BasicAuth,
                ClientAuth::Post => AuthType::RequestBody,
            });
        if let Some(secret) = &self.client_secret {
            client = client.set_client_secret(ClientSecret::new(secret.expose_secret().to_owned()));
        }
        if let Some(url) = &self.redirect_url {
            let url = RedirectUrl::new(url.clone()).map_err(|e| config("redirect", e))?;
            client = client.set_redirect_uri(url);
        }
        Ok(client)
    }

    fn http(&self) -> Result<reqwest::Client, TokenError> {
        if let Some(http) = &self.http {
            return Ok(http.clone());
        }
        crate::client::install_crypto_provider();
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|err| TokenError::new(TokenErrorKind::Config, format!("cannot build the HTTP client: {err}")))
    }

    fn scopes(&self) -> impl Iterator<Item = Scope> + '_ {
        self.scopes.iter().cloned().map(Scope::new)
    }

    /// Runs the client credentials grant.
    ///
    /// # Errors
    ///
    /// When the token endpoint cannot be reached, refuses, or answers with something that is
    /// not a token response.
    pub async fn client_credentials(&self) -> Result<TokenSet, TokenError> {
        self.client_credentials_at(SystemTime::now()).await
    }

    pub(crate) async fn client_credentials_at(&self, now: SystemTime) -> Result<TokenSet, TokenError> {
        let client = self.client()?;
        let http = self.http()?;
        let send = move |request| send(http.clone(), request);
        let response = client
            .exchange_client_credentials()
            .add_scopes(self.scopes())
            .request_async(&send)
            .await;
        token_set(response, None, now)
    }

    /// Exchanges a refresh token for a new access token. When the server rotates the refresh
    /// token the new one is returned; otherwise `refresh_token` is kept.
    ///
    /// # Errors
    ///
    /// As for [`OAuth2Config::client_credentials`].
    pub async fn refresh(&self, refresh_token: &SecretString) -> Result<TokenSet, TokenError> {
        self.refresh_at(refresh_token, SystemTime::now()).await
    }

    pub(crate) async fn refresh_at(
        &self,
        refresh_token: &SecretString,
        now: SystemTime,
    ) -> Result<TokenSet, TokenError> {
        let client = self.client()?;
        let http = self.http()?;
        let send = move |request| send(http.clone(), request);
        let token = RefreshToken::new(refresh_token.expose_secret().to_owned());
        let response = client
            .exchange_refresh_token(&token)
            .add_scopes(self.scopes())
            .request_async(&send)
            .await;
        token_set(response, Some(refresh_token), now)
    }

    /// Builds the authorize URL of the authorization code flow with a fresh PKCE challenge
    /// (S256) and `state`.
    ///
    /// # Errors
    ///
    /// When no authorization URL is configured or a URL does not parse.
    pub fn authorize(&self) -> Result<AuthorizationRequest, TokenError> {
        let client = self.client()?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state) = client
            .authorize_url(CsrfToken::new_random)
            .map_err(|err| TokenError::new(TokenErrorKind::Config, err.to_string()))?
            .add_scopes(self.scopes())
            .set_pkce_challenge(challenge)
            .url();
        Ok(AuthorizationRequest {
            url,
            state: state.secret().clone(),
            pkce_verifier: SecretString::from(verifier.secret().clone()),
        })
    }

    /// Exchanges the authorization `code` the redirect brought back, with the PKCE verifier
    /// of [`OAuth2Config::authorize`].
    ///
    /// # Errors
    ///
    /// As for [`OAuth2Config::client_credentials`].
    pub async fn exchange_code(&self, code: &str, pkce_verifier: &SecretString) -> Result<TokenSet, TokenError> {
        let client = self.client()?;
        let http = self.http()?;
        let send = move |request| send(http.clone(), request);
        let response = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.expose_secret().to_owned()))
            .request_async(&send)
            .await;
        token_set(response, None, SystemTime::now())
    }
}

/// Our reqwest client behind oauth2's `AsyncHttpClient`.
async fn send(http: reqwest::Client, request: oauth2::HttpRequest) -> Result<oauth2::HttpResponse, reqwest::Error> {
    let request = reqwest::Request::try_from(request)?;
    let response = http.execute(request).await?;
    let mut builder = http::Response::builder().status(response.status());
    if let Some(headers) = builder.headers_mut() {
        headers.extend(response.headers().iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    let body = response.bytes().await?.to_vec();
    // Status and headers came from a valid response, so building cannot fail; fall back to
    // an empty 500 rather than panic.
    Ok(builder.body(body).unwrap_or_else(|_| {
        let mut fallback = http::Response::new(Vec::new());
        *fallback.status_mut() = http::StatusCode::INTERNAL_SERVER_ERROR;
        fallback
    }))
}

fn token_set(
    response: Result<BasicTokenResponse, RequestTokenError<reqwest::Error, BasicErrorResponse>>,
    previous_refresh: Option<&SecretString>,
    now: SystemTime,
) -> Result<TokenSet, TokenError> {
    let response = response.map_err(token_error)?;
    let access = response.access_token().secret();
    if access.is_empty() {
        return Err(TokenError::new(
            TokenErrorKind::InvalidResponse,
            "the token endpoint returned an empty access token",
        ));
    }
    let refresh_token = response
        .refresh_token()
        .map(|t| SecretString::from(t.secret().clone()))
        .or_else(|| previous_refresh.cloned());
    Ok(TokenSet {
        access_token: SecretString::from(access.clone()),
        refresh_token,
        expires_at: response.expires_in().and_then(|lifetime| now.checked_add(lifetime)),
        scopes: response
            .scopes()
            .map(|scopes| scopes.iter().map(|s| s.to_string()).collect())
            .unwrap_or_default(),
    })
}

fn token_error(err: RequestTokenError<reqwest::Error, BasicErrorResponse>) -> TokenError {
    match err {
        RequestTokenError::ServerResponse(response) => {
            let mut message = format!("the token endpoint refused: {}", response.error().as_ref());
            if let Some(description) = response.error_description() {
                message.push_str(" (");
                message.push_str(description);
                message.push(')');
            }
            TokenError::new(TokenErrorKind::Rejected, message)
        }
        RequestTokenError::Request(err) => {
            let mut message = "the token request failed".to_owned();
            let mut source = std::error::Error::source(&err);
            while let Some(cause) = source {
                message.push_str(": ");
                message.push_str(&cause.to_string());
                source = cause.source();
            }
            TokenError::new(TokenErrorKind::Transport, message)
        }
        // The body is not repeated: it may hold a token.
        RequestTokenError::Parse(err, _body) => TokenError::new(
            TokenErrorKind::InvalidResponse,
            format!(
                "the token endpoint's answer is not a token response (at `{}`)",
                err.path()
            ),
        ),
        RequestTokenError::Other(message) => TokenError::new(
            TokenErrorKind::InvalidResponse,
            format!("the token endpoint's answer is not a token response: {message}"),
        ),
    }
}
