"""Implementations wrong on purpose, for ``vmjob certify --python`` (the tests put this folder on PYTHONPATH)."""

from __future__ import annotations

from reference import validate


def progress_always_valid(kind: str, text: str) -> bool:
    """The reference, except that every progress event is valid: wrong on each invalid one."""
    return True if kind == "progress" else validate(text, kind).valid


def reference(kind: str, text: str) -> bool:
    return validate(text, kind).valid
