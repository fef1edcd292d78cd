"""The reference's shortcuts give the verdicts of its full path, document for document.

Three shortcuts serve the common, valid document: the parse layer reads plain text (ASCII, no backslash, not
deep) straight through ``json``'s scanner (``_parse._plain``) instead of its full reading (``_parse._read``);
a generated function per schema says whether a document passes the structural checks
(``_fastpath.passes``); one filter per kind says whether a semantic check would report
(``_semantics.quiet``). Each may say "no" when the full path would find nothing, never "yes" when it would
find something. These tests hold each shortcut to its full path on the corpus and on the fuzzer's
generated documents (valid ones and one-rule mutations of every kind), and check that the shortcuts are
actually taken, so that the comparison is not empty. The deep-document syntax reader
(``_parse._syntax_fault``, which now closes a run of brackets in one step) is held to ``json``'s own
messages on documents shallow enough for ``json`` to read.
"""

from __future__ import annotations

import itertools
import json
import random
from functools import cache
from typing import Any

import pytest

import reference
from conformance.corpus import iter_cases
from conformance.fuzz import _gen
from conformance.fuzz.cases import cases
from reference import _fastpath, _keywords, _parse, _semantics, _validator
from reference._issues import IssueSink


def _same(a: Any, b: Any) -> bool:
    """Equal values of the same Python types all the way down (an ``IntLiteral`` is not an int)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b) or (a != a and b != b)


def _full(text: str | bytes, kind: str) -> reference.ValidationResult:
    """The verdict without any shortcut: the full reading, then every check."""
    decoded, fault = _parse.decode(text)
    if fault is not None or decoded is None:
        return reference.validate(text, kind)  # an encoding fault: no shortcut on this path
    value, faults = _parse._read(decoded)
    if faults:
        return _validator.verdict(kind, faults)
    if type(value) is not dict:
        return reference.validate_value(value, kind)
    return _validator._checked(value, kind)


@cache
def _documents() -> list[tuple[str, bytes]]:
    """Corpus documents, generated cases of every kind (valid and mutated) and valid documents at every fill,
    compact and indented."""
    docs = [(c.kind, c.data) for c in iter_cases() if c.mode == "validate" and c.data is not None]
    docs += [(c.kind, c.data) for c in itertools.islice(cases(7), 3000)]
    rng = random.Random(3)
    for i in range(600):
        kind = reference.KINDS[i % len(reference.KINDS)]
        doc = _gen.document(kind, rng, fill=(0.2, 0.5, 0.9, 1.0)[i % 4])
        docs.append((kind, json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()))
        docs.append((kind, json.dumps(doc, indent=2).encode()))
    return docs


@pytest.mark.slow
def test_validate_gives_the_full_paths_verdict_on_every_document() -> None:
    for kind, data in _documents():
        fast, full = reference.validate(data, kind), _full(data, kind)
        assert fast == full, data[:300]


@pytest.mark.slow
def test_the_shortcuts_are_taken() -> None:
    """Most valid documents go the short way; so do plain texts: the comparisons above are not empty."""
    docs = _documents()
    plain = sum(_parse._plain(data.decode("utf-8", "replace")) is not _parse._NOT_PLAIN for _, data in docs)
    valid = [(k, d) for k, d in docs if reference.validate(d, k).valid and not reference.validate(d, k).warnings]
    short = [(k, d) for k, d in valid if _validator._passes(k, _parse.parse_document(d)[0])]
    assert plain > len(docs) // 2
    assert len(short) > 0.9 * len(valid) > 500


@pytest.mark.slow
def test_plain_reading_gives_the_full_readings_value() -> None:
    for _kind, data in _documents():
        text = data.decode("utf-8", "surrogateescape")
        value = _parse._plain(text)
        if value is _parse._NOT_PLAIN:
            continue
        full, faults = _parse._read(text)
        assert not faults and _same(value, full), data[:300]


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1, "a": 2}',
        '{"a": {"b": [1, {"c": 0, "c": 0}]}}',
        '{"a": -0}',
        '{"a": ' + "1" * 50 + "}",
        '{"a": 1.50}',
        '{"a": NaN}',
        '{"a": "\\ud800"}',
        '{"a": 1} x',
        "[" * 129 + "]" * 129,
        '  {"a": 1}  ',
        "",
    ],
)
def test_plain_reading_leaves_every_risky_text_to_the_full_one(text: str) -> None:
    value = _parse._plain(text)
    full, faults = _parse._read(text)
    assert value is _parse._NOT_PLAIN or (not faults and _same(value, full))
    assert reference.validate(text).to_json() == _full(text, "job").to_json()


@pytest.mark.slow
def test_passes_agrees_with_the_structural_checks_on_payloads_too() -> None:
    """Where the generated function says a document passes, its compiled checks find nothing."""
    for kind, data in _documents():
        value, faults = _parse.parse_document(data)
        if faults or type(value) is not dict:
            continue
        errors, warnings = IssueSink(), IssueSink()
        _validator.compiled(kind)(value, "", errors, warnings)
        if _fastpath.passes(kind)(value):
            assert not errors and not warnings, data[:300]
        payload = value.get("payload") if kind == "job" else None
        if isinstance(payload, dict) and payload.get("type") in reference.PAYLOAD_TYPES:
            data_value = payload.get("data")
            if type(data_value) is dict and _fastpath.passes_payload(payload["type"])(data_value):
                errors = IssueSink()
                _validator.compiled_payload(payload["type"])(data_value, "/payload/data", errors, warnings)
                assert not errors, data[:300]


def test_quiet_agrees_with_the_semantic_checks() -> None:
    for kind, data in _documents():
        value, faults = _parse.parse_document(data)
        if faults or type(value) is not dict:
            continue
        errors, warnings = IssueSink(), IssueSink()
        _semantics.run(kind, value, errors, warnings)
        if _semantics.quiet(kind, value):
            assert not errors and not warnings, data[:300]


def test_a_check_without_its_clause_turns_the_filter_off() -> None:
    """A semantic check registered later, which the kind's filter does not answer for, always runs."""
    doc = json.loads(json.dumps(_gen.minimal("job")))
    assert _semantics.quiet("job", doc)
    extra = _semantics.Registered("core.job_id", "job", lambda d, report: report("/job_id", "always"), False)
    _semantics.CHECKS.append(extra)
    try:
        assert not _semantics.quiet("job", doc)
        assert [e.message for e in reference.validate(json.dumps(doc)).errors] == ["always"]
    finally:
        _semantics.CHECKS.remove(extra)
    assert _semantics.quiet("job", doc)


