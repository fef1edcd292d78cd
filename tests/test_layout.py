"""The layout shows the design: no module of ``conformance`` or ``reference`` imports itself back.

The import graph is read from the source with ``ast``, not by importing: an edge for every ``import`` and
``from ... import`` of a module of the two packages, marked *top-level* when it runs as the importer is
imported (module and class bodies, ``if``/``try`` blocks; not ``if TYPE_CHECKING:``) and *late* when it sits
in a function. A cycle of top-level edges is one that an import order can trip over; a cycle closed by a
late edge hides the same knot behind a function. Either is a failure unless it is a known one, listed below.
(``importlib.import_module`` calls, as the CLI makes to load its commands, are not read.)
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("conformance", "reference")

#: Cycles known today, each a set of modules. Each would be a strict xfail below, so that its test turns
#: red (XPASS) the day the cycle is gone and the entry is removed; a cycle not listed fails. None now: the
#: parser's number types live in ``reference._numbers`` and the writer in ``reference._writer``, so the
#: issues and the parser, the round trip and the models, no longer import each other.
KNOWN_CYCLES: dict[str, frozenset[str]] = {}
KNOWN_LATE_CYCLES: dict[str, frozenset[str]] = {}


@dataclass(frozen=True, slots=True)
class Edge:
    importer: str
    imported: str
    late: bool
    line: int


def modules() -> dict[str, Path]:
    """Every module of the packages by dotted name (a package by its ``__init__``)."""
    out = {}
    for top in PACKAGES:
        for path in sorted((ROOT / top).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = path
    return out


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, late: bool = False) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Each import statement, and whether it runs only when a function is called."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node, late
        elif isinstance(node, ast.If) and _is_type_checking(node):
            continue  # never runs; only the type checker reads it
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            yield from _imports(node, True)
        else:
            yield from _imports(node, late)


def _targets(importer: str, is_package: bool, node: ast.Import | ast.ImportFrom, known: set[str]) -> Iterator[str]:
    """The modules of the packages an import statement loads (the named one, and a named submodule)."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield alias.name
        return
    if node.level:
        base = importer.split(".") if is_package else importer.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        name = ".".join(base + ([node.module] if node.module else []))
    else:
        name = node.module or ""
    yield name
    for alias in node.names:
        if f"{name}.{alias.name}" in known:
            yield f"{name}.{alias.name}"


def graph() -> list[Edge]:
    found = modules()
    known = set(found)
    edges = []
    for name, path in found.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node, late in _imports(tree):
            for target in _targets(name, path.name == "__init__.py", node, known):
                # Importing a.b.c runs a and a.b first; the importer's own packages are running already.
                parts = target.split(".")
                for i in range(1, len(parts) + 1):
                    module = ".".join(parts[:i])
                    if module in known and module != name and not name.startswith(module + "."):
                        edges.append(Edge(name, module, late, node.lineno))
    return edges


def cycles(edges: list[Edge]) -> list[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan), each a cycle or knot of them."""
    succ: dict[str, set[str]] = {}
    for e in edges:
        succ.setdefault(e.importer, set()).add(e.imported)
        succ.setdefault(e.imported, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[frozenset[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(succ[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(frozenset(component))

    for v in sorted(succ):
        if v not in index:
            visit(v)
    return out


def _show(component: frozenset[str], edges: list[Edge]) -> str:
    inside = sorted(
        f"{e.importer} -> {e.imported} (line {e.line}{', late' if e.late else ''})"
        for e in edges
        if e.importer in component and e.imported in component
    )
    return "\n  ".join([", ".join(sorted(component)), *inside])


def test_the_graph_sees_the_imports() -> None:
    edges = graph()
    pairs = {(e.importer, e.imported) for e in edges if not e.late}
    assert ("conformance.corpus", "conformance.corpus.loader") in pairs
    assert ("conformance.corpus.check", "reference") in pairs
    assert any(e.late for e in edges)


def test_no_cycle_of_top_level_imports() -> None:
    edges = [e for e in graph() if not e.late]
    new = [c for c in cycles(edges) if c not in KNOWN_CYCLES.values()]
    assert not new, "import cycles among top-level imports:\n" + "\n".join(_show(c, edges) for c in new)


def test_no_cycle_even_through_a_late_import() -> None:
    edges = graph()
    new = [c for c in cycles(edges) if c not in KNOWN_LATE_CYCLES.values()]
    assert not new, "import cycles closed by a function-level import:\n" + "\n".join(_show(c, edges) for c in new)


@pytest.mark.parametrize(
    ("name", "late"),
    [
        pytest.param(name, late, marks=pytest.mark.xfail(strict=True, reason="a known cycle"))
        for late, known in ((False, KNOWN_CYCLES), (True, KNOWN_LATE_CYCLES))
        for name in known
    ],
)
def test_known_cycle_is_gone(name: str, late: bool) -> None:
    known = (KNOWN_LATE_CYCLES if late else KNOWN_CYCLES)[name]
    edges = [e for e in graph() if late or not e.late]
    assert known not in cycles(edges), _show(known, edges)


#: Modules allowed past MAX_LINES: data tables, not code (none today).
LONG_TABLES: frozenset[str] = frozenset()
MAX_LINES = 800


def test_every_module_is_under_800_lines() -> None:
    long = {name: n for name, path in modules().items() if (n := len(path.read_text().splitlines())) > MAX_LINES}
    assert {k: v for k, v in long.items() if k not in LONG_TABLES} == {}


def test_architecture_md_names_every_package_and_module_folder() -> None:
    """ARCHITECTURE.md and the tree agree: every package of the two is named there (``fuzz/``), and every
    module it names in its tables of parts exists."""
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    packages = {
        p.parent.relative_to(ROOT / top).as_posix() for top in PACKAGES for p in (ROOT / top).rglob("__init__.py")
    }
    packages.discard(".")
    unnamed = sorted(p for p in packages if f"`{p.split('/')[-1]}/`" not in text and f"{p}/" not in text)
    assert unnamed == [], "packages ARCHITECTURE.md does not name"
    named = set(re.findall(r"`([a-z_]+\.py)`", text))
    missing = sorted(m for m in named if not any(True for top in PACKAGES for _ in (ROOT / top).rglob(m)))
    assert missing == [], "modules ARCHITECTURE.md names that do not exist"
