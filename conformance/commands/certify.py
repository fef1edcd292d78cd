"""``vmjob certify (--cmd | --one-shot | --url | --python) TARGET``: run the corpus against an implementation.

Exit status 0 conformant, 1 not conformant, 2 usage or harness error (cannot start, wrong protocol, missing
corpus), each with a one-line message.
"""

from __future__ import annotations

import argparse
import difflib
import random
import sys
from pathlib import Path
from typing import Any

from reference import CLASSES, KINDS, LEVELS, RULES

from ..cli import UsageError
from ..corpus import CorpusError, default_root
from ..runner import ResultsStream, RunConfig, Runner, StreamExists, any_selected, count_selected
from ..transports import TransportError, TransportOptions, open_implementation

TRANSPORT_OPTIONS = (("cmd", "--cmd"), ("one-shot", "--one-shot"), ("url", "--url"), ("python", "--python"))
REPORT_OPTIONS = ("json", "junit", "markdown", "html", "badge", "badge_endpoint")
REPORT_HELP = {
    "json": "the JSON report (the certification manifest)",
    "junit": "JUnit XML, one testcase per case",
    "markdown": "Markdown, for a CI step summary",
    "html": "the self-contained HTML report",
    "badge": "an SVG badge",
    "badge_endpoint": "a shields.io endpoint JSON",
}


CERTIFY_EPILOG = """\
examples:
  vmjob certify --cmd './my-validator --harness'            a persistent adapter: the main way (ADAPTER.md 1)
  vmjob certify --url 'http://127.0.0.1:8080/{kind}' --name my-service --version 1.4 --language go
  vmjob certify --one-shot 'mytool validate --kind {kind} -' --name mytool --language rust
  vmjob certify --python 'mypkg.validator:validate' --html report.html --junit junit.xml
  vmjob certify --cmd ./adapter --rule core.execution.priority      just that rule's cases, no fuzzing
  vmjob certify --cmd ./adapter --level recommended --json - | jq .conformant

Your own implementation: conformance/ADAPTER.md is the wire contract of each transport (installed with
vmjob beside the conformance package; also in the repository). Options a project certifies with every time
(target, level, fuzz, results, reports) can live in vmjob.toml or in [tool.vmjob] of pyproject.toml; the
command line wins.
"""
#: The options the configuration file may leave unset, and their values then.
CONFIG_DEFAULTS = {"level": "required", "timeout": 5.0}


#: The longest wait for one reply, or for 'start', in seconds (a day).
MAX_TIMEOUT = 86_400
#: The fuzz budget of a certification, the fuzzer's own default (conformance.fuzz.differential.DEFAULT_EXAMPLES,
#: not imported here so that `vmjob certify --help` stays fast; a test keeps the two equal).
DEFAULT_FUZZ = 10_000
#: Where the results stream goes unless --results says otherwise (a taken name gives way to results-2.jsonl ...).
DEFAULT_RESULTS = "vmjob-results/results.jsonl"


def add_target_options(p: argparse.ArgumentParser, required: bool = True) -> None:
    """The four transports (one of them), shared by certify and fuzz."""
    group = p.add_mutually_exclusive_group(required=required)
    group.add_argument("--cmd", metavar="COMMAND", help="a persistent adapter-protocol implementation (JSON Lines)")
    group.add_argument("--one-shot", metavar="COMMAND", help="one process per document; {kind} is replaced")
    group.add_argument("--url", metavar="URL", help="an HTTP service; documents are POSTed; {kind} is replaced")
    group.add_argument("--python", metavar="MODULE:FUNCTION", help="an in-process function(kind, text)")


def add_naming_options(p: argparse.ArgumentParser) -> None:
    """What the reports call an implementation that does not name itself (--url, --one-shot, --python)."""
    p.add_argument("--name", dest="impl_name", metavar="NAME", help="the implementation's name in the reports")
    p.add_argument("--version", dest="impl_version", metavar="VERSION", help="its version, in the reports")
    p.add_argument("--language", dest="impl_language", metavar="LANGUAGE", help="its language, in the reports")


