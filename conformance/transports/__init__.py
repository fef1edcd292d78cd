"""The four transports of ADAPTER.md: how the runner talks to an implementation under test."""

from __future__ import annotations

from collections.abc import Callable

from .base import CannotStart, Implementation, ImplementationGone, TransportError, TransportOptions, WrongProtocol
from .http import Http
from .inprocess import InProcess
from .oneshot import OneShot
from .persistent import Persistent

#: Transport name (the certify option without its dashes) -> the class that drives it, made from the target.
TRANSPORTS: dict[str, Callable[[str, TransportOptions], Implementation]] = {
    "cmd": Persistent,
    "one-shot": OneShot,
    "url": Http,
    "python": InProcess,
}


def open_implementation(transport: str, target: str, options: TransportOptions | None = None) -> Implementation:
    """An implementation for ``transport`` (``cmd``, ``one-shot``, ``url``, ``python``) and its target."""
    options = options or TransportOptions()
    if transport in TRANSPORTS:
        return TRANSPORTS[transport](target, options)
    raise TransportError(f"transport={transport!r} is not available; expected one of cmd, one-shot, url, python")


__all__ = [
    "TRANSPORTS",
    "CannotStart",
    "Http",
    "Implementation",
    "ImplementationGone",
    "InProcess",
    "OneShot",
    "Persistent",
    "TransportError",
    "TransportOptions",
    "WrongProtocol",
    "open_implementation",
]
