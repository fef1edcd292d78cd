"""Hostile inputs: each gets a clean verdict (an Issue naming a rule), never an exception, at any size."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from _refdocs import BASES, Raw, deep_and_wide, document, edit, example, long_name_many_items

import reference
from reference._issues import MAX_ISSUE_TEXT, MAX_ISSUES, IssueSink


def _one_error(doc: str | bytes) -> reference.Issue:
    result = reference.validate(doc)
    assert not result.valid
    assert len(result.errors) == 1, result.errors
    return result.errors[0]


def test_depth_one_hundred_thousand_objects() -> None:
    error = _one_error('{"a":' * 100_000 + "1" + "}" * 100_000)
    assert error.rule == "parse.depth"
    assert error.pointer == ""  # deeper than the reader's stack: no pointer can be trusted


def test_depth_just_past_the_limit_is_located() -> None:
    error = _one_error('{"a":' * 129 + "1" + "}" * 129)
    assert (error.rule, error.pointer) == ("parse.depth", "/a" * 128)


def test_deep_nesting_inside_a_valid_looking_job() -> None:
    doc = document("job", {"/payload/data/x": Raw("[" * 100_000 + "]" * 100_000)})
    assert _one_error(doc).rule == "parse.depth"


def test_five_thousand_digit_number_in_an_integer_member() -> None:
    error = _one_error(document("job", {"/execution/timeout_seconds": Raw("7" * 5000)}))
    assert (error.rule, error.pointer) == ("parse.integer.width", "/execution/timeout_seconds")
    assert error.message.startswith("777777777777...777777 (5000 digits) is outside the range of u64")


def test_five_thousand_digit_negative_number_in_an_integer_member() -> None:
    error = _one_error(document("job", {"/execution/priority": Raw("-" + "1" * 5000)}))
    assert error.rule == "parse.integer.width"


def test_five_thousand_digit_number_in_free_form_data_is_accepted_and_kept() -> None:
    digits = "12345" * 1000
    doc = document("job", {"/payload/data/x": Raw(digits)})
    assert reference.validate(doc).valid
    assert digits in reference.roundtrip(doc)


def test_ten_megabyte_string() -> None:
    blob = "x" * 10_000_000
    assert reference.validate(document("job", {"/metadata/annotations": {"blob": blob}})).valid
    error = _one_error(document("job", {"/job_id": blob + "/"}))
    assert error.rule == "core.job_id.charset"
    assert len(error.message) < 300  # the value is shortened in the message


def test_duplicate_keys_at_depth() -> None:
    inner = '{"k": 1, "k": 2}'
    for _ in range(60):
        inner = '{"n": ' + inner + "}"
    error = _one_error(document("job", {"/payload/data/x": Raw(inner)}))
    assert error.rule == "parse.duplicate-member"
    assert error.pointer == "/payload/data/x" + "/n" * 60 + "/k"


def test_several_duplicates_are_each_reported() -> None:
    result = reference.validate('{"a": 1, "a": 2, "b": {"c": 1, "c": 1}}')
    assert [(e.rule, e.pointer) for e in result.errors] == [
        ("parse.duplicate-member", "/a"),
        ("parse.duplicate-member", "/b/c"),
    ]


def test_nan_and_infinity() -> None:
    for literal in ("NaN", "Infinity", "-Infinity"):
        error = _one_error(document("job", {"/payload/data/x": Raw(literal)}))
        assert error.rule == "parse.syntax", literal


def test_byte_order_mark_as_bytes_and_as_text() -> None:
    assert _one_error(b"\xef\xbb\xbf" + document("job").encode()).rule == "parse.encoding"
    assert _one_error("\ufeff" + document("job")).rule == "parse.encoding"


def test_invalid_utf8() -> None:
    doc = document("job", {"/metadata/name": "@@"}).encode().replace(b"@@", b"\xc3\x28")
    error = _one_error(doc)
    assert error.rule == "parse.encoding"
    assert error.message.startswith("C3 at byte ")


def test_lone_surrogates_escaped_and_raw() -> None:
    for doc in (
        document("job").replace('"job-', '"\\ud800job-', 1),
        document("job").replace('"job-', '"\\udfffjob-', 1),
        document("job", {"/metadata/name": "\ud800"}),
    ):
        error = _one_error(doc)
        assert error.rule == "parse.encoding"
        assert error.pointer in ("/job_id", "/metadata/name")
        assert "lone surrogate" in error.message
        error.message.encode("utf-8")  # the message itself is printable


def test_a_surrogate_pair_is_one_character() -> None:
    assert reference.validate(document("job", {"/metadata/name": Raw('"\\ud83d\\ude00"')})).valid


def test_garbage_bytes_and_empty_input() -> None:
    for doc in (b"", b"\x00", b"\xff\xfe{}", b"{" * 10, b'"' * 3, b"\x80"):
        result = reference.validate(doc)
        assert not result.valid and result.errors[0].rule.startswith("parse."), doc


def test_huge_exponent_in_an_integer_member_is_not_an_integer_literal() -> None:
    error = _one_error(document("job", {"/execution/priority": Raw("1e999999")}))
    assert error.rule == "parse.integer.literal"


def test_the_verdict_is_json_serialisable() -> None:
    result = reference.validate(b"\xef\xbb\xbf{}")
    json.dumps(result.to_json())


def test_threads_get_the_same_verdicts_as_one_thread() -> None:
    """The parser keeps one decoder per thread; the HTTP transport validates from many threads at once."""
    from concurrent.futures import ThreadPoolExecutor

    docs = [document("job", {"/execution/priority": i % 13, "/x": {"k": i}}) for i in range(300)]
    docs += ['{"a": 1, "a": 2}', "[1]", '{"a": NaN}']
    serial = [reference.validate(d).to_json() for d in docs]
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(lambda d: reference.validate(d).to_json(), docs)) == serial


def test_integer_literals_over_40_digits_are_kept_as_text() -> None:
    from reference import BigNumber

    job = reference.JobDocument.from_json(
        document("job", {"/payload/data/a": Raw("9" * 40), "/payload/data/b": Raw("9" * 41)})
    )
    assert job.payload.data["a"] == int("9" * 40)
    assert job.payload.data["b"] == BigNumber("9" * 41)
    error = _one_error(document("job", {"/execution/priority": Raw("1" * 41)}))
    assert error.message.startswith("111111111111...111111 (41 digits) is outside the range of u8")


# --- a reference that stays linear: lazy pointers, capped lists, bounded messages ----------------------------

#: The address-space ceiling of the child that validates a hostile document: 1 GiB for a 1-2 MB document
#: (before the pointers were lazy, the deep-and-wide one ran out of 6 GB).
_CEILING = 1 << 30
_CHILD = f"""
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({_CEILING}, {_CEILING}))
import reference
result = reference.validate(open(sys.argv[1], "rb").read())
print(json.dumps({{**result.to_json(), "rules": sorted(result.rules)}}))
"""


def _validate_in_child(tmp_path: Path, text: str) -> dict[str, Any]:
    """The verdict of a child process that may use at most :data:`_CEILING` bytes of address space."""
    path = tmp_path / "hostile.json"
    path.write_text(text, encoding="utf-8")
    # The timeout is a safety net against a hang, not a measurement.
    done = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    verdict: dict[str, Any] = json.loads(done.stdout)
    return verdict


def _level_names(depth: int = 100, name_length: int = 10_000) -> list[str]:
    return [f"{level:03d}" + "x" * (name_length - 3) for level in range(depth)]


def test_deep_and_wide_megabyte_in_a_memory_ceiling(tmp_path: Path) -> None:
    """A hundred levels of 10 KB member names over 20,000 sibling arrays: no pointer is rendered up front."""
    text = deep_and_wide()
    assert 1_000_000 < len(text) < 1_100_000
    verdict = _validate_in_child(tmp_path, text)
    assert verdict == {"kind": "job", "valid": True, "errors": [], "warnings": [], "rules": []}


def test_deep_and_wide_megabyte_of_duplicates_in_a_memory_ceiling(tmp_path: Path) -> None:
    """The same with every name duplicated: 20,100 duplicate members, the first few listed, the rest counted."""
    verdict = _validate_in_child(tmp_path, deep_and_wide(duplicated=True))
    assert verdict["valid"] is False
    assert verdict["rules"] == ["parse.duplicate-member"]
    errors = verdict["errors"]
    assert 1 <= len(errors) <= MAX_ISSUES
    assert len(errors) + verdict["errors_omitted"] == 100 + 20_000  # the "more" notice counts every other one
    assert sum(len(e["pointer"]) + len(e["message"]) for e in errors) <= MAX_ISSUE_TEXT
    # Listed in pointer order: the outermost level's duplicate first, each the next level's parent.
    names = _level_names()
    for level, error in enumerate(errors):
        assert error["pointer"] == "/payload/data/x/" + "/".join(names[: level + 1])
        shown = f'"{names[level][:60]}..." (10000 code points) appears more than once in the object at '
        assert error["message"].startswith(shown)
        assert len(error["message"]) < 300


@pytest.mark.parametrize(
    ("inner", "rule", "message"),
    [
        ('["\\ud800"]', "parse.encoding", '"\\ud800" holds a lone surrogate U+D800 at offset 0 of this string'),
        ("[" + "[" * 200 + "]" * 200 + "]", "parse.depth", "this value lies deeper than 128 levels of nesting"),
    ],
)
def test_a_fault_at_the_bottom_of_the_deep_and_wide_megabyte_in_a_memory_ceiling(
    tmp_path: Path, inner: str, rule: str, message: str
) -> None:
    """The walks that look for a lone surrogate or a value too deep render only the pointer they report."""
    text = deep_and_wide().replace("[[],[]", f"[{inner},[]", 1)
    verdict = _validate_in_child(tmp_path, text)
    (error,) = verdict["errors"]
    assert (error["rule"], error["message"][: len(message)]) == (rule, message)
    assert error["pointer"].startswith("/payload/data/x/" + "/".join(_level_names()) + "/0/0")


def test_one_long_name_over_many_bad_items_in_a_memory_ceiling(tmp_path: Path) -> None:
    """100,000 structural errors whose pointers each hold a 100 KB member name: only the kept ones rendered."""
    verdict = _validate_in_child(tmp_path, long_name_many_items())
    assert verdict["valid"] is False and verdict["rules"] == ["core.routing.anti_affinity"]
    errors = verdict["errors"]
    assert 1 <= len(errors) < 100  # the text budget ends the list before the count does
    assert len(errors) + verdict["errors_omitted"] == 100_000
    prefix = "/routing/anti_affinity/" + "n" * 100_000
    assert [e["pointer"] for e in errors] == [f"{prefix}/{i}" for i in range(len(errors))]
    assert {e["message"] for e in errors} == {"1 is not of type 'string'"}


def test_a_capped_list_still_counts_every_rule_and_level() -> None:
    """``rules`` and ``valid_at`` see the errors left out: a required error after 100 recommended ones counts."""
    errors, warnings = IssueSink(), IssueSink()
    for i in range(MAX_ISSUES):
        errors.add("timestamp.strict", ("", i), "a recommended-level error")
    errors.add("core.job_id", "/job_id", "a required-level error")
    for _ in range(MAX_ISSUES + 2):
        warnings.add("core.execution.timeout_seconds.long", "/execution/timeout_seconds", "long")
    result = verdict(errors, warnings)
    assert len(result.errors) == MAX_ISSUES and result.errors[-1].pointer == f"/{MAX_ISSUES - 1}"
    assert (result.errors_omitted, result.warnings_omitted) == (1, 2)
    assert result.rules == {"timestamp.strict", "core.job_id"}
    assert not result.valid_at("required")
    assert result.to_json()["errors_omitted"] == 1 and result.to_json()["warnings_omitted"] == 2
    assert str(reference.ValidationError(result)).endswith(f"[timestamp.strict] (and {MAX_ISSUES} more)")
    ordinary = reference.validate(document("job"))
    assert ordinary.truncated is None and "errors_omitted" not in ordinary.to_json()


def verdict(errors: IssueSink, warnings: IssueSink) -> reference.ValidationResult:
    from reference._issues import verdict as make

    return make("job", errors, warnings)


def test_a_long_duplicated_name_is_quoted_as_an_excerpt() -> None:
    name = "d" * 10_000
    error = _one_error(f'{{"{name}": 1, "{name}": 2}}')
    assert error.rule == "parse.duplicate-member" and error.pointer == "/" + name
    assert error.message == f"\"{'d' * 60}...\" (10000 code points) appears more than once in the object at '/'"


def test_a_duplicate_below_a_long_pointer_quotes_an_excerpt_of_the_pointer() -> None:
    name = "p" * 5000
    error = _one_error(f'{{"{name}": {{"k": 1, "k": 2}}}}')
    assert error.pointer == f"/{name}/k"
    assert error.message == f"\"k\" appears more than once in the object at '/{'p' * 59}...' (5001 code points)"


def test_a_long_operation_segment_is_quoted_as_an_excerpt() -> None:
    op = "guestkit." + "B" * 100_000
    result = reference.validate(document("job", {"/operation": op, "/payload/type": op + ".v1"}))
    (charset,) = [e for e in result.errors if e.rule == "core.operation.charset"]
    assert charset.message.startswith('"guestkit.BBBB')
    assert len(charset.message) < 300
    assert all(len(e.message) < 400 for e in result.errors)


def test_duplicates_are_listed_in_pointer_order_whatever_the_member_order() -> None:
    """The pointer order is the order of the pointer strings ('/a!' before '/a/...'), kept without rendering."""
    doc = '{"a/": {"z": 1, "z": 1}, "a": {"y": 1, "y": 1, "b": [{"q": 1, "q": 1}]}, "a!": 1, "a!": 2, "~": 1, "~": 1}'
    result = reference.validate(doc)
    pointers = [e.pointer for e in result.errors]
    assert pointers == sorted(pointers) == ["/a!", "/a/b/0/q", "/a/y", "/a~1/z", "/~0"]


def test_many_duplicates_keep_the_first_hundred_in_pointer_order() -> None:
    members = ",".join(f'"k{i}": 1, "k{i}": 2' for i in range(250))
    result = reference.validate("{" + members + "}")
    assert [e.pointer for e in result.errors] == sorted(f"/k{i}" for i in range(250))[:MAX_ISSUES]
    assert result.errors_omitted == 150
    assert result.to_json()["errors_omitted"] == 150


def _huge() -> int:
    return 7**20_000  # 16,902 digits: str(), repr() and json.dumps refuse it


def test_a_python_int_beyond_the_str_limit_gets_a_clean_verdict() -> None:
    job = example(BASES["job"])
    for pointer, rule in (
        ("/execution/priority", "parse.integer.width"),
        ("/execution/timeout_seconds", "parse.integer.width"),
        ("/metadata/labels/a", "core.metadata.labels"),
        ("/job_id", "core.job_id"),
    ):
        for value, shown in ((_huge(), "an integer"), (-_huge(), "a negative integer")):
            result = reference.validate(edit(job, {pointer: value}))
            assert [(e.rule, e.pointer) for e in result.errors] == [(rule, pointer)]
            assert result.errors[0].message.startswith(f"{shown} of about 16,90")
            json.dumps(result.to_json())
            with pytest.raises(reference.ValidationError):
                reference.JobValidator.validate(edit(job, {pointer: value}))


def test_a_python_int_beyond_the_str_limit_in_free_form_data_is_written_digit_for_digit() -> None:
    job = edit(example(BASES["job"]), {"/payload/data/n": _huge(), "/payload/data/m": -_huge()})
    assert reference.validate(job).valid
    text = reference.JobDocument.from_json(job).to_text()
    written = re.search(r'"n":([0-9]+)', text)
    assert written is not None and Decimal(written.group(1)) == Decimal(_huge())
    assert f'"m":-{written.group(1)}' in text


def test_a_python_mapping_forty_one_digits_long_is_described_like_the_literal() -> None:
    job = example(BASES["job"])
    as_value = reference.validate(edit(job, {"/execution/priority": 10**40})).errors[0].message
    as_text = reference.validate(document("job", {"/execution/priority": Raw("1" + "0" * 40)})).errors[0].message
    assert as_value == as_text == "100000000000...000000 (41 digits) is outside the range of u8 (0..255)"


def test_values_that_are_not_json_get_a_clean_verdict() -> None:
    job = example(BASES["job"])
    for value in (b"bytes", {1, 2}, object(), 1 + 2j):
        result = reference.validate(edit(job, {"/job_id": value}))
        assert [(e.rule, e.pointer) for e in result.errors] == [("core.job_id", "/job_id")]
        assert result.errors[0].message.startswith(f'a Python "{type(value).__name__}" value is not of type')
    result = reference.validate(edit(job, {"/metadata/labels": {7: 1, ("a", "b"): 2}}))
    assert [e.pointer for e in result.errors] == ["/metadata/labels/7", '/metadata/labels/a Python "tuple" value']


@pytest.mark.slow
def test_deep_nesting_given_as_a_python_mapping() -> None:
    deep: Any = []
    for _ in range(100_000):
        deep = [deep]
    nested: Any = {}
    for _ in range(100_000):
        nested = {"n": nested}
    job = edit(example(BASES["job"]), {"/payload/data/x": deep, "/payload/data/y": nested})
    assert reference.validate(job).valid  # a mapping starts at the structure layer: no depth rule
    assert not reference.validate({"deep": deep}).valid
    labels = edit(example(BASES["job"]), {"/metadata/labels": deep})
    assert reference.validate(labels).errors[0].rule == "core.metadata.labels"
    text = reference.JobDocument.from_json(job).to_text()
    assert "[" * 100_001 + "]" * 100_001 in text
    assert '{"n":' * 100_000 + "{}" + "}" * 100_000 in text


def _naive_duplicates(text: str) -> list[str]:
    """Every duplicate member's pointer, rendered and sorted: what the reference lists, computed the slow way."""
    found: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: dict[str, int] = {}
        for k, _ in items:
            seen[k] = seen.get(k, 0) + 1
        return {"@dups": [k for k, n in seen.items() if n > 1], **dict(items)}

    def walk(v: Any, ptr: str) -> None:
        if isinstance(v, dict):
            for k in v.pop("@dups"):
                found.append(f"{ptr}/{k.replace('~', '~0').replace('/', '~1')}")
            for k, x in v.items():
                walk(x, f"{ptr}/{k.replace('~', '~0').replace('/', '~1')}")
        elif isinstance(v, list):
            for i, x in enumerate(v):
                walk(x, f"{ptr}/{i}")

    walk(json.loads(text, object_pairs_hook=pairs), "")
    return sorted(found)


def test_duplicates_in_pointer_order_on_random_documents() -> None:
    import random

    rng = random.Random(20261127)
    names = ["", "a", "a!", "a/", "a~", "~", "/", "a0", "a/b", "b", "-", "0", "10", "2", "é", "\u00ff", "ab"]

    def value(depth: int) -> str:
        r = rng.random()
        if depth > 4 or r < 0.3:
            return "1"
        if r < 0.5:
            return "[" + ",".join(value(depth + 1) for _ in range(rng.randint(0, 12))) + "]"
        keys = [rng.choice(names) for _ in range(rng.randint(0, 6))]
        return "{" + ",".join(f"{json.dumps(k)}:{value(depth + 1)}" for k in keys) + "}"

    checked = 0
    for _ in range(400):
        text = value(0)
        if not text.startswith("{"):
            continue
        expected = _naive_duplicates(text)
        result = reference.validate(text)
        if expected:
            checked += 1
            assert [e.pointer for e in result.errors] == expected[:MAX_ISSUES], text
            assert result.errors_omitted == max(0, len(expected) - MAX_ISSUES)
    assert checked > 50
