"""Webhook deliveries as tests see them: `/__mock/deliveries`, `MockLogto.deliveries()`, the sink.

Each delivery is compared whole; its signature is recomputed here with `hmac` over the raw body
the receiver got (or the recorded body) and the signing key the Management API answered.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx2
import pytest
from starlette.testclient import TestClient

from mock_logto.testing import MockLogto

from .support.admin import as_admin, management_token
from .support.apps import NOW, ClientFactory
from .support.paths import DEMO_FIXTURE
from .support.server import serve
from .support.tenants import DEMO_ADMIN

CREATED_AT = "2026-11-23T03:22:18.000Z"  # NOW as `toISOString()`
DELIVERY_ID = re.compile(r"^[a-z0-9]{21}$")
LOGTO_HEADERS = {"user-agent": "Logto (https://logto.io/)", "content-type": "application/json"}


def hmac_hex(key: str, body: bytes) -> str:
    return hmac.new(key.encode(), body, hashlib.sha256).hexdigest()


def new_hook(client: httpx2.Client, events: list[str], url: str, **config: Any) -> dict[str, Any]:
    response = client.post(
        "/api/hooks", json={"name": "test hook", "events": events, "config": {"url": url, **config}}
    )
    assert response.status_code == 201, response.text
    hook: dict[str, Any] = response.json()
    return hook


def control(client: TestClient) -> TestClient:
    """The same app without the Management API token (the control API needs none)."""
    return TestClient(client.app, base_url=str(client.base_url))


def expected_delivery(
    got: dict[str, Any],
    hook: dict[str, Any],
    payload: dict[str, Any],
    response: dict[str, Any] | None,
    error: str | None = None,
) -> dict[str, Any]:
    """The whole delivery a hook's event should have made (`payload` without `hookId`)."""
    body = json.dumps({**payload, "hookId": hook["id"]}, separators=(",", ":"))
    assert DELIVERY_ID.match(got["id"])
    return {
        "id": got["id"],
        "hookId": hook["id"],
        "event": payload["event"],
        "url": hook["config"]["url"],
        "test": False,
        "request": {
            "method": "POST",
            "headers": {
                "logto-signature-sha-256": hmac_hex(hook["signingKey"], body.encode()),
                "user-agent": "Logto (https://logto.io/)",
                "content-type": "application/json",
                "accept": "*/*",
            },
            "body": body,
            "json": json.loads(body),
        },
        "response": response,
        "error": error,
        "done": True,
        "createdAt": NOW * 1000,
    }


def user_created(user: dict[str, Any]) -> dict[str, Any]:
    return {
        "event": "User.Created",
        "createdAt": CREATED_AT,
        "userAgent": "deliveries-test",
        "ip": "testclient",
        "path": "/users",
        "method": "POST",
        "status": 200,
        "params": {},
        "matchedRoute": "/users",
        "data": user,
    }


def create_user(client: httpx2.Client, username: str) -> dict[str, Any]:
    response = client.post(
        "/api/users", json={"username": username}, headers={"User-Agent": "deliveries-test"}
    )
    assert response.status_code == 200, response.text
    user: dict[str, Any] = response.json()
    return user


@pytest.fixture
def admin_and_control(make_client: ClientFactory) -> tuple[TestClient, TestClient]:
    """The demo tenant: a client sending a Management API token, and one for the control API."""
    admin = make_client(DEMO_FIXTURE)
    as_admin(admin)
    return admin, control(admin)


