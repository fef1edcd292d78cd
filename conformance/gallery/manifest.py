"""The implementation manifest: ``implementations/<name>/implementation.json``, read and checked.

A manifest says how to build an implementation and how to run its adapter; what it claims comes from the
adapter's ``start`` reply, as for any implementation. Each manifest is checked against the manifest schema
(``implementation.schema.json`` beside the folders); a bad one is reported in one line naming the file, the
member and the problem (:class:`ManifestError`).
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: The manifest of each implementation, in its folder.
MANIFEST = "implementation.json"
#: The manifest schema, beside the implementation folders.
SCHEMA = "implementation.schema.json"
#: Seconds a build may take unless the manifest says otherwise.
DEFAULT_BUILD_TIMEOUT = 600
#: Manifests are small: a larger file is not one.
MAX_MANIFEST_BYTES = 64 * 1024


class ManifestError(Exception):
    """A manifest (or the manifest schema) cannot be read or is not valid: the message says which and why."""


@dataclass(frozen=True)
class Manifest:
    """One implementation of the gallery, as its ``implementation.json`` describes it."""

    name: str
    language: str
    version: str
    homepage: str
    represents: str
    requires: tuple[str, ...]
    build: tuple[str, ...]
    build_timeout: float
    run: str
    #: The implementation's folder (absolute).
    dir: Path
    #: The manifest as written, for gallery.json.
    raw: dict[str, Any]

    def command(self, schemas: Path) -> str:
        """The ``--cmd`` string for the persistent transport: ``{dir}``, ``{python}`` and ``{schemas}``
        replaced, each quoted for the shell."""
        values = {"dir": str(self.dir), "python": sys.executable, "schemas": str(schemas)}
        out = self.run
        for key, value in values.items():
            out = out.replace("{" + key + "}", shlex.quote(value))
        return out

    def missing(self) -> list[str]:
        """The programs of ``requires`` found neither on PATH nor (for cargo and rustc) in ``~/.cargo/bin``."""
        return [p for p in self.requires if find_program(p) is None]


def find_program(program: str) -> str | None:
    """Where ``program`` is: on PATH, or in ``~/.cargo/bin`` (where rustup puts cargo and rustc)."""
    found = shutil.which(program)
    if found is None:
        cargo_bin = Path.home() / ".cargo" / "bin"
        found = shutil.which(program, path=str(cargo_bin))
    return found


def tool_path() -> str:
    """PATH for builds: the harness's own, with ``~/.cargo/bin`` after it when it exists."""
    path = os.environ.get("PATH", os.defpath)
    cargo_bin = Path.home() / ".cargo" / "bin"
    return f"{path}{os.pathsep}{cargo_bin}" if cargo_bin.is_dir() else path


def load_schema(path: Path) -> dict[str, Any]:
    try:
        schema = json.loads(path.read_bytes())
    except FileNotFoundError as err:
        raise ManifestError(f"{path}: no such file: the manifest schema is needed to check the manifests") from err
    except OSError as err:
        raise ManifestError(f"{path}: cannot read the manifest schema: {err.strerror or err}") from err
    except ValueError as err:
        raise ManifestError(f"{path}: the manifest schema is not JSON: {err}") from err
    if not isinstance(schema, dict):
        raise ManifestError(f"{path}: the manifest schema is not a JSON object")
    return schema


def find_manifests(root: Path, only: tuple[str, ...] = ()) -> list[Path]:
    """The manifests of the implementation folders under ``root``, by folder name; with ``only``, just those
    folders (a name with no folder is an error)."""
    if not root.is_dir():
        raise ManifestError(f"{root}: no such directory of implementations")
    folders = sorted(p for p in root.iterdir() if p.is_dir() and (p / MANIFEST).is_file())
    if only:
        names = {p.name for p in folders}
        unknown = [n for n in only if n not in names]
        if unknown:
            known = ", ".join(sorted(names)) or "none"
            raise ManifestError(f"--only {unknown[0]!r}: no implementation folder of that name in {root} ({known})")
        folders = [p for p in folders if p.name in only]
    return [p / MANIFEST for p in folders]


def load_manifest(path: Path, schema: dict[str, Any]) -> Manifest:
    """The manifest at ``path``, checked against ``schema``; :class:`ManifestError` in one line otherwise."""
    import jsonschema  # imported here: `vmjob gallery --help` stays fast

    try:
        data = path.read_bytes()
    except OSError as err:
        raise ManifestError(f"{path}: cannot read: {err.strerror or err}") from err
    if len(data) > MAX_MANIFEST_BYTES:
        raise ManifestError(f"{path}: {len(data):,} bytes is not a manifest (at most {MAX_MANIFEST_BYTES:,})")
    try:
        raw = json.loads(data)
    except (ValueError, RecursionError) as err:
        raise ManifestError(f"{path}: not JSON: {err}") from err
    try:
        validator_class = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
        validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
        error = jsonschema.exceptions.best_match(validator.iter_errors(raw))
    except jsonschema.exceptions.SchemaError as err:
        raise ManifestError(f"the manifest schema is not a valid JSON Schema: {err.message}") from err
    if error is not None:
        where = "/" + "/".join(str(p) for p in error.absolute_path) if error.absolute_path else "the top level"
        raise ManifestError(f"{path}: {error.message} at {where}")
    if not isinstance(raw, dict):  # the schema should have said so
        raise ManifestError(f"{path}: a manifest is a JSON object, not {type(raw).__name__}")
    return _manifest(path, raw)


def _manifest(path: Path, raw: dict[str, Any]) -> Manifest:
    """The fields, with a one-line error for what a lax schema might let through."""

    def string(key: str, default: str | None = None) -> str:
        value = raw.get(key, default)
        if not isinstance(value, str) or (default is None and not value.strip()):
            raise ManifestError(f"{path}: {key!r} must be a non-empty string")
        return value

    def strings(key: str) -> tuple[str, ...]:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise ManifestError(f"{path}: {key!r} must be a list of non-empty strings")
        return tuple(value)

    timeout = raw.get("build_timeout", DEFAULT_BUILD_TIMEOUT)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not timeout > 0:
        raise ManifestError(f"{path}: build_timeout={timeout!r} must be a number of seconds > 0")
    name = string("name")
    if name != path.parent.name:
        raise ManifestError(f"{path}: name={name!r} is not the folder's name {path.parent.name!r}")
    return Manifest(
        name=name,
        language=string("language"),
        version=string("version", ""),
        homepage=string("homepage", ""),
        represents=string("represents", ""),
        requires=strings("requires"),
        build=strings("build"),
        build_timeout=float(timeout),
        run=string("run"),
        dir=path.parent.resolve(),
        raw=raw,
    )
