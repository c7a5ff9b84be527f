"""Replays a Logto recording against the mock and compares what a client can depend on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from .support.verify import decode_unverified, verify_access_token

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
JWT_FIELDS = {"access_token", "id_token"}


def load(path: Path) -> dict[str, Any]:
    recording: dict[str, Any] = json.loads(path.read_text())
    return recording


def send(client: TestClient, recording: dict[str, Any]) -> Any:
    request = recording["request"]
    headers = {
        k: v for k, v in request["headers"].items() if k.lower() not in DROPPED_REQUEST_HEADERS
    }
    body = request["body"]
    path = request["url"].split("://", 1)[1].split("/", 1)[1]
    return client.request(
        request["method"],
        "/" + path,
        headers=headers,
        content=body.encode() if body is not None else None,
    )


def compare_headers(recorded: list[list[str]], actual: Any) -> None:
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


def compare_jwt(
    recorded_claims: dict[str, Any],
    recorded_header: dict[str, Any],
    token: str,
    jwks: dict[str, Any],
    issuer: str,
    now: int,
) -> None:
    header, claims = decode_unverified(token)
    assert list(header) == list(recorded_header)
    assert {k: v for k, v in header.items() if k != "kid"} == {
        k: v for k, v in recorded_header.items() if k != "kid"
    }
    assert header["kid"] in {key["kid"] for key in jwks["keys"]}
    assert list(claims) == list(recorded_claims)
    volatile = {"jti", "iat", "exp"}
    assert {k: v for k, v in claims.items() if k not in volatile} == {
        k: v for k, v in recorded_claims.items() if k not in volatile
    }
    assert len(claims["jti"]) == len(recorded_claims["jti"])
    assert claims["exp"] - claims["iat"] == recorded_claims["exp"] - recorded_claims["iat"]
    verified = verify_access_token(token, jwks, issuer=issuer, audience=claims["aud"], now=now)
    assert verified == claims


def compare_body(recording: dict[str, Any], response: Any, jwks: dict[str, Any], now: int) -> None:
    recorded = recording["response"]
    if "body_json" in recorded and recorded["body_json"] is not None:
        expected = recorded["body_json"]
        actual = response.json()
        assert list(actual) == list(expected)
        if "keys" in expected and isinstance(expected["keys"], list):
            compare_jwks(expected, actual)
            return
        for key, value in expected.items():
            if key in JWT_FIELDS:
                where = f"response.body.{key}"
                decoded = recording["decoded_jwts"][where]
                compare_jwt(
                    decoded["claims"],
                    decoded["header"],
                    actual[key],
                    jwks,
                    recording["request"]["url"].split("/oidc")[0] + "/oidc",
                    now,
                )
            else:
                assert actual[key] == value, key
    else:
        assert response.text == (recorded.get("body_text") or "")


def compare_jwks(expected: dict[str, Any], actual: dict[str, Any]) -> None:
    assert len(actual["keys"]) == len(expected["keys"])
    for mine, theirs in zip(actual["keys"], expected["keys"], strict=True):
        assert list(mine) == list(theirs)
        volatile = {"kid", "x", "y"}
        assert {k: v for k, v in mine.items() if k not in volatile} == {
            k: v for k, v in theirs.items() if k not in volatile
        }
        assert len(mine["x"]) == len(theirs["x"]) and len(mine["y"]) == len(theirs["y"])