def test_the_control_api_lists_deliveries_filters_and_clears_them(
    admin_and_control: tuple[TestClient, TestClient],
) -> None:
    admin, ctl = admin_and_control
    users_hook = new_hook(admin, ["User.Created", "User.Deleted"], "mock://sink")
    roles_hook = new_hook(admin, ["Role.Created"], "mock://sink?status=500")
    assert ctl.get("/__mock/deliveries").json() == []

    carol = create_user(admin, "carol")
    role = admin.post(
        "/api/roles",
        json={"name": "auditor", "description": "reads logs"},
        headers={"User-Agent": "deliveries-test"},
    ).json()

    everything = ctl.get("/__mock/deliveries")
    assert everything.status_code == 200
    first, second = everything.json()
    assert first == expected_delivery(
        first, users_hook, user_created(carol), {"status": 200, "body": {"ok": True}}
    )
    role_created = {
        "event": "Role.Created",
        "createdAt": CREATED_AT,
        "userAgent": "deliveries-test",
        "ip": "testclient",
        "path": "/roles",
        "method": "POST",
        "status": 200,
        "params": {},
        "matchedRoute": "/roles",
        "data": role,
    }
    assert second == expected_delivery(
        second,
        roles_hook,
        role_created,
        {"status": 500, "body": {"error": "mock-logto sink told to fail"}},
        "HTTPError: Request failed with status code 500 Internal Server Error",
    )

    assert ctl.get("/__mock/deliveries?event=Role.Created").json() == [second]
    assert ctl.get(f"/__mock/deliveries?hookId={users_hook['id']}").json() == [first]
    assert ctl.get(f"/__mock/deliveries?hookId={users_hook['id']}&event=Role.Created").json() == []
    assert ctl.get("/__mock/deliveries?event=User.Deleted").json() == []

    cleared = ctl.delete("/__mock/deliveries")
    assert (cleared.status_code, cleared.content) == (204, b"")
    assert ctl.get("/__mock/deliveries").json() == []
    # Only the list is cleared: the hooks still deliver.
    admin.delete(f"/api/users/{carol['id']}", headers={"User-Agent": "deliveries-test"})
    [deleted] = ctl.get("/__mock/deliveries").json()
    assert (deleted["event"], deleted["hookId"], deleted["response"]) == (
        "User.Deleted",
        users_hook["id"],
        {"status": 200, "body": {"ok": True}},
    )


def test_the_sink_answers_the_status_its_url_names(
    admin_and_control: tuple[TestClient, TestClient],
) -> None:
    admin, ctl = admin_and_control
    hooks = [
        new_hook(admin, ["User.Created"], url)
        for url in ("mock://sink", "mock://sink?status=202", "mock://sink?status=404")
    ]
    create_user(admin, "dora")
    answers = {d["url"]: (d["response"], d["error"]) for d in ctl.get("/__mock/deliveries").json()}
    assert answers == {
        "mock://sink": ({"status": 200, "body": {"ok": True}}, None),
        "mock://sink?status=202": ({"status": 202, "body": {"ok": True}}, None),
        "mock://sink?status=404": (
            {"status": 404, "body": {"error": "mock-logto sink told to fail"}},
            "HTTPError: Request failed with status code 404 Not Found",
        ),
    }
    # The hooks' logs (Logto's recent-logs) record the sink's answers too.
    failing = hooks[2]["id"]
    logs = admin.get(f"/api/hooks/{failing}/recent-logs").json()
    assert [(log["key"], log["payload"]["result"]) for log in logs] == [
        ("TriggerHook.User.Created", "Error")
    ]


def test_a_reset_clears_deliveries(admin_and_control: tuple[TestClient, TestClient]) -> None:
    admin, ctl = admin_and_control
    new_hook(admin, ["User.Created"], "mock://sink")
    create_user(admin, "erin")
    assert len(ctl.get("/__mock/deliveries").json()) == 1
    assert ctl.post("/__mock/reset").status_code == 204
    assert ctl.get("/__mock/deliveries").json() == []


def test_the_control_api_rules_guard_deliveries(make_client: ClientFactory) -> None:
    token = "d" * 24
    client = make_client(DEMO_FIXTURE, control_token=token)
    unauthorized = {
        "code": "mock.unauthorized",
        "message": "The control API needs its token (X-Mock-Logto-Token).",
    }
    for method in ("GET", "DELETE"):
        missing = client.request(method, "/__mock/deliveries")
        assert (missing.status_code, missing.json()) == (401, unauthorized)
        ok = client.request(method, "/__mock/deliveries", headers={"X-Mock-Logto-Token": token})
        assert ok.status_code == (200 if method == "GET" else 204)
    forbidden = {
        "code": "mock.forbidden",
        "message": "Cross-site requests cannot use the control API.",
    }
    cross_site = client.delete(
        "/__mock/deliveries",
        headers={"X-Mock-Logto-Token": token, "Origin": "http://evil.test"},
    )
    assert (cross_site.status_code, cross_site.json()) == (403, forbidden)
    off = make_client(DEMO_FIXTURE, control_api=False)
    assert off.get("/__mock/deliveries").status_code == 404


class Receiver:
    """A webhook endpoint on a free port keeping the raw requests it gets."""

    def __init__(self) -> None:
        received: list[tuple[str, dict[str, str], bytes]] = []
        self.received = received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                headers = {k.lower(): v for k, v in self.headers.items()}
                received.append((self.path, headers, body))
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"thanks")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def running() -> Iterator[MockLogto]:
    with serve(fixtures=DEMO_FIXTURE) as server:
        yield MockLogto(server)


