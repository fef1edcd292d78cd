"""The parse layer gives a clean verdict on hostile input, whatever its size or depth."""

from __future__ import annotations

import pytest

from reference import validate


@pytest.mark.parametrize(
    ("document", "rule"),
    [
        (b"\xef\xbb\xbf{}", "parse.encoding"),
        (b'{"a": "\xff"}', "parse.encoding"),
        ('{"a": NaN}', "parse.syntax"),
        ('{"a": Infinity}', "parse.syntax"),
        ("{} x", "parse.syntax"),
        ('{"a": 1,}', "parse.syntax"),
        ("{/* c */}", "parse.syntax"),
        ("", "parse.syntax"),
        ("[1, 2]", "parse.top-level-object"),
        ('"job"', "parse.top-level-object"),
        ("[" * 100_000 + "]" * 100_000, "parse.depth"),
        ('{"a":' * 129 + "1" + "}" * 129, "parse.depth"),
        ('{"a": {"b": 1, "b": 2}}', "parse.duplicate-member"),
    ],
)
def test_hostile_document_gets_one_clean_error(document: str | bytes, rule: str) -> None:
    result = validate(document)
    assert not result.valid
    assert [e.rule for e in result.errors] == [rule]


def test_depth_of_128_is_within_the_limit() -> None:
    result = validate('{"a":' * 127 + "1" + "}" * 127)
    assert "parse.depth" not in result.rules


def test_duplicate_member_is_located() -> None:
    (error,) = validate('{"a": [{"b": 1, "b": 2}]}').errors
    assert error.pointer == "/a/0/b"
    assert error.message == "\"b\" appears more than once in the object at '/a/0'"


def test_five_thousand_digit_integer_in_an_integer_member_is_a_width_error() -> None:
    doc = '{"execution": {"priority": ' + "9" * 5000 + "}}"
    errors = [e for e in validate(doc).errors if e.pointer == "/execution/priority"]
    assert [e.rule for e in errors] == ["parse.integer.width"]
    assert errors[0].message.startswith("999999999999...999999 (5000 digits) is outside the range of u8")
