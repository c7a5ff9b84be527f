"""One rule, two doors: a fixture file and a Management API call reach the same result.

The tenant's rules live in mock_logto/ops; the fixture loader and the Management API both call
them. Each case states one input both ways and checks that both accept it, or both refuse it
(the loader with its one-line problem, the API with Logto's error body).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from mock_logto.app import create_app
from mock_logto.errors import FixtureError
from mock_logto.loader import load_tenant
from mock_logto.ops import users

from .support.admin import management_token
from .support.apps import make_settings
from .support.tenants import BASE_URL


def base() -> dict[str, list[dict[str, Any]]]:
    """A small tenant with an admin app holding Management API access."""
    return {
        "applications": [
            {
                "id": "admin",
                "name": "admin",
                "type": "MachineToMachine",
                "secret": "admin-secret",
                "roles": ["Logto Management API access"],
            }
        ],
        "resources": [
            {"name": "API", "indicator": "https://api.test", "scopes": [{"name": "read"}]}
        ],
        "roles": [
            {"id": "reader", "name": "reader", "type": "User", "scopes": ["https://api.test read"]},
            {
                "id": "robot",
                "name": "robot",
                "type": "MachineToMachine",
                "scopes": ["https://api.test read"],
            },
        ],
        "organizationRoles": [
            {"id": "member", "name": "member", "type": "User"},
            {"id": "machine", "name": "machine", "type": "MachineToMachine"},
        ],
        "users": [
            {
                "id": "alice",
                "username": "alice",
                "primaryEmail": "alice@example.com",
                "password": "pw",
            }
        ],
        "organizations": [{"id": "acme", "name": "Acme"}],
    }


def write(path: Path, section: str | None = None, entry: dict[str, Any] | None = None) -> Path:
    """The base tenant, plus `entry` at the end of `section`, as a JSON fixture file."""
    document = base()
    if section is not None and entry is not None:
        document[section].append(entry)
    path.write_text(json.dumps(document))
    return path


def admin_client(path: Path) -> TestClient:
    client = TestClient(create_app(make_settings(fixtures=path)), base_url=BASE_URL)
    token = management_token(client, "admin", "admin-secret")
    client.headers["Authorization"] = f"Bearer {token}"
    return client


def problems(path: Path) -> list[str]:
    """The loader's problems for the file (none: it loads)."""
    try:
        load_tenant(path)
    except FixtureError as exc:
        return [p.removeprefix(f"{path}: ") for p in exc.problems]
    return []


Call = Callable[[TestClient], Any]

#: (case, section and entry added to the fixture, the same through the API, the loader's problem
#:  or None, the API's status and body)
CASES: list[tuple[str, str, dict[str, Any], Call, str | None, int, dict[str, Any] | None]] = [
    (
        "email taken in another case",
        "users",
        {"username": "bob", "primaryEmail": "ALICE@Example.COM"},
        lambda c: c.post(
            "/api/users", json={"username": "bob", "primaryEmail": "ALICE@Example.COM"}
        ),
        "users[1] (bob): primaryEmail: 'ALICE@Example.COM' is already used by "
        "FILE: users[0] (alice)",
        422,
        {
            "code": "user.email_already_in_use",
            "message": "This email is associated with an existing account.",
        },
    ),
    (
        "username in another case is another user",
        "users",
        {"username": "Alice"},
        lambda c: c.post("/api/users", json={"username": "Alice"}),
        None,
        200,
        None,
    ),
    (
        "same username",
        "users",
        {"id": "alice2", "username": "alice"},
        lambda c: c.post("/api/users", json={"username": "alice"}),
        "users[1] (alice): username: 'alice' is already used by FILE: users[0] (alice)",
        422,
        {"code": "user.username_already_in_use", "message": "This username is already in use."},
    ),
    (
        "duplicate role name",
        "roles",
        {"id": "reader2", "name": "reader"},
        lambda c: c.post("/api/roles", json={"name": "reader", "description": "again"}),
        "roles[2] (reader): name: duplicate role name 'reader'",
        422,
        {"code": "role.name_in_use", "message": "This role name reader is already in use"},
    ),
    (
        "machine role for a user",
        "users",
        {"username": "bob", "roles": ["robot"]},
        lambda c: c.post("/api/users/alice/roles", json={"roleIds": ["robot"]}),
        "users[1] (bob): roles[0]: role 'robot' is a MachineToMachine role; users take User roles",
        422,
        {
            "code": "user.invalid_role_type",
            "message": "Invalid role type, can not assign machine-to-machine role to user.",
        },
    ),
    (
        "user role for an application",
        "applications",
        {"id": "m2m", "name": "m2m", "type": "MachineToMachine", "roles": ["reader"]},
        lambda c: c.post("/api/applications/admin/roles", json={"roleIds": ["reader"]}),
        "applications[1] (m2m): roles[0]: role 'reader' is a User role; "
        "applications take MachineToMachine roles",
        422,
        {
            "code": "application.invalid_role_type",
            "message": "Can not assign user type role to machine to machine application.",
        },
    ),
    (
        "machine organization role for a user member",
        "organizations",
        {"id": "beta", "name": "Beta", "users": [{"user": "alice", "roles": ["machine"]}]},
        lambda c: c.post(
            "/api/organizations/acme/users/alice/roles", json={"organizationRoleIds": ["machine"]}
        ),
        "organizations[1] (Beta): users[0].roles[0]: organization role 'machine' is a "
        "MachineToMachine role; this member takes User roles",
        422,
        {"code": "entity.db_constraint_violated", "message": "Database constraint violated."},
    ),
]


@pytest.mark.parametrize(
    ("case", "section", "entry", "call", "problem", "status", "body"),
    CASES,
    ids=[c[0] for c in CASES],
)
def test_a_fixture_and_an_api_call_reach_the_same_result(
    tmp_path: Path,
    case: str,
    section: str,
    entry: dict[str, Any],
    call: Call,
    problem: str | None,
    status: int,
    body: dict[str, Any] | None,
) -> None:
    path = write(tmp_path / "tenant.json", section, entry)
    assert problems(path) == ([problem.replace("FILE", str(path))] if problem else [])

    client = admin_client(write(tmp_path / "base.json"))
    if "organization role" in case:
        assert client.post("/api/organizations/acme/users", json={"userIds": ["alice"]}).is_success
    response = call(client)
    assert response.status_code == status
    if body is not None:
        assert response.json() == body


def test_a_member_named_by_email_in_any_case_is_the_user_who_signs_in_with_it(
    tmp_path: Path,
) -> None:
    member = {"id": "beta", "name": "Beta", "users": [{"user": "Alice@Example.COM"}]}
    tenant = load_tenant(write(tmp_path / "tenant.json", "organizations", member))
    signing_in = users.find_by_identifier(tenant, "Alice@Example.COM", "email")
    assert signing_in is not None and signing_in.id == "alice"
    assert list(tenant.organizations["beta"].user_roles) == ["alice"]
