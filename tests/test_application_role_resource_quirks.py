"""Logto's quirks in applications, roles and resources, one test each, named after the quirk.

Each follows Logto's route file (core/routes/applications/*, role*.ts, resource*.ts) and, where
one exists, the recording that shows it (golden2/entity-errors, golden2/applications-more).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from .support.apps import ClientFactory

NOT_FOUND = {"code": "entity.not_found", "message": "The resource does not exist."}
EMPTY_UPDATE = {
    "code": "entity.invalid_input",
    "message": "Invalid input. Value list must not be empty.",
}
CONSTRAINT = {"code": "entity.db_constraint_violated", "message": "Database constraint violated."}


def _role(admin: TestClient, name: str, kind: str = "MachineToMachine") -> dict[str, Any]:
    made = admin.post("/api/roles", json={"name": name, "description": name, "type": kind})
    assert made.status_code == 200, made.text
    body: dict[str, Any] = made.json()
    return body


def _resource_id(admin: TestClient) -> str:
    listed = admin.get("/api/resources").json()
    return str(next(r["id"] for r in listed if r["name"] == "Demo API"))


def test_search_like_adds_no_wildcards(admin: TestClient) -> None:
    assert admin.get("/api/applications?search=Demo%20SPA").json()[0]["id"] == "demo-spa"
    assert admin.get("/api/applications?search=SPA").json() == []
    assert [a["id"] for a in admin.get("/api/applications?search=%25spa%25").json()] == ["demo-spa"]
    assert [a["id"] for a in admin.get("/api/applications?search=demo_sp_").json()] == ["demo-spa"]
    refused = admin.get("/api/applications?search.color=x")
    assert (refused.status_code, refused.json()) == (
        400,
        {
            "code": "request.invalid_input",
            "data": {},
            "message": "Input is invalid. Search field `color` is not valid, expect one of id, "
            "name, description.",
        },
    )


def test_patch_application_ignores_type_and_is_third_party(admin: TestClient) -> None:
    patched = admin.patch(
        "/api/applications/demo-web", json={"type": "SPA", "isThirdParty": True, "foo": 1}
    )
    assert patched.status_code == 200
    assert (patched.json()["type"], patched.json()["isThirdParty"]) == ("Traditional", False)


def test_patch_application_replaces_custom_data_the_custom_data_route_merges_its_top_level(
    admin: TestClient,
) -> None:
    first = admin.patch(
        "/api/applications/demo-m2m/custom-data", json={"tier": "gold", "limits": {"rps": 1}}
    )
    assert first.json() == {"tier": "gold", "limits": {"rps": 1}}
    merged = admin.patch("/api/applications/demo-m2m/custom-data", json={"limits": {"burst": 2}})
    assert merged.json() == {"tier": "gold", "limits": {"burst": 2}}
    replaced = admin.patch("/api/applications/demo-m2m", json={"customData": {"only": True}})
    assert replaced.json()["customData"] == {"only": True}
    missing = admin.patch("/api/applications/nope/custom-data", json={"a": 1})
    assert (missing.status_code, missing.json()) == (
        404,
        {"code": "entity.not_exists", "message": "The application does not exist."},
    )


def test_roles_put_answers_422_after_replacing_when_no_role_is_new(admin: TestClient) -> None:
    extra = _role(admin, "extra")
    assert (
        admin.post("/api/applications/demo-m2m/roles", json={"roleIds": [extra["id"]]}).status_code
        == 201
    )
    held = [r["id"] for r in admin.get("/api/applications/demo-m2m/roles").json()]
    kept = [r for r in held if r != extra["id"]]
    replaced = admin.put("/api/applications/demo-m2m/roles", json={"roleIds": kept})
    assert (replaced.status_code, replaced.json()) == (422, EMPTY_UPDATE)
    assert [r["id"] for r in admin.get("/api/applications/demo-m2m/roles").json()] == kept
    again = admin.put("/api/applications/demo-m2m/roles", json={"roleIds": [extra["id"]]})
    assert (again.status_code, again.text) == (200, "OK")
    assert [r["id"] for r in admin.get("/api/applications/demo-m2m/roles").json()] == [extra["id"]]


def test_roles_of_an_application_that_is_not_machine_to_machine_answer_422(
    admin: TestClient,
) -> None:
    answer = admin.get("/api/applications/demo-web/roles")
    assert (answer.status_code, answer.json()) == (
        422,
        {
            "code": "application.invalid_type",
            "message": "Only machine to machine applications can have associated roles.",
        },
    )


def test_scopes_of_a_missing_resource_are_an_empty_list(admin: TestClient) -> None:
    answer = admin.get("/api/resources/nope/scopes")
    assert (answer.status_code, answer.json(), answer.headers["total-number"]) == (200, [], "0")


def test_resource_scopes_are_changed_by_id_whatever_resource_the_path_names(
    admin: TestClient,
) -> None:
    other = admin.post("/api/resources", json={"name": "Other", "indicator": "urn:other"})
    demo = _resource_id(admin)
    scope = admin.get(f"/api/resources/{demo}/scopes").json()[0]
    patched = admin.patch(
        f"/api/resources/{other.json()['id']}/scopes/{scope['id']}", json={"description": "x"}
    )
    assert (patched.status_code, patched.json()["resourceId"]) == (200, demo)
    missing = admin.patch(f"/api/resources/{demo}/scopes/nope", json={"description": "x"})
    assert (missing.status_code, missing.json()) == (
        404,
        {"code": "entity.not_exists", "message": "The scope does not exist."},
    )


def test_deletes_that_meet_no_row_answer_entity_not_found(admin: TestClient) -> None:
    role = _role(admin, "lonely")
    for path in (
        f"/api/roles/{role['id']}/scopes/nope",
        f"/api/roles/{role['id']}/applications/demo-m2m",
        f"/api/applications/demo-m2m/roles/{role['id']}",
        "/api/applications/demo-m2m/secrets/nope",
        f"/api/resources/{_resource_id(admin)}/scopes/nope",
    ):
        answer = admin.delete(path)
        assert (answer.status_code, answer.json()) == (404, NOT_FOUND), path


def test_a_secret_for_a_missing_application_is_the_foreign_keys_404(admin: TestClient) -> None:
    answer = admin.post("/api/applications/nope/secrets", json={"name": "x"})
    assert (answer.status_code, answer.json()["code"]) == (
        404,
        "entity.relation_foreign_key_not_found",
    )


def test_relation_tables_check_role_types_not_the_routes(admin: TestClient) -> None:
    machine = _role(admin, "machine")
    user_role = _role(admin, "people", "User")
    # A web app takes an M2M role through the role's route (only the role type is checked).
    assert (
        admin.post(
            f"/api/roles/{machine['id']}/applications", json={"applicationIds": ["demo-web"]}
        ).status_code
        == 201
    )
    assert (
        admin.post(
            f"/api/roles/{user_role['id']}/applications", json={"applicationIds": ["demo-m2m"]}
        ).json()
        == CONSTRAINT
    )
    # ... while the application's own route refuses a web app outright.
    assert admin.post(
        "/api/applications/demo-web/roles", json={"roleIds": [machine["id"]]}
    ).json() == {
        "code": "application.invalid_type",
        "message": "Only machine to machine applications can have associated roles.",
    }


def test_an_empty_patch_is_an_empty_update(admin: TestClient) -> None:
    role = _role(admin, "still")
    for path in (f"/api/roles/{role['id']}", f"/api/resources/{_resource_id(admin)}"):
        answer = admin.patch(path, json={})
        assert (answer.status_code, answer.json()) == (422, EMPTY_UPDATE), path
    # The application's PATCH answers the stored app instead (it checks for an empty body).
    assert admin.patch("/api/applications/demo-web", json={}).status_code == 200


def test_a_role_with_an_unknown_scope_exists_after_the_404(admin: TestClient) -> None:
    answer = admin.post(
        "/api/roles", json={"name": "half", "description": "d", "scopeIds": ["nope"]}
    )
    assert (answer.status_code, answer.json()) == (
        404,
        {
            "code": "entity.not_exists_with_id",
            "message": "The scopes with ID `nope` does not exist.",
        },
    )
    assert [r["name"] for r in admin.get("/api/roles?search=half").json()] == ["half"]


def test_user_consent_scopes_are_for_third_party_apps_but_readable_on_any(
    admin: TestClient,
) -> None:
    refused = admin.post("/api/applications/demo-web/user-consent-scopes", json={})
    assert (refused.status_code, refused.json()["code"]) == (
        422,
        "application.third_party_application_only",
    )
    assert admin.get("/api/applications/demo-web/user-consent-scopes").json() == {
        "organizationScopes": [],
        "resourceScopes": [],
        "organizationResourceScopes": [],
        "userScopes": [],
    }


def test_a_text_plain_body_reaches_the_guard_as_a_string(admin: TestClient) -> None:
    answer = admin.post(
        "/api/applications", content=b"name=x", headers={"Content-Type": "text/plain"}
    )
    assert answer.json()["data"]["issues"] == [
        {
            "code": "invalid_type",
            "expected": "object",
            "received": "string",
            "path": [],
            "message": "Expected object, received string",
        }
    ]


def test_per_app_sign_in_experience_is_404_until_put(admin: TestClient) -> None:
    path = "/api/applications/demo-web/sign-in-experience"
    missing = admin.get(path)
    assert (missing.status_code, missing.json()) == (
        404,
        {
            "code": "entity.not_exists_with_id",
            "message": "The application_sign_in_experiences with ID `demo-web` does not exist.",
        },
    )
    made = admin.put(path, json={"displayName": "Demo", "termsOfUseUrl": ""})
    expected: dict[str, Any] = {
        "tenantId": "default",
        "applicationId": "demo-web",
        "color": {},
        "branding": {},
        "customCss": None,
        "termsOfUseUrl": None,  # an empty string is stored as NULL
        "privacyPolicyUrl": None,
        "displayName": "Demo",
    }
    assert (made.status_code, made.json()) == (201, expected)
    updated = admin.put(path, json={"branding": {"logoUrl": "https://x.example/logo.png"}})
    expected["branding"] = {"logoUrl": "https://x.example/logo.png"}
    assert (updated.status_code, updated.json()) == (200, expected)
    assert admin.get(path).json() == expected
    bad = admin.put(path, json={"branding": {"logoUrl": "nope"}})
    assert bad.json()["data"]["issues"] == [
        {
            "validation": "url",
            "code": "invalid_string",
            "message": "Invalid url",
            "path": ["branding", "logoUrl"],
        }
    ]


def test_is_admin_toggles_the_hidden_internal_admin_role(admin: TestClient) -> None:
    made = admin.post("/api/applications", json={"name": "ops", "type": "MachineToMachine"})
    app_id = made.json()["id"]
    secret = admin.get(f"/api/applications/{app_id}/secrets").json()[0]["value"]

    def management_token() -> str:
        answer = admin.post(
            "/oidc/token",
            data={
                "grant_type": "client_credentials",
                "resource": "https://default.logto.app/api",
                "scope": "all",
            },
            auth=(app_id, secret),
        )
        assert answer.status_code == 200, answer.text
        return str(answer.json().get("scope", ""))

    assert management_token() == ""
    assert admin.patch(f"/api/applications/{app_id}", json={"isAdmin": True}).status_code == 200
    assert admin.get(f"/api/applications/{app_id}").json()["isAdmin"] is True
    assert management_token() == "all"
    # Internal roles are listed nowhere.
    assert admin.get(f"/api/applications/{app_id}/roles").json() == []
    assert all(not r["name"].startswith("#internal:") for r in admin.get("/api/roles").json())
    admin.patch(f"/api/applications/{app_id}", json={"isAdmin": False})
    assert admin.get(f"/api/applications/{app_id}").json()["isAdmin"] is False
    assert management_token() == ""


def test_built_in_applications_answer_by_id(admin: TestClient) -> None:
    assert admin.get("/api/applications/demo-app").json() == {
        "tenantId": "default",
        "id": "demo-app",
        "name": "Live Preview",
        "secret": "N/A",
        "description": "Preview for Sign-in Experience.",
        "type": "SPA",
        "oidcClientMetadata": {"redirectUris": [], "postLogoutRedirectUris": []},
        "customClientMetadata": {},
        "protectedAppMetadata": None,
        "isThirdParty": False,
        "createdAt": 0,
        "customData": {},
        "isAdmin": False,
    }
    assert "demo-app" not in [a["id"] for a in admin.get("/api/applications").json()]


def test_a_third_party_app_asks_only_for_its_user_consent_scopes(
    make_client: ClientFactory, tmp_path: Path
) -> None:
    """Fixture consent scopes reach `/oidc/auth`: other scopes are `invalid_scope`, named."""
    path = tmp_path / "tenant.yaml"
    path.write_text(
        "applications:\n"
        "  - {id: partner, name: partner, type: Traditional, isThirdParty: true,\n"
        "     redirectUris: ['http://localhost/cb'],\n"
        "     userConsentScopes: {userScopes: [profile]}}\n"
    )
    client = make_client(path)
    query = {
        "client_id": "partner",
        "redirect_uri": "http://localhost/cb",
        "response_type": "code",
        "scope": "openid profile email",
        "state": "s",
    }
    refused = client.get("/oidc/auth", params=query, follow_redirects=False)
    assert refused.headers["location"] == (
        "http://localhost/cb?error=invalid_scope&error_description=requested+scope+is+not+allowed"
        "&scope=email&state=s&iss=http%3A%2F%2Flocalhost%3A3001%2Foidc"
    )
    query["scope"] = "openid profile"
    allowed = client.get("/oidc/auth", params=query, follow_redirects=False)
    assert allowed.headers["location"] == "/sign-in?app_id=partner"


def test_a_form_body_reaches_the_guard_as_its_fields(admin: TestClient) -> None:
    made = admin.post("/api/applications", data={"name": "formed", "type": "SPA"})
    assert (made.status_code, made.json()["name"], made.json()["type"]) == (200, "formed", "SPA")


def test_protected_apps_need_a_provider_logto_oss_lacks(admin: TestClient) -> None:
    def create(sub_domain: str) -> tuple[int, str]:
        answer = admin.post(
            "/api/applications",
            json={
                "name": "guarded",
                "type": "Protected",
                "protectedAppMetadata": {"subDomain": sub_domain, "origin": "https://x.test"},
            },
        )
        return answer.status_code, answer.json()["code"]

    assert create("Not_Valid") == (422, "application.invalid_subdomain")
    assert create("guarded") == (501, "application.protected_app_not_configured")


def test_role_application_exists_names_no_application(admin: TestClient) -> None:
    """role.application.ts passes the id as `userId`; the phrase reads `{{applicationId}}`."""
    role = _role(admin, "once")
    path = f"/api/roles/{role['id']}/applications"
    assert admin.post(path, json={"applicationIds": ["demo-m2m"]}).status_code == 201
    again = admin.post(path, json={"applicationIds": ["demo-m2m"]})
    assert (again.status_code, again.json()) == (
        422,
        {
            "code": "role.application_exists",
            "message": "The application id  is already been added to this role",
        },
    )


def test_empty_strings_are_stored_as_null(admin: TestClient) -> None:
    """Logto's `convertToPrimitiveOrSql` writes `''` as NULL (integration test of app branding)."""
    made = admin.post("/api/applications", json={"name": "blank", "type": "SPA", "description": ""})
    assert made.json()["description"] is None
    patched = admin.patch(f"/api/applications/{made.json()['id']}", json={"description": ""})
    assert patched.json()["description"] is None
    scope = admin.post(
        f"/api/resources/{_resource_id(admin)}/scopes", json={"name": "blank", "description": ""}
    )
    assert scope.json()["description"] is None
