"""A small progress bar for long admin commands, drawn on stderr.

On a terminal it redraws one line at most ten times a second; when stderr is a file or a
pipe (cron, CI logs) it prints one line per finished stage instead of a stream of redraws.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

WIDTH = 30


class ProgressBar:
    def __init__(self, label: str, total: int, stream: TextIO | None = None) -> None:
        self.label = label
        self.total = max(total, 0)
        self.done = 0
        self.stream = stream if stream is not None else sys.stderr
        self.interactive = bool(getattr(self.stream, "isatty", lambda: False)())
        self.started = time.perf_counter()
        self._drawn_at = 0.0
        self._draw(force=True)

    def advance(self, count: int = 1) -> None:
        self.done = min(self.total, self.done + count) if self.total else self.done + count
        self._draw()

    def finish(self) -> float:
        """Complete the bar and return the seconds the stage took."""
        self.done = self.total
        elapsed = time.perf_counter() - self.started
        if self.interactive:
            self._draw(force=True)
            self.stream.write("\n")
        else:
            self.stream.write(f"{self.label}: {self.total:,} in {elapsed:.1f} s\n")
        self.stream.flush()
        return elapsed

    def _draw(self, force: bool = False) -> None:
        if not self.interactive:
            return
        now = time.perf_counter()
        if not force and now - self._drawn_at < 0.1:
            return
        self._drawn_at = now
        share = self.done / self.total if self.total else 1.0
        filled = int(share * WIDTH)
        bar = "#" * filled + "-" * (WIDTH - filled)
        self.stream.write(
            f"\r{self.label:<22} [{bar}] {share * 100:5.1f}% "
            f"{self.done:>11,}/{self.total:,}  {now - self.started:6.1f} s"
        )
        self.stream.flush()
