"""Account API and Experience API steps shared by the tests of sign-up, reset and my-account.

All in-process over the demo tenant (fixtures/default.yaml): the Management API token is
demo-admin's; the browser is the TestClient's cookie jar.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlencode

from starlette.testclient import TestClient

from .sign_in import follow_to_callback, pkce_challenge, query_of
from .tenants import DEMO_ADMIN, DEMO_CALLBACK, DEMO_WEB, MANAGEMENT_API

USER_SCOPE = "openid offline_access profile email phone custom_data identities"
EVERY_FIELD_EDITABLE = {
    "name": "Edit",
    "avatar": "Edit",
    "profile": "Edit",
    "email": "Edit",
    "phone": "Edit",
    "password": "Edit",
    "username": "Edit",
    "customData": "Edit",
    "mfa": "Edit",
    "social": "Edit",
}


def admin_headers(client: TestClient) -> dict[str, str]:
    """A Management API token of demo-admin."""
    response = client.post(
        "/oidc/token",
        data={"grant_type": "client_credentials", "resource": MANAGEMENT_API, "scope": "all"},
        auth=DEMO_ADMIN,
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def email_sign_up(client: TestClient, **sign_in_experience: Any) -> None:
    """Sign-up with a verified email and a password; sign-in by email or username.

    Logto refuses email sign-up without an email connector: Logto's mock email connector first
    (its messages go to the capturing connector, as every email does).
    """
    headers = admin_headers(client)
    connector = {"connectorId": "mock-email-service"}
    assert client.post("/api/connectors", json=connector, headers=headers).status_code == 200
    body = {
        "signUp": {"identifiers": ["email"], "password": True, "verify": True},
        "signIn": {
            "methods": [
                {
                    "identifier": "email",
                    "password": True,
                    "verificationCode": True,
                    "isPasswordPrimary": True,
                },
                {
                    "identifier": "username",
                    "password": True,
                    "verificationCode": False,
                    "isPasswordPrimary": True,
                },
            ]
        },
        "forgotPasswordMethods": ["EmailVerificationCode"],
        **sign_in_experience,
    }
    response = client.patch("/api/sign-in-exp", json=body, headers=headers)
    assert response.status_code == 200, response.text


def enable_account_center(client: TestClient, fields: dict[str, str] | None = None) -> None:
    """`PATCH /api/account-center` enabled, with these field controls (every field Edit)."""
    body = {"enabled": True, "fields": fields or EVERY_FIELD_EDITABLE}
    response = client.patch("/api/account-center", json=body, headers=admin_headers(client))
    assert response.status_code == 200, response.text


def open_interaction(client: TestClient, scope: str = USER_SCOPE) -> str:
    """`/oidc/auth` for demo-web as a browser opens it; returns the PKCE verifier."""
    verifier = secrets.token_urlsafe(32)
    query = {
        "client_id": DEMO_WEB[0],
        "redirect_uri": DEMO_CALLBACK,
        "response_type": "code",
        "scope": scope,
        "state": "s",
        "prompt": "consent",
        "code_challenge": pkce_challenge(verifier),
        "code_challenge_method": "S256",
    }
    response = client.get("/oidc/auth?" + urlencode(query), follow_redirects=False)
    assert response.status_code == 303, response.text
    return verifier


def finish(client: TestClient, redirect_to: str, verifier: str) -> dict[str, Any]:
    """Follow `redirectTo` to the callback and exchange the code: the token response."""
    callback = follow_to_callback(client, redirect_to, DEMO_CALLBACK)
    response = client.post(
        "/oidc/token",
        data={
            "grant_type": "authorization_code",
            "code": query_of(callback)["code"],
            "redirect_uri": DEMO_CALLBACK,
            "code_verifier": verifier,
        },
        auth=DEMO_WEB,
    )
    assert response.status_code == 200, response.text
    tokens: dict[str, Any] = response.json()
    return tokens


def latest_code(client: TestClient, address: str) -> str:
    """The code the capturing connector last received for `address` (via the control API)."""
    messages = client.get("/__mock/messages", params={"to": address}).json()
    assert messages, f"no message to {address}"
    code: str = messages[-1]["code"]
    return code


def send_and_verify_code(client: TestClient, email: str, event: str) -> str:
    """Experience API: send a code to `email`, read it, verify it; the verification id."""
    sent = client.post(
        "/api/experience/verification/verification-code",
        json={"identifier": {"type": "email", "value": email}, "interactionEvent": event},
    )
    assert sent.status_code == 200, sent.text
    verification_id: str = sent.json()["verificationId"]
    verified = client.post(
        "/api/experience/verification/verification-code/verify",
        json={
            "identifier": {"type": "email", "value": email},
            "verificationId": verification_id,
            "code": latest_code(client, email),
        },
    )
    assert verified.status_code == 200, verified.text
    return verification_id


def bearer(token: str, verification: str | None = None) -> dict[str, str]:
    """The Account API's headers: the user's opaque token, and a verification record."""
    headers = {"Authorization": f"Bearer {token}"}
    if verification is not None:
        headers["logto-verification-id"] = verification
    return headers
