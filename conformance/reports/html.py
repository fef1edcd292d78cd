"""The HTML report: one self-contained page a person would rather look at than read.

Top to bottom: the verdict, the counts, a conformance matrix (one tile per class and rule, coloured by its
worst outcome), the failures with their evidence (document, expected, got, message, stderr), the fuzzer's
findings, every rule, every case, and the manifest. No script, no external resource: it works offline and
a Content-Security-Policy forbids scripts outright, as a second wall behind escaping. Everything that comes
from an implementation or a document is escaped; control characters are shown as highlighted escapes,
huge documents are cut (the JSON report keeps them whole), bytes that are not UTF-8 are shown escaped and
as base64.
"""

from __future__ import annotations

import base64
import json
import re
from html import escape
from typing import Any

from reference import CLASSES

from ..model import OUTCOMES
from .util import (
    COLOURS,
    SEVERITY,
    brief,
    claim_text,
    clean,
    counted,
    extra_message,
    failures,
    impl_line,
    incomplete,
    plural,
    transport_line,
    verdict_line,
    worst,
)
from .util import (
    state as run_state,
)

#: Characters of a document or stderr shown on the page; failures shown in full before a plain list.
DOCUMENT_LIMIT = 4000
STDERR_LIMIT = 2000
MAX_CARDS = 300
OPEN_CARDS = 25

_CONTROL = re.compile("([\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff])")


def text(value: Any) -> str:
    """``value`` escaped for HTML; control characters and lone surrogates as highlighted escapes."""
    s = value if isinstance(value, str) else "" if value is None else str(value)
    parts = _CONTROL.split(s)
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            c = ord(part)
            esc = f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"
            out.append(f'<span class="ctl">{esc}</span>')
        elif part:
            out.append(escape(part, quote=True))
    return "".join(out)


def attr(value: Any) -> str:
    """``value`` for an attribute (always double-quoted): escaped and cleaned."""
    return escape(clean(value).replace("\n", " "), quote=True)


def _anchor(prefix: str, value: str) -> str:
    return prefix + re.sub(r"[^A-Za-z0-9._:$-]", "_", value)


