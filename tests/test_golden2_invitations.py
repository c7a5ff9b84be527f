"""golden2/invitations/ replayed in recording order on the scenario golden2/setup/ builds.

Organization invitations, one-time tokens and JIT email domains / roles / SSO connectors. The
server's clock follows each recording's time (plus a second: `recorded_at` is truncated), so
invitations and tokens expire when Logto's did; ids, tokens and timestamps the mock makes up
are learned as aliases.
"""

from __future__ import annotations

import json

import pytest

from .support.apps import ClientFactory, Clock
from .support.golden2 import (
    EMPTY_TENANT,
    build_scenario,
    learn_bearer,
    recorded_epoch,
    recordings,
    replay_creating,
    replay_learning,
    replay_not_allowed,
)
from .support.replay import Replayer, load

RECORDINGS = recordings("invitations")
INVITATION = frozenset({"id", "createdAt", "updatedAt"})
ONE_TIME_TOKEN = frozenset({"id", "token", "createdAt", "expiresAt"})


@pytest.fixture
def clock() -> Clock:
    return Clock(recorded_epoch(load(recordings("setup")[0])))


@pytest.fixture
def replayer(make_client: ClientFactory, clock: Clock) -> Replayer:
    return build_scenario(make_client(EMPTY_TENANT, clock=clock), clock.now)


def test_the_recordings_are_all_there() -> None:
    assert len(RECORDINGS) == 105


def test_invitations_in_order(replayer: Replayer, clock: Clock) -> None:
    learn_bearer(replayer, load(RECORDINGS[0]))
    for path in RECORDINGS:
        recording = load(path)
        clock.now = max(clock.now, recorded_epoch(recording) + 1)
        replayer.now = clock.now
        request, status = recording["request"], recording["response"]["status"]
        url = request["url"]
        if status == 405:
            replay_not_allowed(replayer, recording)
        elif request["method"] == "POST" and url.endswith("/api/users"):
            replay_creating(replayer, recording)
        elif status == 201 and url.endswith("/api/organization-invitations"):
            replay_learning(replayer, recording, INVITATION)
        elif status == 200 and request["method"] == "PUT" and "/organization-invitations/" in url:
            replay_learning(replayer, recording, frozenset({"updatedAt"}))
        elif status == 201 and url.endswith("/api/one-time-tokens"):
            mine = replay_learning(replayer, recording, ONE_TIME_TOKEN)
            expires_in = json.loads(request["body"]).get("expiresIn", 600)
            assert mine["expiresAt"] - mine["createdAt"] == expires_in * 1000
        else:
            replayer.replay(recording)
