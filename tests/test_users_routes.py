"""The users group beyond the recordings: Logto's quirks (one test each), routes, the index.

Every quirk named here comes from Logto's source (routes/admin-user/*.ts, utils/search.ts,
queries/user.ts) and, where recorded, from golden2/users-more.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from importlib import resources
from typing import Any

import httpx2
import pytest
from starlette.testclient import TestClient

from mock_logto.loader import load_tenant
from mock_logto.management.router import SERVED
from mock_logto.models import Tenant, User
from mock_logto.ops import users

from .support.admin import as_admin
from .support.apps import ClientFactory
from .support.golden2 import runtime_of
from .support.paths import DEMO_FIXTURE
from .support.sign_in import auth_params, exchange, query_of, refresh

ROW_NOT_FOUND = {"code": "entity.not_found", "message": "The resource does not exist."}


@pytest.fixture
def live(make_client: ClientFactory) -> TestClient:
    """The demo tenant as `admin`, on the real clock (sign-in cookies must not be expired)."""
    now = int(time.time())
    client = make_client(DEMO_FIXTURE, clock=lambda: now)
    as_admin(client)
    return client


def _names(response: httpx2.Response) -> list[str | None]:
    assert response.status_code == 200, response.text
    return [u["username"] for u in response.json()]


def _create(admin: TestClient, **body: Any) -> dict[str, Any]:
    response = admin.post("/api/users", json=body)
    assert response.status_code == 200, response.text
    created: dict[str, Any] = response.json()
    return created


def _verify(client: TestClient, kind: str, value: str, password: str) -> httpx2.Response:
    """Logto's Experience API password verification in a fresh sign-in interaction."""
    started = client.get("/oidc/auth", params=auth_params(), follow_redirects=False)
    assert started.status_code == 303, started.text
    assert client.put("/api/experience", json={"interactionEvent": "SignIn"}).status_code == 204
    return client.post(
        "/api/experience/verification/password",
        json={"identifier": {"type": kind, "value": value}, "password": password},
    )


# --------------------------------------------------------------------------- search quirks


def test_like_search_adds_no_wildcards(admin: TestClient) -> None:
    assert _names(admin.get("/api/users", params={"search": "ali"})) == []
    assert _names(admin.get("/api/users", params={"search": "%ali%"})) == ["alice"]
    assert _names(admin.get("/api/users", params={"search": "alice"})) == ["alice"]


def test_underscore_is_a_like_wildcard(admin: TestClient) -> None:
    assert _names(admin.get("/api/users", params={"search.username": "_lice"})) == ["alice"]
    assert _names(admin.get("/api/users", params={"search.username": "a\\_ice"})) == []


def test_search_is_case_insensitive_unless_asked(admin: TestClient) -> None:
    query = {"search": "%ALICE%"}
    assert _names(admin.get("/api/users", params=query)) == ["alice"]
    assert _names(admin.get("/api/users", params={**query, "isCaseSensitive": "true"})) == []


def test_exact_mode_lowercases_both_sides_unless_case_sensitive(admin: TestClient) -> None:
    query = {"search.primaryEmail": "ALICE@EXAMPLE.COM", "mode.primaryEmail": "exact"}
    assert _names(admin.get("/api/users", params=query)) == ["alice"]
    assert _names(admin.get("/api/users", params={**query, "isCaseSensitive": "1"})) == []


def test_exact_mode_with_several_values_is_an_in_list(admin: TestClient) -> None:
    query: list[tuple[str, str | int | float | bool | None]] = [
        ("search.username", "alice"),
        ("search.username", "bob"),
        ("mode", "exact"),
    ]
    assert _names(admin.get("/api/users", params=query)) == ["bob", "alice"]
    like = admin.get("/api/users", params=query[:2])
    assert like.json()["message"] == (
        "Input is invalid. Only one search value is allowed when search mode is not `exact`."
    )


def test_similar_to_refuses_case_insensitive_matching(admin: TestClient) -> None:
    query = {"search.username": "(alice|bob)", "mode.username": "similar_to"}
    refused = admin.get("/api/users", params=query)
    assert (refused.status_code, refused.json()) == (
        400,
        {
            "code": "request.invalid_input",
            "data": {},
            "message": "Input is invalid. Cannot use case-insensitive match for `similar to`.",
        },
    )
    sensitive = admin.get("/api/users", params={**query, "isCaseSensitive": "true"})
    assert _names(sensitive) == ["bob", "alice"]


