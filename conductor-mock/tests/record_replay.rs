//! Record through the proxy against a local upstream (another MockServer on loopback), then
//! replay the fixtures with the upstream gone.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use conductor_mock::MockServer;

fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().build().unwrap()
}

fn petstore() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/petstore.yaml")
}

async fn exchange(c: &reqwest::Client, base: &str) -> Vec<(u16, String)> {
    let mut seen = Vec::new();
    let listed = c
        .get(format!("{base}/pets?limit=2&api_key=SECRET-Q"))
        .header("x-api-key", "SECRET-H")
        .header("authorization", "Bearer SECRET-T")
        .header("cookie", "session=SECRET-C")
        .send()
        .await
        .unwrap();
    seen.push((listed.status().as_u16(), listed.text().await.unwrap()));
    for _ in 0..2 {
        let created = c
            .post(format!("{base}/pets"))
            .header("x-api-key", "SECRET-H")
            .header("content-type", "application/json")
            .body(r#"{"name": "Rex", "password": "SECRET-B"}"#)
            .send()
            .await
            .unwrap();
        seen.push((created.status().as_u16(), created.text().await.unwrap()));
    }
    let missing = c.get(format!("{base}/pets/1")).send().await.unwrap();
    seen.push((missing.status().as_u16(), missing.text().await.unwrap()));
    seen
}

#[tokio::test]
async fn records_redacted_fixtures_and_replays_them_offline() {
    let dir = std::env::temp_dir().join(format!("conductor-mock-fixtures-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let c = client();

    let upstream = MockServer::from_spec(petstore()).await.unwrap();
    let proxy = MockServer::recording(&upstream.base_url(), &dir, Some(&petstore()), "127.0.0.1:0")
        .await
        .unwrap();
    let recorded = exchange(&c, &proxy.base_url()).await;
    assert_eq!(
        recorded.iter().map(|(s, _)| *s).collect::<Vec<_>>(),
        [200, 201, 201, 401],
        "{recorded:?}"
    );
    assert_eq!(upstream.received().len(), 4, "every request went upstream");
    assert_eq!(proxy.received_by("listPets").len(), 1, "the spec labels operations");
    drop(proxy);
    drop(upstream);

    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert_eq!(files.len(), 4);
    let texts: Vec<String> = files.iter().map(|f| std::fs::read_to_string(f).unwrap()).collect();
    for text in &texts {
        assert!(!text.contains("SECRET"), "a secret leaked into a fixture: {text}");
    }
    let first: serde_json::Value = serde_json::from_str(&texts[0]).unwrap();
    assert_eq!(first["request"]["method"], "GET");
    assert_eq!(first["request"]["path"], "/pets");
    assert_eq!(first["request"]["query"], "limit=2&api_key=REDACTED");
    assert_eq!(first["response"]["status"], 200);
    assert!(first["response"]["body"].is_array());

    let replay = MockServer::replaying(&dir, Some(&petstore()), "127.0.0.1:0")
        .await
        .unwrap();
    let replayed = exchange(&c, &replay.base_url()).await;
    assert_eq!(replayed, recorded, "the same answers with no upstream");
    let unknown = c
        .get(format!("{}/pets?limit=3", replay.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    assert!(unknown.text().await.unwrap().contains("no fixture"));
    drop(replay);
    let _ = std::fs::remove_dir_all(&dir);
}
