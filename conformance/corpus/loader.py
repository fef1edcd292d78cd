"""The fixture corpus: language-neutral JSON files of cases, loaded into small frozen classes.

A corpus file is ``{"description": "...", "cases": [CASE, ...]}`` and lives under
``corpus/<kind>/<class>/`` (``corpus/capabilities/`` and ``corpus/roundtrip/`` for those classes).
``corpus/README.md`` documents the case format; ``corpus/case.schema.json`` states it.

A case asks one of three things of an implementation, by its class:

* ``validate`` (classes core, payload, result, progress, worker): is this document valid? ``valid`` is the
  expected verdict, ``pointer`` the fault's location for an invalid case, ``warnings`` the pointers of
  expected warnings;
* ``match`` (class capabilities): do ``available`` capabilities cover ``required``? ``ok`` and ``missing``;
* ``roundtrip`` (class roundtrip): written back, does the document keep every member and gain none?
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

MODES = {"capabilities": "match", "roundtrip": "roundtrip"}


class CorpusError(Exception):
    """The corpus (or one file of it) cannot be read; the message names the file and the problem."""


@dataclass(frozen=True, slots=True)
class Case:
    id: str
    kind: str
    klass: str
    rule: str
    level: str
    description: str
    #: Where the case was read from, relative to the corpus root.
    source: str = ""
    #: ``validate`` and ``roundtrip``: the exact bytes sent to the implementation.
    data: bytes | None = None
    #: How the document is written in the file: ``document`` (JSON), ``document_text`` or ``document_base64``.
    form: str = "document"
    valid: bool | None = None
    pointer: str | None = None
    warnings: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    available: tuple[str, ...] = ()
    ok: bool | None = None
    missing: tuple[str, ...] = ()

    @property
    def mode(self) -> str:
        return MODES.get(self.klass, "validate")

    @property
    def text(self) -> str | None:
        """The document as text, or None when its bytes are not UTF-8."""
        if self.data is None:
            return None
        try:
            return self.data.decode("utf-8")
        except UnicodeDecodeError:
            return None

    def expected(self) -> dict[str, Any]:
        """The expectation as it appears in results and reports."""
        if self.mode == "match":
            return {"ok": self.ok, "missing": list(self.missing)}
        if self.mode == "roundtrip":
            return {"preserved": True}
        out: dict[str, Any] = {"valid": self.valid}
        if self.pointer is not None:
            out["pointer"] = self.pointer
        if self.warnings:
            out["warnings"] = list(self.warnings)
        return out


def document_bytes(raw: dict[str, Any]) -> tuple[bytes | None, str]:
    """The exact bytes a case's document stands for, and the form it is written in."""
    if "document_base64" in raw:
        return base64.b64decode(raw["document_base64"], validate=True), "document_base64"
    if "document_text" in raw:
        return raw["document_text"].encode("utf-8", "surrogatepass"), "document_text"
    if "document" in raw:
        return json.dumps(raw["document"], ensure_ascii=False, separators=(",", ":")).encode("utf-8"), "document"
    return None, "none"


def case_from_json(raw: dict[str, Any], source: str = "") -> Case:
    data, form = document_bytes(raw)
    return Case(
        id=raw["id"],
        kind=raw["kind"],
        klass=raw["class"],
        rule=raw["rule"],
        level=raw["level"],
        description=raw["description"],
        source=source,
        data=data,
        form=form,
        valid=raw.get("valid"),
        pointer=raw.get("pointer"),
        warnings=tuple(raw.get("warnings", ())),
        required=tuple(raw.get("required", ())),
        available=tuple(raw.get("available", ())),
        ok=raw.get("ok"),
        missing=tuple(raw.get("missing", ())),
    )


def default_root() -> Path:
    """The corpus shipped with the suite (the repository's ``corpus/``).

    ``vmjob_corpus`` has no ``__init__.py``, so it is a namespace package; under an editable install its
    path also holds the installer's path-hook entry, which ``importlib.resources`` refuses. The first real
    directory of its path is the corpus.
    """
    try:
        import vmjob_corpus

        for entry in vmjob_corpus.__path__:
            if Path(entry).is_dir():
                return Path(entry)
    except ImportError:
        pass
    try:
        return Path(str(resources.files("vmjob_corpus")))
    except (ImportError, NotADirectoryError, TypeError):
        return Path(__file__).resolve().parents[2] / "corpus"


def corpus_files(root: Path | None = None) -> list[Path]:
    root = root or default_root()
    return sorted(p for p in root.rglob("*.json") if p.name != "case.schema.json")


def read_text_and_json(path: Path) -> tuple[str, Any]:
    """A corpus file's exact text and its JSON value; :class:`CorpusError` saying why when it is no UTF-8 JSON
    (the caller prefixes the file's name as it shows it)."""
    try:
        text = path.read_text(encoding="utf-8")
        return text, json.loads(text)
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise CorpusError(f"cannot read the file as UTF-8 JSON: {err}") from err


def cases_of(body: Any) -> list[dict[str, Any]]:
    """The ``cases`` of a corpus file's JSON value; :class:`CorpusError` when it is not shaped as one."""
    cases = body.get("cases") if isinstance(body, dict) else None
    if not isinstance(cases, list):
        raise CorpusError("a corpus file is an object with a 'cases' array")
    return cases


def read_file(path: Path, root: Path) -> list[dict[str, Any]]:
    rel = path.relative_to(root).as_posix()
    try:
        return cases_of(read_text_and_json(path)[1])
    except CorpusError as err:
        raise CorpusError(f"{rel}: {err}") from err


def iter_cases(root: Path | None = None) -> Iterator[Case]:
    """Every case of the corpus, file by file, in a stable order."""
    root = root or default_root()
    for path in corpus_files(root):
        rel = path.relative_to(root).as_posix()
        for i, raw in enumerate(read_file(path, root)):
            try:
                yield case_from_json(raw, rel)
            except (KeyError, TypeError, ValueError) as err:
                raise CorpusError(
                    f"{rel}: case #{i} ({raw.get('id', 'no id') if isinstance(raw, dict) else raw!r}) "
                    f"is malformed: {type(err).__name__}: {err}"
                ) from err


def load_corpus(root: Path | None = None) -> list[Case]:
    return list(iter_cases(root))


def select(
    cases: Iterable[Case], kinds: Iterable[str] = (), classes: Iterable[str] = (), rules: Iterable[str] = ()
) -> list[Case]:
    """Filter cases; an empty filter keeps everything. A rule filter matches an id or an id prefix + '.'."""
    kinds, classes, rules = set(kinds), set(classes), tuple(rules)
    return [
        c
        for c in cases
        if (not kinds or c.kind in kinds)
        and (not classes or c.klass in classes)
        and (not rules or any(c.rule == r or c.rule.startswith(r + ".") for r in rules))
    ]


def digest(root: Path | None = None) -> str:
    """A SHA-256 over the corpus files' paths and bytes: the corpus a certificate was made against."""
    root = root or default_root()
    h = hashlib.sha256()
    for path in corpus_files(root):
        h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return "sha256:" + h.hexdigest()
