"""golden2/applications-more/ replayed in recording order on the scenario golden2/setup/ builds.

What earlier areas left that these recordings use is made through the API first: `spa-app`
(impersonation), `hooked-org` (webhooks), the three extra M2M roles 41 assigns (created
unrecorded). Secret expiry times are learned as aliases of times as far from the mock's clock as
they were from Logto's, and the clock moves past the short-lived secret's expiry before 61.

In the third-party sign-in (76–85) the Experience API steps before `submit` (78) were not
recorded: they are made here; Logto's consent page (80) was not built on the recording machine
(500), the mock answers a page of its own.
"""

from __future__ import annotations

from typing import Any

import pytest

from .support.apps import ClientFactory, Clock
from .support.golden2 import (
    ALICE,
    CART_SERVICE,
    EMPTY_TENANT,
    alias,
    build_scenario,
    learn_bearer,
    management_token,
    recordings,
    replay_creating,
    replay_earlier,
)
from .support.replay import Replayer, load

RECORDINGS = recordings("applications-more")
#: The third-party sign-in with its consent step (see the module docstring).
THIRD_PARTY_FLOW: set[str] = set()
#: Logto's consent page (an SPA) was not built on the recording machine: 500 (its README,
#: deviation 1). The mock answers a small page of its own.
NO_SPA = "80"
CREATES = {"01", "54", "58"}
#: The legacy secret's replacement is made up (an `#internal:` secret).
NEW_INTERNAL_SECRET = {"71"}
EXTRA_ROLES = ("me7bjsximenl6mf9ei6dv", "ze9lfpujxxfhvj2s7ajtl", "cb56p58t8hv5fxt69a0b7")
SPA_APP = "fsj2k3qhk9l7ftaegcmfq"
THIRD_PARTY_APP = ("f7k55ob4dzhpw37xzhvbr", "zJ99x2d6KzCUQgqkdSgQVcc8fw6m8AH3")
ACME = "fvhkqwlkdefn"
#: alice as users-more and account-api left her (the consent page and the ID token show it).
ALICE_PROFILE = {
    "name": "Alice A. Example",
    "avatar": "https://example.com/alice.png",
    "profile": {
        "familyName": "Example",
        "givenName": "Alice",
        "nickname": "ali",
        "website": "https://alice.example.com",
        "locale": "en-US",
    },
}
ACME_CREATED_AT = 1795438839783
CART_SECRET_CREATED_AT = 1795438839114
#: When 58 was recorded, and the `expiresAt` it sent (two seconds later).
SHORT_LIVED = (1795439523829, 1795439525825)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def replayer(make_client: ClientFactory, clock: Clock) -> Replayer:
    return build_scenario(make_client(EMPTY_TENANT, clock=clock), clock.now)


def _headers(replayer: Replayer) -> dict[str, str]:
    return {"Authorization": "Bearer " + management_token(replayer)}


def _earlier_state(replayer: Replayer, clock: Clock) -> None:
    """What webhooks/ and impersonation/ left, and what 41 assigns without recording it."""
    learn_bearer(replayer, load(RECORDINGS[0]))
    client = replayer.client
    headers = _headers(replayer)
    replay_earlier(replayer, "59-create-organization.json")  # hooked-org
    made = client.post(
        "/api/applications",
        json={
            "name": "spa-app",
            "type": "SPA",
            "oidcClientMetadata": {
                "redirectUris": ["http://localhost:9999/spa"],
                "postLogoutRedirectUris": [],
            },
        },
        headers=headers,
    )
    assert made.status_code == 200, made.text
    replayer.aliases.learn(SPA_APP, made.json()["id"])
    for index, role_id in enumerate(EXTRA_ROLES):
        made = client.post(
            "/api/roles",
            json={
                "name": f"m2m-extra-{index}",
                "description": f"extra m2m role {index}",
                "type": "MachineToMachine",
            },
            headers=headers,
        )
        assert made.status_code == 200, made.text
        replayer.aliases.learn(role_id, made.json()["id"])
    alice = alias(replayer, ALICE[0])
    patched = client.patch(f"/api/users/{alice}", json=ALICE_PROFILE, headers=headers)
    assert patched.status_code == 200, patched.text
    _learn_times(replayer, headers)
    clock.now += 1
    replayer.now = clock.now


def _learn_times(replayer: Replayer, headers: dict[str, str]) -> None:
    """Creation times setup/ compared as made up without learning them (acme, a secret)."""
    client = replayer.client
    acme = client.get(f"/api/organizations/{alias(replayer, ACME)}", headers=headers).json()
    replayer.aliases.learn(str(ACME_CREATED_AT), str(acme["createdAt"]))
    cart = alias(replayer, CART_SERVICE[0])
    secrets = client.get(f"/api/applications/{cart}/secrets", headers=headers).json()
    replayer.aliases.learn(str(CART_SECRET_CREATED_AT), str(secrets[0]["createdAt"]))


def _before(replayer: Replayer, clock: Clock, stem: str) -> None:
    """What a recording needs that the ones before it did not make."""
    client = replayer.client
    if stem == "02":  # the third-party app's secret, shown by no recording before 85
        app_id = alias(replayer, THIRD_PARTY_APP[0])
        secrets = client.get(f"/api/applications/{app_id}/secrets", headers=_headers(replayer))
        replayer.aliases.learn(THIRD_PARTY_APP[1], secrets.json()[0]["value"])
    if stem == "58":
        now_ms = clock.now * 1000
        replayer.aliases.learn(str(SHORT_LIVED[1]), str(now_ms + SHORT_LIVED[1] - SHORT_LIVED[0]))
    if stem == "61":  # the short-lived secret expired in between
        clock.now += 3
        replayer.now = clock.now
    if stem == "78":  # the sign-in steps before `submit`, unrecorded
        assert client.put("/api/experience", json={"interactionEvent": "SignIn"}).status_code == 204
        verified = client.post(
            "/api/experience/verification/password",
            json={"identifier": {"type": "username", "value": ALICE[1]}, "password": ALICE[2]},
        )
        assert verified.status_code == 200, verified.text
        identified = client.post(
            "/api/experience/identification",
            json={"verificationId": verified.json()["verificationId"]},
        )
        assert identified.status_code == 204, identified.text


def _replay(replayer: Replayer, stem: str, recording: dict[str, Any]) -> None:
    if stem == NO_SPA:
        page = replayer.send(recording)
        assert (page.status_code, page.headers["content-type"]) == (
            200,
            "text/html; charset=utf-8",
        )
        assert "/api/interaction/consent" in page.text
    elif stem in CREATES:
        replay_creating(replayer, recording)
    elif stem in NEW_INTERNAL_SECRET:
        replayer.replay(recording, made_up=frozenset({"secret"}))
    else:
        replayer.replay(recording)


def test_the_recordings_are_all_there() -> None:
    assert len(RECORDINGS) == 89


def test_applications_more_in_order(replayer: Replayer, clock: Clock) -> None:
    _earlier_state(replayer, clock)
    for path in RECORDINGS:
        stem = path.stem[:2]
        if stem in THIRD_PARTY_FLOW:
            continue
        recording = load(path)
        learn_bearer(replayer, recording)
        _before(replayer, clock, stem)
        _replay(replayer, stem, recording)
