//! `auth login`: a connector's first OAuth 2.0 tokens, by the authorization code flow with PKCE
//! and a loopback redirect (RFC 8252), saved in the connector's token store.
//!
//! The authorize URL is printed on stdout (and nothing else is), for the user to open in a
//! browser; no browser is started. The redirect comes back to `http://127.0.0.1:PORT/callback`,
//! served here for exactly one authorization response.

use std::path::{Path, PathBuf};
use std::time::Duration;

use connector_runtime::{FileTokenStore, OAuth2Config, TokenStore as _};
use serde_json::Value;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

use crate::plan::Plan;
use crate::workspace::{check_name, one_line, Workspace};
use crate::Failure;

/// The redirect path served on the loopback address.
const CALLBACK: &str = "/callback";

/// The options of `auth login`.
#[derive(Debug, clap::Args)]
pub(crate) struct LoginOptions {
    /// The spec's OAuth 2.0 scheme to use (needed when several have an authorization code flow).
    #[arg(long)]
    pub(crate) scheme: Option<String>,
    /// The OAuth client id (default: `NAME_CLIENT_ID`).
    #[arg(long)]
    pub(crate) client_id: Option<String>,
    /// The OAuth client secret (default: `NAME_CLIENT_SECRET`; none for a public client).
    /// Prefer the variable: arguments are visible to other users of the machine.
    #[arg(long)]
    pub(crate) client_secret: Option<String>,
    /// Request this scope (repeat for several).
    #[arg(long = "scope", value_name = "SCOPE")]
    pub(crate) scopes: Vec<String>,
    /// The loopback port the redirect comes back to (0: any free port; register the
    /// redirect URL http://127.0.0.1:PORT/callback with the provider).
    #[arg(long, default_value_t = 0)]
    pub(crate) port: u16,
    /// Use this authorization endpoint instead of the spec's.
    #[arg(long, value_name = "URL")]
    pub(crate) authorization_url: Option<String>,
    /// Use this token endpoint instead of the spec's.
    #[arg(long, value_name = "URL")]
    pub(crate) token_url: Option<String>,
    /// Write the tokens to this file instead (relative to the workspace root).
    #[arg(long, value_name = "FILE")]
    pub(crate) store: Option<PathBuf>,
    /// Give up when no redirect arrives within this many seconds.
    #[arg(long, default_value_t = 300)]
    pub(crate) timeout: u64,
}

/// The authorization code flow of one of the spec's OAuth 2.0 schemes.
#[derive(Debug)]
struct Flow {
    scheme: String,
    authorization_url: Option<String>,
    token_url: Option<String>,
}

/// The prefix of the environment variables holding the client's credentials: the connector's
/// name in upper case, `-` as `_` (`my-crm` → `MY_CRM_CLIENT_ID`).
pub(crate) fn env_prefix(name: &str) -> String {
    name.to_ascii_uppercase().replace('-', "_")
}

/// Where `auth login` writes a connector's tokens: `[auth] token_store` of `conductor.toml`
/// (`{name}` replaced by the connector's name, relative to the workspace root), else
/// `connectors/NAME/.tokens.json`.
pub(crate) fn token_store_path(workspace: &Workspace, name: &str) -> PathBuf {
    let configured = workspace
        .settings
        .get("auth")
        .and_then(|a| a.get("token_store"))
        .and_then(toml::Value::as_str);
    match configured {
        Some(template) => workspace.root.join(template.replace("{name}", name)),
        None => workspace.connector_dir(name).join(".tokens.json"),
    }
}