def test_posix_mode_searches_anywhere_in_the_value(admin: TestClient) -> None:
    query = {"search.primaryEmail": "b@ex", "mode.primaryEmail": "posix"}
    assert _names(admin.get("/api/users", params=query)) == ["bob"]


def test_legacy_joint_mode_parameter_is_honoured(admin: TestClient) -> None:
    query = {"search.username": "alice", "search.name": "%Bob%"}
    assert _names(admin.get("/api/users", params=query)) == ["bob", "alice"]
    assert _names(admin.get("/api/users", params={**query, "jointMode": "and"})) == []
    assert _names(admin.get("/api/users", params={**query, "joint": "and"})) == []


def test_a_key_starting_with_search_is_a_general_search(admin: TestClient) -> None:
    assert _names(admin.get("/api/users", params={"searchAnything": "bob"})) == ["bob"]


def test_search_fields_are_snake_cased_before_checking(admin: TestClient) -> None:
    query = {"search.primary_email": "alice@example.com"}
    assert _names(admin.get("/api/users", params=query)) == ["alice"]
    unknown = admin.get("/api/users", params={"search.customData": "x"})
    assert unknown.json()["message"] == (
        "Input is invalid. Search field `custom_data` is not valid, expect one of id, "
        "primary_email, primary_phone, username, name."
    )


def test_pagination_links_join_a_repeated_key_with_a_comma(admin: TestClient) -> None:
    query: list[tuple[str, str | int | float | bool | None]] = [
        ("search.username", "alice"),
        ("search.username", "bob"),
        ("mode", "exact"),
    ]
    response = admin.get("/api/users", params=query)
    assert response.headers.get_list("link")[0] == (
        '<http://localhost:3001/users?search.username=alice%2Cbob&mode=exact&page=1>; rel="first"'
    )


def test_exclude_role_and_organization_filters(admin: TestClient) -> None:
    roles = admin.get("/api/roles").json()
    editor = next(r["id"] for r in roles if r["name"] == "items-editor")
    assert _names(admin.get("/api/users", params={"excludeRoleId": editor})) == ["bob"]
    both = admin.get("/api/users", params={"excludeRoleId": editor, "excludeOrganizationId": "x"})
    assert (both.status_code, both.json()) == (
        400,
        {
            "code": "request.invalid_input",
            "message": "Input is invalid. Parameter `excludeRoleId` and `excludeOrganizationId` "
            "cannot be used at the same time.",
        },
    )


# --------------------------------------------------------------------------- creation quirks


def test_username_uniqueness_is_case_sensitive_email_is_not(admin: TestClient) -> None:
    assert _create(admin, username="Alice")["username"] == "Alice"
    taken = admin.post("/api/users", json={"primaryEmail": "ALICE@example.com"})
    assert (taken.status_code, taken.json()["code"]) == (422, "user.email_already_in_use")


def test_creation_checks_the_username_before_the_email(admin: TestClient) -> None:
    both = admin.post("/api/users", json={"username": "alice", "primaryEmail": "bob@example.com"})
    assert both.json()["code"] == "user.username_already_in_use"
    update = admin.patch(
        "/api/users/user-bob", json={"username": "alice", "primaryEmail": "alice@example.com"}
    )
    assert update.json()["code"] == "user.email_already_in_use"


def test_the_management_api_takes_any_password(admin: TestClient) -> None:
    assert _create(admin, username="weak", password="1")["hasPassword"] is True


def test_an_empty_body_creates_an_empty_user(admin: TestClient) -> None:
    created = _create(admin)
    assert {k: created[k] for k in ("username", "primaryEmail", "hasPassword")} == {
        "username": None,
        "primaryEmail": None,
        "hasPassword": False,
    }


