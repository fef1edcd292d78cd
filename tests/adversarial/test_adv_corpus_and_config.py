"""Red team: a certificate earned over a corpus of one's own choosing (``--corpus DIR``, or ``corpus =`` in a
configuration file that applies silently), and configuration files that try to narrow a run."""

from __future__ import annotations

import json
import shlex
import shutil
import sys
from pathlib import Path

import pytest

from conformance.cli import main
from conformance.corpus import default_root
from conformance.reports import badge_endpoint, build_report, read_stream

ADAPTER = f"{shlex.quote(sys.executable)} -m conformance adapter"


def _tiny(tmp: Path) -> Path:
    """A corpus of one file of the installed corpus: 35 cases of one rule."""
    root = tmp / "tiny"
    (root / "job" / "core").mkdir(parents=True)
    shutil.copy(default_root() / "job" / "core" / "audit.json", root / "job" / "core" / "audit.json")
    return root


def test_a_tiny_corpus_is_never_a_full_certificate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Before: "CONFORMANT at level required for all 4 document kinds, all 7 classes" (exit 0) after the 35
    # cases of core.audit: the certificate of the whole protocol, from one rule.
    stream = tmp_path / "r.jsonl"
    argv = ["certify", "--no-config", "--cmd", ADAPTER, "--corpus", str(_tiny(tmp_path)), "--fuzz", "0",
            "--workers", "1", "--results", str(stream)]  # fmt: skip
    assert main(argv) == 0  # every case it ran passed: conformant, for what it covers
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("CONFORMANT at level required for all 4 document kinds, all 7 classes, on corpus sha256:")
    assert last.endswith("(not the installed corpus) (partial claim)")
    report = build_report(read_stream(stream))
    assert report["claim"]["full"] is False
    assert report["claim"]["corpus"] == report["corpus_digest"]
    assert badge_endpoint(report)["message"] == "conformant (own corpus) 35/35"  # a full one: "conformant 35/35"


def test_the_installed_corpus_is_a_full_claim(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stream = tmp_path / "r.jsonl"
    argv = ["certify", "--no-config", "--cmd", ADAPTER, "--corpus", str(default_root()), "--rule", "core.audit",
            "--workers", "1", "--results", str(stream), "--quiet"]  # fmt: skip
    assert main(argv) == 0
    claim = build_report(read_stream(stream))["claim"]
    assert "corpus" not in claim["text"] and "corpus" not in claim


def test_a_corpus_set_by_the_configuration_is_named_on_the_certificate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _tiny(tmp_path)
    (tmp_path / "vmjob.toml").write_text(f'cmd = {json.dumps(ADAPTER)}\nfuzz = 0\ncorpus = "tiny"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["certify", "--workers", "1", "--results", str(tmp_path / "r.jsonl")]) == 0
    captured = capsys.readouterr()
    assert "options from" in captured.err and "vmjob.toml" in captured.err
    assert "(not the installed corpus) (partial claim)" in captured.out.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ('classes = ["core"]', "unknown key 'classes'"),
        ('rules = ["core.audit"]', "unknown key 'rules'"),
        ('shard = "1/1000"', "unknown key 'shard'"),
        ("fuzz = -1", "fuzz = -1: expected an integer >= 0"),
        ('level = "informational"', "expected 'required' or 'recommended'"),
        ("[reports]\njson = 5", "reports.json = 5: expected a path"),
    ],
)
def test_a_configuration_cannot_narrow_a_run_silently(
    line: str, words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = tmp_path / "vmjob.toml"
    cfg.write_text(f"cmd = {json.dumps(ADAPTER)}\n{line}\n", encoding="utf-8")
    assert main(["certify", "--config", str(cfg), "--results", str(tmp_path / "r.jsonl")]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


@pytest.mark.parametrize(
    "content",
    [b"\xff\xfe = 1", b"a = [" * 5000, b"cmd = '" + b"x" * 10 + b"\x00'", b"[tool]\nvmjob = 3"],
)
def test_a_broken_configuration_is_one_line(content: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = tmp_path / ("pyproject.toml" if content.startswith(b"[tool]") else "vmjob.toml")
    cfg.write_bytes(content)
    assert main(["certify", "--config", str(cfg), "--results", str(tmp_path / "r.jsonl")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1 and str(cfg.name) in err
