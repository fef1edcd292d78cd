"""The shards of one run (``vmjob certify --shard K/N``) put back together: the one stream a whole run writes.

Shard K of N ran the cases whose index in their pass is ``K - 1`` modulo N and the fuzz slices
``i % N == K - 1`` (:mod:`conformance.runner`, :mod:`conformance.fuzz.slices`). Merging deals the corpus
results back in that order, takes the findings in slice order (a finding's ``examples`` is counted from
the campaign's start, so it says which slice found it) keeping the first of each key, and adds the
campaigns' figures up: the merged stream holds the records, in the order, of the run that was never cut.

Streams that cannot be one run's shards are refused with a :class:`MergeError` naming the file and the
mismatch: another suite version, corpus digest, seed, implementation, level, filters, fuzz budget or shard
count; a stream that is not a shard; a shard given twice, or under another shard's label (a case in two
shards). A shard missing, or one that did not finish (no footer, a last line cut short, an interrupted run),
is named too: the merge certifies nothing then.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..corpus import MODES
from ..fuzz.slices import Campaign, Merger, merge_stats
from ..records import Footer, Header
from ..runner import pass_of
from .stream import ReportError, read_stream


class MergeError(ReportError):
    """The streams are not the complete shards of one run; the message names the file and what is wrong."""


#: Header fields every shard of a run shares, with the words a refusal uses for them.
SAME = (
    ("suite_version", "suite version"),
    ("corpus_digest", "corpus digest"),
    ("seed", "seed"),
    ("implementation", "implementation"),
    ("level", "level"),
    ("filters", "filters"),
    ("fuzz", "fuzz budget"),
)


def _shown(value: Any) -> str:
    if isinstance(value, dict) and "name" in value:
        return f"{value.get('name')} {value.get('version')}"
    return repr(value)


def _header(path: str, records: list[dict[str, Any]]) -> dict[str, Any]:
    header = next((r for r in records if r.get("type") == "header"), None)
    if header is None:
        raise MergeError(f"{path}: no header record: not a results stream, or a run that never started")
    return header


def _incomplete(records: list[dict[str, Any]]) -> str:
    """Why a shard's stream is not a finished run's, or ""."""
    if any(r.get("type") == "truncated" for r in records):
        return "its last line was cut short (the run was killed while writing it)"
    footer = next((r for r in records if r.get("type") == "footer"), None)
    if footer is None:
        body = sum(1 for r in records if r.get("type") in ("result", "finding"))
        return f"it ends without a footer after {body:,} records (the run was killed before it finished)"
    if Footer.from_json(footer).interrupted:
        return "the run was interrupted before it finished"
    return ""


def check(streams: Sequence[tuple[str, list[dict[str, Any]]]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The streams in shard order, once each is known to be a finished shard of the same run."""
    if not streams:
        raise MergeError("no results stream to merge")
    first_path, first = streams[0][0], _header(*streams[0])
    by_index: dict[int, tuple[str, list[dict[str, Any]]]] = {}
    count = 0
    for path, records in streams:
        header = _header(path, records)
        shard = Header.from_json(header).shard
        if shard is None:
            raise MergeError(
                f"{path}: not a shard (its header has no 'shard'): only streams of vmjob certify --shard K/N merge"
            )
        if not count:
            count = shard[1]
        elif shard[1] != count:
            raise MergeError(f"{path}: shard count {shard[1]} differs from {first_path}'s {count}")
        for key, words in SAME:
            if header.get(key) != first.get(key):
                raise MergeError(
                    f"{path}: {words} {_shown(header.get(key))} differs from {first_path}'s {_shown(first.get(key))}"
                )
        if shard[0] in by_index:
            raise MergeError(f"{path}: shard {shard[0]}/{count} again (also {by_index[shard[0]][0]})")
        by_index[shard[0]] = (path, records)
    missing = [k for k in range(1, count + 1) if k not in by_index]
    if missing:
        names = ", ".join(f"{k}/{count}" for k in missing)
        raise MergeError(
            f"shard{'s' if len(missing) > 1 else ''} {names} missing: {len(by_index)} of {count} streams given; "
            "the merge certifies only the whole run"
        )
    for k in range(1, count + 1):
        path, records = by_index[k]
        why = _incomplete(records)
        if why:
            raise MergeError(f"{path}: shard {k}/{count} is incomplete: {why}; run that shard again, then merge")
    return [by_index[k] for k in range(1, count + 1)]