/// `api-conductor auth login NAME`.
pub(crate) fn login(name: &str, options: LoginOptions) -> Result<(), Failure> {
    check_name(name)?;
    let workspace = Workspace::find()?;
    let plan = Plan::read(&workspace, name)?;
    let spec = workspace.root.join(&plan.spec);
    let loaded = conductor_spec::load(&spec)
        .map_err(|err| Failure::new(format!("{}: {}", plan.spec, one_line(&err.to_string()))))?;
    let flow = find_flow(&loaded.raw, options.scheme.as_deref())?;
    let authorization_url = options.authorization_url.or(flow.authorization_url).ok_or_else(|| {
        Failure::new(format!(
            "the scheme `{}` names no authorizationUrl; pass --authorization-url",
            flow.scheme
        ))
    })?;
    let token_url = options.token_url.or(flow.token_url).ok_or_else(|| {
        Failure::new(format!(
            "the scheme `{}` names no tokenUrl; pass --token-url",
            flow.scheme
        ))
    })?;
    let prefix = env_prefix(name);
    let mut config = match options.client_id {
        Some(id) => {
            let config = OAuth2Config::new(id, token_url);
            match std::env::var(format!("{prefix}_CLIENT_SECRET"))
                .ok()
                .filter(|s| !s.is_empty())
            {
                Some(secret) => config.client_secret(secret),
                None => config,
            }
        }
        None => OAuth2Config::from_env(&prefix, Some(&token_url))
            .map_err(|err| Failure::new(format!("{}; or pass --client-id", err.message())))?,
    };
    if let Some(secret) = options.client_secret {
        config = config.client_secret(secret);
    }
    for scope in options.scopes {
        config = config.scope(scope);
    }
    config = config.authorization_url(authorization_url);
    let store = match options.store {
        Some(path) => workspace.root.join(path),
        None => token_store_path(&workspace, name),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| Failure::new(format!("cannot start the async runtime: {err}")))?;
    runtime.block_on(run(
        name,
        &flow.scheme,
        config,
        options.port,
        Duration::from_secs(options.timeout),
        &store,
        &workspace.root,
    ))
}

async fn run(
    name: &str,
    scheme: &str,
    config: OAuth2Config,
    port: u16,
    timeout: Duration,
    store: &Path,
    root: &Path,
) -> Result<(), Failure> {
    let listener = TcpListener::bind(("127.0.0.1", port))
        .await
        .map_err(|err| Failure::new(format!("cannot listen on 127.0.0.1:{port}: {err}")))?;
    let port = listener
        .local_addr()
        .map_err(|err| Failure::new(format!("cannot read the loopback address: {err}")))?
        .port();
    let redirect = format!("http://127.0.0.1:{port}{CALLBACK}");
    let config = config.redirect_url(&redirect);
    let request = config
        .authorize()
        .map_err(|err| Failure::new(format!("cannot build the authorize URL: {err}")))?;
    println!("{}", request.url);
    eprintln!(
        "open the URL above in a browser to authorize `{name}` ({scheme}); waiting {}s for the redirect to {redirect}",
        timeout.as_secs()
    );
    let code = tokio::time::timeout(timeout, wait_for_code(&listener, &request.state))
        .await
        .map_err(|_| {
            Failure::new(format!(
                "no redirect reached {redirect} within {}s (--timeout)",
                timeout.as_secs()
            ))
        })??;
    let tokens = config
        .exchange_code(&code, &request.pkce_verifier)
        .await
        .map_err(|err| Failure::new(format!("exchanging the authorization code: {err}")))?;
    if let Some(parent) = store.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|err| Failure::new(format!("cannot create {}: {err}", parent.display())))?;
    }
    FileTokenStore::new(store)
        .save(&tokens)
        .await
        .map_err(|err| Failure::new(err.to_string()))?;
    let shown = store.strip_prefix(root).unwrap_or(store);
    let expiry = match tokens
        .expires_at
        .and_then(|at| at.duration_since(std::time::SystemTime::now()).ok())
    {
        Some(left) => format!("expires in {}s", left.as_secs()),
        None => "no expiry announced".to_owned(),
    };
    let refresh = if tokens.refresh_token.is_some() {
        "with a refresh token"
    } else {
        "no refresh token"
    };
    eprintln!(
        "saved the tokens of `{name}` to {} (0600; {expiry}; {refresh})",
        shown.display()
    );
    Ok(())
}

