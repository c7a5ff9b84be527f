"""`Runtime.reset()`: restores the tenant from a snapshot, and only when it may have changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from mock_logto.app import create_app
from mock_logto.errors import FixtureError, MockLogtoError
from mock_logto.loader import load_tenant
from mock_logto.runtime import Runtime
from mock_logto.server import MockLogtoServer
from mock_logto.testing import MockLogto, isolated_settings

from .support.paths import DEMO_FIXTURE, GOLDEN_FIXTURE
from .support.tenants import BASE_URL

M2M = {"grant_type": "client_credentials", "resource": "https://api.example.com"}


@pytest.fixture
def client() -> TestClient:
    return TestClient(create_app(isolated_settings()), base_url=BASE_URL)


def runtime_of(client: TestClient) -> Runtime:
    runtime: Runtime = client.app.state.runtime  # type: ignore[attr-defined]
    return runtime


def test_a_reset_after_nothing_changed_keeps_the_tenant(client: TestClient) -> None:
    runtime = runtime_of(client)
    tenant = runtime.tenant
    runtime.reset()
    assert client.get("/oidc/jwks").status_code == 200  # reads what never changes
    runtime.reset()
    assert runtime.tenant is tenant


def test_a_request_reaching_the_state_gets_a_fresh_copy(client: TestClient) -> None:
    runtime = runtime_of(client)
    tenant = runtime.tenant
    assert client.post("/oidc/token", data=M2M, auth=("demo-m2m", "demo-m2m-secret")).is_success
    tenant.users.clear()  # what a handler might have done
    runtime.reset()
    assert runtime.tenant is not tenant
    assert runtime.tenant == load_tenant(DEMO_FIXTURE, clock=runtime.clock)
    assert runtime.auto_sign_in is None


def test_once_held_outside_the_server_every_reset_restores(client: TestClient) -> None:
    runtime = runtime_of(client)
    runtime.expose()
    runtime.tenant.applications.clear()
    runtime.reset()
    assert "demo-m2m" in runtime.tenant.applications
    held = runtime.tenant
    runtime.reset()
    assert runtime.tenant is not held


def test_copies_share_nothing(client: TestClient) -> None:
    runtime = runtime_of(client)
    runtime.expose()
    first = runtime.tenant
    runtime.reset()
    first.applications["demo-m2m"].secrets.clear()
    first.users["user-alice"].custom_data["x"] = 1
    assert runtime.tenant.applications["demo-m2m"].secrets
    assert "x" not in runtime.tenant.users["user-alice"].custom_data


def test_the_store_clock_log_and_faults_are_cleared_on_every_reset(client: TestClient) -> None:
    runtime = runtime_of(client)
    runtime.store.new_session("user-alice")
    runtime.clock.advance(10)
    client.post("/__mock/faults", json={"path": "/oidc/jwks", "status": 500})
    runtime.reset()
    assert (runtime.store.sessions, runtime.clock.offset, runtime.control.faults) == ({}, 0, [])


def test_keys_rotated_in_a_test_are_the_start_up_keys_again_after_reset(
    client: TestClient,
) -> None:
    """A rotation (control API or Management API) must not leak into the next test's JWKS."""
    runtime = runtime_of(client)
    jwks, cookie_keys = client.get("/oidc/jwks").json(), list(runtime.cookies.keys)
    client.post("/__mock/keys/rotate")
    runtime.cookies.rotate(keep=2)
    rotated = client.get("/oidc/jwks").json()
    assert len(rotated["keys"]) == 2 and rotated["keys"][1] == jwks["keys"][0]
    runtime.reset()
    assert client.get("/oidc/jwks").json() == jwks
    assert client.get("/oidc/.well-known/openid-configuration").status_code == 200
    assert runtime.cookies.keys == cookie_keys
    token = client.post("/oidc/token", data=M2M, auth=("demo-m2m", "demo-m2m-secret"))
    assert runtime.keys.verify(token.json()["access_token"]) is not None


def test_a_tenant_given_to_the_app_is_the_one_reset_restores() -> None:
    tenant = load_tenant(GOLDEN_FIXTURE)
    runtime = runtime_of(TestClient(create_app(isolated_settings(), tenant=tenant)))
    tenant.applications.clear()  # the caller holds the live tenant
    runtime.reset()
    assert "y1wo0iqlzt30wfuyc4oep" in runtime.tenant.applications
    assert "demo-m2m" not in runtime.tenant.applications


def test_other_fixtures_are_kept_and_read_again_when_they_change(
    client: TestClient, tmp_path: Path
) -> None:
    runtime = runtime_of(client)
    path = tmp_path / "tenant.yaml"
    path.write_text("users: [{username: carol}]\n")
    runtime.reset(path)
    assert [u.username for u in runtime.tenant.users.values()] == ["carol"]
    assert runtime.snapshot(path) is runtime.snapshot(path)
    path.write_text("users: [{username: dave}, {username: erin}]\n")
    runtime.reset(path)
    assert [u.username for u in runtime.tenant.users.values()] == ["dave", "erin"]
    runtime.reset()
    assert "user-alice" in runtime.tenant.users
    assert runtime.snapshot(DEMO_FIXTURE) is runtime.snapshot()


def test_broken_fixtures_change_nothing(client: TestClient, tmp_path: Path) -> None:
    runtime = runtime_of(client)
    tenant = runtime.tenant
    broken = tmp_path / "broken.yaml"
    broken.write_text("users:\n  - {username: alice, roles: [admin]}\n")
    with pytest.raises(FixtureError):
        runtime.reset(broken)
    with pytest.raises(FixtureError):
        runtime.load_fixtures(broken)
    assert runtime.tenant is tenant


def test_an_unknown_auto_sign_in_user_refuses_the_fixtures(tmp_path: Path) -> None:
    runtime = runtime_of(TestClient(create_app(isolated_settings(auto_sign_in="alice"))))
    other = tmp_path / "other.yaml"
    other.write_text("users: [{username: bob}]\n")
    with pytest.raises(MockLogtoError, match="auto_sign_in"):
        runtime.reset(other)
    assert runtime.auto_sign_in is not None and runtime.auto_sign_in.username == "alice"


def test_a_claims_function_lasts_until_the_next_reset() -> None:
    server = MockLogtoServer(isolated_settings(port=0))  # not started: only its runtime is used
    try:
        handle = MockLogto(server)
        handle.customize_claims("client-credentials", lambda _: {"x": 1})
        runtime: Runtime = server._app.state.runtime
        assert runtime.tenant.custom_jwt.functions
        handle.reset()
        assert not runtime.tenant.custom_jwt.functions
    finally:
        server.stop()