def _deal(shards: list[tuple[str, list[dict[str, Any]]]]) -> list[dict[str, Any]]:
    """The corpus results in the whole run's order: each pass dealt back round the shards."""
    n = len(shards)
    out: list[dict[str, Any]] = []
    for which in ("validate", "other"):
        lists = [
            [
                r
                for r in records
                if r.get("type") == "result" and pass_of(MODES.get(str(r.get("class")), "validate")) == which
            ]
            for _, records in shards
        ]
        total = sum(len(x) for x in lists)
        for k, (path, _) in enumerate(shards):
            due = len(range(k, total, n))
            if len(lists[k]) != due:
                raise MergeError(
                    f"{path}: shard {k + 1}/{n} has {len(lists[k]):,} {which}-pass results where {due:,} were due: "
                    "the shards did not run the same cases"
                )
        out.extend(lists[i % n][i // n] for i in range(total))
    # Every case is in one shard: a case met twice is a shard's stream given again under another label.
    seen: dict[str, str] = {}
    for k, (path, records) in enumerate(shards):
        for r in records:
            if r.get("type") != "result":
                continue
            case = str(r["id"]) if isinstance(r.get("id"), str) else repr(r.get("id"))  # edited: any value
            if case in seen:
                raise MergeError(
                    f"{path}: shard {k + 1}/{n} holds case {case!r} again (also in {seen[case]}): "
                    "the streams are not the shards of one run"
                )
            seen[case] = path
    return out


def _findings(shards: list[tuple[str, list[dict[str, Any]]]]) -> tuple[list[dict[str, Any]], int]:
    """The findings in slice order (stable: a shard's own order within a slice), the first of each key kept."""
    every = [r for _, records in shards for r in records if r.get("type") == "finding"]
    every.sort(key=lambda r: r["examples"] if isinstance(r.get("examples"), int) else 0)
    merger = Merger()
    kept = [r for r in every if merger.add(r) is not None]
    return kept, merger.kept


def merge(streams: Sequence[tuple[str, list[dict[str, Any]]]]) -> list[dict[str, Any]]:
    """The records of the whole run whose shards ``streams`` (``(path, records)``) are, in its order."""
    shards = check(streams)
    headers = [_header(path, records) for path, records in shards]
    header = {k: v for k, v in headers[0].items() if k != "shard"}
    starts = [h["started_at"] for h in headers if isinstance(h.get("started_at"), str)]
    header["started_at"] = min(starts) if starts else headers[0].get("started_at")
    results = _deal(shards)
    findings, kept = _findings(shards)
    footers = [Footer.from_json(next(r for r in records if r.get("type") == "footer")) for _, records in shards]
    head = Header.from_json(headers[0])
    parts = []
    for k, foot in enumerate(footers, 1):
        seed = head.seed if isinstance(head.seed, int) else 0
        owed = Campaign(seed, head.fuzz, shard=(k, len(shards))).asked() if head.fuzz else 0
        parts.append((owed, foot.fuzz))
    stopped = next((f.stopped for f in footers if f.stopped), "")
    fuzz = merge_stats(parts, findings=kept, stopped=stopped) if head.fuzz else None
    finished = [f.finished_at for f in footers if f.finished_at]
    footer = Footer(
        finished_at=max(finished) if finished else None,
        interrupted=False,
        stopped=stopped,
        stderr="\n".join(f"[shard {k}/{len(shards)}]\n{f.stderr}" for k, f in enumerate(footers, 1) if f.stderr)[
            :16384
        ],
        restarts=sum(f.restarts for f in footers),
        fuzz=fuzz,
    ).to_json()
    return [header, *results, *findings, footer]


def merge_files(paths: Sequence[str]) -> list[dict[str, Any]]:
    """:func:`merge` of the streams at ``paths``."""
    return merge([(path, read_stream(path)) for path in paths])
