"""Replays Logto's recordings against the mock and compares what a client can depend on.

One exchange (discovery, client credentials) is the simple case of a flow. In a recorded
multi-step flow, values Logto made up (codes, tokens, interaction uids, verification ids,
created entities' ids and secrets) are learned as aliases of the mock's own and substituted in
later requests and expected answers.

What is compared: the status; headers, all but those that differ by nature (transport,
compression, request ids, cache validators; `ETag` present or not, `Vary` less
`Accept-Encoding`), Set-Cookie by name, value shape and attributes, and `Location` exactly once
aliases are applied; whole JSON bodies, opaque values checked for shape and a JWKS's keys by
member order and size; and JWTs: the header (all but `kid`, which must be one the JWKS
publishes), the claim names in order and every claim value but `jti`/`iat`/`exp`, with
`exp - iat` equal, ID tokens also with `at_hash` recomputed and `updated_at` as a millisecond
timestamp, and the signature checked by PyJWT against the served JWKS.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx2
from starlette.testclient import TestClient

from mock_logto.tokens import at_hash

from .verify import decode_unverified, verify_access_token

#: Headers that differ by nature (transport, compression, request ids, cache validators).
IGNORED_HEADERS = {
    "date",
    "connection",
    "keep-alive",
    "transfer-encoding",
    "content-encoding",
    "content-length",
    "logto-core-request-id",
    "etag",
    "vary",
}
#: Request headers the test client sets itself.
DROPPED_REQUEST_HEADERS = {"host", "content-length", "connection", "accept-encoding"}
OPAQUE = re.compile(r"^[A-Za-z0-9_-]{43}$")
#: Cookies whose values the mock makes up (compared by shape, learned as aliases).
_MADE_UP_COOKIES = {"_interaction_resume", "_session"}


class Aliases:
    """Recorded value → the mock's value, applied to everything sent and expected."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    def learn(self, recorded: str, live: str) -> None:
        if recorded and recorded != live:
            known = self.values.setdefault(recorded, live)
            assert known == live, f"{recorded} already stands for {known}, not {live}"

    def apply(self, text: str) -> str:
        for recorded in sorted(self.values, key=len, reverse=True):
            text = text.replace(recorded, self.values[recorded])
        return text

    def apply_json(self, value: Any) -> Any:
        return json.loads(self.apply(json.dumps(value)))


def _cookie(header: str) -> tuple[str, str, dict[str, str]]:
    first, *rest = header.split("; ")
    name, _, value = first.partition("=")
    attributes = {}
    for part in rest:
        key, _, attribute = part.partition("=")
        attributes[key.lower()] = attribute
    return name, value, attributes


def _seconds(http_date: str) -> float:
    return parsedate_to_datetime(http_date).timestamp()


def load(path: Path) -> dict[str, Any]:
    recording: dict[str, Any] = json.loads(path.read_text())
    return recording


def compare_headers(recorded: list[list[str]], actual: Mapping[str, str]) -> None:
    expected: dict[str, str] = {}
    for name, value in recorded:
        if name.lower() not in IGNORED_HEADERS:
            expected[name.lower()] = value
    got = {k.lower(): v for k, v in actual.items() if k.lower() not in IGNORED_HEADERS}
    assert got == expected
    recorded_names = {name.lower() for name, _ in recorded}
    assert ("etag" in recorded_names) == ("etag" in actual)
    recorded_vary = {
        v.strip() for name, value in recorded if name.lower() == "vary" for v in value.split(",")
    }
    actual_vary = {v.strip() for v in actual.get("vary", "").split(",") if v.strip()}
    assert actual_vary == recorded_vary - {"Accept-Encoding"}


def compare_jwks(expected: dict[str, Any], actual: dict[str, Any]) -> None:
    """Keys of the same type, members in the same order; the key material is the mock's own."""
    assert len(actual["keys"]) == len(expected["keys"])
    for mine, theirs in zip(actual["keys"], expected["keys"], strict=True):
        assert list(mine) == list(theirs)
        volatile = {"kid", "x", "y", "n"}  # EC points, RSA modulus
        assert {k: v for k, v in mine.items() if k not in volatile} == {
            k: v for k, v in theirs.items() if k not in volatile
        }
        for member in volatile & set(theirs):
            assert len(mine[member]) == len(theirs[member]), member