@pytest.mark.slow
def test_deep_syntax_reader_gives_jsons_messages() -> None:
    """On text ``json`` can read to the end, the deep-document reader finds the same first syntax fault,
    nested in runs of brackets (closed a run at a time) or not."""
    atoms = ["[", "]", "{", "}", ",", ":", '"a"', "1", " ", "true", "NaN", "-0", "[[[", "]]]", "}}", '{"k":', "\n"]
    atoms += ["1.5e3", '"\\n"', " ] ", "[ [", "01", '"\\u00e9"', "] ]", "null"]
    rng = random.Random(5)
    compared = 0
    for _ in range(20_000):
        body = "".join(rng.choice(atoms) for _ in range(rng.randint(0, 14)))
        depth = rng.choice((0, 0, 3, 60))
        opener = rng.choice(("[", "[ ", '{"x":'))
        closer = {"[": "]", "[ ": " ]", '{"x":': "}"}[opener]
        text = opener * depth + body + closer * (depth + rng.choice((0, 0, 1, -1)))
        _value, faults = _parse._read(text)
        expected = [f.message for f in faults if f.rule == "parse.syntax"]
        found = _parse._syntax_fault(text)
        assert (found.message if found else None) == (expected[0] if expected else None), text
        compared += bool(expected)
    assert compared > 10_000


@pytest.mark.parametrize("depth", [129, 5_000, 100_000])
def test_deep_documents_keep_their_verdicts(depth: int) -> None:
    balanced = "[" * depth + "]" * depth
    assert [e.rule for e in reference.validate(balanced).errors] == ["parse.depth"]
    over = reference.validate('{"a":' + "[" * depth + "]" * (depth + 1) + "}")
    assert [e.rule for e in over.errors] == ["parse.syntax"]
    assert over.errors[0].message.startswith("Expecting ',' delimiter at line 1 column ")


def test_a_keyword_that_walks_below_its_subschema_leaves_its_values_to_the_checks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A keyword added to the table later whose walk the generated function does not write out (it compiles a
    subschema below its own) makes the function say no wherever it applies, never yes unchecked."""

    def any_of(value: list[Any], ctx: Any) -> None:
        ctx.descend(value[0])

    monkeypatch.setitem(_keywords.KEYWORDS, "anyOf", any_of)
    schema = {"type": "object", "x-rule": "core.metadata", "properties": {"a": {"anyOf": [{}]}}}
    passes = _fastpath._Writer(schema).function("core.metadata")
    assert passes({"b": 1})
    assert not passes({"a": "anything"})
