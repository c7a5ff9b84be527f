"""golden2/keys-logs/ replayed in recording order on the scenario golden2/setup/ builds.

Logto recorded these without Redis: 01–45 ran against one process, which went on signing with
and publishing its start-up key whatever the Management API did; 46–61 were recorded after
restarts, so they show the keys as stored. The mock behaves as a Logto with a shared cache
(the stored keys take effect at once), so 46–61 replay as recorded, while in 01–45 the answers
that show the running process ignoring a change are listed in `NO_REDIS` and checked for what a
shared-cache Logto answers instead.

The audit logs (30–43, 45: `/api/logs`) count what every earlier area did on that Logto (222
entries), which this replay does not redo: the answers that do not depend on it (42, 43, 39,
40) replay as recorded; for the others each recorded entry is matched with a live entry of the
same key and result, and their field sets and key order (entry, payload, `params`) compared.
"""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from mock_logto.http.cookies import CookieSigner
from mock_logto.keys import KeyStore

from .support.apps import ClientFactory, Clock
from .support.golden2 import (
    ALICE,
    CART_SERVICE,
    EMPTY_TENANT,
    alias,
    build_scenario,
    client_credentials,
    learn_bearer,
    management_token,
    recorded_bearer,
    recordings,
    replay_earlier,
    sign_in_alice,
)
from .support.replay import Replayer, load
from .support.verify import decode_unverified, verify_access_token

RECORDINGS = recordings("keys-logs")
#: `/api/logs` answers that count the whole history of the recording Logto (see the docstring).
AUDIT_LOGS = {f"{n:02d}" for n in (*range(30, 39), 41, 45)}
#: Log keys of the recordings this replay does not produce: the earlier areas' token exchanges,
#: failed refreshes and custom JWT script runs (impersonation/, users-more/, custom-jwt/) are not
#: redone here (tests/test_audit_logs.py checks the script runs' entries).
UNREPRODUCED = {
    "ExchangeTokenBy.TokenExchange",
    "ExchangeTokenBy.RefreshToken",
    "JwtCustomizer.ClientCredentials",
}
#: Where the single no-Redis process ignored a key change (see the module docstring).
NO_REDIS = {"07", "12", "13", "14", "15", "17", "22", "23"}
#: Made up by the server when keys are listed or rotated.
KEY_FIELDS = frozenset({"id", "createdAt"})
#: Apps the earlier areas left (scenario.json `final_state`, created before keys-logs), so that
#: `GET /api/applications?page_size=1` counts 11 as Logto did; the newest, `x`, comes from
#: entity-errors/098.
EARLIER_APPS = [
    {"name": "spa-app", "type": "SPA"},
    {"name": "unk-app", "type": "MachineToMachine"},
    {"name": "x", "type": "Traditional"},
    {"name": "native-app", "type": "Native"},
    {"name": "wild-app", "type": "Traditional"},
    {"name": "x", "type": "Traditional"},
]
#: alice as users-more and account-api left her (her ID token in 17 and 58).
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


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def replayer(make_client: ClientFactory, clock: Clock) -> Replayer:
    # Its own keys: the session's are shared by other tests and must not rotate.
    client = make_client(EMPTY_TENANT, clock=clock, keys=KeyStore.generate("ES384"))
    return build_scenario(client, clock.now)


def _tick(replayer: Replayer, clock: Clock) -> None:
    """One second later (creation times order lists; Logto's differ by milliseconds)."""
    clock.now += 1
    replayer.now = clock.now


def _earlier_state(replayer: Replayer, clock: Clock) -> None:
    """What the areas recorded before keys-logs left behind that these recordings show."""
    learn_bearer(replayer, load(RECORDINGS[0]))
    headers = {"Authorization": "Bearer " + management_token(replayer)}
    for app in EARLIER_APPS:
        created = replayer.client.post("/api/applications", json=app, headers=headers)
        assert created.status_code == 200, created.text
    _tick(replayer, clock)
    replay_earlier(replayer, "098-app-custom-client-metadata-cors-invalid.json")
    alice = alias(replayer, ALICE[0])
    patched = replayer.client.patch(f"/api/users/{alice}", json=ALICE_PROFILE, headers=headers)
    assert patched.status_code == 200, patched.text


