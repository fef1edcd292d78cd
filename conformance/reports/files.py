"""Writing reports to files: each format asked for, rendered from one report and written to its path."""

from __future__ import annotations

import json as _json
import os
from pathlib import Path
from typing import Any

from .badge import badge_endpoint, render_badge_svg
from .html import render_html
from .junit import render_junit
from .markdown import render_markdown
from .stream import ReportError


def render_json(report: dict[str, Any]) -> str:
    return _json.dumps(report, indent=2, ensure_ascii=False) + "\n"


def write_reports(
    report: dict[str, Any],
    *,
    json: str | os.PathLike[str] | None = None,
    junit: str | os.PathLike[str] | None = None,
    markdown: str | os.PathLike[str] | None = None,
    html: str | os.PathLike[str] | None = None,
    badge: str | os.PathLike[str] | None = None,
    badge_endpoint: str | os.PathLike[str] | None = None,
) -> None:
    """Write each report asked for (a path), creating parent directories."""
    renderers = {
        "JSON": (json, render_json),
        "JUnit XML": (junit, render_junit),
        "Markdown": (markdown, render_markdown),
        "HTML": (html, render_html),
        "badge": (badge, render_badge_svg),
        "badge endpoint": (badge_endpoint, _render_endpoint),
    }
    for label, (path, render) in renderers.items():
        if path is None:
            continue
        p = Path(path)
        # Lone surrogates (from JSON escapes in implementation output) become \udcXX escapes, still valid JSON.
        data = render(report).encode("utf-8", "backslashreplace")
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(data)
        except OSError as err:
            raise ReportError(f"cannot write the {label} report to {p}: {err.strerror or err}") from err


def _render_endpoint(report: dict[str, Any]) -> str:
    return render_json(badge_endpoint(report))
