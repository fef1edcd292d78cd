"""Defects an independent audit found in the reference, each pinned by a test."""

from __future__ import annotations

import pytest
from _refdocs import DELETE, Raw, document

import reference


@pytest.mark.parametrize("fmt", ["xml", "JSON", ""])
def test_a_fix_output_format_is_json_or_yaml_as_in_every_payload(fmt: str) -> None:
    for good in ("json", "yaml"):
        assert reference.validate(document("fix", {"/payload/data/output/format": good})).valid
    result = reference.validate(document("fix", {"/payload/data/output/format": fmt}))
    assert not result.valid
    assert [(e.rule, e.pointer, e.level) for e in result.errors] == [
        ("payload.output.format", "/payload/data/output/format", "required")
    ]
    assert result.errors[0].message.startswith(f'"{fmt}" ')


@pytest.mark.parametrize(
    ("pointer", "literal"),
    [
        ("/payload/data/n", "-0"),
        ("/payload/data/n", '[-0,{"m":-0}]'),
        ("/constraints/maximum_disk_size_gb", "-0"),
    ],
)
def test_a_round_trip_writes_negative_zero_back_as_it_came(pointer: str, literal: str) -> None:
    out = reference.roundtrip(document("job", {pointer: Raw(literal)}))
    assert literal in out
    assert reference.dumps(reference.parse(literal)[0]) == literal


def test_negative_zero_is_still_the_integer_zero() -> None:
    value, issues = reference.parse("-0")
    assert not issues and value == 0 and isinstance(value, int)
    assert reference.validate(document("job", {"/constraints/maximum_disk_size_gb": Raw("-0")})).valid
    result = reference.validate(document("job", {"/execution/priority": Raw("-0")}))
    assert [e.rule for e in result.errors] == ["core.execution.priority"]


@pytest.mark.parametrize(
    ("created", "deadline", "warned"),
    [
        ("2026-12-31T23:59:60Z", "2027-01-01T00:00:00Z", False),
        ("2026-12-31T23:59:59.9Z", "2026-12-31T23:59:60Z", False),
        ("2026-12-31T23:59:60Z", "2026-12-31T23:59:60.5Z", False),
        ("2026-12-31T23:59:60Z", "2026-12-31T23:59:60Z", True),
        ("2027-01-01T00:00:00Z", "2026-12-31T23:59:60Z", True),
        ("2026-12-31T23:59:60.5Z", "2026-12-31T23:59:60.1Z", True),
    ],
)
def test_a_leap_second_is_after_second_59_and_before_the_next_minute(created: str, deadline: str, warned: bool) -> None:
    result = reference.validate(document("job", {"/created_at": created, "/execution/deadline": deadline}))
    assert result.valid, result.errors
    assert [w.rule for w in result.warnings] == (["core.execution.deadline.after-created"] if warned else [])


@pytest.mark.parametrize(
    ("created", "deadline", "warned"),
    [
        # R6 (found by the corpus sweep of fraction lengths): fractions were cut at nine digits.
        ("2026-03-01T10:00:00.0000000001Z", "2026-03-01T10:00:00.0000000002Z", False),
        ("2026-03-01T10:00:00.0000000001Z", "2026-03-01T10:00:00.00000000010Z", True),  # equal: trailing zero
        ("2026-03-01T10:00:00.0000000002Z", "2026-03-01T10:00:00.0000000001Z", True),
        ("2026-03-01T10:00:00.5Z", "2026-03-01T10:00:00.499999999999Z", True),
        ("2026-03-01T10:00:00Z", "2026-03-01T10:00:00.000000000000000001Z", False),
    ],
)
def test_instants_compare_with_every_fraction_digit(created: str, deadline: str, warned: bool) -> None:
    result = reference.validate(document("job", {"/created_at": created, "/execution/deadline": deadline}))
    assert result.valid, result.errors
    assert [w.rule for w in result.warnings] == (["core.execution.deadline.after-created"] if warned else [])


def _deep(levels: int) -> str:
    return "[" * levels + "]" * levels


@pytest.mark.parametrize(
    "text",
    [
        '{"a":' + _deep(2000) + "} x",
        '{"a":' + _deep(2000) + "}}",
        '{"a":' + _deep(2000) + ",}",
        '{"a":' + "[" * 2000 + "1,]" + "]" * 1999 + "}",
        '{"a":' + '{"b":' * 2000 + "NaN" + "}" * 2000 + "}",
        '{"a":' + '{"b":' * 2000 + "1" + "}" * 1999 + "]}",
        '{"a":' + '{"b" 1' + "}" * 2000,
        '{"a":' + "[" * 2000 + "'x'" + "]" * 2000 + "}",
    ],
)
def test_a_syntax_error_in_a_document_too_deep_for_the_stack_is_a_syntax_error(text: str) -> None:
    result = reference.validate(text)
    assert [(e.rule, e.level, e.pointer) for e in result.errors] == [("parse.syntax", "required", "")]


@pytest.mark.parametrize(
    "text",
    ['{"a":' + _deep(2000) + "}", '{"a":' + '{"b":' * 2000 + '"\\u00e9 \\n"' + "}" * 2000 + " }\n", _deep(5000)],
)
def test_a_well_formed_document_too_deep_for_the_stack_is_still_too_deep(text: str) -> None:
    result = reference.validate(text)
    assert [(e.rule, e.level) for e in result.errors] == [("parse.depth", "informational")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("null", "null is not a JSON object"),
        ("1", "1 is an integer, not a JSON object"),
        ("-0", "-0 is an integer, not a JSON object"),
        ('"job"', '"job" is a string, not a JSON object'),
        ("[]", "[] is an array, not a JSON object"),
        ("true", "true is a boolean, not a JSON object"),
    ],
)
def test_the_top_level_message_starts_with_the_value(text: str, message: str) -> None:
    (error,) = reference.validate(text).errors
    assert (error.rule, error.level, error.pointer, error.message) == (
        "parse.top-level-object",
        "required",
        "",
        message,
    )


@pytest.mark.parametrize(
    ("base", "edits", "rule", "pointer", "message"),
    [
        (
            "failed",
            {"/error": None},
            "result.failed.consistency",
            "/error",
            '"error" is required when status is "failed"',
        ),
        (
            "failed",
            {"/error": DELETE, "/failed_at": DELETE},
            "result.failed.consistency",
            "/error",
            '"error" and "failed_at" are required when status is "failed"',
        ),
        (
            "result",
            {"/completed_at": None},
            "result.completed.consistency",
            "/completed_at",
            '"completed_at" is required when status is "completed"',
        ),
        (
            "result",
            {"/error": {"code": "E", "message": "m", "recoverable": False, "retry_recommended": False}},
            "result.completed.consistency",
            "/error",
            '{...} (an object of 4 members) is an error, but status is "completed"',
        ),
    ],
)
def test_the_result_consistency_messages_start_with_the_value(
    base: str, edits: dict[str, object], rule: str, pointer: str, message: str
) -> None:
    result = reference.validate(document(base, edits), "result")
    (issue,) = result.errors + result.warnings
    assert (issue.rule, issue.level, issue.pointer, issue.message) == (rule, "recommended", pointer, message)


@pytest.mark.parametrize("pointer", ["/job_id", "/execution/cancellable", "/execution/priority"])
def test_negative_zero_is_shown_as_written(pointer: str) -> None:
    (error,) = reference.validate(document("job", {pointer: Raw("-0")})).errors
    assert error.message.startswith("-0 ")
