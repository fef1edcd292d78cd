"""Hostile inputs: each gets a clean verdict (an Issue naming a rule), never an exception, at any size."""

from __future__ import annotations

import json

from _refdocs import Raw, document

import reference


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
    from reference._parse import BigNumber

    job = reference.JobDocument.from_json(
        document("job", {"/payload/data/a": Raw("9" * 40), "/payload/data/b": Raw("9" * 41)})
    )
    assert job.payload.data["a"] == int("9" * 40)
    assert job.payload.data["b"] == BigNumber("9" * 41)
    error = _one_error(document("job", {"/execution/priority": Raw("1" * 41)}))
    assert error.message.startswith("111111111111...111111 (41 digits) is outside the range of u8")
