"""Discovery and JWKS answered from a replay: the same bytes and log entries as the usual path."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from mock_logto.app import create_app
from mock_logto.testing import isolated_settings

from .support.tenants import BASE_URL

DISCOVERY = "/oidc/.well-known/openid-configuration"


@pytest.fixture
def client() -> TestClient:
    return TestClient(create_app(isolated_settings()), base_url=BASE_URL)


def answer(client: TestClient, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    response = client.get(path, headers=headers)
    kept = {k: v for k, v in response.headers.items() if k != "date"}
    return response.status_code, kept, response.content


@pytest.mark.parametrize("path", ["/oidc/jwks", DISCOVERY])
def test_a_replayed_answer_and_its_log_entry_are_the_usual_ones(
    client: TestClient, path: str
) -> None:
    first, second = answer(client, path), answer(client, path)
    assert first == second
    assert first[0] == 200 and first[1]["x-frame-options"] == "SAMEORIGIN"
    usual, replayed = client.get("/__mock/requests").json()
    assert {**usual, "at": 0} == {**replayed, "at": 0}
    assert (usual["method"], usual["path"], usual["status"]) == ("GET", path, 200)


def test_requests_that_change_the_answer_take_the_usual_path(client: TestClient) -> None:
    status, headers, _ = answer(client, "/oidc/jwks")
    assert headers["access-control-allow-origin"] == "*"
    cors = answer(client, "/oidc/jwks", origin="http://app.example")
    assert cors[1]["access-control-allow-origin"] == "http://app.example"
    assert answer(client, "/oidc/jwks", **{"if-none-match": headers["etag"]})[0] == 304
    client.post("/__mock/faults", json={"path": "/oidc/jwks", "status": 503})
    assert answer(client, "/oidc/jwks")[0] == 503
    assert answer(client, "/oidc/jwks")[0] == 200


def test_a_key_rotation_is_served_at_once(client: TestClient) -> None:
    before = client.get("/oidc/jwks").json()["keys"]
    kid = client.post("/__mock/keys/rotate").json()["kid"]
    after = client.get("/oidc/jwks").json()["keys"]
    assert [k["kid"] for k in after] == [kid, before[0]["kid"]]
    assert client.get("/oidc/jwks").json()["keys"] == after
