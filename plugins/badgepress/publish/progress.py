"""Progress on a terminal: one self-rewriting line while credentials are signed or pages rendered.

The core reports progress through a ``progress(done, total)`` callable it is
given; this is the one that draws it, for the plugin and the command line.
"""

from __future__ import annotations

import sys
import time
from typing import IO


class TerminalProgress:
    """``<what> done/total`` on one self-rewriting line, at most ten times a second."""

    def __init__(self, stream: IO[str], what: str = "signing credentials") -> None:
        self.stream = stream
        self.what = what
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._last < 0.1:
            return
        self._last = now
        if done < total:
            self.stream.write(f"\rbadgepress: {self.what} {done:,}/{total:,}")
        else:
            self.stream.write("\r\033[K")
        self.stream.flush()


def terminal_progress(
    stream: IO[str] | None = None, what: str = "signing credentials"
) -> TerminalProgress | None:
    """A progress display on ``stream`` (default stderr) when it is a terminal, else None."""
    stream = stream if stream is not None else sys.stderr
    try:
        return TerminalProgress(stream, what) if stream.isatty() else None
    except (AttributeError, ValueError):
        return None
