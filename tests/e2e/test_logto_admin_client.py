"""`logto-admin` (the Python client generated from Logto's OpenAPI document) drives the mock.

Every response must have the status the client expects and parse into its models: the entity
shapes are Logto's. The client speaks HTTP, so the server runs on a socket.

logto-admin 1.0.0 cannot parse an application's `redirectUris` given as strings, which is how
real Logto returns them (golden/management-api/02), so the tenant here has no redirect URIs.
Its create calls return no model for 201 answers; their bodies are read as JSON.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import httpx2
import pytest
from logto_admin.api.applications import (
    delete_api_applications_id,
    get_api_applications,
    get_api_applications_application_id_roles,
    get_api_applications_id,
    patch_api_applications_id,
    post_api_applications,
    post_api_applications_application_id_roles,
)
from logto_admin.api.organization_roles import (
    get_api_organization_roles,
    post_api_organization_roles,
)
from logto_admin.api.organization_scopes import (
    get_api_organization_scopes,
    post_api_organization_scopes,
)
from logto_admin.api.organizations import (
    get_api_organizations,
    get_api_organizations_id,
    get_api_organizations_id_users,
    post_api_organizations,
    post_api_organizations_id_users,
    post_api_organizations_id_users_user_id_roles,
)
from logto_admin.api.resources import (
    get_api_resources,
    get_api_resources_resource_id_scopes,
    post_api_resources,
    post_api_resources_resource_id_scopes,
)
from logto_admin.api.roles import get_api_roles, get_api_roles_id, post_api_roles
from logto_admin.api.users import (
    get_api_users,
    get_api_users_user_id,
    get_api_users_user_id_organizations,
    patch_api_users_user_id,
    post_api_users,
    post_api_users_user_id_roles,
)
from logto_admin.client import AuthenticatedClient
from logto_admin.models import (
    PatchApiApplicationsIdBody,
    PatchApiUsersUserIdBody,
    PostApiApplicationsApplicationIdRolesBody,
    PostApiApplicationsBody,
    PostApiOrganizationRolesBody,
    PostApiOrganizationsBody,
    PostApiOrganizationScopesBody,
    PostApiOrganizationsIdUsersBody,
    PostApiOrganizationsIdUsersUserIdRolesBody,
    PostApiResourcesBody,
    PostApiResourcesResourceIdScopesBody,
    PostApiRolesBody,
    PostApiUsersBody,
    PostApiUsersUserIdRolesBody,
)

from ..support.admin import management_token
from ..support.server import serve
from ..support.tenants import DEMO_ADMIN

pytestmark = pytest.mark.e2e


TENANT = """
resources:
  - name: Items
    indicator: https://api.example.com
    scopes: [{ name: "read:items" }]
roles:
  - { name: items-reader, type: User, description: Reads,
      scopes: ["https://api.example.com read:items"] }
  - { name: items-service, type: MachineToMachine, description: Serves,
      scopes: ["https://api.example.com read:items"] }
applications:
  - { id: demo-admin, name: Admin, type: MachineToMachine, secret: demo-admin-secret,
      roles: [Logto Management API access] }
  - { id: demo-m2m, name: Backend, type: MachineToMachine, secret: demo-m2m-secret }
users:
  - { username: alice, password: alice-password }
