"""Logto's second batch of recordings (tests/golden2/): the scenario built through the API.

`setup/` is replayed in order on `empty-tenant.yaml` (the fresh database plus the SQL-inserted
bootstrap app), learning every id, secret and timestamp the mock makes up as an alias of
Logto's. Later folders then replay on that tenant; what a recording used but did not record (a
Management API token fetched earlier, an entity an earlier area created) is made through the API
and learned as an alias too.
"""

from __future__ import annotations

import json
import re
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.testclient import TestClient

from mock_logto.runtime import Runtime

from .paths import ROOT
from .replay import Replayer, load
from .sign_in import experience_sign_in, follow_to_callback, pkce_challenge, query_of

GOLDEN2 = ROOT / "tests" / "golden2"
EMPTY_TENANT = GOLDEN2 / "empty-tenant.yaml"
MADE_UP = frozenset({"id", "secret", "value", "createdAt", "updatedAt"})
MGMT_CLIENT = ("v6u5wk7xlw86u7c31zzlv", "ss0zWxZQqrtM8JrGWdti1YNRUD2dCAkL")
WEB_APP = ("sn0au42wlyg55vs2j8ptl", "vqcboWeDNPBznBxcfWjoqNRmgd0HdKul")
CART_SERVICE = ("xqj4z2n6hjlmgys9yyc30", "NPtbejzyIHtiOymvcM3AEaePCmMl5Tzw")
ALICE = ("0qrnhdx1aus2", "alice", "Alice-Passw0rd!2026")
CALLBACK = "http://localhost:9999/callback"
_BEARER = re.compile(r"^Bearer (ey[\w-]+\.[\w-]+\.[\w-]+)$")


def recordings(folder: str) -> list[Path]:
    return sorted((GOLDEN2 / folder).glob("*.json"))


def runtime_of(client: TestClient) -> Runtime:
    assert isinstance(client.app, Starlette)
    runtime: Runtime = client.app.state.runtime
    return runtime


def replay_creating(replayer: Replayer, recording: dict[str, Any]) -> Any:
    """Replay a request that creates something: made-up fields learned, `createdAt` too."""
    response = replayer.replay(recording, made_up=MADE_UP)
    theirs, mine = recording["response"].get("body_json"), response.json()
    pairs = zip(theirs, mine, strict=True) if isinstance(theirs, list) else [(theirs, mine)]
    for recorded, live in pairs:
        if isinstance(recorded, dict) and isinstance(recorded.get("createdAt"), int):
            replayer.aliases.learn(str(recorded["createdAt"]), str(live["createdAt"]))
    return mine


def build_scenario(client: TestClient, now: int) -> Replayer:
    """golden2/setup/ replayed on the empty tenant; the replayer knows the scenario's aliases."""
    replayer = Replayer(client, now)
    for path in recordings("setup"):
        recording = load(path)
        if path.stem == "10-list-m2m-roles":  # the database's order
            response = replayer.send(recording)
            expected = replayer.aliases.apply_json(recording["response"]["body_json"])
            assert sorted(response.json(), key=str) == sorted(expected, key=str)
            continue
        creates = recording["request"]["method"] == "POST" or path.stem.endswith("secrets")
        if creates and recording["request"]["url"].endswith(("/api/users", "/api/applications")):
            replay_creating(replayer, recording)
        else:
            replayer.replay(recording, made_up=MADE_UP if creates else frozenset())
    return replayer


def alias(replayer: Replayer, value: str) -> str:
    return replayer.aliases.values.get(value, value)


def recorded_bearer(recording: dict[str, Any]) -> str | None:
    match = _BEARER.match(recording["request"]["headers"].get("Authorization", ""))
    return match.group(1) if match else None


