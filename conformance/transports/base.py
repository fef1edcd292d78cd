"""What every transport offers the runner and the fuzzer: one implementation under test.

Lifecycle: ``start()`` (the implementation's self-description), then any number of ``validate`` /
``roundtrip`` / ``match`` requests, then ``close()``. Every request returns a :class:`Reply`; a transport
never raises for anything the implementation does wrong (a hang, a crash, garbage): it records it in the
reply's ``status``. It raises :class:`TransportError` only when the implementation cannot be used at all,
with a message a person can act on: :class:`CannotStart` and :class:`WrongProtocol` from ``start()``,
:class:`ImplementationGone` from a request once the restart budget is spent (the rest is not run).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from ..model import ImplInfo, Reply


class TransportError(Exception):
    """The implementation cannot be driven at all; the message says why and what to do."""


class CannotStart(TransportError):
    """The implementation did not start: it exited, hung, or answered ``start`` with something unreadable."""


class WrongProtocol(TransportError):
    """The implementation answered ``start`` with another adapter protocol number."""


class ImplementationGone(TransportError):
    """The restart budget is spent: the implementation kept crashing or hanging. Remaining cases are not run."""


@dataclass(frozen=True)
class TransportOptions:
    #: Seconds to wait for one reply.
    timeout: float = 5.0
    #: Restarts allowed after crashes or hangs before the remaining cases are reported as not run.
    max_restarts: int = 5
    #: Seconds to wait for the reply to ``start`` (None: the larger of ``timeout`` and 10 s).
    start_timeout: float | None = None
    #: Requests in flight at once (persistent transport).
    window: int = 64
    #: HTTP: extra headers, and the key to wrap the document in.
    headers: tuple[tuple[str, str], ...] = ()
    wrap: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
    #: What the reports call an implementation that does not name itself (--name, --version, --language).
    name: str | None = None
    version: str | None = None
    language: str | None = None


class Implementation(ABC):
    """An implementation under test, driven through one transport."""

    info: ImplInfo | None = None
    #: Whether replies can carry warnings (one-shot's exit status cannot): cases that expect a warning are
    #: judged on their verdict alone and recorded as skipped when it cannot.
    reports_warnings: bool = True

    @abstractmethod
    def start(self) -> ImplInfo: ...

    @abstractmethod
    def validate(self, kind: str, data: bytes) -> Reply: ...

    def validate_many(self, items: Iterable[tuple[str, bytes]]) -> Iterator[Reply]:
        """Replies in request order; transports that can pipeline override this."""
        for kind, data in items:
            yield self.validate(kind, data)

    def roundtrip(self, kind: str, data: bytes) -> Reply:
        return Reply("skipped", message="this transport has no roundtrip request")

    def match(self, required: list[str], available: list[str]) -> Reply:
        return Reply("skipped", message="this transport has no match request")

    def close(self) -> None:  # noqa: B027 - optional hook: most transports hold nothing
        pass

    def __enter__(self) -> Implementation:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
