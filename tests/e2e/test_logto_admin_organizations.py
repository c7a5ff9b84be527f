"""`logto-admin` (the client generated from Logto's OpenAPI document) drives the organization
routes beyond creation: invitations and their status, bulk role assignment, roles by name, a
member's scopes. Its models must parse every answer; the server runs on a socket.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from logto_admin.api.organization_invitations import (
    delete_api_organization_invitations_id,
    get_api_organization_invitations,
    get_api_organization_invitations_id,
    post_api_organization_invitations,
    put_api_organization_invitations_id_status,
)
from logto_admin.api.organizations import (
    get_api_organizations_id_users_user_id_roles,
    get_api_organizations_id_users_user_id_scopes,
    post_api_organizations_id_users_roles,
    put_api_organizations_id_users_user_id_roles,
)
from logto_admin.client import AuthenticatedClient
from logto_admin.models import (
    PostApiOrganizationInvitationsBody,
    PostApiOrganizationsIdUsersRolesBody,
    PutApiOrganizationInvitationsIdStatusBody,
    PutApiOrganizationsIdUsersUserIdRolesBody,
)

from ..support.admin import management_token
from ..support.paths import DEMO_FIXTURE
from ..support.server import serve
from ..support.tenants import DEMO_ADMIN

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def admin() -> Iterator[AuthenticatedClient]:
    with serve(fixtures=DEMO_FIXTURE) as server:
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
    """The parsed model of a 200, else the JSON body of the expected status."""
    assert response.status_code == status, response.content
    if status == 200:
        items = response.parsed if isinstance(response.parsed, list) else [response.parsed]
        assert all(type(item).__module__.startswith("logto_admin.models") for item in items)
        return response.parsed
    return json.loads(response.content) if response.content.startswith(b"{") else None


def test_an_invitation_accepted_through_the_client(admin: AuthenticatedClient) -> None:
    body = PostApiOrganizationInvitationsBody.from_dict(
        {
            "invitee": "bob@example.org",
            "organizationId": "org-acme",
            "expiresAt": int(time.time() * 1000) + 3_600_000,
            "messagePayload": False,  # this client's model requires it
        }
    )
    made = ok(post_api_organization_invitations.sync_detailed(client=admin, body=body), 201)
    assert made["status"] == "Pending"
    fetched = ok(get_api_organization_invitations_id.sync_detailed(made["id"], client=admin))
    assert (fetched.id, fetched.invitee) == (made["id"], "bob@example.org")
    listed = ok(get_api_organization_invitations.sync_detailed(client=admin))
    assert [i.id for i in listed] == [made["id"]]
    revoked = ok(
        put_api_organization_invitations_id_status.sync_detailed(
            made["id"],
            client=admin,
            body=PutApiOrganizationInvitationsIdStatusBody.from_dict({"status": "Revoked"}),
        )
    )
    assert revoked.status == "Revoked"
    ok(delete_api_organization_invitations_id.sync_detailed(made["id"], client=admin), 204)


def test_member_roles_by_name_and_scopes_through_the_client(admin: AuthenticatedClient) -> None:
    ok(
        put_api_organizations_id_users_user_id_roles.sync_detailed(
            "org-acme",
            "user-bob",
            client=admin,
            body=PutApiOrganizationsIdUsersUserIdRolesBody.from_dict(
                {"organizationRoleIds": [], "organizationRoleNames": ["admin"]}
            ),
        ),
        204,
    )
    roles = ok(
        get_api_organizations_id_users_user_id_roles.sync_detailed(
            "org-acme", "user-bob", client=admin
        )
    )
    assert [r.name for r in roles] == ["admin"]
    scopes = ok(
        get_api_organizations_id_users_user_id_scopes.sync_detailed(
            "org-acme", "user-bob", client=admin
        )
    )
    assert sorted(s.name for s in scopes) == ["invite:members", "read:members"]
    ok(
        post_api_organizations_id_users_roles.sync_detailed(
            "org-acme",
            client=admin,
            body=PostApiOrganizationsIdUsersRolesBody.from_dict(
                {"userIds": ["user-alice", "user-bob"], "organizationRoleIds": [roles[0].id]}
            ),
        ),
        201,
    )
