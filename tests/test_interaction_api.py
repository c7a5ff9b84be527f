"""Logto's built-in `demo-app` client and the legacy Interaction API (`/api/interaction`).

As Logto v1.37.0 has them (core/oidc/adapter.ts, core/routes/interaction/index.ts) and as its
own integration tests use them (`MockClient` signs in as `demo-app` through
`PUT /api/interaction` and `POST /api/interaction/submit`).
"""

from __future__ import annotations

import json
from typing import Any

import httpx2
import pytest
from starlette.testclient import TestClient

from mock_logto.models import Hook, User
from mock_logto.ops import users

from .support.apps import ClientFactory, Clock, tenant_of
from .support.errors import invalid_request
from .support.golden2 import runtime_of as runtime_of_client
from .support.paths import DEMO_FIXTURE
from .support.sign_in import VERIFIER, pkce_challenge, query_of
from .support.tenants import BASE_URL, ISSUER
from .support.verify import verify_access_token

DEMO_APP_URI = f"{BASE_URL}/demo-app"

SESSION_NOT_FOUND = {
    "code": "session.not_found",
    "message": "Session not found. Please go back and sign in again.",
    "error": "invalid_request",
    "error_description": "interaction session not found",
}
INVALID_CREDENTIALS = {
    "code": "session.invalid_credentials",
    "message": "Incorrect account or password. Please check your input.",
}
METHOD_NOT_ENABLED = {
    "code": "user.sign_in_method_not_enabled",
    "message": "This sign-in method is not enabled.",
}
NO_STORAGE = {
    "code": "session.verification_session_not_found",
    "message": "The verification was not successful. Restart the verification flow and try again.",
}


@pytest.fixture
def demo(make_client: ClientFactory) -> TestClient:
    """The demo tenant on the wall clock (the cookie jar expires cookies by it)."""
    client = make_client(DEMO_FIXTURE, clock=Clock())
    client.follow_redirects = False
    return client


def _auth_params(**overrides: str) -> dict[str, str]:
    params = {
        "client_id": "demo-app",
        "redirect_uri": DEMO_APP_URI,
        "response_type": "code",
        "scope": "openid profile offline_access",
        "prompt": "consent",
        "state": "st",
        "code_challenge": pkce_challenge(VERIFIER),
        "code_challenge_method": "S256",
    }
    params.update(overrides)
    return params


def _start(client: httpx2.Client, **overrides: str) -> httpx2.Response:
    """`MockClient.initSession`: the authorization request, expected to go to `/sign-in`."""
    response = client.get("/oidc/auth", params=_auth_params(**overrides))
    assert response.status_code == 303, response.text
    return response


def _to_callback(client: httpx2.Client, redirect_to: str) -> str:
    """`MockClient.processSession`: resume, consent, resume; the callback URL."""
    resumed = client.get(redirect_to)
    assert (resumed.status_code, resumed.headers["location"]) == (303, "/consent?app_id=demo-app")
    consented = client.get("/consent")
    assert consented.headers["location"].startswith(f"{ISSUER}/auth/")
    done = client.get(consented.headers["location"])
    assert done.status_code == 303
    callback: str = done.headers["location"]
    return callback


def _sign_in(client: httpx2.Client, identifier: dict[str, str]) -> str:
    put = client.put("/api/interaction", json={"event": "SignIn", "identifier": identifier})
    assert (put.status_code, put.content) == (204, b"")
    submitted = client.post("/api/interaction/submit")
    assert submitted.status_code == 200, submitted.text
    body: dict[str, Any] = submitted.json()
    assert list(body) == ["redirectTo"]
    assert body["redirectTo"].startswith(f"{ISSUER}/auth/")
    return _to_callback(client, body["redirectTo"])


def _tokens(client: httpx2.Client, callback: str) -> dict[str, Any]:
    assert callback.startswith(DEMO_APP_URI + "?")
    params = query_of(callback)
    assert (params["state"], params["iss"]) == ("st", ISSUER)
    response = client.post(
        "/oidc/token",
        data={
            "grant_type": "authorization_code",
            "code": params["code"],
            "client_id": "demo-app",
            "redirect_uri": DEMO_APP_URI,
            "code_verifier": VERIFIER,
        },
    )
    assert response.status_code == 200, response.text
    tokens: dict[str, Any] = response.json()
    return tokens


