"""Audit logs (`/api/logs`) of what the server did, and the dashboard counts derived from them.

Shapes from Logto's koa-audit-log and event listeners (golden-2 keys-logs/30–45); behaviour of
its integration tests log.test.ts, audit-logs/index.test.ts and dashboard.test.ts.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.testclient import TestClient

from .support.admin import as_admin
from .support.apps import ClientFactory, Clock
from .support.paths import DEMO_FIXTURE
from .support.sign_in import auth_params, exchange, experience_sign_in, follow_to_callback, query_of
from .support.tenants import DEMO_CALLBACK


@pytest.fixture
def admin(make_client: ClientFactory) -> TestClient:
    """The demo tenant with a Management API token, on a wall clock (cookies expire by it)."""
    client = make_client(DEMO_FIXTURE, clock=Clock())
    as_admin(client)
    return client


def _logs(client: TestClient, **query: str) -> Any:
    return client.get("/api/logs", params=query).json()


def _sign_in(client: TestClient) -> str:
    client.get("/oidc/auth", params=auth_params())
    uid = json.loads(client.cookies["_interaction"])["demo-web"]
    url = follow_to_callback(
        client, experience_sign_in(client, "alice", "alice-password"), DEMO_CALLBACK
    )
    assert exchange(client, query_of(url)["code"]).status_code == 200
    return str(uid)


def test_recording_a_token_request_appends_one_tuple(admin: TestClient) -> None:
    runtime = admin.app.state.runtime  # type: ignore[attr-defined]
    [(seq, at, kind, data)] = list(runtime.audit.entries)  # as_admin's token request
    assert kind == "token" and isinstance(data, tuple)
    assert not any(isinstance(item, dict) and "key" in item for item in data)


def test_a_client_credentials_log_in_logtos_shape(admin: TestClient) -> None:
    [entry] = _logs(admin)
    assert entry == {
        "tenantId": "default",
        "id": entry["id"],
        "key": "ExchangeTokenBy.ClientCredentials",
        "payload": {
            "key": "ExchangeTokenBy.ClientCredentials",
            "result": "Success",
            "ip": "testclient",
            "userAgent": "testclient",
            "applicationId": "demo-admin",
            "params": {
                "scope": "all",
                "resource": "https://default.logto.app/api",
                "grant_type": "client_credentials",
            },
            "scope": "all",
            "tokenTypes": ["AccessToken"],
            "applicationSecret": {"name": "Default secret"},
        },
        "createdAt": entry["createdAt"],
    }
    assert len(entry["id"]) == 21
    assert admin.get(f"/api/logs/{entry['id']}").json() == entry


def test_a_failed_token_request_is_logged_with_oidc_providers_error(admin: TestClient) -> None:
    admin.post("/oidc/token", data={"grant_type": "client_credentials"}, auth=("demo-admin", "no"))
    [entry] = _logs(admin, applicationId="demo-admin", page_size="1")
    error = json.loads(entry["payload"].pop("error"))
    assert entry["payload"] == {
        "key": "ExchangeTokenBy.ClientCredentials",
        "result": "Error",
        "ip": "testclient",
        "userAgent": "testclient",
        "applicationId": "demo-admin",
        "params": {"grant_type": "client_credentials"},
        "tokenTypes": [],
    }
    assert error == {
        "stack": "InvalidClientAuth: invalid_client\n    at mock-logto",
        "message": "invalid_client",
        "allow_redirect": True,
        "name": "InvalidClientAuth",
        "error": "invalid_client",
        "status": 401,
        "statusCode": 401,
        "expose": True,
        "error_description": "client authentication failed",
        "error_detail": "invalid secret provided",
    }


def test_unknown_log_names_the_logs_table(admin: TestClient) -> None:
    missing = admin.get("/api/logs/non-exist-log-id")
    assert (missing.status_code, missing.json()) == (
        404,
        {
            "code": "entity.not_exists_with_id",
            "message": "The logs with ID `non-exist-log-id` does not exist.",
        },
    )


def test_interaction_create_and_end_carry_the_interaction_id(admin: TestClient) -> None:
    uid = _sign_in(admin)
    created = _logs(admin, logKey="Interaction.Create")
    ended = _logs(admin, logKey="Interaction.End")
    assert any(e["payload"]["interactionId"] == uid for e in created)
    assert any(e["payload"]["interactionId"] == uid for e in ended)
    keys = [e["key"] for e in _logs(admin, userId="user-alice")]
    assert keys == [
        "ExchangeTokenBy.AuthorizationCode",
        "Interaction.End",
        "Interaction.Create",
        "Interaction.End",
        "Interaction.SignIn.Submit",
    ]
    [submit] = _logs(admin, logKey="Interaction.SignIn.Submit")
    record = submit["payload"]["interaction"]["verificationRecords"][0]
    assert submit["payload"]["interaction"] == {
        "mfa": {},
        "userId": "user-alice",
        "captcha": {"skipped": False, "verified": False},
        "profile": {},
        "interactionEvent": "SignIn",
        "verificationRecords": [
            {
                "id": record["id"],
                "type": "Password",
                "verified": True,
                "identifier": {"type": "username", "value": "alice"},
            }
        ],
    }


def test_a_wrong_password_is_logged_without_the_password(admin: TestClient) -> None:
    admin.get("/oidc/auth", params=auth_params())
    admin.put("/api/experience", json={"interactionEvent": "SignIn"})
    admin.post(
        "/api/experience/verification/password",
        json={"identifier": {"type": "username", "value": "alice"}, "password": "nope"},
    )
    [entry] = _logs(admin, logKey="Interaction.SignIn.Verification.Password.Submit")
    assert entry["payload"] == {
        "key": "Interaction.SignIn.Verification.Password.Submit",
        "result": "Error",
        "error": {
            "code": "session.invalid_credentials",
            "message": "Incorrect account or password. Please check your input.",
        },
        "ip": "testclient",
        "userAgent": "testclient",
        "applicationId": "demo-web",
        "payload": {"password": "******", "identifier": {"type": "username", "value": "alice"}},
    }


def test_hook_logs_are_not_audit_logs(admin: TestClient) -> None:
    assert _logs(admin, logKey="TriggerHook.User.Created") == []
    paged = admin.get("/api/logs", params={"page": "0"})
    assert (paged.status_code, paged.json()) == (
        400,
        {"code": "guard.invalid_pagination", "message": "The request pagination value is invalid."},
    )


def test_dashboard_counts_users_and_active_users(admin: TestClient) -> None:
    assert admin.get("/api/dashboard/users/total").json() == {"totalUserCount": 2}
    before = admin.get("/api/dashboard/users/active").json()
    assert before["dau"] == {"count": 0, "delta": 0}
    assert len(before["dauCurve"]) == 30
    _sign_in(admin)
    after = admin.get("/api/dashboard/users/active").json()
    one = {"count": 1, "delta": 1}
    assert (after["dau"], after["wau"], after["mau"]) == (one, one, one)
    assert after["dauCurve"][-1]["count"] == 1
    created = admin.post("/api/users", json={"username": "newbie"})
    assert created.status_code == 200
    # The fixture's two users were created when it loaded (today), the third just now.
    assert admin.get("/api/dashboard/users/new").json() == {
        "today": {"count": 3, "delta": 3},
        "last7Days": {"count": 3, "delta": 3},
    }


def test_a_custom_jwt_script_run_is_logged_before_its_token_request(admin: TestClient) -> None:
    tenant = admin.app.state.runtime.tenant  # type: ignore[attr-defined]
    tenant.custom_jwt.functions["client-credentials"] = lambda payload: {"team": "a"}
    admin.post(
        "/oidc/token",
        data={"grant_type": "client_credentials", "resource": "https://api.example.com"},
        auth=("demo-m2m", "demo-m2m-secret"),
    )
    token_log, script_log = _logs(admin, page_size="2")
    assert token_log["key"] == "ExchangeTokenBy.ClientCredentials"
    payload = script_log["payload"]
    assert list(payload) == [
        "key",
        "result",
        "ip",
        "userAgent",
        "applicationId",
        "payload",
        "tenantId",
        "customTokenClaims",
    ]
    assert (payload["key"], payload["applicationId"], payload["tenantId"]) == (
        "JwtCustomizer.ClientCredentials",
        "demo-m2m",
        "default",
    )
    assert payload["customTokenClaims"] == {"team": "a"}
    assert list(payload["payload"]) == ["token", "context", "tokenType"]
    assert payload["payload"]["tokenType"] == "client-credentials"


def test_revoking_a_refresh_token_logs_revoke_token(admin: TestClient) -> None:
    _sign_in(admin)
    [exchange_log] = _logs(admin, logKey="ExchangeTokenBy.AuthorizationCode")
    assert exchange_log["payload"]["tokenTypes"] == ["AccessToken", "RefreshToken", "IdToken"]
    store = admin.app.state.runtime.store  # type: ignore[attr-defined]
    [refresh] = list(store.refresh_tokens)
    revoked = admin.post(
        "/oidc/token/revocation",
        data={"token": refresh},
        auth=("demo-web", "demo-web-secret"),
    )
    assert revoked.status_code == 200
    [entry] = _logs(admin, logKey="RevokeToken")
    grant_id = entry["payload"]["grantId"]
    assert entry["payload"] == {
        "key": "RevokeToken",
        "result": "Success",
        "ip": "testclient",
        "userAgent": "testclient",
        "userId": "user-alice",
        "applicationId": "demo-web",
        "params": {"token": refresh},
        "grantId": grant_id,
        "tokenTypes": ["RefreshToken"],
    }


def test_a_webhook_log_is_found_by_id_though_not_listed(admin: TestClient) -> None:
    hook = admin.post(
        "/api/hooks",
        json={"name": "h", "events": ["User.Created"], "config": {"url": "mock://sink"}},
    ).json()
    assert admin.post("/api/users", json={"username": "hooked"}).status_code == 200
    admin.app.state.runtime.webhooks.wait()  # type: ignore[attr-defined]
    [hook_log] = admin.get(f"/api/hooks/{hook['id']}/recent-logs").json()
    assert admin.get(f"/api/logs/{hook_log['id']}").json() == {"tenantId": "default", **hook_log}
    assert _logs(admin, logKey="TriggerHook.User.Created") == []