def apply_configuration(args: argparse.Namespace) -> None:
    """Options not given on the command line from vmjob.toml or [tool.vmjob] (conformance.config), then the
    built-in defaults."""
    from .. import config

    if not args.no_config:
        try:
            used = config.apply(args, Path(args.config) if args.config else None)
        except config.ConfigError as err:
            raise UsageError(str(err)) from err
        if used is not None and not args.quiet:
            print(f"vmjob certify: options from {used}", file=sys.stderr)
    elif args.config:
        raise UsageError("--config and --no-config: give one")
    for name, value in CONFIG_DEFAULTS.items():
        if getattr(args, name) is None:
            setattr(args, name, value)


def add_transport_options(p: argparse.ArgumentParser) -> None:
    """How long to wait, how often to restart, what to send: shared by certify and fuzz."""
    p.add_argument("--timeout", type=float, default=5.0, help="seconds to wait for one reply (default 5)")
    p.add_argument("--start-timeout", type=float, default=None, help="seconds to wait for 'start' (default 10)")
    p.add_argument("--max-restarts", type=int, default=5, help="restarts after crashes or hangs (default 5)")
    p.add_argument("--window", type=int, default=64, help="requests in flight at once with --cmd (default 64)")
    p.add_argument("--wrap", metavar="KEY", help='--url: send {"KEY": <document>} instead of the document')
    p.add_argument("--header", action="append", default=[], metavar="'NAME: VALUE'", help="--url: a header")
    p.add_argument("--level", choices=LEVELS[:2], default="required", help="required, or recommended (strict)")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "certify",
        help="run the conformance corpus against an implementation",
        description="Run the corpus against an implementation and give a rule-by-rule verdict. Exit 0 "
        "conformant, 1 not conformant, 2 usage or harness error.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=CERTIFY_EPILOG,
    )
    add_target_options(p, required=False)  # the target may come from the configuration file
    add_transport_options(p)
    add_naming_options(p)
    # None: not given; the configuration file, then the built-in default (CONFIG_DEFAULTS), fill it in.
    p.set_defaults(level=None, timeout=None)
    p.add_argument("--config", metavar="FILE", help="read this vmjob.toml or pyproject.toml ([tool.vmjob])")
    p.add_argument("--no-config", action="store_true", help="read no configuration file")
    p.add_argument("--class", dest="classes", action="append", default=[], choices=CLASSES, metavar="CLASS",
                   help=f"only this class (repeatable): {', '.join(CLASSES)}")  # fmt: skip
    p.add_argument("--kind", dest="kinds", action="append", default=[], choices=KINDS, metavar="KIND",
                   help=f"only this kind (repeatable): {', '.join(KINDS)}")  # fmt: skip
    p.add_argument(
        "--rule",
        dest="rules",
        action="append",
        default=[],
        metavar="RULE",
        help="only this rule id or dotted prefix (repeatable)",
    )
    p.add_argument("--max-fail", type=int, default=None, metavar="N", help="stop after N failures")
    p.add_argument("--seed", type=int, default=None, help="the fuzzer's seed (recorded in the report)")
    p.add_argument(
        "--fuzz",
        type=int,
        default=None,
        metavar="N",
        help=f"fuzz with N generated documents after the corpus (default {DEFAULT_FUZZ}; 0 with --one-shot, "
        "where each document costs a process, or with --rule; --fuzz 0 turns it off)",
    )
    p.add_argument("--corpus", metavar="DIR", help="a corpus directory (default: the installed corpus)")
    add_workers_option(p)
    p.add_argument(
        "--shard",
        metavar="K/N",
        help="run shard K of N: one deterministic N-th of the corpus and of the fuzz campaign (recorded in the "
        "stream's header); `vmjob report merge` puts the N streams back together into one certificate",
    )
    p.add_argument(
        "--results",
        metavar="FILE",
        default=None,
        help=f"the results stream (JSON Lines), created new: a FILE that exists is refused (default {DEFAULT_RESULTS}, "
        "or the first free results-N.jsonl beside it)",
    )
    for name in REPORT_OPTIONS:
        p.add_argument(f"--{name.replace('_', '-')}", dest=f"report_{name}", metavar="FILE",
                       help=f"{REPORT_HELP[name]} (- for standard output)")  # fmt: skip
    p.add_argument("--quiet", action="store_true", help="no progress and no summary on the terminal")
    p.set_defaults(func=run)


def add_workers_option(p: argparse.ArgumentParser) -> None:
    """``--workers N``: shared by certify and fuzz."""
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="workers, each driving its own implementation (--cmd: a process each, --url: a connection each, "
        "--python: the function imported in a process each); the same seed finds the same things whatever N "
        "(default: the number of cores)",
    )


