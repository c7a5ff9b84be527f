"""The Management API routes beyond the recordings: each answer and error body (demo tenant)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from mock_logto.management.openapi import subset
from mock_logto.management.regenerate import main as regenerate

from .support.admin import management_token
from .support.apps import NOW, ClientFactory
from .support.paths import DEMO_FIXTURE
from .support.tenants import DEMO_ADMIN


def error(code: str, message: str) -> dict[str, str]:
    return {"code": code, "message": message}


def not_found(table: str, entity_id: str) -> dict[str, str]:
    return error("entity.not_exists_with_id", f"The {table} with ID `{entity_id}` does not exist.")


CONSTRAINT = error("entity.db_constraint_violated", "Database constraint violated.")
DELETE_MISSED = error("entity.not_found", "The resource does not exist.")
FOREIGN_KEY = error(
    "entity.relation_foreign_key_not_found",
    "Cannot find one or more foreign keys. Please check the input and ensure that all referenced "
    "entities exist.",
)
TAKEN = error(
    "entity.unique_integrity_violation",
    "The entity already exists. Please check the input and try again.",
)


def by_name(items: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(item for item in items if item["name"] == name)


# --------------------------------------------------------------------------- guard, pagination


def test_guard_refuses_expired_foreign_and_unsigned_tokens(
    admin: TestClient, make_client: ClientFactory
) -> None:
    expired = admin.post(
        "/__mock/tokens",
        json={
            "app": "demo-admin",
            "resource": "https://default.logto.app/api",
            "scopes": ["all"],
            "expiresIn": -1,
        },
    ).json()["access_token"]
    response = admin.get("/api/users", headers={"Authorization": f"Bearer {expired}"})
    assert response.status_code == 401
    claims = response.json()["data"].pop("payload")
    assert response.json() == {
        "code": "auth.unauthorized",
        "data": {
            "code": "ERR_JWT_EXPIRED",
            "name": "JWTExpired",
            "claim": "exp",
            "reason": "check_failed",
            "payload": claims,
        },
        "message": "Unauthorized. Please check credentials and its scope.",
    }
    assert (claims["client_id"], claims["exp"] - claims["iat"]) == ("demo-admin", -1)

    other = make_client(DEMO_FIXTURE, public_url="http://elsewhere:3001")
    foreign = management_token(other, *DEMO_ADMIN)
    wrong_issuer = admin.get("/api/users", headers={"Authorization": f"Bearer {foreign}"})
    assert wrong_issuer.json()["data"]["claim"] == "iss"

    header, payload, _ = expired.split(".")
    forged = admin.get("/api/users", headers={"Authorization": f"Bearer {header}.{payload}.AAAA"})
    assert forged.json() == {
        "code": "auth.unauthorized",
        "data": {
            "code": "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
            "name": "JWSSignatureVerificationFailed",
        },
        "message": "Unauthorized. Please check credentials and its scope.",
    }


@pytest.mark.parametrize("query", ["page=0", "page=x", "page_size=101", "page_size=-2"])
def test_bad_pagination(admin: TestClient, query: str) -> None:
    response = admin.get(f"/api/users?{query}")
    assert (response.status_code, response.json()) == (
        400,
        error("guard.invalid_pagination", "The request pagination value is invalid."),
    )


def test_pagination_links_keep_other_parameters_and_give_prev(admin: TestClient) -> None:
    # Logto's `like` adds no wildcards: `%example%` is what finds "…@example.com".
    response = admin.get("/api/users?search=%25example%25&page_size=1&page=2")
    # Newest first; users created in the same millisecond: the later one first.
    assert [u["id"] for u in response.json()] == ["user-alice"]
    assert response.headers.get_list("link") == [
        '<http://localhost:3001/users?search=%25example%25&page_size=1&page=1>; rel="first"',
        '<http://localhost:3001/users?search=%25example%25&page_size=1&page=2>; rel="last"',
        '<http://localhost:3001/users?search=%25example%25&page_size=1&page=1>; rel="prev"',
    ]
    etag = response.headers["etag"]
    again = admin.get(
        "/api/users?search=%25example%25&page_size=1&page=2", headers={"If-None-Match": etag}
    )
    assert again.status_code == 304


def test_unknown_route_without_a_token_is_401(make_client: ClientFactory) -> None:
    response = make_client(DEMO_FIXTURE).get("/api/nothing-here")
    assert response.status_code == 401


# --------------------------------------------------------------------------- resources


def test_resources_and_scopes(admin: TestClient) -> None:
    made = admin.post("/api/resources", json={"name": "Billing", "indicator": "https://billing"})
    assert made.status_code == 201
    resource = made.json()
    assert resource == {
        "tenantId": "default",
        "id": resource["id"],
        "name": "Billing",
        "indicator": "https://billing",
        "isDefault": False,
        "accessTokenTtl": 3600,
        "scopes": [],
    }
    taken = admin.post("/api/resources", json={"name": "Again", "indicator": "https://billing"})
    assert (taken.status_code, taken.json()) == (
        422,
        error(
            "resource.resource_identifier_in_use",
            "The API identifier https://billing is already in use",
        ),
    )
    base = f"/api/resources/{resource['id']}"
    renamed = admin.patch(base, json={"name": "Payments", "accessTokenTtl": 60}).json()
    assert (renamed["name"], renamed["accessTokenTtl"]) == ("Payments", 60)
    assert admin.patch(f"{base}/is-default", json={"isDefault": True}).json()["isDefault"] is True

    scope = admin.post(f"{base}/scopes", json={"name": "pay", "description": "Pay"}).json()
    assert (scope["resourceId"], scope["name"], scope["createdAt"]) == (
        resource["id"],
        "pay",
        NOW * 1000,
    )
    spaced = admin.post(f"{base}/scopes", json={"name": "pay now"})
    assert (spaced.status_code, spaced.json()) == (
        400,
        error("scope.name_with_space", "The name of the scope cannot contain any spaces."),
    )
    again = admin.post(f"{base}/scopes", json={"name": "pay"})
    assert again.json() == error("scope.name_exists", "The scope name pay is already in use")
    updated = admin.patch(f"{base}/scopes/{scope['id']}", json={"description": "Pay bills"})
    assert updated.json()["description"] == "Pay bills"
    with_scopes = admin.get("/api/resources?includeScopes=true").json()
    assert [s["name"] for s in by_name(with_scopes, "Payments")["scopes"]] == ["pay"]

    role = admin.post(
        "/api/roles", json={"name": "payer", "description": "Pays", "scopeIds": [scope["id"]]}
    ).json()
    assert admin.delete(f"{base}/scopes/{scope['id']}").status_code == 204
    assert admin.get(f"/api/roles/{role['id']}/scopes").json() == []
    # A delete that meets no row: `entity.not_found` (golden2/entity-errors/030 for roles).
    assert admin.delete(f"{base}/scopes/nope").json() == DELETE_MISSED
    assert admin.delete(base).status_code == 204
    assert admin.get(base).json() == not_found("resources", resource["id"])


def test_the_management_api_resource_cannot_change(admin: TestClient) -> None:
    assert admin.patch("/api/resources/management-api", json={"name": "x"}).json() == error(
        "resource.cannot_modify_management_api", "Cannot modify Logto Management API."
    )
    assert admin.delete("/api/resources/management-api").json() == error(
        "resource.cannot_delete_management_api", "Cannot delete Logto Management API."
    )


# --------------------------------------------------------------------------- roles


def test_roles_crud_and_members(admin: TestClient) -> None:
    api_scopes = by_name(admin.get("/api/resources?includeScopes=true").json(), "Demo API")[
        "scopes"
    ]
    read = by_name(api_scopes, "read:items")["id"]
    write = by_name(api_scopes, "write:items")["id"]
    made = admin.post("/api/roles", json={"name": "auditor", "description": "Audits"})
    role = made.json()
    assert role == {
        "tenantId": "default",
        "id": role["id"],
        "name": "auditor",
        "description": "Audits",
        "type": "User",
        "isDefault": False,
    }
    duplicate = admin.post("/api/roles", json={"name": "auditor", "description": "x"})
    assert duplicate.json() == error("role.name_in_use", "This role name auditor is already in use")
    base = f"/api/roles/{role['id']}"
    assert (
        admin.patch(base, json={"description": "Reads all", "isDefault": True}).json()[
            "description"
        ]
        == "Reads all"
    )
    added = admin.post(f"{base}/scopes", json={"scopeIds": [read]})
    assert (added.status_code, [s["name"] for s in added.json()]) == (201, ["read:items"])
    exists = admin.post(f"{base}/scopes", json={"scopeIds": [read]})
    assert exists.json() == error(
        "role.scope_exists", f"The scope id {read} has already been added to this role"
    )
    assert admin.post(f"{base}/scopes", json={"scopeIds": ["nope"]}).json() == not_found(
        "scopes", "nope"
    )
    assert admin.delete(f"{base}/scopes/{read}").status_code == 204
    assert admin.delete(f"{base}/scopes/{read}").json() == DELETE_MISSED

    assert admin.post(f"{base}/users", json={"userIds": ["user-bob"]}).status_code == 201
    twice = admin.post(f"{base}/users", json={"userIds": ["user-bob"]})
    assert twice.json() == error(
        "role.user_exists", "The user id user-bob is already been added to this role"
    )
    assert [u["id"] for u in admin.get(f"{base}/users").json()] == ["user-bob"]
    # The route checks no role type: the relation table's check refuses the row (role.*.ts).
    assert (
        admin.post(f"{base}/applications", json={"applicationIds": ["demo-m2m"]}).json()
        == CONSTRAINT
    )
    assert admin.delete(f"{base}/users/user-bob").status_code == 204
    assert admin.delete(f"{base}/users/user-bob").json() == DELETE_MISSED
    assert admin.delete(base).status_code == 204
    assert role["id"] not in admin.get("/api/users/user-bob/roles").text

    machine = admin.post(
        "/api/roles",
        json={
            "name": "worker",
            "description": "Works",
            "type": "MachineToMachine",
            "scopeIds": [write],
        },
    ).json()
    mbase = f"/api/roles/{machine['id']}"
    assert admin.post(f"{mbase}/users", json={"userIds": ["user-bob"]}).json() == CONSTRAINT
    assert (
        admin.post(f"{mbase}/applications", json={"applicationIds": ["demo-m2m"]}).status_code
        == 201
    )
    again = admin.post(f"{mbase}/applications", json={"applicationIds": ["demo-m2m"]})
    assert again.json() == error(
        "role.application_exists",
        "The application id  is already been added to this role",  # Logto's quirk
    )
    assert [a["id"] for a in admin.get(f"{mbase}/applications").json()] == ["demo-m2m"]
    assert admin.delete(f"{mbase}/applications/demo-m2m").status_code == 204
    assert admin.delete(f"{mbase}/applications/demo-m2m").json() == DELETE_MISSED
    # `like` adds no wildcards (core/utils/search.ts): `work` alone matches only "work".
    assert admin.get("/api/roles?type=MachineToMachine&search=work").json() == []
    assert admin.get("/api/roles?type=MachineToMachine&search=%25work%25").json()[0]["name"] == (
        "worker"
    )


def test_management_api_scopes_are_not_for_user_roles(admin: TestClient) -> None:
    response = admin.post(
        "/api/roles",
        json={"name": "sneaky", "description": "x", "scopeIds": ["management-api-all"]},
    )
    assert (response.status_code, response.json()) == (
        400,
        error(
            "role.management_api_scopes_not_assignable_to_user_role",
            "Cannot assign Management API scopes to a user role.",
        ),
    )
    # As in Logto, the role was created before its scopes were refused.
    assert "sneaky" in [r["name"] for r in admin.get("/api/roles").json()]


# --------------------------------------------------------------------------- users


def test_users_update_password_suspension_and_tokens(admin: TestClient) -> None:
    updated = admin.patch("/api/users/user-bob", json={"name": "Robert", "primaryPhone": "123"})
    assert (updated.json()["name"], updated.json()["primaryPhone"]) == ("Robert", "123")
    clash = admin.patch("/api/users/user-bob", json={"primaryEmail": "ALICE@example.com"})
    assert clash.json() == error(
        "user.email_already_in_use", "This email is associated with an existing account."
    )
    assert admin.patch("/api/users/user-bob/password", json={"password": "new"}).status_code == 200
    assert admin.get("/api/users/user-bob/custom-data").json() == {}
    suspended = admin.patch("/api/users/user-bob/is-suspended", json={"isSuspended": True})
    assert suspended.json()["isSuspended"] is True
    pat = admin.post("/api/users/user-bob/personal-access-tokens", json={"name": "ci"}).json()
    assert pat["value"].startswith("pat_") and len(pat["value"]) == 36
    listed = admin.get("/api/users/user-bob/personal-access-tokens").json()
    assert [t["name"] for t in listed] == ["ci"]
    assert admin.delete("/api/users/user-bob/personal-access-tokens/ci").status_code == 204
    # Logto's `DeletionError`: no table named (golden2/users-more/092 for roles).
    row_not_found = {"code": "entity.not_found", "message": "The resource does not exist."}
    assert admin.delete("/api/users/user-bob/personal-access-tokens/ci").json() == row_not_found
    assert admin.get("/api/users/user-bob/roles").json()[0]["name"] == "items-reader"
    assert admin.delete("/api/users/user-bob/roles/nope").json() == row_not_found
    bad = admin.patch("/api/users/user-bob/custom-data", json={"customData": "x"})
    assert (bad.status_code, bad.json()) == (
        400,
        {
            "code": "guard.invalid_input",
            "data": {
                "issues": [
                    {
                        "code": "invalid_type",
                        "expected": "object",
                        "received": "string",
                        "path": ["customData"],
                        "message": "Expected object, received string",
                    }
                ],
                "name": "ZodError",
            },
            "details": 'Error in key path "customData": (invalid_type) Expected object but '
            "received string.",
            "message": "The request body is invalid.",
        },
    )


# --------------------------------------------------------------------------- organizations


def test_organizations_members_and_template(admin: TestClient) -> None:
    base = "/api/organizations/org-acme"
    assert admin.patch(base, json={"name": "Acme Corp", "customData": {"tier": 1}}).json()[
        "customData"
    ] == {"tier": 1}
    assert admin.get("/api/organizations?q=corp").json()[0]["name"] == "Acme Corp"
    unknown = admin.post(f"{base}/users", json={"userIds": ["nobody"]})
    assert (unknown.status_code, unknown.json()) == (422, FOREIGN_KEY)
    assert admin.put(f"{base}/users", json={"userIds": ["user-alice"]}).status_code == 204
    assert [u["id"] for u in admin.get(f"{base}/users").json()] == ["user-alice"]
    outsider = admin.post(f"{base}/users/user-bob/roles", json={"organizationRoleIds": []})
    assert outsider.json() == error(
        "organization.require_membership",
        "The user must be a member of the organization to proceed.",
    )
    roles = {r["name"]: r["id"] for r in admin.get("/api/organization-roles").json()}
    role_url = f"{base}/users/user-alice/roles"
    assert [r["name"] for r in admin.get(role_url).json()] == ["admin"]
    assert admin.delete(f"{role_url}/{roles['admin']}").status_code == 204
    assert admin.delete(f"{role_url}/{roles['admin']}").status_code == 404
    assert admin.delete(f"{base}/users/user-alice").status_code == 204
    assert admin.delete(f"{base}/users/user-alice").status_code == 404

    apps = admin.get(f"{base}/applications").json()
    assert [(a["id"], [r["name"] for r in a["organizationRoles"]]) for a in apps] == [
        ("demo-m2m", ["integration"])
    ]
    web = admin.post(f"{base}/applications", json={"applicationIds": ["demo-web"]})
    # Only M2M apps can be members: a check constraint of Logto's relation table
    # (organization_application_relations.sql), answered by koa-slonik-error-handler.
    assert (web.status_code, web.json()) == (
        422,
        error("entity.db_constraint_violated", "Database constraint violated."),
    )
    assert admin.delete(f"{base}/applications/demo-m2m").status_code == 204
    assert admin.delete(f"{base}/applications/demo-m2m").status_code == 404

    scope = admin.post("/api/organization-scopes", json={"name": "billing"}).json()
    assert admin.post("/api/organization-scopes", json={"name": "billing"}).json() == TAKEN
    assert (
        admin.patch(f"/api/organization-scopes/{scope['id']}", json={"description": "B"}).json()[
            "description"
        ]
        == "B"
    )
    role = admin.post("/api/organization-roles", json={"name": "biller"}).json()
    rbase = f"/api/organization-roles/{role['id']}"
    assert (
        admin.post(f"{rbase}/scopes", json={"organizationScopeIds": [scope["id"]]}).status_code
        == 201
    )
    assert [s["name"] for s in admin.get(f"{rbase}/scopes").json()] == ["billing"]
    read = by_name(
        by_name(admin.get("/api/resources?includeScopes=true").json(), "Demo API")["scopes"],
        "read:items",
    )
    assert (
        admin.post(f"{rbase}/resource-scopes", json={"scopeIds": [read["id"]]}).status_code == 201
    )
    assert [s["name"] for s in admin.get(f"{rbase}/resource-scopes").json()] == ["read:items"]
    assert admin.patch(rbase, json={"name": "payer"}).json()["name"] == "payer"
    assert admin.patch(rbase, json={"name": "member"}).json() == TAKEN
    assert admin.delete(f"/api/organization-scopes/{scope['id']}").status_code == 204
    assert admin.get(f"{rbase}/scopes").json() == []
    assert admin.delete(rbase).status_code == 204
    assert admin.delete(base).status_code == 204
    assert admin.get(base).json() == not_found("organizations", "org-acme")


# --------------------------------------------------------------------------- the document


def test_openapi_subset_keeps_the_served_routes_and_their_components(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = {
        "openapi": "3.0.1",
        "info": {"title": "Logto", "version": "Cloud"},
        "paths": {
            "/api/users/{userId}": {
                "parameters": [{"$ref": "#/components/parameters/userId"}],
                "get": {"responses": {"200": {"$ref": "#/components/schemas/User"}}},
                "delete": {"responses": {}},
            },
            "/api/sso-connectors": {"get": {"responses": {}}},
        },
        "components": {
            "parameters": {"userId": {"name": "userId"}},
            "schemas": {
                "User": {"properties": {"role": {"$ref": "#/components/schemas/Role"}}},
                "Role": {},
                "SsoConnector": {},
            },
            "securitySchemes": {"bearer": {}},
        },
    }
    cut = subset(document, [("GET", "/api/users/{id}")])
    assert list(cut["paths"]) == ["/api/users/{userId}"]
    assert list(cut["paths"]["/api/users/{userId}"]) == ["parameters", "get"]
    assert sorted(cut["components"]["schemas"]) == ["Role", "User"]
    assert cut["components"]["parameters"] == {"userId": {"name": "userId"}}

    source = tmp_path / "logto.json"
    source.write_text(json.dumps(document))
    target = tmp_path / "out.json"
    monkeypatch.setattr("mock_logto.management.openapi.DOCUMENT", target)
    assert regenerate([str(source)]) == 0
    assert list(json.loads(target.read_text())["paths"]) == ["/api/users/{userId}"]