def client_credentials(replayer: Replayer, app: tuple[str, str], **form: str) -> dict[str, Any]:
    response = replayer.client.post(
        "/oidc/token",
        data={"grant_type": "client_credentials", **form},
        auth=(alias(replayer, app[0]), alias(replayer, app[1])),
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def management_token(replayer: Replayer) -> str:
    token: str = client_credentials(
        replayer, MGMT_CLIENT, resource="https://default.logto.app/api", scope="all"
    )["access_token"]
    return token


def learn_bearer(replayer: Replayer, recording: dict[str, Any]) -> None:
    """A Management API token the recording sent but no replayed exchange issued: fetch one."""
    token = recorded_bearer(recording)
    if token is not None and token not in replayer.aliases.values:
        replayer.aliases.learn(token, management_token(replayer))


def replay_earlier(replayer: Replayer, name: str) -> None:
    """An earlier area's request that created an entity these recordings use."""
    recording = load(GOLDEN2 / "earlier" / name)
    learn_bearer(replayer, recording)
    replay_creating(replayer, recording)


def sign_in_alice(replayer: Replayer, scope: str, nonce: str | None = None) -> dict[str, Any]:
    """An authorization-code sign-in of alice to web-app (steps the recordings did not record)."""
    client = replayer.client
    verifier = secrets.token_urlsafe(32)
    query = {
        "client_id": alias(replayer, WEB_APP[0]),
        "redirect_uri": CALLBACK,
        "response_type": "code",
        "scope": scope,
        "state": "s",
        "code_challenge": pkce_challenge(verifier),
        "code_challenge_method": "S256",
        **({"nonce": nonce} if nonce else {}),
    }
    authorize = client.get("/oidc/auth?" + urlencode(query), follow_redirects=False)
    assert authorize.status_code == 303, authorize.text
    redirect_to = experience_sign_in(client, ALICE[1], ALICE[2])
    callback = follow_to_callback(client, redirect_to, CALLBACK)
    return {"code": query_of(callback)["code"], "code_verifier": verifier}


def exchange_code(replayer: Replayer, code: str, verifier: str) -> dict[str, Any]:
    response = replayer.client.post(
        "/oidc/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": CALLBACK,
            "code_verifier": verifier,
        },
        auth=(alias(replayer, WEB_APP[0]), alias(replayer, WEB_APP[1])),
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def body_of(recording: dict[str, Any]) -> Any:
    """The recorded request body as JSON (or None)."""
    body = recording["request"]["body"]
    return json.loads(body) if body else None


def recorded_epoch(recording: dict[str, Any]) -> int:
    """When a recording was made, in epoch seconds (its `recorded_at`, whole seconds)."""
    stamp = datetime.strptime(recording["recorded_at"], "%Y-%m-%dT%H:%M:%SZ")
    return int(stamp.replace(tzinfo=UTC).timestamp())


def replay_learning(replayer: Replayer, recording: dict[str, Any], made_up: frozenset[str]) -> Any:
    """Replay an answer with made-up fields, timestamps (`createdAt`, …) learned too."""
    response = replayer.replay(recording, made_up=made_up)
    theirs, mine = recording["response"]["body_json"], response.json()
    for key in made_up:
        if isinstance(theirs.get(key), int):
            replayer.aliases.learn(str(theirs[key]), str(mine[key]))
    return mine


def replay_not_allowed(replayer: Replayer, recording: dict[str, Any]) -> None:
    """A 405 of koa-router: the same methods in `Allow` (their order follows the order Logto
    registered its routes in, which the mock does not keep), the same body."""
    response = replayer.send(recording)
    assert response.status_code == recording["response"]["status"] == 405
    allowed = dict(recording["response"]["headers"])["Allow"]
    assert set(response.headers["allow"].split(", ")) == set(allowed.split(", "))
    assert response.text == (recording["response"].get("body_text") or "")


def learn_setup_time(replayer: Replayer, name: str, headers: dict[str, str]) -> None:
    """The creation time of an entity setup/ created (`name`), learned from the live entity."""
    recorded = load(GOLDEN2 / "setup" / name)["response"]["body_json"]
    path = replayer.aliases.apply(
        "/"
        + load(GOLDEN2 / "setup" / name)["request"]["url"].split("/", 3)[3]
        + "/"
        + recorded["id"]
    )
    live = replayer.client.get(path, headers=headers)
    assert live.status_code == 200, live.text
    replayer.aliases.learn(str(recorded["createdAt"]), str(live.json()["createdAt"]))
