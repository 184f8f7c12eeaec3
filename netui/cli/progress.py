"""The progress bar of `netui import` and `netui mail` on stderr while a big file is read.

Only on a terminal: piped or redirected, stderr gets no bar (it would be noise in a log).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

PROGRESS_FROM = 200  # records; smaller imports finish before a bar would be read


@contextmanager
def progress_on_stderr() -> Iterator[ProgressBar | None]:
    """A bar to pass as `progress=` (None off a terminal), erased however the reading ends."""
    bar = ProgressBar() if sys.stderr.isatty() else None
    try:
        yield bar
    finally:
        if bar is not None:
            bar.clear()


class ProgressBar:
    """A one-line bar on stderr for big imports, redrawn at most ten times a second."""

    def __init__(self) -> None:
        self._drawn_at = 0.0
        self._shown = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if total < PROGRESS_FROM or (now - self._drawn_at < 0.1 and done < total):
            return
        self._drawn_at = now
        width = 30
        filled = width * done // max(total, 1)
        bar = "#" * filled + "-" * (width - filled)
        sys.stderr.write(f"\rReading [{bar}] {done}/{total}")
        sys.stderr.flush()
        self._shown = True

    def clear(self) -> None:
        if self._shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