def test_the_guard_reports_every_issue(admin: TestClient) -> None:
    refused = admin.post("/api/users", json={"username": "1x", "primaryEmail": 42})
    assert refused.json() == {
        "code": "guard.invalid_input",
        "data": {
            "issues": [
                {
                    "code": "invalid_type",
                    "expected": "string",
                    "received": "number",
                    "path": ["primaryEmail"],
                    "message": "Expected string, received number",
                },
                {
                    "validation": "regex",
                    "code": "invalid_string",
                    "message": "Invalid",
                    "path": ["username"],
                },
            ],
            "name": "ZodError",
        },
        "details": 'Error in key path "primaryEmail": (invalid_type) Expected string but received '
        'number.\nError in key path "username": (invalid_string) Invalid',
        "message": "The request body is invalid.",
    }


@pytest.mark.parametrize(
    ("algorithm", "digest"),
    [
        ("MD5", hashlib.md5(b"s3cret").hexdigest()),
        ("SHA1", hashlib.sha1(b"s3cret").hexdigest()),
        ("SHA256", hashlib.sha256(b"s3cret").hexdigest()),
    ],
)
def test_a_user_created_with_a_password_digest_signs_in(
    live: TestClient, algorithm: str, digest: str
) -> None:
    admin = live
    user = _create(admin, username="migrated", passwordDigest=digest, passwordAlgorithm=algorithm)
    assert user["hasPassword"] is True
    path = f"/api/users/{user['id']}/password/verify"
    assert admin.post(path, json={"password": "s3cret"}).status_code == 204
    assert admin.post(path, json={"password": "other"}).status_code == 422
    assert _verify(admin, "username", "migrated", "s3cret").status_code == 200


def test_password_and_digest_together_are_refused(admin: TestClient) -> None:
    both = admin.post("/api/users", json={"password": "a", "passwordDigest": "b"})
    assert both.json()["code"] == "user.password_and_digest"
    alone = admin.post("/api/users", json={"passwordDigest": "b"})
    assert alone.json()["code"] == "user.password_algorithm_required"


# --------------------------------------------------------------------------- update quirks


def test_custom_data_patch_merges_only_the_top_level(admin: TestClient) -> None:
    path = "/api/users/user-bob/custom-data"
    admin.patch(path, json={"customData": {"plan": "pro", "prefs": {"theme": "dark"}}})
    merged = admin.patch(path, json={"customData": {"prefs": {"lang": "en"}}})
    assert merged.json() == {"plan": "pro", "prefs": {"lang": "en"}}


def test_patch_user_replaces_custom_data_and_profile_whole(admin: TestClient) -> None:
    admin.patch("/api/users/user-bob/custom-data", json={"customData": {"a": 1}})
    admin.patch("/api/users/user-bob/profile", json={"profile": {"nickname": "B"}})
    patched = admin.patch(
        "/api/users/user-bob", json={"customData": {"b": 2}, "profile": {"locale": "en"}}
    ).json()
    assert (patched["customData"], patched["profile"]) == ({"b": 2}, {"locale": "en"})


def test_profile_patch_merges_and_drops_unknown_keys(admin: TestClient) -> None:
    path = "/api/users/user-bob/profile"
    admin.patch(path, json={"profile": {"locale": "en", "address": {"country": "NZ"}}})
    merged = admin.patch(path, json={"profile": {"givenName": "Bob", "favorite": "x"}})
    assert merged.json() == {"givenName": "Bob", "locale": "en", "address": {"country": "NZ"}}


def test_patch_user_with_an_empty_body_is_an_empty_update(admin: TestClient) -> None:
    empty = admin.patch("/api/users/user-bob", json={})
    assert (empty.status_code, empty.json()) == (
        422,
        {"code": "entity.invalid_input", "message": "Invalid input. Value list must not be empty."},
    )


def test_put_roles_does_not_check_the_role_type(admin: TestClient) -> None:
    m2m = next(r for r in admin.get("/api/roles").json() if r["type"] == "MachineToMachine")
    post = admin.post("/api/users/user-bob/roles", json={"roleIds": [m2m["id"]]})
    assert post.json()["code"] == "user.invalid_role_type"
    put = admin.put("/api/users/user-bob/roles", json={"roleIds": [m2m["id"], m2m["id"]]})
    assert (put.status_code, put.json()) == (200, {"roleIds": [m2m["id"]]})
    # The user's role list shows User roles only.
    assert admin.get("/api/users/user-bob/roles").json() == []


