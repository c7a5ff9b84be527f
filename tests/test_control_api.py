"""The `/__mock/` control API over HTTP (in-process)."""

from __future__ import annotations

from pathlib import Path

from starlette.testclient import TestClient

from mock_logto.keys import KeyStore

from .support.apps import NOW, ClientFactory
from .support.paths import DEMO_FIXTURE, GOLDEN_FIXTURE
from .support.tenants import ISSUER
from .support.verify import decode_unverified, verify_access_token


def m2m(client: TestClient) -> int:
    response = client.post(
        "/oidc/token",
        data={"grant_type": "client_credentials", "resource": "https://api.example.com"},
        auth=("demo-m2m", "demo-m2m-secret"),
    )
    return response.status_code


def test_clock_moves_forward_only(demo: TestClient) -> None:
    before = demo.get("/__mock/clock").json()
    assert before["offset"] == 0
    moved = demo.post("/__mock/clock", json={"advance": 120}).json()
    assert moved == {"now": before["now"] + 120, "offset": 120}
    back = demo.post("/__mock/clock", json={"advance": -1})
    assert (back.status_code, back.json()) == (
        400,
        {"code": "mock.invalid_request", "message": "the clock only moves forward"},
    )
    wrong = demo.post("/__mock/clock", json={"advance": "soon"})
    assert wrong.json() == {
        "code": "mock.invalid_request",
        "message": "'advance' has the wrong type",
    }


def test_request_log_records_what_clients_sent_but_not_the_control_api(demo: TestClient) -> None:
    m2m(demo)
    [logged] = demo.get("/__mock/requests").json()
    assert (logged["method"], logged["path"], logged["status"]) == ("POST", "/oidc/token", 200)
    assert logged["body"] == "grant_type=client_credentials&resource=https%3A%2F%2Fapi.example.com"
    assert logged["headers"]["authorization"].startswith("Basic ")
    assert demo.delete("/__mock/requests").status_code == 204
    assert demo.get("/__mock/requests").json() == []


def test_faults_answer_then_run_out(demo: TestClient) -> None:
    rule = {"path": "/oidc/token", "method": "POST", "status": 503, "body": {"e": 1}, "count": 2}
    created = demo.post("/__mock/faults", json=rule)
    assert created.status_code == 201
    assert created.json() == [{**rule, "headers": {}, "delay": 0.0}]
    assert [m2m(demo), m2m(demo), m2m(demo)] == [503, 503, 200]
    assert demo.get("/__mock/faults").json() == []
    assert (
        demo.post("/__mock/faults", json={"status": 500}).json()["message"] == "'path' is required"
    )
    assert demo.post("/__mock/faults", json={"path": "/x"}).json()["message"] == (
        "a fault needs a status, a delay or both"
    )


def test_reset_and_fixture_loading(demo: TestClient, tmp_path: Path) -> None:
    loaded = demo.put("/__mock/fixtures", json={"path": str(GOLDEN_FIXTURE)})
    assert loaded.json() == {
        "tenant": "4 applications, 2 API resources, 3 roles, 1 users, 1 organizations"
    }
    assert m2m(demo) == 400  # demo-m2m is not in the golden tenant
    broken = tmp_path / "broken.yaml"
    broken.write_text("users:\n  - username: alice\n    roles: [nope]\n")
    refused = demo.put("/__mock/fixtures", json={"path": str(broken)})
    assert refused.status_code == 400
    assert refused.json()["data"] == {
        "problems": [f"{broken}: users[0] (alice): roles[0]: unknown role 'nope'"]
    }
    demo.post("/__mock/clock", json={"advance": 5})
    assert demo.post("/__mock/reset").status_code == 204
    assert m2m(demo) == 200
    assert demo.get("/__mock/clock").json()["offset"] == 0


def test_tokens_to_order_and_key_rotation(make_client: ClientFactory) -> None:
    demo = make_client(DEMO_FIXTURE, keys=KeyStore.generate())  # rotation changes the key store
    made = demo.post(
        "/__mock/tokens",
        json={
            "app": "Demo web app",
            "user": "bob",
            "resource": "https://api.example.com",
            "scopes": ["write:items"],
            "expiresIn": 30,
        },
    ).json()
    jwks = demo.get("/oidc/jwks").json()
    claims = verify_access_token(
        made["access_token"],
        jwks,
        issuer=ISSUER,
        audience="https://api.example.com",
        now=NOW,
    )
    assert (claims["sub"], claims["client_id"], claims["scope"]) == (
        "user-bob",
        "demo-web",
        "write:items",
    )
    assert claims["exp"] - claims["iat"] == 30
    org = demo.post("/__mock/tokens", json={"app": "demo-m2m", "organization": "Acme"}).json()
    assert decode_unverified(org["access_token"])[1]["aud"] == "urn:logto:organization:org-acme"
    unknown = demo.post("/__mock/tokens", json={"app": "nope", "resource": "https://x"})
    assert unknown.json() == {
        "code": "mock.invalid_request",
        "message": "no application has the id or name 'nope'",
    }
    rotated = demo.post("/__mock/keys/rotate").json()["kid"]
    kids = [k["kid"] for k in demo.get("/oidc/jwks").json()["keys"]]
    assert kids == [rotated, jwks["keys"][0]["kid"]]
    fresh = demo.post(
        "/__mock/tokens", json={"app": "demo-m2m", "resource": "https://api.example.com"}
    )
    assert decode_unverified(fresh.json()["access_token"])[0]["kid"] == rotated


def test_control_api_can_be_turned_off(make_client: ClientFactory) -> None:
    client = make_client(DEMO_FIXTURE, control_api=False)
    assert client.post("/__mock/reset").status_code == 404