def workers(args: argparse.Namespace) -> int:
    """The number of workers asked for (default: the cores); ``--max-fail`` runs on one (it stops at the
    N-th failure in corpus order, which needs the cases in that order)."""
    import os

    n = args.workers if args.workers is not None else (os.cpu_count() or 1)
    if n < 1:
        raise UsageError(f"--workers={n} must be >= 1")
    if getattr(args, "max_fail", None) is not None:
        return 1
    return n


def shard(option: str | None) -> tuple[int, int] | None:
    """``--shard K/N`` as ``(K, N)``."""
    if option is None:
        return None
    k, sep, n = option.partition("/")
    if not sep or not k.strip().isdigit() or not n.strip().isdigit():
        raise UsageError(f"--shard {option!r}: expected K/N, e.g. 2/4")
    kk, nn = int(k), int(n)
    if not 1 <= kk <= nn:
        raise UsageError(f"--shard {option!r}: K must be between 1 and N")
    return kk, nn


def target(args: argparse.Namespace) -> tuple[str, str]:
    for name, _ in TRANSPORT_OPTIONS:
        value = getattr(args, name.replace("-", "_"))
        if value is not None:
            if not value.strip():
                raise UsageError(f"--{name}: the target is empty")
            return name, value
    raise UsageError("one of --cmd, --one-shot, --url, --python is required")


def options(args: argparse.Namespace) -> TransportOptions:
    headers = []
    for h in args.header:
        name, sep, value = h.partition(":")
        if not sep or not name.strip() or " " in name.strip():
            raise UsageError(f"--header {h!r}: expected 'Name: value'")
        headers.append((name.strip(), value.strip()))
    # At most a day: an infinite or huge wait is a hang (and overflows the clocks the transports wait on).
    if not 0 < args.timeout <= MAX_TIMEOUT:
        raise UsageError(f"--timeout={args.timeout} must be > 0 and at most {MAX_TIMEOUT:,} seconds")
    if args.start_timeout is not None and not 0 < args.start_timeout <= MAX_TIMEOUT:
        raise UsageError(f"--start-timeout={args.start_timeout} must be > 0 and at most {MAX_TIMEOUT:,} seconds")
    if args.window < 1:
        raise UsageError(f"--window={args.window} must be >= 1")
    if args.max_restarts < 0:
        raise UsageError(f"--max-restarts={args.max_restarts} must be >= 0")
    named = {k: getattr(args, f"impl_{k}", None) for k in ("name", "version", "language")}
    for k, value in named.items():
        if value is not None and not value.strip():
            raise UsageError(f"--{k}: empty")
    if getattr(args, "cmd", None) and any(named.values()):
        given = ", ".join(f"--{k}" for k, v in named.items() if v is not None)
        raise UsageError(f"{given}: a --cmd implementation names itself in its reply to start (ADAPTER.md 1)")
    return TransportOptions(
        name=named["name"],
        version=named["version"],
        language=named["language"],
        timeout=args.timeout,
        start_timeout=args.start_timeout,
        max_restarts=args.max_restarts,
        window=args.window,
        headers=tuple(headers),
        wrap=args.wrap,
    )


def check_rules(rules: list[str]) -> None:
    for r in rules:
        if not any(rid == r or rid.startswith(r + ".") for rid in RULES):
            near = difflib.get_close_matches(r, list(RULES), n=3)
            hint = f"; did you mean {', '.join(near)}?" if near else ""
            raise UsageError(f"--rule {r!r}: no rule has that id or prefix{hint}")


def config(args: argparse.Namespace, transport: str, tgt: str) -> RunConfig:
    check_rules(args.rules)
    if args.max_fail is not None and args.max_fail < 1:
        raise UsageError(f"--max-fail={args.max_fail} must be >= 1")
    if args.fuzz is None:
        args.fuzz = 0 if transport == "one-shot" or args.rules else DEFAULT_FUZZ
    if args.fuzz < 0:
        raise UsageError(f"--fuzz={args.fuzz} must be >= 0")
    if args.corpus is not None:
        root = Path(args.corpus)
        if not root.is_dir():
            raise UsageError(f"--corpus {args.corpus!r}: no such directory")
    else:
        root = default_root()
    return RunConfig(
        level=args.level,
        kinds=tuple(args.kinds),
        classes=tuple(args.classes),
        rules=tuple(args.rules),
        max_fail=args.max_fail,
        seed=args.seed if args.seed is not None else random.randrange(2**32),
        fuzz=args.fuzz,
        timeout=args.timeout,
        corpus=root,
        transport={"kind": transport, "target": tgt},
        options=options(args),
        shard=shard(args.shard),
    )


