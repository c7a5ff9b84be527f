"""`logto-admin` drives the newer application routes: consent scopes, app branding, roles PUT.

Each answer must have the status the client expects and parse into its models (the shapes are
Logto's). The server runs on a socket, as the client speaks HTTP.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from logto_admin.api.applications import (
    get_api_applications_application_id_roles,
    get_api_applications_application_id_sign_in_experience,
    get_api_applications_application_id_user_consent_scopes,
    post_api_applications_application_id_user_consent_scopes,
    put_api_applications_application_id_roles,
    put_api_applications_application_id_sign_in_experience,
)
from logto_admin.client import AuthenticatedClient
from logto_admin.models import (
    PostApiApplicationsApplicationIdUserConsentScopesBody,
    PutApiApplicationsApplicationIdRolesBody,
    PutApiApplicationsApplicationIdSignInExperienceBody,
)

from ..support.admin import management_token
from ..support.server import serve
from ..support.tenants import DEMO_ADMIN

pytestmark = pytest.mark.e2e

TENANT = """
resources:
  - name: Items
    indicator: https://api.example.com
    scopes: [{ id: scope-read, name: "read:items" }]
roles:
  - { id: role-a, name: a, type: MachineToMachine, description: A }
  - { id: role-b, name: b, type: MachineToMachine, description: B }
applications:
  - { id: demo-admin, name: Admin, type: MachineToMachine, secret: demo-admin-secret,
      roles: [Logto Management API access] }
  - { id: demo-m2m, name: Backend, type: MachineToMachine, secret: demo-m2m-secret, roles: [a] }
  - { id: partner, name: Partner, type: Traditional, isThirdParty: true }
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


def ok(response: Any, status: int = 200, *, model: bool = True) -> Any:
    """The client's model of an answer with the expected status."""
    assert response.status_code == status, response.content
    if status == 200 and model:
        items = response.parsed if isinstance(response.parsed, list) else [response.parsed]
        assert all(type(item).__module__.startswith("logto_admin.models") for item in items)
    return response.parsed


def test_user_consent_scopes(admin: AuthenticatedClient) -> None:
    body = PostApiApplicationsApplicationIdUserConsentScopesBody.from_dict(
        {"resourceScopes": ["scope-read"], "userScopes": ["profile", "email"]}
    )
    ok(
        post_api_applications_application_id_user_consent_scopes.sync_detailed(
            "partner", client=admin, body=body
        ),
        201,
    )
    consent = ok(
        get_api_applications_application_id_user_consent_scopes.sync_detailed(
            "partner", client=admin
        )
    )
    assert [s.name for s in consent.resource_scopes[0].scopes] == ["read:items"]
    assert sorted(str(s) for s in consent.user_scopes) == ["email", "profile"]


def test_application_sign_in_experience(admin: AuthenticatedClient) -> None:
    body = PutApiApplicationsApplicationIdSignInExperienceBody.from_dict(
        {
            "displayName": "Partner Co",
            "branding": {"logoUrl": "https://partner.example/logo.png"},
            "termsOfUseUrl": "https://partner.example/terms",
            "privacyPolicyUrl": None,
        }
    )
    made = put_api_applications_application_id_sign_in_experience.sync_detailed(
        "partner", client=admin, body=body
    )
    assert made.status_code == 201, made.content  # the client has a model for 200 only
    assert json.loads(made.content)["displayName"] == "Partner Co"
    got = ok(
        get_api_applications_application_id_sign_in_experience.sync_detailed(
            "partner", client=admin
        )
    )
    assert got.branding.logo_url == "https://partner.example/logo.png"


def test_roles_put_replaces_the_roles(admin: AuthenticatedClient) -> None:
    body = PutApiApplicationsApplicationIdRolesBody.from_dict({"roleIds": ["role-b"]})
    replaced = put_api_applications_application_id_roles.sync_detailed(
        "demo-m2m", client=admin, body=body
    )
    assert (ok(replaced, model=False), replaced.content) == (None, b"OK")
    roles = ok(get_api_applications_application_id_roles.sync_detailed("demo-m2m", client=admin))
    assert [r.id for r in roles] == ["role-b"]