/// The spec's OAuth 2.0 scheme with an authorization code flow: `wanted`, or the only one.
fn find_flow(raw: &Value, wanted: Option<&str>) -> Result<Flow, Failure> {
    let schemes = raw
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
        .into_iter()
        .flatten();
    let mut flows = Vec::new();
    for (name, scheme) in schemes {
        let scheme = crate::spec_info::resolve(raw, scheme);
        let Some(flow) = scheme.pointer("/flows/authorizationCode") else {
            continue;
        };
        let url = |key: &str| flow.get(key).and_then(Value::as_str).map(str::to_owned);
        flows.push(Flow {
            scheme: name.clone(),
            authorization_url: url("authorizationUrl"),
            token_url: url("tokenUrl"),
        });
    }
    let names = || {
        flows
            .iter()
            .map(|f| format!("`{}`", f.scheme))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match wanted {
        Some(wanted) => {
            let list = names();
            flows.into_iter().find(|f| f.scheme == wanted).ok_or_else(|| {
                Failure::new(format!(
                    "the spec has no OAuth 2.0 scheme `{wanted}` with an authorization code flow (it has: {})",
                    if list.is_empty() { "none".to_owned() } else { list }
                ))
            })
        }
        None if flows.len() > 1 => Err(Failure::new(format!(
            "the spec has several schemes with an authorization code flow ({}); pick one with --scheme",
            names()
        ))),
        None => flows
            .pop()
            .ok_or_else(|| Failure::new("the spec declares no OAuth 2.0 scheme with an authorization code flow")),
    }
}

/// Serves the loopback redirect until the authorization response arrives: its code, or the
/// error the server sent, or a `state` mismatch (refused: it did not come from our request).
async fn wait_for_code(listener: &TcpListener, state: &str) -> Result<String, Failure> {
    loop {
        let Ok((mut stream, _)) = listener.accept().await else {
            continue;
        };
        let target = match tokio::time::timeout(Duration::from_secs(10), read_target(&mut stream)).await {
            Ok(Some(target)) => target,
            _ => continue,
        };
        let (path, query) = target.split_once('?').unwrap_or((target.as_str(), ""));
        if path != CALLBACK {
            respond(&mut stream, "404 Not Found", "Not the OAuth redirect.").await;
            continue;
        }
        let params: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes()).into_owned().collect();
        let get = |key: &str| params.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
        if get("state") != Some(state) {
            respond(
                &mut stream,
                "400 Bad Request",
                "The state does not match the login in progress.",
            )
            .await;
            return Err(Failure::new(
                "the redirect's state does not match the authorization request (refused)",
            ));
        }
        if let Some(error) = get("error") {
            respond(
                &mut stream,
                "400 Bad Request",
                "Authorization failed; see the terminal.",
            )
            .await;
            let detail = get("error_description").map(|d| format!(" ({d})")).unwrap_or_default();
            return Err(Failure::new(format!(
                "the authorization server refused: {error}{detail}"
            )));
        }
        let Some(code) = get("code").filter(|c| !c.is_empty()) else {
            respond(&mut stream, "400 Bad Request", "The redirect carries no code.").await;
            return Err(Failure::new("the redirect carries no authorization code"));
        };
        respond(&mut stream, "200 OK", "Authorized. You can close this window.").await;
        return Ok(code.to_owned());
    }
}

/// The request target of an HTTP/1 request head (`/callback?code=...`).
async fn read_target(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut buffer = [0_u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        if head.len() > 16 * 1024 {
            return None;
        }
        let read = stream.read(&mut buffer).await.ok()?;
        if read == 0 {
            break;
        }
        head.extend_from_slice(&buffer[..read]);
    }
    let line = head.split(|&b| b == b'\n').next()?;
    let line = std::str::from_utf8(line).ok()?.trim_end();
    let mut parts = line.split(' ');
    match (parts.next(), parts.next()) {
        (Some("GET"), Some(target)) => Some(target.to_owned()),
        _ => None,
    }
}

async fn respond(stream: &mut TcpStream, status: &str, text: &str) {
    let body = format!("<!doctype html><title>api-conductor</title><p>{text}</p>\n");
    let response = format!(
        "HTTP/1.1 {status}\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\ncache-control: no-store\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_env_prefix_is_the_name_in_upper_case() {
        assert_eq!(env_prefix("my-crm"), "MY_CRM");
        assert_eq!(env_prefix("slack"), "SLACK");
    }

    #[test]
    fn the_flow_is_found_or_named_as_missing() {
        let raw = serde_json::json!({"components": {"securitySchemes": {
            "key": {"type": "apiKey", "in": "header", "name": "k"},
            "oauth": {"type": "oauth2", "flows": {"authorizationCode": {
                "authorizationUrl": "https://a.example/authorize", "tokenUrl": "https://a.example/token", "scopes": {}}}}
        }}});
        let flow = find_flow(&raw, None).ok().unwrap();
        assert_eq!(flow.scheme, "oauth");
        assert_eq!(flow.token_url.as_deref(), Some("https://a.example/token"));
        assert!(find_flow(&raw, Some("key")).is_err());
        assert!(find_flow(&serde_json::json!({}), None).is_err());
    }
}
