"""Default user roles (`isDefault`), assigned to every new user as Logto's `insertUser` does.

Logto v1.37 libraries/user.ts `insertUser` adds every user role marked `isDefault` to a user it
creates, whatever creates it (Management API, Experience or Interaction API registration);
Logto's role.is-default.test.ts. Fixture users are rows as written: their roles are the fixture's.
"""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient


def _role(admin: TestClient, **body: Any) -> dict[str, Any]:
    response = admin.post("/api/roles", json={"description": "a role", **body})
    assert response.status_code == 200, response.text
    created: dict[str, Any] = response.json()
    return created


def test_a_user_created_through_the_management_api_gets_the_default_user_roles(
    admin: TestClient,
) -> None:
    default = _role(admin, name="default-role", isDefault=True)
    _role(admin, name="not-default")
    _role(admin, name="default-m2m", type="MachineToMachine", isDefault=True)
    user = admin.post("/api/users", json={"username": "newcomer"}).json()
    roles = admin.get(f"/api/users/{user['id']}/roles")
    assert roles.status_code == 200, roles.text
    assert roles.json() == [admin.get(f"/api/roles/{default['id']}").json()]


def test_a_user_created_before_a_role_became_default_does_not_get_it(admin: TestClient) -> None:
    user = admin.post("/api/users", json={"username": "early"}).json()
    _role(admin, name="default-later", isDefault=True)
    assert admin.get(f"/api/users/{user['id']}/roles").json() == []