def _id_claims(client: httpx2.Client, tokens: dict[str, Any]) -> dict[str, Any]:
    """The ID token's claims, verified against the published keys only."""
    jwks = client.get("/oidc/jwks").json()
    return verify_access_token(tokens["id_token"], jwks, issuer=ISSUER, audience="demo-app")


def _enable_all_password_methods(client: TestClient) -> None:
    """The suite's `enableAllPasswordSignInMethods`, behind the API."""
    tenant_of(client).sign_in_experience["signIn"]["methods"] = [
        {"identifier": kind, "password": True, "verificationCode": False, "isPasswordPrimary": True}
        for kind in ("username", "email", "phone")
    ]


# --------------------------------------------------------------------------- demo-app


def test_demo_app_signs_in_with_its_redirect_uri_under_the_public_url(demo: TestClient) -> None:
    response = _start(demo)
    assert response.headers["location"] == "/sign-in?app_id=demo-app"
    tokens = _tokens(demo, _sign_in(demo, {"username": "alice", "password": "alice-password"}))
    assert list(tokens) == [
        "access_token",
        "expires_in",
        "id_token",
        "refresh_token",
        "scope",
        "token_type",
    ]
    claims = _id_claims(demo, tokens)
    assert claims["sub"] == "user-alice"
    refreshed = demo.post(
        "/oidc/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": tokens["refresh_token"],
            "client_id": "demo-app",
        },
    )
    assert refreshed.status_code == 200, refreshed.text


def test_demo_app_follows_the_public_url(make_client: ClientFactory) -> None:
    client = make_client(DEMO_FIXTURE, clock=Clock(), public_url="http://127.0.0.1:4555")
    client.follow_redirects = False
    foreign = client.get("/oidc/auth", params=_auth_params())
    assert foreign.status_code == 400
    assert foreign.json()["error"] == "invalid_redirect_uri"
    own = client.get(
        "/oidc/auth", params=_auth_params(redirect_uri="http://127.0.0.1:4555/demo-app")
    )
    assert (own.status_code, own.headers["location"]) == (303, "/sign-in?app_id=demo-app")


def test_demo_app_is_never_listed(demo: TestClient) -> None:
    tenant = tenant_of(demo)
    assert "demo-app" not in tenant.applications
    token = demo.post(
        "/oidc/token",
        auth=("demo-admin", "demo-admin-secret"),
        data={
            "grant_type": "client_credentials",
            "resource": "https://default.logto.app/api",
            "scope": "all",
        },
    ).json()["access_token"]
    listed = demo.get("/api/applications", headers={"Authorization": f"Bearer {token}"})
    assert "demo-app" not in [app["id"] for app in listed.json()]


def test_demo_app_is_public_and_signs_out_to_its_own_uri(demo: TestClient) -> None:
    secret = demo.post(
        "/oidc/token",
        auth=("demo-app", "N/A"),
        data={"grant_type": "client_credentials"},
    )
    assert secret.status_code == 401
    assert secret.json()["error"] == "invalid_client"
    _start(demo)
    _sign_in(demo, {"username": "alice", "password": "alice-password"})
    end = demo.get(
        "/oidc/session/end",
        params={"client_id": "demo-app", "post_logout_redirect_uri": DEMO_APP_URI},
    )
    assert end.status_code == 200
    wrong = demo.get(
        "/oidc/session/end",
        params={"client_id": "demo-app", "post_logout_redirect_uri": "http://evil.test/"},
    )
    assert (wrong.status_code, wrong.json()) == (
        400,
        invalid_request("post_logout_redirect_uri not registered"),
    )


# --------------------------------------------------------------------------- sign-in


