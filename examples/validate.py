#!/usr/bin/env python3
"""Validate the request schema and the example requests.

Usage:
    python3 examples/validate.py            # check the schema and everything under examples/
    python3 examples/validate.py FILE...    # validate the given request files only

Checks:
  1. config/schema/ai-tool-request.v1.json is a valid Draft 2020-12 schema and uses only the
     keyword subset that the aiscreen Swift decoder supports (see SUBSET below), with
     additionalProperties false on every object and a default that fits each optional property.
  2. Every file in examples/requests/ is valid and complete: each property the schema defines
     is present (recursively, for objects that are not null), so the examples exercise every field.
  3. Every file in examples/minimal/ is valid; these omit optional fields and whole sections,
     so the engine's defaults apply.
  4. Every file in examples/invalid/ is rejected (not JSON, or a schema error).
  5. config/schema/ai-tool-request.v1.1.json passes check 1, every file above is valid (or, for
     examples/invalid/, rejected) under it too, since v1.1 is backward compatible, and every file in
     examples/v1.1/ (requests that use the v1.1 fields) is valid under it.

Needs: the Python package jsonschema (4.x).
"""
import copy
import json
import re
import sys
from datetime import date
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_PATH = ROOT / "config" / "schema" / "ai-tool-request.v1.json"
# v1.1 extends v1.0 backward-compatibly: every example (all v1.0) must also be valid under it.
SCHEMA_V11_PATH = ROOT / "config" / "schema" / "ai-tool-request.v1.1.json"
REQUESTS_DIR = ROOT / "examples" / "requests"
INVALID_DIR = ROOT / "examples" / "invalid"
MINIMAL_DIR = ROOT / "examples" / "minimal"
V11_DIR = ROOT / "examples" / "v1.1"  # requests using v1.1 fields: validated against v1.1 only

SUBSET = {
    "$schema", "$id", "title", "description", "type", "properties", "required",
    "additionalProperties", "default", "enum", "items", "format", "minLength", "maxLength",
    "minItems", "maxItems", "uniqueItems", "minimum", "maximum", "const", "examples", "pattern",
}
# The two text patterns (Sources/RulesEngine/Schema/TextRule.swift): control characters refused but tab, or tab
# and line breaks.
TEXT_PATTERNS = {
    r"^[^\u0000-\u0008\u000A-\u001F\u007F-\u009F]*(?![\s\S])",
    r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*(?![\s\S])",
}
SIMPLE_TYPES = {"object", "array", "string", "boolean", "integer", "number", "null"}
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def load_json(path):
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def type_ok(t):
    if isinstance(t, str):
        return t in SIMPLE_TYPES
    return (isinstance(t, list) and len(t) == 2 and "null" in t
            and all(x in SIMPLE_TYPES for x in t) and t[0] != t[1])


def lint_schema(node, where, problems, top=False, required=False, item=False):
    """Check one subschema against the supported keyword subset and our house rules."""
    for key in node:
        if key not in SUBSET:
            problems.append(f"{where}: unsupported keyword {key!r}")
        if key in ("$schema", "$id") and not top:
            problems.append(f"{where}: {key} only allowed at the top level")
    t = node.get("type")
    if t is None:
        problems.append(f"{where}: missing type")
    elif not type_ok(t):
        problems.append(f"{where}: unsupported type {t!r}")
    if not top and not item and not node.get("description"):
        problems.append(f"{where}: missing description")
    if "enum" in node:
        nullable = isinstance(node.get("type"), list) and "null" in node["type"]
        if not all(isinstance(v, str) or (v is None and nullable) for v in node["enum"]):
            problems.append(f"{where}: enum values must be strings (and null, for a nullable enum)")
        if len(set(node["enum"])) != len(node["enum"]):
            problems.append(f"{where}: duplicate enum values")
    if "pattern" in node and node["pattern"] not in TEXT_PATTERNS:
        problems.append(f"{where}: pattern {node['pattern']!r} is not one of the two text patterns")
    if "format" in node and node["format"] != "date":
        problems.append(f"{where}: format {node['format']!r} not supported (only 'date')")
    if not top and not required and "default" not in node:
        problems.append(f"{where}: optional property without a default")
    types = t if isinstance(t, list) else [t]
    if "object" in types:
        if node.get("additionalProperties") is not False:
            problems.append(f"{where}: additionalProperties must be false")
        req = set(node.get("required", []))
        for name in req:
            if name not in node.get("properties", {}):
                problems.append(f"{where}: required {name!r} is not a property")
        for name, sub in node.get("properties", {}).items():
            lint_schema(sub, f"{where}.{name}", problems, required=name in req)
    if "array" in types:
        if "items" not in node:
            problems.append(f"{where}: array without items")
        else:
            lint_schema(node["items"], f"{where}[]", problems, required=True, item=True)
        if "maxItems" not in node:
            problems.append(f"{where}: array without maxItems")
    if "string" in types and "enum" not in node and "const" not in node and "format" not in node \
            and "maxLength" not in node:
        problems.append(f"{where}: string without maxLength")


def with_nullable_enums(node):
    """Return a copy in which every nullable enum also lists null (decoder semantics)."""
    node = copy.deepcopy(node)

    def walk(n):
        t = n.get("type")
        if isinstance(t, list) and "null" in t and "enum" in n and None not in n["enum"]:
            n["enum"].append(None)
        for sub in n.get("properties", {}).values():
            walk(sub)
        if isinstance(n.get("items"), dict):
            walk(n["items"])
    walk(node)
    return node