def run(args: argparse.Namespace) -> int:
    # Imported here, not at the top: `vmjob certify --help` imports this module, and the report renderers
    # would add about a third to its start.
    from ..reports import ReportError, build_report, read_stream, render_text, write_reports
    from ..reports.progress import Progress
    from ..reports.text import use_colour

    apply_configuration(args)
    transport, tgt = target(args)
    cfg = config(args, transport, tgt)
    n = workers(args)
    try:
        if not any_selected(cfg):
            raise UsageError(f"no corpus case matches the filters in {cfg.corpus}")
        # Counting reads the corpus once more: only done when there is a terminal to show progress on.
        total = count_selected(cfg) if not args.quiet and sys.stderr.isatty() else 0
    except CorpusError as err:
        raise UsageError(f"the corpus cannot be read: {err}") from err
    wanted = {n: getattr(args, f"report_{n}") for n in REPORT_OPTIONS if getattr(args, f"report_{n}")}
    # `--json -`: that report goes to standard output, and the summary to standard error.
    to_stdout = [n for n, path in wanted.items() if path == "-"]
    if len(to_stdout) > 1:
        raise UsageError(f"{', '.join('--' + n.replace('_', '-') for n in to_stdout)}: only one report can go to -")
    piped = to_stdout[0] if to_stdout else None
    wanted = {n: path for n, path in wanted.items() if path != "-"}
    stream = open_stream(args.results)
    results = stream.path
    try:
        impl = open_implementation(transport, tgt, options(args))
        impl.start()
    except TransportError as err:
        stream.close()
        results.unlink(missing_ok=True)  # nothing was run: leave no empty stream behind
        raise UsageError(str(err)) from err
    progress = None if args.quiet else Progress(total, stream=sys.stderr, fuzz=cfg.fuzz)
    try:
        if n > 1:
            from ..parallel import ParallelRunner

            summary = ParallelRunner(impl, cfg, stream, progress.update if progress else None, n).run()
        else:
            summary = Runner(impl, cfg, stream, progress.update if progress else None).run()
    finally:
        if progress is not None:
            progress.close()
        stream.close()
        impl.close()
    conformant = bool(summary["conformant"])
    # The report holds every result; it is built only when asked for (files, or the terminal summary), so
    # a --quiet run's memory stays flat however many cases it has.
    if wanted or piped or not args.quiet:
        try:
            report = build_report(read_stream(results), cfg.level)
            if wanted:
                write_reports(report, **wanted)
        except ReportError as err:
            raise UsageError(str(err)) from err
        conformant = bool(report["conformant"])
        if piped:
            sys.stdout.write(_render(piped, report))
            sys.stdout.flush()
        if not args.quiet:
            out = sys.stderr if piped else sys.stdout
            text = render_text(report, stream=results, reports=wanted, colour=use_colour(out))
            print(text, end="", file=out)
    return 0 if conformant else 1


def _render(name: str, report: dict[str, Any]) -> str:
    """One report as text, for `--NAME -` (standard output)."""
    from ..reports import badge_endpoint, render_badge_svg, render_html, render_json, render_junit, render_markdown

    if name == "badge_endpoint":
        return render_json(badge_endpoint(report))
    renderers = {"json": render_json, "junit": render_junit, "markdown": render_markdown, "html": render_html,
                 "badge": render_badge_svg}  # fmt: skip
    return renderers[name](report)


def open_stream(option: str | None) -> ResultsStream:
    """The results stream, created new: ``--results FILE`` must not exist; the default path gives way to a
    numbered name beside it. Never truncates an earlier run's stream."""
    try:
        return ResultsStream(Path(option or DEFAULT_RESULTS), beside=option is None)
    except StreamExists as err:
        raise UsageError(f"--results: {err}") from err
    except OSError as err:
        raise UsageError(f"--results {option or DEFAULT_RESULTS!r}: cannot write: {err.strerror or err}") from err
