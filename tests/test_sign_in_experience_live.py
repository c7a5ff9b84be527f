"""The sign-in experience's live effect: Logto's sentinel lockout, `signInMode`, sign-in methods.

On the Experience API (Logto's answers) and on the HTML sign-in page (its error, same status).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.testclient import TestClient

from .support.admin import as_admin
from .support.apps import ClientFactory, Clock
from .support.paths import DEMO_FIXTURE
from .support.sign_in import auth_params

BLOCKED = {
    "code": "session.verification_blocked_too_many_attempts",
    "message": "Too many attempts in a short time. Please try again in 60 minutes.",
}
WRONG = {
    "code": "session.invalid_credentials",
    "message": "Incorrect account or password. Please check your input.",
}


@pytest.fixture
def admin(make_client: ClientFactory) -> TestClient:
    """The demo tenant with a Management API token, on a wall clock (cookies expire by it)."""
    client = make_client(DEMO_FIXTURE, clock=Clock())
    as_admin(client)
    return client


def _password(client: TestClient, value: str, password: str, kind: str = "username") -> Any:
    return client.post(
        "/api/experience/verification/password",
        json={"identifier": {"type": kind, "value": value}, "password": password},
    )


def _started(client: TestClient) -> None:
    client.get("/oidc/auth", params=auth_params())
    assert client.put("/api/experience", json={"interactionEvent": "SignIn"}).status_code == 204


def _patch(client: TestClient, body: dict[str, Any]) -> None:
    assert client.patch("/api/sign-in-exp", json=body).status_code == 200


def test_lockout_blocks_even_the_right_password_after_max_attempts(admin: TestClient) -> None:
    _patch(admin, {"sentinelPolicy": {"maxAttempts": 2}})
    _started(admin)
    first = _password(admin, "alice", "wrong")
    assert (first.status_code, first.json()) == (422, WRONG)
    second = _password(admin, "alice", "wrong")
    assert (second.status_code, second.json()) == (400, BLOCKED)
    right = _password(admin, "alice", "alice-password")
    assert (right.status_code, right.json()) == (400, BLOCKED)
    # The identifier is locked out, not the user: bob still signs in.
    assert _password(admin, "bob", "bob-password").status_code == 200


def test_lockout_counts_unknown_identifiers_and_ends_after_lockout_duration(
    make_client: ClientFactory,
) -> None:
    clock = Clock()
    client = make_client(DEMO_FIXTURE, clock=clock)
    as_admin(client)
    _patch(client, {"sentinelPolicy": {"maxAttempts": 1, "lockoutDuration": 5}})
    _started(client)
    blocked = _password(client, "nobody", "x")
    assert blocked.json() == {
        "code": "session.verification_blocked_too_many_attempts",
        "message": "Too many attempts in a short time. Please try again in 5 minutes.",
    }
    clock.now += 4 * 60 + 20
    assert _password(client, "nobody", "x").json()["message"].endswith("again in 1 minute.")
    clock.now += 60
    # Blocked attempts are not counted: after the lockout one more failure blocks again.
    assert _password(client, "nobody", "x").json()["message"].endswith("again in 5 minutes.")


def test_lockout_fires_the_identifier_lockout_hook(admin: TestClient) -> None:
    created = admin.post(
        "/api/hooks",
        json={
            "name": "lockouts",
            "events": ["Identifier.Lockout"],
            "config": {"url": "http://127.0.0.1:9/hook"},
        },
    )
    assert created.status_code == 201
    _patch(admin, {"sentinelPolicy": {"maxAttempts": 1}})
    _started(admin)
    assert _password(admin, "alice@example.com", "x", "email").status_code == 400
    runtime = admin.app.state.runtime  # type: ignore[attr-defined]
    runtime.webhooks.wait()
    [delivery] = runtime.webhooks.deliveries()
    payload = json.loads(delivery.body)
    assert payload == {
        "hookId": created.json()["id"],
        "event": "Identifier.Lockout",
        "createdAt": payload["createdAt"],
        "userAgent": "testclient",
        "ip": "testclient",
        "type": "email",
        "value": "alice@example.com",
    }


def test_sign_in_mode_register_forbids_sign_in(admin: TestClient) -> None:
    _patch(admin, {"signInMode": "Register"})
    admin.get("/oidc/auth", params=auth_params())
    # Logto checks the event at identification (`guardIdentificationMethod`), not at `PUT`.
    assert admin.put("/api/experience", json={"interactionEvent": "SignIn"}).status_code == 204
    verified = admin.post(
        "/api/experience/verification/password",
        json={"identifier": {"type": "username", "value": "alice"}, "password": "alice-password"},
    )
    answer = admin.post(
        "/api/experience/identification", json={"verificationId": verified.json()["verificationId"]}
    )
    assert (answer.status_code, answer.json()) == (
        403,
        {
            "code": "auth.forbidden",
            "message": "Forbidden. Please check your user roles and permissions.",
        },
    )
    page = admin.post("/sign-in", data={"identifier": "alice", "password": "alice-password"})
    assert page.status_code == 403
    assert "Forbidden. Please check your user roles and permissions." in page.text


def test_identification_refuses_a_sign_in_method_not_enabled(admin: TestClient) -> None:
    _started(admin)
    verified = _password(admin, "alice@example.com", "alice-password", "email")
    assert verified.status_code == 200  # the password is checked first, as Logto does
    answer = admin.post(
        "/api/experience/identification", json={"verificationId": verified.json()["verificationId"]}
    )
    assert (answer.status_code, answer.json()) == (
        422,
        {
            "code": "user.sign_in_method_not_enabled",
            "message": "This sign-in method is not enabled.",
        },
    )
    method = {
        "identifier": "email",
        "password": True,
        "verificationCode": False,
        "isPasswordPrimary": True,
    }
    _patch(admin, {"signIn": {"methods": [method]}})
    again = admin.post(
        "/api/experience/identification", json={"verificationId": verified.json()["verificationId"]}
    )
    assert again.status_code == 204


def test_sign_in_page_looks_up_only_enabled_password_identifiers(admin: TestClient) -> None:
    admin.get("/oidc/auth", params=auth_params())
    by_email = admin.post(
        "/sign-in", data={"identifier": "alice@example.com", "password": "alice-password"}
    )
    assert by_email.status_code == 422
    assert "Incorrect account or password." in by_email.text
    by_username = admin.post(
        "/sign-in",
        data={"identifier": "alice", "password": "alice-password"},
        follow_redirects=False,
    )
    assert by_username.status_code == 303


def test_lockout_on_the_legacy_interaction_api_too(admin: TestClient) -> None:
    _patch(admin, {"sentinelPolicy": {"maxAttempts": 2}})
    admin.get("/oidc/auth", params=auth_params())

    def attempt(password: str) -> Any:
        body = {"event": "SignIn", "identifier": {"username": "alice", "password": password}}
        return admin.put("/api/interaction", json=body)

    first = attempt("wrong")
    assert (first.status_code, first.json()) == (422, WRONG)
    assert (attempt("wrong").status_code, attempt("alice-password").json()) == (400, BLOCKED)
