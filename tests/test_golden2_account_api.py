"""golden2/account-api/ replayed in recording order on the scenario golden2/setup/ builds.

What the recordings used without recording it is made through the API and learned as aliases:
alice's opaque access token (an unrecorded sign-in of alice to web-app, scope `openid
offline_access profile email custom_data phone identities`), the Management API token, and the
profile `users-more` left on alice (set with `PATCH /api/users/:id` before account-api/10). The
opaque token without `openid` (15, from an impersonation exchange) is put in the store as that
exchange would have left it. Exceptions: 31 (Logto answered 500 because the recording machine
could not reach api.pwnedpasswords.com) is not sent; the mock's offline pwned check accepts
that password (`tests/test_account_api.py`).
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from mock_logto.store import OpaqueAccessToken

from .support.apps import ClientFactory
from .support.golden2 import (
    ALICE,
    EMPTY_TENANT,
    alias,
    build_scenario,
    exchange_code,
    learn_bearer,
    recordings,
    runtime_of,
    sign_in_alice,
)
from .support.replay import Replayer, load

RECORDINGS = recordings("account-api")
USER_SCOPE = "openid offline_access profile email custom_data phone identities"
#: What `users-more` left on alice (account-api/10 shows it before any change).
ALICE_PROFILE = {
    "name": "Alice A. Example",
    "avatar": "https://example.com/alice.png",
    "customData": {"theme": "dark"},
}
ALICE_DETAILS = {
    "familyName": "Example",
    "givenName": "Alice",
    "nickname": "ali",
    "website": "https://alice.example.com",
    "locale": "en-US",
}
NOT_SENT = {"31"}
#: A created verification record's id and expiry: the mock's own, learned as aliases.
RECORD_FIELDS = frozenset({"verificationRecordId", "expiresAt"})


@pytest.fixture
def replayer(make_client: ClientFactory) -> Replayer:
    now = int(time.time())
    return build_scenario(make_client(EMPTY_TENANT, clock=lambda: now), now)


def test_the_recordings_are_all_there() -> None:
    assert len(RECORDINGS) == 49


def _bearer(recording: dict[str, Any]) -> str:
    return str(recording["request"]["headers"].get("Authorization", "")).removeprefix("Bearer ")


def _user_token(replayer: Replayer, recorded: str) -> None:
    signed_in = sign_in_alice(replayer, USER_SCOPE)
    tokens = exchange_code(replayer, signed_in["code"], signed_in["code_verifier"])
    replayer.aliases.learn(recorded, tokens["access_token"])


def _token_without_openid(replayer: Replayer, recorded: str) -> None:
    rt = runtime_of(replayer.client)
    live = alias(replayer, ALICE[0])
    token = OpaqueAccessToken(
        value=recorded,
        client_id=alias(replayer, "sn0au42wlyg55vs2j8ptl"),
        account_id=live,
        scopes=["profile"],
        issued_at=rt.clock(),
        expires_at=rt.clock() + 3600,
    )
    rt.store.add_access_token(token)


def _alice_as_users_more_left_her(replayer: Replayer, management: str) -> None:
    headers = {"Authorization": "Bearer " + replayer.aliases.apply(management)}
    user_id = alias(replayer, ALICE[0])
    client = replayer.client
    assert client.patch(f"/api/users/{user_id}", json=ALICE_PROFILE, headers=headers).is_success
    profile = client.patch(
        f"/api/users/{user_id}/profile", json={"profile": ALICE_DETAILS}, headers=headers
    )
    assert profile.is_success, profile.text


def _learn_timestamps(replayer: Replayer, recording: dict[str, Any], body: Any) -> None:
    """`lastSignInAt` and `updatedAt` are the mock's own times (updatedAt moves on)."""
    theirs = recording["response"].get("body_json")
    if not isinstance(theirs, dict) or not isinstance(body, dict):
        return
    for key in ("lastSignInAt", "updatedAt"):
        if key in theirs and key in body:
            assert isinstance(body[key], int)
            assert body[key] >= body["createdAt"]
            replayer.aliases.learn(str(theirs[key]), str(body[key]))


def test_account_api_in_order(replayer: Replayer) -> None:
    management = _bearer(load(RECORDINGS[0]))
    learn_bearer(replayer, load(RECORDINGS[0]))
    # Before alice signs in, as in Logto's timeline (her sign-in is her last update at 08, 10).
    _alice_as_users_more_left_her(replayer, management)
    for path in RECORDINGS:
        stem = path.stem[:2]
        recording = load(path)
        bearer = _bearer(recording)
        if stem in NOT_SENT:
            continue
        if bearer and not bearer.startswith("ey") and bearer not in replayer.aliases.values:
            if stem == "15":
                _token_without_openid(replayer, bearer)
            elif bearer != "garbage":
                _user_token(replayer, bearer)
        response = replayer.send(recording)
        _learn_timestamps(replayer, recording, response.json() if _is_json(response) else None)
        made_up = frozenset({"verificationRecordId", "expiresAt"})
        replayer.check(
            recording, response, made_up=made_up if stem in ("29", "35") else frozenset()
        )


def _is_json(response: Any) -> bool:
    return str(response.headers.get("content-type", "")).startswith("application/json")
