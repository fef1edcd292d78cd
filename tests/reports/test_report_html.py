"""The HTML report: self-contained, every hostile string escaped, huge documents cut, failures first."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from report_streams import CASES, HOSTILE, always_valid, make_records

from conformance.reports import build_report, render_html

#: Every element the page is made of; anything else in a rendered page was injected.
ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "main", "section", "footer", "div", "span", "h2", "h3",
    "h4", "small", "p", "a", "b", "i", "br", "wbr", "code", "pre", "details", "summary", "table", "thead", "tbody",
    "tr", "th", "td", "dl", "dt", "dd",
}  # fmt: skip


class Tags(HTMLParser):
    """The start tags of a page with their attributes, and its text."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def with_class(self, tag: str, cls: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag and cls in (a.get("class") or "").split()]


@pytest.fixture(scope="module")
def bad() -> dict[str, Any]:
    records = make_records(always_valid, faults=True, hostile=True, findings=True, name="impl" + HOSTILE)
    records[0]["transport"] = {"kind": "cmd", "target": "./impl " + HOSTILE}
    records[0]["implementation"]["homepage"] = "javascript:alert(1)"
    return build_report(records, cases=CASES)


@pytest.fixture(scope="module")
def page(bad: dict[str, Any]) -> str:
    return render_html(bad)


def test_the_page_is_self_contained_and_runs_no_script(page: str) -> None:
    assert not re.search(r"<script|\bsrc=|@import|url\((?!#)|<link|<iframe|<object|<embed|\bon\w+=", page, re.I)
    assert not re.search(r'href="(?!#)', page)
    assert "javascript:alert(1)" in page  # the homepage is shown as text, never as a link
    assert "Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'" in page


def test_hostile_content_is_escaped_and_injects_no_element(page: str) -> None:
    parsed = Tags(page)
    assert {t for t, _ in parsed.tags} <= ALLOWED_TAGS
    # The hostile id, message, stderr, document and reply show as text, never as markup.
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#x27;&amp;&lt;b&gt;bold&lt;/b&gt;" in page
    assert "<b>bold</b>" not in page
    text = "".join(parsed.text)
    assert "</script><script>alert(1)</script>\"'&<b>bold</b>\\x00\\x07\\x1b[31m\\ud800\\ufffe" in text
    # Control characters and lone surrogates are shown as highlighted escapes, never raw.
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]", page)
    assert '<span class="ctl">\\x00</span>' in page
    page.encode("utf-8")


def test_a_huge_document_is_cut_with_a_note(page: str) -> None:
    assert len(page) < 200_000
    assert re.search(r"… 996,\d{3} more characters \(1,000,\d{3} in all\): the JSON report has all of it", page)


def test_bytes_that_are_not_utf8_show_escaped_and_as_base64(page: str) -> None:
    assert "document, bytes not UTF-8 (invalid bytes escaped)" in page
    assert "{&quot;a&quot;: &quot;\\xff&quot;}" in page
    assert "eyJhIjogIv8ifQ==" in page


def test_the_matrix_has_one_tile_per_class_and_rule_coloured_by_worst_outcome(page: str, bad: dict[str, Any]) -> None:
    tiles = Tags(page).with_class("a", "tile")
    pairs = {(r["class"], r["rule"]) for r in [*bad["results"], *bad["findings"]]}
    assert len(tiles) == len(pairs)
    by_rule = {(a["href"] or "").split("-", 1)[1]: a for a in tiles}
    assert "--c:#8250df" in (by_rule["core.kind"]["style"] or "")  # crash
    assert "--c:#cf222e" in (by_rule["core.version"]["style"] or "")  # fail
    assert "--c:#afb8c1" in (by_rule["worker.hostname"]["style"] or "")  # skip
    assert "nc" in (by_rule["core.operation.charset"]["class"] or "").split()  # not counted: striped
    # A tile links to its rule's failures when it has some, else to its row in the rule table.
    assert by_rule["core.version"]["href"] == "#fail-core.version"
    assert by_rule["worker.hostname"]["href"] == "#rule-worker.hostname"
    ids = {a.get("id") for _, a in Tags(page).tags}
    assert {(a["href"] or "").lstrip("#") for a in tiles} <= ids


def test_failures_come_first_each_with_expected_got_and_document(page: str, bad: dict[str, Any]) -> None:
    cards = Tags(page).with_class("details", "case")
    assert len(cards) == 11 + len(bad["findings"])
    assert page.index('id="failures"') < page.index('id="findings"') < page.index('id="rules"')
    assert page.index('id="matrix"') < page.index('id="failures"')
    first = page[page.index('id="case-0"') : page.index('id="case-1"')]
    assert "core.version.two" in first and 'class="pill"' in first
    assert "expected <b>invalid at /version</b>, got <b>valid</b>" in first
    assert "&quot;version&quot;: &quot;2.0&quot;" in first
    crash = page[page.index("core.kind.crash") :]
    assert "nothing: no verdict (crash)" in crash[:3000] and "Segmentation fault" in crash[:3000]


def test_the_manifest_says_what_was_certified_against_what(page: str, bad: dict[str, Any]) -> None:
    manifest = page[page.index('id="manifest"') :]
    for value in ("impl&lt;/script&gt;", bad["corpus_digest"], "1234", "2026-11-27T09:00:00Z", "warming up"):
        assert value in manifest


def test_a_conformant_report_says_so_at_the_top() -> None:
    page = render_html(build_report(make_records(), cases=CASES))
    assert '<header class="verdict ok" id="verdict"><div>\n<div class="big">✔ Conformant</div>' in page
    assert "None: every case run passed." in page
    interrupted = render_html(build_report(make_records(finished=False), cases=CASES))
    assert "Not conformant: incomplete run" in interrupted
