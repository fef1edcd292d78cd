"""The gallery run: every implementation built, certified at both levels with one fixed seed, and written.

Each implementation goes through three steps, each with one way to end early, recorded as its ``status``
(never raised past the gallery: an implementation that cannot build or start is a finding about it):

* **toolchain** — a program of ``requires`` is missing: ``skipped``, naming it;
* **build** — the manifest's build fails or times out: ``build-failed``, with the log's last lines;
* **certify** — the adapter cannot start or speaks another protocol: ``error``; otherwise ``certified``,
  whatever the verdict.

Certification is :mod:`conformance.runner` and :mod:`conformance.reports`, as ``vmjob certify`` uses them:
one run at the ``recommended`` level (the fuzzer then also checks warnings) whose one results stream gives
both certificates, :func:`conformance.reports.build_report` at ``required`` and at ``recommended``. A
finding's and a case's level are recorded, so the ``required`` certificate counts exactly what it would
from a run at that level.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from ..corpus import digest
from ..parallel import ParallelRunner
from ..reports import ReportError, build_report, read_stream, write_reports
from ..runner import ResultsStream, RunConfig, Runner
from ..transports import TransportError, TransportOptions, open_implementation
from .build import build
from .manifest import Manifest
from .summary import entry_summary, failing_rules

#: The gallery's fixed seed: the same documents for every implementation, every run.
GALLERY_SEED = 20260301
#: Generated documents per implementation, after the corpus.
GALLERY_FUZZ = 2000
#: Seconds to wait for one reply: generous, the machine may be busy, and a slow reply is not a finding here.
GALLERY_TIMEOUT = 30.0
#: The two certificates of each implementation.
LEVELS = ("required", "recommended")
#: Version of gallery.json's shape.
GALLERY_VERSION = 1


@dataclass(frozen=True)
class Settings:
    seed: int = GALLERY_SEED
    fuzz: int = GALLERY_FUZZ
    timeout: float = GALLERY_TIMEOUT
    corpus: Path | None = None
    #: Workers per certification (``vmjob certify --workers``): the same findings whatever the number.
    workers: int = 1
    #: The folder of the project's published JSON Schemas (``{schemas}`` in a manifest's ``run``).
    schemas: Path = field(default_factory=lambda: _schemas())


def _schemas() -> Path:
    import reference

    return Path(reference.__file__).resolve().parent / "schemas"


@dataclass
class Entry:
    """One implementation's row of the gallery: its manifest, what became of it, its two reports."""

    manifest: Manifest
    status: str
    reason: str = ""
    build_tail: str = ""
    reports: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_json(self, shared: Mapping[str, int] | None = None) -> dict[str, Any]:
        m = self.manifest
        item: dict[str, Any] = {
            "name": m.name,
            "language": m.language,
            "version": m.version,
            "homepage": m.homepage,
            "represents": m.represents,
            "manifest": m.raw,
            "status": self.status,
            "reason": self.reason,
        }
        if self.build_tail:
            item["build_log_tail"] = self.build_tail
        if self.reports:
            item["results"] = f"{m.name}/results.jsonl"
            item["reports"] = {level: f"{m.name}/report-{level}.json" for level in LEVELS}
            item["summary"] = entry_summary(self.reports, shared)
            # The certification manifests, without the per-case results (the reports beside them hold those).
            item["certificates"] = {
                level: {k: v for k, v in report.items() if k != "results"} for level, report in self.reports.items()
            }
        return item


def prepare(manifest: Manifest, out: Path) -> Entry | None:
    """Toolchain and build; an :class:`Entry` saying why not when the implementation cannot be certified."""
    missing = manifest.missing()
    if missing:
        return Entry(manifest, "skipped", f"{', '.join(missing)} not found on PATH (required to build and run it)")
    result = build(manifest, out / manifest.name / "build.log")
    if not result.ok:
        return Entry(manifest, "build-failed", result.reason, result.tail)
    return None


