"""The `/__mock/` control API over HTTP (in-process)."""

from __future__ import annotations

import os
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
    assert logged["headers"]["authorization"] == "Basic [redacted]"
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
    broken = {"users": [{"username": "alice", "roles": ["nope"]}]}
    refused = demo.put("/__mock/fixtures", json={"fixtures": broken})
    assert refused.status_code == 400
    assert refused.json()["data"] == {
        "problems": ["request body: users[0] (alice): roles[0]: unknown role 'nope'"]
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


def test_request_log_hides_credentials_unless_asked(demo: TestClient) -> None:
    demo.post(
        "/oidc/token",
        data={
            "grant_type": "client_credentials",
            "client_id": "demo-m2m",
            "client_secret": "demo-m2m-secret",
        },
    )
    demo.post("/oidc/token", json={"client_secret": "pw", "x": [{"refresh_token": 1}]})
    form, as_json = demo.get("/__mock/requests").json()
    assert (
        form["body"]
        == "grant_type=client_credentials&client_id=demo-m2m&client_secret=%5Bredacted%5D"
    )
    assert as_json["body"] == '{"client_secret":"[redacted]","x":[{"refresh_token":"[redacted]"}]}'
    shown = demo.get("/__mock/requests?secrets=true").json()[0]
    assert "client_secret=demo-m2m-secret" in shown["body"]


def test_fixtures_load_from_a_json_or_yaml_body(demo: TestClient) -> None:
    tenant = {"applications": [{"id": "only", "name": "only", "type": "MachineToMachine"}]}
    loaded = demo.put("/__mock/fixtures", json={"fixtures": tenant})
    assert loaded.json() == {
        "tenant": "1 applications, 1 API resources, 1 roles, 0 users, 0 organizations"
    }
    yaml_body = b"users:\n  - {username: yaml_user}\n"
    loaded = demo.put(
        "/__mock/fixtures", content=yaml_body, headers={"Content-Type": "application/yaml"}
    )
    assert loaded.json()["tenant"].endswith("1 users, 0 organizations")
    bomb = b"a: &a [1]\nb: [*a, *a]\n"
    refused = demo.put("/__mock/fixtures", content=bomb, headers={"Content-Type": "text/yaml"})
    assert refused.json()["data"] == {
        "problems": ["request body: invalid YAML: aliases are not accepted here"]
    }


def test_fixture_paths_are_regular_files_beside_the_start_up_fixtures(
    make_client: ClientFactory, tmp_path: Path
) -> None:
    (tmp_path / "tenant.yaml").write_text("users: [{username: one}]\n")
    (tmp_path / "other.yaml").write_text("users: [{username: two}]\n")
    os.mkfifo(tmp_path / "fifo.yaml")
    client = make_client(tmp_path / "tenant.yaml")
    assert client.put("/__mock/fixtures", json={"path": "other.yaml"}).json() == {
        "tenant": "0 applications, 1 API resources, 1 roles, 1 users, 0 organizations"
    }
    for given, message in [
        ("fifo.yaml", f"fifo.yaml: not a regular file under {tmp_path}"),
        ("/dev/zero", f"fixture paths are read only under {tmp_path}"),
        ("../x.yaml", f"fixture paths are read only under {tmp_path}"),
    ]:
        refused = client.put("/__mock/fixtures", json={"path": given})
        assert (refused.status_code, refused.json()) == (
            400,
            {"code": "mock.invalid_request", "message": message},
        )


FORBIDDEN = {"code": "mock.forbidden", "message": "Cross-site requests cannot use the control API."}


def test_a_web_page_cannot_drive_the_control_api(demo: TestClient) -> None:
    cross_site = demo.post("/__mock/reset", headers={"Origin": "http://evil.test"})
    assert (cross_site.status_code, cross_site.json()) == (403, FORBIDDEN)
    fetched = demo.post("/__mock/reset", headers={"Sec-Fetch-Site": "same-site"})
    assert (fetched.status_code, fetched.json()) == (403, FORBIDDEN)
    simple = demo.post(
        "/__mock/tokens",
        content=b'{"app": "demo-m2m", "resource": "https://api.example.com"}',
        headers={"Content-Type": "text/plain"},
    )
    assert (simple.status_code, simple.json()["code"]) == (415, "mock.unsupported_media_type")
    rebound = demo.get("/__mock/requests", headers={"Host": "evil.test:3001"})
    assert (rebound.status_code, rebound.json()["code"]) == (403, "mock.forbidden")
    own = demo.post("/__mock/reset", headers={"Origin": "http://localhost:3001"})
    assert own.status_code == 204


def test_with_a_control_token_every_request_needs_it(make_client: ClientFactory) -> None:
    token = "t" * 24
    client = make_client(DEMO_FIXTURE, control_token=token)
    missing = client.get("/__mock/clock")
    assert (missing.status_code, missing.json()) == (
        401,
        {
            "code": "mock.unauthorized",
            "message": "The control API needs its token (X-Mock-Logto-Token).",
        },
    )
    assert client.get("/__mock/clock", headers={"X-Mock-Logto-Token": "t" * 23}).status_code == 401
    assert client.get("/__mock/clock", headers={"X-Mock-Logto-Token": token}).status_code == 200
    # A container's service name is fine with the token (DNS rebinding cannot supply it).
    bearer = {"Authorization": f"Bearer {token}", "Host": "mock-logto:3001"}
    assert client.get("/__mock/clock", headers=bearer).status_code == 200


def test_faults_and_the_clock_refuse_what_they_cannot_honour(demo: TestClient) -> None:
    def refused(path: str, body: str) -> str:
        response = demo.post(path, content=body, headers={"Content-Type": "application/json"})
        assert response.status_code == 400
        message: str = response.json()["message"]
        return message

    assert refused("/__mock/faults", '{"path": "/x", "status": 0}') == (
        "a fault's status must be from 200 to 599"
    )
    assert refused(
        "/__mock/faults", '{"path": "/x", "status": 500, "headers": {"a": "b\\r\\nc"}}'
    ) == ("fault header 'a' is not a valid HTTP header")
    assert refused("/__mock/faults", '{"path": "/x", "status": 500, "body": NaN}') == (
        "the body must be a JSON object"
    )
    assert refused("/__mock/faults", '{"path": "/x", "delay": 1e9}') == (
        "a fault's delay must be from 0 to 60.0 seconds"
    )
    assert refused("/__mock/clock", '{"advance": 1000000000000}') == (
        "the clock moves at most 100 years ahead"
    )
    assert refused("/__mock/clock", '{"advance": true}') == "'advance' has the wrong type"
