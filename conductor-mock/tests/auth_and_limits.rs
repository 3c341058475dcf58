//! The OAuth 2.0 emulation and the rate-limit emulation, seen by a plain reqwest client.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use base64::Engine as _;
use conductor_mock::MockServer;
use serde_json::Value;

fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn petstore() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/petstore.yaml")
}

async fn token(c: &reqwest::Client, base: &str, form: &str) -> (u16, Value) {
    let response = c
        .post(format!("{base}/oauth/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.to_owned())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, serde_json::from_str(&response.text().await.unwrap()).unwrap())
}

#[tokio::test]
async fn bearer_operations_need_a_live_token_that_can_expire_and_be_revoked() {
    let server = MockServer::from_spec(petstore()).await.unwrap();
    server.oauth().require_live_tokens().client("app", "s3cret");
    let c = client();
    let base = server.base_url();
    let delete = |token: &str| c.delete(format!("{base}/pets/1")).bearer_auth(token).send();

    let (status, body) = token(
        &c,
        &base,
        "grant_type=client_credentials&client_id=app&client_secret=wrong",
    )
    .await;
    assert_eq!((status, body["error"].as_str()), (401, Some("invalid_client")));
    let (status, body) = token(
        &c,
        &base,
        "grant_type=client_credentials&client_id=app&client_secret=s3cret",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    let live = body["access_token"].as_str().unwrap().to_owned();

    assert_eq!(delete(&live).await.unwrap().status(), 204);
    let forged = delete("forged").await.unwrap();
    assert_eq!(forged.status(), 401);
    assert!(forged.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .contains("invalid_token"));
    let missing = c.delete(format!("{base}/pets/1")).send().await.unwrap();
    assert_eq!(missing.status(), 401);
    assert!(missing.headers().contains_key("www-authenticate"));

    server.oauth().expire_all();
    assert_eq!(delete(&live).await.unwrap().status(), 401);
    let fresh = server.oauth().issue();
    assert_eq!(delete(&fresh).await.unwrap().status(), 204);
    assert!(server.oauth().revoke(&fresh));
    assert_eq!(delete(&fresh).await.unwrap().status(), 401);
    assert_eq!(server.oauth().token_requests(), 2);
    assert_eq!(server.oauth().token_requests_for("client_credentials"), 2);
    // Operations secured otherwise are not affected.
    let listed = c
        .get(format!("{base}/pets"))
        .header("x-api-key", "k")
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), 200);
}

#[tokio::test]
async fn authorization_code_with_pkce_then_refresh() {
    let server = MockServer::start().await.unwrap();
    let c = client();
    let base = server.base_url();
    let verifier = "dBjftJeZ4CVP-mB92K9uhvTalBgR8qB5XU8fVk2BTgA";
    let challenge = "r45Ok0HZpxuQUybv8i8_-WKXK1Zj4ZN2duaJNbMMsfI";
    let authorize = c
        .get(format!(
            "{base}/oauth/authorize?response_type=code&client_id=app&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcb&state=xyz&code_challenge={challenge}&code_challenge_method=S256"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(authorize.status(), 302);
    let location = authorize.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("http://127.0.0.1/cb?code="), "{location}");
    assert!(location.ends_with("&state=xyz"));
    let code = location.split("code=").nth(1).unwrap().split('&').next().unwrap();
    let redirect = "redirect_uri=http%3A%2F%2F127.0.0.1%2Fcb";

    let (status, body) = token(
        &c,
        &base,
        &format!("grant_type=authorization_code&client_id=app&code={code}&{redirect}&code_verifier=wrong"),
    )
    .await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));

    // A failed exchange spends the code, as servers do; authorize again.
    let again = c
        .get(format!(
            "{base}/oauth/authorize?response_type=code&client_id=app&code_challenge={challenge}&code_challenge_method=S256"
        ))
        .send()
        .await
        .unwrap();
    let again: Value = serde_json::from_str(&again.text().await.unwrap()).unwrap();
    let code = again["code"].as_str().unwrap();
    let basic = base64::engine::general_purpose::STANDARD.encode("app:");
    let response = c
        .post(format!("{base}/oauth/token"))
        .header("authorization", format!("Basic {basic}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "grant_type=authorization_code&code={code}&code_verifier={verifier}"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body: Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    let refresh = body["refresh_token"].as_str().unwrap().to_owned();
    assert!(server.oauth().is_live(body["access_token"].as_str().unwrap()));

    let (status, body) = token(&c, &base, &format!("grant_type=refresh_token&refresh_token={refresh}")).await;
    assert_eq!(status, 200);
    assert_ne!(
        body["refresh_token"].as_str().unwrap(),
        refresh,
        "refresh tokens rotate"
    );
    let (status, body) = token(&c, &base, &format!("grant_type=refresh_token&refresh_token={refresh}")).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "spent");
    let (status, body) = token(&c, &base, "grant_type=password&username=u&password=p").await;
    assert_eq!((status, body["error"].as_str()), (400, Some("unsupported_grant_type")));
    assert_eq!(server.oauth().token_requests_for("refresh_token"), 2);
    assert_eq!(server.oauth().token_requests(), 5);
}

#[tokio::test]
async fn rate_limit_counts_requests_per_window() {
    let server = MockServer::from_spec(petstore()).await.unwrap();
    server.rate_limit().budget(2, 60);
    let c = client();
    let get = || c.get(format!("{}/store/inventory", server.base_url())).send();
    let first = get().await.unwrap();
    assert_eq!(first.status(), 200);
    assert_eq!(first.headers()["x-ratelimit-limit"], "2");
    assert_eq!(first.headers()["x-ratelimit-remaining"], "1");
    assert_eq!(first.headers()["x-ratelimit-reset"], "60");
    assert_eq!(get().await.unwrap().headers()["x-ratelimit-remaining"], "0");
    let limited = get().await.unwrap();
    assert_eq!(limited.status(), 429);
    assert_eq!(limited.headers()["retry-after"], "60");
    assert_eq!(limited.headers()["x-ratelimit-remaining"], "0");
    // Token requests are not counted.
    let token = c
        .post(format!("{}/oauth/token", server.base_url()))
        .body("grant_type=client_credentials")
        .send()
        .await
        .unwrap();
    assert_eq!(token.status(), 200);
    assert_eq!(server.rate_limit().rejected(), 1);
    server.rate_limit().advance_window();
    assert_eq!(get().await.unwrap().status(), 200);
    assert_eq!(server.coverage().operations["getInventory"].get(&429), Some(&1));
    server.rate_limit().disable();
    assert!(!get().await.unwrap().headers().contains_key("x-ratelimit-limit"));
}
