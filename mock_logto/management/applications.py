"""`/api/applications`: OIDC clients, their secrets, M2M roles, custom data and organizations.

Each route follows its Logto route file (core/routes/applications/*.ts): the guard (query, then
body, then path), then the checks in Logto's order. Which 404 an unknown id gets depends on the
query that meets it: `findApplicationById` answers `entity.not_exists_with_id`, an update of a
missing row `entity.not_exists`, a delete of a missing row `entity.not_found`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, cast

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from .. import zod
from ..errors import ManagementApiError
from ..http.responses import JSONResponse
from ..models import DEFAULT_SECRET_NAME, Application, ApplicationSecret, ApplicationType
from ..ops import applications, roles
from . import application_guards as guards
from . import shapes, sql_search
from .common import (
    Handler,
    bad_request,
    body_value,
    created,
    new_id,
    new_secret,
    no_content,
    now_ms,
    stored,
    tenant_of,
    unprocessable,
)
from .pagination import paginated


def application_of(request: Request, param: str = "id") -> Application:
    """`findApplicationById`: the application named by the path, else 404 naming the table."""
    return applications.get(tenant_of(request), request.path_params[param])


def not_found() -> Exception:
    """A delete that met no row (`DeletionError` → 404 `entity.not_found`)."""
    return applications.not_found()


def _query(request: Request, schema: zod.Schema) -> dict[str, Any]:
    parsed: dict[str, Any] = zod.parse(
        schema, zod.query_of(request.query_params.multi_items()), "query"
    )
    return parsed


def _search(request: Request, fields: tuple[str, ...]) -> Callable[[sql_search.Row], bool]:
    return sql_search.row_filter(request.query_params, fields)


async def list_applications(request: Request) -> Response:
    """`GET /api/applications`.

    `types`, `excludeRoleId`, `excludeOrganizationId`, `isThirdParty`, `search` (id, name,
    description); pagination only when asked for.
    """
    query = _query(request, guards.LIST_QUERY)
    if query.get("excludeRoleId") and query.get("excludeOrganizationId"):
        raise bad_request(
            "request.invalid_input",
            "Input is invalid. Parameter `excludeRoleId` and `excludeOrganizationId` cannot be "
            "used at the same time.",
        )
    search = _search(request, sql_search.APPLICATION_FIELDS)
    tenant = tenant_of(request)
    apps = applications.newest_first(list(tenant.applications.values()))
    excluded_role = query.get("excludeRoleId")
    if excluded_role:
        apps = [a for a in apps if excluded_role not in a.role_ids]
    excluded_org = tenant.organizations.get(query.get("excludeOrganizationId") or "")
    if excluded_org is not None:
        apps = [a for a in apps if a.id not in excluded_org.application_roles]
    if query.get("types"):
        apps = [a for a in apps if a.type in query["types"]]
    if "isThirdParty" in query:
        third_party = query["isThirdParty"] == "true"
        apps = [a for a in apps if a.is_third_party == third_party]
    apps = [a for a in apps if search({"id": a.id, "name": a.name, "description": a.description})]
    return paginated(request, apps, optional=True, shape=lambda a: shapes.application(a, tenant.id))


#: Logto's built-in applications (@logto/schemas `seeds/application.ts`): answered by id only.
BUILT_IN = {
    "demo-app": ("Live Preview", "Preview for Sign-in Experience."),
    "account-center": ("Account Center", "Placeholder application for Account Center."),
}


def _built_in(tenant_id: str, app_id: str) -> dict[str, Any]:
    name, description = BUILT_IN[app_id]
    return {
        "tenantId": tenant_id,
        "id": app_id,
        "name": name,
        "secret": "N/A",
        "description": description,
        "type": "SPA",
        "oidcClientMetadata": {"redirectUris": [], "postLogoutRedirectUris": []},
        "customClientMetadata": {},
        "protectedAppMetadata": None,
        "isThirdParty": False,
        "createdAt": 0,
        "customData": {},
        "isAdmin": False,
    }


async def get_application(request: Request) -> Response:
    """`GET /api/applications/:id`, with `isAdmin` (the legacy internal admin role)."""
    tenant = tenant_of(request)
    if request.path_params["id"] in BUILT_IN:
        return JSONResponse(_built_in(tenant.id, request.path_params["id"]))
    app = application_of(request)
    body = {**shapes.application(app, tenant.id), "isAdmin": roles.is_admin(tenant, app)}
    return JSONResponse(body)


def _check_create(data: dict[str, Any]) -> None:
    """What `POST /applications` checks after its guard, in its order."""
    kind = data["type"]
    if kind == "SAML":
        raise bad_request(
            "application.saml.use_saml_app_api",
            "Use `[METHOD] /saml-applications(/.*)?` API to operate SAML app.",
        )
    if kind == "Protected" and not data.get("protectedAppMetadata"):
        raise bad_request(
            "application.protected_app_metadata_is_required", "Protected app metadata is required."
        )
    if data.get("isThirdParty"):
        if kind not in ("Traditional", "SPA", "Native"):
            raise bad_request(
                "application.invalid_third_party_application_type",
                "Only traditional web, single-page, and native applications can be marked as "
                "third-party apps.",
            )
        metadata = data.get("customClientMetadata") or {}
        applications.check_token_exchange(True, metadata)
    if kind == "Protected":  # libraries/protected-app.ts `buildProtectedAppData`, in OSS
        if not re.fullmatch(
            r"[\da-z]([\da-z-]{0,61}[\da-z])?", data["protectedAppMetadata"]["subDomain"]
        ):
            raise unprocessable("application.invalid_subdomain", "Invalid subdomain.")
        raise ManagementApiError(
            "application.protected_app_not_configured",
            "Protected app provider is not configured. This feature is not available for open "
            "source version.",
            status_code=501,
        )


async def create_application(request: Request) -> Response:
    """`POST /api/applications` (200, as Logto answers it)."""
    data = zod.parse(guards.CREATE, await body_value(request))
    _check_create(data)
    tenant = tenant_of(request)
    now = now_ms(request)
    metadata = {
        "redirectUris": [],
        "postLogoutRedirectUris": [],
        **data.get("oidcClientMetadata", {}),
    }
    app = Application(
        id=new_id(),
        name=data["name"],
        type=cast(ApplicationType, data["type"]),
        internal_secret="#internal:" + new_secret(),
        description=stored(data.get("description")),
        redirect_uris=list(metadata["redirectUris"]),
        post_logout_redirect_uris=list(metadata["postLogoutRedirectUris"]),
        custom_client_metadata=dict(data.get("customClientMetadata", {})),
        custom_data=dict(data.get("customData", {})),
        is_third_party=bool(data.get("isThirdParty")),
        created_at=now,
    )
    if app.is_confidential:
        applications.add_secret(app, ApplicationSecret(DEFAULT_SECRET_NAME, new_secret(), now))
    applications.create(tenant, app)
    return JSONResponse(shapes.application(app, tenant.id))


async def update_application(request: Request) -> Response:
    """`PATCH /api/applications/:id`.

    What is given replaces the stored value whole (`updateApplicationById(id, rest,
    'replace')`); `type` and `isThirdParty` are not in the guard, so they are ignored.
    """
    data = zod.parse(guards.PATCH, await body_value(request))
    app = application_of(request)
    metadata = data.get("customClientMetadata") or {}
    applications.check_token_exchange(app.is_third_party, metadata)
    if data.get("protectedAppMetadata"):
        raise bad_request(
            "application.protected_application_only",
            "The feature is only available for protected applications.",
        )
    if "name" in data:
        app.name = data["name"]
    if "description" in data:
        app.description = stored(data["description"])
    if "oidcClientMetadata" in data:
        app.redirect_uris = list(data["oidcClientMetadata"]["redirectUris"])
        app.post_logout_redirect_uris = list(data["oidcClientMetadata"]["postLogoutRedirectUris"])
    if "customClientMetadata" in data:
        app.custom_client_metadata = dict(metadata)
    if "customData" in data:
        app.custom_data = dict(data["customData"])
    tenant = tenant_of(request)
    if "isAdmin" in data:  # deprecated: the internal admin role, given or taken
        admin = roles.internal_admin(tenant)
        if data["isAdmin"]:
            roles.link(app, admin)
        elif admin.id in app.role_ids:
            roles.unlink(app, admin.id)
    return JSONResponse(shapes.application(app, tenant.id))


async def delete_application(request: Request) -> Response:
    """`DELETE /api/applications/:id` (204): its tokens stop being issued at once."""
    applications.delete(tenant_of(request), application_of(request))
    return no_content()


async def update_custom_data(request: Request) -> Response:
    """`PATCH /api/applications/:applicationId/custom-data`.

    The bare object, merged at the top level into the stored one (jsonb `||`); answers the whole
    custom data.
    """
    data = zod.parse(zod.JsonObject(), await body_value(request))
    app = tenant_of(request).applications.get(request.path_params["applicationId"])
    if app is None:
        raise applications.update_missed("application")
    app.custom_data = {**app.custom_data, **data}
    return JSONResponse(dict(app.custom_data))


async def list_organizations(request: Request) -> Response:
    """`GET /api/applications/:id/organizations`: each with the app's roles in it."""
    app = application_of(request)
    tenant = tenant_of(request)
    items = []
    for org in tenant.organizations.values():
        if app.id not in org.application_roles:
            continue
        held = [tenant.organization_roles.get(r) for r in org.application_roles[app.id]]
        items.append(
            {
                **shapes.organization(org, tenant.id),
                "organizationRoles": [{"id": r.id, "name": r.name} for r in held if r],
            }
        )
    return paginated(request, items, optional=True)


