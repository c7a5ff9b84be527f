"""The route table of `/api`: what is served, what answers 501, and Logto's 404 for the rest.

A route of Logto's Management API that is not served yet answers 501 naming it (the list of
Logto's routes is `logto_routes.json`, taken from the OpenAPI document Logto v1.37.0 serves);
any other path answers Logto's plain `Not Found`.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources as package_files

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from ..errors import ManagementApiError
from ..http.responses import JSONResponse
from . import (
    applications,
    hooks,
    jwt_customizer,
    oidc_keys,
    openapi,
    organizations,
    resources,
    roles,
    subject_tokens,
    users,
)
from .common import Handler, guarded, tenant_of
from .events import with_events
from .guard import authenticate


def _data(name: str) -> str:
    return package_files.files(__package__ or __name__).joinpath(name).read_text(encoding="utf-8")


async def sign_in_experience(request: Request) -> Response:
    """`GET /api/sign-in-exp`: a new Logto tenant's (username and password sign-in)."""
    tenant = tenant_of(request)
    return JSONResponse({"tenantId": tenant.id, "id": "default", **tenant.sign_in_experience})


@cache
def _logto_routes() -> list[tuple[str, re.Pattern[str], str]]:
    table = []
    for method, path in json.loads(_data("logto_routes.json"))["routes"]:
        segments = ("[^/]+" if s.startswith("{") else re.escape(s) for s in path.split("/"))
        table.append((method, re.compile("^" + "/".join(segments) + "$"), path))
    return table


def logto_route(method: str, path: str) -> str | None:
    """The template of Logto's route serving `method path`, if Logto has one."""
    for route_method, pattern, template in _logto_routes():
        if route_method == method and pattern.match(path):
            return template
    return None


def logto_methods(path: str) -> list[str]:
    """The methods Logto serves at `path`, as koa-router lists them (HEAD with GET)."""
    methods: list[str] = []
    for route_method, pattern, _ in _logto_routes():
        if pattern.match(path) and route_method not in methods:
            methods.extend(["HEAD", "GET"] if route_method == "GET" else [route_method])
    return methods


async def unserved(request: Request) -> Response:
    """Logto's routes the mock lacks: 501 naming them; anything else: Logto's 404.

    Other methods of a path Logto serves get koa-router's `allowedMethods` answer: OPTIONS lists
    them (200, `Allow`), any other method is 405.
    """
    authenticate(request)
    template = logto_route(request.method, request.url.path)
    if template is None:
        allowed = logto_methods(request.url.path)
        if not allowed:
            return PlainTextResponse("Not Found", status_code=404)
        headers = {"Allow": ", ".join(allowed)}
        if request.method == "OPTIONS":
            return Response(b"", status_code=200, headers=headers)
        return PlainTextResponse("Method Not Allowed", status_code=405, headers=headers)
    raise ManagementApiError(
        "mock.not_implemented",
        f"mock-logto does not serve {request.method} {template} of Logto's Management API yet.",
        status_code=501,
        data={"method": request.method, "route": template},
    )


