"""Progress reporting for long batch runs: a one-line bar with pages/s on a terminal, periodic plain
log lines otherwise (cron, systemd and CI logs are not terminals). Written to stderr."""
from __future__ import annotations

import sys
import time
from typing import TextIO


def _duration(seconds: float) -> str:
    seconds = int(max(0, seconds))
    h, rem = divmod(seconds, 3600)
    m, s = divmod(rem, 60)
    return f"{h}h{m:02d}m" if h else f"{m}m{s:02d}s"


class Progress:
    """Tracks pages done and input bytes read; renders at most every `redraw` s (bar) or
    every `interval` s (log lines). `mode` is "bar", "log" or "none"; "auto" picks by isatty."""

    def __init__(self, total_bytes: int, *, mode: str = "auto", interval: float = 30.0,
                 stream: TextIO | None = None, redraw: float = 0.2, width: int = 28) -> None:
        self.stream = stream if stream is not None else sys.stderr
        if mode == "auto":
            mode = "bar" if hasattr(self.stream, "isatty") and self.stream.isatty() else "log"
        self.mode = mode
        self.total_bytes = max(1, total_bytes)
        self.interval = interval
        self.redraw = redraw
        self.width = width
        self.start = time.monotonic()
        self._last = float("-inf")
        self.pages = self.spam = self.errors = 0
        self.bytes_read = 0
        self._drawn = False

    def update(self, *, pages: int = 0, spam: int = 0, errors: int = 0, bytes_read: int | None = None,
               force: bool = False) -> None:
        """Add finished pages and set the input bytes read so far; render if it is time."""
        self.pages += pages
        self.spam += spam
        self.errors += errors
        if bytes_read is not None:
            self.bytes_read = bytes_read
        now = time.monotonic()
        if self.mode == "none":
            return
        wait = self.redraw if self.mode == "bar" else self.interval
        if force or now - self._last >= wait:
            self._last = now
            self.render(now)

    def rate(self, now: float | None = None) -> float:
        elapsed = (now or time.monotonic()) - self.start
        return self.pages / elapsed if elapsed > 0 else 0.0

    def line(self, now: float | None = None) -> str:
        """The status text: share of input read, pages, pages/s, spam, errors, ETA."""
        now = now or time.monotonic()
        frac = min(1.0, self.bytes_read / self.total_bytes)
        rate = self.rate(now)
        elapsed = now - self.start
        eta = elapsed * (1 - frac) / frac if frac > 0.001 else 0.0
        return (f"{frac * 100:5.1f}%  {self.pages:,} pages  {rate:,.1f} pages/s  spam {self.spam:,}  "
                f"errors {self.errors:,}  elapsed {_duration(elapsed)}  eta {_duration(eta) if frac > 0.001 else '?'}")

    def render(self, now: float | None = None) -> None:
        if self.mode == "bar":
            frac = min(1.0, self.bytes_read / self.total_bytes)
            filled = int(frac * self.width)
            bar = "#" * filled + "-" * (self.width - filled)
            self.stream.write(f"\r[{bar}] {self.line(now)}\x1b[K")
            self._drawn = True
        else:
            self.stream.write(f"unspun filter: {self.line(now)}\n")
        self.stream.flush()

    def close(self) -> None:
        """Finish the bar line (a final render) so the summary starts on a fresh line."""
        if self.mode == "bar":
            self.render()
            self.stream.write("\n")
            self.stream.flush()