def test_a_missing_user_answers_entity_not_found(admin: TestClient) -> None:
    for method, path, body in (
        ("GET", "", None),
        ("PATCH", "", {"name": "x"}),
        ("GET", "/has-password", None),
        ("PATCH", "/profile", {"profile": {}}),
        ("GET", "/logto-configs", None),
        ("GET", "/mfa-verifications", None),
        ("PUT", "/roles", {"roleIds": []}),
        ("DELETE", "/roles/x", None),
        ("DELETE", "/identities/github", None),
        ("DELETE", "/personal-access-tokens/t", None),
        ("POST", "/personal-access-tokens/delete", {"name": "t"}),
    ):
        response = admin.request(method, "/api/users/nobody" + path, json=body)
        assert (response.status_code, response.json()) == (404, ROW_NOT_FOUND), path
    token = admin.post("/api/users/nobody/personal-access-tokens", json={"name": "t"})
    assert (token.status_code, token.json()["code"]) == (
        404,
        "entity.relation_foreign_key_not_found",
    )


def test_get_identities_is_405_and_sessions_are_not_a_route(admin: TestClient) -> None:
    assert admin.get("/api/users/user-bob/identities").status_code == 405
    sessions = admin.get("/api/users/user-bob/sessions")
    assert (sessions.status_code, sessions.text) == (404, "Not Found")


# --------------------------------------------------------------------------- sub-resources


def test_identities_as_data(admin: TestClient) -> None:
    path = "/api/users/user-bob/identities/github"
    created = admin.put(path, json={"userId": "gh-1", "details": {"login": "bob"}})
    assert (created.status_code, created.json()) == (
        201,
        {"github": {"userId": "gh-1", "details": {"login": "bob"}}},
    )
    assert admin.put(path, json={"userId": "gh-1"}).status_code == 200
    taken = admin.put("/api/users/user-alice/identities/github", json={"userId": "gh-1"})
    assert (taken.status_code, taken.json()["code"]) == (422, "user.identity_already_in_use")
    assert admin.get(path).json() == {"identity": {"userId": "gh-1"}}
    assert admin.get("/api/users/user-bob/all-identities").json() == {
        "socialIdentities": [{"target": "github", "identity": {"userId": "gh-1"}}],
        "ssoIdentities": [],
    }
    assert admin.delete(path).json()["identities"] == {}
    assert admin.delete(path).json()["code"] == "user.identity_not_exist"


def test_mfa_verifications_as_data(admin: TestClient) -> None:
    path = "/api/users/user-bob/mfa-verifications"
    alone = admin.post(path, json={"type": "BackupCode"})
    assert alone.json()["code"] == "session.mfa.backup_code_can_not_be_alone"
    totp = admin.post(path, json={"type": "Totp"}).json()
    assert totp["type"] == "Totp" and len(totp["secret"]) == 32
    assert totp["secretQrCode"].startswith("data:image/png;base64,")
    assert admin.post(path, json={"type": "Totp"}).json()["code"] == "user.totp_already_in_use"
    codes = admin.post(path, json={"type": "BackupCode"}).json()["codes"]
    assert len(codes) == 10 and all(len(c) == 10 for c in codes)
    listed = admin.get(path).json()
    assert [(v["type"], v.get("remainCodes")) for v in listed] == [
        ("Totp", None),
        ("BackupCode", 10),
    ]
    assert admin.delete(f"{path}/{listed[0]['id']}").status_code == 204
    assert admin.delete(f"{path}/{listed[0]['id']}").json() == ROW_NOT_FOUND


def test_logto_configs_need_both_objects(admin: TestClient) -> None:
    path = "/api/users/user-bob/logto-configs"
    assert admin.get(path).json() == {
        "mfa": {"skipped": False, "skipMfaOnSignIn": False},
        "passkeySignIn": {"skipped": False},
    }
    partial = admin.patch(path, json={"mfa": {"skipped": True, "skipMfaOnSignIn": False}})
    assert partial.json()["data"]["issues"][0]["path"] == ["passkeySignIn"]
    body = {"mfa": {"skipped": True, "skipMfaOnSignIn": True}, "passkeySignIn": {"skipped": True}}
    assert admin.patch(path, json=body).json() == body
    assert admin.get(path).json() == body


