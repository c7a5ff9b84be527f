"""Which Management API writes fire which data-hook event.

Logto's `managementApiHooksRegistration`, plus the events its handlers append themselves.

`with_events` wraps a served handler: after a successful answer (2xx), the event is fired with
Logto's context (`path` under `/api`, `method`, `status`, `params` named as Logto's router names
them, `matchedRoute`). A refused request fires nothing (Logto triggers only after success).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from ..http.hooks import appended_event, management_event
from ..runtime import runtime_of
from .common import Handler


@dataclass(frozen=True, slots=True)
class Registration:
    """A route's event: Logto's route template, its parameter names, the payload's kind."""

    event: str
    route: str
    #: `data` is the answer's body (`body`), the user before deletion (`deleted_user`), or
    #: none, `organizationId` instead (`membership`).
    kind: str = "body"


#: (method, path as `router.SERVED` writes it) → registration.
REGISTRATIONS: dict[tuple[str, str], Registration] = {
    ("POST", "/users"): Registration("User.Created", "/users"),
    ("PATCH", "/users/{id}"): Registration("User.Data.Updated", "/users/:userId"),
    ("DELETE", "/users/{id}"): Registration("User.Deleted", "/users/:userId", "deleted_user"),
    ("PATCH", "/users/{id}/custom-data"): Registration(
        "User.Data.Updated", "/users/:userId/custom-data"
    ),
    ("PATCH", "/users/{id}/profile"): Registration("User.Data.Updated", "/users/:userId/profile"),
    ("PATCH", "/users/{id}/password"): Registration("User.Data.Updated", "/users/:userId/password"),
    ("PATCH", "/users/{id}/is-suspended"): Registration(
        "User.SuspensionStatus.Updated", "/users/:userId/is-suspended"
    ),
    ("POST", "/roles"): Registration("Role.Created", "/roles"),
    ("DELETE", "/roles/{id}"): Registration("Role.Deleted", "/roles/:id"),
    ("PATCH", "/roles/{id}"): Registration("Role.Data.Updated", "/roles/:id"),
    ("POST", "/roles/{id}/scopes"): Registration("Role.Scopes.Updated", "/roles/:id/scopes"),
    ("DELETE", "/roles/{id}/scopes/{scopeId}"): Registration(
        "Role.Scopes.Updated", "/roles/:id/scopes/:scopeId"
    ),
    ("POST", "/resources/{id}/scopes"): Registration(
        "Scope.Created", "/resources/:resourceId/scopes"
    ),
    ("DELETE", "/resources/{id}/scopes/{scopeId}"): Registration(
        "Scope.Deleted", "/resources/:resourceId/scopes/:scopeId"
    ),
    ("PATCH", "/resources/{id}/scopes/{scopeId}"): Registration(
        "Scope.Data.Updated", "/resources/:resourceId/scopes/:scopeId"
    ),
    ("POST", "/organizations"): Registration("Organization.Created", "/organizations"),
    ("DELETE", "/organizations/{id}"): Registration("Organization.Deleted", "/organizations/:id"),
    ("PATCH", "/organizations/{id}"): Registration(
        "Organization.Data.Updated", "/organizations/:id"
    ),
    ("POST", "/organizations/{id}/users"): Registration(
        "Organization.Membership.Updated", "/organizations/:id/users", "membership"
    ),
    ("PUT", "/organizations/{id}/users"): Registration(
        "Organization.Membership.Updated", "/organizations/:id/users", "membership"
    ),
    ("DELETE", "/organizations/{id}/users/{userId}"): Registration(
        "Organization.Membership.Updated", "/organizations/:id/users/:userId", "membership"
    ),
    ("POST", "/organizations/{id}/applications"): Registration(
        "Organization.Membership.Updated", "/organizations/:id/applications", "membership"
    ),
    ("PUT", "/organizations/{id}/applications"): Registration(
        "Organization.Membership.Updated", "/organizations/:id/applications", "membership"
    ),
    ("DELETE", "/organizations/{id}/applications/{applicationId}"): Registration(
        "Organization.Membership.Updated",
        "/organizations/:id/applications/:applicationId",
        "membership",
    ),
    ("POST", "/organization-roles"): Registration(
        "OrganizationRole.Created", "/organization-roles"
    ),
    ("DELETE", "/organization-roles/{id}"): Registration(
        "OrganizationRole.Deleted", "/organization-roles/:id"
    ),
    ("PATCH", "/organization-roles/{id}"): Registration(
        "OrganizationRole.Data.Updated", "/organization-roles/:id"
    ),
    ("POST", "/organization-roles/{id}/scopes"): Registration(
        "OrganizationRole.Scopes.Updated", "/organization-roles/:id/scopes"
    ),
    ("PUT", "/organization-roles/{id}/scopes"): Registration(
        "OrganizationRole.Scopes.Updated", "/organization-roles/:id/scopes"
    ),
    ("DELETE", "/organization-roles/{id}/scopes/{organizationScopeId}"): Registration(
        "OrganizationRole.Scopes.Updated", "/organization-roles/:id/scopes/:organizationScopeId"
    ),
    ("POST", "/organization-scopes"): Registration(
        "OrganizationScope.Created", "/organization-scopes"
    ),
    ("DELETE", "/organization-scopes/{id}"): Registration(
        "OrganizationScope.Deleted", "/organization-scopes/:id"
    ),
    ("PATCH", "/organization-scopes/{id}"): Registration(
        "OrganizationScope.Data.Updated", "/organization-scopes/:id"
    ),
}


def logto_params(request: Request, route: str) -> dict[str, str]:
    """The path parameters under Logto's names (koa-router's).

    `/roles/…` routes also carry the `0` capture of Logto's `router.use('/roles(/.*)?')`.
    """
    values = list(request.path_params.values())
    names = [segment[1:] for segment in route.split("/") if segment.startswith(":")]
    params: dict[str, str] = {}
    if route.startswith("/roles/"):
        params["0"] = request.url.path.removeprefix("/api").removeprefix("/roles")
    params.update(zip(names, values, strict=False))
    return params


def fire_appended(
    request: Request, served: tuple[str, str], event: str, status: int, fields: dict[str, Any]
) -> None:
    """Fire an event a handler of `served` (method, path) appends itself, before the route's own.

    Logto appends these in the handler, and the registered event after it, so they are
    delivered first: `POST /roles` with `scopeIds` fires `Role.Scopes.Updated` (`roleId`, the
    scopes as `data`), `POST /organization-roles` with organization or resource scopes fires
    `OrganizationRole.Scopes.Updated` (`organizationRoleId`, no `data`). Call it last in the
    handler: nothing after it may refuse the request.
    """
    route = REGISTRATIONS[served].route
    appended_event(request, event, status, route, logto_params(request, route), fields)


def with_events(method: str, path: str, handler: Handler) -> Handler:
    """`handler`, firing the route's data-hook event after a successful answer."""
    registration = REGISTRATIONS.get((method, path))
    if registration is None:
        return handler

    async def run(request: Request) -> Response:
        before = None
        if registration.kind == "deleted_user":
            before = runtime_of(request).tenant.users.get(request.path_params.get("id", ""))
        response = await handler(request)
        if 200 <= response.status_code < 300:
            params = logto_params(request, registration.route)
            extra = None
            if registration.kind == "membership":
                extra = {"organizationId": request.path_params["id"]}
            management_event(
                request,
                response,
                registration.event,
                registration.route,
                params,
                before=before,
                extra=extra,
            )
        return response

    run.__name__ = handler.__name__
    run.__doc__ = handler.__doc__
    return run
