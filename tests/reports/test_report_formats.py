"""Text, JUnit XML, Markdown and badge: each says the verdict, lists the failures, survives hostile content."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from report_streams import CASES, DIGEST, HOSTILE, always_valid, make_records

from conformance.reports import (
    ReportError,
    badge_endpoint,
    build_report,
    render_badge_svg,
    render_junit,
    render_markdown,
    render_text,
    write_reports,
)

# Characters XML 1.0 forbids (besides the lone surrogates that UTF-8 cannot even encode).
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

#: What the in-process reference of these streams claims (a transport without match and round trip).
#: The streams of report_streams.py are made of cases of their own (corpus digest DIGEST): the claim says so.
CLAIM = (
    "for all 4 document kinds, classes core + payload + result + progress + worker (5 of 7), "
    f"on corpus {DIGEST[:19]}… (not the installed corpus) (partial claim)"
)
BLOCKED = "(11 blocking, incomplete: 4 corpus cases not answered (1 timeout, 1 crash, 1 errored, 1 not-run))"


def report_of(**options: Any) -> dict[str, Any]:
    return build_report(make_records(**options), options.pop("level", "required"), cases=CASES)


@pytest.fixture(scope="module")
def bad() -> dict[str, Any]:
    return report_of(fn=always_valid, faults=True, hostile=True, findings=True)


@pytest.fixture(scope="module")
def good() -> dict[str, Any]:
    return report_of()


# --- text --------------------------------------------------------------------------------------------


def test_text_ends_with_the_verdict(good: dict[str, Any], bad: dict[str, Any]) -> None:
    assert render_text(good).splitlines()[-1] == f"CONFORMANT at level required {CLAIM}"
    assert render_text(bad).splitlines()[-1] == f"NOT CONFORMANT at level required {CLAIM} {BLOCKED}"


def test_text_lists_counts_and_one_block_per_blocking_rule_with_expected_and_got(bad: dict[str, Any]) -> None:
    text = render_text(bad)
    assert (
        "corpus: 13 cases = 1 pass + 7 fail + 1 skip + 4 fault (1 timeout, 1 crash, 1 errored, 1 not-run) "
        "+ 0 declined\n"
    ) in text
    assert "11 blocking on 6 rules: 10 corpus cases + 1 fuzz finding\n" in text
    assert (
        "✗ core.version (required): 2 corpus cases failed\n"
        "    core.version.two: expected invalid at /version, got valid\n"
    ) in text
    assert text.count("expected invalid at /version, got valid") == 1  # once, not twice
    assert (
        "✗ core.execution.priority (required): 1 corpus case failed, 1 fuzz finding\n"
        "    core.execution.priority.eleven: expected invalid at /execution/priority, got valid\n"
        "    minimal document (fuzz-0001): "
    ) in text


def test_text_never_carries_terminal_control_characters(bad: dict[str, Any]) -> None:
    text = render_text(bad)
    assert "\x1b" not in text and "\x00" not in text
    assert "\\x1b[31m" in text


def test_text_marks_failures_that_do_not_count() -> None:
    text = render_text(report_of(fn=always_valid))
    assert "not counted at level required: 1 wrong verdict on core.operation.charset (recommended)\n" in text


# --- JUnit -------------------------------------------------------------------------------------------


def junit(report: dict[str, Any]) -> ET.Element:
    xml = render_junit(report)
    assert not XML_FORBIDDEN.search(xml)
    return ET.fromstring(xml.encode("utf-8"))


def test_junit_has_one_testcase_per_case_and_per_finding_named_by_id(bad: dict[str, Any]) -> None:
    root = junit(bad)
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == len(bad["results"]) + len(bad["findings"])
    names = [c.get("name") for c in cases]
    assert names[: len(CASES)] == [c.id for c in CASES]
    assert names[-1] == "finding fuzz-0001"
    by_name = {c.get("name"): c for c in cases}
    assert by_name["core.version.two"].get("classname") == "core.version"  # not core.core.version
    assert by_name["finding fuzz-0001"].get("classname") == "fuzz.core.execution.priority"
    assert by_name["parse.encoding.ff"].get("classname") == "core.parse.encoding"  # a rule of every kind


def test_junit_elements_follow_the_outcomes(bad: dict[str, Any]) -> None:
    by_name = {c.get("name"): c for c in junit(bad).iter("testcase")}
    failure = by_name["core.version.two"].find("failure")
    assert failure is not None and failure.get("message") == "expected invalid at /version, got valid"
    assert "document:\n{" in (failure.text or "")
    for outcome in ("timeout", "crash", "errored", "not-run"):
        error = by_name[f"core.kind.{outcome}"].find("error")
        assert error is not None and error.get("type") == outcome
    assert by_name["core.kind.crash"].findtext("system-err") == "Segmentation fault"
    assert by_name["worker.skip"].find("skipped") is not None
    # A failure on a rule not counted at the level is reported, as skipped, so the XML agrees with the verdict.
    charset = by_name["core.operation.charset.upper"].find("skipped")
    assert charset is not None and "not counted at level required" in (charset.get("message") or "")
    assert by_name["core.version.valid"].find("*") is None


def test_junit_totals_agree_with_the_testcases(bad: dict[str, Any]) -> None:
    suite = junit(bad).find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    assert suite.get("tests") == str(len(cases))
    assert (
        suite.get("failures") == str(sum(c.find("failure") is not None for c in cases)) == "7"
    )  # 6 counted fails and the finding
    assert suite.get("errors") == str(sum(c.find("error") is not None for c in cases)) == "4"
    assert suite.get("skipped") == str(sum(c.find("skipped") is not None for c in cases)) == "2"
    props = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert props["conformant"] == "false" and props["corpus_digest"] == bad["corpus_digest"]


def test_junit_stays_valid_xml_whatever_the_content(bad: dict[str, Any]) -> None:
    by_name = {c.get("name"): c for c in junit(bad).iter("testcase")}
    hostile = next(n for n in by_name if n and n.startswith("core.hostile"))
    assert hostile == "core.hostile</script><script>alert(1)</script>\"'&<b>bold</b>\\x00\\x07\\x1b[31m\\ud800\\ufffe"
    assert "</script>" in (by_name[hostile].findtext("system-err") or "")


def test_a_conformant_run_has_no_failure_or_error_elements(good: dict[str, Any]) -> None:
    root = junit(good)
    assert root.find(".//failure") is None and root.find(".//error") is None


# --- Markdown ----------------------------------------------------------------------------------------


def test_markdown_starts_with_the_verdict_and_tabulates_classes(good: dict[str, Any], bad: dict[str, Any]) -> None:
    assert render_markdown(good).startswith(f"## ✅ vmjob: CONFORMANT at level required {CLAIM}\n")
    md = render_markdown(bad)
    assert md.startswith(f"## ❌ vmjob: NOT CONFORMANT at level required {CLAIM} {BLOCKED}\n")
    assert "| class | pass | fail | skip | timeout | crash | errored | not-run |" in md
    assert "| core | 1 | 7 | 0 | 1 | 1 | 1 | 1 |" in md
    assert "| `core.version.two` | fail | `core.version` | required | invalid at /version | valid |" in md


def test_markdown_tables_keep_their_columns_whatever_the_content(bad: dict[str, Any]) -> None:
    md = render_markdown(bad)
    for table in re.findall(r"(?:^\|.*\|\n)+", md, re.M):
        rows = table.splitlines()
        widths = {len(re.findall(r"(?<!\\)\|", row)) for row in rows}
        assert len(widths) == 1, rows
    outside_code = re.sub(r"(`+).*?\1", "", md)
    assert "<" not in outside_code and "\x00" not in md


def test_markdown_shows_findings_with_their_minimal_document(bad: dict[str, Any]) -> None:
    md = render_markdown(bad)
    assert "### Findings of the fuzzer (1)" in md
    assert '  ```json\n  {"execution":{"priority":0}}\n  ```' in md


# --- badge -------------------------------------------------------------------------------------------


def test_badge_endpoint_is_what_shields_io_reads(good: dict[str, Any], bad: dict[str, Any]) -> None:
    assert badge_endpoint(good) == {
        "schemaVersion": 1,
        "label": "vmjob required",
        "message": "conformant (5/7 classes) 6/6",
        "color": "brightgreen",
    }
    assert badge_endpoint(bad)["message"] == "not conformant (5/7 classes) 1/12"
    assert badge_endpoint(bad)["color"] == "red"
    assert badge_endpoint(report_of(finished=False))["color"] == "lightgrey"


def test_badge_svg_is_valid_svg_with_the_verdict(good: dict[str, Any], bad: dict[str, Any]) -> None:
    ns = {"s": "http://www.w3.org/2000/svg"}
    for report, message, fill in (
        (good, "conformant (5/7 classes) 6/6", "#4c1"),
        (bad, "not conformant (5/7 classes) 1/12", "#e05d44"),
    ):
        svg = ET.fromstring(render_badge_svg(report))
        texts = [t.text for t in svg.findall(".//s:text", ns)]
        assert texts == ["vmjob required", "vmjob required", message, message]
        assert fill in [r.get("fill") for r in svg.findall(".//s:rect", ns)]
        assert int(svg.get("width") or 0) > 100


# --- writing -----------------------------------------------------------------------------------------


def test_write_reports_creates_parent_directories_and_every_file(tmp_path: Path, bad: dict[str, Any]) -> None:
    paths = {k: tmp_path / "out" / k / f"report.{k}" for k in ("json", "junit", "markdown", "html", "badge")}
    write_reports(bad, badge_endpoint=tmp_path / "endpoint.json", **paths)
    assert json.loads(paths["json"].read_text()) == json.loads(json.dumps(bad))
    ET.fromstring(paths["junit"].read_bytes())
    assert json.loads((tmp_path / "endpoint.json").read_text())["schemaVersion"] == 1
    assert all(p.stat().st_size > 0 for p in paths.values())


def test_the_json_report_keeps_lone_surrogates_as_json_escapes(tmp_path: Path, bad: dict[str, Any]) -> None:
    write_reports(bad, json=tmp_path / "r.json")
    data = (tmp_path / "r.json").read_bytes()
    data.decode("utf-8")  # valid UTF-8 on disk
    ids = [r["id"] for r in json.loads(data)["results"]]
    assert "core.hostile" + HOSTILE in ids


def test_an_unwritable_path_is_a_report_error_naming_it(tmp_path: Path, good: dict[str, Any]) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(ReportError, match=r"cannot write the HTML report to .*file/sub/r\.html: "):
        write_reports(good, html=tmp_path / "file" / "sub" / "r.html")


def test_a_match_finding_shows_its_capability_lists_in_markdown_and_html() -> None:
    from conformance.reports import render_html

    match = {
        "type": "finding", "id": "fuzz-match-1", "kind": "job", "class": "capabilities", "level": "required",
        "rule": "capabilities.match", "mode": "match", "required": ["guestkit.inspect"],
        "available": ["GuestKit.Inspect"], "expected": {"ok": False, "missing": ["guestkit.inspect"]},
        "got": {"ok": True, "missing": []}, "examples": 126, "seed": 1, "message": "matched another case",
    }  # fmt: skip
    report = build_report([*make_records(), match], "required", cases=CASES)
    assert 'required `["guestkit.inspect"]`, available `["GuestKit.Inspect"]`' in render_markdown(report)
    assert "available <code>[&quot;GuestKit.Inspect&quot;]</code>" in render_html(report)