def test_personal_access_tokens_rename_and_delete(admin: TestClient) -> None:
    path = "/api/users/user-bob/personal-access-tokens"
    admin.post(path, json={"name": "ci"})
    admin.post(path, json={"name": "cd"})
    renamed = admin.patch(path, json={"currentName": "ci", "name": "build"})
    assert renamed.json()["name"] == "build"
    legacy = admin.patch(path + "/cd", json={"name": "deploy"})
    assert legacy.json()["name"] == "deploy"
    taken = admin.patch(path, json={"currentName": "deploy", "name": "build"})
    assert taken.json()["code"] == "user.personal_access_token_name_exists"
    missing = admin.patch(path, json={"currentName": "nope", "name": "x"})
    assert (missing.status_code, missing.json()) == (
        404,
        {"code": "entity.not_exists", "message": "The personal_access_token does not exist."},
    )
    assert admin.post(path + "/delete", json={"name": "build"}).status_code == 204
    assert [t["name"] for t in admin.get(path).json()] == ["deploy"]
    past = admin.post(path, json={"name": "old", "expiresAt": 1})
    assert past.json() == {
        "code": "request.invalid_input",
        "message": "Input is invalid. The value of `expiresAt` must be in the future.",
    }


# --------------------------------------------------------------------------- the index


def test_an_email_change_is_what_sign_in_sees(live: TestClient) -> None:
    admin = live
    admin.patch("/api/users/user-bob", json={"primaryEmail": "Robert@Example.com"})
    assert _verify(admin, "email", "bob@example.com", "bob-password").status_code == 422
    assert _verify(admin, "email", "robert@example.COM", "bob-password").status_code == 200
    taken = admin.post("/api/users", json={"primaryEmail": "ROBERT@example.com"})
    assert taken.json()["code"] == "user.email_already_in_use"
    assert _create(admin, primaryEmail="bob@example.com")["primaryEmail"] == "bob@example.com"


def test_a_deleted_user_frees_identifiers_and_tokens(admin: TestClient) -> None:
    token = admin.post("/api/users/user-bob/personal-access-tokens", json={"name": "t"}).json()
    tenant = runtime_of(admin).tenant
    assert tenant.personal_access_token(token["value"]) is not None
    assert admin.delete("/api/users/user-bob").status_code == 204
    assert tenant.personal_access_token(token["value"]) is None
    assert _create(admin, username="bob", primaryEmail="bob@example.com")["username"] == "bob"


class _NoScan(dict[str, User]):
    """A users table that refuses to be scanned."""

    def values(self) -> Any:
        raise AssertionError("scanned every user")

    def __iter__(self) -> Any:
        raise AssertionError("scanned every user")


def test_lookups_and_pages_do_not_scan(make_client: ClientFactory) -> None:
    client = make_client(DEMO_FIXTURE)
    tenant = runtime_of(client).tenant
    tenant.indexed_users()
    tenant.users = _NoScan(dict.items(tenant.users))
    assert users.find_by_identifier(tenant, "ALICE@example.com") is tenant.users["user-alice"]
    assert users.find_by_identifier(tenant, "bob", "username") is tenant.users["user-bob"]
    assert [u.id for u in users.newest_first(tenant)[:1]] == ["user-bob"]
    users.identifiers_free(tenant, {"username": "carol", "primaryEmail": "c@example.com"})


def test_the_index_follows_users_added_behind_ops(make_client: ClientFactory) -> None:
    tenant = runtime_of(make_client(DEMO_FIXTURE)).tenant
    tenant.indexed_users()
    tenant.users["late"] = User(id="late", username="late", created_at=2**42)
    assert users.find_by_identifier(tenant, "late") is tenant.users["late"]
    assert users.newest_first(tenant)[0].id == "late"


def test_a_reset_restores_the_index(make_client: ClientFactory) -> None:
    client = make_client(DEMO_FIXTURE)
    runtime = runtime_of(client)
    as_admin(client)
    _create(client, username="temporary")
    runtime.reset()
    tenant: Tenant = runtime.tenant
    assert users.find_by_identifier(tenant, "temporary") is None
    assert users.find_by_identifier(tenant, "alice") is tenant.users["user-alice"]
    assert len(users.newest_first(tenant)) == len(tenant.users)


