"""Reports of a certification run, every one a pure function of its results stream.

:func:`read_stream` and :func:`build_report` give the JSON report (the certification manifest); the
renderers turn it into text, JUnit XML, Markdown, HTML, an SVG badge or a shields.io endpoint;
:func:`write_reports` writes those asked for; :func:`compare_reports` sets two reports side by side.
"""

from __future__ import annotations

from .badge import badge_endpoint, render_badge_svg
from .compare import compare_reports, render_compare
from .files import render_json, write_reports
from .html import render_html
from .junit import render_junit
from .markdown import render_markdown
from .stream import REPORT_VERSION, ReportError, build_report, read_stream
from .text import render_text

__all__ = [
    "REPORT_VERSION",
    "ReportError",
    "badge_endpoint",
    "build_report",
    "compare_reports",
    "read_stream",
    "render_badge_svg",
    "render_compare",
    "render_html",
    "render_json",
    "render_junit",
    "render_markdown",
    "render_text",
    "write_reports",
]
