"""User sign-in beyond the recordings: each error path with Logto's whole answer, expiry by the
injected clock, rotation of public clients' refresh tokens, the sign-in shortcuts and page,
sessions and logout. Runs on the demo tenant (fixtures/default.yaml).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx2
import pytest
from starlette.testclient import TestClient

from mock_logto.app import create_app
from mock_logto.errors import MockLogtoError

from .support.apps import ClientFactory, Clock, make_settings, tenant_of
from .support.errors import invalid_request, invalid_target, logto_error
from .support.paths import DEMO_FIXTURE
from .support.sign_in import (
    VERIFIER,
    auth_params,
    code_for,
    exchange,
    query_of,
    refresh,
)
from .support.tenants import DEMO_CALLBACK as WEB_CALLBACK
from .support.tenants import DEMO_WEB as WEB
from .support.tenants import ISSUER
from .support.verify import decode_unverified

SPA_CALLBACK = "http://localhost:5173/callback"
INVALID_GRANT = {
    "code": "oidc.invalid_grant",
    "message": "Grant request is invalid.",
    "error_uri": "https://openid.sh/debug/invalid_grant",
    "error": "invalid_grant",
    "error_description": "grant request is invalid",
}


@pytest.fixture
def clock() -> Clock:
    """The server's clock, at the wall clock's time until the test moves it."""
    return Clock()


@pytest.fixture
def demo(make_client: ClientFactory, clock: Clock) -> TestClient:
    """The demo tenant at the test's clock, redirects not followed."""
    client = make_client(DEMO_FIXTURE, clock=clock)
    client.follow_redirects = False
    return client


# --------------------------------------------------------------------------- /oidc/auth


def test_missing_client_id_is_shown_not_redirected(demo: TestClient) -> None:
    response = demo.get("/oidc/auth", params=auth_params(client_id=None))
    assert response.status_code == 400
    assert response.json() == {
        **invalid_request("missing required parameter 'client_id'"),
        "state": "st",
        "iss": ISSUER,
    }
    assert response.headers["cache-control"] == "no-store"


def test_machine_to_machine_apps_cannot_sign_users_in(demo: TestClient) -> None:
    response = demo.get("/oidc/auth", params=auth_params(client_id="demo-m2m", state=None))
    assert response.status_code == 400
    assert response.json() == {
        **invalid_request("requested response_type is not allowed for this client"),
        "iss": ISSUER,
    }


@pytest.mark.parametrize(
    ("overrides", "error", "description"),
    [
        (
            {
                "client_id": "demo-spa",
                "redirect_uri": SPA_CALLBACK,
                "code_challenge": None,
                "code_challenge_method": None,
            },
            "invalid_request",
            "Authorization Server policy requires PKCE to be used for this request",
        ),
        ({"prompt": "none login"}, "invalid_request", "prompt none must only be used alone"),
        ({"prompt": "select_account"}, "invalid_request", "unsupported prompt value requested"),
        (
            {"code_challenge": "short"},
            "invalid_request",
            "code_challenge must be a string with a minimum length of 43 characters",
        ),
        (
            {"code_challenge_method": None},
            "invalid_request",
            "plain code_challenge_method fallback disabled, code_challenge_method must be provided",
        ),
        (
            {"response_mode": "jwt"},
            "unsupported_response_mode",
            "unsupported response_mode requested",
        ),
        ({"resource": "not a uri"}, "invalid_target", "resource indicator must be an absolute URI"),
    ],
)
def test_errors_after_the_redirect_uri_is_known_are_redirected(
    demo: TestClient, overrides: dict[str, Any], error: str, description: str
) -> None:
    params = auth_params(**overrides)
    response = demo.get("/oidc/auth", params=params)
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith(params["redirect_uri"] + "?")
    assert query_of(location) == {
        "error": error,
        "error_description": description,
        "state": "st",
        "iss": ISSUER,
    }
    assert response.text == f"Redirecting to {location.replace('&', '&amp;')}."


def test_errors_for_token_response_types_go_in_the_fragment(demo: TestClient) -> None:
    response = demo.get("/oidc/auth", params=auth_params(response_type="code id_token"))
    assert response.status_code == 303
    assert query_of(response.headers["location"], fragment=True) == {
        "error": "invalid_request",
        "error_description": "requested response_type is not allowed for this client",
        "state": "st",
        "iss": ISSUER,
    }