def test_loading_many_users_compares_no_identifiers_pairwise(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fixture of n users checks each identifier against the index: O(n), not O(n²).

    (Timings are in `bench/users_at_scale.py`; this counts the comparisons instead.)
    """
    compared = 0
    matches = users._matches

    def counting(attribute: str, stored: str | None, given: str) -> bool:
        nonlocal compared
        compared += 1
        return matches(attribute, stored, given)

    monkeypatch.setattr(users, "_matches", counting)
    path = tmp_path / "many.yaml"
    count = 2000
    path.write_text(
        "users:\n"
        + "".join(
            f"  - {{username: u{i}, primaryEmail: u{i}@example.com, primaryPhone: '{i}'}}\n"
            for i in range(count)
        )
    )
    tenant = load_tenant(path)
    assert len(tenant.users) == count
    assert compared <= 3 * count
    assert users.find_by_identifier(tenant, "U1999@EXAMPLE.COM") is not None


def test_every_users_operation_of_logtos_document_is_served() -> None:
    """The 34 operations under `/api/users` of Logto's OpenAPI document (v1.37.0), all served."""
    routes = resources.files("mock_logto.management").joinpath("logto_routes.json")
    logto = {
        (method, re.sub(r"\{[^}]+\}", "{}", path.removeprefix("/api")))
        for method, path in json.loads(routes.read_text())["routes"]
        if path.startswith("/api/users")
    }
    served = {(m, re.sub(r"\{[^}]+\}", "{}", p)) for m, p, _ in SERVED if p.startswith("/users")}
    assert len(logto) == 34
    assert logto == served


def test_a_user_cannot_delete_themself(make_client: ClientFactory) -> None:
    client = make_client(DEMO_FIXTURE)
    token = runtime_of(client).issue_token(
        client="demo-web", resource="https://default.logto.app/api", scopes=["all"], user="bob"
    )
    headers = {"Authorization": f"Bearer {token}"}
    refused = client.delete("/api/users/user-bob", headers=headers)
    assert (refused.status_code, refused.json()) == (
        400,
        {"code": "user.cannot_delete_self", "message": "You cannot delete yourself."},
    )
    assert client.delete("/api/users/user-alice", headers=headers).status_code == 204


def test_a_suspension_signs_the_user_out_for_good(make_client: ClientFactory) -> None:
    """Logto's `signOutUser`: tokens issued before a suspension stay dead after it is lifted."""
    admin = make_client(DEMO_FIXTURE)

    def code() -> str:
        params = auth_params(login_hint="bob", prompt="login consent")
        signed_in = admin.get("/oidc/auth", params=params, follow_redirects=False)
        return query_of(signed_in.headers["location"])["code"]

    tokens = exchange(admin, code()).json()
    assert "refresh_token" in tokens
    as_admin(admin)
    suspend = admin.patch("/api/users/user-bob/is-suspended", json={"isSuspended": True})
    assert suspend.status_code == 200
    assert (
        admin.patch("/api/users/user-bob/is-suspended", json={"isSuspended": False}).json()[
            "isSuspended"
        ]
        is False
    )
    admin.headers.pop("Authorization")
    assert refresh(admin, tokens["refresh_token"]).status_code == 400
    assert exchange(admin, code()).status_code == 200


def test_logto_configs_patch_fires_user_data_updated_with_the_user_only(admin: TestClient) -> None:
    """Logto appends `User.Data.Updated` with `{user}` alone: no path, method or status."""
    hook = admin.post(
        "/api/hooks",
        json={
            "name": "h",
            "events": ["User.Data.Updated"],
            "config": {"url": "mock://sink"},
        },
    )
    assert hook.status_code == 201
    body = {"mfa": {"skipped": True, "skipMfaOnSignIn": False}, "passkeySignIn": {"skipped": False}}
    assert admin.patch("/api/users/user-bob/logto-configs", json=body).status_code == 200
    runtime = runtime_of(admin)
    assert runtime.webhooks.wait(5)
    [delivery] = runtime.webhooks.deliveries()
    payload = json.loads(delivery.body)
    assert list(payload) == ["event", "createdAt", "userAgent", "ip", "data", "hookId"]
    user = admin.get("/api/users/user-bob").json()
    del user["hasPassword"]
    assert (payload["event"], payload["data"]) == ("User.Data.Updated", user)
