#!/usr/bin/env python3
"""One request to every operation of a spec, against a mock server started here.

Measures what a test suite or a conformance tool that touches every operation costs a mock:
start-up (until the port accepts), resident memory at start and its peak (`VmHWM`, summed over
the server's process tree), and the latency of each operation's first request. The requests are
built from the spec (path, required query and header parameters, credentials, a body with the
required properties), so most are valid and the mock prepares its documented answer.

    python3 scripts/mock_sweep.py SPEC                       # conductor-mock, release build
    python3 scripts/mock_sweep.py SPEC --server prism        # Stoplight Prism from .cache/prism
    python3 scripts/mock_sweep.py SPEC --limit-mb 2000       # address-space limit (ulimit -v)

Prints a report and one JSON line (`result: {...}`). Binds and loads 127.0.0.1 only.
"""

import argparse
import http.client
import json
import os
import re
import resource
import socket
import subprocess
import sys
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]


def load(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if path.endswith((".yaml", ".yml")):
        import yaml  # only for YAML specs

        return yaml.safe_load(text)
    return json.loads(text)


class Samples:
    """Values that satisfy a schema's usual constraints (required properties, types, formats)."""

    def __init__(self, root):
        self.root = root

    def deref(self, node, hops=0):
        while isinstance(node, dict) and "$ref" in node and hops < 32:
            ref = node["$ref"]
            if not ref.startswith("#/"):
                return {}
            target = self.root
            for token in ref[2:].split("/"):
                token = token.replace("~1", "/").replace("~0", "~")
                target = target.get(token, {}) if isinstance(target, dict) else {}
            node = target
            hops += 1
        return node if isinstance(node, dict) else {}

    def value(self, schema, depth=0):
        schema = self.deref(schema)
        if depth > 6:
            return None
        if "example" in schema:
            return schema["example"]
        if schema.get("enum"):
            choices = [v for v in schema["enum"] if v is not None]
            return choices[0] if choices else None
        if "allOf" in schema:
            merged = {}
            for part in schema["allOf"]:
                value = self.value(part, depth)
                if isinstance(value, dict):
                    merged.update(value)
                elif len(schema["allOf"]) == 1:
                    return value
            own = self.object(schema, depth)
            merged.update(own)
            return merged
        for key in ("oneOf", "anyOf"):
            if schema.get(key):
                return self.value(schema[key][0], depth)
        kind = schema.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), None)
        if kind == "string":
            fmt = schema.get("format")
            text = {
                "date-time": "2024-01-02T03:04:05Z",
                "date": "2024-01-02",
                "uuid": "00000000-0000-4000-8000-000000000000",
                "email": "user@example.com",
                "uri": "https://example.com/x",
                "binary": "x",
            }.get(fmt, "x")
            text += "x" * max(0, schema.get("minLength", 0) - len(text))
            return text
        if kind == "integer":
            return int(schema.get("minimum", 1))
        if kind == "number":
            return schema.get("minimum", 1)
        if kind == "boolean":
            return True
        if kind == "array":
            item = self.value(schema.get("items", {}), depth + 1)
            return [item] * max(1, schema.get("minItems", 0)) if item is not None else []
        if kind == "object" or "properties" in schema:
            return self.object(schema, depth)
        return "x"

    def object(self, schema, depth):
        out = {}
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            if name in properties:
                value = self.value(properties[name], depth + 1)
                if value is not None:
                    out[name] = value
            else:
                out[name] = "x"
        return out