#: (method, path under /api, handler): what is served.
SERVED: tuple[tuple[str, str, Handler], ...] = (
    ("GET", "/applications", applications.list_applications),
    ("POST", "/applications", applications.create_application),
    ("GET", "/applications/{id}", applications.get_application),
    ("PATCH", "/applications/{id}", applications.update_application),
    ("DELETE", "/applications/{id}", applications.delete_application),
    ("GET", "/applications/{id}/secrets", applications.list_secrets),
    ("POST", "/applications/{id}/secrets", applications.create_secret),
    ("DELETE", "/applications/{id}/secrets/{name}", applications.delete_secret),
    ("GET", "/applications/{id}/roles", applications.list_roles),
    ("POST", "/applications/{id}/roles", applications.assign_roles),
    ("DELETE", "/applications/{id}/roles/{roleId}", applications.remove_role),
    ("GET", "/users", users.list_users),
    ("POST", "/users", users.create_user),
    ("GET", "/users/{id}", users.get_user),
    ("PATCH", "/users/{id}", users.update_user),
    ("DELETE", "/users/{id}", users.delete_user),
    ("PATCH", "/users/{id}/password", users.update_password),
    ("GET", "/users/{id}/custom-data", users.get_custom_data),
    ("PATCH", "/users/{id}/custom-data", users.update_custom_data),
    ("PATCH", "/users/{id}/is-suspended", users.set_suspension),
    ("GET", "/users/{id}/roles", users.list_roles),
    ("POST", "/users/{id}/roles", users.assign_roles),
    ("DELETE", "/users/{id}/roles/{roleId}", users.remove_role),
    ("GET", "/users/{id}/organizations", users.list_organizations),
    ("GET", "/users/{id}/personal-access-tokens", users.list_personal_access_tokens),
    ("POST", "/users/{id}/personal-access-tokens", users.create_personal_access_token),
    ("DELETE", "/users/{id}/personal-access-tokens/{name}", users.delete_personal_access_token),
    ("GET", "/resources", resources.list_resources),
    ("POST", "/resources", resources.create_resource),
    ("GET", "/resources/{id}", resources.get_resource),
    ("PATCH", "/resources/{id}", resources.update_resource),
    ("DELETE", "/resources/{id}", resources.delete_resource),
    ("PATCH", "/resources/{id}/is-default", resources.set_default),
    ("GET", "/resources/{id}/scopes", resources.list_scopes),
    ("POST", "/resources/{id}/scopes", resources.create_scope),
    ("PATCH", "/resources/{id}/scopes/{scopeId}", resources.update_scope),
    ("DELETE", "/resources/{id}/scopes/{scopeId}", resources.delete_scope),
    ("GET", "/roles", roles.list_roles),
    ("POST", "/roles", roles.create_role),
    ("GET", "/roles/{id}", roles.get_role),
    ("PATCH", "/roles/{id}", roles.update_role),
    ("DELETE", "/roles/{id}", roles.delete_role),
    ("GET", "/roles/{id}/scopes", roles.list_scopes),
    ("POST", "/roles/{id}/scopes", roles.assign_scopes),
    ("DELETE", "/roles/{id}/scopes/{scopeId}", roles.remove_scope),
    ("GET", "/roles/{id}/users", roles.list_users),
    ("POST", "/roles/{id}/users", roles.assign_users),
    ("DELETE", "/roles/{id}/users/{userId}", roles.remove_user),
    ("GET", "/roles/{id}/applications", roles.list_applications),
    ("POST", "/roles/{id}/applications", roles.assign_applications),
    ("DELETE", "/roles/{id}/applications/{applicationId}", roles.remove_application),
    ("GET", "/organizations", organizations.list_organizations),
    ("POST", "/organizations", organizations.create_organization),
    ("GET", "/organizations/{id}", organizations.get_organization),
    ("PATCH", "/organizations/{id}", organizations.update_organization),
    ("DELETE", "/organizations/{id}", organizations.delete_organization),
    ("GET", "/organizations/{id}/users", organizations.list_users),
    ("POST", "/organizations/{id}/users", organizations.add_users),
    ("PUT", "/organizations/{id}/users", organizations.replace_users),
    ("DELETE", "/organizations/{id}/users/{userId}", organizations.remove_user),
    ("GET", "/organizations/{id}/users/{userId}/roles", organizations.list_user_roles),
    ("POST", "/organizations/{id}/users/{userId}/roles", organizations.assign_user_roles),
    ("PUT", "/organizations/{id}/users/{userId}/roles", organizations.replace_user_roles),
    (
        "DELETE",
        "/organizations/{id}/users/{userId}/roles/{organizationRoleId}",
        organizations.remove_user_role,
    ),
    ("GET", "/organizations/{id}/applications", organizations.list_applications),
    ("POST", "/organizations/{id}/applications", organizations.add_applications),
    (
        "DELETE",
        "/organizations/{id}/applications/{applicationId}",
        organizations.remove_application,
    ),
    (
        "GET",
        "/organizations/{id}/applications/{applicationId}/roles",
        organizations.list_application_roles,
    ),
    (
        "POST",
        "/organizations/{id}/applications/{applicationId}/roles",
        organizations.assign_application_roles,
    ),
    ("GET", "/organization-scopes", organizations.list_scopes),
    ("POST", "/organization-scopes", organizations.create_scope),
    ("GET", "/organization-scopes/{id}", organizations.get_scope),
    ("PATCH", "/organization-scopes/{id}", organizations.update_scope),
    ("DELETE", "/organization-scopes/{id}", organizations.delete_scope),
    ("GET", "/organization-roles", organizations.list_roles),
    ("POST", "/organization-roles", organizations.create_role),
    ("GET", "/organization-roles/{id}", organizations.get_role),
    ("PATCH", "/organization-roles/{id}", organizations.update_role),
    ("DELETE", "/organization-roles/{id}", organizations.delete_role),
    ("GET", "/organization-roles/{id}/scopes", organizations.list_role_scopes),
    ("POST", "/organization-roles/{id}/scopes", organizations.add_role_scopes),
    ("GET", "/organization-roles/{id}/resource-scopes", organizations.list_role_resource_scopes),
    ("POST", "/organization-roles/{id}/resource-scopes", organizations.add_role_resource_scopes),
    ("GET", "/sign-in-exp", sign_in_experience),
    ("GET", "/hooks", hooks.list_hooks),
    ("POST", "/hooks", hooks.create_hook),
    ("GET", "/hooks/{id}", hooks.get_hook),
    ("PATCH", "/hooks/{id}", hooks.update_hook),
    ("DELETE", "/hooks/{id}", hooks.delete_hook),
    ("PATCH", "/hooks/{id}/signing-key", hooks.regenerate_signing_key),
    ("POST", "/hooks/{id}/test", hooks.test_hook),
    ("GET", "/hooks/{id}/recent-logs", hooks.recent_logs),
    ("POST", "/subject-tokens", subject_tokens.create_subject_token),
    ("GET", "/configs/oidc/{keyType}", oidc_keys.list_keys),
    ("POST", "/configs/oidc/{keyType}/rotate", oidc_keys.rotate_keys),
    ("DELETE", "/configs/oidc/{keyType}/{keyId}", oidc_keys.delete_key),
    ("GET", "/configs/jwt-customizer", jwt_customizer.list_all),
    ("POST", "/configs/jwt-customizer/test", jwt_customizer.test),
    ("GET", "/configs/jwt-customizer/{tokenTypePath}", jwt_customizer.get_one),
    ("PUT", "/configs/jwt-customizer/{tokenTypePath}", jwt_customizer.upsert),
    ("PATCH", "/configs/jwt-customizer/{tokenTypePath}", jwt_customizer.update),
    ("DELETE", "/configs/jwt-customizer/{tokenTypePath}", jwt_customizer.delete),
    ("GET", "/configs/id-token", jwt_customizer.get_id_token),
    ("PUT", "/configs/id-token", jwt_customizer.put_id_token),
)


async def status(request: Request) -> Response:
    """`GET /api/status`: 204, no authentication (Logto's health check)."""
    return Response(status_code=204)


async def swagger(request: Request) -> Response:
    """`GET /api/swagger.json`: the OpenAPI document of the served routes (no token, as Logto)."""
    return JSONResponse(openapi.load())


#: Routes served without the Management API guard (documented in the OpenAPI document too).
UNGUARDED: tuple[tuple[str, str, Handler], ...] = (
    ("GET", "/status", status),
    ("GET", "/swagger.json", swagger),
)


def routes(prefix: str = "/api") -> list[BaseRoute]:
    """Routes under `prefix`; the catch-all must stay last.

    Not a Mount: a Mount's `.*` stops at a newline, so an id ending in `%0A` would miss its route.
    """
    served: list[BaseRoute] = [
        Route(prefix + path, guarded(with_events(method, path, handler)), methods=[method])
        for method, path, handler in SERVED
    ]
    unguarded: list[BaseRoute] = [
        Route(prefix + path, handler, methods=[method]) for method, path, handler in UNGUARDED
    ]
    return [
        *unguarded,
        *served,
        Route(
            prefix + "/{path:path}",
            unserved,
            methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
            name="management_unserved",
        ),
    ]
