"""The reference implementation behind every transport: the same verdicts in-process, over the persistent
adapter protocol (``vmjob adapter``) and over HTTP (``vmjob serve``)."""

from __future__ import annotations

from typing import Any

import reference

from .adapter_server import Handler


def _issues(issues: tuple[reference.Issue, ...]) -> list[dict[str, str]]:
    return [{"pointer": i.pointer, "message": i.message, "rule": i.rule} for i in issues]


def validate_reply(kind: str, data: bytes | str) -> dict[str, Any]:
    """A ``validate`` reply (without ``seq``) carrying the reference's verdict."""
    result = reference.validate(data, kind)
    return {"valid": result.valid, "errors": _issues(result.errors), "warnings": _issues(result.warnings)}


def validate(kind: str, text: str) -> dict[str, Any]:
    """The in-process transport's entry point (``--python conformance.reference_impl:validate``).

    The transport hands over bytes that are not UTF-8 as text with the bad bytes surrogate-escaped; turned
    back into those bytes, they get the same verdict and message as over every other transport.
    """
    try:
        return validate_reply(kind, text.encode("utf-8", "surrogateescape"))
    except UnicodeEncodeError:  # a caller's own text with a lone surrogate: the reference judges the text
        return validate_reply(kind, text)


def roundtrip(kind: str, data: bytes) -> str:
    return reference.roundtrip(data, kind)


def match(required: list[str], available: list[str]) -> tuple[bool, list[str]]:
    missing = list(reference.match_capabilities(required, available))
    return not missing, missing


def handler() -> Handler:
    return Handler(
        name="vmjob-reference",
        version=reference.__version__,
        language="python",
        homepage="https://guestkit.dev/schemas/job-v1.json",
        validate=validate_reply,
        roundtrip=roundtrip,
        match=match,
        classes=["core", "payload", "result", "progress", "worker", "capabilities", "roundtrip"],
    )


def main(argv: list[str] | None = None) -> int:
    """One-shot form (ADAPTER.md §2): ``python -m conformance.reference_impl KIND`` < document; 0 valid, 1 not.

    Lighter to start than ``vmjob validate`` (no CLI to build), which matters when a process is paid per case.
    """
    import sys

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or args[0] not in reference.KINDS:
        print(
            f"usage: python -m conformance.reference_impl {{{','.join(reference.KINDS)}}} < DOCUMENT", file=sys.stderr
        )
        return 2
    return 0 if reference.validate(sys.stdin.buffer.read(), args[0]).valid else 1


if __name__ == "__main__":
    raise SystemExit(main())
