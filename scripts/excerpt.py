#!/usr/bin/env python3
"""Writes a trimmed excerpt of an OpenAPI document: the chosen operations and every component
they reach, nothing else, with the source named in a top-level `x-source` key.

    python3 scripts/excerpt.py SPEC.json "SOURCE, LICENSE" OUT.json operationId...
"""

import json
import sys


def refs(value, out):
    if isinstance(value, dict):
        for key, child in value.items():
            if key == "$ref" and isinstance(child, str) and child.startswith("#/"):
                out.add(child)
            else:
                refs(child, out)
    elif isinstance(value, list):
        for child in value:
            refs(child, out)


def resolve(doc, pointer):
    node = doc
    for token in pointer[2:].split("/"):
        node = node[token.replace("~1", "/").replace("~0", "~")]
    return node


def main():
    spec, source, out_path, *operation_ids = sys.argv[1:]
    with open(spec) as f:
        doc = json.load(f)
    wanted = set(operation_ids)
    paths = {}
    for path, item in doc.get("paths", {}).items():
        kept = {k: v for k, v in item.items() if isinstance(v, dict) and v.get("operationId") in wanted}
        if kept:
            for key in ("parameters", "servers"):
                if key in item:
                    kept[key] = item[key]
            paths[path] = kept
    found = {op.get("operationId") for item in paths.values() for op in item.values() if isinstance(op, dict)}
    missing = wanted - found
    if missing:
        sys.exit(f"no such operations: {sorted(missing)}")
    pending, seen = set(), set()
    refs(paths, pending)
    if "security" in doc:
        refs(doc["security"], pending)
    while pending:
        pointer = pending.pop()
        if pointer in seen:
            continue
        seen.add(pointer)
        refs(resolve(doc, pointer), pending)
    components = {}
    for pointer in sorted(seen):
        parts = pointer[2:].split("/")
        if parts[0] != "components" or len(parts) != 3:
            continue
        components.setdefault(parts[1], {})[parts[2].replace("~1", "/").replace("~0", "~")] = resolve(doc, pointer)
    if "securitySchemes" in doc.get("components", {}):
        components["securitySchemes"] = doc["components"]["securitySchemes"]
    excerpt = {"x-source": source, "openapi": doc["openapi"], "info": doc["info"]}
    for key in ("servers", "security", "tags"):
        if key in doc:
            excerpt[key] = doc[key]
    excerpt["paths"] = paths
    excerpt["components"] = components
    with open(out_path, "w") as f:
        json.dump(excerpt, f, indent=1)
        f.write("\n")
    print(f"{out_path}: {len(found)} operations, {sum(len(v) for v in components.values())} components")


if __name__ == "__main__":
    main()
