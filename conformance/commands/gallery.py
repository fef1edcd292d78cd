"""``vmjob gallery``: build and certify every implementation under ``implementations/``, side by side.

Writes into ``--out`` (default ``gallery/``): each implementation's results stream and JSON reports
(``NAME/``), ``gallery.json``, the N-way HTML matrix ``gallery.html`` and the Markdown table ``gallery.md``.
Exit 0 when every implementation was certified (whatever its verdict) or skipped for an absent toolchain;
1 when one failed to build or start, or ``--check-readme`` found the committed table stale; 2 for bad input
(a bad manifest: one line each).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ..cli import UsageError
from ..config import MAX_SECONDS
from .certify import add_workers_option, workers

#: The gallery's defaults, conformance.gallery.run's GALLERY_SEED, GALLERY_FUZZ and GALLERY_TIMEOUT (not
#: imported here, so that `vmjob --help` does not load the runner and the reports; a test keeps them equal).
GALLERY_SEED = 20260301
GALLERY_FUZZ = 2000
GALLERY_TIMEOUT = 30.0
DEFAULT_IMPLEMENTATIONS = "implementations"
DEFAULT_OUT = "gallery"
README = "README.md"


def register(sub: Any) -> None:
    p = sub.add_parser(
        "gallery",
        help="build and certify every implementation under implementations/, side by side",
        description="Build each implementation (implementations/NAME/implementation.json), certify it at the "
        "required and recommended levels with one fixed seed, and write gallery.json, an HTML matrix and a "
        "Markdown table. Exit 0 when each was certified or skipped for an absent toolchain, 1 when one failed "
        "to build or start (or --check-readme found the README stale), 2 for bad input.",
    )
    p.add_argument("--implementations", metavar="DIR", default=DEFAULT_IMPLEMENTATIONS,
                   help=f"the folder of implementation folders (default {DEFAULT_IMPLEMENTATIONS}/)")  # fmt: skip
    p.add_argument("--schema", metavar="FILE", help="the manifest schema (default DIR/implementation.schema.json)")
    p.add_argument("--only", action="append", default=[], metavar="NAME", help="only this implementation (repeatable)")
    p.add_argument("--out", metavar="DIR", default=DEFAULT_OUT, help=f"where to write (default {DEFAULT_OUT}/)")
    p.add_argument("--seed", type=int, default=GALLERY_SEED, help=f"the fuzzer's seed (default {GALLERY_SEED})")
    p.add_argument(
        "--fuzz",
        type=int,
        default=GALLERY_FUZZ,
        metavar="N",
        help=f"generated documents per implementation (default {GALLERY_FUZZ:,}; 0: the corpus only)",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=GALLERY_TIMEOUT,
        help=f"seconds to wait for one reply (default {GALLERY_TIMEOUT:g})",
    )
    p.add_argument("--corpus", metavar="DIR", help="a corpus directory (default: the installed corpus)")
    readme = p.add_mutually_exclusive_group()
    readme.add_argument("--update-readme", action="store_true",
                        help="write the table into DIR/README.md, between its gallery markers")  # fmt: skip
    readme.add_argument(
        "--check-readme",
        action="store_true",
        help="exit 1 when a certified implementation's row in DIR/README.md differs from this run",
    )
    add_workers_option(p)
    p.add_argument("--quiet", action="store_true", help="no progress lines and no table on the terminal")
    p.set_defaults(func=run)


def _settings(args: argparse.Namespace) -> Any:
    from ..gallery import Settings

    if args.fuzz < 0:
        raise UsageError(f"--fuzz={args.fuzz} must be >= 0")
    if not 0 < args.timeout <= MAX_SECONDS:  # inf or huge: a hang, and an overflow in the transports' clocks
        raise UsageError(f"--timeout={args.timeout} must be > 0 and at most {MAX_SECONDS:,} seconds")
    corpus = None
    if args.corpus is not None:
        corpus = Path(args.corpus)
        if not corpus.is_dir():
            raise UsageError(f"--corpus {args.corpus!r}: no such directory")
    return Settings(seed=args.seed, fuzz=args.fuzz, timeout=args.timeout, corpus=corpus, workers=workers(args))


def _manifests(args: argparse.Namespace) -> list[Any]:
    """Every manifest, checked; one line on stderr per bad one, then exit 2 through :class:`UsageError`."""
    from ..gallery import ManifestError, find_manifests, load_manifest, load_schema

    root = Path(args.implementations)
    try:
        paths = find_manifests(root, tuple(args.only))
        if not paths:
            raise UsageError(f"{root}: no implementation folder (a folder with an implementation.json)")
        schema = load_schema(Path(args.schema) if args.schema else root / "implementation.schema.json")
    except ManifestError as err:
        raise UsageError(str(err)) from err
    manifests, bad = [], []
    for path in paths:
        try:
            manifests.append(load_manifest(path, schema))
        except ManifestError as err:
            bad.append(str(err))
    if bad:
        for line in bad[:-1]:
            print(f"vmjob gallery: error: {line}", file=sys.stderr)
        raise UsageError(bad[-1] + (f" ({len(bad)} bad manifests)" if len(bad) > 1 else ""))
    return manifests


def run(args: argparse.Namespace) -> int:
    from ..gallery import Column, ReadmeError, gallery_json, render_matrix, render_table, run_gallery, update_block
    from ..gallery.summary import short_verdict
    from ..gallery.table import committed_failing, committed_rows, fresh_rows, split_block

    settings = _settings(args)
    manifests = _manifests(args)
    readme = Path(args.implementations) / README
    if (args.update_readme or args.check_readme) and args.only:
        # A row's most instructive failure depends on what the other implementations fail.
        raise UsageError("--only cannot be given with --update-readme or --check-readme: the table is of all")
    committed: dict[str, set[str]] = {}
    if args.update_readme or args.check_readme:
        try:
            committed = committed_failing(split_block(readme.read_text(encoding="utf-8"), str(readme))[1])
        except OSError as err:
            raise UsageError(f"{readme}: cannot read: {err.strerror or err}") from err
        except ReadmeError as err:
            raise UsageError(str(err)) from err
    out = Path(args.out)

    def say(line: str) -> None:
        if not args.quiet:
            print(f"vmjob gallery: {line}", file=sys.stderr, flush=True)

    try:
        entries = run_gallery(manifests, out, settings, say)
        gallery = gallery_json(entries, settings, committed)
        (out / "gallery.json").write_text(json.dumps(gallery, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        table = render_table(gallery)
        (out / "gallery.md").write_text(table, encoding="utf-8")
        columns = [
            Column(
                f"{e.manifest.name} ({e.manifest.language})",
                e.reports.get("recommended"),
                tuple(short_verdict(r) for r in e.reports.values()),
                "" if e.reports else f"{e.status}: {e.reason}",
            )
            for e in entries
        ]
        note = f"seed {settings.seed}, {settings.fuzz:,} generated documents each"
        page = render_matrix(columns, "vmjob gallery", note)
        (out / "gallery.html").write_bytes(page.encode("utf-8", "backslashreplace"))
    except OSError as err:
        raise UsageError(f"{out}: cannot write the gallery: {err.strerror or err}") from err
    if not args.quiet:
        print(table, end="")
        print(f"\nwritten: {out / 'gallery.json'}, {out / 'gallery.html'}, {out / 'gallery.md'}", file=sys.stderr)
    status = 1 if any(e.status in ("build-failed", "error") for e in entries) else 0
    if args.update_readme:
        text, kept = update_block(readme.read_text(encoding="utf-8"), gallery, str(readme))
        readme.write_text(text, encoding="utf-8")
        for name in kept:
            say(f"{readme}: kept the committed row of {name} (not certified here)")
        say(f"{readme}: gallery table updated")
    if args.check_readme:
        _, block, _ = split_block(readme.read_text(encoding="utf-8"), str(readme))
        rows, fresh = committed_rows(block), fresh_rows(gallery)
        stale = [k for k in fresh if rows.get(k) != fresh[k]]
        for key in stale:
            print(f"vmjob gallery: {readme}: the row of {key} differs from this run:\n  committed: "
                  f"{rows.get(key, '(none)')}\n  this run:  {fresh[key]}", file=sys.stderr)  # fmt: skip
        if stale:
            print("vmjob gallery: regenerate it with: vmjob gallery --update-readme", file=sys.stderr)
            status = 1
    return status
