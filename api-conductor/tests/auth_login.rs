//! `auth login` end to end against the mock server's OAuth emulation: the test plays the
//! browser (GETs the printed authorize URL, follows the redirect to the loopback listener), the
//! binary exchanges the code with its PKCE verifier and writes the token store, 0600. Nothing
//! leaves 127.0.0.1.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use conductor_mock::MockServer;

const BIN: &str = env!("CARGO_BIN_EXE_api-conductor");

/// A spec whose OAuth 2.0 scheme has an authorization code flow (its URLs are overridden
/// with the mock's on the command line).
const SPEC: &str = "openapi: 3.0.3
info: {title: CRM, version: '1.0.0'}
servers: [{url: 'https://crm.example.com/api'}]
paths:
  /contacts:
    get:
      operationId: listContacts
      security: [{crmAuth: [contacts.read]}]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: array, items: {type: string}}
components:
  securitySchemes:
    crmAuth:
      type: oauth2
      flows:
        authorizationCode:
          authorizationUrl: https://crm.example.com/oauth/authorize
          tokenUrl: https://crm.example.com/oauth/token
          scopes: {contacts.read: read contacts}
";

fn fresh(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("api-conductor").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CRM_CLIENT_ID")
        .env_remove("CRM_CLIENT_SECRET");
    command
}

fn run(dir: &Path, args: &[&str]) -> Output {
    command(dir, args).output().unwrap()
}

fn workspace_with_crm(name: &str) -> PathBuf {
    let dir = fresh(name);
    assert!(run(&dir, &["setup"]).status.success());
    std::fs::write(dir.join("crm.yaml"), SPEC).unwrap();
    let output = run(&dir, &["new-connector", "crm", "--spec", "crm.yaml"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    dir
}

/// A GET with `std`'s TCP stream, as a browser would send it: the status and the `Location`.
fn get(url: &str) -> (u16, Option<String>, String) {
    let rest = url.strip_prefix("http://").unwrap();
    let (authority, target) = rest.split_at(rest.find('/').unwrap());
    assert!(authority.starts_with("127.0.0.1:"), "only the loopback address: {url}");
    let mut stream = TcpStream::connect(authority).unwrap();
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nhost: {authority}\r\nconnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let location = head
        .lines()
        .find_map(|l| l.split_once(':').filter(|(k, _)| k.eq_ignore_ascii_case("location")))
        .map(|(_, v)| v.trim().to_owned());
    (status, location, body.to_owned())
}

#[test]
fn login_gets_tokens_through_the_loopback_redirect_into_the_store() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let server = runtime.block_on(MockServer::start()).unwrap();
    server.oauth().client("crm-app", "crm-secret");
    let base = server.base_url();
    let dir = workspace_with_crm("auth-login");

    let mut child = command(
        &dir,
        &[
            "auth",
            "login",
            "crm",
            "--scope",
            "contacts.read",
            "--authorization-url",
            &format!("{base}/oauth/authorize"),
            "--token-url",
            &format!("{base}/oauth/token"),
            "--timeout",
            "60",
        ],
    )
    .env("CRM_CLIENT_ID", "crm-app")
    .env("CRM_CLIENT_SECRET", "crm-secret")
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let authorize = line.trim();
    assert!(
        authorize.starts_with(&format!("{base}/oauth/authorize?")),
        "{authorize}"
    );
    for part in [
        "response_type=code",
        "client_id=crm-app",
        "code_challenge_method=S256",
        "scope=contacts.read",
        "redirect_uri=http%3A%2F%2F127.0.0.1%3A",
    ] {
        assert!(authorize.contains(part), "{part} in {authorize}");
    }

    // The browser: the authorization server approves and redirects to the loopback listener.
    let (status, location, _) = get(authorize);
    assert_eq!(status, 302);
    let location = location.unwrap();
    assert!(location.contains("/callback?code="), "{location}");
    let (status, _, page) = get(&location);
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Authorized"), "{page}");

    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("saved the tokens of `crm` to connectors/crm/.tokens.json"),
        "{stderr}"
    );

    let store = dir.join("connectors/crm/.tokens.json");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(std::fs::metadata(&store).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let tokens: serde_json::Value = serde_json::from_slice(&std::fs::read(&store).unwrap()).unwrap();
    let access = tokens["access_token"].as_str().unwrap();
    assert!(server.oauth().is_live(access), "{tokens}");
    assert!(tokens["refresh_token"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(tokens["expires_at"].as_u64().is_some());
    assert_eq!(server.oauth().token_requests_for("authorization_code"), 1);
    assert!(
        std::fs::read_to_string(dir.join(".gitignore"))
            .unwrap()
            .contains(".tokens.json"),
        "token files stay out of version control"
    );
}

#[test]
fn login_refuses_a_forged_redirect_and_writes_nothing() {
    let dir = workspace_with_crm("auth-login-forged");
    let mut child = command(
        &dir,
        &[
            "auth",
            "login",
            "crm",
            "--client-id",
            "crm-app",
            "--authorization-url",
            "http://127.0.0.1:9/authorize",
            "--token-url",
            "http://127.0.0.1:9/token",
        ],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let redirect = line
        .split("redirect_uri=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .replace("%3A", ":")
        .replace("%2F", "/");
    let (status, _, _) = get(&format!("{redirect}?code=stolen&state=not-ours"));
    assert_eq!(status, 400);
    let output = child.wait_with_output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.lines().last().unwrap().contains("state does not match"),
        "{stderr}"
    );
    assert!(!dir.join("connectors/crm/.tokens.json").exists());
}

#[test]
fn login_needs_a_client_id_and_an_authorization_code_flow() {
    let dir = workspace_with_crm("auth-login-bad");
    let output = run(&dir, &["auth", "login", "crm"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("`CRM_CLIENT_ID` is not set; or pass --client-id"),
        "{stderr}"
    );

    let output = run(&dir, &["auth", "login", "crm", "--client-id", "x", "--scheme", "nope"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no OAuth 2.0 scheme `nope`") && stderr.contains("`crmAuth`"),
        "{stderr}"
    );

    let output = run(&dir, &["auth", "login", "nobody", "--client-id", "x"]);
    assert!(String::from_utf8_lossy(&output.stderr).contains("no connector `nobody`"));
    assert!(!dir.join("connectors/crm/.tokens.json").exists());
}
