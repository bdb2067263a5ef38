"""A headless chromium driven over the Chrome DevTools Protocol, for the browser tests of the views.

Debian's chromium runs headless; a small websocket client (standard library only) speaks CDP to one tab:
the generated page is opened from a file:// URL, its own JavaScript runs, and a test reads what the page
rendered, the console errors and exceptions, and whether hostile text ran.  Without chromium the tests
skip, except on CI (CI=true), where they fail.

Screenshots: ``screenshot`` saves a PNG under pytest's tmp dir; with VBGRAPH_SCREENSHOTS=DIR it is written
to DIR as well (``VBGRAPH_SCREENSHOTS=docs pytest tests/test_browse.py tests/test_adoption.py``).
"""
from __future__ import annotations

import base64
import os
import time
from pathlib import Path

import pytest

from vbgraph.views.chromium import CDP, close_tab, find_chromium, launch, new_tab, stop
HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    """A headless chromium with a DevTools port, for the whole module."""
    if find_chromium() is None:
        reason = "chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser test cannot run on CI (CI=true): {reason}", pytrace=False)
        pytest.skip(reason)
    try:
        proc, port = launch(tmp_path_factory.mktemp("chromium-profile"))
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield port
    finally:
        stop(proc)


@pytest.fixture
def page(chromium):
    """A fresh tab driven over CDP; closed after the test."""
    cdp, target = new_tab(chromium)
    try:
        yield cdp
    finally:
        close_tab(chromium, cdp, target)


def open_page(cdp: CDP, path: Path, ready: str, timeout: float = 90.0):
    cdp.call("Page.navigate", url=path.resolve().as_uri())
    end = time.monotonic() + timeout
    while not cdp.evaluate(f"document.readyState === 'complete' && !!({ready})"):
        if time.monotonic() > end:
            raise AssertionError(f"page never became ready ({ready}); errors: {cdp.errors()}")
        cdp.pump(0.25)


def screenshot(cdp: CDP, tmp_path: Path, name: str) -> Path:
    png = base64.b64decode(cdp.call("Page.captureScreenshot", format="png")["data"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000
    out = tmp_path / name
    out.write_bytes(png)
    if os.environ.get("VBGRAPH_SCREENSHOTS"):
        target = Path(os.environ["VBGRAPH_SCREENSHOTS"])
        target.mkdir(parents=True, exist_ok=True)
        (target / name).write_bytes(png)
    return out
