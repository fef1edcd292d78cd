"""A worker's span of corpus cases: the same cases whether or not this process has counted the corpus before
(a counted file holding none of the span's cases is skipped, not read), and a file changed since is read again."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conformance import runner
from conformance.corpus import default_root
from conformance.runner import RunConfig, pass_counts, selected

#: Corpus files of both passes (validate, and match / roundtrip), copied so one can be changed.
FILES = ("job/payload/realistic.json", "capabilities/match.json", "job/payload/profile.json", "roundtrip/preserve.json")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    for rel in FILES:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(default_root() / rel, tmp_path / rel)
    return tmp_path


def ids(config: RunConfig, modes: tuple[str, ...], span: tuple[int, int] | None = None) -> list[str]:
    return [case.id for case in selected(config, modes, span)]


def spans_agree(config: RunConfig, width: int) -> int:
    """Every span of ``width`` cases of each pass is that slice of the pass read whole; the spans checked."""
    checked = 0
    for what, modes in (("validate", ("validate",)), ("other", ("match", "roundtrip"))):
        whole = ids(config, modes)
        assert len(whole) == pass_counts(config)[what]
        for lo in range(0, len(whole) + width, width):
            assert ids(config, modes, (lo, lo + width)) == whole[lo : lo + width], (what, lo)
            checked += 1
    return checked


@pytest.mark.parametrize(
    "config",
    [
        RunConfig(),
        RunConfig(shard=(2, 3)),
        RunConfig(classes=("capabilities", "payload")),
    ],
    ids=["whole", "shard 2/3", "filtered"],
)
def test_spans_are_the_pass_cut_once_the_corpus_is_counted(corpus: Path, config: RunConfig) -> None:
    config = RunConfig(corpus=corpus, shard=config.shard, classes=config.classes)
    pass_counts(config)  # counted: the spans below may skip files
    assert spans_agree(config, 3) > 4


def test_a_counted_file_outside_the_span_is_not_read(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = RunConfig(corpus=corpus)
    pass_counts(config)
    read: list[str] = []
    real = runner.read_file

    def spy(path: Path, root: Path) -> list[dict[str, object]]:
        read.append(path.relative_to(root).as_posix())
        return real(path, root)

    monkeypatch.setattr(runner, "read_file", spy)
    assert len(ids(config, ("validate",), (0, 3))) == 3
    assert read == ["job/payload/profile.json"]  # the first file of the pass, the others skipped
    read.clear()
    assert len(ids(config, ("match", "roundtrip"), (0, 3))) == 3
    assert read == ["capabilities/match.json"]


@pytest.mark.slow
def test_a_file_changed_after_it_was_counted_is_read_again(corpus: Path) -> None:
    config = RunConfig(corpus=corpus)
    before = ids(config, ("validate",))
    pass_counts(config)
    spans_agree(config, 2)
    first = corpus / "job/payload/profile.json"  # the first file of the validate pass
    body = json.loads(first.read_text(encoding="utf-8"))
    body["cases"] = body["cases"][1:]  # one case fewer: every later case moves one place
    first.write_text(json.dumps(body), encoding="utf-8")  # another size, whatever the time stamp
    after = ids(config, ("validate",))
    assert after == before[1:]
    assert spans_agree(config, 2) > 2