def certify(manifest: Manifest, out: Path, settings: Settings) -> Entry:
    """One certification: the corpus and the fuzz campaign against the built implementation, the results
    stream and both JSON reports into ``out/NAME/``. The one place the gallery runs an implementation."""
    folder = out / manifest.name
    folder.mkdir(parents=True, exist_ok=True)
    results = folder / "results.jsonl"
    results.unlink(missing_ok=True)  # the gallery's own file from an earlier gallery run
    command = manifest.command(settings.schemas)
    cfg = RunConfig(
        level="recommended",
        seed=settings.seed,
        fuzz=settings.fuzz,
        timeout=settings.timeout,
        corpus=settings.corpus,
        transport={"kind": "cmd", "target": command},
        options=TransportOptions(timeout=settings.timeout),
    )
    stream = ResultsStream(results)
    try:
        impl = open_implementation("cmd", command, cfg.options)
        impl.start()
    except TransportError as err:
        stream.close()
        results.unlink(missing_ok=True)
        return Entry(manifest, "error", f"the adapter cannot be certified: {err}")
    try:
        runner = (
            Runner(impl, cfg, stream)
            if settings.workers == 1
            else ParallelRunner(impl, cfg, stream, workers=settings.workers)
        )
        runner.run()
    finally:
        stream.close()
        impl.close()
    try:
        records = read_stream(results)
        reports = {level: build_report(records, level) for level in LEVELS}
        for level, report in reports.items():
            write_reports(report, json=folder / f"report-{level}.json")
    except ReportError as err:
        return Entry(manifest, "error", f"the reports cannot be built: {err}")
    return Entry(manifest, "certified", reports=reports)


def run_gallery(
    manifests: list[Manifest], out: Path, settings: Settings, say: Callable[[str], None] = lambda _: None
) -> list[Entry]:
    """Build, then certify, every implementation; one :class:`Entry` each, in the order given."""
    out.mkdir(parents=True, exist_ok=True)
    entries: dict[str, Entry] = {}
    ready: list[Manifest] = []
    for m in manifests:
        say(f"{m.name}: building" if m.build else f"{m.name}: nothing to build")
        early = prepare(m, out)
        if early is None:
            ready.append(m)
        else:
            entries[m.name] = early
            say(f"{m.name}: {early.status}: {early.reason}")
    say(f"certifying {', '.join(m.name for m in ready)}" if ready else "nothing to certify")
    # One call per implementation, in order: running several at once is a pool's imap in place of map.
    for m, entry in zip(ready, map(partial(certify, out=out, settings=settings), ready), strict=True):
        entries[m.name] = entry
        say(f"{m.name}: {entry_line(entry)}")
    return [entries[m.name] for m in manifests]


def entry_line(entry: Entry) -> str:
    if entry.status != "certified":
        return f"{entry.status}: {entry.reason}"
    s = entry_summary(entry.reports)
    return ", ".join(f"{level} {s['verdicts'][level]}" for level in LEVELS) + f"; {s['failing']} failing rules"


def shared_failures(entries: list[Entry], committed: Mapping[str, set[str]] | None = None) -> Counter[str]:
    """Rule -> how many implementations fail it: what sets one implementation apart. ``committed``: the
    failing rules the README records for implementations not certified here (an absent toolchain), so
    that the other rows are the same as on a machine that has it."""
    shared: Counter[str] = Counter()
    for e in entries:
        if e.reports:
            shared.update({rule for rules in failing_rules(e.reports["recommended"]).values() for rule in rules})
        elif committed and e.manifest.name in committed:
            shared.update(committed[e.manifest.name])
    return shared


def gallery_json(
    entries: list[Entry], settings: Settings, committed: Mapping[str, set[str]] | None = None
) -> dict[str, Any]:
    """gallery.json: how the gallery was run, and each implementation's entry (the table's rows);
    ``committed`` as for :func:`shared_failures`."""
    from .. import __version__

    shared = shared_failures(entries, committed)
    recalled = sorted(e.manifest.name for e in entries if not e.reports and committed and e.manifest.name in committed)
    return {
        "gallery_version": GALLERY_VERSION,
        "suite_version": __version__,
        "corpus_digest": digest(settings.corpus),
        "seed": settings.seed,
        "fuzz": settings.fuzz,
        "run_level": "recommended",
        "levels": list(LEVELS),
        # Implementations not certified here whose failing rules, as the README records them, were counted.
        "failing_rules_from_readme": recalled,
        "implementations": [e.to_json(shared) for e in entries],
    }