def text_of(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def form_pairs(prefix, value, out):
    if isinstance(value, dict):
        for k, v in value.items():
            form_pairs(f"{prefix}[{k}]" if prefix else k, v, out)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            form_pairs(f"{prefix}[{i}]", v, out)
    else:
        out.append((prefix, text_of(value)))


def requests_for(spec):
    """(label, method, target, headers, body) for every operation, in spec order."""
    samples = Samples(spec)
    schemes = spec.get("components", {}).get("securitySchemes", {})
    base_headers = {"Authorization": "Bearer sweep"}
    base_query = []
    for scheme in schemes.values():
        scheme = samples.deref(scheme)
        if scheme.get("type") == "apiKey" and scheme.get("in") == "header":
            base_headers.setdefault(scheme.get("name", "X-Api-Key"), "sweep")
        if scheme.get("type") == "apiKey" and scheme.get("in") == "query":
            base_query.append((scheme.get("name", "api_key"), "sweep"))
    base_path = ""
    servers = spec.get("servers") or []
    if servers:
        base_path = urllib.parse.urlparse(servers[0].get("url", "")).path.rstrip("/")
    out = []
    for template, item in spec.get("paths", {}).items():
        item = samples.deref(item)
        for method in METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            parameters = {}
            for p in item.get("parameters", []) + operation.get("parameters", []):
                p = samples.deref(p)
                parameters[(p.get("name"), p.get("in"))] = p
            path = template.split("#")[0]
            query = list(base_query)
            headers = dict(base_headers)
            for (name, location), p in parameters.items():
                if location != "path" and not p.get("required"):
                    continue
                value = samples.value(p.get("schema", {}))
                if isinstance(value, list):
                    value = ",".join(text_of(v) for v in value)
                text = text_of(value if value is not None else "x")
                if location == "path":
                    path = path.replace("{" + name + "}", urllib.parse.quote(text, safe=""))
                elif location == "query":
                    query.append((name, text))
                elif location == "header" and name.lower() not in ("accept", "content-type", "authorization"):
                    headers[name] = text
            body = None
            request_body = samples.deref(operation.get("requestBody", {}))
            content = request_body.get("content", {})
            if request_body.get("required") and content:
                kind = next((t for t in content if "json" in t), next(iter(content)))
                value = samples.value(content[kind].get("schema", {}))
                if "json" in kind:
                    body = json.dumps(value).encode()
                elif "form-urlencoded" in kind:
                    pairs = []
                    form_pairs("", value if isinstance(value, dict) else {}, pairs)
                    body = urllib.parse.urlencode(pairs).encode()
                else:
                    body = text_of(value).encode()
                headers["Content-Type"] = kind
            target = base_path + path + ("?" + urllib.parse.urlencode(query) if query else "")
            label = operation.get("operationId") or f"{method.upper()} {template}"
            out.append((label, method.upper(), target, headers, body))
    return out


def tree(pid):
    """The pid and its descendants."""
    pids, frontier = [pid], [pid]
    while frontier:
        parent = frontier.pop()
        try:
            with open(f"/proc/{parent}/task/{parent}/children") as f:
                children = [int(c) for c in f.read().split()]
        except OSError:
            children = []
        pids += children
        frontier += children
    return pids


def status_kb(pid, field):
    total = 0
    for p in tree(pid):
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith(field + ":"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def wait_port(port, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return True
        except OSError:
            time.sleep(0.005)
    return False


def percentile(sorted_values, p):
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, int(round(p / 100 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[index]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("spec")
    parser.add_argument("--server", choices=["conductor", "prism"], default="conductor")
    parser.add_argument("--binary", default=os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "conductor-mock"))
    parser.add_argument("--port", type=int, default=4890)
    parser.add_argument("--limit-mb", type=int, default=0, help="address-space limit for the server (ulimit -v), MB")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per request")
    args = parser.parse_args()

    spec = load(args.spec)
    plan = requests_for(spec)
    if args.server == "conductor":
        command = [args.binary, args.spec, "--port", str(args.port), "--seed", "1"]
    else:
        prism = os.path.join(ROOT, ".cache", "prism", "node_modules", ".bin", "prism")
        command = [prism, "mock", "-h", "127.0.0.1", "-p", str(args.port), "-d", "-v", "silent", args.spec]

    def limit():
        if args.limit_mb:
            cap = args.limit_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    load_before = open("/proc/loadavg").read().split()[:3]
    started = time.monotonic()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=limit)
    if not wait_port(args.port, 600):
        child.kill()
        sys.exit(f"the server did not accept on port {args.port}: {child.stderr.read().decode()[-2000:]}")
    startup_ms = (time.monotonic() - started) * 1000
    rss_start = status_kb(child.pid, "VmRSS")

    latencies, statuses, failures, notes = [], {}, [], []
    connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=args.timeout)
    for label, method, target, headers, body in plan:
        begin = time.monotonic()
        try:
            connection.request(method, target, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            status = response.status
            note = response.getheader("x-conductor-mock-note")
            if note:
                notes.append((label, note))
            if response.getheader("connection", "").lower() == "close":
                connection.close()
        except (OSError, http.client.HTTPException) as error:
            status = f"error: {type(error).__name__}"
            failures.append((label, str(error)))
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=args.timeout)
            if child.poll() is not None:
                break
        latencies.append(((time.monotonic() - begin) * 1000, label))
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    alive = child.poll() is None
    peak = status_kb(child.pid, "VmHWM") if alive else 0
    rss_end = status_kb(child.pid, "VmRSS") if alive else 0
    load_after = open("/proc/loadavg").read().split()[:3]
    child.terminate()
    try:
        child.wait(10)
    except subprocess.TimeoutExpired:
        child.kill()
    stderr_tail = child.stderr.read().decode(errors="replace")[-1500:]

    ordered = sorted(ms for ms, _ in latencies)
    slowest = sorted(latencies, reverse=True)[:5]
    result = {
        "server": args.server,
        "spec": os.path.basename(args.spec),
        "operations": len(plan),
        "answered": len(latencies) - len(failures),
        "statuses": dict(sorted(statuses.items())),
        "startup_ms": round(startup_ms),
        "rss_start_mb": round(rss_start / 1024),
        "peak_mb": round(peak / 1024),
        "rss_end_mb": round(rss_end / 1024),
        "first_request_ms": {
            "p50": round(percentile(ordered, 50), 2),
            "p90": round(percentile(ordered, 90), 2),
            "p99": round(percentile(ordered, 99), 2),
            "max": round(ordered[-1], 2) if ordered else 0,
        },
        "load_before": load_before,
        "load_after": load_after,
        "alive_at_end": alive,
        "examples_skipped": len(notes),
        "invalid_generated": sum(1 for _, note in notes if "does not validate either" in note),
    }
    print(f"{result['server']} on {result['spec']}: {result['answered']}/{result['operations']} answered, statuses {result['statuses']}")
    print(f"  start-up {result['startup_ms']} ms; resident {result['rss_start_mb']} MB at start, peak {result['peak_mb']} MB (VmHWM), {result['rss_end_mb']} MB at end")
    print(f"  first requests: p50 {result['first_request_ms']['p50']} ms, p90 {result['first_request_ms']['p90']} ms, p99 {result['first_request_ms']['p99']} ms, max {result['first_request_ms']['max']} ms")
    print(f"  load average {' '.join(load_before)} before, {' '.join(load_after)} after")
    print("  slowest: " + "; ".join(f"{label} {ms:.1f} ms" for ms, label in slowest))
    if notes:
        print(f"  {len(notes)} answers passed over a spec example (x-conductor-mock-note); first: {notes[0]}")
        if os.environ.get("SWEEP_NOTES"):
            for label, note in notes:
                print(f"    {label}: {note}")
    if failures:
        print(f"  {len(failures)} requests failed; first: {failures[0]}")
        if not alive:
            print(f"  the server exited ({child.returncode}): {stderr_tail}")
    print("result: " + json.dumps(result))
    sys.exit(0 if alive and not failures else 1)


if __name__ == "__main__":
    main()