"""


@pytest.fixture(scope="module")
def admin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AuthenticatedClient]:
    fixture = tmp_path_factory.mktemp("tenant") / "tenant.yaml"
    fixture.write_text(TENANT)
    with serve(fixtures=fixture) as server:
        with httpx2.Client(base_url=server.base_url) as http:
            token = management_token(
                http, *DEMO_ADMIN, resource=server.settings.management_api_indicator
            )
        with AuthenticatedClient(
            base_url=server.base_url, token=token, raise_on_unexpected_status=True
        ) as client:
            yield client
        server.check_errors()


def ok(response: Any, status: int = 200) -> Any:
    """The body of a response with the expected status: the client's model, or for the 201s
    the client has no model for, the JSON (as attributes)."""
    assert response.status_code == status, response.content
    if status == 200:
        items = response.parsed if isinstance(response.parsed, list) else [response.parsed]
        assert all(type(item).__module__.startswith("logto_admin.models") for item in items)
        return response.parsed
    if response.parsed is None and response.content and status == 201:
        try:
            return SimpleNamespace(**json.loads(response.content))
        except ValueError:
            return None
    return response.parsed


def test_applications(admin: AuthenticatedClient) -> None:
    apps = ok(get_api_applications.sync_detailed(client=admin))
    assert {a.id for a in apps} == {"demo-admin", "demo-m2m"}
    made = ok(
        post_api_applications.sync_detailed(
            client=admin,
            body=PostApiApplicationsBody.from_dict({"name": "w", "type": "MachineToMachine"}),
        )
    )
    assert made.secret.startswith("#internal:")
    changed = ok(
        patch_api_applications_id.sync_detailed(
            made.id, client=admin, body=PatchApiApplicationsIdBody.from_dict({"description": "d"})
        )
    )
    assert changed.description == "d"
    assert ok(get_api_applications_id.sync_detailed(made.id, client=admin)).name == "w"
    service = next(
        r.id for r in ok(get_api_roles.sync_detailed(client=admin)) if r.name == "items-service"
    )
    ok(
        post_api_applications_application_id_roles.sync_detailed(
            made.id,
            client=admin,
            body=PostApiApplicationsApplicationIdRolesBody.from_dict({"roleIds": [service]}),
        ),
        201,
    )
    roles = ok(get_api_applications_application_id_roles.sync_detailed(made.id, client=admin))
    assert [r.id for r in roles] == [service]
    ok(delete_api_applications_id.sync_detailed(made.id, client=admin), 204)


def test_users_roles_and_organizations(admin: AuthenticatedClient) -> None:
    made = ok(
        post_api_users.sync_detailed(
            client=admin,
            body=PostApiUsersBody.from_dict({"username": "dana", "password": "pw-dana"}),
        )
    )
    assert made.username == "dana"
    ok(
        patch_api_users_user_id.sync_detailed(
            made.id, client=admin, body=PatchApiUsersUserIdBody.from_dict({"name": "Dana"})
        )
    )
    assert ok(get_api_users_user_id.sync_detailed(made.id, client=admin)).name == "Dana"
    assert "dana" in {u.username for u in ok(get_api_users.sync_detailed(client=admin))}
    reader = next(
        r.id for r in ok(get_api_roles.sync_detailed(client=admin)) if r.name == "items-reader"
    )
    assert ok(get_api_roles_id.sync_detailed(reader, client=admin)).type == "User"
    ok(
        post_api_users_user_id_roles.sync_detailed(
            made.id, client=admin, body=PostApiUsersUserIdRolesBody.from_dict({"roleIds": [reader]})
        ),
        201,
    )

    org = ok(
        post_api_organizations.sync_detailed(
            client=admin, body=PostApiOrganizationsBody.from_dict({"name": "Initech"})
        ),
        201,
    )
    assert ok(get_api_organizations_id.sync_detailed(org.id, client=admin)).name == "Initech"
    assert {o.id for o in ok(get_api_organizations.sync_detailed(client=admin))} >= {org.id}
    ok(
        post_api_organizations_id_users.sync_detailed(
            org.id,
            client=admin,
            body=PostApiOrganizationsIdUsersBody.from_dict({"userIds": [made.id]}),
        ),
        201,
    )
    scope = ok(
        post_api_organization_scopes.sync_detailed(
            client=admin, body=PostApiOrganizationScopesBody.from_dict({"name": "read:reports"})
        ),
        201,
    )
    role = ok(
        post_api_organization_roles.sync_detailed(
            client=admin,
            body=PostApiOrganizationRolesBody.from_dict(
                {"name": "analyst", "organizationScopeIds": [scope.id], "resourceScopeIds": []}
            ),
        ),
        201,
    )
    assert role.name == "analyst"
    assert ok(get_api_organization_scopes.sync_detailed(client=admin))
    assert ok(get_api_organization_roles.sync_detailed(client=admin))
    ok(
        post_api_organizations_id_users_user_id_roles.sync_detailed(
            org.id,
            made.id,
            client=admin,
            body=PostApiOrganizationsIdUsersUserIdRolesBody.from_dict(
                {"organizationRoleIds": [role.id]}
            ),
        ),
        201,
    )
    members = ok(get_api_organizations_id_users.sync_detailed(org.id, client=admin))
    assert [m.id for m in members] == [made.id]
    memberships = ok(get_api_users_user_id_organizations.sync_detailed(made.id, client=admin))
    assert [o.id for o in memberships] == [org.id]


def test_resources_and_roles(admin: AuthenticatedClient) -> None:
    made = ok(
        post_api_resources.sync_detailed(
            client=admin,
            body=PostApiResourcesBody.from_dict(
                {"name": "Billing", "indicator": "https://billing.example.com"}
            ),
        ),
        201,
    )
    scope = ok(
        post_api_resources_resource_id_scopes.sync_detailed(
            made.id,
            client=admin,
            body=PostApiResourcesResourceIdScopesBody.from_dict(
                {"name": "pay", "description": "Pay"}
            ),
        ),
        201,
    )
    scopes = ok(get_api_resources_resource_id_scopes.sync_detailed(made.id, client=admin))
    assert [s.name for s in scopes] == ["pay"]
    assert made.id in {r.id for r in ok(get_api_resources.sync_detailed(client=admin))}
    role = ok(
        post_api_roles.sync_detailed(
            client=admin,
            body=PostApiRolesBody.from_dict(
                {"name": "payer", "description": "Pays", "scopeIds": [scope.id]}
            ),
        )
    )
    assert role.name == "payer"