CSS = """
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#f6f8fa;--mono:ui-monospace,SFMono-Regular,Menlo,Consolas,
"DejaVu Sans Mono",monospace}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI","DejaVu Sans",sans-serif;color:var(--fg);background:#fff}
main{max-width:1200px;margin:0 auto;padding:0 24px 48px}
h2{font-size:20px;margin:36px 0 12px;padding-bottom:6px;border-bottom:1px solid var(--line)}
h2 small{font-weight:400;color:var(--muted);font-size:14px}
h3{font-size:16px;margin:26px 0 2px}
h3 code{font-size:15px}
.statement{margin:2px 0 8px;color:var(--muted)}
code,pre{font-family:var(--mono);font-size:13px}
a{color:#0969da}
.verdict{color:#fff;padding:28px 24px 24px}
.verdict.ok{background:linear-gradient(135deg,#1a7f37,#2da44e)}
.verdict.bad{background:linear-gradient(135deg,#a40e26,#cf222e)}
.verdict.incomplete{background:linear-gradient(135deg,#57606a,#8c959f)}
.verdict>div{max-width:1152px;margin:0 auto}
.verdict .big{font-size:34px;font-weight:700;letter-spacing:.2px}
.verdict .sub{font-size:16px;opacity:.95;margin-top:4px}
.verdict .sub b{font-weight:600}
.stats{display:flex;flex-wrap:wrap;gap:10px;margin:22px 0 10px}
.stat{border:1px solid var(--line);border-left:6px solid var(--c);border-radius:6px;padding:6px 14px;min-width:104px}
.stat .n{font-size:24px;font-weight:700;line-height:1.2}
.stat .l{color:var(--muted);font-size:13px}
.stat.zero{opacity:.45}
.bar{display:flex;height:12px;border-radius:6px;overflow:hidden;background:var(--bg);margin:6px 0 4px}
.bar span{display:block;height:100%}
.legend{display:flex;flex-wrap:wrap;gap:14px;color:var(--muted);font-size:13px;margin:4px 0 12px}
.legend i{display:inline-block;width:11px;height:11px;border-radius:3px;margin-right:5px;vertical-align:-1px}
.matrix{display:grid;grid-template-columns:150px 1fr;border:1px solid var(--line);border-radius:8px;overflow:hidden}
.matrix>.cls{background:var(--bg);padding:10px 12px;border-top:1px solid var(--line);font-weight:600}
.matrix>.cls small{display:block;font-weight:400;color:var(--muted);font-size:12px}
.matrix>.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(168px,1fr));gap:5px;padding:10px;
border-top:1px solid var(--line)}
.matrix>.cls:first-child,.matrix>.cls:first-child+.tiles{border-top:0}
.tile{display:flex;flex-direction:column;justify-content:space-between;min-height:48px;padding:4px 7px;
border-radius:5px;color:#fff;text-decoration:none;background:var(--c);font-size:12px;line-height:1.25}
.tile .r{font-family:var(--mono);font-size:11px;overflow-wrap:break-word}
.tile .k{font-weight:700;font-size:12px;opacity:.95}
.tile.light{color:#1f2328}
.tile .pr{display:block;height:3px;background:rgba(0,0,0,.25);border-radius:2px;margin-top:3px}
.tile .pr span{display:block;height:100%;background:rgba(255,255,255,.9);border-radius:2px}
.tile.nc{background:repeating-linear-gradient(135deg,var(--c),var(--c) 6px,color-mix(in srgb,var(--c) 80%,#fff) 6px,
color-mix(in srgb,var(--c) 80%,#fff) 12px)}
.pill{display:inline-block;padding:0 8px;border-radius:10px;color:#fff;background:var(--c);font-size:12px;
font-weight:600;line-height:20px;white-space:nowrap}
.pill.light{color:#1f2328}
.lvl{color:var(--muted);font-size:13px}
details.case{border:1px solid var(--line);border-left:5px solid var(--c);border-radius:6px;margin:10px 0;
background:#fff}
details.case>summary{cursor:pointer;padding:8px 12px;display:flex;flex-wrap:wrap;gap:4px 10px;align-items:baseline;
list-style:none}
details.case>summary::-webkit-details-marker{display:none}
details.case>summary .id{font-family:var(--mono);font-weight:600;overflow-wrap:anywhere}
details.case>summary .eg{color:var(--muted);font-size:13px;flex-basis:100%}
details.case>summary .eg b{color:var(--fg);font-weight:600}
.body{padding:0 12px 12px}
.body p{margin:6px 0}
.cmp{display:grid;grid-template-columns:1fr 1fr;gap:12px}
pre{background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:8px 10px;margin:0;white-space:pre-wrap;
overflow-wrap:anywhere;max-height:420px;overflow:auto}
pre.exp{border-color:#8dd7a0;background:#f0fbf3}
pre.got{border-color:#f5a9b0;background:#fff5f5}
.ctl{background:#ffd8b5;color:#6b2f00;border-radius:2px;padding:0 1px}
.cut{color:var(--muted);font-size:12px;font-style:italic;margin-top:3px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{background:var(--bg);font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td code{overflow-wrap:anywhere}
.scroll{overflow-x:auto}
h4{margin:12px 0 4px;font-size:12px;text-transform:uppercase;letter-spacing:.5px;color:var(--muted)}
.none{color:var(--muted);font-style:italic}
dl.manifest{display:grid;grid-template-columns:190px 1fr;gap:4px 16px;margin:0}
dl.manifest dt{color:var(--muted)}
dl.manifest dd{margin:0;overflow-wrap:anywhere}
.notes{border-left:4px solid #bf8700;background:#fff8c5;padding:8px 12px;border-radius:4px;margin:12px 0}
.empty{color:var(--muted)}
footer{color:var(--muted);font-size:12px;margin-top:40px}
"""


def _pill(outcome: str) -> str:
    light = " light" if outcome == "skip" else ""
    return f'<span class="pill{light}" style="--c:{COLOURS[outcome]}">{outcome}</span>'


