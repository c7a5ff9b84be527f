"""The user items of golden2/entity-errors/, replayed after users-more as Logto recorded them.

002 (a missing user's 404 names no table), 047/048 (`search` needs explicit wildcards), 102 (a
name longer than the column: the database's 422), 103–105 (the guard's 400s).
"""

from __future__ import annotations

import time

import pytest

from .support.apps import ClientFactory
from .support.golden2 import EMPTY_TENANT, build_scenario, recordings
from .support.golden2_users import prepare, replay_one, replay_users_more
from .support.replay import Replayer, load

#: The user items of entity-errors (the whole area is tests/test_golden2_entity_errors.py).
USER_ITEMS = ("002", "047", "048", "102", "103", "104", "105")
RECORDINGS = [p for p in recordings("entity-errors") if p.name[:3] in USER_ITEMS]


@pytest.fixture
def replayer(make_client: ClientFactory) -> Replayer:
    now = int(time.time())
    built = build_scenario(make_client(EMPTY_TENANT, clock=lambda: now), now)
    prepare(built)
    replay_users_more(built)
    return built


def test_the_user_items_are_all_there() -> None:
    assert [p.name[:3] for p in RECORDINGS] == ["002", "047", "048", "102", "103", "104", "105"]


def test_user_entity_errors_in_order(replayer: Replayer) -> None:
    for path in RECORDINGS:
        replay_one(replayer, load(path))