@pytest.mark.e2e  # a server and a receiver on real sockets
def test_a_receiver_verifies_the_signature_over_the_raw_body(running: MockLogto) -> None:
    with Receiver() as receiver, httpx2.Client(base_url=running.base_url) as api:
        api.headers["Authorization"] = f"Bearer {management_token(api, *DEMO_ADMIN)}"
        hook = new_hook(api, ["User.Created"], receiver.url, headers={"X-Tenant": "demo"})
        carol = api.post("/api/users", json={"username": "carol"}).json()
        [delivery] = running.deliveries()
        # After `PATCH /api/hooks/:id/signing-key` the new key signs.
        new_key = api.patch(f"/api/hooks/{hook['id']}/signing-key").json()["signingKey"]
        api.post("/api/users", json={"username": "carl"})
        running.deliveries()
        [(path, headers, raw), (_, later_headers, later_raw)] = receiver.received

    assert path == "/hook"
    assert headers["logto-signature-sha-256"] == hmac_hex(hook["signingKey"], raw)
    assert {k: headers[k] for k in (*LOGTO_HEADERS, "x-tenant")} == {
        **LOGTO_HEADERS,
        "x-tenant": "demo",
    }
    assert json.loads(raw)["data"] == carol
    assert delivery["request"]["body"].encode() == raw
    assert delivery["request"]["headers"] == {
        "logto-signature-sha-256": hmac_hex(hook["signingKey"], raw),
        "user-agent": "Logto (https://logto.io/)",
        "x-tenant": "demo",
        "content-type": "application/json",
        "accept": "*/*",
    }
    assert (delivery["response"], delivery["error"]) == ({"status": 200, "body": "thanks"}, None)
    assert new_key != hook["signingKey"]
    assert later_headers["logto-signature-sha-256"] == hmac_hex(new_key, later_raw)
    assert later_headers["logto-signature-sha-256"] != hmac_hex(hook["signingKey"], later_raw)
    running.reset()
    assert running.deliveries() == []


@pytest.mark.e2e  # a server on a real socket
def test_the_handle_filters_by_event_and_hook_and_waits(running: MockLogto) -> None:
    with httpx2.Client(base_url=running.base_url) as api:
        api.headers["Authorization"] = f"Bearer {management_token(api, *DEMO_ADMIN)}"
        users = new_hook(api, ["User.Created"], "mock://sink")
        both = new_hook(api, ["User.Created", "User.Data.Updated"], "mock://sink?status=503")
        dora = api.post("/api/users", json={"username": "dora"}).json()
        api.patch(f"/api/users/{dora['id']}", json={"name": "Dora"})

    everything = running.deliveries()
    assert [(d["event"], d["hookId"]) for d in everything] == [
        ("User.Created", users["id"]),
        ("User.Created", both["id"]),
        ("User.Data.Updated", both["id"]),
    ]
    assert all(d["done"] for d in everything)
    assert running.deliveries("User.Data.Updated") == [everything[2]]
    assert running.deliveries(hook=users["id"]) == [everything[0]]
    assert running.deliveries("User.Created", hook=both["id"]) == [everything[1]]
    assert everything[1]["response"] == {
        "status": 503,
        "body": {"error": "mock-logto sink told to fail"},
    }
    assert everything[1]["error"] == (
        "HTTPError: Request failed with status code 503 Service Unavailable"
    )
    for delivery in everything:
        key = users["signingKey"] if delivery["hookId"] == users["id"] else both["signingKey"]
        signature = delivery["request"]["headers"]["logto-signature-sha-256"]
        assert signature == hmac_hex(key, delivery["request"]["body"].encode())
    running.reset()
    assert running.deliveries() == []