def check_defaults(node, validator_cls, where, problems):
    """Each default must itself satisfy the subschema it belongs to."""
    if "default" in node:
        sub = {k: v for k, v in node.items() if k != "default"}
        errs = list(validator_cls(with_nullable_enums(sub), format_checker=FormatChecker()).iter_errors(node["default"]))
        if errs:
            problems.append(f"{where}: default {node['default']!r} does not fit: {errs[0].message}")
    for name, sub in node.get("properties", {}).items():
        check_defaults(sub, validator_cls, f"{where}.{name}", problems)


def strict_dates(instance, schema, path, problems):
    """Belt and braces for format 'date': the decoder accepts exactly YYYY-MM-DD calendar dates."""
    if isinstance(instance, str) and schema.get("format") == "date":
        try:
            ok = bool(DATE_RE.match(instance)) and date.fromisoformat(instance) is not None
        except ValueError:
            ok = False
        if not ok:
            problems.append(f"{path}: {instance!r} is not a YYYY-MM-DD date")
    if isinstance(instance, dict):
        for k, v in instance.items():
            if k in schema.get("properties", {}):
                strict_dates(v, schema["properties"][k], f"{path}.{k}", problems)
    if isinstance(instance, list) and isinstance(schema.get("items"), dict):
        for idx, v in enumerate(instance):
            strict_dates(v, schema["items"], f"{path}[{idx}]", problems)


def completeness(instance, schema, path, problems):
    """Every property the schema defines is present in a complete example."""
    if not isinstance(instance, dict):
        return
    for name, sub in schema.get("properties", {}).items():
        if name not in instance:
            problems.append(f"{path}.{name}: missing (complete examples state every field)")
        else:
            completeness(instance[name], sub, f"{path}.{name}", problems)


def extra_checks(instance, problems):
    """Conventions the schema subset cannot express."""
    vc = instance.get("tool", {}).get("vendor_country")
    if isinstance(vc, str) and not (vc.isalpha() and vc.isupper()):
        problems.append(f"$.tool.vendor_country: {vc!r} must be an upper-case ISO-3166 alpha-2 code")
    for c in instance.get("hosting", {}).get("transfer_countries", []):
        if not (len(c) == 2 and c.isalpha() and c.isupper()):
            problems.append(f"$.hosting.transfer_countries: {c!r} must be an upper-case ISO-3166 alpha-2 code")


def validate_request(path, validator, schema, require_complete):
    """Return a list of problems for one request file (empty = valid)."""
    try:
        instance = load_json(path)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return [f"not valid JSON: {exc}"]
    problems = []
    for err in sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path)):
        loc = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err.absolute_path)
        problems.append(f"{loc}: {err.message}")
    strict_dates(instance, schema, "$", problems)
    if isinstance(instance, dict):
        extra_checks(instance, problems)
        if require_complete:
            completeness(instance, schema, "$", problems)
    return problems


def main(argv):
    if argv:
        return check(SCHEMA_V11_PATH, argv, require_complete=False)
    failures = check(SCHEMA_PATH, argv, require_complete=True)
    print(f"-- the same files against {SCHEMA_V11_PATH.relative_to(ROOT)} (v1.0 requests stay valid)")
    failures += check(SCHEMA_V11_PATH, argv, require_complete=False)
    return 1 if failures else 0


def check(schema_path, argv, require_complete):
    schema = load_json(schema_path)
    failures = 0

    Draft202012Validator.check_schema(schema)
    lint_problems = []
    lint_schema(schema, "$", lint_problems, top=True)
    check_defaults(schema, Draft202012Validator, "$", lint_problems)
    for p in lint_problems:
        print(f"SCHEMA  {p}")
    failures += len(lint_problems)
    if not lint_problems:
        print(f"ok      {schema_path.relative_to(ROOT)} (Draft 2020-12 meta-schema, keyword subset, defaults)")

    validator = Draft202012Validator(with_nullable_enums(schema), format_checker=FormatChecker())

    if argv:
        for name in argv:
            problems = validate_request(Path(name), validator, schema, require_complete=False)
            print(("ok      " if not problems else "INVALID ") + name)
            for p in problems:
                print(f"        {p}")
            failures += bool(problems)
        return 1 if failures else 0

    seen_ids = {}
    for path in sorted(REQUESTS_DIR.glob("*.json")):
        problems = validate_request(path, validator, schema, require_complete=require_complete)
        try:
            rid = load_json(path).get("request_id")
            if rid in seen_ids:
                problems.append(f"request_id {rid!r} also used in {seen_ids[rid]}")
            seen_ids[rid] = path.name
        except Exception:
            pass
        rel = path.relative_to(ROOT)
        print(("ok      " if not problems else "FAIL    ") + str(rel))
        for p in problems:
            print(f"        {p}")
        failures += bool(problems)

    for path in sorted(MINIMAL_DIR.glob("*.json")):
        problems = validate_request(path, validator, schema, require_complete=False)
        rel = path.relative_to(ROOT)
        print(("ok      " if not problems else "FAIL    ") + str(rel))
        for p in problems:
            print(f"        {p}")
        failures += bool(problems)

    for path in sorted(V11_DIR.glob("*.json")) if schema_path == SCHEMA_V11_PATH else []:
        problems = validate_request(path, validator, schema, require_complete=False)
        rel = path.relative_to(ROOT)
        print(("ok      " if not problems else "FAIL    ") + str(rel))
        for p in problems:
            print(f"        {p}")
        failures += bool(problems)

    for path in sorted(INVALID_DIR.glob("*")):
        if path.is_dir() or path.name.startswith("."):
            continue
        problems = validate_request(path, validator, schema, require_complete=False)
        rel = path.relative_to(ROOT)
        if problems:
            print(f"ok      {rel} rejected: {problems[0]}")
        else:
            print(f"FAIL    {rel} was accepted but should be rejected")
            failures += 1

    print("all checks passed" if not failures else f"{failures} problem(s)")
    return failures


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