def render_html(report: dict[str, Any]) -> str:
    s = report["summary"]
    state = {"conformant": "ok", "incomplete": "incomplete", "failed": "bad"}[run_state(report)]
    headline = {"ok": "✔ Conformant", "bad": "✘ Not conformant", "incomplete": "◌ Not conformant: incomplete run"}
    covers = claim_text(report)
    title = f"vmjob: {impl_line(report)} — {verdict_line(report)}"
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        'img-src data:">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{text(title)}</title>",
        f"<style>{CSS}</style></head><body>",
        f'<header class="verdict {state}" id="verdict"><div>',
        f'<div class="big">{headline[state]}</div>',
        f'<div class="sub" id="claim">for <b>{text(covers or "an unstated claim")}</b></div>',
        *(f'<div class="sub incomplete-why">incomplete: {text(why)}</div>' for why in incomplete(report)),
        f'<div class="sub">at level <b>{text(report["level"])}</b> · <b>{text(impl_line(report))}</b> over '
        f"{text(transport_line(report))} · {plural(s['total'], 'case')}, {plural(len(report['findings']), 'finding')}"
        f"{' · ' + str(s.get('blocking', 0)) + ' blocking' if s.get('blocking') else ''}</div>",
        "</div></header><main>",
    ]
    if report.get("notes"):
        parts.append('<div class="notes">' + "<br>".join(text(n) for n in report["notes"]) + "</div>")
    parts += _stats(report)
    parts += _matrix(report)
    parts += _failures(report)
    parts += _findings(report)
    parts += _rules(report)
    parts += _all_cases(report)
    parts += _manifest(report)
    parts.append(
        f"<footer>vmjob report format {text(report.get('report_version'))} · suite "
        f"{text(report.get('suite_version'))} · rebuild with <code>vmjob report RESULTS.jsonl --html F</code></footer>"
    )
    parts.append("</main></body></html>\n")
    return "\n".join(parts)


def _stats(report: dict[str, Any]) -> list[str]:
    s = report["summary"]
    out = ['<section class="stats" id="counts">']
    for o in OUTCOMES:
        n = s["outcomes"][o]
        out.append(
            f'<div class="stat{"" if n else " zero"}" style="--c:{COLOURS[o]}"><div class="n">{n}</div>'
            f'<div class="l">{o}</div></div>'
        )
    out.append(
        f'<div class="stat{"" if report["findings"] else " zero"}" style="--c:{COLOURS["fail"]}">'
        f'<div class="n">{len(report["findings"])}</div><div class="l">fuzz findings</div></div>'
    )
    out.append("</section>")
    total = s["total"] or 1
    bar = "".join(
        f'<span style="width:{100 * s["outcomes"][o] / total:.3f}%;background:{COLOURS[o]}" '
        f'title="{s["outcomes"][o]} {o}"></span>'
        for o in OUTCOMES
        if s["outcomes"][o]
    )
    out.append(f'<div class="bar" aria-hidden="true">{bar}</div>')
    return out


def _matrix(report: dict[str, Any]) -> list[str]:
    cells: dict[str, dict[str, dict[str, int]]] = {}
    for item in report["results"]:
        counts = cells.setdefault(item["class"], {}).setdefault(item["rule"], dict.fromkeys((*OUTCOMES, "finding"), 0))
        counts[item["outcome"]] += 1
    for item in report["findings"]:
        counts = cells.setdefault(item["class"], {}).setdefault(item["rule"], dict.fromkeys((*OUTCOMES, "finding"), 0))
        counts["finding"] += 1
    order = {c: i for i, c in enumerate(CLASSES)}
    out = [
        '<section id="matrix"><h2>Conformance matrix <small>one tile per rule, by class; colour = worst outcome; '
        "striped = not counted at this level</small></h2>",
        '<div class="legend">'
        + "".join(f'<span><i style="background:{COLOURS[o]}"></i>{o}</span>' for o in OUTCOMES)
        + "</div>",
    ]
    if not cells:
        return [*out, '<p class="empty">No case was run.</p></section>']
    levels = {rid: e["level"] for rid, e in (report.get("rules") or {}).items() if isinstance(e, dict) and "level" in e}
    failing = {r["rule"] for r in failures(report)[:MAX_CARDS]}
    out.append('<div class="matrix">')
    for klass in sorted(cells, key=lambda c: (order.get(c, len(order)), c)):
        rules = cells[klass]
        n_cases = sum(sum(v for k, v in c.items() if k != "finding") for c in rules.values())
        out.append(
            f'<div class="cls">{text(klass)}<small>{len(rules)} rules · {n_cases} cases</small></div>'
            '<div class="tiles">'
        )
        for rule_id in sorted(rules):
            counts = rules[rule_id]
            findings = counts.pop("finding")
            w = "fail" if findings else worst(counts)
            run = sum(n for o, n in counts.items() if o != "skip")
            label = f"{counts['pass']}/{run}" if run else f"skip {counts['skip']}"
            if findings:
                label += f" · {findings} found"
            short = rule_id[len(klass) + 1 :] if rule_id.startswith(klass + ".") else rule_id
            level = levels.get(rule_id, "required")
            nc = "" if counted(report, {"level": level}) else " nc"
            light = " light" if w == "skip" else ""
            tip = f"{rule_id} ({level}): " + ", ".join(f"{n} {o}" for o, n in counts.items() if n)
            name = _breakable(short)
            target = "fail-" if rule_id in failing else "rule-"
            ratio = 100 * counts["pass"] / run if run else 0
            out.append(
                f'<a class="tile{light}{nc}" style="--c:{COLOURS[w]}" href="#{attr(_anchor(target, rule_id))}" '
                f'title="{attr(tip)}"><span class="r">{name}</span><span class="k">{text(label)}</span>'
                f'<span class="pr"><span style="width:{ratio:.0f}%"></span></span></a>'
            )
        out.append("</div>")
    out.append("</div></section>")
    return out


