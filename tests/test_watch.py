"""`serve --watch`: changed fixture files served without a restart (in process).

tests/e2e/test_serve_watch.py runs the real `serve --watch`; here the watcher is driven by hand.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from mock_logto.cli import start_up_lines
from mock_logto.loader import load_tenant
from mock_logto.runtime import Runtime
from mock_logto.watch import FixtureWatcher

from .support.apps import ClientFactory, make_settings
from .support.paths import DEMO_FIXTURE, GOLDEN_FIXTURE
from .support.tenants import API


def token(client: TestClient) -> dict[str, object]:
    answer = client.post(
        "/oidc/token",
        data={"grant_type": "client_credentials", "resource": API, "scope": "read:items"},
        auth=("demo-m2m", "demo-m2m-secret"),
    )
    assert answer.status_code == 200, answer.text
    body: dict[str, object] = answer.json()
    return body


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    # A second edit within the clock's tick must still be seen: move the time on.
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def runtime_of(client: TestClient) -> Runtime:
    assert isinstance(client.app, Starlette)
    runtime: Runtime = client.app.state.runtime
    return runtime


@pytest.fixture
def fixture(tmp_path: Path) -> Path:
    path = tmp_path / "tenant.yaml"
    shutil.copy(DEMO_FIXTURE, path)
    return path


def test_a_changed_file_is_served_with_the_same_keys(
    make_client: ClientFactory, fixture: Path
) -> None:
    client = make_client(fixture)
    watcher = FixtureWatcher(runtime_of(client), fixture)
    kid = client.get("/oidc/jwks").json()["keys"][0]["kid"]
    assert token(client)["expires_in"] == 3600
    assert watcher.read() is None  # nothing changed

    edit(fixture, "accessTokenTtl: 3600", "accessTokenTtl: 120")
    tenant = watcher.read()
    assert tenant is not None and watcher.apply(tenant)
    assert token(client)["expires_in"] == 120
    assert client.get("/oidc/jwks").json()["keys"][0]["kid"] == kid
    # A reset now restores the new files' tenant.
    client.post("/__mock/reset")
    assert token(client)["expires_in"] == 120


def test_a_broken_change_is_reported_and_the_tenant_kept(
    make_client: ClientFactory, fixture: Path, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client(fixture)
    watcher = FixtureWatcher(runtime_of(client), fixture)
    edit(
        fixture,
        "type: MachineToMachine\n    secret: demo-m2m-secret",
        "type: Robot\n    secret: demo-m2m-secret",
    )
    with caplog.at_level(logging.WARNING, logger="mock_logto"):
        assert watcher.read() is None
        assert watcher.read() is None  # reported once per change
    assert caplog.messages == [
        f"mock-logto: {fixture}: applications[0] (Demo backend): type: Input should be "
        "'MachineToMachine', 'Traditional', 'SPA' or 'Native'",
        f"mock-logto: {fixture} changed; still serving the fixtures before",
    ]
    assert token(client)["expires_in"] == 3600
    edit(fixture, "type: Robot", "type: MachineToMachine")
    tenant = watcher.read()
    assert tenant is not None and watcher.apply(tenant)


def test_a_change_waits_for_the_reset_when_other_fixtures_are_loaded(
    make_client: ClientFactory, fixture: Path
) -> None:
    client = make_client(fixture)
    shutil.copy(GOLDEN_FIXTURE, fixture.parent / "golden.yaml")
    assert client.put("/__mock/fixtures", json={"path": "golden.yaml"}).status_code == 200
    watcher = FixtureWatcher(runtime_of(client), fixture)
    edit(fixture, "accessTokenTtl: 3600", "accessTokenTtl: 120")
    tenant = watcher.read()
    assert tenant is not None and watcher.apply(tenant)
    assert "demo-m2m" not in runtime_of(client).tenant.applications
    client.post("/__mock/reset")
    assert token(client)["expires_in"] == 120


def test_an_auto_sign_in_user_removed_refuses_the_change(
    make_client: ClientFactory, fixture: Path, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client(fixture, auto_sign_in="bob")
    watcher = FixtureWatcher(runtime_of(client), fixture)
    edit(fixture, "{ user: bob,", "{ user: robert,")
    edit(fixture, "username: bob", "username: robert")
    tenant = watcher.read()
    assert tenant is not None
    with caplog.at_level(logging.WARNING, logger="mock_logto"):
        assert watcher.apply(tenant) is False
    assert caplog.messages == [
        "mock-logto: auto_sign_in: no fixture user has the id, username or email 'bob'; "
        "still serving the fixtures before"
    ]


def test_start_up_lines_name_the_urls_and_the_demo_credentials() -> None:
    demo = load_tenant(DEMO_FIXTURE)
    assert start_up_lines(make_settings(), demo) == [
        "  console    http://localhost:3001/",
        "  discovery  http://localhost:3001/oidc/.well-known/openid-configuration",
        "  token      http://localhost:3001/oidc/token",
        "  demo       app demo-m2m / demo-m2m-secret (client_credentials), "
        "user alice / alice-password (sign-in page)",
    ]
    token = "made-up-token-0123456789"
    watching = make_settings(fixtures=GOLDEN_FIXTURE, watch=True, control_token=token)
    golden = load_tenant(GOLDEN_FIXTURE)
    assert start_up_lines(watching, golden, show_token=True)[::3] == [
        f"  console    http://localhost:3001/#token={token}",
        "  watching   the fixture files: a change is served without a restart",
    ]
    # A token the user chose is never printed.
    assert (
        start_up_lines(watching, golden)[0]
        == "  console    http://localhost:3001/ (asks for the token)"
    )
    off = make_settings(control_api=False, public_url="http://logto:3001")
    assert start_up_lines(off, demo)[0] == (
        "  discovery  http://logto:3001/oidc/.well-known/openid-configuration"
    )
