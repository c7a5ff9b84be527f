"""`serve`'s console output: one line per request, as a developer watching the server wants it.

    14:03:07 POST /oidc/token 200 1.4 ms

Time (local, to the second), method, path (never the query: it may carry codes and tokens),
status, and how long the answer took. Coloured by status class on a terminal (`NO_COLOR` turns
colour off). Cheap on the token path: the time of day is formatted once a second, and lines
are written together a moment later (one write for many requests), not one system call each.
"""

from __future__ import annotations

import asyncio
import os
import time
from typing import TextIO

#: How long a line may wait before it is written (with the others of that moment).
FLUSH_AFTER = 0.05

_RESET = "\033[0m"
_DIM = "\033[2m"
_STATUS_COLOURS = {2: "\033[32m", 3: "\033[36m", 4: "\033[33m", 5: "\033[31m"}


def wants_colour(stream: TextIO) -> bool:
    """Colour only on a terminal, and not when `NO_COLOR` is set (no-color.org)."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and not os.environ.get("NO_COLOR")


class ConsoleLog:
    """Writes one line per request to `stream`; call :meth:`flush` before exiting."""

    def __init__(self, stream: TextIO, *, colour: bool | None = None) -> None:
        self.stream = stream
        self.colour = wants_colour(stream) if colour is None else colour
        self._pending: list[str] = []
        self._scheduled = False
        self._second = -1
        self._stamp = ""

    def __call__(self, method: str, path: str, status: int, seconds: float) -> None:
        """Queue the line of one answered request."""
        now = time.time()
        if int(now) != self._second:
            self._second = int(now)
            self._stamp = time.strftime("%H:%M:%S", time.localtime(now))
        if not path.isprintable():  # a percent-decoded path may hold terminal escapes
            path = path.encode("unicode_escape").decode("ascii")
        if self.colour:
            colour = _STATUS_COLOURS.get(status // 100, "")
            line = (
                f"{_DIM}{self._stamp}{_RESET} {method} {path} {colour}{status}{_RESET}"
                f" {_DIM}{seconds * 1000:.1f} ms{_RESET}\n"
            )
        else:
            line = f"{self._stamp} {method} {path} {status} {seconds * 1000:.1f} ms\n"
        self._pending.append(line)
        if not self._scheduled:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # called outside a server: write at once
                self.flush()
                return
            self._scheduled = True
            loop.call_later(FLUSH_AFTER, self.flush)

    def flush(self) -> None:
        """Write the queued lines."""
        self._scheduled = False
        if self._pending:
            text = "".join(self._pending)
            self._pending.clear()
            self.stream.write(text)
            self.stream.flush()
