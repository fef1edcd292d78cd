"""A project's configuration for ``vmjob certify``: the options it certifies with every time.

Read from ``vmjob.toml`` (its top-level keys) or from the ``[tool.vmjob]`` table of ``pyproject.toml``, in
the current directory or the nearest one above it that has either (a ``vmjob.toml`` wins over a
``pyproject.toml`` in the same directory; a ``pyproject.toml`` without ``[tool.vmjob]`` is passed over)::

    [tool.vmjob]
    cmd = "./my-validator --harness"      # or one-shot / url / python: the target
    level = "recommended"
    fuzz = 2000
    results = "vmjob-results/results.jsonl"

    [tool.vmjob.reports]
    json = "reports/vmjob.json"
    html = "reports/vmjob.html"
    junit = "reports/vmjob.xml"

Options given on the command line win over the file, one by one; a target on the command line replaces
the file's. Paths (``results``, ``corpus``, the reports) are relative to the file's directory; commands run
in the current directory, as typed. A key or value the suite does not know is a one-line error naming the
file and the key (``pyproject.toml: [tool.vmjob] level = 'strict': expected 'required' or 'recommended'``).
"""

from __future__ import annotations

import argparse
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

#: The files read, in the order they are looked for in each directory.
FILES = ("vmjob.toml", "pyproject.toml")
#: The targets: the key, and the attribute of the parsed arguments it fills.
TARGETS = {"cmd": "cmd", "one-shot": "one_shot", "url": "url", "python": "python"}
#: The longest ``timeout``, in seconds (a day; ``vmjob certify --timeout`` has the same bound).
MAX_SECONDS = 86_400
#: The reports, by key of the ``reports`` table.
REPORTS = ("json", "junit", "markdown", "html", "badge", "badge-endpoint")


class ConfigError(Exception):
    """The configuration cannot be used; the message names the file and the key."""


def _string(value: Any) -> str | None:
    return "expected a non-empty string" if not isinstance(value, str) or not value.strip() else None


def _level(value: Any) -> str | None:
    return None if value in ("required", "recommended") else "expected 'required' or 'recommended'"


def _positive_number(value: Any) -> str | None:
    # TOML has inf and nan: an endless wait is a hang, not a setting.
    ok = isinstance(value, int | float) and not isinstance(value, bool) and 0 < value <= MAX_SECONDS
    return None if ok else f"expected a number of seconds > 0 and at most {MAX_SECONDS:,}"


def _count(value: Any) -> str | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    return None if ok else "expected an integer >= 0"


def _seed(value: Any) -> str | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**64
    return None if ok else "expected an integer from 0 to 2**64 - 1"


#: The plain keys: attribute of the parsed arguments, check (None or what is wrong), whether it is a path.
KEYS: dict[str, tuple[str, Callable[[Any], str | None], bool]] = {
    **{key: (dest, _string, False) for key, dest in TARGETS.items()},
    "level": ("level", _level, False),
    "timeout": ("timeout", _positive_number, False),
    "fuzz": ("fuzz", _count, False),
    "seed": ("seed", _seed, False),
    "results": ("results", _string, True),
    "corpus": ("corpus", _string, True),
}


def find(start: Path | None = None) -> tuple[Path, Mapping[str, Any]] | None:
    """The configuration file that applies in ``start`` (default: the current directory) and its table, or
    None when there is none."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        for name in FILES:
            path = folder / name
            if not path.is_file():
                continue
            table = read(path)
            if table is not None:
                return path, table
    return None


def _where(path: Path) -> str:
    return f"{path}: [tool.vmjob]" if path.name == "pyproject.toml" else f"{path}:"


def read(path: Path) -> Mapping[str, Any] | None:
    """The vmjob table of ``path`` (None for a ``pyproject.toml`` without one); :class:`ConfigError` for a
    file that cannot be read or is not TOML."""
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except OSError as err:
        raise ConfigError(f"{path}: cannot read: {err.strerror or err}") from err
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: not valid TOML: {err}") from err
    if path.name != "pyproject.toml":
        return data
    tool = data.get("tool")
    table = tool.get("vmjob") if isinstance(tool, dict) else None
    if table is None:
        return None
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.vmjob] must be a table")
    return table


def values(path: Path, table: Mapping[str, Any]) -> dict[str, Any]:
    """The table checked and turned into argument values (attribute name -> value); paths made relative to
    the file's directory. :class:`ConfigError` names the first bad key."""
    where = _where(path)
    out: dict[str, Any] = {}
    known = ", ".join([*KEYS, "reports"])
    for key, value in table.items():
        if key == "reports":
            out.update(_reports(path, value))
            continue
        if key not in KEYS:
            raise ConfigError(f"{where} unknown key {key!r}; expected one of {known}")
        dest, check, is_path = KEYS[key]
        problem = check(value)
        if problem:
            raise ConfigError(f"{where} {key} = {value!r}: {problem}")
        out[dest] = str(path.parent / value) if is_path else value
    targets = [key for key in TARGETS if key in table]
    if len(targets) > 1:
        raise ConfigError(f"{where} {' and '.join(targets)}: give one target, not {len(targets)}")
    return out


def _reports(path: Path, value: Any) -> dict[str, Any]:
    where = _where(path)
    if not isinstance(value, dict):
        raise ConfigError(f"{where} reports = {value!r}: expected a table of report = path")
    out = {}
    for key, file in value.items():
        if key not in REPORTS:
            raise ConfigError(f"{where} reports.{key}: unknown report; expected one of {', '.join(REPORTS)}")
        if _string(file):
            raise ConfigError(f"{where} reports.{key} = {file!r}: expected a path")
        out[f"report_{key.replace('-', '_')}"] = str(path.parent / file)
    return out


def apply(args: argparse.Namespace, path: Path | None = None) -> Path | None:
    """Fill the options not given on the command line (still None) from the configuration (``path``, or the
    one :func:`find` finds); a target given on the command line replaces the file's. Returns the file used."""
    if path is not None:
        table = read(path)
        if table is None:
            raise ConfigError(f"{path}: no [tool.vmjob] table")
        found: tuple[Path, Mapping[str, Any]] | None = (path, table)
    else:
        found = find()
    if found is None:
        return None
    config = values(*found)
    cli_target = any(getattr(args, dest, None) is not None for dest in TARGETS.values())
    for dest, value in config.items():
        if cli_target and dest in TARGETS.values():
            continue
        if getattr(args, dest, None) is None:
            setattr(args, dest, value)
    return found[0]