def test_offline_access_needs_prompt_consent(demo: TestClient) -> None:
    code = code_for(demo, prompt="login")
    body = exchange(demo, code).json()
    assert "refresh_token" not in body
    assert body["scope"] == "openid profile email"


def test_login_hint_signs_in_by_email_and_returns_state_and_iss(demo: TestClient) -> None:
    response = demo.get("/oidc/auth", params=auth_params(login_hint="BOB@example.com"))
    query = query_of(response.headers["location"])
    assert set(query) == {"code", "state", "iss"} and query["iss"] == ISSUER
    claims = decode_unverified(exchange(demo, query["code"]).json()["id_token"])[1]
    assert claims["sub"] == "user-bob"


def test_auto_sign_in_setting(make_client: ClientFactory) -> None:
    client = make_client(DEMO_FIXTURE, auto_sign_in="bob")
    response = client.get("/oidc/auth", params=auth_params(), follow_redirects=False)
    assert response.headers["location"].startswith(WEB_CALLBACK + "?code=")
    with pytest.raises(MockLogtoError, match="auto_sign_in: no fixture user .* 'carol'"):
        create_app(make_settings(fixtures=DEMO_FIXTURE, auto_sign_in="carol"))


def test_a_session_skips_the_sign_in_page_until_prompt_login(demo: TestClient) -> None:
    code_for(demo)  # signs alice in and sets the session cookie
    again = demo.get("/oidc/auth", params=auth_params())
    assert again.headers["location"] == "/consent?app_id=demo-web"
    consent = demo.get("/consent")
    assert consent.status_code == 302
    callback = demo.get(consent.headers["location"]).headers["location"]
    assert callback.startswith(WEB_CALLBACK + "?code=")
    forced = demo.get("/oidc/auth", params=auth_params(prompt="login consent"))
    assert forced.headers["location"] == "/sign-in?app_id=demo-web"


# --------------------------------------------------------------------------- sign-in page


def test_sign_in_page_lists_users_and_rejects_a_wrong_password(demo: TestClient) -> None:
    assert demo.get("/sign-in").status_code == 400  # no interaction yet
    demo.get("/oidc/auth", params=auth_params())
    page = demo.get("/sign-in?app_id=demo-web")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "<strong>Demo web app</strong>" in page.text
    assert re.findall(r'name="user_id" value="([^"]+)"', page.text) == ["user-alice", "user-bob"]
    wrong = demo.post("/sign-in", data={"identifier": "alice", "password": "nope"})
    assert wrong.status_code == 422
    assert "Incorrect account or password. Please check your input." in wrong.text
    right = demo.post("/sign-in", data={"identifier": "alice", "password": "alice-password"})
    assert right.status_code == 303
    assert right.headers["location"].startswith(f"{ISSUER}/auth/")


# --------------------------------------------------------------------------- Experience API


def test_experience_api_errors(demo: TestClient) -> None:
    demo.get("/oidc/auth", params=auth_params())
    early = demo.post("/api/experience/identification", json={"verificationId": "x"})
    assert (early.status_code, early.json()) == (
        404,
        {
            "code": "session.interaction_not_found",
            "message": "Interaction session not found. Please go back and start the session again.",
        },
    )
    invalid = demo.put("/api/experience", json={"interactionEvent": "LogIn"})
    assert invalid.status_code == 400
    assert invalid.json() == {
        "code": "guard.invalid_input",
        "data": {
            "issues": [
                {
                    "received": "LogIn",
                    "code": "invalid_enum_value",
                    "options": ["SignIn", "Register", "ForgotPassword"],
                    "path": ["interactionEvent"],
                    "message": "Invalid enum value. Expected 'SignIn' | 'Register' | "
                    "'ForgotPassword', received 'LogIn'",
                }
            ],
            "name": "ZodError",
        },
        "details": 'Error in key path "interactionEvent": (invalid_enum_value) Invalid enum '
        "value. Expected 'SignIn' | 'Register' | 'ForgotPassword', received 'LogIn'",
        "message": "The request body is invalid.",
    }
    assert demo.put("/api/experience", json={"interactionEvent": "Register"}).status_code == 204
    assert demo.put("/api/experience", json={"interactionEvent": "SignIn"}).status_code == 204
    missing = demo.post("/api/experience/verification/password", json={"identifier": {}})
    assert missing.json()["data"]["issues"] == [
        {
            "code": "invalid_type",
            "expected": "string",
            "received": "undefined",
            "path": ["identifier", "type"],
            "message": "Required",
        }
    ]
    unknown = demo.post("/api/experience/identification", json={"verificationId": "nope"})
    assert (unknown.status_code, unknown.json()) == (
        404,
        {
            "code": "session.verification_session_not_found",
            "message": "The verification was not successful. Restart the verification flow and "
            "try again.",
        },
    )


