"""The gallery's HTML matrix in a real browser: headless Chromium builds the page the gallery wrote, with
its matrix, a working link behind each failing cell and nothing injected; and it takes a screenshot.
Skipped, with the reason, only where Chromium is not installed."""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from ._page import Page

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (Debian: apt-get install chromium; .ci/run installs it)"
)
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run")  # fmt: skip
GalleryRun = tuple[subprocess.CompletedProcess[str], Path]


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    try:
        return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True,
                              text=True, timeout=120, check=True)  # fmt: skip
    except subprocess.TimeoutExpired as err:
        pytest.fail(f"chromium did not finish within {err.timeout} s: {err.stderr!r:.500}")
    except subprocess.CalledProcessError as err:
        pytest.fail(f"chromium exited with status {err.returncode}: {err.stderr!r:.1000}")


@pytest.mark.slow
def test_chromium_builds_the_matrix_with_a_link_behind_each_failing_cell(
    tmp_path: Path, gallery_run: GalleryRun
) -> None:
    _, out = gallery_run
    page = out / "gallery.html"
    dom = Page(chromium(tmp_path, "--dump-dom", page.as_uri()).stdout)
    source = Page(page.read_text())
    # The browser built exactly the elements of the page: none more (nothing injected), none lost.
    assert sorted(t for t, _ in dom.tags) == sorted(t for t, _ in source.tags)
    assert "script" not in {t for t, _ in dom.tags}
    ids = {a.get("id") for _, a in dom.tags}
    assert {"top", "implementations", "matrix", "impl-0", "impl-1", "impl-2"} <= ids
    rows = [a for t, a in dom.tags if t == "tr" and (a.get("id") or "").startswith("rule-")]
    assert len(rows) > 100
    links = [a["href"] for t, a in dom.tags if t == "a" and (a.get("href") or "").startswith("#f-")]
    assert links and all(h is not None and h[1:] in ids for h in links)
    text = "".join(dom.text)
    assert "vmjob gallery" in text and "3 implementations × " in text


@pytest.mark.slow
def test_chromium_takes_a_screenshot_of_the_gallery(tmp_path: Path, gallery_run: GalleryRun) -> None:
    _, out = gallery_run
    png = tmp_path / "gallery.png"
    chromium(tmp_path, f"--screenshot={png}", "--window-size=1280,1600", (out / "gallery.html").as_uri())
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (1280, 1600)
    assert len(data) > 50_000  # a rendered page, not a blank image
