"""The N-way matrix: implementations × rules on one self-contained page (the gallery's, and ``vmjob compare
--html``'s).

Top to bottom: one line per implementation (its verdicts, its counts), the matrix (a row per rule, grouped by
class; a column per implementation; each cell coloured by the rule's worst outcome there and, when it failed,
a link to its failures), then the failures of each implementation, rule by rule, smallest document first,
with the fuzzer's shrunk documents. As the single report (:mod:`conformance.reports.html`): no script, no
external resource, a Content-Security-Policy that forbids scripts, and every string from an implementation
or a document cleaned (:func:`conformance.reports.util.clean`) and escaped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from typing import Any

from reference import CLASSES

from ..model import OUTCOMES
from ..reports.util import COLOURS, SEVERITY, brief, clean, counted, impl_line, verdict_line

#: Failing cases shown per implementation and rule (smallest document first); the JSON report has them all.
CARDS_PER_RULE = 3
#: Characters of a document shown.
DOCUMENT_LIMIT = 3000
#: The outcomes that make a cell a failure (a link to its cases).
FAILING = ("fail", "crash", "timeout", "errored", "declined", "not-run")


@dataclass(frozen=True)
class Column:
    """One implementation of the matrix: its label, its report (None when it was not certified: ``note``
    says why) and the lines shown under its name (by default the report's verdict)."""

    name: str
    report: dict[str, Any] | None
    verdicts: tuple[str, ...] = ()
    note: str = ""


def column(report: dict[str, Any], name: str | None = None) -> Column:
    return Column(name or impl_line(report), report, (verdict_line(report),))


def _t(value: Any) -> str:
    """Text for the page: cleaned (control characters shown as escapes), then escaped."""
    return escape(clean(value), quote=True)


def _anchor(*parts: str) -> str:
    return "-".join(re.sub(r"[^A-Za-z0-9._:$-]", "_", p) for p in parts)


CSS = """
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#f6f8fa;--mono:ui-monospace,SFMono-Regular,Menlo,Consolas,
"DejaVu Sans Mono",monospace}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI","DejaVu Sans",sans-serif;color:var(--fg)}
header.top{background:linear-gradient(135deg,#24292f,#57606a);color:#fff;padding:24px}
header.top h1{margin:0;font-size:28px}
header.top p{margin:4px 0 0;opacity:.9}
main{max-width:1400px;margin:0 auto;padding:0 24px 48px}
h2{font-size:20px;margin:36px 0 12px;padding-bottom:6px;border-bottom:1px solid var(--line)}
h2 small,h3 small{font-weight:400;color:var(--muted);font-size:14px}
h3{font-size:16px;margin:22px 0 4px}
code,pre{font-family:var(--mono);font-size:13px}
a{color:#0969da}
table{border-collapse:collapse;font-size:13px}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);vertical-align:top}
table.impls{width:100%}
table.impls th{background:var(--bg)}
.ok{color:#1a7f37;font-weight:600}.bad{color:#cf222e;font-weight:600}.inc{color:#6e7781;font-weight:600}
.legend{display:flex;flex-wrap:wrap;gap:14px;color:var(--muted);font-size:13px;margin:8px 0 12px}
.legend i{display:inline-block;width:11px;height:11px;border-radius:3px;margin-right:5px;vertical-align:-1px}
table.matrix thead th{position:sticky;top:0;background:#fff;z-index:1;border-bottom:2px solid var(--line);
max-width:180px}
table.matrix tr.cls th{background:var(--bg);font-size:14px;padding-top:10px}
table.matrix tr.cls small{font-weight:400;color:var(--muted)}
table.matrix th.rule{font-weight:400;white-space:nowrap}
table.matrix th.rule .lvl{color:var(--muted);font-size:11px;margin-left:6px}
td.cell{padding:2px 3px;min-width:120px}
td.cell>a,td.cell>span{display:block;border-radius:4px;padding:2px 8px;color:#fff;background:var(--c);
text-decoration:none;font-family:var(--mono);font-size:12px;white-space:nowrap}
td.cell>.light{color:#1f2328}
td.cell>.none{background:repeating-linear-gradient(135deg,#eaeef2,#eaeef2 5px,#fff 5px,#fff 10px);color:var(--muted)}
td.cell>.nc{opacity:.6}
details.case{border:1px solid var(--line);border-left:5px solid var(--c);border-radius:6px;margin:8px 0}
details.case>summary{cursor:pointer;padding:6px 10px;overflow-wrap:anywhere}
details.case>summary .eg{color:var(--muted);font-size:13px;display:block}
.body{padding:0 10px 10px}
pre{background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:6px 8px;margin:4px 0;
white-space:pre-wrap;overflow-wrap:anywhere;max-height:300px;overflow:auto}
.statement{margin:0 0 6px;color:var(--muted)}
.pill{display:inline-block;padding:0 8px;border-radius:10px;color:#fff;background:var(--c);font-size:12px;
font-weight:600;line-height:20px;margin-right:6px}
.more,.cut,.empty{color:var(--muted);font-size:13px}
footer{color:var(--muted);font-size:12px;margin-top:40px}
"""


def render_matrix(columns: list[Column], title: str = "vmjob: implementations side by side", note: str = "") -> str:
    """The page of ``columns``: the matrix, and every failing cell's cases behind its link."""
    reports = [c.report for c in columns if c.report is not None]
    rules = _rules(reports)
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        'img-src data:">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_t(title)}</title>",
        f"<style>{CSS}</style></head><body>",
        f'<header class="top" id="top"><h1>{_t(title)}</h1><p>{len(columns)} implementations × {len(rules)} rules'
        + (f" · {_t(note)}" if note else "")
        + "</p></header><main>",
    ]
    parts += _implementations(columns)
    parts += _matrix(columns, rules)
    for i, col in enumerate(columns):
        parts += _failures(i, col, rules)
    parts.append("<footer>vmjob · the JSON reports hold every case; this page shows each failing rule's smallest "
                 "documents</footer></main></body></html>\n")  # fmt: skip
    return "\n".join(parts)


