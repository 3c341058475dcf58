#!/usr/bin/env bash
# Throughput and start-up of conductor-mock against Stoplight Prism, same machine, same run,
# plus the HTTP stack's ceiling (conductor-mock's hyper settings answering a constant:
# conductor-mock/examples/hyper_ceiling.rs).
#
#   bash scripts/bench-mock.sh            # DURATION=10s CONNECTIONS=32 by default
#
# Installs @stoplight/prism-cli into .cache/prism (ignored) and wrk (apt) if missing; needs
# .cache/specs from `bash scripts/fetch-real-specs.sh` for the GitHub start-up figure.
# Binds and loads 127.0.0.1 only.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
duration="${DURATION:-10s}"
connections="${CONNECTIONS:-32}"
prism="$root/.cache/prism/node_modules/.bin/prism"
if [ ! -x "$prism" ]; then
  mkdir -p "$root/.cache/prism"
  (cd "$root/.cache/prism" && npm install --silent --no-audit --no-fund @stoplight/prism-cli)
fi
if ! command -v wrk >/dev/null; then
  apt-get install -y wrk >/dev/null
fi
cargo build --quiet --release -p conductor-mock --bin conductor-mock --example hyper_ceiling
mock="$root/target/release/conductor-mock"
ceiling="$root/target/release/examples/hyper_ceiling"
github="$root/.cache/specs/octokit-openapi/generated/api.github.com.json"

wait_port() { # port timeout-seconds
  local deadline=$(( $(date +%s) + $2 ))
  until (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do
    if [ "$(date +%s)" -ge "$deadline" ]; then return 1; fi
    sleep 0.01
  done
}

stop() { # pid: TERM, then KILL after 5 s
  kill -TERM "$1" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

declare -A rps
throughput() { # name port
  local url="http://127.0.0.1:$2/pets/1"
  curl -s -o /dev/null -w "$1 GET /pets/1 -> %{http_code}\n" -H 'X-API-Key: k' "$url"
  wrk -t2 -c"$connections" -d2s -H 'X-API-Key: k' "$url" >/dev/null # warm-up
  local out
  out="$(wrk -t2 -c"$connections" -d"$duration" -H 'X-API-Key: k' "$url")"
  echo "$out" | grep -E "Requests/sec|Non-2xx|Latency|requests in" | sed "s/^/  $1: /"
  rps[$1]="$(echo "$out" | awk '/Requests\/sec/ {print $2}')"
}

startup() { # name port command...
  local name="$1" port="$2"; shift 2
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null 2>&1 &
  local pid=$!
  if wait_port "$port" 300; then
    end=$(date +%s%N)
    echo "  $name: start-up on the GitHub spec $(( (end - start) / 1000000 )) ms (until the port accepts)"
  else
    echo "  $name: did not start within 300 s"
  fi
  stop "$pid"
}

echo "== throughput, specs/petstore.yaml, wrk -t2 -c$connections -d$duration"
"$prism" mock -h 127.0.0.1 -p 4711 -v silent specs/petstore.yaml >/dev/null 2>&1 &
prism_pid=$!
"$mock" specs/petstore.yaml --port 4712 >/dev/null &
mock_pid=$!
trap 'stop $prism_pid; stop $mock_pid' EXIT
wait_port 4711 120
wait_port 4712 30
throughput prism 4711
stop "$prism_pid"
throughput conductor-mock 4712
stop "$mock_pid"
trap - EXIT
# The HTTP stack's ceiling: the same hyper settings answering a constant (see the example).
"$ceiling" 4715 >/dev/null &
ceiling_pid=$!
trap 'stop $ceiling_pid' EXIT
wait_port 4715 30
throughput hyper-ceiling 4715
stop "$ceiling_pid"
trap - EXIT
awk -v p="${rps[prism]}" -v m="${rps[conductor-mock]}" -v c="${rps[hyper-ceiling]}" 'BEGIN {
  printf "  conductor-mock / prism: %.1fx; hyper-ceiling / prism: %.1fx; conductor-mock / hyper-ceiling: %.0f%%\n", m / p, c / p, 100 * m / c }'

if [ -f "$github" ]; then
  echo "== start-up, $(basename "$github")"
  startup conductor-mock 4713 "$mock" "$github" --port 4713
  startup prism 4714 "$prism" mock -h 127.0.0.1 -p 4714 -v silent "$github"
else
  echo "== start-up skipped: run bash scripts/fetch-real-specs.sh first"
fi
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; load average $(cut -d' ' -f1-3 /proc/loadavg); commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown); $(date -u +%Y-%m-%d)"