# ------------------------------------------------------------------ secrets


async def delete_legacy_secret(request: Request) -> Response:
    """`DELETE /api/applications/:id/legacy-secret`.

    A plain (legacy) secret becomes an internal one, and stops working at the token endpoint.
    """
    app = application_of(request)
    if not app.internal_secret or app.internal_secret.startswith("#internal:"):
        raise bad_request(
            "application.no_legacy_secret_found", "The application does not have a legacy secret."
        )
    app.internal_secret = "#internal:" + new_secret()
    return JSONResponse(shapes.application(app, tenant_of(request).id))


async def list_secrets(request: Request) -> Response:
    """`GET /api/applications/:id/secrets`."""
    app = application_of(request)
    tenant_id = tenant_of(request).id
    return JSONResponse([shapes.application_secret(s, app.id, tenant_id) for s in app.secrets])


async def create_secret(request: Request) -> Response:
    """`POST /api/applications/:id/secrets` (201): usable at once at the token endpoint.

    No check of the application first: a missing one is the foreign key's 404.
    """
    data = zod.parse(guards.SECRET_CREATE, await body_value(request))
    now = now_ms(request)
    expires_at = data.get("expiresAt")
    if expires_at and expires_at <= now:
        raise bad_request(
            "request.invalid_input",
            "Input is invalid. The value of `expiresAt` must be in the future.",
        )
    app = tenant_of(request).applications.get(request.path_params["id"])
    if app is None:
        raise applications.foreign_key_missing()
    secret = ApplicationSecret(
        data["name"], new_secret(), now, int(expires_at) if expires_at else None
    )
    applications.add_secret(app, secret)
    return JSONResponse(
        shapes.application_secret(secret, app.id, tenant_of(request).id), status_code=201
    )


