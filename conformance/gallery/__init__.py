"""The implementations gallery: real implementations under ``implementations/``, built, certified side by side.

:mod:`.manifest` reads each ``implementation.json``; :mod:`.build` builds; :mod:`.run` certifies (through the
runner and the reports, as ``vmjob certify`` does) and gives gallery.json; :mod:`.summary` makes one row of
it; :mod:`.table` the Markdown table and the README block; :mod:`.matrix` the N-way HTML page.
"""

from __future__ import annotations

from .manifest import Manifest, ManifestError, find_manifests, load_manifest, load_schema
from .matrix import Column, column, render_matrix
from .run import GALLERY_FUZZ, GALLERY_SEED, Entry, Settings, certify, gallery_json, run_gallery
from .table import ReadmeError, render_table, update_block

__all__ = [
    "GALLERY_FUZZ",
    "GALLERY_SEED",
    "Column",
    "Entry",
    "Manifest",
    "ManifestError",
    "ReadmeError",
    "Settings",
    "certify",
    "column",
    "find_manifests",
    "gallery_json",
    "load_manifest",
    "load_schema",
    "render_matrix",
    "render_table",
    "run_gallery",
    "update_block",
]
