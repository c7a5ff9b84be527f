"""golden/setup/ replayed on an empty tenant builds the golden scenario through the API.

Ids, secrets and timestamps the mock makes up are learned as aliases of Logto's, so later
requests name the mock's own entities. At the end, the tenant the API built gives the tokens the
fixture tenant gives.
"""

from __future__ import annotations

import time

from .support.apps import ClientFactory
from .support.paths import GOLDEN
from .support.replay import Replayer, load
from .support.verify import decode_unverified

RECORDINGS = sorted((GOLDEN / "setup").glob("*.json"))
EMPTY_TENANT = GOLDEN / "empty-tenant.yaml"
MADE_UP = frozenset({"id", "secret", "value", "createdAt", "updatedAt"})


def test_setup_builds_the_scenario(make_client: ClientFactory) -> None:
    assert len(RECORDINGS) == 28
    now = int(time.time())
    replayer = Replayer(make_client(EMPTY_TENANT, clock=lambda: now), now)
    for path in RECORDINGS:
        recording = load(path)
        if path.stem == "10-list-m2m-roles":  # the database's order
            response = replayer.send(recording)
            expected = replayer.aliases.apply_json(recording["response"]["body_json"])
            assert sorted(response.json(), key=str) == sorted(expected, key=str)
            continue
        creates = recording["request"]["method"] == "POST" or path.stem.endswith("secrets")
        replayer.replay(recording, made_up=MADE_UP if creates else frozenset())

    # The tenant built through the API answers as the scenario does.
    client = replayer.client
    cart = replayer.aliases.values["y1wo0iqlzt30wfuyc4oep"]
    cart_secret = replayer.aliases.values["nMxGhxX9jaYxBl4C66fLjqW91jJMaIcS"]
    acme = replayer.aliases.values["2qmrthu6us5w"]
    token = client.post(
        "/oidc/token",
        data={
            "grant_type": "client_credentials",
            "organization_id": acme,
            "resource": "https://api.example.com",
            "scope": "read:products write:products",
        },
        auth=(cart, cart_secret),
    ).json()["access_token"]
    claims = decode_unverified(token)[1]
    assert (claims["organization_id"], claims["scope"]) == (acme, "read:products")
