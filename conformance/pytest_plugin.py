"""pytest plugin: ``pytest --vmjob-cmd 'COMMAND'`` turns each corpus case into a test item named by its id.

So a project runs the suite inside its own CI and sees which rules it breaks, test by test: a pass is
passed, a fail is failed with expected vs got, a case outside the claim is skipped, and a fault (timeout,
crash, protocol error, not run) is failed with its evidence. A failure of a rule that does not count at
``--vmjob-level`` is an xfail, so it is seen without breaking the build. An implementation that cannot start
(a command that exits, a service that refuses connections) is one usage error (exit status 4) before any case
runs, not a failure per case.

Inactive without a ``--vmjob-*`` target option: the module imports nothing beyond pytest until then, so it
costs every other pytest run in the environment nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .corpus import Case
    from .transports.base import Implementation

TARGETS = ("cmd", "one-shot", "url", "python")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("vmjob", "VM Operations Job Protocol v1 conformance (vmjob)")
    group.addoption("--vmjob-cmd", metavar="COMMAND", help="certify a persistent adapter-protocol implementation")
    group.addoption("--vmjob-one-shot", metavar="COMMAND", help="certify a one-process-per-document command")
    group.addoption("--vmjob-url", metavar="URL", help="certify an HTTP service ({kind} is replaced)")
    group.addoption("--vmjob-python", metavar="MODULE:FUNCTION", help="certify an in-process Python function")
    group.addoption("--vmjob-level", choices=("required", "recommended"), default="required",
                    help="the certification level (recommended: strict)")  # fmt: skip
    group.addoption("--vmjob-class", action="append", default=[], metavar="CLASS", help="only this class")
    group.addoption("--vmjob-kind", action="append", default=[], metavar="KIND", help="only this kind")
    group.addoption("--vmjob-rule", action="append", default=[], metavar="RULE", help="only this rule (or prefix)")
    group.addoption("--vmjob-corpus", metavar="DIR", help="a corpus directory (default: the installed corpus)")
    group.addoption("--vmjob-timeout", type=float, default=5.0, metavar="SECONDS", help="per-request timeout")


def _target(config: pytest.Config) -> tuple[str, str] | None:
    chosen = [(t, config.getoption(f"--vmjob-{t}")) for t in TARGETS if config.getoption(f"--vmjob-{t}")]
    if len(chosen) > 1:
        raise pytest.UsageError(f"give one of --vmjob-{', --vmjob-'.join(TARGETS)}, not {len(chosen)}")
    return chosen[0] if chosen else None


def pytest_configure(config: pytest.Config) -> None:
    target = _target(config)
    if target is not None:
        config.addinivalue_line("markers", "vmjob: a case of the vmjob conformance corpus")
        config.pluginmanager.register(VmjobSession(config, *target), "vmjob-session")


class VmjobFailure(Exception):
    """A case that did not pass (fail or fault), with what :meth:`VmjobItem.repr_failure` shows."""


class VmjobSession:
    """Holds the implementation (started at the first case, closed at the end) and adds the case items."""

    def __init__(self, config: pytest.Config, transport: str, target: str) -> None:
        self.config = config
        self.transport = transport
        self.target = target
        self.level: str = config.getoption("--vmjob-level")
        self._impl: Implementation | None = None
        self._broken: str | None = None

    def implementation(self) -> Implementation:
        from .transports import TransportError

        if self._broken:
            raise VmjobFailure(self._broken)
        if self._impl is None:
            try:
                self._impl = self._start()
            except TransportError as err:
                self._broken = self._cannot(err)
                raise VmjobFailure(self._broken) from err
        return self._impl

    def _start(self) -> Implementation:
        from .transports import TransportOptions, open_implementation

        options = TransportOptions(timeout=self.config.getoption("--vmjob-timeout"))
        impl = open_implementation(self.transport, self.target, options)
        impl.start()
        return impl

    def _cannot(self, err: Exception) -> str:
        return f"cannot certify --vmjob-{self.transport} {self.target!r}: {err}"

    def gone(self, message: str) -> None:
        self._broken = f"not run: {message}"

    @pytest.hookimpl(tryfirst=True)  # before -k / -m deselect, so they apply to the cases too
    def pytest_collection_modifyitems(self, session: pytest.Session, items: list[pytest.Item]) -> None:
        items.extend(VmjobCorpus.from_parent(session, name="vmjob").collect())

    @pytest.hookimpl(tryfirst=True)  # before pytest-xdist starts its workers
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        """Under pytest-xdist the controller runs no case, and a worker's usage error is lost (the worker just
        dies): the controller starts the implementation once, to stop the session with the reason."""
        from .transports import TransportError

        xdist_controller = getattr(self.config.option, "dist", "no") != "no" and not hasattr(self.config, "workerinput")
        if not xdist_controller or self.config.getoption("collectonly"):
            return
        try:
            self._start().close()
        except TransportError as err:
            raise pytest.UsageError(self._cannot(err)) from err

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        """Start the implementation once the cases to run are known, so that one that cannot start (a
        command that exits, a service that refuses connections) is one usage error, not a failure per case.
        (An xdist worker leaves it to its first case: the controller has checked it already.)"""
        from .transports import TransportError

        if self._impl is not None or self.config.getoption("collectonly") or hasattr(self.config, "workerinput"):
            return
        if not any(isinstance(item, VmjobItem) for item in session.items):
            return
        try:
            self._impl = self._start()
        except TransportError as err:
            raise pytest.UsageError(self._cannot(err)) from err

    def pytest_sessionfinish(self) -> None:
        if self._impl is not None:
            self._impl.close()
            self._impl = None


class VmjobCorpus(pytest.Collector):
    def collect(self) -> list[pytest.Item]:
        from .corpus import CorpusError, default_root, load_corpus, select

        config = self.config
        root_opt = config.getoption("--vmjob-corpus")
        root = Path(root_opt) if root_opt else default_root()
        try:
            cases = load_corpus(root)
        except (CorpusError, OSError) as err:
            raise pytest.UsageError(f"--vmjob-corpus: {err}") from err
        chosen = select(cases, config.getoption("--vmjob-kind"), config.getoption("--vmjob-class"),
                        config.getoption("--vmjob-rule"))  # fmt: skip
        if not chosen:
            raise pytest.UsageError(
                f"no corpus case in {root} matches the --vmjob-kind/--vmjob-class/--vmjob-rule filters"
            )
        return [VmjobItem.from_parent(self, name=c.id, case=c, root=root) for c in chosen]


class VmjobItem(pytest.Item):
    def __init__(self, *, case: Case, root: Path, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case
        self.source = root / case.source
        self.add_marker(pytest.mark.vmjob)

    @property
    def session_plugin(self) -> VmjobSession:
        plugin = self.config.pluginmanager.get_plugin("vmjob-session")
        assert isinstance(plugin, VmjobSession)
        return plugin

    def runtest(self) -> None:
        from .evaluate import evaluate
        from .runner import claimed
        from .summary import counted_levels
        from .transports import ImplementationGone

        plugin = self.session_plugin
        impl = plugin.implementation()
        case = self.case
        assert impl.info is not None
        why = claimed(impl.info, case)
        if why:
            pytest.skip(why)
        try:
            if case.mode == "match":
                reply = impl.match(list(case.required), list(case.available))
            elif case.mode == "roundtrip":
                assert case.data is not None
                reply = impl.roundtrip(case.kind, case.data)
            else:
                assert case.data is not None
                reply = impl.validate(case.kind, case.data)
        except ImplementationGone as err:
            plugin.gone(str(err))
            raise VmjobFailure(f"not-run: {err}") from err
        outcome, got, message = evaluate(case, reply, impl.reports_warnings)
        if outcome == "pass":
            return
        if outcome == "skip":
            pytest.skip(message)
        if outcome == "fail" and case.level not in counted_levels(plugin.level):
            pytest.xfail(f"{case.level} rule {case.rule}, not counted at --vmjob-level {plugin.level}: {message}")
        raise VmjobFailure(self._explain(outcome, got, message, reply.stderr))

    def _explain(self, outcome: str, got: Any, message: str, stderr: str) -> str:
        import json

        case = self.case
        lines = [
            f"{case.id}: {outcome} — rule {case.rule} ({case.level}, class {case.klass}, kind {case.kind})",
            f"  {case.description}",
            f"  expected: {json.dumps(case.expected(), ensure_ascii=False)}",
            f"  got:      {json.dumps(got, ensure_ascii=False)}",
            f"  {message}" if message else "",
        ]
        if case.text is not None and len(case.text) <= 2000:
            lines.append(f"  document: {case.text}")
        if stderr:
            lines.append("  stderr: " + stderr[:2000].replace("\n", "\n    "))
        return "\n".join(line for line in lines if line)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, VmjobFailure):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo, style=style))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.source, None, f"vmjob {self.case.id}"
