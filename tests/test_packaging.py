"""The distribution ships every module and data file: each folder of the tree is a package named in pyproject."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def _package(folder: Path) -> str:
    rel = folder.relative_to(ROOT)
    parts = list(rel.parts)
    for name, where in CONFIG["package-dir"].items():
        if parts[: len(Path(where).parts)] == list(Path(where).parts):
            parts = name.split(".") + parts[len(Path(where).parts) :]
    return ".".join(parts)


def test_every_folder_with_code_or_data_is_a_listed_package() -> None:
    folders = {
        p.parent
        for top in ("reference", "conformance", "corpus")
        for p in (ROOT / top).rglob("*")
        if p.is_file() and p.suffix in (".py", ".json", ".md", ".txt") and "__pycache__" not in p.parts
    }
    missing = sorted(_package(f) for f in folders if _package(f) not in CONFIG["packages"])
    assert missing == [], f"add these to [tool.setuptools] packages in pyproject.toml: {missing}"
