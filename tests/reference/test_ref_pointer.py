"""JSON Pointers (RFC 6901): the examples of its section 5, both ways, and what finds nothing."""

from __future__ import annotations

from typing import Any

import pytest

import reference
from reference._pointer import escape_token, parse_pointer, resolve_pointer, unescape_token

#: RFC 6901 section 5.
RFC_DOCUMENT: dict[str, Any] = {
    "foo": ["bar", "baz"],
    "": 0,
    "a/b": 1,
    "c%d": 2,
    "e^f": 3,
    "g|h": 4,
    "i\\j": 5,
    'k"l': 6,
    " ": 7,
    "m~n": 8,
}
RFC_EXAMPLES: list[tuple[str, Any]] = [
    ("", RFC_DOCUMENT),
    ("/foo", ["bar", "baz"]),
    ("/foo/0", "bar"),
    ("/", 0),
    ("/a~1b", 1),
    ("/c%d", 2),
    ("/e^f", 3),
    ("/g|h", 4),
    ("/i\\j", 5),
    ('/k"l', 6),
    ("/ ", 7),
    ("/m~0n", 8),
]


@pytest.mark.parametrize(("pointer", "value"), RFC_EXAMPLES)
def test_the_rfc_examples_resolve(pointer: str, value: Any) -> None:
    assert resolve_pointer(RFC_DOCUMENT, pointer) == value


@pytest.mark.parametrize("name", ["", "a/b", "m~n", "~1", "/~0/", "~01", "plain"])
def test_a_token_unescapes_to_the_name_it_escapes(name: str) -> None:
    assert unescape_token(escape_token(name)) == name
    assert parse_pointer("/" + escape_token(name)) == [name]


def test_tilde_one_is_unescaped_after_tilde_zero_is_not() -> None:
    assert unescape_token("~01") == "~1"  # not "/": RFC 6901 section 4


def test_a_pointer_names_its_tokens() -> None:
    assert parse_pointer("") == []
    assert parse_pointer("/") == [""]
    assert parse_pointer("/payload/data/image/path") == ["payload", "data", "image", "path"]
    with pytest.raises(ValueError, match="'payload' is not a JSON Pointer"):
        parse_pointer("payload")


@pytest.mark.parametrize("pointer", ["/foo/2", "/foo/01", "/foo/-", "/foo/+1", "/foo/0/x", "/nope", "/a~1b/c"])
def test_a_pointer_to_nothing_is_a_lookup_error_or_the_default(pointer: str) -> None:
    with pytest.raises(LookupError, match="names nothing"):
        resolve_pointer(RFC_DOCUMENT, pointer)
    missing = object()
    assert resolve_pointer(RFC_DOCUMENT, pointer, missing) is missing


def test_the_error_says_which_token_found_nothing() -> None:
    with pytest.raises(LookupError) as info:
        resolve_pointer({"execution": {"priority": 1}}, "/execution/attempt")
    assert str(info.value) == "'/execution/attempt' names nothing: the object at '/execution' has no 'attempt'"


def test_every_issue_pointer_resolves_in_its_document() -> None:
    """The validator and these helpers agree: an error names a value of its document (a missing member's
    pointer names the place it is missing from, and is left out here)."""
    doc = {"version": "2.0", "metadata": {"labels": {"a/b": 1, "m~n": 2}}, "execution": {"priority": 99}}
    errors = [e for e in reference.validate(doc).errors if "is a required property" not in e.message]
    assert {e.pointer for e in errors} >= {"/version", "/metadata/labels/a~1b", "/metadata/labels/m~0n"}
    for issue in errors:
        assert resolve_pointer(doc, issue.pointer) is not None
