"""Every answer of the Management API's GET routes for one tenant, to compare two servers.

`management_answers` walks every list and every entity it lists, through each GET route the
mock serves (`ROUTES_WALKED` names them, so a test can see a new route left out), and keeps
status, `Total-Number` and the whole body of each.
"""

from __future__ import annotations

from typing import Any

import httpx2

from mock_logto.management.router import SERVED

#: One page holds every entity of the tenants compared (the walk checks it).
PAGE = {"page": "1", "page_size": "100"}
#: The built-in Management API scope is created when a tenant is loaded: its time differs.
BUILT_IN_SCOPE = "management-api-all"


class Walk:
    """GETs of one server, recorded by path, with the route templates they used."""

    def __init__(self, client: httpx2.Client) -> None:
        self.client = client
        self.answers: dict[str, Any] = {}
        self.templates: set[str] = set()

    def get(self, template: str, path: str, query: str = "") -> Any:
        response = self.client.get(f"/api{path}{query}", params=PAGE)
        assert response.status_code == 200, (path, response.status_code, response.text)
        total = response.headers.get("total-number")
        if total is not None:
            assert int(total) <= int(PAGE["page_size"]), f"{path}: more than a page"
        self.templates.add(template)
        body = _scrubbed(response.json())
        self.answers[path + query] = {"total": total, "body": body}
        return body


def _scrubbed(value: Any) -> Any:
    """The built-in scope's creation time replaced (volatile: the load time)."""
    if isinstance(value, list):
        return [_scrubbed(v) for v in value]
    if isinstance(value, dict):
        scrubbed = {k: _scrubbed(v) for k, v in value.items()}
        if scrubbed.get("id") == BUILT_IN_SCOPE and "createdAt" in scrubbed:
            scrubbed["createdAt"] = "(load time)"
        return scrubbed
    return value


