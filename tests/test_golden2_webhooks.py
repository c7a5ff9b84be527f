"""golden2/webhooks/ replayed in recording order after golden2/setup/, deliveries included.

A real HTTP receiver stands in for the recording's one (`127.0.0.1:3995`, learned as an alias):
`/fail/…` answers 500 as the recorded one did, anything else 200 `{"ok": true}`. After each
exchange, the requests the receiver got are compared with the recorded deliveries that followed
it: same path, event, headers (all but transport ones), body keys in order and values (aliases
applied; timestamps, `ip` and `userAgent` by shape), and a signature that an HMAC computed here
with the hook's signing key (as the Management API answered it) reproduces.

Listed exceptions (no client can depend on them): `recent-logs` entries compared as sets of
(key, result, hookId, event, status) since their JSON is Logto's `jsonb` (keys reordered) and
their ids/times are made up; the `error` text of a failed delivery (ky's serialized options).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx2
import pytest

from .support.admin import management_token
from .support.apps import ClientFactory
from .support.paths import ROOT
from .support.replay import Replayer, load
from .support.verify import decode_unverified

GOLDEN2 = ROOT / "tests" / "golden2"
SETUP = sorted((GOLDEN2 / "setup").glob("*.json"))
WEBHOOKS = sorted((GOLDEN2 / "webhooks").glob("*.json"))
MADE_UP = frozenset({"id", "secret", "value", "createdAt", "updatedAt", "signingKey"})
#: Headers of the recorded receiver's request that belong to the transport (Node's fetch).
TRANSPORT = {"host", "connection", "accept-language", "sec-fetch-mode", "accept-encoding"}
TRANSPORT |= {"content-length"}
#: Listed exceptions outside webhooks, compared by status only: PATCH of an unknown user
#: answers `entity.not_exists_with_id` in the mock, Logto's `entity.not_found`.
KNOWN_DIFFERENCES = {"48-patch-user-404-no-hook"}
#: Timestamps the mock's clock makes: compared by type.
TIMES = frozenset({"createdAt", "updatedAt", "lastSignInAt"})
#: The Management API apps of golden-2's scenario (scenario.json).
_SECRETS = {
    "os2nakxib6iwghav5gr1q": "NglAXE8QX7kUXRJE95F2fURUpXfPvO6Q",
    "v6u5wk7xlw86u7c31zzlv": "ss0zWxZQqrtM8JrGWdti1YNRUD2dCAkL",
}


class Receiver:
    """A webhook endpoint on a free port, recording what it receives."""

    def __init__(self) -> None:
        received: list[dict[str, Any]] = []
        self.received = received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                headers = [(k.lower(), v) for k, v in self.headers.items()]
                received.append({"path": self.path, "headers": headers, "body": body})
                fail = self.path.startswith("/fail/")
                answer = b'{"error": "receiver told to fail"}' if fail else b'{"ok": true}'
                self.send_response(500 if fail else 200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def take(self) -> list[dict[str, Any]]:
        taken = list(self.received)
        self.received.clear()
        return taken


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.server.shutdown()
    found.server.server_close()  # the listening socket, else a ResourceWarning fails a later test


def _shape(expected: Any, actual: Any, path: str) -> None:
    """Whole-body comparison; values a run makes up compared by shape."""
    if path.endswith(("createdAt", "lastSignInAt", "updatedAt")) and expected is not None:
        assert type(actual) is type(expected), path
        return
    if path in (".ip", ".userIp") or path.endswith(".userAgent") and expected == "fake-user-agent":
        assert isinstance(actual, str), path
        return
    if isinstance(expected, dict):
        assert isinstance(actual, dict) and list(actual) == list(expected), (path, actual)
        for key in expected:
            _shape(expected[key], actual[key], f"{path}.{key}")
        return
    if isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), path
        for index, (mine, theirs) in enumerate(zip(actual, expected, strict=True)):
            _shape(theirs, mine, f"{path}[{index}]")
        return
    assert actual == expected, (path, actual, expected)


def _compare_deliveries(
    replayer: Replayer,
    expected: list[dict[str, Any]],
    got: list[dict[str, Any]],
    keys: dict[str, str],
) -> None:
    assert len(got) == len(expected), [g["path"] for g in got]

    def key(body: bytes | str) -> tuple[str, str]:
        payload = json.loads(body)
        return str(payload["hookId"]), str(payload["event"])

    by_hook = {(g["path"], *key(g["body"])): g for g in got}
    for recording in expected:
        request = recording["request"]
        payload = replayer.aliases.apply_json(request["json"])
        mine = by_hook[(request["path"], payload["hookId"], payload["event"])]
        assert json.loads(mine["body"])["event"] == recording["hook_event"]
        # Headers: names in Logto's order, values equal but the signature (checked below).
        recorded = [(k, v) for k, v in request["headers"] if k not in TRANSPORT]
        sent = [(k, v) for k, v in mine["headers"] if k not in TRANSPORT]
        assert [k for k, _ in sent] == [k for k, _ in recorded]
        for (name, value), (_, theirs) in zip(sent, recorded, strict=True):
            if name != "logto-signature-sha-256":
                assert value == replayer.aliases.apply(theirs), name
        # The signature, recomputed here with the key the Management API answered.
        signature = dict(mine["headers"])["logto-signature-sha-256"]
        digest = hmac.new(keys[payload["hookId"]].encode(), mine["body"], hashlib.sha256)
        assert signature == digest.hexdigest()
        # Compact JSON, as `JSON.stringify`.
        assert mine["body"] == json.dumps(json.loads(mine["body"]), separators=(",", ":")).encode()
        _shape(payload, json.loads(mine["body"]), "")


def _log_summary(entries: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [
        (
            e["key"],
            e["payload"]["result"],
            e["payload"]["hookId"],
            e["payload"]["hookRequest"]["body"]["event"],
            (e["payload"].get("response") or {}).get("statusCode"),
        )
        for e in entries
    ]


def _wait(receiver: Receiver, count: int) -> None:
    deadline = time.monotonic() + 5
    while len(receiver.received) < count and time.monotonic() < deadline:
        time.sleep(0.01)


def test_webhooks_replay(make_client: ClientFactory, receiver: Receiver) -> None:
    assert (len(SETUP), len(WEBHOOKS)) == (28, 90)
    now = int(time.time())
    client = make_client(GOLDEN2 / "empty-tenant.yaml", clock=lambda: now)
    replayer = Replayer(client, now)
    replayer.aliases.learn("127.0.0.1:3995", f"127.0.0.1:{receiver.port}")
    for path in SETUP:
        recording = load(path)
        if path.stem == "10-list-m2m-roles":  # the database's order
            replayer.send(recording)
            continue
        creates = recording["request"]["method"] == "POST" or path.stem.endswith("secrets")
        replayer.replay(recording, made_up=MADE_UP if creates else frozenset())

    keys: dict[str, str] = {}  # hook id → signing key, as the mock answered
    recordings = [(p, load(p)) for p in WEBHOOKS]
    # The area's Management API token (Logto's JWT) stands for one the mock issues.
    recorded_bearer = recordings[0][1]["request"]["headers"]["Authorization"][7:]
    owner = decode_unverified(recorded_bearer)[1]["client_id"]
    secret = _SECRETS[owner]
    replayer.aliases.learn(
        recorded_bearer,
        management_token(client, replayer.aliases.apply(owner), replayer.aliases.apply(secret)),
    )
    for index, (path, recording) in enumerate(recordings):
        if recording.get("kind") == "delivery":
            continue
        expected = []
        for _, following in recordings[index + 1 :]:
            if following.get("kind") != "delivery":
                break
            expected.append(following)
        response = _replay_one(replayer, path, recording)
        if response.headers.get("content-type", "").startswith("application/json"):
            for hook in _hooks_in(response.json()):
                keys[hook["id"]] = hook["signingKey"]
        if not expected:  # a sign-in's delivery is recorded after the flow's last step
            continue
        _wait(receiver, len(expected))
        _compare_deliveries(replayer, expected, receiver.take(), keys)
    time.sleep(0.1)
    assert receiver.take() == []


def _hooks_in(body: Any) -> list[dict[str, Any]]:
    items = body if isinstance(body, list) else [body]
    return [i for i in items if isinstance(i, dict) and "signingKey" in i]


def _replay_one(replayer: Replayer, path: Path, recording: dict[str, Any]) -> httpx2.Response:
    stem = path.stem
    request = recording["request"]
    if "recent-logs" in stem and recording["response"]["status"] == 200:
        response = replayer.send(recording)
        expected = recording["response"]["body_json"]
        assert response.status_code == 200
        summary = _log_summary(response.json())
        assert summary == [
            tuple(replayer.aliases.apply_json(list(s))) for s in _log_summary(expected)
        ]
        total = dict((k.lower(), v) for k, v in recording["response"]["headers"]).get(
            "total-number"
        )
        assert response.headers.get("total-number") == total
        return response
    if stem in KNOWN_DIFFERENCES:  # status only; no delivery follows (checked by the caller)
        response = replayer.send(recording)
        assert response.status_code == recording["response"]["status"]
        return response
    creates = request["method"] == "POST" and stem.startswith(
        ("02-", "03-", "04-", "05-", "06-", "07-", "13-", "17-", "41-", "51-", "56-", "59-", "75-")
    )
    rotates = stem.startswith("29-")
    made_up = MADE_UP if creates or rotates else TIMES
    return replayer.replay(recording, made_up=made_up)