# --------------------------------------------------------------------------- authorization_code


def test_code_expires_after_60_seconds(demo: TestClient, clock: Clock) -> None:
    code = code_for(demo)
    clock.now += 61
    response = exchange(demo, code)
    assert (response.status_code, response.json()) == (400, INVALID_GRANT)


@pytest.mark.parametrize(
    "extra",
    [
        {"redirect_uri": "http://localhost:3000/other"},
        {"code_verifier": "w" * 43},
    ],
)
def test_code_exchange_mismatches_are_invalid_grant(
    demo: TestClient, extra: dict[str, str]
) -> None:
    response = exchange(demo, code_for(demo), **extra)
    assert (response.status_code, response.json()) == (400, INVALID_GRANT)


def test_code_verifier_is_required_when_a_challenge_was_sent(demo: TestClient) -> None:
    data = {
        "grant_type": "authorization_code",
        "code": code_for(demo),
        "redirect_uri": WEB_CALLBACK,
    }
    response = demo.post("/oidc/token", data=data, auth=WEB)
    assert (response.status_code, response.json()) == (400, INVALID_GRANT)


def test_malformed_code_verifier_is_invalid_request(demo: TestClient) -> None:
    response = exchange(demo, code_for(demo), code_verifier="short")
    assert (response.status_code, response.json()) == (
        400,
        invalid_request("code_verifier must be a string with a minimum length of 43 characters"),
    )


def test_a_code_belongs_to_its_client(demo: TestClient) -> None:
    code = code_for(demo, client_id="demo-spa", redirect_uri=SPA_CALLBACK)
    response = exchange(demo, code)
    assert (response.status_code, response.json()) == (400, INVALID_GRANT)


def test_resource_not_requested_at_sign_in_is_invalid_target(demo: TestClient) -> None:
    response = exchange(demo, code_for(demo), resource="https://api.example.com")
    assert (response.status_code, response.json()) == (
        400,
        invalid_target("resource indicator is missing, or unknown"),
    )


# --------------------------------------------------------------------------- refresh_token


def spa_tokens(client: TestClient) -> dict[str, Any]:
    code = code_for(client, client_id="demo-spa", redirect_uri=SPA_CALLBACK)
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": SPA_CALLBACK,
        "code_verifier": VERIFIER,
        "client_id": "demo-spa",
    }
    response = client.post("/oidc/token", data=data)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def spa_refresh(client: TestClient, token: str) -> httpx2.Response:
    data = {"grant_type": "refresh_token", "refresh_token": token, "client_id": "demo-spa"}
    return client.post("/oidc/token", data=data)


def test_public_clients_rotate_with_a_3_second_reuse_leeway(demo: TestClient, clock: Clock) -> None:
    first = spa_tokens(demo)["refresh_token"]
    second = spa_refresh(demo, first).json()["refresh_token"]
    assert second != first
    clock.now += 3
    assert spa_refresh(demo, first).status_code == 200  # within the leeway, which restarts
    clock.now += 4
    reused = spa_refresh(demo, first)
    assert (reused.status_code, reused.json()) == (400, INVALID_GRANT)
    # Reuse revoked the whole grant: the rotated token is dead too.
    assert spa_refresh(demo, second).json() == INVALID_GRANT


def test_confidential_clients_rotate_after_70_percent_of_the_lifetime(
    demo: TestClient, clock: Clock
) -> None:
    token = exchange(demo, code_for(demo)).json()["refresh_token"]
    assert refresh(demo, token).json()["refresh_token"] == token
    clock.now += int(0.7 * 14 * 24 * 3600) + 1
    rotated = refresh(demo, token).json()["refresh_token"]
    assert rotated != token


