"""The HTML report in a real browser: headless Chromium renders the matrix and the failures, and nothing
hostile becomes an element. Skipped, with the reason, only where Chromium is not installed."""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path
from typing import Any

import pytest
from report_streams import CASES, always_valid, make_records
from test_report_html import ALLOWED_TAGS, Tags

from conformance.reports import build_report, write_reports

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (Debian: apt-get install chromium; .ci/run installs it)"
)
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    try:
        return subprocess.run(
            [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
    except subprocess.TimeoutExpired as err:
        pytest.fail(f"chromium did not finish within {err.timeout} s: {err.stderr!r:.500}")
    except subprocess.CalledProcessError as err:
        pytest.fail(f"chromium exited with status {err.returncode}: {err.stderr!r:.1000}")


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    return build_report(make_records(always_valid, faults=True, hostile=True, findings=True), cases=CASES)


@pytest.mark.slow
def test_chromium_renders_the_matrix_and_the_failures_and_no_injected_element(
    tmp_path: Path, report: dict[str, Any]
) -> None:
    page = tmp_path / "report.html"
    write_reports(report, html=page)
    dom = chromium(tmp_path, "--dump-dom", page.as_uri()).stdout
    parsed = Tags(dom)
    tags = {t for t, _ in parsed.tags}
    assert tags <= ALLOWED_TAGS, f"elements the page does not make: {tags - ALLOWED_TAGS}"
    assert "script" not in tags
    ids = {a.get("id") for _, a in parsed.tags}
    assert {"verdict", "matrix", "failures", "findings", "rules", "cases", "manifest"} <= ids
    assert len(parsed.with_class("a", "tile")) == len({(r["class"], r["rule"]) for r in report["results"]})
    assert len(parsed.with_class("details", "case")) == 11 + 1
    text = "".join(parsed.text)
    assert "✘ Not conformant" in text
    assert "core.version.two" in text and "invalid at /version" in text
    # The hostile strings arrive as text: the <b> of the page are only the page's own.
    assert "</script><script>alert(1)</script>" in text
    assert sum(1 for t, _ in parsed.tags if t == "b") == sum(1 for t, _ in Tags(page.read_text()).tags if t == "b")


@pytest.mark.slow
def test_chromium_takes_a_screenshot_of_the_page(tmp_path: Path, report: dict[str, Any]) -> None:
    page, png = tmp_path / "report.html", tmp_path / "report.png"
    write_reports(report, html=page)
    chromium(tmp_path, f"--screenshot={png}", "--window-size=1280,2000", page.as_uri())
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1280, 2000)
    assert len(data) > 50_000  # a rendered page, not a blank image