def _document_block(item: dict[str, Any]) -> list[str]:
    if isinstance(item.get("document"), str):
        heading = "job sent" if item.get("class") == "behaviour" else "document"
        return [_pre(item["document"], DOCUMENT_LIMIT, heading, "doc")]
    if isinstance(item.get("document_base64"), str):
        try:
            raw = base64.b64decode(item["document_base64"])
        except ValueError:
            raw = b""
        return [
            "<h4>document, bytes not UTF-8 (invalid bytes escaped)</h4>",
            _pre(raw.decode("utf-8", "backslashreplace"), DOCUMENT_LIMIT, None, "doc"),
            "<h4>document, base64</h4>",
            _pre(item["document_base64"], DOCUMENT_LIMIT, None, "doc"),
        ]
    if isinstance(item.get("input"), dict):
        return [_pre(json.dumps(item["input"], ensure_ascii=False, indent=2), DOCUMENT_LIMIT, "input", "doc")]
    return []


def _behaviour_block(item: dict[str, Any]) -> list[str]:
    """A worker scenario's evidence (vmjob worker certify): what the worker did, what the rule expects."""
    extra = item.get("extra")
    seen = extra.get("behaviour") if isinstance(extra, dict) else None
    if not isinstance(seen, dict):
        return []
    lines = []
    for entry in seen.get("exchange") or []:
        if not isinstance(entry, dict):
            continue
        if "request" in entry and "status" in entry:
            sent = f"\n  sent: {entry['sent']}" if entry.get("sent") else ""
            lines.append(f"{entry['request']} -> HTTP {entry['status']}{sent}\n  got: {entry.get('body', '')}")
        elif "request" in entry:
            lines.append(f"-> {entry['request']}\n<- {entry.get('reply', '')}")
        else:
            lines.append(", ".join(f"{k}: {_pretty(v)}" for k, v in entry.items()))
    out = [
        _pre(
            "\n".join(lines) or "(nothing seen)",
            DOCUMENT_LIMIT,
            f"what the worker did ({text(seen.get('binding', ''))})",
            "doc",
        )
    ]
    if seen.get("rule"):
        out.append(f"<h4>what the rule expects</h4><p>{_code_spans(text(seen['rule']))}</p>")
    return out


def _pre(value: str, limit: int, heading: str | None, cls: str = "") -> str:
    shown, cut = (value, 0) if len(value) <= limit else (value[:limit], len(value) - limit)
    head = f"<h4>{heading}</h4>" if heading else ""
    note = (
        f'<div class="cut">… {cut:,} more characters ({len(value):,} in all): the JSON report has all of it</div>'
        if cut
        else ""
    )
    return f'{head}<pre class="{cls}">{text(shown)}</pre>{note}'


def _pretty(value: Any) -> str:
    """JSON on one line when it is short, indented when it is not."""
    try:
        flat = json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)
        return flat if len(flat) <= 70 else json.dumps(value, ensure_ascii=False, indent=2, default=str)
    except (TypeError, ValueError):
        return repr(value)


def _got(item: dict[str, Any]) -> str:
    if item.get("got") is None:
        return f'<span class="none">nothing: no verdict ({text(item.get("outcome", "fail"))})</span>'
    return text(_pretty(item["got"]))