def test_refresh_tokens_expire_after_14_days(demo: TestClient, clock: Clock) -> None:
    token = exchange(demo, code_for(demo)).json()["refresh_token"]
    clock.now += 14 * 24 * 3600
    assert refresh(demo, token).json() == INVALID_GRANT


def test_a_suspended_user_cannot_refresh(demo: TestClient) -> None:
    token = exchange(demo, code_for(demo)).json()["refresh_token"]
    tenant_of(demo).users["user-alice"].is_suspended = True
    assert refresh(demo, token).json() == INVALID_GRANT


def test_narrowing_to_several_missing_scopes_names_them_all(demo: TestClient) -> None:
    token = exchange(demo, code_for(demo)).json()["refresh_token"]
    response = refresh(demo, token, scope="openid phone address")
    assert (response.status_code, response.json()) == (
        400,
        {
            **logto_error(
                "invalid_scope",
                "Invalid scope: {{error_description}}.",
                "refresh token missing requested scopes",
            ),
            "scope": "phone address",
        },
    )


def test_narrowed_scope_drops_id_token_claims(demo: TestClient) -> None:
    token = exchange(demo, code_for(demo)).json()["refresh_token"]
    body = refresh(demo, token, scope="openid email").json()
    assert body["scope"] == "openid email"
    claims = decode_unverified(body["id_token"])[1]
    assert list(claims) == ["sub", "email", "email_verified", "at_hash", "aud", "exp", "iat", "iss"]


# --------------------------------------------------------------------------- /oidc/me, tokens


def test_userinfo_without_openid_is_insufficient_scope(demo: TestClient) -> None:
    pat_token = exchange(demo, code_for(demo, scope="profile")).json()["access_token"]
    response = demo.get("/oidc/me", headers={"Authorization": f"Bearer {pat_token}"})
    assert response.status_code == 403
    assert response.json() == {
        **logto_error(
            "insufficient_scope",
            "Token missing scope `{{scope}}`.",
            "access token missing openid scope",
        ),
        "scope": "openid",
    }
    assert response.headers["www-authenticate"] == (
        f'Bearer realm="{ISSUER}", error="insufficient_scope", '
        'error_description="access token missing openid scope"'
    )


def test_userinfo_etag_and_access_token_in_the_body(demo: TestClient) -> None:
    token = exchange(demo, code_for(demo)).json()["access_token"]
    first = demo.post("/oidc/me", data={"access_token": token})
    assert first.json() == {
        "sub": "user-alice",
        "name": "Alice Demo",
        "picture": None,
        "updated_at": first.json()["updated_at"],
        "username": "alice",
        "created_at": first.json()["created_at"],
        "email": "alice@example.com",
        "email_verified": True,
    }
    cached = demo.get(
        "/oidc/me",
        headers={"Authorization": f"Bearer {token}", "If-None-Match": first.headers["etag"]},
    )
    assert cached.status_code == 304


