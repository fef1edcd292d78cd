"""The harness reaches the reference only through its public face: the names ``reference.__all__`` lists.

The oracle's private modules (``reference._parse``, ``reference._rules``, ...) may change shape at any time;
a harness module that imports one breaks with them, and a reader cannot tell from ``reference/__init__.py``
what the harness relies on. So every module of ``conformance/`` and every test outside ``tests/reference/``
(which tests the reference's own insides) is read with ``ast``, and none may

* import a private module of the reference (``import reference._parse``, ``from reference._rules import ...``,
  ``from reference import _parse``),
* import an underscore name from it (``from reference._parse import _big_int``), or
* take one as an attribute (``reference._rules.KIND_CLASS``),

and a name it imports from ``reference`` itself must be one the package exports. The imports are read from
the source, not by importing, so a function-level import counts like any other.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import reference

ROOT = Path(__file__).resolve().parent.parent
#: Folders whose code must use the public face; ``tests/reference/`` tests the reference's own modules.
CHECKED = ("conformance", "tests")
EXEMPT = (ROOT / "tests" / "reference",)
#: The reference's public modules, besides the package itself.
PUBLIC_MODULES = frozenset({"reference.builder", "reference.models", "reference.spec"})


@dataclass(frozen=True, slots=True)
class Reach:
    """One place a module reaches into the reference: where, and what it names."""

    path: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _files() -> list[Path]:
    return sorted(
        path
        for folder in CHECKED
        for path in (ROOT / folder).rglob("*.py")
        if not any(path.is_relative_to(exempt) for exempt in EXEMPT)
    )


def _bound_to_reference(tree: ast.AST) -> set[str]:
    """The names under which a module holds the ``reference`` package (``import reference``, ``as ref``)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "reference" or (alias.asname is None and alias.name.startswith("reference.")):
                    names.add(alias.asname or "reference")
    return names


def reaches(source: str, rel: str) -> Iterator[Reach]:
    """Every private name of the reference that the module ``rel`` (its text ``source``) imports or reads."""
    tree = ast.parse(source, rel)
    exported = set(reference.__all__)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "reference" and any(_private(p) for p in parts[1:]):
                    yield Reach(rel, node.lineno, f"import {alias.name}")
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            parts = node.module.split(".")
            if parts[0] != "reference":
                continue
            if any(_private(p) for p in parts[1:]):
                yield Reach(rel, node.lineno, f"from {node.module} import {', '.join(a.name for a in node.names)}")
                continue
            for alias in node.names:
                if _private(alias.name):
                    yield Reach(rel, node.lineno, f"from {node.module} import {alias.name}")
                elif node.module == "reference" and not _exported(alias.name, exported):
                    yield Reach(rel, node.lineno, f"from reference import {alias.name} (not in __all__)")
    names = _bound_to_reference(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in names:
            if _private(node.attr):
                yield Reach(rel, node.lineno, f"{node.value.id}.{node.attr}")


def _exported(name: str, exported: set[str]) -> bool:
    return name in exported or f"reference.{name}" in PUBLIC_MODULES or name.startswith("__")


FILES = _files()


def test_the_scan_reads_the_harness() -> None:
    rels = {p.relative_to(ROOT).as_posix() for p in FILES}
    assert "conformance/cli.py" in rels and "tests/test_public_api.py" in rels
    assert not any(r.startswith("tests/reference/") for r in rels)


@pytest.mark.parametrize("path", FILES, ids=[p.relative_to(ROOT).as_posix() for p in FILES])
def test_no_private_name_of_the_reference_is_reached(path: Path) -> None:
    found = [str(r) for r in reaches(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix())]
    assert not found, (
        "reach the reference through the names reference.__all__ lists (from reference import ...), or export "
        "what is missing there and document it in reference/__init__.py:\n" + "\n".join(found)
    )


@pytest.mark.parametrize(
    ("source", "reached"),
    [
        ("import reference._parse", ["import reference._parse"]),
        ("import reference._parse as p", ["import reference._parse"]),
        ("from reference._rules import KIND_CLASS", ["from reference._rules import KIND_CLASS"]),
        ("from reference import _parse", ["from reference import _parse"]),
        ("from reference.models import _field", ["from reference.models import _field"]),
        ("from reference import no_such_name", ["from reference import no_such_name (not in __all__)"]),
        ("import reference\nreference._rules.RULES", ["reference._rules"]),
        ("import reference as ref\nref._parse", ["ref._parse"]),
        ("def f():\n    from reference._parse import parse, _float", ["from reference._parse import parse, _float"]),
        ("from reference import KIND_CLASS, parse\nimport reference\nreference.__version__", []),
        ("from reference import parse_int as _big_int\nfrom reference.models import JobDocument", []),
        ("from ._impl import at\nfrom conformance._x import y\nimport referenced._x", []),
    ],
)
def test_the_scan_finds_each_way_of_reaching_in(source: str, reached: list[str]) -> None:
    assert [r.what for r in reaches(source, "example.py")] == reached


def test_every_exported_name_exists_and_is_documented() -> None:
    """``__all__`` and the API list in the package's docstring name the same things, each of them real."""
    doc = reference.__doc__ or ""
    listed = set(re.findall(r"\b[A-Za-z_][A-Za-z0-9_]*\b", doc.split("\nAPI", 1)[1]))
    exported = set(reference.__all__)
    assert len(exported) == len(reference.__all__), "a name appears twice in __all__"
    assert all(hasattr(reference, name) for name in exported)
    assert not exported - listed, f"exported but not in the docstring's API list: {sorted(exported - listed)}"
    defined = {name for name in listed if hasattr(reference, name) and not name.startswith("_")}
    modules = {name for name in defined if f"reference.{name}" in PUBLIC_MODULES}
    assert not defined - exported - modules, f"listed but not exported: {sorted(defined - exported - modules)}"


def test_the_harness_needs_are_public() -> None:
    """What the harness used to take from private modules is part of the face."""
    for name in ("parse", "decode", "parse_int", "parse_float", "BigNumber", "FloatLiteral", "MAX_DEPTH"):
        assert name in reference.__all__
    for name in ("KIND_CLASS", "rule_of", "level_of", "class_of", "timestamp_fault"):
        assert name in reference.__all__
    for name in ("escape_token", "unescape_token", "parse_pointer", "resolve_pointer"):
        assert name in reference.__all__
