"""The reference gives the same verdict for every corpus case over all four transports, and is conformant at
every level over each. The shipped corpus is used when it has cases (the small one otherwise); one-shot pays
a process per case, so it runs on a fixed sample that spans every kind and class plus the small corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.corpus import CorpusError, default_root, load_corpus

from .conftest import PY, REFERENCE_CMD, Run, certify
from .corpus_builder import write_corpus


def shipped_corpus() -> Path | None:
    try:
        root = default_root()
        return root if load_corpus(root) else None
    except (CorpusError, OSError, TypeError, NotImplementedError):
        return None


@pytest.fixture(scope="module")
def full_corpus(corpus: Path) -> Path:
    return shipped_corpus() or corpus


@pytest.fixture(scope="module")
def sample_corpus(full_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two validate cases of every (kind, class) of the full corpus, plus the small corpus."""
    import json

    root = write_corpus(tmp_path_factory.mktemp("sample"))
    picked: dict[tuple[str, str], list[dict[str, object]]] = {}
    for path in sorted(full_corpus.rglob("*.json")):
        if path.name.endswith("schema.json") or path.parent == full_corpus:
            continue
        try:
            cases = json.loads(path.read_text())["cases"]
        except (ValueError, KeyError, TypeError):
            continue
        for c in cases:
            if c.get("class") in ("capabilities", "roundtrip"):
                continue
            bucket = picked.setdefault((c["kind"], c["class"]), [])
            if len(bucket) < 2:
                bucket.append(c)
    sample = [c for bucket in picked.values() for c in bucket]
    (root / "sample").mkdir()
    (root / "sample" / "cases.json").write_text(json.dumps({"description": "sample", "cases": sample}))
    return root


def verdicts(run: Run) -> dict[str, tuple[str, object]]:
    return {r["id"]: (r["outcome"], (r["got"] or {}).get("valid")) for r in run.results}


@pytest.fixture(scope="module")
def reference_runs(full_corpus: Path, http_reference: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    tmp = tmp_path_factory.mktemp("runs")
    return {
        "cmd": certify("cmd", REFERENCE_CMD, full_corpus, tmp),
        "python": certify("python", "conformance.reference_impl:validate", full_corpus, tmp),
        "url": certify("url", http_reference + "/{kind}", full_corpus, tmp),
    }


@pytest.mark.slow
@pytest.mark.parametrize("transport", ["python", "url"])
def test_same_verdict_as_the_persistent_transport_for_every_case(
    transport: str, reference_runs: dict[str, Run]
) -> None:
    cmd = verdicts(reference_runs["cmd"])
    other = verdicts(reference_runs[transport])
    # Match and roundtrip cases exist only over cmd: the other transports do not claim those classes.
    shared = {i for i, (outcome, _) in other.items() if outcome != "skip"}
    assert shared and all(other[i] == cmd[i] for i in shared), {i: (cmd[i], other[i]) for i in shared
                                                                if other[i] != cmd[i]}  # fmt: skip
    assert {i for i, (outcome, _) in other.items() if outcome == "skip"} == {
        r["id"] for r in reference_runs["cmd"].results if r["class"] in ("capabilities", "roundtrip")
    }


@pytest.mark.slow
@pytest.mark.parametrize("transport", ["cmd", "python", "url"])
@pytest.mark.parametrize("level", ["required", "recommended"])
def test_reference_is_conformant(transport: str, level: str, reference_runs: dict[str, Run]) -> None:
    from conformance.summary import summarize

    run = reference_runs[transport]
    assert run.counts().get("pass", 0) > 0
    assert set(run.counts()) <= {"pass", "skip"}, {r["id"]: r["message"] for r in run.results if r["outcome"] != "pass"}
    assert summarize(run.results, (), level)["conformant"] is True


@pytest.mark.slow
def test_one_shot_gives_the_same_verdicts_on_a_sample(sample_corpus: Path, tmp_path: Path) -> None:
    one_shot = certify("one-shot", f"{PY} -m conformance.reference_impl {{kind}}", sample_corpus, tmp_path)
    cmd = certify("cmd", REFERENCE_CMD, sample_corpus, tmp_path)
    a, b = verdicts(one_shot), verdicts(cmd)
    for i, (outcome, valid) in a.items():
        if outcome == "skip":  # outside one-shot's claim, or a warning it cannot carry: the verdict still agrees
            assert b[i][0] == "pass"
            continue
        assert (outcome, valid) == b[i], i
    assert sum(1 for o, _ in a.values() if o == "pass") >= 10
    for level in ("required", "recommended"):
        from conformance.summary import summarize

        assert summarize(one_shot.results, (), level)["conformant"] is True
