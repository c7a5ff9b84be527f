"""golden2/users-more/ on the scenario: the tenant as that area found it, and its replay.

Before `users-more` Logto had run `webhooks` (carol created, 75), `invitations` (dave created,
033, and a member of acme by an accepted invitation, 034) and alice had signed in to web-app
(`lastSignInAt`, `applicationId`). Those are rebuilt here: carol and dave by their recorded
requests, dave's membership through the API, alice's sign-in by a real sign-in (its time
learned as an alias of Logto's), which also makes web-app her `applicationId` (the first app
she consented to).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from .golden2 import (
    ALICE,
    CALLBACK,
    GOLDEN2,
    MADE_UP,
    WEB_APP,
    alias,
    learn_bearer,
    recordings,
    replay_creating,
    replay_earlier,
    runtime_of,
    sign_in_alice,
)
from .replay import Replayer, load

USERS_MORE = recordings("users-more")
ACME = "fvhkqwlkdefn"
DAVE = "9gk8s7lqgcq4"
#: alice's `lastSignInAt` (and `updatedAt`) when users-more was recorded.
ALICE_SIGNED_IN_AT = 1795439129582


def headers(replayer: Replayer) -> dict[str, str]:
    """The Management API token the recordings used (learned as an alias)."""
    recorded = load(USERS_MORE[0])["request"]["headers"]["Authorization"]
    return {"Authorization": replayer.aliases.apply(recorded)}


def prepare(replayer: Replayer) -> None:
    """The tenant as users-more found it (see the module's docstring)."""
    learn_bearer(replayer, load(USERS_MORE[0]))
    replay_earlier(replayer, "75-create-user-carol.json")
    replay_earlier(replayer, "033-create-user-dave.json")
    client = replayer.client
    acme, dave = alias(replayer, ACME), alias(replayer, DAVE)
    added = client.post(
        f"/api/organizations/{acme}/users", json={"userIds": [dave]}, headers=headers(replayer)
    )
    assert added.status_code == 201, added.text
    sign_in_alice(replayer, "openid")
    alice = runtime_of(client).tenant.users[alias(replayer, ALICE[0])]
    assert alice.application_id == alias(replayer, WEB_APP[0])  # her first consent
    assert alice.last_sign_in_at is not None
    replayer.aliases.learn(str(ALICE_SIGNED_IN_AT), str(alice.last_sign_in_at))


def open_interaction(replayer: Replayer) -> None:
    """A sign-in interaction of web-app, as the recordings' Experience API requests had."""
    query = {
        "client_id": alias(replayer, WEB_APP[0]),
        "redirect_uri": CALLBACK,
        "response_type": "code",
        "scope": "openid",
        "state": "s",
    }
    started = replayer.client.get("/oidc/auth?" + urlencode(query), follow_redirects=False)
    assert started.status_code == 303, started.text
    put = replayer.client.put("/api/experience", json={"interactionEvent": "SignIn"})
    assert put.status_code == 204, put.text


def replay_one(replayer: Replayer, recording: dict[str, Any]) -> None:
    """One exchange: made-up ids and timestamps learned, the rest compared exactly."""
    request = recording["request"]
    learn_bearer(replayer, recording)
    if request["path"].startswith("/api/experience/"):
        open_interaction(replayer)
        replayer.replay(recording)
    elif request["method"] == "POST" and request["path"] == "/api/users":
        if recording["response"]["status"] == 200:
            replay_creating(replayer, recording)
        else:
            replayer.replay(recording)
    else:
        replayer.replay(recording, made_up=MADE_UP)


def replay_users_more(replayer: Replayer) -> None:
    """Every users-more exchange in recording order."""
    for path in USERS_MORE:
        replay_one(replayer, load(path))


__all__ = ["GOLDEN2", "USERS_MORE", "prepare", "replay_one", "replay_users_more"]