@pytest.mark.parametrize(
    ("identifier", "value"),
    [("username", "alice"), ("email", "alice@example.com"), ("phone", "15550100")],
)
def test_password_sign_in_by_each_identifier(demo: TestClient, identifier: str, value: str) -> None:
    _enable_all_password_methods(demo)
    tenant = tenant_of(demo)
    users.update_profile(tenant, tenant.users["user-alice"], {"primaryPhone": "15550100"})
    _start(demo)
    tokens = _tokens(demo, _sign_in(demo, {identifier: value, "password": "alice-password"}))
    claims = _id_claims(demo, tokens)
    assert claims["sub"] == "user-alice"


def test_every_route_needs_the_interaction_cookies_first(demo: TestClient) -> None:
    for method, path in [
        ("PUT", "/api/interaction"),
        ("PUT", "/api/interaction/event"),
        ("PATCH", "/api/interaction/identifiers"),
        ("PUT", "/api/interaction/profile"),
        ("PATCH", "/api/interaction/profile"),
        ("DELETE", "/api/interaction/profile"),
        ("POST", "/api/interaction/submit"),
    ]:
        response = demo.request(method, path, content=b"not json")
        assert (response.status_code, response.json()) == (400, SESSION_NOT_FOUND), path


def test_wrong_password_unknown_user_and_disabled_method(demo: TestClient) -> None:
    _start(demo)
    for identifier in (
        {"username": "alice", "password": "nope"},
        {"username": "nobody", "password": "alice-password"},
    ):
        response = demo.put("/api/interaction", json={"event": "SignIn", "identifier": identifier})
        assert (response.status_code, response.json()) == (422, INVALID_CREDENTIALS)
    # The demo tenant signs in by username only: email with a password is not enabled.
    email = {"email": "alice@example.com", "password": "alice-password"}
    response = demo.put("/api/interaction", json={"event": "SignIn", "identifier": email})
    assert (response.status_code, response.json()) == (422, METHOD_NOT_ENABLED)


def test_a_suspended_user_is_refused(demo: TestClient) -> None:
    tenant_of(demo).users["user-alice"].is_suspended = True
    _start(demo)
    identifier = {"username": "alice", "password": "alice-password"}
    response = demo.put("/api/interaction", json={"event": "SignIn", "identifier": identifier})
    assert (response.status_code, response.json()) == (
        401,
        {"code": "user.suspended", "message": "This account is suspended."},
    )


