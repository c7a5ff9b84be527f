"""Every recording of golden/user-flow/ replayed: sign-in through the Experience API, the
authorization endpoint's answers and errors, then the token endpoint, `/oidc/me`,
introspection and revocation with the fresh code and tokens.

Flow A is recorded step by step. Flows B, C, D, G, H and I signed in unrecorded and recorded
only their token-endpoint exchanges: the test signs in the same way (same scopes, resources,
nonce and PKCE verifier) and replays the exchanges with its own code.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from .support.apps import ClientFactory
from .support.paths import GOLDEN
from .support.replay import Replayer, load
from .support.sign_in import experience_sign_in, follow_to_callback, pkce_challenge, query_of
from .support.tenants import API
from .support.verify import decode_unverified

FLOWS = GOLDEN / "user-flow"
WEB_APP = "2ihwrbehzzcfmvvf6va91"
CALLBACK = "http://localhost:9999/callback"
ALICE_PASSWORD = "Alice-Passw0rd!2026"
FULL_SCOPE = (
    "openid offline_access profile email roles urn:logto:scope:organizations "
    "urn:logto:scope:organization_roles org:read org:write read:products write:products"
)
ORGANIZATIONS = "urn:logto:resource:organizations"


def recordings(prefix: str) -> list[Path]:
    return sorted(FLOWS.glob(f"{prefix}*.json"))


def sign_in_alice(
    client: TestClient,
    *,
    scope: str,
    resources: list[str],
    verifier: str | None,
    nonce: str | None,
) -> str:
    """An unrecorded sign-in as the recorder did it; returns the code."""
    params: dict[str, Any] = {
        "client_id": WEB_APP,
        "redirect_uri": CALLBACK,
        "response_type": "code",
        "scope": scope,
        "state": "unrecorded",
        "prompt": "consent",
        "resource": resources,
    }
    if nonce is not None:
        params["nonce"] = nonce
    if verifier is not None:
        params["code_challenge"] = pkce_challenge(verifier)
        params["code_challenge_method"] = "S256"
    started = client.get("/oidc/auth", params=params, follow_redirects=False)
    assert started.status_code == 303
    resume = experience_sign_in(client, "alice", ALICE_PASSWORD)
    return resume_to_code(client, resume)


def resume_to_code(client: TestClient, resume: str) -> str:
    return query_of(follow_to_callback(client, resume, CALLBACK))["code"]


def first_exchange(path: Path) -> tuple[dict[str, Any], str, str | None, str | None]:
    """The recorded code exchange: recording, code, code_verifier and the ID token's nonce."""
    recording = load(path)
    form = dict(recording["request"]["form"])
    id_token = recording["response"].get("body_json", {}).get("id_token")
    nonce = decode_unverified(id_token)[1].get("nonce") if id_token else None
    return recording, form["code"], form.get("code_verifier"), nonce


#: Cookies expire by the server's clock and the client's jar drops expired ones by the wall
#: clock, so these flows run at the wall clock's time (fixed for the test).
@pytest.fixture
def now() -> int:
    return int(time.time())


@pytest.fixture
def flow_client(make_client: ClientFactory, now: int) -> Callable[[], TestClient]:
    return lambda: make_client(clock=lambda: now)


@pytest.fixture
def replayer(flow_client: Callable[[], TestClient], now: int) -> Replayer:
    return Replayer(flow_client(), now)


def test_every_user_flow_recording_is_replayed() -> None:
    replayed = (
        (recordings("A") + recordings("B") + recordings("C") + recordings("D") + recordings("E"))
        + recordings("F")
        + recordings("G")
        + recordings("H")
        + recordings("I")
    )
    assert sorted(replayed) == sorted(FLOWS.glob("*.json"))
    assert len(replayed) == 53


def test_flow_a_step_by_step(replayer: Replayer) -> None:
    """Authorize, the Experience API, resume, consent, callback, then every exchange."""
    for path in recordings("A"):
        replayer.replay(load(path))


@pytest.mark.parametrize(
    ("flow", "scope", "resources"),
    [
        ("B", FULL_SCOPE, [API, ORGANIZATIONS]),
        ("C", FULL_SCOPE, [API, ORGANIZATIONS]),
        ("D", "openid offline_access", []),
        ("G", FULL_SCOPE, [API, ORGANIZATIONS]),
        ("I", FULL_SCOPE, [API]),
    ],
)
def test_flow_after_unrecorded_sign_in(
    replayer: Replayer, flow: str, scope: str, resources: list[str]
) -> None:
    paths = recordings(flow)
    recording, recorded_code, verifier, nonce = first_exchange(paths[0])
    # C's recorded verifier is wrong on purpose: sign in with another one.
    verifier_at_sign_in = "C" * 43 if flow == "C" else verifier
    code = sign_in_alice(
        replayer.client, scope=scope, resources=resources, verifier=verifier_at_sign_in, nonce=nonce
    )
    replayer.aliases.learn(recorded_code, code)
    for path in paths:
        replayer.replay(load(path))


def test_flow_h_confidential_client_without_pkce(replayer: Replayer) -> None:
    authorize, exchange = recordings("H")
    replayer.replay(load(authorize))
    resume = experience_sign_in(replayer.client, "alice", ALICE_PASSWORD)
    code = resume_to_code(replayer.client, resume)
    replayer.aliases.learn(dict(load(exchange)["request"]["form"])["code"], code)
    replayer.replay(load(exchange))


@pytest.mark.parametrize("path", recordings("E"), ids=lambda p: p.stem)
def test_authorization_errors(replayer: Replayer, path: Path) -> None:
    replayer.replay(load(path))


def test_experience_api_errors(replayer: Replayer, flow_client: Callable[[], TestClient]) -> None:
    """F02 has no interaction cookie; the rest share F01's interaction."""
    authorize, no_cookie, *rest = recordings("F")
    replayer.replay(load(authorize))
    cookieless = flow_client()
    replayer.replay(load(no_cookie), client=cookieless)
    for path in rest:
        replayer.replay(load(path))