def _card(report: dict[str, Any], item: dict[str, Any], anchor: str, is_open: bool, meta: str = "") -> list[str]:
    outcome = item.get("outcome", "fail")
    level_note = "" if counted(report, item) else f" · not counted at level {report['level']}"
    out = [
        f'<details class="case" id="{attr(anchor)}" style="--c:{COLOURS[outcome]}"{" open" if is_open else ""}>',
        f'<summary>{_pill(outcome)}<span class="id">{text(item["id"])}</span>'
        f'<code>{text(item["rule"])}</code><span class="lvl">{text(item["level"])}{text(level_note)} · '
        f"{text(item.get('kind', ''))} · {text(item['class'])}</span>"
        f'<span class="eg">expected <b>{text(brief(item.get("expected")))}</b>, got '
        f"<b>{text(brief(item.get('got')))}</b></span></summary>",
        '<div class="body">',
    ]
    if item.get("description"):
        out.append(f"<p>{_code_spans(text(item['description']))}</p>")
    if meta:
        out.append(f'<p class="lvl">{meta}</p>')
    if isinstance(item.get("required"), list) and isinstance(item.get("available"), list):  # a match finding
        out.append(
            f"<p>required <code>{text(json.dumps(item['required']))}</code>, "
            f"available <code>{text(json.dumps(item['available']))}</code></p>"
        )
    out.append(
        '<div class="cmp"><div><h4>expected</h4>'
        f'<pre class="exp">{text(_pretty(item.get("expected")))}</pre></div><div><h4>got</h4>'
        f'<pre class="got">{_got(item)}</pre></div></div>'
    )
    if extra_message(item):
        out.append(_pre(item["message"], STDERR_LIMIT, "message"))
    out += _document_block(item)
    out += _behaviour_block(item)
    if item.get("stderr"):
        out.append(_pre(item["stderr"], STDERR_LIMIT, "stderr of the implementation"))
    out.append("</div></details>")
    return out


def _failures(report: dict[str, Any]) -> list[str]:
    """Failures grouped by rule, the groups that count at the level first, worst outcome first."""
    bad = failures(report)
    out = [
        f'<section id="failures"><h2>Failures <small>{len(bad)} cases in {len({r["rule"] for r in bad})} rules, '
        "those that count first</small></h2>"
    ]
    if not bad:
        return [*out, '<p class="empty">None: every case run passed.</p></section>']
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in bad:
        groups.setdefault(r["rule"], []).append(r)
    rules = report.get("rules") or {}
    shown = 0
    for rule_id, items in groups.items():
        if shown >= MAX_CARDS:
            break
        entry = rules.get(rule_id) or {}
        level = items[0]["level"]
        note = "" if counted(report, items[0]) else f", not counted at level {report['level']}"
        out.append(
            f'<h3 id="{attr(_anchor("fail-", rule_id))}"><code>{_breakable(rule_id)}</code> '
            f'<span class="lvl">{text(level)}{text(note)} · {len(items)} of '
            f"{sum((entry.get('counts') or {}).values()) or len(items)} cases</span></h3>"
        )
        if entry.get("statement"):
            out.append(f'<p class="statement">{_code_spans(text(entry["statement"]))}</p>')
        for r in items[: MAX_CARDS - shown]:
            out += _card(report, r, f"case-{shown}", shown < OPEN_CARDS)
            shown += 1
    if len(bad) > shown:
        out.append(f"<p>… and {len(bad) - shown} more failures, listed under <a href='#cases'>All cases</a>.</p>")
    out.append("</section>")
    return out


def _findings(report: dict[str, Any]) -> list[str]:
    out = [
        f'<section id="findings"><h2>Findings of the fuzzer <small>{len(report["findings"])} minimal '
        "documents on which the implementation and the reference disagree</small></h2>"
    ]
    if not report["findings"]:
        fuzz = report.get("fuzz")
        return [*out, f'<p class="empty">{"None." if fuzz else "The fuzzer was not run."}</p></section>']
    for i, f in enumerate(report["findings"][:MAX_CARDS]):
        meta = ", ".join(
            f"{k.replace('_', ' ')} {text(f[k])}" for k in ("size", "original_size", "examples", "seed") if k in f
        )
        out += _card(report, f, f"finding-{i}", i < OPEN_CARDS, meta)
    out.append("</section>")
    return out


