"""The JSON report: a certification manifest whose verdict follows the rules of summary.py, and its schema."""

from __future__ import annotations

import base64
import json
from importlib import resources
from typing import Any

import jsonschema
import pytest
from report_streams import CASES, DIGEST, always_valid, finding, make_records

from conformance.corpus import Case, CorpusError
from conformance.reports import build_report
from conformance.reports import stream as reports

SCHEMA = json.loads(resources.files("conformance").joinpath("schemas/report.schema.json").read_text())
RESULT_KEYS = {"id", "kind", "class", "level", "rule", "expected", "got", "outcome", "message", "stderr", "duration_ms"}


def check_schema(report: dict[str, Any]) -> None:
    validator = jsonschema.Draft202012Validator(SCHEMA)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(report)]
    assert errors == []


def test_the_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"fn": always_valid, "faults": True, "hostile": True, "findings": True},
        {"finished": False},
        {"level": "recommended"},
    ],
    ids=["reference", "everything-wrong", "interrupted", "recommended"],
)
def test_every_built_report_validates_against_the_report_schema(options: dict[str, Any]) -> None:
    report = build_report(make_records(**options), cases=CASES)
    check_schema(report)
    # The JSON report survives a round trip through JSON text unchanged.
    assert json.loads(json.dumps(report)) == report


def test_the_reference_is_conformant_and_the_manifest_names_the_run() -> None:
    report = build_report(make_records(), cases=CASES)
    assert report["conformant"] is True
    assert report["summary"]["outcomes"]["pass"] == len(CASES)
    assert report["corpus_digest"] == DIGEST
    assert report["seed"] == 1234
    assert report["implementation"]["name"] == "vmjob-reference"
    assert report["claimed"] == {
        "kinds": ["job", "result", "progress", "worker"],
        "classes": ["core", "payload", "result", "progress", "worker"],
    }
    assert report["transport"] == {"kind": "python", "target": "conformance.reference_impl:validate"}
    assert [r["id"] for r in report["results"]] == [c.id for c in CASES]
    assert all(RESULT_KEYS <= set(r) for r in report["results"])
    assert report["findings"] == []


def test_an_implementation_that_accepts_everything_is_not_conformant() -> None:
    report = build_report(make_records(always_valid), cases=CASES)
    assert report["conformant"] is False
    outcomes = {r["id"]: r["outcome"] for r in report["results"]}
    assert outcomes["core.version.valid"] == "pass"
    assert outcomes["core.version.two"] == "fail"
    assert report["rules"]["core.version"]["counts"]["pass"] == 1
    assert report["rules"]["core.version"]["counts"]["fail"] == 1
    assert report["rules"]["core.version"]["worst"] == "fail"


def test_a_recommended_failure_counts_only_at_level_recommended() -> None:
    records = make_records()
    charset = next(r for r in records if r.get("id") == "core.operation.charset.upper")
    charset["outcome"] = "fail"
    assert build_report(records, "required", cases=CASES)["conformant"] is True
    at_recommended = build_report(records, "recommended", cases=CASES)
    assert at_recommended["conformant"] is False
    assert at_recommended["summary"]["blocking"] == 1


def test_faults_are_kept_apart_and_never_pass() -> None:
    report = build_report(make_records(faults=True), cases=CASES)
    outcomes = report["summary"]["outcomes"]
    assert {o: outcomes[o] for o in ("timeout", "crash", "errored", "not-run", "skip")} == dict.fromkeys(
        ("timeout", "crash", "errored", "not-run", "skip"), 1
    )
    assert report["conformant"] is False
    kind = report["rules"]["core.kind"]
    assert kind["worst"] == "crash"
    assert kind["counts"]["pass"] == 0
    assert report["stderr"] == "warming up\n"


def test_a_finding_makes_its_rule_fail_and_blocks_the_verdict() -> None:
    report = build_report(make_records(findings=True), cases=CASES)
    assert report["conformant"] is False
    assert report["rules"]["core.execution.priority"]["findings"] == 1
    assert report["rules"]["core.execution.priority"]["worst"] == "fail"
    assert report["findings"][0]["document"] == finding()["document"]


def test_a_run_with_only_skips_proves_nothing() -> None:
    records = make_records()
    for r in records:
        if r["type"] == "result":
            r["outcome"] = "skip"
    assert build_report(records, cases=CASES)["conformant"] is False


def test_failed_results_carry_their_document_text_or_base64() -> None:
    report = build_report(make_records(always_valid), cases=CASES)
    by_id = {r["id"]: r for r in report["results"]}
    assert json.loads(by_id["core.version.two"]["document"])["version"] == "2.0"
    assert base64.b64decode(by_id["parse.encoding.ff"]["document_base64"]) == b'{"a": "\xff"}'
    assert "document" not in by_id["parse.encoding.ff"]
    assert by_id["core.version.two"]["description"] == "core.version.two: core.version"
    # Passing results stay small.
    assert "document" not in by_id["core.version.valid"]


def test_a_document_recorded_by_the_runner_wins_over_the_corpus() -> None:
    records = make_records(always_valid)
    records[2]["extra"] = {"document": "as sent", "attempt": 2}
    report = build_report(records, cases=CASES)
    assert report["results"][1]["document"] == "as sent"
    assert report["results"][1]["extra"] == {"attempt": 2}


def test_capability_cases_carry_their_input() -> None:
    case = Case("cap.missing", "job", "capabilities", "capabilities.match", "required", "d", required=("a",))
    records = make_records()
    records.insert(1, {**records[1], "id": "cap.missing", "class": "capabilities", "outcome": "fail"})
    report = build_report(records, cases=[*CASES, case])
    assert report["results"][0]["input"] == {"required": ["a"], "available": []}


def test_without_the_run_s_corpus_documents_are_left_out_with_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reports, "digest", lambda: "sha256:" + "00" * 32)
    monkeypatch.setattr(reports, "load_corpus", lambda: pytest.fail("a corpus of another digest was loaded"))
    report = build_report(make_records(always_valid))
    assert all("document" not in r and "document_base64" not in r for r in report["results"])
    assert any(f"not the one this run used (corpus digest {DIGEST})" in n for n in report["notes"])


def test_the_installed_corpus_gives_the_documents_when_its_digest_matches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reports, "digest", lambda: DIGEST)
    monkeypatch.setattr(reports, "load_corpus", lambda: CASES)
    report = build_report(make_records(always_valid))
    assert json.loads(report["results"][1]["document"])["version"] == "2.0"


def test_an_unreadable_corpus_is_a_note_not_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> str:
        raise CorpusError("corpus/job/core/x.json: cannot read the corpus file")

    monkeypatch.setattr(reports, "digest", broken)
    report = build_report(make_records(always_valid))
    assert any("the corpus cannot be read: corpus/job/core/x.json" in n for n in report["notes"])


def test_a_header_of_odd_types_still_gives_a_report_of_the_schema_s_shape() -> None:
    records = make_records()
    records[0] = {**records[0], "seed": 1.5, "transport": "cmd", "implementation": ["x"], "started_at": 3}
    records[1] = {**records[1], "duration_ms": float("inf")}
    records.append(finding() | {"kind": None, "message": None})
    report = build_report(records, cases=CASES)
    check_schema(report)
    assert (report["seed"], report["transport"], report["implementation"], report["started_at"]) == (
        "1.5",
        None,
        {"name": "", "version": "", "language": "", "homepage": None, "kinds": [], "classes": []},
        "3",
    )
    assert report["results"][0]["duration_ms"] == 0.0
