"""``vmjob corpus check`` and ``coverage`` catch each kind of corpus fault, with a line naming file and case."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conformance.corpus import default_root
from conformance.corpus.check import check
from conformance.corpus.format import canonical_text
from conformance.corpus.generate import build, file_description

ROOT = default_root()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A private copy of the shipped corpus, to break."""
    return Path(shutil.copytree(ROOT, tmp_path / "corpus"))


def edit(root: Path, rel: str, change: Callable[[dict[str, Any]], None]) -> None:
    path = root / rel
    body = json.loads(path.read_text(encoding="utf-8"))
    change(body)
    path.write_text(canonical_text(body), encoding="utf-8")


def problems(root: Path) -> list[str]:
    return [str(p) for p in check(root)]


def test_the_shipped_corpus_passes() -> None:
    assert problems(ROOT) == []


def test_the_committed_files_are_what_the_generator_writes() -> None:
    corpus = build()
    for rel, cases in corpus.files.items():
        body = {"description": file_description(rel, cases), "generated": True, "cases": cases}
        assert (ROOT / rel).read_text(encoding="utf-8") == canonical_text(body), f"{rel}: run `vmjob corpus generate`"


@pytest.mark.slow
def test_a_wrong_expected_verdict_is_reported(corpus: Path) -> None:
    def flip(body: dict[str, Any]) -> None:
        case = next(c for c in body["cases"] if c["id"] == "job.core.execution.priority.absent")
        case["valid"] = False
        case["pointer"] = "/execution/priority"

    edit(corpus, "job/core/execution.json", flip)
    assert (
        "job/core/execution.json: job.core.execution.priority.absent: expects invalid; the reference says valid "
        "(no error)" in problems(corpus)
    )


@pytest.mark.slow
def test_a_wrong_fault_pointer_is_reported(corpus: Path) -> None:
    def move(body: dict[str, Any]) -> None:
        case = next(c for c in body["cases"] if c["id"] == "job.core.execution.priority.as-a-string")
        case["pointer"] = "/execution"

    edit(corpus, "job/core/execution.json", move)
    found = [p for p in problems(corpus) if "job.core.execution.priority.as-a-string" in p]
    assert found == [
        "job/core/execution.json: job.core.execution.priority.as-a-string: not single-fault as stated: expects "
        "exactly core.execution.priority at /execution; the reference reports core.execution.priority at "
        "/execution/priority"
    ]


@pytest.mark.slow
def test_a_duplicate_id_is_reported(corpus: Path) -> None:
    def twin(body: dict[str, Any]) -> None:
        copy = dict(body["cases"][0])
        copy["description"] = "a copy with its own description"
        body["cases"].append(copy)

    edit(corpus, "job/core/kind.json", twin)
    first = json.loads((corpus / "job/core/kind.json").read_text(encoding="utf-8"))["cases"][0]["id"]
    assert f"job/core/kind.json: {first}: id used by 2 cases; an id names one case" in problems(corpus)


@pytest.mark.slow
def test_a_duplicate_description_is_reported(corpus: Path) -> None:
    def same(body: dict[str, Any]) -> None:
        body["cases"][1]["description"] = body["cases"][0]["description"]

    edit(corpus, "job/core/kind.json", same)
    assert any("is also used by" in p for p in problems(corpus))


