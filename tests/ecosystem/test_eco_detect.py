"""Kind detection (``reference.detect_kind``) on the whole corpus, and ``vmjob validate --kind auto``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conformance.corpus import Case, default_root, load_corpus
from reference import KINDS, Detection, detect_kind, validate

from ._cli import ROOT, vmjob

EXAMPLES = ROOT / "reference" / "examples"


def _documents() -> list[Case]:
    return [case for case in load_corpus(default_root()) if case.data is not None]


DOCUMENTS = _documents()


def test_every_valid_corpus_document_is_told_its_kind() -> None:
    valid = [case for case in DOCUMENTS if case.valid]
    assert {case.kind for case in valid} == set(KINDS)
    wrong = [(case.id, case.kind, detect_kind(case.data or b"")) for case in valid]
    wrong = [w for w in wrong if w[2].kind != w[1]]
    assert wrong == []


def test_no_corpus_document_is_told_a_wrong_kind() -> None:
    """Every document whose kind can be told (all but the ones that do not parse, are not objects, or
    carry no member of one kind alone) is told its own: invalid ones included."""
    told = {case.id: (case.kind, detect_kind(case.data or b"")) for case in DOCUMENTS}
    wrong = {cid: (kind, d.kind) for cid, (kind, d) in told.items() if d.kind is not None and d.kind != kind}
    assert wrong == {}
    untold = [(cid, d) for cid, (_, d) in told.items() if d.kind is None]
    # The ones not told are the parse faults, and objects with no own member of any kind.
    for cid, d in untold:
        assert not d.is_object or not d.evidence, (cid, d)
    # And a document is not told exactly when its parse fails or it has no own member.
    for case in DOCUMENTS:
        d = told[case.id][1]
        parse_fault = any(i.rule.startswith("parse.") for i in validate(case.data or b"", case.kind).errors)
        if not parse_fault and d.evidence:
            assert d.kind == case.kind, case.id


@pytest.mark.parametrize(
    ("document", "kind"),
    [
        ({"operation": "x", "payload": {}}, "job"),
        ({"execution_summary": {}, "status": "completed"}, "result"),
        ({"phase": "p", "sequence": 1}, "progress"),
        ({"hostname": "h", "capabilities": {}}, "worker"),
        # two own members of a job outweigh one of a progress event
        ({"operation": "x", "payload": {}, "phase": "p"}, "job"),
    ],
)
def test_own_members_decide(document: dict[str, object], kind: str) -> None:
    assert detect_kind(document).kind == kind
    assert detect_kind(json.dumps(document)).kind == kind


def test_shared_members_alone_are_ambiguous() -> None:
    d = detect_kind({"job_id": "x", "status": "completed", "worker_id": "w", "version": "1"})
    assert d == Detection(None, {}, "no member of the document belongs to one kind alone")
    assert not d and d.is_object


def test_a_tie_names_both_sides() -> None:
    d = detect_kind(b'{"operation": "x", "phase": "p"}')
    assert d.kind is None
    assert d.evidence == {"job": ("operation",), "progress": ("phase",)}
    assert d.reason == "its members point as much to job (operation) as to progress (phase)"


@pytest.mark.parametrize("text", [b"", b"{", b"[]", b'"job"', b'{"a": 1, "a": 2}'])
def test_a_text_that_is_no_object_has_no_kind(text: bytes) -> None:
    d = detect_kind(text)
    assert d.kind is None and not d.is_object


# --- the command line ------------------------------------------------------------------------------------


def test_validate_prints_the_detected_kind() -> None:
    files = [EXAMPLES / n for n in ("job-minimal.json", "result-failed.json", "progress.json", "worker.json")]
    done = vmjob("validate", *map(str, files))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"{files[0]}: valid (job, detected)",
        f"{files[1]}: valid (result, detected)",
        f"{files[2]}: valid (progress, detected)",
        f"{files[3]}: valid (worker, detected)",
        "4 valid, 0 invalid",
    ]


def test_a_result_without_kind_is_not_read_as_a_job() -> None:
    """The issue's case: five "required property" errors on a result validated as a job."""
    done = vmjob("validate", str(EXAMPLES / "result-failed.json"))
    assert "required property" not in done.stdout
    assert vmjob("validate", "--kind", "job", str(EXAMPLES / "result-failed.json")).stdout.count("required") >= 5


def test_an_ambiguous_document_is_a_one_line_error_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "odd.json"
    path.write_text('{"job_id": "01J", "operation": "x", "phase": "p"}')
    done = vmjob("validate", str(path))
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        f"vmjob validate: error: {str(path)!r}: cannot tell the kind: its members point as much to job "
        "(operation) as to progress (phase); name it with --kind (job, result, progress, worker)\n"
    )
    as_json = vmjob("validate", "--format", "json", str(path))
    assert as_json.returncode == 2
    assert json.loads(as_json.stdout) == {
        "file": str(path),
        "error": as_json.stderr.strip()[len("vmjob validate: error: ") :],
    }
    assert vmjob("validate", "--kind", "progress", str(path)).returncode == 1  # named, it is validated


def test_an_empty_file_says_it_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_bytes(b"\n")
    done = vmjob("validate", str(path))
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        f"{path}: invalid",
        "  error at the root: empty: a document is one JSON object [parse.syntax, required]",
    ]
    assert "Expecting value" not in vmjob("validate", "--format", "json", str(path)).stdout


def test_the_whole_document_is_the_root_not_slash(tmp_path: Path) -> None:
    path = tmp_path / "array.json"
    path.write_text("[1]")
    done = vmjob("validate", str(path))
    assert done.stdout.splitlines()[1].startswith("  error at the root: ")
    assert " at /:" not in done.stdout


def test_json_format_reports_an_unreadable_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    done = vmjob("validate", "--format", "json", str(missing), str(EXAMPLES / "worker.json"))
    assert done.returncode == 2
    first, second = (json.loads(line) for line in done.stdout.splitlines())
    assert first == {"file": str(missing), "error": f"cannot read {str(missing)!r}: No such file or directory"}
    assert second["valid"] is True and second["kind"] == "worker" and second["detected"] is True
