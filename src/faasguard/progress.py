"""A progress bar on stderr, shown only where a person watches it.

It appears only when the stream is a terminal (never in CI logs or when piped), the scan
has at least `MIN_FILES` files, and neither `--quiet` nor `--no-progress` was given.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

MIN_FILES = 100
WIDTH = 30


class ProgressBar:
    """Call it with (done, total) as files are loaded; `close()` clears the line."""

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
        filled = WIDTH * done // max(total, 1)
        self.stream.write(f"\rscanning [{'#' * filled}{'.' * (WIDTH - filled)}] "
                          f"{done}/{total} files")
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        """Erase the bar so the report starts on a clean line."""
        if self._drawn:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self._drawn = False