def _rules(report: dict[str, Any]) -> list[str]:
    table = report.get("rules") or {}
    out = [
        f'<section id="rules"><h2>Rules <small>{len(table)} rules exercised</small></h2>',
        '<div class="scroll"><table class="rules"><thead><tr>'
        "<th>rule</th><th>worst</th><th>level</th><th>classes</th><th>statement</th>"
        + "".join(f'<th class="num">{o}</th>' for o in OUTCOMES)
        + '<th class="num">findings</th></tr></thead><tbody>',
    ]
    for rule_id, e in table.items():
        counts = e["counts"]
        out.append(
            f'<tr id="{attr(_anchor("rule-", rule_id))}"><td><code class="rid">{_breakable(rule_id)}</code></td>'
            f"<td>{_pill(e['worst'])}</td><td>{text(e['level'])}</td>"
            f"<td>{text(', '.join(e.get('classes') or [e['class']]))}</td>"
            f"<td>{_code_spans(text(e.get('statement', '')))}</td>"
            + "".join(f'<td class="num">{counts.get(o, 0) or ""}</td>' for o in OUTCOMES)
            + f'<td class="num">{e.get("findings") or ""}</td></tr>'
        )
    out.append("</tbody></table></div></section>")
    return out


def _breakable(rule_id: str) -> str:
    """A rule id, escaped, that breaks between its dot-separated segments rather than inside a word."""
    return text(rule_id).replace(".", ".<wbr>")


def _code_spans(escaped: str) -> str:
    """Backticked words of a rule statement (already escaped) as ``<code>``."""
    return re.sub(r"`([^`<>]+)`", r"<code>\1</code>", escaped)


def _all_cases(report: dict[str, Any]) -> list[str]:
    results = report["results"]
    out = [
        f'<section id="cases"><h2>All cases <small>{len(results)}</small></h2>',
        f"<details><summary>Show all {len(results)} cases</summary>",
        '<div class="scroll"><table><thead><tr>'
        "<th>outcome</th><th>case</th><th>kind</th><th>class</th><th>rule</th><th>level</th>"
        '<th class="num">ms</th></tr></thead><tbody>',
    ]
    for r in sorted(results, key=lambda r: -SEVERITY[r["outcome"]]):
        out.append(
            f"<tr><td>{_pill(r['outcome'])}</td><td><code>{text(r['id'])}</code></td><td>{text(r['kind'])}</td>"
            f"<td>{text(r['class'])}</td><td><code>{text(r['rule'])}</code></td><td>{text(r['level'])}</td>"
            f'<td class="num">{r.get("duration_ms", 0):.1f}</td></tr>'
        )
    out.append("</tbody></table></div></details></section>")
    return out


def _manifest(report: dict[str, Any]) -> list[str]:
    impl = report.get("implementation") or {}
    claimed = report.get("claimed") or {}
    filters = report.get("filters") or {}
    rows = [
        ("implementation", impl_line(report)),
        ("homepage", impl.get("homepage") or "—"),
        ("claimed kinds", ", ".join(map(str, claimed.get("kinds") or [])) or "—"),
        ("claimed classes", ", ".join(map(str, claimed.get("classes") or [])) or "—"),
        ("transport", transport_line(report)),
        ("level", report["level"] + (f" (run at {report['run_level']})" if report.get("run_level") else "")),
        ("verdict", verdict_line(report)),
        ("suite version", report.get("suite_version")),
        ("corpus digest", report.get("corpus_digest")),
        ("seed", report.get("seed")),
        ("started", report.get("started_at")),
        ("finished", report.get("finished_at") or "— (the run did not finish)"),
        ("interrupted", "yes" if report.get("interrupted") else "no"),
        ("filters", "; ".join(f"{k}: {', '.join(map(str, v))}" for k, v in filters.items() if v) or "none"),
        ("fuzz", json.dumps(report.get("fuzz")) if report.get("fuzz") is not None else "not run"),
    ]
    out = [
        '<section id="manifest"><h2>Manifest <small>what was certified, against what</small></h2>',
        '<dl class="manifest">',
    ]
    out += [f"<dt>{text(k)}</dt><dd>{text(v)}</dd>" for k, v in rows]
    out.append("</dl>")
    if report.get("stderr"):
        out.append(_pre(report["stderr"], STDERR_LIMIT * 4, "stderr of the implementation outside any request"))
    out.append("</section>")
    return out


__all__ = ["render_html"]
