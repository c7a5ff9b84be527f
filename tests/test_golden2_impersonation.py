"""golden2/impersonation/ replayed in recording order on the scenario golden2/setup/ builds.

Subject tokens the recordings used without recording their creation are created through
`POST /api/subject-tokens` and learned as aliases; the one made expired by SQL (25) is expired
the same way, behind the API; the actor token (26, 27) is alice's opaque access token from an
unrecorded sign-in; `hooked-org` (16) is created by the earlier area's request.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from mock_logto.errors import FixtureError
from mock_logto.loader import load_tenant

from .support.apps import ClientFactory
from .support.golden2 import (
    ALICE,
    EMPTY_TENANT,
    WEB_APP,
    alias,
    build_scenario,
    exchange_code,
    learn_bearer,
    recordings,
    replay_creating,
    replay_earlier,
    runtime_of,
    sign_in_alice,
)
from .support.replay import Replayer, load
from .support.verify import decode_unverified, verify_access_token

RECORDINGS = recordings("impersonation")
SUBJECT_TOKEN = re.compile(r"subject_token=(sub_[a-z0-9]+)")
ACTOR_TOKEN = re.compile(r"actor_token=([A-Za-z0-9_-]{43})")
#: Never created: the point of the recording is that Logto does not know it.
UNKNOWN = "sub_doesnotexist123"


@pytest.fixture
def replayer(make_client: ClientFactory) -> Replayer:
    now = int(time.time())
    return build_scenario(make_client(EMPTY_TENANT, clock=lambda: now), now)


def _subject_token(replayer: Replayer, recorded: str) -> None:
    """Create, through the API, a subject token for alice standing for `recorded`."""
    if recorded == UNKNOWN or recorded in replayer.aliases.values:
        return
    response = replayer.client.post(
        "/api/subject-tokens",
        json={"userId": replayer.aliases.values[ALICE[0]]},
        headers={"Authorization": "Bearer " + replayer.aliases.apply(_mgmt(replayer))},
    )
    assert response.status_code == 201, response.text
    replayer.aliases.learn(recorded, response.json()["subjectToken"])


def _mgmt(replayer: Replayer) -> str:
    return str(load(RECORDINGS[0])["request"]["headers"]["Authorization"]).removeprefix("Bearer ")


def test_the_recordings_are_all_there() -> None:
    assert len(RECORDINGS) == 36


def test_impersonation_in_order(replayer: Replayer) -> None:
    learn_bearer(replayer, load(RECORDINGS[0]))
    replay_earlier(replayer, "59-create-organization.json")  # hooked-org, for 16
    runtime = runtime_of(replayer.client)
    for path in RECORDINGS:
        recording = load(path)
        body = recording["request"]["body"] or ""
        subject = SUBJECT_TOKEN.search(body)
        if subject and not path.stem.startswith("01"):
            _subject_token(replayer, subject.group(1))
        if path.stem.startswith("25"):  # expires_at moved 1 minute into the past with SQL
            live = replayer.aliases.values[subject.group(1) if subject else ""]
            runtime.store.subject_tokens[live].expires_at = replayer.now - 60
        actor = ACTOR_TOKEN.search(body)
        if actor and actor.group(1) not in replayer.aliases.values:
            signed_in = sign_in_alice(replayer, "openid offline_access profile")
            tokens = exchange_code(replayer, signed_in["code"], signed_in["code_verifier"])
            replayer.aliases.learn(actor.group(1), tokens["access_token"])
        if path.stem.startswith(("01", "31")):
            made_up = {"01": frozenset({"subjectToken"})}.get(path.stem[:2])
            if made_up:
                replayer.replay(recording, made_up=made_up)
            else:
                replay_creating(replayer, recording)
            continue
        replayer.replay(recording)


def test_subject_token_is_single_use_and_expires(replayer: Replayer) -> None:
    """Beyond the recordings: a token answers once, and not after 600 s."""
    client = replayer.client
    learn_bearer(replayer, load(RECORDINGS[0]))
    headers = {"Authorization": "Bearer " + replayer.aliases.apply(_mgmt(replayer))}
    alice = replayer.aliases.values[ALICE[0]]
    web = (alias(replayer, WEB_APP[0]), alias(replayer, WEB_APP[1]))
    assert (
        client.patch(
            f"/api/applications/{web[0]}",
            json={"customClientMetadata": {"allowTokenExchange": True}},
            headers=headers,
        ).status_code
        == 200
    )

    def exchange(token: str) -> tuple[int, dict[str, str]]:
        response = client.post(
            "/oidc/token",
            data={
                "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
                "subject_token": token,
                "subject_token_type": "urn:logto:token-type:impersonation_token",
                "resource": "https://api.example.com",
                "scope": "read:products",
            },
            auth=web,
        )
        return response.status_code, response.json()

    def new_token() -> str:
        created = client.post("/api/subject-tokens", json={"userId": alice}, headers=headers)
        assert created.status_code == 201
        token: str = created.json()["subjectToken"]
        assert re.fullmatch(r"sub_[a-z0-9]{21}", token)
        return token

    token = new_token()
    status, answer = exchange(token)
    assert status == 200
    jwks = client.get("/oidc/jwks").json()
    claims = verify_access_token(
        answer["access_token"],
        jwks,
        issuer="http://localhost:3001/oidc",
        audience="https://api.example.com",
        now=replayer.now,
    )
    assert (claims["sub"], claims["scope"]) == (alice, "read:products")
    assert exchange(token)[0] == 400  # consumed

    runtime = runtime_of(client)
    late = new_token()
    runtime.store.subject_tokens[late].expires_at = replayer.now  # the 600 s are up
    assert exchange(late) == (
        400,
        {
            "code": "oidc.invalid_grant",
            "message": "Grant request is invalid.",
            "error_uri": "https://openid.sh/debug/invalid_grant",
            "error": "invalid_grant",
            "error_description": "grant request is invalid",
        },
    )
    # A refused exchange (not a member) does not consume the token.
    kept = new_token()
    refused = client.post(
        "/oidc/token",
        data={
            "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
            "subject_token": kept,
            "subject_token_type": "urn:logto:token-type:impersonation_token",
            "resource": "https://unknown.example.com",
        },
        auth=web,
    )
    assert refused.status_code == 400
    assert exchange(kept)[0] == 200
    assert decode_unverified(answer["access_token"])[0]["alg"] == "ES384"


def test_a_fixture_third_party_app_cannot_enable_token_exchange(tmp_path: Path) -> None:
    path = tmp_path / "tenant.yaml"
    path.write_text(
        "applications:\n"
        "  - {name: partner, type: Traditional, isThirdParty: true,\n"
        "     redirectUris: ['http://localhost/cb'],\n"
        "     customClientMetadata: {allowTokenExchange: true}}\n"
    )
    with pytest.raises(FixtureError) as info:
        load_tenant(path)
    [problem] = info.value.problems
    assert problem.endswith(
        "applications[0] (partner): allowTokenExchange: "
        "a third-party application cannot enable token exchange"
    ), problem
