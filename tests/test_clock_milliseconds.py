"""The clock's milliseconds: Logto compares deadlines in milliseconds (`expiresAt > Date.now()`)."""

from __future__ import annotations

import time

from mock_logto.clock import MockClock


def test_milliseconds_of_the_wall_clock_are_the_wall_clocks_own() -> None:
    clock = MockClock()
    before = int(time.time() * 1000)
    now = clock.milliseconds()
    after = int(time.time() * 1000)
    assert before <= now <= after
    clock.advance(5)
    assert before + 5000 <= clock.milliseconds() <= int(time.time() * 1000) + 5000


def test_milliseconds_of_an_injected_clock_are_its_seconds() -> None:
    clock = MockClock(lambda: 1_795_404_138)
    assert clock.milliseconds() == 1_795_404_138_000
    clock.advance(2)
    assert clock.milliseconds() == 1_795_404_140_000