async def rename_secret(request: Request) -> Response:
    """`PATCH /api/applications/:id/secrets/:name` (`name` only)."""
    data = zod.parse(guards.SECRET_PATCH, await body_value(request))
    app = tenant_of(request).applications.get(request.path_params["id"])
    secret = applications.find_secret(app, request.path_params["name"])
    if secret is None or app is None:
        raise applications.update_missed("application_secret")
    applications.rename_secret(app, secret, data["name"])
    return JSONResponse(shapes.application_secret(secret, app.id, tenant_of(request).id))


async def delete_secret(request: Request) -> Response:
    """`DELETE /api/applications/:id/secrets/:name` (204): refused at the token endpoint next."""
    app = tenant_of(request).applications.get(request.path_params["id"])
    if app is None or applications.find_secret(app, request.path_params["name"]) is None:
        raise not_found()
    applications.delete_secret(app, request.path_params["name"])
    return no_content()


# ------------------------------------------------------------------ roles


def _m2m_application_of(request: Request) -> Application:
    app = application_of(request, "applicationId")
    roles.check_holder(app)
    return app


async def list_roles(request: Request) -> Response:
    """`GET /api/applications/:applicationId/roles`.

    Its M2M roles (`search` on id, name, description); 422 for an app of another type.
    """
    app = _m2m_application_of(request)
    search = _search(request, sql_search.ROLE_FIELDS)
    tenant = tenant_of(request)
    held = [
        r
        for r in roles.listed(tenant)
        if r.id in app.role_ids
        and r.type == "MachineToMachine"
        and search({"id": r.id, "name": r.name, "description": r.description})
    ]
    return paginated(request, held, shape=lambda r: shapes.role(r, tenant.id))


