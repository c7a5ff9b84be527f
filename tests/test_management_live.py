"""What the Management API changes, the OIDC side sees next (demo tenant)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from starlette.testclient import TestClient

from .support.admin import as_admin
from .support.apps import ClientFactory
from .support.paths import DEMO_FIXTURE
from .support.sign_in import experience_sign_in, follow_to_callback, query_of
from .support.tenants import API, DEMO_WEB
from .support.tenants import DEMO_CALLBACK as CALLBACK
from .support.verify import decode_unverified


@pytest.fixture
def demo(make_client: ClientFactory) -> TestClient:
    """The demo tenant as the Management API's client (demo-admin), redirects not followed."""
    now = int(time.time())  # sign-in cookies expire by it in the client's jar
    client = make_client(DEMO_FIXTURE, clock=lambda: now)
    client.follow_redirects = False
    as_admin(client)
    return client


def sign_in_tokens(
    client: TestClient, username: str, exchange_for: str | None = None, **params: Any
) -> dict[str, Any]:
    """The login_hint shortcut, then the code exchanged by the demo web app (for a resource)."""
    query: dict[str, Any] = {
        "client_id": "demo-web",
        "redirect_uri": CALLBACK,
        "response_type": "code",
        "login_hint": username,
        **params,
    }
    location = client.get("/oidc/auth", params=query, headers={"Authorization": ""})
    code = query_of(location.headers["location"])["code"]
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK}
    if exchange_for is not None:
        data["resource"] = exchange_for
    tokens: dict[str, Any] = client.post("/oidc/token", data=data, auth=DEMO_WEB).json()
    return tokens


def role_id(client: TestClient, name: str) -> str:
    roles = client.get("/api/roles").json()
    role: str = next(r["id"] for r in roles if r["name"] == name)
    return role


def user_api_scope(client: TestClient, username: str) -> str:
    """Sign in (shortcut) asking for every items scope; the API token's scope."""
    tokens = sign_in_tokens(
        client, username, exchange_for=API, scope="openid read:items write:items", resource=API
    )
    return str(decode_unverified(tokens["access_token"])[1]["scope"])


def test_a_role_given_to_a_user_shows_in_the_next_token(demo: TestClient) -> None:
    assert user_api_scope(demo, "bob") == "read:items"
    editor = role_id(demo, "items-editor")
    added = demo.post("/api/users/user-bob/roles", json={"roleIds": [editor]})
    assert (added.status_code, added.json()) == (
        201,
        {"roleIds": [editor], "addedRoleIds": [editor]},
    )
    assert user_api_scope(demo, "bob") == "read:items write:items"
    assert demo.delete(f"/api/users/user-bob/roles/{editor}").status_code == 204
    assert user_api_scope(demo, "bob") == "read:items"


def test_a_new_m2m_app_with_a_role_gets_tokens(demo: TestClient) -> None:
    created = demo.post("/api/applications", json={"name": "worker", "type": "MachineToMachine"})
    assert created.status_code == 200
    app = created.json()
    service = role_id(demo, "items-service")
    assigned = demo.post(f"/api/applications/{app['id']}/roles", json={"roleIds": [service]})
    assert (assigned.status_code, assigned.text) == (201, "Created")
    again = demo.post(f"/api/applications/{app['id']}/roles", json={"roleIds": [service]})
    assert (again.status_code, again.json()) == (
        422,
        {
            "code": "application.role_exists",
            "message": f"The role id {service} is already been added to this application.",
        },
    )
    # Its secret is the internal one the API shows (Logto accepts it at the token endpoint).
    token = demo.post(
        "/oidc/token",
        data={"grant_type": "client_credentials", "resource": API, "scope": "read:items"},
        auth=(app["id"], app["secret"]),
        headers={"Authorization": ""},
    )
    assert token.json()["scope"] == "read:items"


def test_a_deleted_app_is_an_invalid_client(demo: TestClient) -> None:
    assert demo.delete("/api/applications/demo-m2m").status_code == 204
    response = demo.post(
        "/oidc/token",
        data={"grant_type": "client_credentials", "resource": API},
        auth=("demo-m2m", "demo-m2m-secret"),
    )
    assert (response.status_code, response.json()) == (
        400,
        {
            "code": "oidc.invalid_client",
            "message": "An OIDC error occurred: oidc.invalid_client.",
            "error": "invalid_client",
            "error_description": "invalid client demo-m2m",
        },
    )
    assert demo.get("/api/applications/demo-m2m").status_code == 404


