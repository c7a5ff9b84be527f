"""What a third-party application asks its users to consent to, and what they consented to.

`/api/applications/:applicationId/user-consent-scopes` (core/routes/applications/
application-user-consent-scope.ts) and `/api/applications/:id/users/:userId/
consent-organizations` (application-user-consent-organization.ts); the checks are
libraries/application.ts's. The sign-in of a third-party app reads both.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from .. import zod
from ..errors import MembershipRequired
from ..http.responses import JSONResponse
from ..models import Application, Scope, Tenant
from ..ops import applications
from . import application_guards as guards
from . import shapes
from .common import Handler, body_value, created, no_content, tenant_of, unprocessable
from .pagination import page_of, paginated

#: Scope type in the path → the application's list of consented ids.
_CONSENT_LISTS = {
    "organization-scopes": "consent_organization_scopes",
    "resource-scopes": "consent_resource_scopes",
    "organization-resource-scopes": "consent_organization_resource_scopes",
    "user-scopes": "consent_user_scopes",
}
_PARAMS = zod.Obj(
    {
        "applicationId": zod.Str(),
        "scopeType": zod.Enum(guards.CONSENT_SCOPE_TYPES),
        "scopeId": zod.Str(),
    }
)


def third_party_of(tenant: Tenant, app_id: str) -> Application:
    """`validateThirdPartyApplicationById`: 404 for an unknown app, 422 for a first-party one."""
    app = applications.get(tenant, app_id)
    if not app.is_third_party:
        raise unprocessable(
            "application.third_party_application_only",
            "The feature is only available for third-party applications.",
        )
    return app


def _check_scopes(tenant: Tenant, data: dict[str, Any]) -> None:
    """Every id names a scope; no Management API scope (422s of Logto's)."""
    resource_scopes = {s.id: s for r in tenant.resources.values() for s in r.scopes}
    invalid = {
        "invalidOrganizationScopes": [
            s for s in data.get("organizationScopes", []) if s not in tenant.organization_scopes
        ],
        "invalidResourceScopes": [
            s for s in data.get("resourceScopes", []) if s not in resource_scopes
        ],
        "invalidOrganizationResourceScopes": [
            s for s in data.get("organizationResourceScopes", []) if s not in resource_scopes
        ],
    }
    if any(invalid.values()):
        error = unprocessable(
            "application.user_consent_scopes_not_found", "Invalid user consent scopes."
        )
        error.data = invalid
        raise error
    management = tenant.resource_by_indicator(tenant.management_api_indicator)
    asked = [*data.get("resourceScopes", []), *data.get("organizationResourceScopes", [])]
    if management is not None and any(
        resource_scopes[s].resource_id == management.id for s in asked
    ):
        raise unprocessable(
            "application.consent_management_api_scopes_not_allowed",
            "Management API scopes are not allowed.",
        )


async def assign_scopes(request: Request) -> Response:
    """`POST …/user-consent-scopes` (201): added to what is there (duplicates kept once)."""
    data = zod.parse(guards.CONSENT_SCOPES, await body_value(request))
    tenant = tenant_of(request)
    app = third_party_of(tenant, request.path_params["applicationId"])
    _check_scopes(tenant, data)
    for key, attribute in (
        ("organizationScopes", "consent_organization_scopes"),
        ("resourceScopes", "consent_resource_scopes"),
        ("organizationResourceScopes", "consent_organization_resource_scopes"),
        ("userScopes", "consent_user_scopes"),
    ):
        held: list[str] = getattr(app, attribute)
        held.extend(s for s in dict.fromkeys(data.get(key, [])) if s not in held)
    return created()


def _by_resource(tenant: Tenant, scope_ids: list[str]) -> list[dict[str, Any]]:
    """Scopes grouped by their resource, in the order first met."""
    groups: dict[str, list[Scope]] = {}
    for scope_id in scope_ids:
        scope = tenant.find_scope(scope_id)
        if scope is not None:
            groups.setdefault(scope.resource_id, []).append(scope)
    answer = []
    for resource_id, scopes in groups.items():
        resource = tenant.resources[resource_id]
        answer.append(
            {
                "resource": {
                    "id": resource.id,
                    "name": resource.name,
                    "indicator": resource.indicator,
                },
                "scopes": [
                    {"id": s.id, "name": s.name, "description": s.description} for s in scopes
                ],
            }
        )
    return answer


def consent_scopes(tenant: Tenant, app: Application) -> dict[str, Any]:
    """The `GET …/user-consent-scopes` body (user scopes in the database's order: sorted)."""
    organization_scopes = [
        tenant.organization_scopes[s]
        for s in app.consent_organization_scopes
        if s in tenant.organization_scopes
    ]
    return {
        "organizationScopes": [
            {"id": s.id, "name": s.name, "description": s.description} for s in organization_scopes
        ],
        "resourceScopes": _by_resource(tenant, app.consent_resource_scopes),
        "organizationResourceScopes": _by_resource(
            tenant, app.consent_organization_resource_scopes
        ),
        "userScopes": sorted(app.consent_user_scopes),
    }


async def get_scopes(request: Request) -> Response:
    """`GET …/user-consent-scopes`: any application (a first-party one has none)."""
    tenant = tenant_of(request)
    app = applications.get(tenant, request.path_params["applicationId"])
    return JSONResponse(consent_scopes(tenant, app))


async def remove_scope(request: Request) -> Response:
    """`DELETE …/user-consent-scopes/:scopeType/:scopeId` (204; 404 when not consented)."""
    params = zod.parse(_PARAMS, dict(request.path_params), "params")
    app = applications.get(tenant_of(request), params["applicationId"])
    held: list[str] = getattr(app, _CONSENT_LISTS[params["scopeType"]])
    if params["scopeId"] not in held:
        raise applications.not_found()
    held.remove(params["scopeId"])
    return no_content()


# ------------------------------------------------------------------ consent organizations

_ORGANIZATION_IDS = zod.Arr(zod.Str(min=1))


def _consenting(request: Request) -> tuple[Tenant, Application, str]:
    """The `router.use` in front of every consent-organizations route.

    A third-party app, then a known user (404 `entity.not_found`).
    """
    tenant = tenant_of(request)
    app = third_party_of(tenant, request.path_params["id"])
    user_id = request.path_params["userId"]
    if user_id not in tenant.users:
        raise applications.not_found()
    return tenant, app, user_id


def _check_membership(tenant: Tenant, user_id: str, organization_ids: list[str]) -> None:
    for org_id in organization_ids:
        org = tenant.organizations.get(org_id)
        if org is None or user_id not in org.user_roles:
            raise MembershipRequired()


def consented_organizations(tenant: Tenant, app: Application, user_id: str) -> list[str]:
    """The organizations the user let the app see that still exist."""
    return [o for o in app.consent_organizations.get(user_id, []) if o in tenant.organizations]


async def list_organizations(request: Request) -> Response:
    """`GET …/consent-organizations`: `{organizations}`, paginated (headers only)."""
    page_of(request, optional=False)
    tenant, app, user_id = _consenting(request)
    orgs = [tenant.organizations[o] for o in consented_organizations(tenant, app, user_id)]
    return paginated(
        request,
        orgs,
        shape=lambda o: shapes.organization(o, tenant.id),
        wrap=lambda page: {"organizations": page},
    )


async def add_organizations(request: Request) -> Response:
    """`POST …/consent-organizations` (201; a non-empty list, all the user's organizations)."""
    tenant, app, user_id = _consenting(request)  # `router.use`: before the route's own guard
    body = zod.parse(
        zod.Obj({"organizationIds": zod.Arr(zod.Str(min=1), min=1)}),
        await body_value(request),
    )
    _check_membership(tenant, user_id, body["organizationIds"])
    held = app.consent_organizations.setdefault(user_id, [])
    held.extend(o for o in dict.fromkeys(body["organizationIds"]) if o not in held)
    return created()


async def replace_organizations(request: Request) -> Response:
    """`PUT …/consent-organizations` (204; an empty list clears them)."""
    tenant, app, user_id = _consenting(request)  # `router.use`: before the route's own guard
    body = zod.parse(zod.Obj({"organizationIds": _ORGANIZATION_IDS}), await body_value(request))
    _check_membership(tenant, user_id, body["organizationIds"])
    app.consent_organizations[user_id] = list(dict.fromkeys(body["organizationIds"]))
    return no_content()


async def remove_organization(request: Request) -> Response:
    """`DELETE …/consent-organizations/:organizationId` (204; 404 when not consented)."""
    tenant, app, user_id = _consenting(request)
    held = app.consent_organizations.get(user_id, [])
    org_id = request.path_params["organizationId"]
    if org_id not in held:
        raise applications.not_found()
    held.remove(org_id)
    return no_content()


#: (method, path under /api, handler): the routes of this module, in matching order.
ROUTES: tuple[tuple[str, str, Handler], ...] = (
    ("GET", "/applications/{applicationId}/user-consent-scopes", get_scopes),
    ("POST", "/applications/{applicationId}/user-consent-scopes", assign_scopes),
    (
        "DELETE",
        "/applications/{applicationId}/user-consent-scopes/{scopeType}/{scopeId}",
        remove_scope,
    ),
    ("GET", "/applications/{id}/users/{userId}/consent-organizations", list_organizations),
    ("POST", "/applications/{id}/users/{userId}/consent-organizations", add_organizations),
    ("PUT", "/applications/{id}/users/{userId}/consent-organizations", replace_organizations),
    (
        "DELETE",
        "/applications/{id}/users/{userId}/consent-organizations/{organizationId}",
        remove_organization,
    ),
)
