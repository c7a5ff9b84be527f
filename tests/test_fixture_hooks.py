"""Webhooks in fixture files: the `hooks` section, as `POST /api/hooks` takes a hook."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from mock_logto.errors import FixtureError
from mock_logto.loader import derive, load_tenant
from mock_logto.loader.build import MIXED

from .support.admin import as_admin
from .support.apps import NOW, ClientFactory

TENANT = """\
applications:
  - { id: admin, name: admin, type: MachineToMachine, secret: admin-secret,
      roles: [Logto Management API access] }
hooks:
  - name: user events
    events: [User.Created, User.Deleted, User.Created]
    config:
      url: mock://sink
      headers: { X-Env: test }
      retries: 2
  - id: sign-ins
    name: sign-ins
    events: [PostSignIn]
    enabled: false
    signingKey: my-signing-key
    createdAt: 1700000000000
    config: { url: "http://localhost:9/hook" }
"""


@pytest.fixture
def tenant_file(tmp_path: Path) -> Path:
    path = tmp_path / "tenant.yaml"
    path.write_text(TENANT)
    return path


@pytest.fixture
def api(make_client: ClientFactory, tenant_file: Path) -> TestClient:
    client = make_client(tenant_file)
    as_admin(client, ("admin", "admin-secret"))
    return client


def test_fixture_hooks_answer_as_created_ones(api: TestClient) -> None:
    derived_id = derive("hook", "user events")
    derived_key = derive("signing-key", derived_id, length=32, alphabet=MIXED)
    assert api.get("/api/hooks").json() == [
        {
            "tenantId": "default",
            "id": derived_id,
            "name": "user events",
            "event": None,
            "events": ["User.Created", "User.Deleted"],
            "config": {"url": "mock://sink", "headers": {"X-Env": "test"}, "retries": 2},
            "signingKey": derived_key,
            "enabled": True,
            "createdAt": NOW * 1000,
        },
        {
            "tenantId": "default",
            "id": "sign-ins",
            "name": "sign-ins",
            "event": None,
            "events": ["PostSignIn"],
            "config": {"url": "http://localhost:9/hook"},
            "signingKey": "my-signing-key",
            "enabled": False,
            "createdAt": 1700000000000,
        },
    ]


def test_derived_ids_and_keys_are_the_same_on_every_load(tenant_file: Path) -> None:
    first, second = load_tenant(tenant_file), load_tenant(tenant_file)
    keys = {h.id: h.signing_key for h in first.hooks.values()}
    assert keys == {h.id: h.signing_key for h in second.hooks.values()}
    assert len(keys[derive("hook", "user events")]) == 32


def test_a_fixture_hook_delivers_signed_with_its_key(api: TestClient) -> None:
    user = api.post("/api/users", json={"username": "frank"}).json()
    control = TestClient(api.app, base_url=str(api.base_url))
    [delivery] = control.get("/__mock/deliveries").json()
    hook_id = derive("hook", "user events")
    key = derive("signing-key", hook_id, length=32, alphabet=MIXED)
    body = delivery["request"]["body"].encode()
    assert delivery["request"]["headers"] == {
        "logto-signature-sha-256": hmac.new(key.encode(), body, hashlib.sha256).hexdigest(),
        "user-agent": "Logto (https://logto.io/)",
        "x-env": "test",
        "content-type": "application/json",
        "accept": "*/*",
    }
    assert (delivery["hookId"], delivery["request"]["json"]["data"]) == (hook_id, user)
    assert delivery["response"] == {"status": 200, "body": {"ok": True}}


def test_a_reset_restores_the_fixture_hooks(api: TestClient) -> None:
    derived_id = derive("hook", "user events")
    api.delete(f"/api/hooks/{derived_id}")
    added = api.post(
        "/api/hooks", json={"name": "n", "events": ["Role.Created"], "config": {"url": "x"}}
    ).json()
    control = TestClient(api.app, base_url=str(api.base_url))
    assert control.post("/__mock/reset").status_code == 204
    as_admin(api, ("admin", "admin-secret"))  # a reset forgets issued tokens
    ids = [hook["id"] for hook in api.get("/api/hooks").json()]
    assert ids == [derived_id, "sign-ins"]
    assert added["id"] not in ids


def test_fixture_hook_problems_name_the_entry_and_field(tmp_path: Path) -> None:
    path = tmp_path / "hooks.yaml"
    path.write_text(
        "hooks:\n"
        "  - { name: a, events: [User.created, PostSignInAdaptiveMfaTriggered],"
        " config: { url: x } }\n"
        "  - { name: a, events: [Role.Created], config: { url: y } }\n"
    )
    with pytest.raises(FixtureError) as refused:
        load_tenant(path)
    assert refused.value.problems == [
        f"{path}: hooks[0] (a): events[0]: unknown event 'User.created'"
        " (did you mean 'User.Created'?)",
        f"{path}: hooks[0] (a): events[1]: unknown event 'PostSignInAdaptiveMfaTriggered'"
        " (Logto accepts it only with its dev features on)",
        f"{path}: hooks[1] (a): id: duplicate id '{derive('hook', 'a')}', also used by"
        f" {path}: hooks[0] (derived from the name; give an explicit id)",
    ]
    path.write_text(
        "hooks:\n"
        "  - { name: b, events: [], config: { url: x, retries: 4 }, event: User.Created }\n"
        "  - { name: c, events: [Role.Created] }\n"
    )
    with pytest.raises(FixtureError) as refused:
        load_tenant(path)
    assert refused.value.problems == [
        f"{path}: hooks[0] (b): events: List should have at least 1 item after validation, not 0",
        f"{path}: hooks[0] (b): config.retries: Input should be less than or equal to 3",
        f"{path}: hooks[0] (b): event: unknown key (did you mean 'events'?)",
        f"{path}: hooks[1] (c): config: Field required",
    ]