def test_a_new_user_signs_in_and_a_deleted_one_cannot(demo: TestClient) -> None:
    created = demo.post(
        "/api/users",
        json={"username": "carol", "password": "carol-pw", "primaryEmail": "carol@example.com"},
    )
    assert created.status_code == 200
    carol = created.json()
    assert (carol["username"], carol["hasPassword"], carol["lastSignInAt"]) == ("carol", True, None)
    # Usernames are unique case-sensitively in Logto (golden-2/users-more/004): same spelling.
    duplicate = demo.post("/api/users", json={"username": "carol"})
    assert (duplicate.status_code, duplicate.json()) == (
        422,
        {"code": "user.username_already_in_use", "message": "This username is already in use."},
    )
    # A new tenant signs in by username only, as Logto's: enable email and password first.
    methods = [
        {"identifier": i, "password": True, "verificationCode": False, "isPasswordPrimary": True}
        for i in ("username", "email")
    ]
    assert demo.patch("/api/sign-in-exp", json={"signIn": {"methods": methods}}).status_code == 200
    demo.get(
        "/oidc/auth",
        params={
            "client_id": "demo-web",
            "redirect_uri": CALLBACK,
            "response_type": "code",
            "scope": "openid",
        },
        headers={"Authorization": ""},
    )
    resume = experience_sign_in(demo, "carol@example.com", "carol-pw", kind="email")
    url = follow_to_callback(demo, resume, CALLBACK, headers={"Authorization": ""})
    tokens = demo.post(
        "/oidc/token",
        data={
            "grant_type": "authorization_code",
            "code": query_of(url)["code"],
            "redirect_uri": CALLBACK,
        },
        auth=DEMO_WEB,
    ).json()
    assert decode_unverified(tokens["id_token"])[1]["sub"] == carol["id"]
    assert demo.get(f"/api/users/{carol['id']}").json()["lastSignInAt"] is not None

    demo.get(
        "/oidc/auth",
        params={
            "client_id": "demo-web",
            "redirect_uri": CALLBACK,
            "response_type": "code",
            "scope": "openid",
            "prompt": "login",
        },
        headers={"Authorization": ""},
    )
    demo.put("/api/experience", json={"interactionEvent": "SignIn"})
    assert demo.delete(f"/api/users/{carol['id']}").status_code == 204
    gone = demo.post(
        "/api/experience/verification/password",
        json={
            "identifier": {"type": "email", "value": "carol@example.com"},
            "password": "carol-pw",
        },
    )
    assert (gone.status_code, gone.json()) == (
        422,
        {
            "code": "session.invalid_credentials",
            "message": "Incorrect account or password. Please check your input.",
        },
    )


def test_role_type_rules(demo: TestClient) -> None:
    service = role_id(demo, "items-service")
    to_user = demo.post("/api/users/user-bob/roles", json={"roleIds": [service]})
    assert (to_user.status_code, to_user.json()) == (
        422,
        {
            "code": "user.invalid_role_type",
            "message": "Invalid role type, can not assign machine-to-machine role to user.",
        },
    )
    to_web = demo.post("/api/applications/demo-web/roles", json={"roleIds": [service]})
    assert (to_web.status_code, to_web.json()) == (
        422,
        {
            "code": "application.invalid_type",
            "message": "Only machine to machine applications can have associated roles.",
        },
    )
    unknown = demo.post("/api/applications/demo-m2m/roles", json={"roleIds": ["nope"]})
    assert (unknown.status_code, unknown.json()) == (
        404,
        {
            "code": "entity.not_exists_with_id",
            "message": "The roles with ID `nope` does not exist.",
        },
    )


def test_reset_brings_back_the_fixtures(demo: TestClient) -> None:
    demo.delete("/api/users/user-bob")
    demo.post("/__mock/reset")
    assert demo.get("/api/users/user-bob").status_code == 200


def test_secrets_added_and_removed_take_effect(demo: TestClient) -> None:
    made = demo.post("/api/applications/demo-m2m/secrets", json={"name": "ci"})
    assert made.status_code == 201
    secret = made.json()
    assert (secret["applicationId"], secret["name"], secret["expiresAt"]) == (
        "demo-m2m",
        "ci",
        None,
    )

    def token_status() -> int:
        return demo.post(
            "/oidc/token",
            data={"grant_type": "client_credentials", "resource": API},
            auth=("demo-m2m", secret["value"]),
        ).status_code

    assert token_status() == 200
    assert demo.delete("/api/applications/demo-m2m/secrets/ci").status_code == 204
    assert token_status() == 401


def test_organization_roles_replaced_change_the_organization_token(demo: TestClient) -> None:
    roles = {r["name"]: r["id"] for r in demo.get("/api/organization-roles").json()}
    url = "/api/organizations/org-acme/users/user-bob/roles"
    assert demo.put(url, json={"organizationRoleIds": [roles["admin"]]}).status_code == 204
    assert [r["name"] for r in demo.get(url).json()] == ["admin"]
    refresh = sign_in_tokens(
        demo,
        "bob",
        scope="openid offline_access urn:logto:scope:organizations invite:members",
        resource=["urn:logto:resource:organizations"],
        prompt="consent",
    )["refresh_token"]
    org_token = demo.post(
        "/oidc/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": refresh,
            "organization_id": "org-acme",
        },
        auth=DEMO_WEB,
    ).json()
    assert org_token["scope"] == "invite:members"  # what the admin role grants and was asked for


def test_custom_data_is_merged_and_shows_at_userinfo(demo: TestClient) -> None:
    patched = demo.patch("/api/users/user-alice/custom-data", json={"customData": {"plan": "pro"}})
    assert patched.json() == {"plan": "pro"}
    access = sign_in_tokens(demo, "alice", scope="openid custom_data")["access_token"]
    me = demo.get("/oidc/me", headers={"Authorization": f"Bearer {access}"}).json()
    assert me == {"sub": "user-alice", "custom_data": {"plan": "pro"}}
