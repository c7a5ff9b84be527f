"""Logto's sentinel: failed verifications of one identifier lock it out for a while.

Logto: packages/core/src/sentinel/basic-sentinel.ts and routes/experience/classes/libraries/
sentinel-guard.ts. Every password (and verification code, one-time token) attempt is reported
with its identifier's value; once the failed attempts of the last hour (not counting blocked
ones), this one included, reach `sentinelPolicy.maxAttempts` (default 100), the identifier is
blocked for `lockoutDuration` minutes (default 60), and every attempt until then, right or
wrong, is answered 400 `session.verification_blocked_too_many_attempts`.
"""

from __future__ import annotations

import math
from collections import deque
from typing import Any

from ..errors import ManagementApiError

#: Actions sharing one count (MFA actions each have their own).
POOLED = frozenset({"Password", "VerificationCode", "OneTimeToken"})
DEFAULT_POLICY = {"maxAttempts": 100, "lockoutDuration": 60}
_HOUR_MS = 3_600_000
#: Activities kept (older ones no longer matter once an hour has passed).
_KEPT = 100_000


def _pool(action: str) -> frozenset[str]:
    return POOLED if action in POOLED else frozenset({action})


class Sentinel:
    """The activities reported: (identifier value, action, failed, blocked, expires ms, at ms)."""

    def __init__(self) -> None:
        self.activities: deque[tuple[str, str, bool, bool, int, int]] = deque(maxlen=_KEPT)

    def clear(self) -> None:
        """Forget every activity (a reset)."""
        self.activities.clear()

    def report(
        self, policy: dict[str, Any], target: str, action: str, *, failed: bool, now_ms: int
    ) -> int | None:
        """Record an attempt; the time the block ends (ms) when `target` is blocked, else None."""
        actions = _pool(action)
        blocked_until = None
        for value, kind, _, blocked, expires, _ in self.activities:
            if value == target and kind in actions and blocked and expires > now_ms:
                blocked_until = expires
                break
        if blocked_until is None:
            limits = {**DEFAULT_POLICY, **policy}
            count = sum(
                1
                for value, kind, was_failed, blocked, _, at in self.activities
                if value == target
                and kind in actions
                and was_failed
                and not blocked
                and at > now_ms - _HOUR_MS
            )
            if count + (1 if failed else 0) >= limits["maxAttempts"]:
                minutes = float(limits["lockoutDuration"])
                # JavaScript dates end at 8.64e15 ms: a longer lockout lasts until then.
                until = now_ms + minutes * 60_000
                blocked_until = (
                    int(max(min(until, 8.64e15), -8.64e15)) if until == until else now_ms
                )
        expires = blocked_until if blocked_until is not None else now_ms
        self.activities.append((target, action, failed, blocked_until is not None, expires, now_ms))
        return blocked_until


def relative_minutes(minutes: int) -> str:
    """`Intl.RelativeTimeFormat('en').format(minutes, 'minute')`."""
    unit = "minute" if abs(minutes) == 1 else "minutes"
    return f"in {minutes} {unit}" if minutes >= 0 else f"{-minutes} {unit} ago"


def blocked_error(blocked_until: int, now_ms: int) -> ManagementApiError:
    """Logto's 400 for a blocked identifier, saying when to try again."""
    minutes = math.floor((blocked_until - now_ms) / 1000 / 60 + 0.5)  # JavaScript's Math.round
    return ManagementApiError(
        "session.verification_blocked_too_many_attempts",
        f"Too many attempts in a short time. Please try again {relative_minutes(minutes)}.",
        status_code=400,
    )
