#!/usr/bin/env python3
"""Validates technician API answers against docs/local-api/schemas.

The schemas refer to the health report's (docs/mqtt/schemas) by $id, so
both folders are loaded into one registry, as check_mqtt_contract.py does
for the MQTT schemas. Every schema is checked first (a broken schema fails
loudly, not vacuously). With --all, every local-api schema must be used by
the document: a schema nobody validates against proves nothing.

Usage: check_local_api_schemas.py [--all] LOCAL_API_SCHEMAS MQTT_SCHEMAS DOCUMENT.json
DOCUMENT maps a schema file name to a list of instances:
  {"status.json": [{...}], "faults.json": [{...}, {...}], ...}
Exit 0 when every instance is valid, 1 otherwise (each error printed), 2 on
bad usage.
"""
import json
import pathlib
import sys

from jsonschema import Draft202012Validator, FormatChecker


def load(folders):
    schemas = {}
    for folder in folders:
        for p in sorted(pathlib.Path(folder).glob("*.json")):
            schemas[(folder, p.name)] = json.loads(p.read_text())
    by_uri = {}
    for (_, name), s in schemas.items():
        by_uri.setdefault(name, s)
        by_uri[s["$id"]] = s
    try:
        from referencing import Registry, Resource
        registry = Registry().with_resources(
            (uri, Resource.from_contents(s)) for uri, s in by_uri.items())

        def validator(schema):
            return Draft202012Validator(schema, registry=registry, format_checker=FormatChecker())
    except ImportError:  # jsonschema < 4.18 (Debian bookworm)
        from jsonschema import RefResolver

        def validator(schema):
            resolver = RefResolver.from_schema(schema, store=by_uri)
            return Draft202012Validator(schema, resolver=resolver, format_checker=FormatChecker())
    for s in schemas.values():
        Draft202012Validator.check_schema(s)
    return schemas, validator


def main(local_dir, mqtt_dir, document, require_all):
    schemas, validator = load([local_dir, mqtt_dir])
    local = {name: s for (folder, name), s in schemas.items() if folder == local_dir}
    doc = json.loads(pathlib.Path(document).read_text())
    failures = []
    for name in sorted(set(local) - set(doc)) if require_all else []:
        failures.append(f"{name}: no instance was validated against it")
    for name, instances in doc.items():
        if name not in local:
            failures.append(f"{name}: no such schema in {local_dir}")
            continue
        if not instances:
            failures.append(f"{name}: an empty list of instances")
        v = validator(local[name])
        for i, instance in enumerate(instances):
            for e in sorted(v.iter_errors(instance), key=str):
                path = "/" + "/".join(map(str, e.absolute_path))
                failures.append(f"{name}[{i}] {path}: {e.message}")
    for f in failures:
        print(f, file=sys.stderr)
    count = sum(len(v) for v in doc.values())
    print(f"{count} instances against {len(doc)} schemas: {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    args = sys.argv[1:]
    require_all = bool(args) and args[0] == "--all"
    if require_all:
        args = args[1:]
    if len(args) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(*args, require_all))