class Replayer:
    """Sends recordings through one TestClient (its cookie jar plays the browser's)."""

    def __init__(self, client: TestClient, now: int) -> None:
        self.client = client
        self.now = now
        self.aliases = Aliases()
        self.jwks: dict[str, Any] = client.get("/oidc/jwks").json()

    # ------------------------------------------------------------------ sending

    def send(
        self, recording: dict[str, Any], *, client: TestClient | None = None
    ) -> httpx2.Response:
        request = recording["request"]
        headers = {
            k: self.aliases.apply(v)
            for k, v in request["headers"].items()
            if k.lower() not in DROPPED_REQUEST_HEADERS and k.lower() != "cookie"
        }
        basic = headers.get("Authorization", "")
        if basic.startswith("Basic "):  # credentials the mock made up sit inside the base64
            try:
                decoded = base64.b64decode(basic[6:], validate=True).decode()
            except ValueError:  # malformed on purpose: sent as recorded
                decoded = ""
            if self.aliases.apply(decoded) != decoded:
                headers["Authorization"] = (
                    "Basic " + base64.b64encode(self.aliases.apply(decoded).encode()).decode()
                )
        body = request["body"]
        path = "/" + request["url"].split("://", 1)[1].split("/", 1)[1]
        return (client or self.client).request(
            request["method"],
            self.aliases.apply(path),
            headers=headers,
            content=self.aliases.apply(body).encode() if body is not None else None,
            follow_redirects=False,
        )

    def replay(
        self,
        recording: dict[str, Any],
        *,
        client: TestClient | None = None,
        made_up: frozenset[str] = frozenset(),
    ) -> httpx2.Response:
        """Send one recording and compare the answer; return the response.

        `made_up` names body fields the server invents (a created entity's `id`, `secret`,
        `createdAt`): compared by type and length, and learned as aliases.
        """
        response = self.send(recording, client=client)
        self.check(recording, response, made_up=made_up)
        return response

    def check(
        self,
        recording: dict[str, Any],
        response: httpx2.Response,
        *,
        made_up: frozenset[str] = frozenset(),
    ) -> None:
        """Compare a response with the recorded one."""
        recorded = recording["response"]
        assert response.status_code == recorded["status"], response.text
        self.compare_cookies(recorded, response)
        self.compare_location(recorded, response)
        listed = ("set-cookie", "location", "content-security-policy", "link")
        compare_headers(
            [
                [name, self.aliases.apply(value)]
                for name, value in recorded["headers"]
                if name.lower() not in listed
            ],
            {k: v for k, v in response.headers.items() if k not in listed},
        )
        # Repeated headers: every value, in order.
        assert response.headers.get_list("link") == [
            self.aliases.apply(v) for n, v in recorded["headers"] if n.lower() == "link"
        ]
        has_csp = any(n.lower() == "content-security-policy" for n, _ in recorded["headers"])
        assert has_csp == ("content-security-policy" in response.headers)
        self.compare_body(recording, response, made_up)

    # ------------------------------------------------------------------ comparing

    def compare_cookies(self, recorded: dict[str, Any], response: httpx2.Response) -> None:
        expected = [_cookie(v) for n, v in recorded["headers"] if n.lower() == "set-cookie"]
        actual = [_cookie(v) for v in response.headers.get_list("set-cookie")]
        assert [c[0] for c in actual] == [c[0] for c in expected]
        recorded_date = next(_seconds(v) for n, v in recorded["headers"] if n == "Date")
        pairs = list(zip(actual, expected, strict=True))
        for (name, value, _), (_, theirs, _) in pairs:
            if name in _MADE_UP_COOKIES and theirs:
                assert len(value) == len(theirs)
                self.aliases.learn(theirs, value)
        for (name, value, attributes), (_, theirs, their_attributes) in pairs:
            if name.endswith(".sig"):
                assert len(value) == len(theirs) == 27
            elif name not in _MADE_UP_COOKIES:
                assert value == self.aliases.apply(theirs), name
            assert list(attributes) == list(their_attributes), name
            for key, attribute in attributes.items():
                theirs_attribute = their_attributes[key]
                if key == "expires" and theirs_attribute.startswith("Thu, 01 Jan 1970"):
                    assert attribute == theirs_attribute
                elif key == "expires":
                    lifetime = _seconds(theirs_attribute) - recorded_date
                    assert abs((_seconds(attribute) - self.now) - lifetime) <= 1, name
                else:
                    assert attribute == self.aliases.apply(theirs_attribute), (name, key)

    def compare_location(self, recorded: dict[str, Any], response: httpx2.Response) -> None:
        theirs: str | None = next((v for n, v in recorded["headers"] if n == "Location"), None)
        mine = response.headers.get("location")
        assert (theirs is None) == (mine is None)
        if theirs is None or mine is None:
            return
        their_code = dict(parse_qsl(urlsplit(theirs).query)).get("code")
        my_code = dict(parse_qsl(urlsplit(mine).query)).get("code")
        if their_code is not None:
            assert my_code is not None and OPAQUE.match(my_code)
            self.aliases.learn(their_code, my_code)
        if "/oidc/auth/" in theirs and "/oidc/auth/" in mine:
            self.aliases.learn(theirs.rsplit("/", 1)[1], mine.rsplit("/", 1)[1])
        assert mine == self.aliases.apply(theirs)

    def compare_body(
        self,
        recording: dict[str, Any],
        response: httpx2.Response,
        made_up: frozenset[str] = frozenset(),
    ) -> None:
        recorded = recording["response"]
        expected = recorded.get("body_json")
        if expected is None:
            assert response.text == self.aliases.apply(recorded.get("body_text") or "")
            return
        actual = response.json()
        if isinstance(expected, dict) and isinstance(expected.get("keys"), list):  # a JWKS
            assert list(actual) == list(expected)
            compare_jwks(expected, actual)
            return
        if isinstance(expected, list):
            assert isinstance(actual, list) and len(actual) == len(expected)
            for theirs, mine in zip(expected, actual, strict=True):
                if made_up and isinstance(theirs, dict):
                    self.compare_object(recording, theirs, mine, made_up)
                else:
                    assert mine == self.aliases.apply_json(theirs)
            return
        self.compare_object(recording, expected, actual, made_up)

    def compare_object(
        self,
        recording: dict[str, Any],
        expected: dict[str, Any],
        actual: dict[str, Any],
        made_up: frozenset[str],
    ) -> None:
        """One JSON object, field by field."""
        assert list(actual) == list(expected)
        for key, value in expected.items():
            mine = actual[key]
            where = f"response.body.{key}"
            if key in made_up:
                assert type(mine) is type(value), key
                if isinstance(value, str):
                    assert len(mine) == len(value), key
                    self.aliases.learn(value, mine)
            elif where in recording.get("decoded_jwts", {}):
                decoded = recording["decoded_jwts"][where]
                self.compare_jwt(decoded, mine, actual)
                self.aliases.learn(value, mine)
            elif (
                isinstance(value, str) and OPAQUE.match(value) and value not in self.aliases.values
            ):
                assert OPAQUE.match(mine), key
                self.aliases.learn(value, mine)
            elif key == "iat":
                assert mine == self.now
            elif key == "exp":
                assert mine - actual["iat"] == value - expected["iat"]
            elif key == "updated_at":  # Logto bumps it at every sign-in
                assert isinstance(mine, int) and mine >= actual["created_at"]
            elif key == "verificationId":
                assert len(mine) == len(value)
                self.aliases.learn(value, mine)
            else:
                assert mine == self.aliases.apply_json(value), key

    def compare_jwt(self, decoded: dict[str, Any], token: str, body: dict[str, Any]) -> None:
        header, claims = decode_unverified(token)
        theirs = decoded["claims"]
        assert list(header) == list(decoded["header"])
        assert {k: v for k, v in header.items() if k != "kid"} == {
            k: v for k, v in decoded["header"].items() if k != "kid"
        }
        assert header["kid"] in {key["kid"] for key in self.jwks["keys"]}
        assert list(claims) == list(theirs)
        volatile = {"jti", "iat", "exp", "at_hash", "updated_at"}
        assert {k: v for k, v in claims.items() if k not in volatile} == self.aliases.apply_json(
            {k: v for k, v in theirs.items() if k not in volatile}
        )
        assert claims["exp"] - claims["iat"] == theirs["exp"] - theirs["iat"]
        if "jti" in theirs:
            assert len(claims["jti"]) == len(theirs["jti"])
            self.aliases.learn(theirs["jti"], claims["jti"])
        if "at_hash" in theirs:
            assert claims["at_hash"] == at_hash(body["access_token"], header["alg"])
        if "updated_at" in theirs:
            assert claims["updated_at"] >= claims["created_at"]
        verified = verify_access_token(
            token, self.jwks, issuer=theirs["iss"], audience=claims["aud"], now=self.now
        )
        assert verified == claims
