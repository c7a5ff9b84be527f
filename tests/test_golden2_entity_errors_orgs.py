"""The organization items of golden2/entity-errors/, in recording order on the golden2 scenario.

404 bodies (organizations and scopes `entity.not_exists_with_id`, roles and invitations
`entity.not_found`, one-time tokens naming their table), sub-collections of a missing
organization (members: 200 `[]`; a member's roles: 422), updates and deletes of missing ones,
`q` search, pagination edges and invalid bodies. `hooked-org` (an earlier area's) is created by
its recorded request. The whole area's replay is another test's.
"""

from __future__ import annotations

import pytest

from .support.apps import ClientFactory, Clock
from .support.golden2 import (
    EMPTY_TENANT,
    build_scenario,
    learn_bearer,
    learn_setup_time,
    management_token,
    recorded_epoch,
    recordings,
    replay_creating,
    replay_earlier,
    replay_not_allowed,
)
from .support.replay import Replayer, load

NUMBERS = (5, 6, 7, 9, 10, *range(22, 29), 31, 32, *range(37, 40), *range(56, 63))
NUMBERS += (*range(73, 81), *range(126, 139))
RECORDINGS = [p for p in recordings("entity-errors") if int(p.stem[:3]) in NUMBERS]


@pytest.fixture
def clock() -> Clock:
    return Clock(recorded_epoch(load(recordings("setup")[0])))


@pytest.fixture
def replayer(make_client: ClientFactory, clock: Clock) -> Replayer:
    return build_scenario(make_client(EMPTY_TENANT, clock=clock), clock.now)


def test_the_organization_items_are_all_there() -> None:
    assert [int(p.stem[:3]) for p in RECORDINGS] == list(NUMBERS)


def test_organization_entity_errors_in_order(replayer: Replayer, clock: Clock) -> None:
    learn_bearer(replayer, load(RECORDINGS[0]))
    replay_earlier(replayer, "59-create-organization.json")  # hooked-org
    headers = {"Authorization": "Bearer " + management_token(replayer)}
    learn_setup_time(replayer, "21-create-org-acme.json", headers)
    for path in RECORDINGS:
        recording = load(path)
        clock.now = max(clock.now, recorded_epoch(recording) + 1)
        replayer.now = clock.now
        status = recording["response"]["status"]
        if status == 405:
            replay_not_allowed(replayer, recording)
        elif status == 201:
            replay_creating(replayer, recording)
        else:
            replayer.replay(recording)