async def assign_roles(request: Request) -> Response:
    """`POST /api/applications/:applicationId/roles` (201).

    Known roles checked (held already, wrong type) before unknown ids are looked up.
    """
    data = zod.parse(guards.ROLE_IDS, await body_value(request))
    app = _m2m_application_of(request)
    tenant = tenant_of(request)
    role_ids: list[str] = data["roleIds"]
    for role_id in dict.fromkeys(role_ids):
        found = tenant.roles.get(role_id)
        if found is None:
            continue
        if role_id in app.role_ids:
            raise unprocessable(
                "application.role_exists",
                f"The role id {role_id} is already been added to this application.",
            )
        roles.check_type(app, found)
    for role in [roles.get(tenant, role_id) for role_id in role_ids]:
        roles.link(app, role)
    return created()


async def replace_roles(request: Request) -> Response:
    """`PUT /api/applications/:applicationId/roles`: the roles become exactly `roleIds`.

    Logto's quirk, kept: when no role is new, the empty insert fails with a 422 after the
    removals were made (golden2/applications-more/50, 51); otherwise 200 `OK`.
    """
    data = zod.parse(guards.ROLE_IDS, await body_value(request))
    app = _m2m_application_of(request)
    tenant = tenant_of(request)
    wanted: list[str] = data["roleIds"]
    to_add = [r for r in dict.fromkeys(wanted) if r not in app.role_ids]
    new_roles = [roles.get(tenant, role_id) for role_id in to_add]
    app.role_ids = [r for r in app.role_ids if r in wanted]
    if not new_roles:
        raise unprocessable("entity.invalid_input", "Invalid input. Value list must not be empty.")
    for role in new_roles:
        roles.link(app, role)
    return PlainTextResponse("OK")


async def remove_role(request: Request) -> Response:
    """`DELETE /api/applications/:applicationId/roles/:roleId` (204)."""
    app = _m2m_application_of(request)
    if request.path_params["roleId"] not in app.role_ids:
        raise not_found()
    roles.unlink(app, request.path_params["roleId"])
    return no_content()


async def protected_app_domains(request: Request) -> Response:
    """`…/protected-app-metadata/custom-domains` (GET, POST, DELETE).

    Logto's `router.use` asks for a Protected app first (404, then 422), and the mock has none
    (no protected-app provider, as Logto OSS).
    """
    app = application_of(request)
    raise unprocessable(
        "application.protected_application_only",
        "The feature is only available for protected applications.",
    ) from ValueError(f"{app.type} is not a Protected application")


#: (method, path under /api, handler): the routes of this module, in matching order.
ROUTES: tuple[tuple[str, str, Handler], ...] = (
    ("GET", "/applications", list_applications),
    ("POST", "/applications", create_application),
    ("GET", "/applications/{id}", get_application),
    ("PATCH", "/applications/{id}", update_application),
    ("DELETE", "/applications/{id}", delete_application),
    ("PATCH", "/applications/{applicationId}/custom-data", update_custom_data),
    ("GET", "/applications/{id}/organizations", list_organizations),
    ("DELETE", "/applications/{id}/legacy-secret", delete_legacy_secret),
    ("GET", "/applications/{id}/secrets", list_secrets),
    ("POST", "/applications/{id}/secrets", create_secret),
    ("PATCH", "/applications/{id}/secrets/{name}", rename_secret),
    ("DELETE", "/applications/{id}/secrets/{name}", delete_secret),
    ("GET", "/applications/{applicationId}/roles", list_roles),
    ("POST", "/applications/{applicationId}/roles", assign_roles),
    ("PUT", "/applications/{applicationId}/roles", replace_roles),
    ("DELETE", "/applications/{applicationId}/roles/{roleId}", remove_role),
    ("GET", "/applications/{id}/protected-app-metadata/custom-domains", protected_app_domains),
    ("POST", "/applications/{id}/protected-app-metadata/custom-domains", protected_app_domains),
    (
        "DELETE",
        "/applications/{id}/protected-app-metadata/custom-domains/{domain}",
        protected_app_domains,
    ),
)
