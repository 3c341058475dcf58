//! Editing a file the spec `$ref`s makes cargo rebuild the connector; building again without
//! a change does not. Runs a nested `cargo check --offline` on a small crate under `target/`
//! that shares the workspace's target directory and lock file.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// Runs `cargo check` and returns whether the probe crate itself was compiled.
fn check(crate_dir: &Path, target_dir: &Path) -> bool {
    let output = Command::new(env!("CARGO"))
        .args(["check", "--offline", "--color", "never"])
        .current_dir(crate_dir)
        .env("CARGO_TARGET_DIR", target_dir)
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "cargo check failed:\n{stderr}");
    stderr.contains("Checking rebuild-probe")
}

#[test]
fn editing_a_referenced_file_rebuilds() {
    let root = workspace_root();
    let dir = root.join("target/rebuild-probe");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::create_dir_all(dir.join("spec")).unwrap();
    let runtime = root.join("connector-runtime");
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"rebuild-probe\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\nconnector-runtime = {{ path = {:?} }}\n\n[workspace]\n",
            runtime.display().to_string()
        ),
    )
    .unwrap();
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    std::fs::write(
        dir.join("spec/api.yaml"),
        "openapi: 3.0.3\ninfo: {title: probe, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Thing: {$ref: 'models.yaml#/Thing'}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("spec/models.yaml"),
        "Thing:\n  type: object\n  properties:\n    a: {type: string}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("src/lib.rs"),
        "//! Probe.\n/// Probe.\n#[connector_runtime::connector(spec = \"spec/api.yaml\")]\npub mod probe {}\n",
    )
    .unwrap();
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), std::path::PathBuf::from);
    assert!(check(&dir, &target), "the first build compiles the probe");
    assert!(!check(&dir, &target), "an unchanged build is fresh");
    std::fs::write(
        dir.join("spec/models.yaml"),
        "Thing:\n  type: object\n  properties:\n    b: {type: integer}\n",
    )
    .unwrap();
    assert!(check(&dir, &target), "editing the referenced file rebuilds");
}
