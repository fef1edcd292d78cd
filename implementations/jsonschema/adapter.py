"""vmjob adapter (ADAPTER.md, persistent protocol) for python-jsonschema: the schema-only approach in Python.

The document is read with ``json.loads``, then checked by ``Draft202012Validator`` with its
``FormatChecker`` against the project's published schemas: the kind's schema, and for a job whose
``payload.type`` has a published payload schema, that schema on ``payload.data``. Nothing else is checked.

Usage: python adapter.py SCHEMAS_DIR
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Iterable
from importlib.metadata import version
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, ValidationError

from conformance.adapter_server import Handler, serve

KINDS = {"job": "job-v1.json", "result": "result-v1.json", "progress": "progress-v1.json", "worker": "worker-v1.json"}


def fail(message: str) -> int:
    print(f"vmjob-jsonschema-adapter: {message}", file=sys.stderr)
    return 2


def read_schema(path: Path) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return schema


def rule_of(error: ValidationError, root: dict[str, Any]) -> str | None:
    """The rule of an error, read from where it points in the schema: the x-rule of the deepest subschema on
    its schema path (for a missing member: the object's x-inner-rule, or that member's own x-rule)."""
    node: Any = root
    rule = root.get("x-rule")
    for part in list(error.absolute_schema_path)[:-1]:
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            node = None
        if isinstance(node, dict) and isinstance(node.get("x-rule"), str):
            rule = node["x-rule"]
    if error.validator == "required" and isinstance(node, dict):
        missing = error.message.split("'")[1] if error.message.count("'") >= 2 else ""
        member = node.get("properties", {}).get(missing, {})
        rule = node.get("x-inner-rule") or member.get("x-rule") or rule
    return rule if isinstance(rule, str) else None


def issues(errors: Iterable[ValidationError], root: dict[str, Any], prefix: str) -> list[dict[str, str]]:
    out = []
    for error in errors:
        pointer = prefix + "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in error.absolute_path)
        issue = {"pointer": pointer, "message": error.message}
        rule = rule_of(error, root)
        if rule:
            issue["rule"] = rule
        out.append(issue)
    return out


class Schemas:
    def __init__(self, folder: Path) -> None:
        checker = FormatChecker()
        self.kinds = {kind: read_schema(folder / name) for kind, name in KINDS.items()}
        self.validators = {kind: Draft202012Validator(s, format_checker=checker) for kind, s in self.kinds.items()}
        self.payloads = {p.stem: read_schema(p) for p in sorted((folder / "payloads").glob("*.json"))}
        self.payload_validators = {t: Draft202012Validator(s, format_checker=checker) for t, s in self.payloads.items()}

    def validate(self, kind: str, data: bytes) -> dict[str, Any]:
        try:
            doc = json.loads(data)
        except (ValueError, RecursionError) as err:  # JSONDecodeError, bad UTF-8, Python's int-digit limit
            return {"valid": False, "errors": [{"message": f"not JSON: {err}", "rule": "parse.syntax"}]}
        if kind not in self.validators:
            return {"errored": True, "message": f"unknown kind {kind!r}"}
        try:
            errors = issues(self.validators[kind].iter_errors(doc), self.kinds[kind], "")
            payload = doc.get("payload") if kind == "job" and isinstance(doc, dict) else None
            ptype = payload.get("type") if isinstance(payload, dict) else None
            if isinstance(payload, dict) and isinstance(ptype, str) and ptype in self.payload_validators:
                found = self.payload_validators[ptype].iter_errors(payload.get("data"))
                errors += issues(found, self.payloads[ptype], "/payload/data")
        except RecursionError:
            return {"errored": True, "message": "jsonschema ran out of stack on a deeply nested document"}
        return {"valid": not errors, "errors": errors}


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        return fail("usage: adapter.py SCHEMAS_DIR (the folder of the protocol's published JSON Schemas)")
    if importlib.util.find_spec("rfc3339_validator") is None:  # without it, FormatChecker skips date-time
        return fail(
            "rfc3339-validator is not installed (jsonschema checks no date-time without it): "
            "pip install -e '.[gallery]'"
        )
    try:
        schemas = Schemas(Path(argv[0]))
    except (OSError, ValueError) as err:
        return fail(f"cannot load the schemas from {argv[0]}: {err}")
    handler = Handler(
        name="jsonschema",
        version=version("jsonschema"),
        language="Python",
        homepage="https://github.com/python-jsonschema/jsonschema",
        validate=schemas.validate,
        classes=["core", "payload", "result", "progress", "worker"],
    )
    return serve(handler)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
