"""JUnit XML: one testcase per corpus case (named by its id) and per fuzz finding, for CI test dashboards.

The XML agrees with the verdict: a fail or a fault on a rule counted at the report's level is a
``failure`` (fail) or an ``error`` (crash, timeout, errored, not-run); the same on a rule that does not
count at that level (a recommended rule at level required, an informational rule) is ``skipped`` with a
message saying what happened, so a dashboard is red exactly when the implementation is not conformant.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from .util import brief, clean, counted, one_line, verdict_line

#: Characters of a document shown in a finding's testcase.
DOCUMENT_LIMIT = 4000


def classname(item: dict[str, Any]) -> str:
    """The JUnit class of a case or finding: its rule, under its class when the rule's id does not already
    start with it (``core.execution.priority``, ``core.parse.encoding``; not ``core.core.execution.priority``)."""
    klass, rule = str(item.get("class", "")), str(item.get("rule", ""))
    return rule if not klass or rule == klass or rule.startswith(klass + ".") else f"{klass}.{rule}"


def render_junit(report: dict[str, Any]) -> str:
    tally = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    suite = ET.Element("testsuite")
    props = ET.SubElement(suite, "properties")
    impl = report.get("implementation") or {}
    for name, value in (
        ("verdict", verdict_line(report)),
        ("conformant", str(report["conformant"]).lower()),
        ("level", report["level"]),
        ("implementation", f"{impl.get('name', '')} {impl.get('version', '')}".strip()),
        ("suite_version", report.get("suite_version")),
        ("corpus_digest", report.get("corpus_digest")),
        ("seed", report.get("seed")),
        ("interrupted", str(report.get("interrupted", False)).lower()),
    ):
        ET.SubElement(props, "property", name=name, value=clean(value))
    total_ms = 0.0
    for r in report["results"]:
        total_ms += r.get("duration_ms") or 0.0
        _testcase(suite, report, r, classname(r), r["id"], tally)
    for f in report["findings"]:
        _testcase(suite, report, f, f"fuzz.{classname(f)}", f"finding {f['id']}", tally)
    if report.get("stderr"):
        ET.SubElement(suite, "system-err").text = clean(report["stderr"])
    suite.attrib.update(
        name=clean(f"vmjob conformance ({report['level']})"),
        timestamp=clean(report.get("started_at") or ""),
        time=f"{total_ms / 1000:.3f}",
        **{k: str(v) for k, v in tally.items()},
    )
    root = ET.Element(
        "testsuites", {"name": "vmjob", "time": suite.attrib["time"], **{k: str(v) for k, v in tally.items()}}
    )
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _testcase(
    suite: ET.Element, report: dict[str, Any], item: dict[str, Any], classname: str, name: str, tally: dict[str, int]
) -> None:
    tally["tests"] += 1
    outcome = item.get("outcome", "fail")  # a finding is a divergence: a fail
    tc = ET.SubElement(suite, "testcase", name=clean(name), classname=clean(classname))
    tc.set("time", f"{(item.get('duration_ms') or 0.0) / 1000:.3f}")
    if outcome == "pass":
        return
    expected, got = brief(item.get("expected"), 400), brief(item.get("got"), 400)
    details = [f"rule {item['rule']} ({item['level']}), kind {item.get('kind', '')}", f"expected: {expected}"]
    details.append(f"got: {got}")
    if item.get("message"):
        details.append(f"message: {item['message']}")
    if "document" in item or "document_base64" in item:
        doc = item.get("document", item.get("document_base64", ""))
        label = "document" if "document" in item else "document (base64)"
        shown = doc[:DOCUMENT_LIMIT] + (
            f"... ({len(doc) - DOCUMENT_LIMIT} more characters)" if len(doc) > DOCUMENT_LIMIT else ""
        )
        details.append(f"{label}:\n{shown}")
    body = clean("\n".join(str(d) for d in details))
    if outcome == "skip":
        tally["skipped"] += 1
        ET.SubElement(tc, "skipped", message=clean(item.get("message") or "outside the implementation's claim"))
    elif not counted(report, item):
        tally["skipped"] += 1
        message = f"{outcome} on a {item['level']} rule, not counted at level {report['level']}: expected {expected}"
        ET.SubElement(tc, "skipped", message=clean(f"{message}, got {got}")).text = body
    elif outcome == "fail":
        tally["failures"] += 1
        el = ET.SubElement(tc, "failure", message=clean(f"expected {expected}, got {got}"), type="fail")
        el.text = body
    else:
        tally["errors"] += 1
        summary = item.get("message") or f"{outcome}: expected {expected}"
        ET.SubElement(tc, "error", message=one_line(summary, 400), type=outcome).text = body
    if item.get("stderr"):
        ET.SubElement(tc, "system-err").text = clean(item["stderr"])