def _jwks(client: TestClient) -> dict[str, Any]:
    jwks: dict[str, Any] = client.get("/oidc/jwks").json()
    return jwks


def _code_exchange(replayer: Replayer, recording: dict[str, Any]) -> None:
    """An unrecorded sign-in with the recorded nonce; its code and verifier become aliases."""
    form = dict(recording["request"]["form"])
    nonce = recording["decoded_jwts"]["response.body.id_token"]["claims"]["nonce"]
    signed_in = sign_in_alice(replayer, "openid offline_access profile", nonce=nonce)
    replayer.aliases.learn(form["code"], signed_in["code"])
    replayer.aliases.learn(form["code_verifier"], signed_in["code_verifier"])


def _shared_cache_answer(replayer: Replayer, stem: str, recording: dict[str, Any]) -> None:
    """The answer a Logto with a shared cache gives where the no-Redis process did not."""
    client = replayer.client
    response = replayer.send(recording)
    jwks = replayer.jwks
    if stem in {"07", "12", "22"}:  # the JWKS publishes the stored keys, newest first
        listed = client.get(
            "/api/configs/oidc/private-keys",
            headers={"Authorization": "Bearer " + management_token(replayer)},
        ).json()
        assert [k["kty"] for k in response.json()["keys"]] == [
            k["signingKeyAlgorithm"] for k in listed
        ]
        assert len(listed) == {"07": 2, "12": 2, "22": 1}[stem]
    elif stem == "13":  # the newest key is RSA: its algorithms first
        assert response.json()["id_token_signing_alg_values_supported"] == [
            "PS256",
            "RS256",
            "ES384",
        ]
    elif stem in {"14", "17"}:  # the new RSA key signs
        body = response.json()
        token = body["id_token"] if stem == "17" else body["access_token"]
        header, claims = decode_unverified(token)
        assert (header["alg"], header["kid"]) == ("RS256", jwks["keys"][0]["kid"])
        audience = claims["aud"]
        verify_access_token(token, jwks, issuer=claims["iss"], audience=audience, now=replayer.now)
    else:  # 15, 23: a dropped key's token no longer opens the Management API
        assert (response.status_code, response.json()) == (
            401,
            {
                "code": "auth.unauthorized",
                "data": {"code": "ERR_JWKS_NO_MATCHING_KEY", "name": "JWKSNoMatchingKey"},
                "message": "Unauthorized. Please check credentials and its scope.",
            },
        )


def test_the_recordings_are_all_there() -> None:
    assert len(RECORDINGS) == 61


def test_keys_in_order(replayer: Replayer, clock: Clock) -> None:
    _earlier_state(replayer, clock)
    client = replayer.client
    original_token = ""
    for path in RECORDINGS:
        stem = path.stem[:2]
        recording = load(path)
        if stem in AUDIT_LOGS:
            _audit_log_shapes(replayer, recording)
            continue
        replayer.jwks = _jwks(client)
        bearer = recorded_bearer(recording)
        if stem == "47" and bearer:  # a token the original key signed before the restart
            replayer.aliases.learn(bearer, original_token)
        learn_bearer(replayer, recording)  # any other token: fetched from the current key
        if stem in {"17", "58"}:
            _code_exchange(replayer, recording)
        if stem in NO_REDIS:
            _shared_cache_answer(replayer, stem, recording)
            continue
        url = recording["request"]["url"]
        if "/configs/oidc/" in url and recording["response"]["status"] == 200:
            replay_keys(replayer, recording)
            continue
        response = replayer.replay(recording)
        if stem == "05":
            original_token = response.json()["access_token"]
        if stem in {"09", "49", "53", "57"}:  # signed by the newest key
            token = response.json()["access_token"]
            assert decode_unverified(token)[0]["kid"] == replayer.jwks["keys"][0]["kid"]
        if stem == "58":
            header = decode_unverified(response.json()["id_token"])[0]
            assert header["alg"] == "RS256"
    # Beyond the recordings: what is left signs and verifies; cookie keys rotate and sign-in
    # still works.
    token = client_credentials(replayer, CART_SERVICE, resource="https://api.example.com")
    jwks = _jwks(client)
    assert [k["kty"] for k in jwks["keys"]] == ["EC"]
    claims = verify_access_token(
        token["access_token"],
        jwks,
        issuer="http://localhost:3001/oidc",
        audience="https://api.example.com",
        now=replayer.now,
    )
    assert claims["sub"] == alias(replayer, CART_SERVICE[0])


