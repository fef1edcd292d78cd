"""One case, one reply, one outcome: the judgement the whole certificate rests on (conformance/ADAPTER.md §5).

* the verdict decides ``pass`` / ``fail``; error pointers are evidence, recorded in ``got``, never a criterion
  (implementations locate faults differently and the protocol does not fix a location);
* a case of a warning rule passes only when the reply's warning pointers are exactly the expected ones (none
  missing, none added where the reference gives none); the warnings other cases expect are evidence only,
  so an implementation that reports no warnings (they are
  optional on the wire) is judged on warnings by the warning rules alone, which are recommended;
* ``match`` compares ``ok`` and the *set* of missing capabilities;
* ``roundtrip`` parses the returned text with the reference parser and compares it with the sent document:
  every member kept, none added, every value equal (numbers by value, ``true`` is not ``1``);
* a fault (timeout, crash, errored) is never a pass; a case the implementation answers ``skipped`` is
  ``declined`` (inside its claim, it is not an answer); only a request the transport cannot carry is ``skip``.
"""

from __future__ import annotations

from typing import Any

from reference import RULES, BigNumber, parse

from .corpus import Case
from .model import Reply

#: How much evidence a result keeps: issues listed, characters per message.
MAX_ISSUES = 10
MAX_MESSAGE = 300


def _text(value: Any, limit: int = MAX_MESSAGE) -> str:
    s = str(value)
    return s if len(s) <= limit else s[:limit] + "..."


def _issue_list(issues: tuple[dict[str, Any], ...]) -> list[dict[str, Any]]:
    out = []
    for i in issues[:MAX_ISSUES]:
        item: dict[str, Any] = {}
        if isinstance(i, dict):
            for key in ("pointer", "message", "rule"):
                if key in i:
                    item[key] = _text(i[key])
        out.append(item)
    if len(issues) > MAX_ISSUES:
        out.append({"message": f"... and {len(issues) - MAX_ISSUES} more"})
    return out


def _pointers(issues: tuple[dict[str, Any], ...]) -> set[str]:
    return {i["pointer"] for i in issues if isinstance(i, dict) and isinstance(i.get("pointer"), str)}


def evaluate(case: Case, reply: Reply, warnings: bool = True) -> tuple[str, Any, str]:
    """``(outcome, got, message)`` for ``case`` answered by ``reply``; ``warnings`` is False when the
    transport cannot carry them (a case expecting one is then ``skip`` once its verdict is right)."""
    if reply.status == "declined":
        return "declined", None, reply.message or "declined by the implementation"
    if reply.status == "skipped":
        return "skip", None, reply.message or "the transport cannot carry this case"
    if reply.status != "ok":
        return reply.status, None, reply.message
    if case.mode == "match":
        return _match(case, reply)
    if case.mode == "roundtrip":
        return _roundtrip(case, reply)
    return _validate(case, reply, warnings)


def _validate(case: Case, reply: Reply, warnings: bool) -> tuple[str, Any, str]:
    got: dict[str, Any] = {"valid": reply.valid}
    if reply.errors:
        got["errors"] = _issue_list(reply.errors)
    if reply.warnings:
        got["warnings"] = _issue_list(reply.warnings)
    if reply.valid is not case.valid:
        expected = "valid" if case.valid else "invalid"
        where = "" if case.pointer is None or case.valid else f" at {case.pointer or 'the root'}"
        return "fail", got, f"expected {expected}{where}, got {'valid' if reply.valid else 'invalid'}"
    rule = RULES.get(case.rule)
    if rule is None or rule.polarity != "warning":
        return "pass", got, ""
    # A warning rule's own case: the warnings are what it tests, both ways (a warning missing, or one given
    # where the reference gives none: at a rule's boundary, e.g. a timeout of exactly one day).
    if not warnings:
        if not case.warnings:
            return "pass", got, ""
        return "skip", got, "the verdict is right; the expected warning cannot be checked over this transport"
    seen = _pointers(reply.warnings)
    missing = [p for p in case.warnings if p not in seen]
    extra = sorted(seen - set(case.warnings))
    if missing:
        return (
            "fail",
            got,
            f"expected a warning at {', '.join(missing)}; got "
            + (f"warnings at {', '.join(sorted(seen))}" if seen else "no warning"),
        )
    if extra:
        expected = f"warnings at {', '.join(case.warnings)} only" if case.warnings else "no warning"
        return "fail", got, f"expected {expected}; got a warning at {', '.join(extra)}"
    return "pass", got, ""


def _match(case: Case, reply: Reply) -> tuple[str, Any, str]:
    got = {"ok": reply.valid, "missing": list(reply.missing)}
    if reply.valid is not case.ok:
        return "fail", got, f"expected ok={case.ok}, got ok={reply.valid}"
    if set(reply.missing) != set(case.missing):
        return "fail", got, f"expected missing {sorted(set(case.missing))}, got {sorted(set(reply.missing))}"
    return "pass", got, ""


def _roundtrip(case: Case, reply: Reply) -> tuple[str, Any, str]:
    text = reply.document or ""
    got = {"document": _text(text, 2000)}
    assert case.data is not None
    sent, _ = parse(case.data)
    back, faults = parse(text)
    if faults:
        return "fail", got, f"the returned text does not parse: {faults[0].message}"
    where = difference(sent, back, "")
    if where is not None:
        return "fail", got, where
    return "pass", got, ""


def _kind(v: Any) -> str:
    if isinstance(v, bool) or v is None:
        return "literal"
    if isinstance(v, (int, float, BigNumber)):
        return "number"
    return type(v).__name__


def _number(v: Any) -> Any:
    if isinstance(v, BigNumber):
        try:
            return int(v.text)
        except ValueError:
            return v.text
    return v


def difference(sent: Any, back: Any, pointer: str) -> str | None:
    """Where the returned value departs from the sent one (``member /a/b lost``), or None when equal."""
    at = pointer or "/"
    if isinstance(sent, dict) and isinstance(back, dict):
        for key in sent:
            if key not in back:
                return f"member {pointer}/{_escape(key)} was lost"
        for key in back:
            if key not in sent:
                return f"member {pointer}/{_escape(key)} was added"
        for key, value in sent.items():
            d = difference(value, back[key], f"{pointer}/{_escape(key)}")
            if d:
                return d
        return None
    if isinstance(sent, list) and isinstance(back, list):
        if len(sent) != len(back):
            return f"the array at {at} had {len(sent)} items, came back with {len(back)}"
        for i, (a, b) in enumerate(zip(sent, back, strict=True)):
            d = difference(a, b, f"{pointer}/{i}")
            if d:
                return d
        return None
    if _kind(sent) != _kind(back) or (
        _number(sent) != _number(back) if _kind(sent) == "number" else sent is not back and sent != back
    ):
        return f"the value at {at} changed from {_text(repr(sent), 80)} to {_text(repr(back), 80)}"
    return None


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")