@pytest.mark.e2e  # a pytest session with the plugin's session server
def test_the_plugin_handle_shows_deliveries_and_resets_them(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import hashlib, hmac, json, urllib.request

        def call(mock_logto, method, path, body=None, token=None):
            request = urllib.request.Request(
                mock_logto.base_url + path,
                data=None if body is None else json.dumps(body).encode(),
                headers={"Content-Type": "application/json",
                         **({"Authorization": f"Bearer {token}"} if token else {})},
                method=method,
            )
            with urllib.request.urlopen(request) as response:
                return json.load(response)

        def test_a_user_created_is_delivered(mock_logto):
            token = mock_logto.issue_token(
                "demo-admin", resource=mock_logto.management_api_indicator, scopes=["all"])
            hook = call(mock_logto, "POST", "/api/hooks", {
                "name": "sink", "events": ["User.Created"], "config": {"url": "mock://sink"}
            }, token)
            user = call(mock_logto, "POST", "/api/users", {"username": "zoe"}, token)
            [delivery] = mock_logto.deliveries("User.Created", hook=hook["id"])
            body = delivery["request"]["body"].encode()
            expected = hmac.new(hook["signingKey"].encode(), body, hashlib.sha256).hexdigest()
            assert delivery["request"]["headers"]["logto-signature-sha-256"] == expected
            assert delivery["request"]["json"]["data"] == user
            assert delivery["response"] == {"status": 200, "body": {"ok": True}}

        def test_the_next_test_starts_without_deliveries_or_hooks(mock_logto):
            assert mock_logto.deliveries() == []
            assert mock_logto.runtime.tenant.hooks == {}
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


SCOPE_EVENTS = [
    "Role.Created",
    "Role.Scopes.Updated",
    "OrganizationRole.Created",
    "OrganizationRole.Scopes.Updated",
]


def context(path: str, status: int) -> dict[str, Any]:
    """The metadata and management context of a `POST` under `/api` (Logto's payload order)."""
    return {
        "createdAt": CREATED_AT,
        "userAgent": "deliveries-test",
        "ip": "testclient",
        "path": path,
        "method": "POST",
        "status": status,
        "params": {},
        "matchedRoute": path,
    }


def test_creating_a_role_with_scopes_fires_scopes_updated_first(
    admin_and_control: tuple[TestClient, TestClient],
) -> None:
    """Logto's `POST /roles` appends `Role.Scopes.Updated` itself, before `Role.Created`."""
    admin, ctl = admin_and_control
    hook = new_hook(admin, SCOPE_EVENTS, "mock://sink")
    [api] = [r for r in admin.get("/api/resources").json() if r["name"] == "Demo API"]
    scopes = admin.get(f"/api/resources/{api['id']}/scopes").json()
    wanted = [scopes[1], scopes[0]]
    ua = {"User-Agent": "deliveries-test"}
    role = admin.post(
        "/api/roles",
        json={"name": "editor", "description": "d", "scopeIds": [s["id"] for s in wanted]},
        headers=ua,
    ).json()
    plain = admin.post("/api/roles", json={"name": "plain", "description": "d"}, headers=ua)
    payloads = [d["request"]["json"] for d in ctl.get("/__mock/deliveries").json()]
    assert payloads == [
        {
            "event": "Role.Scopes.Updated",
            **context("/roles", 200),
            "roleId": role["id"],
            "data": wanted,
            "hookId": hook["id"],
        },
        {"event": "Role.Created", **context("/roles", 200), "data": role, "hookId": hook["id"]},
        {
            "event": "Role.Created",
            **context("/roles", 200),
            "data": plain.json(),
            "hookId": hook["id"],
        },
    ]
    # A refused request fires nothing (the role is kept, as Logto keeps it).
    ctl.delete("/__mock/deliveries")
    unknown = admin.post(
        "/api/roles",
        json={"name": "broken", "description": "d", "scopeIds": ["nope"]},
        headers=ua,
    )
    assert unknown.status_code == 404
    assert ctl.get("/__mock/deliveries").json() == []


def test_creating_an_organization_role_with_scopes_fires_scopes_updated_first(
    admin_and_control: tuple[TestClient, TestClient],
) -> None:
    """Logto's `POST /organization-roles` appends `OrganizationRole.Scopes.Updated` (no data)."""
    admin, ctl = admin_and_control
    hook = new_hook(admin, SCOPE_EVENTS, "mock://sink")
    [org_scope, *_] = admin.get("/api/organization-scopes").json()
    [api] = [r for r in admin.get("/api/resources").json() if r["name"] == "Demo API"]
    [resource_scope, *_] = admin.get(f"/api/resources/{api['id']}/scopes").json()
    ua = {"User-Agent": "deliveries-test"}
    bodies = [
        {"name": "with-org-scope", "organizationScopeIds": [org_scope["id"]]},
        {"name": "with-resource-scope", "resourceScopeIds": [resource_scope["id"]]},
        {"name": "without", "organizationScopeIds": [], "resourceScopeIds": []},
    ]
    made = [admin.post("/api/organization-roles", json=b, headers=ua).json() for b in bodies]
    payloads = [d["request"]["json"] for d in ctl.get("/__mock/deliveries").json()]
    expected: list[dict[str, Any]] = []
    for index, role in enumerate(made):
        if index < 2:
            expected.append(
                {
                    "event": "OrganizationRole.Scopes.Updated",
                    **context("/organization-roles", 201),
                    "organizationRoleId": role["id"],
                    "hookId": hook["id"],
                }
            )
        expected.append(
            {
                "event": "OrganizationRole.Created",
                **context("/organization-roles", 201),
                "data": role,
                "hookId": hook["id"],
            }
        )
    assert payloads == expected
