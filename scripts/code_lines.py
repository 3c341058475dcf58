#!/usr/bin/env python3
"""Code lines (64-byte instruction cache lines) a request touches, generated client against
bare reqwest + the same timeout + decode, counted by callgrind on the overhead bench.

    cargo bench -p workspace-tests --bench overhead --no-run
    python3 scripts/code_lines.py                # the newest bench binary
    python3 scripts/code_lines.py BINARY [TOP]

Each path runs alone (`ONLY=`) for 1 and for 2 rounds of 1,000 requests; an instruction
address whose execution count grows by at least 900 between the two runs is one a request
executes. The lines holding those addresses are the code a request needs in the instruction
cache. The counts are exact for a given binary and do not depend on the machine's load.
"""

import collections
import glob
import os
import re
import subprocess
import sys
import tempfile

PATHS = ("decoded-timed", "generated-timed")
REQUESTS = 1000


def parse(path):
    """Self cost (instructions) by instruction address, and each address's function."""
    cost = collections.Counter()
    function_of = {}
    names = {}
    function = None
    position = 0
    skip_call_cost = False

    def name(token):
        found = re.match(r"\((\d+)\)(?: (.*))?", token)
        if not found:
            return token
        if found.group(2) is not None:
            names[found.group(1)] = found.group(2)
        return names.get(found.group(1), token)

    with open(path) as lines:
        for line in lines:
            line = line.rstrip("\n")
            if not line:
                continue
            if line.startswith("fn="):
                function = name(line[3:])
                continue
            if line.startswith("cfn="):
                name(line[4:])
                continue
            if line.startswith("calls="):
                skip_call_cost = True
                continue
            if line[0] not in "0123456789+-*":
                continue
            fields = line.split()
            first = fields[0]
            if first.startswith("0x"):
                position = int(first, 16)
            elif first[0] in "+-":
                step = int(first[1:], 16) if first[1:].startswith("0x") else int(first[1:])
                position += step if first[0] == "+" else -step
            elif first != "*":
                position = int(first)
            if skip_call_cost:
                skip_call_cost = False
                continue
            if len(fields) >= 3:
                cost[position] += int(fields[2])
                function_of[position] = function
    return cost, function_of


def per_request(binary, path, workdir):
    """Code lines by function, and instructions, that one request of `path` executes."""
    runs = []
    for rounds in (1, 2):
        out = os.path.join(workdir, f"cg.{path}.{rounds}")
        subprocess.run(
            ["valgrind", "--tool=callgrind", "--dump-instr=yes", "--separate-threads=yes",
             f"--callgrind-out-file={out}", binary, str(rounds), str(REQUESTS)],
            env={**os.environ, "ONLY": path},
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # Thread 1 is the client (the bench's main thread).
        runs.append(parse(out + "-01"))
    (one, functions), (two, more) = runs
    functions.update(more)
    lines = collections.defaultdict(set)
    instructions = 0
    for address in set(one) | set(two):
        grown = two.get(address, 0) - one.get(address, 0)
        if grown >= 0.9 * REQUESTS:
            lines[functions[address]].add(address >> 6)
            instructions += grown
    return lines, instructions / REQUESTS


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else None
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    if binary is None:
        candidates = [p for p in glob.glob("target/release/deps/overhead-*") if not p.endswith(".d")]
        if not candidates:
            sys.exit("no bench binary: run `cargo bench -p workspace-tests --bench overhead --no-run` first")
        binary = max(candidates, key=os.path.getmtime)
    with tempfile.TemporaryDirectory() as workdir:
        results = {path: per_request(binary, path, workdir) for path in PATHS}
    for path, (lines, instructions) in results.items():
        total = set().union(*lines.values())
        print(f"{path}: {len(total)} code lines, {instructions:.0f} instructions per request")
    (bare, _), (generated, _) = results[PATHS[0]], results[PATHS[1]]
    rows = sorted(
        ((len(generated.get(f, ())) - len(bare.get(f, ())), f) for f in set(bare) | set(generated)),
        reverse=True,
    )
    print(f"functions by lines added (generated - bare), top {top}:")
    for added, function in rows[:top]:
        print(f"{added:+5d}  {function[:140]}")


if __name__ == "__main__":
    main()
