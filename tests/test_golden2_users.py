"""golden2/users-more/ replayed in recording order on the scenario golden2/setup/ builds.

The tenant is first brought to the state Logto was in (carol, dave, alice's sign-in: see
`tests/support/golden2_users.py`); then all 137 exchanges run in order: creation rules,
search, every sub-route, the 404s of a missing user, and a suspended user's sign-in.
"""

from __future__ import annotations

import time

import pytest

from .support.apps import ClientFactory
from .support.golden2 import EMPTY_TENANT, build_scenario
from .support.golden2_users import USERS_MORE, prepare, replay_one
from .support.replay import Replayer, load


@pytest.fixture
def replayer(make_client: ClientFactory) -> Replayer:
    now = int(time.time())
    built = build_scenario(make_client(EMPTY_TENANT, clock=lambda: now), now)
    prepare(built)
    return built


def test_the_recordings_are_all_there() -> None:
    assert len(USERS_MORE) == 137


def test_users_more_in_order(replayer: Replayer) -> None:
    for path in USERS_MORE:
        replay_one(replayer, load(path))
