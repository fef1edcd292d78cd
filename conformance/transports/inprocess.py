"""In-process Python: ``--python module:function``, ``function(kind, text) -> bool | validate-reply mapping``.

The fastest transport, for Python implementations and the suite's own tests. An exception raised by the
function is an ``errored`` outcome with the exception named, never a crash of the suite. The function runs
on a worker thread so that a call that never returns is a ``timeout`` after ``--timeout`` seconds (the
thread is abandoned; past ``--max-restarts`` such hangs the rest is not run); what it returns is reduced
to bounded plain data at once (its objects may be deep, cyclic or huge).
"""

from __future__ import annotations

import importlib
import os
import queue
import reprlib
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from ..model import ImplInfo, Reply
from .base import Implementation, ImplementationGone, TransportError, TransportOptions

ValidateFunction = Callable[[str, str], Any]


def load_function(spec: str) -> ValidateFunction:
    """Import ``module:function``; a clear :class:`TransportError` when it cannot be found."""
    module_name, sep, attr = spec.partition(":")
    if not sep or not module_name or not attr:
        raise TransportError(f"--python {spec!r}: expected MODULE:FUNCTION, e.g. mypkg.validator:validate")
    # As `python -m` does: a module of the current directory is importable, also from the `vmjob` script.
    if os.getcwd() not in sys.path and "" not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        module = importlib.import_module(module_name)
    except ImportError as err:
        raise TransportError(f"--python {spec!r}: cannot import {module_name!r}: {err}") from err
    fn: object = getattr(module, attr, None)
    if not callable(fn):
        raise TransportError(f"--python {spec!r}: {module_name!r} has no callable {attr!r}")
    return fn


#: Issues kept from one reply, and characters of each field.
MAX_ISSUES = 100
MAX_FIELD = 2000
_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 200
_REPR.maxlevel = 3


def _issues(items: Any) -> tuple[dict[str, Any], ...] | None:
    """Issues as plain bounded dicts (only string ``pointer`` / ``message`` / ``rule`` kept), or None when
    ``items`` is not a list: whatever objects a function returns, nothing downstream walks them."""
    if items is None:
        return ()
    if not isinstance(items, (list, tuple)):
        return None
    out = []
    for item in items[:MAX_ISSUES]:
        if isinstance(item, Mapping):
            out.append({k: v[:MAX_FIELD] for k in ("pointer", "message", "rule") if isinstance(v := item.get(k), str)})
        else:
            out.append({"message": _REPR.repr(item)})
    return tuple(out)


def reply_from_value(value: Any) -> Reply:
    """A bool or a ``validate``-shaped mapping, as a :class:`Reply`; anything else is ``errored``."""
    if isinstance(value, bool):
        return Reply("ok", valid=value)
    if isinstance(value, Mapping):
        if value.get("skipped") is True:
            reason = value.get("reason", "")
            return Reply("declined", message=f"declined by the implementation: {_text(reason)}")
        if value.get("errored") is True:
            return Reply("errored", message=f"the implementation reported an error: {_text(value.get('message', ''))}")
        if isinstance(value.get("valid"), bool):
            errors, warnings = _issues(value.get("errors")), _issues(value.get("warnings"))
            if errors is not None and warnings is not None:
                return Reply("ok", valid=value["valid"], errors=errors, warnings=warnings)
    return Reply(
        "errored",
        message=f"the function returned {type(value).__name__} {_REPR.repr(value)}, "
        "expected a bool or a mapping with a boolean 'valid'",
    )


def _text(value: Any) -> str:
    return value[:MAX_FIELD] if isinstance(value, str) else _REPR.repr(value)


#: Calls queued on the worker thread at once.
WINDOW = 256


