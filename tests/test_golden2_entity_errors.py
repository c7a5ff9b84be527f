"""golden2/entity-errors/ replayed in recording order on the scenario golden2/setup/ builds.

What the earlier areas (webhooks, impersonation, users-more) left behind that these lists show is
made through the API first and learned as aliases. A 405's `Allow` is compared as a set of
methods (koa-router lists them in the order Logto registered its routes). Role lists come from a
query without `order by` (Postgres heap order, which moves when a row is updated): compared as
sets.
"""

from __future__ import annotations

from typing import Any

import pytest

from .support.apps import ClientFactory, Clock
from .support.golden2 import (
    ALICE,
    EMPTY_TENANT,
    WEB_APP,
    alias,
    build_scenario,
    learn_bearer,
    learn_setup_time,
    management_token,
    recordings,
    replay_creating,
    replay_earlier,
    replay_not_allowed,
)
from .support.replay import Replayer, load

RECORDINGS = recordings("entity-errors")
#: Exchanges replayed elsewhere: 047 lists users that earlier areas (users-more) created,
#: replayed where they exist, in tests/test_golden2_entity_errors_users.py.
USERS_AREA = {"047"}
OTHER_AREAS = USERS_AREA
#: Lists from queries without `order by` (roles, resources, scopes): the order is the database's.
UNORDERED = {"049", "051", "053", "055"}
CREATES = {"088", "091", "092", "093", "094", "098", "111", "112", "113", "115", "118", "119"}
CREATES |= {"120", "128", "130", "138"}


def _recorded(name: str) -> dict[str, Any]:
    return load(next(p for p in RECORDINGS if p.name.startswith(name)))


def _body_item(name: str, key: str, value: str) -> dict[str, Any]:
    body: list[dict[str, Any]] = _recorded(name)["response"]["body_json"]
    return next(item for item in body if item[key] == value)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def replayer(make_client: ClientFactory, clock: Clock) -> Replayer:
    return build_scenario(make_client(EMPTY_TENANT, clock=clock), clock.now)


def _learn(replayer: Replayer, recorded: dict[str, Any], live: dict[str, Any]) -> None:
    for key in ("id", "secret", "createdAt"):
        if key in recorded:
            replayer.aliases.learn(str(recorded[key]), str(live[key]))


def _earlier_state(replayer: Replayer, clock: Clock) -> None:
    """What webhooks/, impersonation/ and users-more/ left that these recordings show."""
    learn_bearer(replayer, load(RECORDINGS[0]))
    client = replayer.client
    headers = {"Authorization": "Bearer " + management_token(replayer)}

    def later() -> None:
        clock.now += 1
        replayer.now = clock.now

    later()
    hook_role = _body_item("053", "name", "hook-role")
    made = client.post(
        "/api/roles",
        json={"name": "hook-role", "description": hook_role["description"]},
        headers=headers,
    )
    assert made.status_code == 200, made.text
    _learn(replayer, hook_role, made.json())
    carol = client.post("/api/users", json={"username": "carol"}, headers=headers)
    replayer.aliases.learn("ixoyubcwvrd5", carol.json()["id"])
    replay_earlier(replayer, "59-create-organization.json")  # hooked-org
    learn_setup_time(replayer, "21-create-org-acme.json", headers)
    api = _body_item("055", "indicator", "https://api.example.com")
    made = client.post(
        f"/api/resources/{alias(replayer, api['id'])}/scopes",
        json={"name": "delete:products", "description": "Delete products"},
        headers=headers,
    )
    assert made.status_code == 201, made.text
    replayer.aliases.learn("mz63d2m91rv0y9bc4h1ac", made.json()["id"])
    _learn_scope_times(replayer, headers)
    later()
    web_app = alias(replayer, WEB_APP[0])
    patched = client.patch(
        f"/api/applications/{web_app}",
        json={"customClientMetadata": {"allowTokenExchange": True}},
        headers=headers,
    )
    assert patched.status_code == 200, patched.text
    spa = _body_item("069", "name", "spa-app")
    made = client.post(
        "/api/applications",
        json={
            "name": "spa-app",
            "type": "SPA",
            "oidcClientMetadata": spa["oidcClientMetadata"],
            "customClientMetadata": spa["customClientMetadata"],
        },
        headers=headers,
    )
    assert made.status_code == 200, made.text
    _learn(replayer, spa, made.json())
    later()
    for username, user_id in (("ALICE_UPPER", "esasymana4uo"), ("Alice", "rcyrlbufrmw8")):
        made = client.post("/api/users", json={"username": username}, headers=headers)
        assert made.status_code == 200, made.text
        replayer.aliases.learn(user_id, made.json()["id"])
        later()
    alice = _body_item("047", "username", "alice")
    patched = client.patch(
        f"/api/users/{alias(replayer, ALICE[0])}",
        json={"name": alice["name"], "customData": alice["customData"]},
        headers=headers,
    )
    assert patched.status_code == 200, patched.text


def _learn_scope_times(replayer: Replayer, headers: dict[str, str]) -> None:
    """The scopes' creation times (setup/ compared them as made up, without learning them)."""
    for resource in _recorded("055")["response"]["body_json"]:
        live = replayer.client.get(
            f"/api/resources/{alias(replayer, resource['id'])}/scopes", headers=headers
        ).json()
        for scope in resource["scopes"]:
            mine = next(s for s in live if s["name"] == scope["name"])
            replayer.aliases.learn(str(scope["createdAt"]), str(mine["createdAt"]))


def _unordered(value: Any) -> Any:
    """Every list sorted, at every depth."""
    if isinstance(value, list):
        return sorted((_unordered(v) for v in value), key=str)
    if isinstance(value, dict):
        return {k: _unordered(v) for k, v in value.items()}
    return value


def _replay(replayer: Replayer, stem: str, recording: dict[str, Any]) -> None:
    if recording["response"]["status"] == 405:
        replay_not_allowed(replayer, recording)
    elif stem in UNORDERED:
        response = replayer.send(recording)
        assert response.status_code == recording["response"]["status"]
        expected = replayer.aliases.apply_json(recording["response"]["body_json"])
        assert _unordered(response.json()) == _unordered(expected)
    elif stem in CREATES and recording["response"]["status"] < 300:
        replay_creating(replayer, recording)
    else:
        replayer.replay(recording)


def test_the_recordings_are_all_there() -> None:
    assert len(RECORDINGS) == 143


def test_entity_errors_in_order(replayer: Replayer, clock: Clock) -> None:
    _earlier_state(replayer, clock)
    differing: dict[str, str] = {}
    for path in RECORDINGS:
        stem = path.stem[:3]
        recording = load(path)
        learn_bearer(replayer, recording)
        try:
            _replay(replayer, stem, recording)
        except AssertionError as failure:
            differing[stem] = f"{path.name}: {str(failure)[:300]}"
    mine = {stem: why for stem, why in differing.items() if stem not in OTHER_AREAS}
    assert not mine, "\n".join(mine.values())
    assert set(differing) == OTHER_AREAS, "a listed exchange now replays: take it off the list"
