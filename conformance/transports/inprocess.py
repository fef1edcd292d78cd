"""In-process Python: ``--python module:function``, ``function(kind, text) -> bool | validate-reply mapping``.

The fastest transport, for Python implementations and the suite's own tests. An exception raised by the
function is an ``errored`` outcome with the exception named, never a crash of the suite.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Mapping
from typing import Any

from ..model import ImplInfo, Reply
from .base import Implementation, TransportError, TransportOptions

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
    fn = getattr(module, attr, None)
    if not callable(fn):
        raise TransportError(f"--python {spec!r}: {module_name!r} has no callable {attr!r}")
    return fn  # type: ignore[no-any-return]


def reply_from_value(value: Any) -> Reply:
    """A bool or a ``validate``-shaped mapping, as a :class:`Reply`; anything else is ``errored``."""
    if isinstance(value, bool):
        return Reply("ok", valid=value)
    if isinstance(value, Mapping):
        if value.get("skipped") is True:
            return Reply("skipped", message=f"skipped by the implementation: {value.get('reason', '')}")
        if value.get("errored") is True:
            return Reply("errored", message=str(value.get("message", "")))
        if isinstance(value.get("valid"), bool):
            errors = value.get("errors") or ()
            warnings = value.get("warnings") or ()
            if isinstance(errors, (list, tuple)) and isinstance(warnings, (list, tuple)):
                return Reply("ok", valid=value["valid"], errors=tuple(errors), warnings=tuple(warnings))
    return Reply(
        "errored",
        message=f"the function returned {type(value).__name__} {value!r:.200}, "
        "expected a bool or a mapping with a boolean 'valid'",
    )


class InProcess(Implementation):
    def __init__(
        self, fn: ValidateFunction | str, options: TransportOptions | None = None, info: ImplInfo | None = None
    ) -> None:
        self.spec = fn if isinstance(fn, str) else f"{fn.__module__}:{fn.__qualname__}"
        self.fn = load_function(fn) if isinstance(fn, str) else fn
        self.options = options or TransportOptions()
        self._info = info

    def start(self) -> ImplInfo:
        self.info = self._info or ImplInfo(
            name=self.spec,
            version="unknown",
            language="python",
            kinds=("job", "result", "progress", "worker"),
            classes=("core", "payload", "result", "progress", "worker"),
        )
        return self.info

    def validate(self, kind: str, data: bytes) -> Reply:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            # The function takes text: bytes that are not UTF-8 reach it with the bad bytes as surrogates.
            text = data.decode("utf-8", "surrogateescape")
        try:
            return reply_from_value(self.fn(kind, text))
        except Exception as err:  # noqa: BLE001 - any exception of the implementation is its fault, recorded
            return Reply("errored", message=f"the function raised {type(err).__name__}: {err!s:.500}")
        except SystemExit as err:  # sys.exit() inside the function must not end the suite
            return Reply("crash", message=f"the function called sys.exit({err.code!r})")