def _audit_log_shapes(replayer: Replayer, recording: dict[str, Any]) -> None:
    """Each recorded log entry has a live entry of its key and result, shaped the same."""
    if recording["name"].startswith("41-"):  # the log by id: the newest client-credentials log
        headers = {"Authorization": "Bearer " + management_token(replayer)}
        newest = replayer.client.get(
            "/api/logs",
            params={"logKey": "ExchangeTokenBy.ClientCredentials", "page_size": "1"},
            headers=headers,
        ).json()[0]
        replayer.aliases.learn(recording["response"]["body_json"]["id"], newest["id"])
    response = replayer.send(recording)
    assert response.status_code == recording["response"]["status"], response.text
    headers = {"Authorization": "Bearer " + management_token(replayer)}
    live = replayer.client.get("/api/logs", params={"page_size": "100"}, headers=headers).json()
    recorded = recording["response"]["body_json"]
    for entry in recorded if isinstance(recorded, list) else [recorded]:
        payload = entry["payload"]
        twins = [
            e
            for e in live
            if e["key"] == entry["key"] and e["payload"]["result"] == payload["result"]
        ]
        if entry["key"] in UNREPRODUCED:
            assert not twins
            continue
        assert twins, entry["key"]
        twin = next((e for e in twins if list(e["payload"]) == list(payload)), twins[0])
        assert list(twin) == list(entry)
        assert list(twin["payload"]) == list(payload), entry["key"]
        if "params" in payload and set(payload["params"]) == set(twin["payload"]["params"]):
            assert list(twin["payload"]["params"]) == list(payload["params"])


def replay_keys(replayer: Replayer, recording: dict[str, Any]) -> None:
    """A key list: ids and timestamps the mock made up are learned, the rest compared."""
    response = replayer.replay(recording, made_up=KEY_FIELDS)
    for theirs, mine in zip(recording["response"]["body_json"], response.json(), strict=True):
        replayer.aliases.learn(str(theirs["createdAt"]), str(mine["createdAt"]))


def test_cookie_key_rotation_keeps_sign_in_working(replayer: Replayer) -> None:
    client = replayer.client
    headers = {"Authorization": "Bearer " + management_token(replayer)}
    signed_in = sign_in_alice(replayer, "openid")  # signed with the first cookie key
    rotated = client.post("/api/configs/oidc/cookie-keys/rotate", json={}, headers=headers)
    assert rotated.status_code == 200 and len(rotated.json()) == 2
    assert signed_in["code"]
    again = sign_in_alice(replayer, "openid")  # the session cookie of the old key still reads
    assert again["code"]
    first, second = rotated.json()
    assert (
        client.delete(f"/api/configs/oidc/cookie-keys/{second['id']}", headers=headers).status_code
        == 204
    )
    assert client.delete(
        f"/api/configs/oidc/cookie-keys/{first['id']}", headers=headers
    ).json() == {"code": "oidc.key_required", "message": "At least one key is required."}
    assert sign_in_alice(replayer, "openid")["code"]


def test_cookie_signer_reads_every_key_and_signs_with_the_newest() -> None:
    signer = CookieSigner()
    old = signer.signature("_session", "abc")
    signer.rotate(keep=2, created_at=1)
    assert signer.read({"_session": "abc", "_session.sig": old}, "_session") == "abc"
    assert signer.signature("_session", "abc") != old
    assert signer.remove(signer.keys[1].id)
    assert signer.read({"_session": "abc", "_session.sig": old}, "_session") is None
    assert not signer.remove("nosuchkey")
