#!/usr/bin/env bash
# Peer conformance: Schemathesis checks that the standalone mock's responses conform to each
# project spec (response schema, content type, declared headers). Runs outside `cargo test`.
#
#   bash scripts/schemathesis.sh            # every spec below
#   bash scripts/schemathesis.sh specs/petstore.yaml
#
# Installs schemathesis into .cache/schemathesis-venv (ignored); binds 127.0.0.1 only.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
venv="$root/.cache/schemathesis-venv"
if [ ! -x "$venv/bin/schemathesis" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet schemathesis
fi
cargo build --quiet --release -p conductor-mock --bin conductor-mock
mock="$root/target/release/conductor-mock"
specs=("$@")
if [ ${#specs[@]} -eq 0 ]; then
  specs=(specs/petstore.yaml specs/kitchen-sink.yaml specs/tasks-3.1.yaml)
fi
port=4811
failed=0
for spec in "${specs[@]}"; do
  "$mock" "$spec" --port "$port" --seed 1 >/dev/null &
  pid=$!
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
    sleep 0.05
  done
  echo "== $spec"
  # Run from .cache so schemathesis' own .schemathesis/ state stays in the ignored folder.
  if ! (cd "$root/.cache" && "$venv/bin/schemathesis" run "$root/$spec" \
      --url "http://127.0.0.1:$port" --header "Authorization: Bearer schemathesis" \
      --checks response_schema_conformance,content_type_conformance,response_headers_conformance \
      --max-examples "${MAX_EXAMPLES:-50}" --seed 1 --workers 1 --no-color); then
    failed=1
  fi
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  port=$((port + 1))
done
exit "$failed"
