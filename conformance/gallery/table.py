"""The gallery as Markdown: one row per implementation, then each one's failing rules; and the README block.

The block in ``implementations/README.md`` lies between two marker lines and is the only part of the file
``vmjob gallery --update-readme`` rewrites. A row whose implementation could not be certified on this
machine (its toolchain is absent) keeps the row already there, so a run without cargo never erases the
Rust row; the command says so.
"""

from __future__ import annotations

import re
from typing import Any

from ..reports.compare import markdown_table

BEGIN = "<!-- gallery:begin (written by `vmjob gallery --update-readme`: edit outside this block only) -->"
END = "<!-- gallery:end -->"
HEAD = ["implementation", "language", "claim", "required", "recommended", "failing rules", "most instructive failure"]
_MARK = {"conformant": "✔ conformant", "not conformant": "✘ not conformant", "incomplete": "◌ incomplete"}


class ReadmeError(Exception):
    """The README has no gallery block, or a broken one: the message says what is missing."""


def row(item: dict[str, Any]) -> list[str]:
    """The table row of one gallery.json entry."""
    name = f"{item['name']} {item['version']}".strip()
    if item["status"] != "certified":
        reason = f"{item['status']}: {item['reason']}"
        return [name, item["language"], "—", "—", "—", "—", reason]
    s = item["summary"]
    rules = s["failing_rules"]
    failing = f"{s['failing']} ({len(rules['required'])} required, {len(rules['recommended'])} recommended)"
    return [
        name,
        item["language"],
        s["claim"],
        _MARK[s["verdicts"]["required"]],
        _MARK[s["verdicts"]["recommended"]],
        failing if s["failing"] else "none",
        s["instructive"] or "—",
    ]


def rule_line(item: dict[str, Any]) -> str:
    """The bullet listing one certified implementation's failing rules."""
    rules = item["summary"]["failing_rules"]
    parts = [
        f"{level}: " + ", ".join(f"`{r}`" for r in rules[level])
        for level in ("required", "recommended", "informational")
        if rules.get(level)
    ]
    return f"- **{item['name']}** — " + ("; ".join(parts) if parts else "no failing rule")


def render_table(gallery: dict[str, Any], kept: dict[str, tuple[str, str | None]] | None = None) -> str:
    """The Markdown of a gallery (gallery.json's content): the table, the failing rules, how it was made.
    ``kept``: name -> (row, bullet) already written, used instead of the entry's (see :func:`update_block`)."""
    kept = kept or {}
    items = gallery["implementations"]
    lines = markdown_table([HEAD], limit=300)
    bullets: list[str] = []
    for item in items:
        if item["name"] in kept:
            old_row, old_bullet = kept[item["name"]]
            lines.append(old_row)
            bullets += [old_bullet] if old_bullet else []
            continue
        lines.append(markdown_table([HEAD, row(item)], limit=300)[2])
        if item["status"] == "certified":
            bullets.append(rule_line(item))
    note = (
        f"Certified by `vmjob gallery` at both levels from one run each: the corpus, then "
        f"{gallery['fuzz']:,} generated documents with seed {gallery['seed']}."
    )
    out = [*lines, "", note]
    if bullets:
        out += ["", "Failing rules:", "", *bullets]
    return "\n".join(out) + "\n"


def split_block(text: str, where: str) -> tuple[str, str, str]:
    """``text`` as (before the block, the block's content, after it); :class:`ReadmeError` without one."""
    begin = text.find(BEGIN)
    end = text.find(END, begin + 1) if begin >= 0 else -1
    if begin < 0 or end < 0:
        missing = "begin" if begin < 0 else "end"
        raise ReadmeError(f"{where}: no gallery block (the {missing} marker line {BEGIN if begin < 0 else END!r})")
    return text[: begin + len(BEGIN)], text[begin + len(BEGIN) : end], text[end:]


def committed_rows(block: str) -> dict[str, str]:
    """The table lines of a block, by implementation name (the first cell's first word); and the bullets
    (``- **name** — ...``) under the key ``name:rules``."""
    out: dict[str, str] = {}
    for line in block.splitlines():
        m = re.match(r"\| (\S+)", line)
        if m and m.group(1) not in ("implementation",) and not line.startswith("|---"):
            out[m.group(1)] = line
        b = re.match(r"- \*\*(\S+)\*\* — ", line)
        if b:
            out[f"{b.group(1)}:rules"] = line
    return out


def committed_failing(block: str) -> dict[str, set[str]]:
    """Each implementation's failing rules as the block's bullets record them."""
    out: dict[str, set[str]] = {}
    for key, line in committed_rows(block).items():
        if key.endswith(":rules"):
            out[key.split(":")[0]] = set(re.findall(r"`([^`]+)`", line.split(" — ", 1)[1]))
    return out


def fresh_rows(gallery: dict[str, Any]) -> dict[str, str]:
    """The same keys as :func:`committed_rows`, for the certified implementations of ``gallery``."""
    return {k: v for k, v in committed_rows(render_table(gallery)).items() if _certified(gallery, k.split(":")[0])}


def _certified(gallery: dict[str, Any], name: str) -> bool:
    return any(i["name"] == name and i["status"] == "certified" for i in gallery["implementations"])


def update_block(text: str, gallery: dict[str, Any], where: str) -> tuple[str, list[str]]:
    """``text`` with its gallery block replaced by ``gallery``'s table; the names whose committed row was
    kept because their toolchain is absent here."""
    before, block, after = split_block(text, where)
    old = committed_rows(block)
    kept = {
        i["name"]: (old[i["name"]], old.get(f"{i['name']}:rules"))
        for i in gallery["implementations"]
        if i["status"] == "skipped" and i["name"] in old
    }
    return before + "\n\n" + render_table(gallery, kept) + "\n" + after, sorted(kept)