def test_introspect_and_revoke_an_opaque_access_token(demo: TestClient, clock: Clock) -> None:
    token = exchange(demo, code_for(demo)).json()["access_token"]
    introspected = demo.post("/oidc/token/introspection", data={"token": token}, auth=WEB)
    assert introspected.json() == {
        "active": True,
        "sub": "user-alice",
        "client_id": "demo-web",
        "exp": clock.now + 3600,
        "iat": clock.now,
        "iss": ISSUER,
        "scope": "openid offline_access profile email",
        "token_type": "Bearer",
    }
    other = demo.post(
        "/oidc/token/revocation", data={"token": token}, auth=("demo-m2m", "demo-m2m-secret")
    )
    assert (other.status_code, other.text) == (200, "")
    assert demo.get("/oidc/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    revoked = demo.post("/oidc/token/revocation", data={"token": token}, auth=WEB)
    assert (revoked.status_code, revoked.text) == (200, "")
    assert "cache-control" not in revoked.headers
    assert demo.get("/oidc/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    after = demo.post("/oidc/token/introspection", data={"token": token}, auth=WEB)
    assert after.json() == {"active": False}


# --------------------------------------------------------------------------- token exchange


def _exchange_tenant(tmp_path: Path) -> Path:
    """The demo tenant with token exchange allowed for demo-web and two PATs for bob."""
    fixture = tmp_path / "exchange.yaml"
    fixture.write_text(
        DEMO_FIXTURE.read_text()
        .replace(
            '    postLogoutRedirectUris: ["http://localhost:3000/"]',
            '    postLogoutRedirectUris: ["http://localhost:3000/"]\n'
            "    customClientMetadata: { allowTokenExchange: true }",
        )
        .replace(
            "    roles: [items-reader]",
            "    roles: [items-reader]\n    personalAccessTokens:\n"
            "      - { name: ci, value: pat_bob }\n"
            "      - { name: old, value: pat_old, expiresAt: 1000 }",
        )
    )
    return fixture


def test_token_exchange_with_an_actor_and_an_expired_pat(
    make_client: ClientFactory, tmp_path: Path
) -> None:
    client = make_client(_exchange_tenant(tmp_path))
    client.follow_redirects = False
    actor = exchange(client, code_for(client)).json()["access_token"]
    data = {
        "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
        "subject_token": "pat_bob",
        "subject_token_type": "urn:logto:token-type:personal_access_token",
        "resource": "https://api.example.com",
        "scope": "read:items write:items",
        "actor_token": actor,
        "actor_token_type": "urn:ietf:params:oauth:token-type:access_token",
    }
    body = client.post("/oidc/token", data=data, auth=WEB).json()
    assert body["scope"] == "read:items"
    claims = decode_unverified(body["access_token"])[1]
    assert list(claims)[0] == "act" and claims["act"] == {"sub": "user-alice"}
    assert claims["sub"] == "user-bob"
    expired = client.post(
        "/oidc/token", data={**data, "subject_token": "pat_old", "actor_token": ""}, auth=WEB
    )
    assert (expired.status_code, expired.json()) == (400, INVALID_GRANT)


@pytest.mark.parametrize("enabled", [False, True])
def test_access_token_subject_tokens_need_logtos_access_token_exchange_switch(
    make_client: ClientFactory, tmp_path: Path, enabled: bool
) -> None:
    """Logto OSS refuses a non-`sub_` access token as subject unless access-token exchange is on."""
    client = make_client(_exchange_tenant(tmp_path), access_token_exchange=enabled)
    client.follow_redirects = False
    subject = exchange(client, code_for(client)).json()["access_token"]
    data = {
        "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
        "subject_token": subject,
        "subject_token_type": "urn:ietf:params:oauth:token-type:access_token",
        "scope": "openid",
    }
    response = client.post("/oidc/token", data=data, auth=WEB)
    if not enabled:
        assert (response.status_code, response.json()) == (400, INVALID_GRANT)
        return
    body = response.json()
    assert response.status_code == 200, body
    assert (body["scope"], body["token_type"], body["expires_in"]) == ("openid", "Bearer", 3600)
    me = client.get("/oidc/me", headers={"Authorization": "Bearer " + body["access_token"]})
    assert me.json() == {"sub": "user-alice"}


# --------------------------------------------------------------------------- end session


def test_logout_redirects_with_state_and_ends_the_session(demo: TestClient) -> None:
    code_for(demo)
    query = urlencode(
        {
            "client_id": "demo-web",
            "post_logout_redirect_uri": "http://localhost:3000/",
            "state": "bye",
        }
    )
    form = demo.get(f"/oidc/session/end?{query}")
    assert form.status_code == 200
    xsrf = re.search(r'name="xsrf" value="([0-9a-f]+)"', form.text)
    assert xsrf is not None
    forged = demo.post("/oidc/session/end/confirm", data={"xsrf": "0" * 48, "logout": "yes"})
    assert (forged.status_code, forged.json()) == (400, invalid_request("xsrf token invalid"))
    done = demo.post("/oidc/session/end/confirm", data={"xsrf": xsrf.group(1), "logout": "yes"})
    assert done.status_code == 303
    assert done.headers["location"] == "http://localhost:3000/?state=bye"
    after = demo.get("/oidc/auth", params=auth_params())
    assert after.headers["location"] == "/sign-in?app_id=demo-web"
