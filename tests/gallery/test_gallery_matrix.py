"""The N-way HTML matrix: a row per rule grouped by class, a column per implementation, each failing cell a
link to its failures with the smallest document; self-contained, and nothing from a report becomes markup."""

from __future__ import annotations

import copy
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conformance.gallery import Column, column, render_matrix
from conformance.reports.util import COLOURS

from ._page import Page

HOSTILE = "</td></tr><script>alert(1)</script><img src=x onerror=alert(2)>\x1b[31m\u202e"
#: Every element the page is made of; anything else in a rendered page was injected.
ALLOWED = {
    "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "p", "main", "section", "table",
    "thead", "tbody", "tr", "th", "td", "a", "span", "small", "code", "br", "i", "div", "details", "summary", "b",
    "pre", "footer",
}  # fmt: skip


@pytest.fixture(scope="module")
def reports(gallery_run: tuple[subprocess.CompletedProcess[str], Path]) -> dict[str, dict[str, Any]]:
    _, out = gallery_run
    return {
        name: json.loads((out / name / "report-recommended.json").read_text())
        for name in ("zoo-built", "zoo-job-as-array", "zoo-reference")
    }


@pytest.mark.slow
def test_the_matrix_has_a_row_per_rule_and_a_cell_per_implementation(reports: dict[str, dict[str, Any]]) -> None:
    page = render_matrix([column(r, name) for name, r in reports.items()], "t")
    parsed = Page(page)
    rules = set().union(*(r["rules"] for r in reports.values()))
    rows = [a for t, a in parsed.tags if t == "tr" and (a.get("id") or "").startswith("rule-")]
    assert len(rows) == len(rules)
    cells = [a for t, a in parsed.tags if t == "td" and a.get("class") == "cell"]
    assert len(cells) == len(rules) * 3
    classes = [a for t, a in parsed.tags if t == "tr" and a.get("class") == "cls"]
    assert len(classes) == len({e["class"] for r in reports.values() for e in r["rules"].values()})
    # The failing cells, and only they, link to their failures, which exist on the page.
    links = [str(a["href"]) for t, a in parsed.tags if t == "a" and (a.get("href") or "").startswith("#f-")]
    assert sorted(links) == ["#f-0-core.execution.priority", "#f-1-parse.top-level-object"]
    assert {h[1:] for h in links} <= parsed.ids()
    counts = reports["zoo-built"]["rules"]["core.execution.priority"]["counts"]
    assert counts["fail"] == 1
    assert f'style="--c:{COLOURS["fail"]}" title="fail: {counts["pass"]} pass, 1 fail' in page


@pytest.mark.slow
def test_a_failing_cell_leads_to_the_smallest_document_first(reports: dict[str, dict[str, Any]]) -> None:
    page = render_matrix([column(r, name) for name, r in reports.items()], "t")
    section = page[page.index('id="f-1-parse.top-level-object"') :]
    section = section[: section.index("</section>")]
    failing = [r for r in reports["zoo-job-as-array"]["results"] if r["outcome"] == "fail"]
    smallest = min(failing, key=lambda r: len(r["document"]))
    first_pre = re.search(r"<pre>(.*?)</pre>", section, re.S)
    assert first_pre is not None and first_pre.group(1) == smallest["document"].replace('"', "&quot;")
    found = [f for f in reports["zoo-job-as-array"]["findings"] if f["rule"] == "parse.top-level-object"]
    assert section.count("fuzz finding, shrunk to a minimal document") == min(len(found), 3)


@pytest.mark.slow
def test_nothing_from_a_report_becomes_markup(reports: dict[str, dict[str, Any]]) -> None:
    bad = copy.deepcopy(reports["zoo-job-as-array"])
    bad["implementation"]["name"] = HOSTILE
    for r in bad["results"]:
        if r["outcome"] == "fail":
            r["document"] = HOSTILE
            r["description"] = HOSTILE
    bad["rules"][HOSTILE] = {**bad["rules"]["parse.top-level-object"], "statement": HOSTILE}
    page = render_matrix([column(bad), Column(HOSTILE, None, (), HOSTILE)], HOSTILE, HOSTILE)
    assert not re.search(r"<script|@import|url\(|<link|<iframe|<img", page, re.I)
    assert not re.search(r'href="(?!#)', page)
    assert "\x1b" not in page and "\u202e" not in page and "\\x1b[31m\\u202e" in page
    assert "Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'" in page
    parsed = Page(page)
    assert {t for t, _ in parsed.tags} <= ALLOWED
    attributes = {k for _, a in parsed.tags for k in a}
    assert attributes <= {"lang", "charset", "http-equiv", "content", "name", "class", "id", "style", "title", "href",
                          "colspan", "open"}  # fmt: skip
    assert "</td></tr><script>alert(1)</script>" in "".join(parsed.text)


@pytest.mark.slow
def test_an_implementation_not_certified_is_a_column_saying_why(reports: dict[str, dict[str, Any]]) -> None:
    page = render_matrix([column(reports["zoo-reference"]), Column("rust", None, (), "skipped: cargo not found")])
    parsed = Page(page)
    text = "".join(parsed.text)
    assert "Not certified: skipped: cargo not found" in text
    cells = [a for t, a in parsed.tags if t == "td" and a.get("class") == "cell"]
    assert len(cells) == 2 * len(reports["zoo-reference"]["rules"])
    assert "No failure: every case run passed and the fuzzer found nothing." in text


@pytest.mark.slow
def test_the_gallery_writes_the_matrix_of_its_implementations(
    gallery_run: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    _, out = gallery_run
    page = (out / "gallery.html").read_text()
    parsed = Page(page)
    heads = [a for t, a in parsed.tags if t == "section" and (a.get("id") or "").startswith("impl-")]
    assert len(heads) == 3
    assert "zoo-job-as-array (Python)" in "".join(parsed.text)
    assert "required: 2422 cases" not in page or "NOT CONFORMANT at level required" in page