@pytest.mark.slow
def test_an_uncovered_rule_is_reported(corpus: Path) -> None:
    def only_valid(body: dict[str, Any]) -> None:
        body["cases"] = [c for c in body["cases"] if c["valid"]]

    edit(corpus, "job/core/kind.json", only_valid)
    found = problems(corpus)
    assert "coverage: core.kind: not covered (both): no invalid case" in found
    result = subprocess.run(
        [sys.executable, "-m", "conformance", "corpus", "coverage", "--corpus", str(corpus)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "NO: no invalid case" in next(line for line in result.stdout.splitlines() if line.startswith("core.kind "))


@pytest.mark.slow
def test_a_common_rule_missing_in_one_kind_is_reported(corpus: Path) -> None:
    def drop_invalid(body: dict[str, Any]) -> None:
        body["cases"] = [c for c in body["cases"] if c["valid"] or c["rule"] != "parse.encoding"]

    edit(corpus, "progress/progress/parse.json", drop_invalid)
    assert "coverage: parse.encoding: not covered (both): progress: no invalid case" in problems(corpus)


@pytest.mark.slow
def test_a_non_canonical_file_is_reported(corpus: Path) -> None:
    path = corpus / "job/core/kind.json"
    path.write_text(json.dumps(json.loads(path.read_text(encoding="utf-8")), indent=4), encoding="utf-8")
    assert "job/core/kind.json: is not in the canonical form; run `vmjob corpus format`" in problems(corpus)
    subprocess.run(
        [sys.executable, "-m", "conformance", "corpus", "format", "--corpus", str(corpus)],
        check=True,
        capture_output=True,
    )
    assert problems(corpus) == []


@pytest.mark.slow
def test_a_vanished_id_is_reported_until_retired(corpus: Path) -> None:
    gone = "job.core.kind.value-lower"

    def remove(body: dict[str, Any]) -> None:
        body["cases"] = [c for c in body["cases"] if c["id"] != gone]

    edit(corpus, "job/core/kind.json", remove)
    found = [p for p in problems(corpus) if gone in p]
    assert len(found) == 1 and found[0].startswith("ids.txt:") and "id vanished from the corpus" in found[0]
    ledger = corpus / "ids.txt"
    ledger.write_text(
        ledger.read_text(encoding="utf-8").replace(f"\n{gone}\n", f"\n{gone} retired: folded into value-upper\n"),
        encoding="utf-8",
    )
    assert problems(corpus) == []


def test_an_id_missing_from_the_ledger_is_reported(corpus: Path) -> None:
    def rename(body: dict[str, Any]) -> None:
        body["cases"][0]["id"] = "job.core.kind.brand-new"

    edit(corpus, "job/core/kind.json", rename)
    found = problems(corpus)
    assert any(p.startswith("job/core/kind.json: job.core.kind.brand-new: id not in the ledger") for p in found)


def test_a_case_breaking_the_case_schema_is_reported(corpus: Path) -> None:
    def bad(body: dict[str, Any]) -> None:
        body["cases"][0]["id"] = "Not A Slug"
        del body["cases"][1]["valid"]

    edit(corpus, "job/core/kind.json", bad)
    found = problems(corpus)
    assert any("job/core/kind.json: Not A Slug: does not match case.schema.json at /cases/0/id" in p for p in found)
    assert any("does not match case.schema.json at /cases/1" in p for p in found)
    second = json.loads((ROOT / "job/core/kind.json").read_text(encoding="utf-8"))["cases"][1]["id"]
    assert not any(second in p and "vanished" in p for p in found), "a case of a bad file is not also 'vanished'"


def test_a_wrong_level_is_reported(corpus: Path) -> None:
    def level(body: dict[str, Any]) -> None:
        body["cases"][0]["level"] = "recommended"

    edit(corpus, "job/core/kind.json", level)
    assert any("level 'recommended' differs from the rule's level 'required'" in p for p in problems(corpus))


def test_a_wrong_capability_expectation_is_reported(corpus: Path) -> None:
    def wrong(body: dict[str, Any]) -> None:
        case = next(c for c in body["cases"] if c["id"] == "job.capabilities.match.case-sensitive")
        case["ok"], case["missing"] = True, []

    edit(corpus, "capabilities/match.json", wrong)
    assert any("job.capabilities.match.case-sensitive: expects ok=True" in p for p in problems(corpus))


@pytest.mark.slow
def test_check_exits_1_with_one_line_per_problem_and_2_on_usage(corpus: Path, tmp_path: Path) -> None:
    edit(corpus, "job/core/kind.json", lambda body: body["cases"][0].update(level="informational"))
    run = [sys.executable, "-m", "conformance", "corpus", "check", "--corpus"]
    bad = subprocess.run([*run, str(corpus)], capture_output=True, text=True, check=False)
    assert bad.returncode == 1
    assert bad.stdout.splitlines() == [
        "job/core/kind.json: job.core.kind.valid: level 'informational' differs from the rule's level 'required'"
    ]
    missing = subprocess.run([*run, str(tmp_path / "nowhere")], capture_output=True, text=True, check=False)
    assert missing.returncode == 2
    assert "is not a directory" in missing.stderr and "Traceback" not in missing.stderr


def test_generate_is_a_no_op_on_the_shipped_corpus_and_leaves_curated_files_alone(corpus: Path) -> None:
    from conformance.corpus.generate import generate

    curated = corpus / "job/core/examples.json"
    before = curated.read_bytes()
    assert "generated" not in json.loads(before)
    ledger = (corpus / "ids.txt").read_bytes()
    report = generate(corpus)
    assert (report.written, report.removed, report.new_ids, report.vanished) == ([], [], [], [])
    assert curated.read_bytes() == before
    assert (corpus / "ids.txt").read_bytes() == ledger


@pytest.mark.slow
def test_generate_issues_a_curated_case_id_and_restores_a_damaged_generated_file(corpus: Path) -> None:
    from conformance.corpus.generate import generate

    def add(body: dict[str, Any]) -> None:
        case = dict(body["cases"][1])
        case.update(id="job.example.minimal-again", description="a second look at the minimal job")
        body["cases"].append(case)

    edit(corpus, "job/core/examples.json", add)
    (corpus / "job/core/kind.json").write_text("{}", encoding="utf-8")
    report = generate(corpus)
    assert report.new_ids == ["job.example.minimal-again"]
    assert report.written == ["job/core/kind.json"]
    assert problems(corpus) == []
