"""The runner's own decisions: records in the model's shape, filters, the request check, the fuzzer hook."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conformance.cli import main
from conformance.records import CaseResult, Finding, Footer, Header

from .conftest import REFERENCE_CMD, certify, fake


def test_result_records_have_the_model_shape(corpus: Path, tmp_path: Path) -> None:
    run = certify("cmd", fake("always-valid"), corpus, tmp_path)
    for rec in run.results:
        assert CaseResult.from_json(rec).to_json() == rec
    failed = [r for r in run.results if r["outcome"] == "fail"]
    # A non-passing result carries its document (text, or base64 for bytes that are not UTF-8).
    assert all("document" in r["extra"] or "document_base64" in r["extra"] for r in failed)
    header, footer = run.records[0], run.records[-1]
    assert header["type"] == "header" and header["implementation"]["name"] == "fake"
    assert header["corpus_digest"].startswith("sha256:")
    assert footer["type"] == "footer" and footer["interrupted"] is False


def test_a_request_that_breaks_its_own_schema_is_never_sent(tmp_path: Path) -> None:
    root = tmp_path / "corpus" / "odd"
    root.mkdir(parents=True)
    case = {"id": "odd-kind", "kind": "jobs", "class": "core", "rule": "core.version", "level": "required",
            "description": "a kind the protocol does not have", "document": {}, "valid": False}  # fmt: skip
    (root / "cases.json").write_text(json.dumps({"description": "odd", "cases": [case]}))
    fake_claims_it = fake("always-valid")
    run = certify("cmd", fake_claims_it, tmp_path / "corpus", tmp_path)
    # The fake does not claim kind "jobs": skipped as outside the claim, before any request is built.
    assert run.results[0]["outcome"] == "skip"
    from conformance.transports import Persistent, TransportOptions

    impl = Persistent(fake_claims_it, TransportOptions(timeout=2))
    impl.start()
    try:
        reply = impl.validate("jobs", b"{}")
        assert reply.status == "errored"
        assert reply.message.startswith("request not sent: it breaks validate-request.json: at /kind:")
        assert impl.validate("job", b"{}").status == "ok"  # the stream is still in step
    finally:
        impl.close()


def test_pipelined_replies_come_back_in_order_with_bytes_as_base64(tmp_path: Path) -> None:
    from conformance.transports import Persistent, TransportOptions

    impl = Persistent(REFERENCE_CMD, TransportOptions(timeout=5, window=8))
    impl.start()
    try:
        docs = [("job", b"{}"), ("job", b"\xff"), ("job", b'{"version": "1.0"}')] * 40
        replies = list(impl.validate_many(docs))
    finally:
        impl.close()
    assert len(replies) == 120 and all(r.status == "ok" and r.valid is False for r in replies)
    messages = [r.errors[0]["message"] for r in replies[:3]]
    assert "UTF-8" in messages[1] and "UTF-8" not in messages[0]


@pytest.mark.slow
def test_rule_filter(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    rc = main(["certify", "--cmd", REFERENCE_CMD, "--corpus", str(corpus), "--rule", "core.version", "--quiet"])
    assert rc == 0
    lines = (tmp_path / "vmjob-results" / "results.jsonl").read_text().split("\n")
    ids = [json.loads(line)["id"] for line in lines if '"type": "result"' in line]
    assert ids == ["core-minimal-job-is-valid", "core-version-2-is-invalid"]


@pytest.mark.slow
def test_fuzz_findings_stream_after_the_corpus(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    rc = main(["certify", "--cmd", fake("always-valid"), "--corpus", str(corpus), "--fuzz", "30", "--seed", "1",
               "--quiet"])  # fmt: skip
    assert rc == 1
    recs = [json.loads(line) for line in (tmp_path / "vmjob-results" / "results.jsonl").read_text().split("\n") if line]
    findings = [r for r in recs if r["type"] == "finding"]
    assert findings and recs[0]["fuzz"] == 30 and recs[0]["seed"] == 1
    assert [r["type"] for r in recs].index("finding") > max(i for i, r in enumerate(recs) if r["type"] == "result")


def test_every_record_a_run_writes_is_described_by_the_stream_schema(tmp_path: Path) -> None:
    """The records' one definition (conformance.records) and the published schema agree, on a run with
    results of every kind of outcome, a finding with no rule (a fault on a plain valid document) and a footer."""
    from importlib import resources

    import jsonschema

    from conformance.zoo.hostile import HOSTILE, certify

    schema = json.loads(resources.files("conformance").joinpath("schemas", "results-stream.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)
    stream = tmp_path / "r.jsonl"
    certify(HOSTILE["errored-on-valid"], fuzz=300, timeout=2.0, stream=stream)
    records = [json.loads(line) for line in stream.read_text().split("\n") if line]
    assert {r["type"] for r in records} == {"header", "result", "finding", "footer"}
    assert any(r["type"] == "finding" and r["rule"] is None for r in records)
    classes: dict[str, type[Header | CaseResult | Finding | Footer]] = {
        "header": Header,
        "result": CaseResult,
        "finding": Finding,
        "footer": Footer,
    }
    for r in records:
        errors = [e.message for e in validator.iter_errors(r)]
        assert errors == [], (r["type"], errors)
        assert classes[r["type"]].from_json(r).to_json() == r
