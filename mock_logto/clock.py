"""The server's clock: the wall clock (or an injected one) plus an offset tests move forward.

Everything that expires (codes, tokens, sessions, secrets) reads this clock, so tests move time
instead of sleeping.
"""

from __future__ import annotations

import time

from .errors import MockLogtoError
from .types import Clock

#: How far tests may move time (dates beyond it stop being representable everywhere).
MAX_OFFSET = 100 * 365 * 24 * 3600


def system_clock() -> int:
    """Wall-clock seconds."""
    return int(time.time())


class MockClock:
    """A base clock plus an offset that only moves forward."""

    def __init__(self, base: Clock | None = None) -> None:
        self._base: Clock = base or system_clock
        self.offset = 0

    def __call__(self) -> int:
        """Seconds since the epoch, as the server sees them."""
        return self._base() + self.offset

    def milliseconds(self) -> int:
        """Milliseconds since the epoch; on the system clock, the wall clock's own.

        Logto compares `expiresAt` with `Date.now()`: a deadline 100 ms ahead passes within the
        second, which whole seconds times 1000 would not see.
        """
        base = int(time.time() * 1000) if self._base is system_clock else self._base() * 1000
        return base + self.offset * 1000

    def advance(self, seconds: int) -> int:
        """Move time forward (tokens and codes expire without sleeping); returns the new now."""
        if seconds < 0:
            raise MockLogtoError("the clock only moves forward")
        if self.offset + seconds > MAX_OFFSET:
            raise MockLogtoError("the clock moves at most 100 years ahead")
        self.offset += seconds
        return self()

    def now_ms(self) -> int:
        """Milliseconds since the epoch, as Logto stamps and expires invitations and tokens.

        The wall clock's own milliseconds when it is the base, else `self() * 1000`.
        """
        if self._base is system_clock:
            return int(time.time() * 1000) + self.offset * 1000
        return self() * 1000

    def reset(self) -> None:
        """Back to the base clock."""
        self.offset = 0
