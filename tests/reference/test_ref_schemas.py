"""The schema files: hypothesis-jsonschema can generate from every one, and the compiled structural checks
(reference/_schema.py) never disagree with python-jsonschema on the structural verdict.

python-jsonschema is configured as JSON Schema says, in the two places where its defaults differ:

* ``integer`` excludes floats (python-jsonschema counts ``5.0`` as an integer; the protocol does not);
* ``pattern`` is an ECMA-262 regular expression: ``$`` matches only at the very end of the string, where
  Python's ``re`` also matches before a final newline. The reference compiles ``$`` as ``\\Z``;
  ``test_python_dollar_differs_from_ecma`` shows the difference instead of hiding it.

Both sides see the same keywords: ``format`` (an annotation in 2020-12, asserted by the reference's
timestamp rules) and the ``x-path`` extension are stripped before compiling, since python-jsonschema
does not assert them. Everything else (type, const, enum, minLength, pattern, minimum/maximum with the
x-width ranges, required, properties, additionalProperties, items, minItems) is compared.
"""

from __future__ import annotations

import copy
import json
import random
import re
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from reference._issues import Issue, IssueSink
from reference._schema import PAYLOAD_TYPES, SCHEMA_FILES, compile_schema, payload_schema, schema

SCHEMAS: dict[str, dict[str, Any]] = {
    **{kind: schema(kind) for kind in SCHEMA_FILES},
    **{ptype: payload_schema(ptype) for ptype in PAYLOAD_TYPES},
}
FAST = settings(
    max_examples=6,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


def _ecma_pattern(validator: Any, pattern: str, instance: Any, _schema: Any) -> Iterator[jsonschema.ValidationError]:
    rx = re.compile(pattern[:-1] + r"\Z" if pattern.endswith("$") else pattern)
    if validator.is_type(instance, "string") and not rx.search(instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


_TYPES = jsonschema.Draft202012Validator.TYPE_CHECKER.redefine(
    "integer", lambda _checker, v: isinstance(v, int) and not isinstance(v, bool)
)
StrictValidator = jsonschema.validators.extend(
    jsonschema.Draft202012Validator, {"pattern": _ecma_pattern}, type_checker=_TYPES
)


def _strip(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _strip(v) for k, v in node.items() if k not in ("format", "x-path")}
    if isinstance(node, list):
        return [_strip(v) for v in node]
    return node


_STRIPPED = {name: _strip(s) for name, s in SCHEMAS.items()}
_COMPILED = {
    name: compile_schema(s, s, "parse.top-level-object" if name in SCHEMA_FILES else "core.payload.data")
    for name, s in _STRIPPED.items()
}
_JSONSCHEMA = {name: StrictValidator(s) for name, s in _STRIPPED.items()}


def _ours(name: str, value: Any) -> list[Issue]:
    errors = IssueSink()
    _COMPILED[name](value, "", errors, IssueSink())
    return list(errors)


#: Values chosen to hit every keyword the schemas use, at and across their bounds.
POOL: list[Any] = [
    None,
    True,
    False,
    0,
    1,
    -1,
    10,
    11,
    100,
    101,
    255,
    256,
    4294967295,
    4294967296,
    18446744073709551615,
    18446744073709551616,
    1.5,
    5.0,
    "",
    "x",
    "1.0",
    "VMOperation",
    "a.b",
    "a.b\n",
    "a.",
    ".a",
    "a.b.v1",
    "a.b.v1\n",
    "a.b.vX",
    "qcow2",
    "iso",
    "json",
    "yaml",
    "security",
    "low",
    "ready",
    "completed",
    "sha256:" + "a" * 64,
    "sha256:" + "a" * 64 + "\n",
    "A" * 64,
    "short",
    "job-00000001",
    [],
    ["x"],
    [1],
    ["security", "bogus"],
    {},
    {"a": "b"},
    {"a": 1},
    {"a": ["b"]},
    {"path": "/a", "format": "raw"},
    {"type": "t"},
]


def _containers(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    yield path, value
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _containers(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _containers(v, (*path, i))


def _mutate(doc: Any, rnd: random.Random) -> Any:
    """One random change: replace a value, delete a member, add a member, or replace the document."""
    doc = copy.deepcopy(doc)
    spots = list(_containers(doc))
    path, node = rnd.choice(spots)
    choice = rnd.random()
    if not path:
        return copy.deepcopy(rnd.choice(POOL)) if choice < 0.05 else doc
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    if choice < 0.2 and isinstance(parent, dict):
        del parent[path[-1]]
    elif choice < 0.3 and isinstance(node, dict):
        node[rnd.choice(["x", "extra", "path", "format", "type"])] = copy.deepcopy(rnd.choice(POOL))
    else:
        parent[path[-1]] = copy.deepcopy(rnd.choice(POOL))
    return doc


def _agree(name: str, value: Any) -> None:
    ours = _ours(name, value)
    theirs = _JSONSCHEMA[name].is_valid(value)
    assert (not ours) == theirs, f"{name}: reference {[e.rule for e in ours]} vs jsonschema {theirs} on {value!r}"


#: The schemas, the four document kinds in the default run and the payload schemas (whose canonicalisation by
#: hypothesis-jsonschema takes seconds each) with the slow tests.
BY_COST = [n if "." not in n else pytest.param(n, marks=pytest.mark.slow) for n in sorted(SCHEMAS)]


@pytest.mark.slow
@pytest.mark.parametrize("name", BY_COST)
def test_hypothesis_jsonschema_generates_from_every_schema(name: str) -> None:
    @FAST
    @given(from_schema(SCHEMAS[name]))
    def generated_is_structurally_valid(value: Any) -> None:
        assert not _ours(name, value), _ours(name, value)

    generated_is_structurally_valid()


@pytest.mark.slow
@pytest.mark.parametrize("name", BY_COST)
def test_compiled_checks_agree_with_jsonschema(name: str) -> None:
    @FAST
    @given(from_schema(_STRIPPED[name]), st.randoms(use_true_random=False))
    def agree(value: Any, rnd: random.Random) -> None:
        _agree(name, value)
        for _ in range(40):
            mutated = value
            for _ in range(rnd.randint(1, 3)):
                mutated = _mutate(mutated, rnd)
            _agree(name, mutated)

    agree()


def test_python_dollar_differs_from_ecma() -> None:
    """The one known divergence: plain python-jsonschema lets a final newline through a `$` pattern."""
    job = json.loads(json.dumps(_example_job()))
    job["payload"]["type"] = "guestkit.inspect.v1\n"
    assert jsonschema.Draft202012Validator(schema("job")).is_valid(job)
    assert not StrictValidator(_STRIPPED["job"]).is_valid(job)
    assert [e.rule for e in _ours("job", job)] == ["core.payload.type"]


def test_python_jsonschema_counts_a_float_as_an_integer() -> None:
    job = _example_job()
    job["execution"] = {"priority": 5.0}
    assert jsonschema.Draft202012Validator(schema("job")).is_valid(job)
    assert not StrictValidator(_STRIPPED["job"]).is_valid(job)
    assert [e.rule for e in _ours("job", job)] == ["parse.integer.literal"]


def _example_job() -> dict[str, Any]:
    from importlib import resources

    return json.loads(resources.files("reference").joinpath("examples", "job-minimal.json").read_text())


# --- the keyword table ----------------------------------------------------------------------------------


def _errors(node: dict[str, Any], value: Any) -> list[tuple[str, str, str]]:
    errors = IssueSink()
    compile_schema(node, node, "core.job_id")(value, "", errors, IssueSink())
    return [(e.rule, e.pointer, e.message) for e in errors]


def test_adding_a_keyword_is_one_function_and_one_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    from reference import _keywords
    from reference._keywords import Context, Part

    def max_length(n: int, ctx: Context) -> Part:
        return Part("string", lambda v, p, e, w: None if len(v) <= n else ctx.error(e, p, f"{v!r} is too long"))

    node = {"type": "string", "maxLength": 3}
    with pytest.raises(ValueError, match="keyword 'maxLength' .* has no compile function"):
        compile_schema(node, node, "core.job_id")
    monkeypatch.setitem(_keywords.KEYWORDS, "maxLength", max_length)
    assert _errors(node, "abcd") == [("core.job_id", "", "'abcd' is too long")]
    assert _errors(node, "abc") == []


def test_a_keyword_read_beside_another_needs_that_one() -> None:
    node = {"type": "integer", "minimum": 1}
    with pytest.raises(ValueError, match="'minimum' is read only beside 'x-width'"):
        compile_schema(node, node, "core.job_id")


def test_the_table_order_is_the_order_of_the_errors() -> None:
    node = {"pattern": "^[a-z]+$", "type": "string", "minLength": 9, "enum": ["abc"]}
    assert [m for _r, _p, m in _errors(node, "AB")] == [
        '"AB" is not one of ["abc"]',
        '"AB" is too short: 2 code points, at least 9',
        '"AB" does not match "^[a-z]+$"',
    ]


def test_every_keyword_of_the_published_schemas_is_compiled_or_known() -> None:
    # Read from the files: hypothesis-jsonschema resolves the $refs of the cached schemas in place.
    from importlib import resources

    from reference._keywords import ANNOTATIONS, COMPANIONS, KEYWORDS, STRUCTURE

    folder = resources.files("reference").joinpath("schemas")
    files = [folder.joinpath(n) for n in SCHEMA_FILES.values()]
    files += [folder.joinpath("payloads", f"{t}.json") for t in PAYLOAD_TYPES]
    used: set[str] = set()
    stack: list[Any] = [json.loads(f.read_text(encoding="utf-8")) for f in files]
    while stack:
        node = stack.pop()
        used.update(node)
        stack.extend(node.get("properties", {}).values())
        stack.extend(node.get("$defs", {}).values())
        stack.extend(node[k] for k in ("items", "additionalProperties") if isinstance(node.get(k), dict))
    assert used <= set(KEYWORDS) | set(COMPANIONS) | STRUCTURE | ANNOTATIONS
    assert {"const", "enum", "x-width", "minimum", "required", "additionalProperties", "$ref"} <= used
