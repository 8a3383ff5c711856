"""The progress bar of `faasguard scan` on a terminal (a pseudo-terminal here) says what it
counts: the templates loaded, then that the code and the rules come next. On a project of
100 services with one handler each (200 files read), it said "100/100 files"."""

from __future__ import annotations

import os
import select
import subprocess
import sys
from pathlib import Path

SERVICE = """service: svc{n}
provider:
  name: aws
  runtime: python3.12
functions:
  fn:
    handler: h.handler
    events:
      - schedule: rate(1 hour)
"""


def _project(root: Path, services: int) -> None:
    for n in range(services):
        folder = root / f"svc{n:03d}"
        folder.mkdir()
        (folder / "serverless.yml").write_text(SERVICE.format(n=n))
        (folder / "h.py").write_text("def handler(event, context):\n    return None\n")


def _terminal_output(args: list[str]) -> str:
    """What the command writes to its stderr when that is a terminal (its stdout piped)."""
    master, slave = os.openpty()
    with subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=slave) as child:
        os.close(slave)
        chunks = []
        while True:
            if select.select([master], [], [], 60)[0]:
                try:
                    chunk = os.read(master, 4096)
                except OSError:  # the child closed its end
                    break
                if not chunk:
                    break
                chunks.append(chunk)
            elif child.poll() is not None:
                break
        child.wait(timeout=120)
    os.close(master)
    return b"".join(chunks).decode()


def test_the_bar_counts_templates_and_says_what_follows(tmp_path: Path) -> None:
    _project(tmp_path, 100)
    shown = _terminal_output([sys.executable, "-m", "faasguard.cli", "scan", str(tmp_path),
                              "--format", "json", "--jobs", "1"])
    assert "scanning: 100 templates loaded; analysing the code, running rules" in shown
    assert "/100 files" not in shown
    assert "\r\x1b[2K" in shown  # erased before the report


def test_no_bar_when_asked_for_none(tmp_path: Path) -> None:
    _project(tmp_path, 100)
    shown = _terminal_output([sys.executable, "-m", "faasguard.cli", "scan", str(tmp_path),
                              "--format", "json", "--no-progress"])
    assert "scanning" not in shown
