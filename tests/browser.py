"""Headless Chromium for the tests of HTML pages (Debian's ``chromium`` package at
/usr/bin/chromium; scripts/test.sh installs it)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")


def chromium(*args: str) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium with `args` (e.g. ``--dump-dom URL``); fails the test,
    naming the package, when Chromium is not installed."""
    if not CHROMIUM.exists():
        pytest.fail("this test needs Chromium at /usr/bin/chromium: apt-get install chromium")
    return subprocess.run([str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
                           "--no-first-run", *args], capture_output=True, text=True,
                          timeout=120, check=False)
