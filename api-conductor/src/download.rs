//! `new-connector --spec URL`: fetch an http(s) spec into a temporary folder first.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::workspace::one_line;
use crate::Failure;

/// A downloaded spec in a folder of its own, removed on drop.
pub(crate) struct Downloaded {
    dir: PathBuf,
    /// The spec file inside it, named after the URL's last path segment.
    pub(crate) path: PathBuf,
}

impl Drop for Downloaded {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Whether `--spec` names an http(s) URL rather than a file.
pub(crate) fn is_url(spec: &str) -> bool {
    let lower = spec.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// Downloads `url` (30 s timeout). The file keeps the URL's name when it ends in `.json`,
/// `.yaml` or `.yml`, so the spec is parsed by its extension; otherwise it is `spec.json` or
/// `spec.yaml` by the response's `Content-Type`.
pub(crate) fn download(url: &str) -> Result<Downloaded, Failure> {
    let parsed = url::Url::parse(url).map_err(|err| Failure::new(format!("{url}: not a URL: {err}")))?;
    connector_runtime::install_crypto_provider();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| Failure::new(format!("cannot start the runtime: {err}")))?;
    let (content_type, bytes) = runtime
        .block_on(async {
            let client = reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .user_agent(concat!("api-conductor/", env!("CARGO_PKG_VERSION")))
                .build()
                .map_err(|err| format!("cannot build an HTTP client: {err}"))?;
            let response = client.get(parsed.clone()).send().await.map_err(|err| err.to_string())?;
            let status = response.status();
            if !status.is_success() {
                return Err(format!("the server answered {status}"));
            }
            let content_type = response
                .headers()
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_ascii_lowercase();
            let bytes = response.bytes().await.map_err(|err| err.to_string())?;
            Ok((content_type, bytes))
        })
        .map_err(|err: String| {
            Failure::new(format!(
                "cannot download {}: {}",
                without_secrets(&parsed),
                one_line(&err)
            ))
        })?;
    let name = file_name(&parsed, &content_type);
    let dir = std::env::temp_dir().join(format!("api-conductor-download-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|err| Failure::new(format!("cannot create {}: {err}", dir.display())))?;
    let downloaded = Downloaded {
        path: dir.join(&name),
        dir,
    };
    std::fs::write(&downloaded.path, &bytes)
        .map_err(|err| Failure::new(format!("cannot write {}: {err}", downloaded.path.display())))?;
    Ok(downloaded)
}

/// The URL as it may be printed: no user name, password or query (which may hold a token).
fn without_secrets(url: &url::Url) -> String {
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.set_query(None);
    shown.to_string()
}

fn file_name(url: &url::Url, content_type: &str) -> String {
    let last = url
        .path_segments()
        .and_then(|mut segments| segments.next_back())
        .unwrap_or_default();
    let safe = !last.is_empty()
        && last
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !last.starts_with('.');
    let extension = Path::new(last).extension().and_then(|e| e.to_str()).unwrap_or_default();
    if safe && matches!(extension, "json" | "yaml" | "yml") {
        last.to_owned()
    } else if content_type.contains("json") {
        "spec.json".to_owned()
    } else {
        "spec.yaml".to_owned()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn the_file_is_named_by_the_url_or_the_content_type() {
        let url = |u: &str| url::Url::parse(u).unwrap();
        assert_eq!(file_name(&url("http://h/specs/pets.yaml?x=1"), ""), "pets.yaml");
        assert_eq!(file_name(&url("http://h/api/openapi"), "application/json"), "spec.json");
        assert_eq!(file_name(&url("http://h/"), "text/yaml"), "spec.yaml");
        assert_eq!(file_name(&url("http://h/..%2Fx.json"), "application/json"), "spec.json");
        assert_eq!(
            without_secrets(&url("https://me:pw@h/s.yaml?token=t")),
            "https://h/s.yaml"
        );
        assert!(is_url("HTTPS://h/x") && !is_url("specs/x.yaml"));
    }
}