def test_a_bad_event_is_zods_enum_error(demo: TestClient) -> None:
    _start(demo)
    response = demo.put("/api/interaction", json={"event": "LogIn"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "guard.invalid_input"
    assert body["data"]["issues"][0]["path"] == ["event"]


def test_submit_without_a_result_or_an_identifier(demo: TestClient) -> None:
    _start(demo)
    response = demo.post("/api/interaction/submit")
    assert (response.status_code, response.json()) == (404, NO_STORAGE)
    assert demo.put("/api/interaction", json={"event": "SignIn"}).status_code == 204
    response = demo.post("/api/interaction/submit")
    assert (response.status_code, response.json()) == (
        404,
        {
            "code": "session.identifier_not_found",
            "message": "User identifier not found. Please go back and sign in again.",
        },
    )


def test_identifiers_patched_later_and_events_switched(demo: TestClient) -> None:
    _start(demo)
    identifier = {"username": "alice", "password": "alice-password"}
    response = demo.patch("/api/interaction/identifiers", json=identifier)
    assert (response.status_code, response.json()) == (404, NO_STORAGE)
    assert demo.put("/api/interaction", json={"event": "Register"}).status_code == 204
    assert demo.put("/api/interaction/event", json={"event": "SignIn"}).status_code == 204
    forgot = demo.put("/api/interaction/event", json={"event": "ForgotPassword"})
    assert (forgot.status_code, forgot.json()) == (
        404,
        {
            "code": "session.interaction_not_found",
            "message": "Interaction session not found. Please go back and start the session again.",
        },
    )
    assert demo.patch("/api/interaction/identifiers", json=identifier).status_code == 204
    submitted = demo.post("/api/interaction/submit")
    tokens = _tokens(demo, _to_callback(demo, submitted.json()["redirectTo"]))
    claims = _id_claims(demo, tokens)
    assert claims["sub"] == "user-alice"


def test_register_creates_the_user_and_signs_in(demo: TestClient) -> None:
    _start(demo)
    profile = {"username": "carol", "password": "carol-password"}
    assert (
        demo.put("/api/interaction", json={"event": "Register", "profile": profile}).status_code
        == 204
    )
    submitted = demo.post("/api/interaction/submit")
    assert submitted.status_code == 200, submitted.text
    tokens = _tokens(demo, _to_callback(demo, submitted.json()["redirectTo"]))
    claims = _id_claims(demo, tokens)
    user: User = tenant_of(demo).users[str(claims["sub"])]
    assert (user.username, user.password) == ("carol", "carol-password")
    assert len(user.id) == 12
    # The same username again: the tenant's uniqueness rule answers.
    _start(demo)
    demo.put("/api/interaction", json={"event": "Register", "profile": profile})
    again = demo.post("/api/interaction/submit")
    assert (again.status_code, again.json()["code"]) == (422, "user.username_already_in_use")


def test_sign_in_mode_register_forbids_sign_in(demo: TestClient) -> None:
    tenant_of(demo).sign_in_experience["signInMode"] = "Register"
    _start(demo)
    response = demo.put("/api/interaction", json={"event": "SignIn"})
    assert (response.status_code, response.json()) == (
        403,
        {
            "code": "auth.forbidden",
            "message": "Forbidden. Please check your user roles and permissions.",
        },
    )


def test_hostile_bodies_answer_400_or_501_never_500(demo: TestClient) -> None:
    _start(demo)
    cases: list[tuple[str, str, Any, int, str]] = [
        (
            "PUT",
            "/api/interaction",
            {"event": "SignIn", "identifier": 5},
            400,
            "guard.invalid_input",
        ),
        (
            "PUT",
            "/api/interaction",
            {"event": "SignIn", "identifier": {"username": 1, "password": "x"}},
            400,
            "guard.invalid_input",
        ),
        ("PUT", "/api/interaction", {"event": "SignIn", "profile": []}, 400, "guard.invalid_input"),
        ("PUT", "/api/interaction", {"event": 7}, 400, "guard.invalid_input"),
        (
            "PUT",
            "/api/interaction",
            {"event": "SignIn", "identifier": {"email": "a@b.c", "verificationCode": "123456"}},
            501,
            "mock.not_implemented",
        ),
        ("PUT", "/api/interaction", [1, 2], 400, "guard.invalid_input"),
    ]
    for method, path, body, status, code in cases:
        response = demo.request(method, path, json=body)
        assert (response.status_code, response.json()["code"]) == (status, code), body
    tenant_of(demo).sign_in_experience["signIn"] = {"methods": 5}
    identifier = {"username": "alice", "password": "alice-password"}
    response = demo.put("/api/interaction", json={"event": "SignIn", "identifier": identifier})
    assert (response.status_code, response.json()) == (422, METHOD_NOT_ENABLED)


def test_account_center_is_built_in_and_always_gets_a_refresh_token(demo: TestClient) -> None:
    account = f"{BASE_URL}/account"
    response = demo.get(
        "/oidc/auth",
        params=_auth_params(client_id="account-center", redirect_uri=account, prompt="login"),
    )
    assert (response.status_code, response.headers["location"]) == (
        303,
        "/sign-in?app_id=account-center",
    )
    put = demo.put(
        "/api/interaction",
        json={"event": "SignIn", "identifier": {"username": "alice", "password": "alice-password"}},
    )
    assert put.status_code == 204
    redirect_to = demo.post("/api/interaction/submit").json()["redirectTo"]
    resumed = demo.get(redirect_to)
    assert resumed.headers["location"] == "/consent?app_id=account-center"
    done = demo.get(demo.get("/consent").headers["location"])
    params = query_of(done.headers["location"])
    tokens = demo.post(
        "/oidc/token",
        data={
            "grant_type": "authorization_code",
            "code": params["code"],
            "client_id": "account-center",
            "redirect_uri": account,
            "code_verifier": VERIFIER,
        },
    ).json()
    assert "refresh_token" in tokens
    assert tokens["scope"] == "openid profile"


def test_sign_in_fires_post_sign_in_and_register_does_not(demo: TestClient) -> None:
    tenant_of(demo).hooks["hook-1"] = Hook(
        id="hook-1",
        name="sign-ins",
        events=["PostSignIn"],
        url="http://127.0.0.1:9/hook",
        signing_key="key",
    )
    webhooks = runtime_of_client(demo).webhooks
    _start(demo)
    _sign_in(demo, {"username": "alice", "password": "alice-password"})
    _start(demo, prompt="login")
    profile = {"username": "dave", "password": "dave-password"}
    demo.put("/api/interaction", json={"event": "Register", "profile": profile})
    assert demo.post("/api/interaction/submit").status_code == 200
    webhooks.wait()
    sent = [json.loads(delivery.body) for delivery in webhooks.deliveries()]
    assert [(body["event"], body["interactionEvent"], body["userId"]) for body in sent] == [
        ("PostSignIn", "SignIn", "user-alice")
    ]
    assert sent[0]["user"]["applicationId"] == "demo-app"
    # Logto looks the app up in its database (hook library, trySafe): no row, no `application`.
    assert "application" not in sent[0]


# --------------------------------------------------------------------------- social


def _add_social_connector(client: TestClient, *, sync_profile: bool = False) -> None:
    tenant_of(client).connectors["soc"] = {
        "id": "soc",
        "connectorId": "mock-social-connector",
        "config": {"clientId": "c", "clientSecret": "s"},
        "metadata": {},
        "syncProfile": sync_profile,
    }


SOCIAL_DATA = {"state": "foo_state", "redirectUri": "http://foo.dev/callback", "code": "c"}


def test_social_identity_is_linked_at_a_password_sign_in(demo: TestClient) -> None:
    """The suite's `createNewSocialUserWithUsernameAndPassword`, step by step."""
    _add_social_connector(demo)
    _start(demo)
    put = demo.put("/api/interaction", json={"event": "SignIn"})
    assert (put.status_code, put.content) == (204, b"")
    uri = demo.post(
        "/api/interaction/verification/social-authorization-uri",
        json={"state": "foo_state", "redirectUri": "http://foo.dev/callback", "connectorId": "soc"},
    )
    assert (uri.status_code, uri.json()) == (
        200,
        {
            "redirectTo": "http://mock-social/?state=foo_state&redirect_uri="
            "http%3A%2F%2Ffoo.dev%2Fcallback&scope=email+profile"
        },
    )
    connector_data = {**SOCIAL_DATA, "userId": "social-1"}
    patched = demo.patch(
        "/api/interaction/identifiers",
        json={"connectorId": "soc", "connectorData": connector_data},
    )
    assert (patched.status_code, patched.content) == (204, b"")
    refused = demo.post("/api/interaction/submit")
    assert (refused.status_code, refused.json()) == (
        422,
        {
            "code": "user.identity_not_exist",
            "data": {},
            "message": "The social account has not been registered yet.",
        },
    )
    password = {"username": "alice", "password": "alice-password"}
    assert demo.patch("/api/interaction/identifiers", json=password).status_code == 204
    assert demo.put("/api/interaction/profile", json={"connectorId": "soc"}).status_code == 204
    submitted = demo.post("/api/interaction/submit")
    assert submitted.status_code == 200, submitted.text
    callback = _to_callback(demo, submitted.json()["redirectTo"])
    assert _id_claims(demo, _tokens(demo, callback))["sub"] == "user-alice"
    alice = tenant_of(demo).users["user-alice"]
    assert alice.identities == {
        "mock-social": {
            "userId": "social-1",
            "details": {"id": "social-1", "rawData": connector_data},
        }
    }
    # The identity now signs alice in by itself (a syncing connector copies the social name).
    tenant_of(demo).connectors["soc"]["syncProfile"] = True
    _start(demo)
    demo.put("/api/interaction", json={"event": "SignIn"})
    again = demo.patch(
        "/api/interaction/identifiers",
        json={"connectorId": "soc", "connectorData": {**connector_data, "name": "Alice S."}},
    )
    assert again.status_code == 204
    submitted = demo.post("/api/interaction/submit")
    callback = _to_callback(demo, submitted.json()["redirectTo"])
    assert _id_claims(demo, _tokens(demo, callback))["sub"] == "user-alice"
    assert alice.name == "Alice S."


def test_social_identity_refusals(demo: TestClient) -> None:
    _add_social_connector(demo)
    _start(demo)
    uri_path = "/api/interaction/verification/social-authorization-uri"
    body = {"state": "s", "redirectUri": "http://foo.dev/cb", "connectorId": "soc"}
    assert demo.post(uri_path, json=body).json() == NO_STORAGE
    demo.put("/api/interaction", json={"event": "SignIn"})
    assert demo.post(uri_path, json={**body, "state": ""}).json() == {
        "code": "session.insufficient_info",
        "message": "Insufficient sign-in info.",
    }
    missing = demo.post(uri_path, json={**body, "connectorId": "nope"})
    assert (missing.status_code, missing.json()) == (
        404,
        {"code": "entity.not_found", "message": "The resource does not exist."},
    )
    assert demo.post(uri_path, json={"state": "s"}).json()["code"] == "guard.invalid_input"
    # A profile naming the connector without its verified identity.
    demo.patch(
        "/api/interaction/identifiers", json={"username": "alice", "password": "alice-password"}
    )
    demo.put("/api/interaction/profile", json={"connectorId": "soc"})
    submitted = demo.post("/api/interaction/submit")
    assert (submitted.status_code, submitted.json()) == (
        404,
        {
            "code": "session.connector_session_not_found",
            "message": "Connector session not found. Please go back and sign in again.",
        },
    )
    # The identity already held by another account.
    bob = users.find_by_identifier(tenant_of(demo), "bob", "username")
    assert bob is not None
    bob.identities = {"mock-social": {"userId": "taken"}}
    linked = demo.patch(
        "/api/interaction/identifiers",
        json={"connectorId": "soc", "connectorData": {**SOCIAL_DATA, "userId": "taken"}},
    )
    assert linked.status_code == 204
    submitted = demo.post("/api/interaction/submit")
    assert (submitted.status_code, submitted.json()) == (
        422,
        {
            "code": "user.identity_already_in_use",
            "message": "The social account has been associated with an existing account.",
        },
    )
    bad = demo.patch(
        "/api/interaction/identifiers", json={"connectorId": "soc", "connectorData": {"code": 5}}
    )
    assert (bad.status_code, bad.json()) == (
        400,
        {
            "code": "connector.invalid_response",
            "data": '{"code":5}',
            "message": "The connector's response is invalid.",
        },
    )


def test_hostile_social_bodies_never_500(demo: TestClient) -> None:
    _add_social_connector(demo)
    _start(demo)
    demo.put("/api/interaction", json={"event": "SignIn"})
    uri_path = "/api/interaction/verification/social-authorization-uri"
    weird: list[Any] = [None, 5, "x", [], {}, {"a": {"b": [1, None]}}, {"code": None}]
    for value in weird:
        for body in (
            value,
            {"connectorId": value, "state": "s", "redirectUri": "r"},
            {"connectorId": "soc", "state": value, "redirectUri": "r"},
            {"connectorId": "soc", "state": "s", "redirectUri": "r", "scope": value},
        ):
            response = demo.post(uri_path, json=body)
            assert response.status_code < 500, (body, response.text)
        for body in (
            {"connectorId": "soc", "connectorData": value},
            {"connectorId": value, "connectorData": {"code": "c"}},
            {"connectorId": "soc", "connectorData": {"code": "c", "userId": value}},
        ):
            response = demo.patch("/api/interaction/identifiers", json=body)
            assert response.status_code < 500, (body, response.text)
        put = demo.put("/api/interaction/profile", json={"connectorId": value})
        assert put.status_code < 500, put.text
        assert demo.post("/api/interaction/submit").status_code < 500
    missing = demo.put("/api/interaction/profile", json={"connectorId": "gone"})
    assert missing.status_code == 204
    submitted = demo.post("/api/interaction/submit")
    assert submitted.status_code < 500, submitted.text