def _rules(reports: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Every rule any report exercised: its class, level and statement, in class order then by id."""
    found: dict[str, dict[str, Any]] = {}
    for report in reports:
        for rule_id, e in (report.get("rules") or {}).items():
            found.setdefault(rule_id, {"class": e["class"], "level": e["level"], "statement": e.get("statement", "")})
    order = {c: i for i, c in enumerate(("common", *CLASSES))}
    return dict(sorted(found.items(), key=lambda kv: (order.get(kv[1]["class"], len(order)), kv[1]["class"], kv[0])))


def _state(report: dict[str, Any]) -> str:
    return "ok" if report["conformant"] else "bad"


def _implementations(columns: list[Column]) -> list[str]:
    out = [
        '<section id="implementations"><h2>Implementations</h2><table class="impls"><thead><tr>'
        "<th>implementation</th><th>verdict</th>"
        + "".join(f"<th>{o}</th>" for o in OUTCOMES)
        + "<th>findings</th></tr></thead><tbody>"
    ]
    for i, col in enumerate(columns):
        name = f'<a href="#{_anchor("impl", str(i))}">{_t(col.name)}</a>'
        if col.report is None:
            out.append(f'<tr><td>{name}</td><td class="inc">{_t(col.note)}</td>'
                       f'<td colspan="{len(OUTCOMES) + 1}"></td></tr>')  # fmt: skip
            continue
        s = col.report["summary"]
        verdicts = "<br>".join(_t(v) for v in (col.verdicts or (verdict_line(col.report),)))
        out.append(
            f'<tr><td>{name}</td><td class="{_state(col.report)}">{verdicts}</td>'
            + "".join(f"<td>{s['outcomes'].get(o, 0) or ''}</td>" for o in OUTCOMES)
            + f"<td>{len(col.report['findings']) or ''}</td></tr>"
        )
    out.append("</tbody></table></section>")
    return out


def _cell(i: int, col: Column, rule_id: str, level: str) -> str:
    if col.report is None:
        return '<td class="cell"><span class="none">—</span></td>'
    e = (col.report.get("rules") or {}).get(rule_id)
    if e is None:
        return '<td class="cell"><span class="none" title="no case of this rule was run">—</span></td>'
    counts, findings = e["counts"], e.get("findings") or 0
    worst = "fail" if findings else e["worst"]
    run = sum(n for o, n in counts.items() if o != "skip")
    label = f"{counts.get('pass', 0)}/{run}" if run else f"skip {counts.get('skip', 0)}"
    if findings:
        label += f" +{findings} found"
    tip = ", ".join(f"{n} {o}" for o, n in counts.items() if n) + (f", {findings} fuzz findings" if findings else "")
    cls = ("light " if worst == "skip" else "") + ("" if counted(col.report, {"level": level}) else "nc")
    inner = f'class="{cls.strip()}" style="--c:{COLOURS[worst]}" title="{_t(f"{worst}: {tip}")}"'
    if worst in FAILING or findings:
        return f'<td class="cell"><a {inner} href="#{_anchor("f", str(i), rule_id)}">{_t(label)}</a></td>'
    return f'<td class="cell"><span {inner}>{_t(label)}</span></td>'


def _matrix(columns: list[Column], rules: dict[str, dict[str, Any]]) -> list[str]:
    out = [
        '<section id="matrix"><h2>Matrix <small>a row per rule, grouped by class; colour = the worst outcome; '
        "passed/run; a failing cell links to its failures</small></h2>",
        '<div class="legend">'
        + "".join(f'<span><i style="background:{COLOURS[o]}"></i>{o}</span>' for o in OUTCOMES)
        + "<span>faded = not counted at the certificate's level</span></div>",
    ]
    if not rules:
        return [*out, '<p class="empty">No case was run.</p></section>']
    out.append('<table class="matrix"><thead><tr><th>rule</th>')
    out += [f"<th>{_t(c.name)}</th>" for c in columns]
    out.append("</tr></thead><tbody>")
    klass = None
    for rule_id, info in rules.items():
        if info["class"] != klass:
            klass = info["class"]
            n = sum(1 for r in rules.values() if r["class"] == klass)
            out.append(
                f'<tr class="cls"><th colspan="{len(columns) + 1}">{_t(klass)} <small>{n} rules</small></th></tr>'
            )
        out.append(
            f'<tr id="{_anchor("rule", rule_id)}"><th class="rule" title="{_t(info["statement"])}">'
            f'<code>{_t(rule_id)}</code><span class="lvl">{_t(info["level"])}</span></th>'
            + "".join(_cell(i, c, rule_id, info["level"]) for i, c in enumerate(columns))
            + "</tr>"
        )
    out.append("</tbody></table></section>")
    return out


def _document(item: dict[str, Any]) -> str:
    if isinstance(item.get("document"), str):
        return str(item["document"])
    if isinstance(item.get("document_base64"), str):
        return "base64: " + str(item["document_base64"])
    if isinstance(item.get("input"), dict):
        return f"required {item['input'].get('required')}, available {item['input'].get('available')}"
    if isinstance(item.get("required"), list):
        return f"required {item.get('required')}, available {item.get('available')}"
    return ""


def _card(item: dict[str, Any], what: str) -> list[str]:
    outcome = item.get("outcome") or ("crash" if item.get("fault") == "crash" else "fail")
    outcome = outcome if outcome in COLOURS else "fail"
    doc = _document(item)
    shown = doc[:DOCUMENT_LIMIT]
    cut = f'<div class="cut">… {len(doc) - DOCUMENT_LIMIT:,} more characters</div>' if len(doc) > DOCUMENT_LIMIT else ""
    return [
        f'<details class="case" open style="--c:{COLOURS[outcome]}"><summary>'
        f'<span class="pill" style="--c:{COLOURS[outcome]}">{_t(outcome)}</span><code>{_t(item.get("id", ""))}</code> '
        f'{_t(what)}<span class="eg">expected <b>{_t(brief(item.get("expected")))}</b>, got '
        f'<b>{_t(brief(item.get("got")))}</b></span></summary><div class="body">',
        *([f"<p>{_t(item['description'])}</p>"] if item.get("description") else []),
        f"<pre>{_t(shown)}</pre>{cut}" if doc else '<p class="empty">no document recorded</p>',
        *([f"<pre>{_t(item['message'])}</pre>"] if item.get("message") and item.get("outcome") != "fail" else []),
        "</div></details>",
    ]


def _failures(i: int, col: Column, rules: dict[str, dict[str, Any]]) -> list[str]:
    lines = col.verdicts or ((col.note,) if col.report is None else ())
    heading = f"{_t(col.name)} <small>{'; '.join(_t(v) for v in lines)}</small>"
    out = [f'<section id="{_anchor("impl", str(i))}"><h2>{heading}</h2>']
    report = col.report
    if report is None:
        return [*out, f'<p class="empty">Not certified: {_t(col.note)}</p></section>']
    bad: dict[str, list[dict[str, Any]]] = {}
    for r in report["results"]:
        if r["outcome"] in FAILING:
            bad.setdefault(r["rule"], []).append(r)
    found: dict[str, list[dict[str, Any]]] = {}
    for f in report["findings"]:
        found.setdefault(str(f["rule"]), []).append(f)
    # Those that count first: required, recommended, then informational rules, each in the matrix's order.
    rank = {"required": 0, "recommended": 1}
    failing = sorted((r for r in rules if r in bad or r in found), key=lambda r: rank.get(rules[r]["level"], 2))
    failing += sorted(r for r in found if r not in rules)
    if not failing:
        return [*out, '<p class="empty">No failure: every case run passed and the fuzzer found nothing.</p></section>']
    for rule_id in failing:
        cases = sorted(bad.get(rule_id, []), key=lambda r: (-SEVERITY[r["outcome"]], len(_document(r)), r["id"]))
        info = rules.get(rule_id, {})
        out.append(
            f'<h3 id="{_anchor("f", str(i), rule_id)}"><code>{_t(rule_id)}</code> <small>{_t(info.get("level", ""))} · '
            f"{len(cases)} failing cases, {len(found.get(rule_id, []))} fuzz findings · "
            f'<a href="#{_anchor("rule", rule_id)}">matrix row</a></small></h3>'
        )
        if info.get("statement"):
            out.append(f'<p class="statement">{_t(info["statement"])}</p>')
        for r in cases[:CARDS_PER_RULE]:
            out += _card(r, "")
        if len(cases) > CARDS_PER_RULE:
            out.append(f'<p class="more">… and {len(cases) - CARDS_PER_RULE} more failing cases in the JSON report</p>')
        for f in found.get(rule_id, [])[:CARDS_PER_RULE]:
            out += _card(f, "fuzz finding, shrunk to a minimal document")
    out.append("</section>")
    return out
