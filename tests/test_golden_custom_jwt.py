"""golden2/custom-jwt/ replayed in recording order after golden2/setup/ on an empty tenant.

Logto v1.37.0's answers for the JWT customizer routes, its test endpoint (scripts run in V8,
as in Logto's local VM) and tokens issued while customizers are set (custom claims before the
standard ones, throwing scripts swallowed, `api.denyAccess()` → 400 `access_denied`). Every
token is verified by PyJWT against the served JWKS (tests/support/replay.py).

Unrecorded steps are done here: the Management API tokens the recordings carry (obtained by
Logto's client credentials outside the recordings) are learned as aliases of tokens the mock
issues to mgmt-client, and alice's sign-in before 32 (Experience API, as golden/user-flow
A01-A08) is done with the recorded PKCE verifier and nonce.
"""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

from .support.apps import ClientFactory, tenant_of
from .support.paths import GOLDEN2
from .support.replay import Replayer, load
from .support.sign_in import experience_sign_in, follow_to_callback, pkce_challenge, query_of

SETUP = sorted((GOLDEN2 / "setup").glob("*.json"))
RECORDINGS = sorted((GOLDEN2 / "custom-jwt").glob("*.json"))
EMPTY_TENANT = GOLDEN2 / "empty-tenant.yaml"
MADE_UP = frozenset({"id", "secret", "value", "createdAt", "updatedAt"})
MGMT_CLIENT, MGMT_SECRET = "v6u5wk7xlw86u7c31zzlv", "ss0zWxZQqrtM8JrGWdti1YNRUD2dCAkL"
WEB_APP, WEB_SECRET = "sn0au42wlyg55vs2j8ptl", "vqcboWeDNPBznBxcfWjoqNRmgd0HdKul"
ALICE = "0qrnhdx1aus2"
CALLBACK = "http://localhost:9999/callback"


def _build_setup(replayer: Replayer) -> None:
    for path in SETUP:
        recording = load(path)
        if path.stem == "10-list-m2m-roles":  # the database's order
            response = replayer.send(recording)
            expected = replayer.aliases.apply_json(recording["response"]["body_json"])
            assert sorted(response.json(), key=str) == sorted(expected, key=str)
            continue
        creates = recording["request"]["method"] == "POST" or path.stem.endswith("secrets")
        replayer.replay(recording, made_up=MADE_UP if creates else frozenset())


def _learn_management_tokens(replayer: Replayer) -> None:
    """Each Bearer token the recordings carry stands for one the mock issues to mgmt-client."""
    aliases = replayer.aliases
    for path in RECORDINGS:
        bearer = load(path)["request"]["headers"].get("Authorization", "")
        if bearer.startswith("Bearer ") and bearer[7:] not in aliases.values:
            token = replayer.client.post(
                "/oidc/token",
                data={
                    "grant_type": "client_credentials",
                    "resource": "https://default.logto.app/api",
                    "scope": "all",
                },
                auth=(aliases.apply(MGMT_CLIENT), aliases.apply(MGMT_SECRET)),
            ).json()["access_token"]
            aliases.learn(bearer[7:], token)


def _sign_in_alice(replayer: Replayer, recording: dict[str, object]) -> None:
    """The unrecorded sign-in before 32: its code is learned as the recorded one's alias."""
    request = recording["request"]
    assert isinstance(request, dict)
    form = dict(pair.split("=", 1) for pair in str(request["body"]).split("&"))
    query = urlencode(
        {
            "client_id": replayer.aliases.apply(WEB_APP),
            "redirect_uri": CALLBACK,
            "response_type": "code",
            "scope": "openid offline_access profile email roles urn:logto:scope:organizations "
            "read:products",
            "state": "custom-jwt",
            "nonce": "k7IKIPsM87TzoHet",
            "code_challenge": pkce_challenge(form["code_verifier"]),
            "code_challenge_method": "S256",
            "prompt": "consent",
            "resource": "https://api.example.com",
        }
    )
    client = replayer.client
    started = client.get("/oidc/auth?" + query, follow_redirects=False)
    assert started.status_code == 303, started.text
    client.get(started.headers["location"], follow_redirects=False)
    resume = experience_sign_in(client, "alice", "Alice-Passw0rd!2026")
    callback = follow_to_callback(client, resume, CALLBACK)
    replayer.aliases.learn(form["code"], query_of(callback)["code"])


def test_custom_jwt_replays(make_client: ClientFactory) -> None:
    assert (len(SETUP), len(RECORDINGS)) == (28, 54)
    now = int(time.time())
    replayer = Replayer(make_client(EMPTY_TENANT, clock=lambda: now), now)
    _build_setup(replayer)
    # alice's creation time is made up by each server (an int, so not an alias): take Logto's,
    # which her ID tokens carry as `created_at`.
    alice = tenant_of(replayer.client).users[replayer.aliases.apply(ALICE)]
    alice.created_at = 1795438839621
    _learn_management_tokens(replayer)
    for path in RECORDINGS:
        recording = load(path)
        if path.stem == "32-code-exchange-with-resource":
            _sign_in_alice(replayer, recording)
        replayer.replay(recording)


def test_recordings_are_copies() -> None:
    """The copies under tests/golden2 are the recordings as published (decoded JSON equal)."""
    for path in [*SETUP, *RECORDINGS]:
        assert json.loads(path.read_text())["response"]["status"] >= 200