def _as_text(data: bytes) -> str:
    """The function takes text: bytes that are not UTF-8 reach it with the bad bytes as surrogates."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("utf-8", "surrogateescape")


class _Worker:
    """One thread that runs the function, so that a call can be given up on at its deadline: a function
    that hangs is a ``timeout``, and the next call runs on a fresh thread (the stuck one is abandoned)."""

    def __init__(self, fn: ValidateFunction) -> None:
        self.fn = fn
        self.requests: queue.SimpleQueue[tuple[str, str] | None] = queue.SimpleQueue()
        self.replies: queue.SimpleQueue[Reply] = queue.SimpleQueue()
        threading.Thread(target=self._loop, name="vmjob-inprocess", daemon=True).start()

    def _loop(self) -> None:
        while (request := self.requests.get()) is not None:
            self.replies.put(self._call(*request))

    def _call(self, kind: str, text: str) -> Reply:
        try:
            return reply_from_value(self.fn(kind, text))
        except Exception as err:  # noqa: BLE001 - any exception of the implementation is its fault, recorded
            return Reply("errored", message=f"the function raised {type(err).__name__}: {_text(str(err))[:500]}")
        except SystemExit as err:  # sys.exit() inside the function must not end the suite
            return Reply("crash", message=f"the function called sys.exit({_REPR.repr(err.code)})")
        except BaseException as err:  # noqa: BLE001 - e.g. GeneratorExit raised by the function itself
            return Reply("crash", message=f"the function raised {type(err).__name__}")

    def stop(self) -> None:
        self.requests.put(None)


class InProcess(Implementation):
    def __init__(
        self, fn: ValidateFunction | str, options: TransportOptions | None = None, info: ImplInfo | None = None
    ) -> None:
        self.spec = fn if isinstance(fn, str) else f"{fn.__module__}:{fn.__qualname__}"
        self.fn = load_function(fn) if isinstance(fn, str) else fn
        self.options = options or TransportOptions()
        self._info = info
        self._worker: _Worker | None = None
        self.restarts = 0
        self._gone: str | None = None

    def start(self) -> ImplInfo:
        self.info = self._info or ImplInfo(
            name=self.options.name or self.spec,
            version=self.options.version or "unknown",
            language=self.options.language or "python",
            kinds=("job", "result", "progress", "worker"),
            classes=("core", "payload", "result", "progress", "worker"),
        )
        return self.info

    def validate(self, kind: str, data: bytes) -> Reply:
        return next(iter(self.validate_many([(kind, data)])))

    def validate_many(self, items: Iterable[tuple[str, bytes]]) -> Iterator[Reply]:
        """Replies in order, up to :data:`WINDOW` calls queued on the worker thread at once, so that the
        thread runs call after call without waiting for this one; the items are read in the caller's thread.
        The deadline of a call runs from the reply before it: past it, the call is a ``timeout``, the worker
        is abandoned and the calls queued behind it go to a fresh one."""
        source = iter(items)
        pending: deque[tuple[str, str]] = deque()
        resend: deque[tuple[str, str]] = deque()
        try:
            while True:
                if self._gone:
                    raise ImplementationGone(self._gone)
                worker = self._worker = self._worker or _Worker(self.fn)
                while len(pending) < WINDOW:
                    if resend:
                        request = resend.popleft()
                    elif (item := next(source, None)) is not None:
                        request = (item[0], _as_text(item[1]))
                    else:
                        break
                    worker.requests.put(request)
                    pending.append(request)
                if not pending:
                    return
                try:
                    reply = worker.replies.get(timeout=self.options.timeout)
                except queue.Empty:
                    pending.popleft()
                    resend.extendleft(reversed(pending))
                    pending.clear()
                    self._abandon()
                    self.restarts += 1
                    if self.restarts > self.options.max_restarts:
                        self._gone = (
                            f"the function hung {self.restarts} times (more than --max-restarts "
                            f"{self.options.max_restarts}); the remaining cases are not run"
                        )
                    yield Reply("timeout", message=f"the function did not return within {self.options.timeout:g} s")
                    continue
                pending.popleft()
                yield reply
        finally:
            if pending:  # the caller stopped early: the calls still queued would answer the next request
                self._abandon()

    def _abandon(self) -> None:
        """Give up on the worker thread: it cannot be killed, and stops once its queued calls return, if ever."""
        if self._worker is not None:
            self._worker.stop()
            self._worker = None

    def close(self) -> None:
        self._abandon()
