"""Markdown for a CI step summary (``$GITHUB_STEP_SUMMARY``): verdict, counts per class, failures, findings.

Step summaries are capped (GitHub: 1 MiB), so the failure table and the documents are bounded; the JSON
and HTML reports keep everything.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..model import OUTCOMES
from .util import brief, clean, counted, failures, impl_line, one_line, transport_line, verdict_line

#: Failures listed in the table, and characters of a finding's minimal document shown.
MAX_ROWS = 200
DOCUMENT_LIMIT = 2000


def cell(text: str) -> str:
    """``text`` safe inside a table cell: one line, pipes, backticks and HTML-ish characters escaped."""
    text = one_line(text, 300)
    for ch in ("\\", "|", "`", "*", "_", "[", "]", "<", ">"):
        text = text.replace(ch, "\\" + ch)
    return text


def code(text: str) -> str:
    """``text`` as inline code, with a fence longer than any backtick run inside it."""
    text = one_line(text, 300)
    fence = "`" * (max((len(m) for m in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}".replace("|", "\\|")


def render_markdown(report: dict[str, Any]) -> str:
    s = report["summary"]
    icon = "✅" if report["conformant"] else "❌"
    out = [
        f"## {icon} vmjob: {verdict_line(report)}",
        "",
        f"{cell(impl_line(report))} over {cell(transport_line(report))}"
        f" · corpus {code(report.get('corpus_digest') or '')}"
        + f" · seed {code(str(report.get('seed')))} · {s['total']} cases",
        "",
    ]
    shown = [o for o in OUTCOMES if s["outcomes"][o]] or ["pass"]
    out.append("| class | " + " | ".join(shown) + " |")
    out.append("|---|" + "---:|" * len(shown))
    for name, counts in s["classes"].items():
        out.append(f"| {cell(name)} | " + " | ".join(str(counts[o]) for o in shown) + " |")
    out.append("| **total** | " + " | ".join(f"**{s['outcomes'][o]}**" for o in shown) + " |")
    bad = failures(report)
    if bad:
        out += ["", f"### Failures ({len(bad)})", ""]
        out.append("| case | outcome | rule | level | expected | got |")
        out.append("|---|---|---|---|---|---|")
        for r in bad[:MAX_ROWS]:
            level = r["level"] if counted(report, r) else f"{r['level']} (not counted)"
            out.append(
                f"| {code(r['id'])} | {r['outcome']} | {code(r['rule'])} | {cell(level)} | "
                f"{cell(brief(r['expected']))} | {cell(brief(r['got']))} |"
            )
        if len(bad) > MAX_ROWS:
            out += ["", f"… and {len(bad) - MAX_ROWS} more: see the JSON or HTML report."]
    if report["findings"]:
        out += ["", f"### Findings of the fuzzer ({len(report['findings'])})", ""]
        for f in report["findings"][:MAX_ROWS]:
            out.append(
                f"- {code(f['id'])}: rule {code(f['rule'])} ({cell(f['level'])}), expected "
                f"{cell(brief(f.get('expected')))}, got {cell(brief(f.get('got')))}"
            )
            if isinstance(f.get("required"), list) and isinstance(f.get("available"), list):
                out.append(
                    f"  required {code(json.dumps(f['required']))}, available {code(json.dumps(f['available']))}"
                )
            doc, label = _document(f)
            if doc is not None:
                out += ["", f"  {label}:", "", *_block(doc)]
    notes = report.get("notes") or []
    if notes:
        out += [""] + [f"> {cell(n)}" for n in notes]
    return "\n".join(out) + "\n"


def _document(item: dict[str, Any]) -> tuple[str | None, str]:
    if isinstance(item.get("document"), str):
        return item["document"], f"minimal document ({item.get('size', len(item['document']))} bytes)"
    if isinstance(item.get("document_base64"), str):
        return item["document_base64"], "minimal document, base64 (not UTF-8)"
    return None, ""


def _block(text: str) -> list[str]:
    text = clean(text)
    if len(text) > DOCUMENT_LIMIT:
        text = text[:DOCUMENT_LIMIT] + f"\n… ({len(text) - DOCUMENT_LIMIT} more characters)"
    fence = "`" * max(3, max((len(m) for m in re.findall(r"`+", text)), default=0) + 1)
    return [f"  {fence}json", *(f"  {line}" for line in text.splitlines() or [""]), f"  {fence}"]