def management_answers(client: httpx2.Client) -> Walk:
    """Walk every GET route over the tenant `client` (with a Management API token) serves."""
    walk = Walk(client)
    get = walk.get
    for app in get("/applications", "/applications"):
        path = f"/applications/{app['id']}"
        get("/applications/{id}", path)
        get("/applications/{id}/secrets", path + "/secrets")
        get("/applications/{id}/organizations", path + "/organizations")
        get("/applications/{applicationId}/user-consent-scopes", path + "/user-consent-scopes")
        if app["type"] == "MachineToMachine":  # others: 422 `application.invalid_type`
            get("/applications/{applicationId}/roles", path + "/roles")
        if app["isThirdParty"]:
            for user in walk.client.get("/api/users", params=PAGE).json():
                get(
                    "/applications/{id}/users/{userId}/consent-organizations",
                    f"{path}/users/{user['id']}/consent-organizations",
                )
    for user in get("/users", "/users"):
        path = f"/users/{user['id']}"
        get("/users/{id}", path)
        get("/users/{id}/custom-data", path + "/custom-data")
        get("/users/{id}/roles", path + "/roles")
        get("/users/{id}/organizations", path + "/organizations")
        get("/users/{id}/personal-access-tokens", path + "/personal-access-tokens")
        get("/users/{id}/has-password", path + "/has-password")
        get("/users/{id}/logto-configs", path + "/logto-configs")
        get("/users/{id}/mfa-verifications", path + "/mfa-verifications")
        for target in get("/users/{id}/all-identities", path + "/all-identities")[
            "socialIdentities"
        ]:
            get("/users/{id}/identities/{target}", f"{path}/identities/{target['target']}")
    get("/resources", "/resources", "?includeScopes=true")
    for resource in get("/resources", "/resources"):
        path = f"/resources/{resource['id']}"
        get("/resources/{id}", path)
        get("/resources/{id}/scopes", path + "/scopes")
    for role in get("/roles", "/roles"):
        path = f"/roles/{role['id']}"
        get("/roles/{id}", path)
        for part in ("scopes", "users", "applications"):
            get(f"/roles/{{id}}/{part}", f"{path}/{part}")
    for org in get("/organizations", "/organizations"):
        path = f"/organizations/{org['id']}"
        get("/organizations/{id}", path)
        for user in get("/organizations/{id}/users", path + "/users"):
            get("/organizations/{id}/users/{userId}/roles", f"{path}/users/{user['id']}/roles")
            get("/organizations/{id}/users/{userId}/scopes", f"{path}/users/{user['id']}/scopes")
        for part in ("email-domains", "roles", "sso-connectors"):
            get(f"/organizations/{{id}}/jit/{part}", f"{path}/jit/{part}")
        for app in get("/organizations/{id}/applications", path + "/applications"):
            get(
                "/organizations/{id}/applications/{applicationId}/roles",
                f"{path}/applications/{app['id']}/roles",
            )
    for scope in get("/organization-scopes", "/organization-scopes"):
        get("/organization-scopes/{id}", f"/organization-scopes/{scope['id']}")
    for role in get("/organization-roles", "/organization-roles"):
        path = f"/organization-roles/{role['id']}"
        get("/organization-roles/{id}", path)
        get("/organization-roles/{id}/scopes", path + "/scopes")
        get("/organization-roles/{id}/resource-scopes", path + "/resource-scopes")
    for invitation in get("/organization-invitations", "/organization-invitations"):
        get("/organization-invitations/{id}", f"/organization-invitations/{invitation['id']}")
    for token in get("/one-time-tokens", "/one-time-tokens"):
        get("/one-time-tokens/{id}", f"/one-time-tokens/{token['id']}")
    get("/hooks", "/hooks", "?includeExecutionStats=true")
    for hook in get("/hooks", "/hooks"):
        path = f"/hooks/{hook['id']}"
        get("/hooks/{id}", path)
        get("/hooks/{id}/recent-logs", path + "/recent-logs")
    for config in get("/configs/jwt-customizer", "/configs/jwt-customizer"):
        kind = {"jwt.accessToken": "access-token", "jwt.clientCredentials": "client-credentials"}
        path = f"/configs/jwt-customizer/{kind[config['key']]}"
        get("/configs/jwt-customizer/{tokenTypePath}", path)
    get("/configs/id-token", "/configs/id-token")
    get("/sign-in-exp", "/sign-in-exp")
    get("/account-center", "/account-center")
    for factory in get("/connector-factories", "/connector-factories"):
        get("/connector-factories/{id}", f"/connector-factories/{factory['id']}")
    for connector in get("/connectors", "/connectors"):
        get("/connectors/{id}", f"/connectors/{connector['id']}")
    get("/dashboard/users/total", "/dashboard/users/total")
    for field in get("/custom-profile-fields", "/custom-profile-fields"):
        get("/custom-profile-fields/{name}", f"/custom-profile-fields/{field['name']}")
    return walk


#: GET routes whose answers are the server's, not the tenant's: its signing keys (a key file
#: carries those: `serve --key-file`).
SERVER_STATE = {
    "/configs/oidc/{keyType}",
    # What the server did (audit logs) and counts by the clock's day.
    "/logs",
    "/logs/{id}",
    "/dashboard/users/new",
    "/dashboard/users/active",
}
#: GET routes that never answer 200 from the mock: custom domains need a Protected app, which
#: Logto OSS (and so the mock) cannot create; no enterprise SSO identities exist.
NEVER_200 = {
    "/applications/{id}/protected-app-metadata/custom-domains",
    "/users/{id}/sso-identities/{ssoConnectorId}",
}
#: GET routes that answer 404 until something is set (compared by the tests of their own).
NOT_SET = {"/applications/{applicationId}/sign-in-experience"}
#: Entities fixture files do not carry yet (an export leaves them out): one-time tokens and
#: organization invitations, walked through their lists only.
NOT_IN_FIXTURES = {"/organization-invitations/{id}", "/one-time-tokens/{id}"}
#: Every GET route of the Management API the mock serves that answers from the tenant.
GET_ROUTES = (
    {path for method, path, _ in SERVED if method == "GET"}
    - SERVER_STATE
    - NEVER_200
    - NOT_SET
    - NOT_IN_FIXTURES
)
