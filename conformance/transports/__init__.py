"""The four transports of ADAPTER.md: how the runner talks to an implementation under test."""

from __future__ import annotations

from .base import Implementation, TransportError, TransportOptions
from .inprocess import InProcess


def open_implementation(transport: str, target: str, options: TransportOptions | None = None) -> Implementation:
    """An implementation for ``transport`` (``cmd``, ``one-shot``, ``url``, ``python``) and its target."""
    options = options or TransportOptions()
    if transport == "python":
        return InProcess(target, options)
    raise TransportError(f"transport={transport!r} is not available; expected one of cmd, one-shot, url, python")


__all__ = ["Implementation", "InProcess", "TransportError", "TransportOptions", "open_implementation"]
