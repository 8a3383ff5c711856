"""A progress bar on stderr, shown only where a person watches it.

It appears only when the stream is a terminal (never in CI logs or when piped), the scan
has at least `MIN_FILES` templates, and neither `--quiet` nor `--no-progress` was given.
It counts the templates loaded (serverless.yml, SAM/CloudFormation, .tf files...: the
scan's first step), then says that the code and the rules come next: it does not count
the handlers' code files, which the analyses read after the templates.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

MIN_FILES = 100
WIDTH = 30


class ProgressBar:
    """Call it with (done, total) as templates are loaded; `close()` clears the line."""

    def __init__(self, stream: TextIO | None = None, enabled: bool = True,
                 min_files: int = MIN_FILES, interval_s: float = 0.1):
        self.stream = stream if stream is not None else sys.stderr
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = enabled and bool(isatty and isatty())
        self.min_files = min_files
        self.interval_s = interval_s
        self._last = 0.0
        self._drawn = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total < self.min_files:
            return
        now = time.monotonic()
        if done < total and now - self._last < self.interval_s:
            return
        self._last = now
        if done >= total:  # the analyses of the code and the rules follow, uncounted
            text = f"scanning: {total} templates loaded; analysing the code, running rules"
        else:
            filled = WIDTH * done // max(total, 1)
            text = f"scanning [{'#' * filled}{'.' * (WIDTH - filled)}] {done}/{total} " \
                "templates"
        self.stream.write(f"\r{text}\x1b[K")  # [K: what a longer line left is erased
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        """Erase the bar so the report starts on a clean line."""
        if self._drawn:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self._drawn = False
