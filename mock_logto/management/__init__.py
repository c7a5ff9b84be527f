"""Logto's Management API under `/api`: guarded routes over the live tenant.

What is served changes the tenant the OIDC side reads, so the next token shows it. A route of
Logto's Management API that is not served yet answers 501 naming it (the list of Logto's routes
is `logto_routes.json`, taken from the OpenAPI document Logto v1.37.0 serves); any other path
answers Logto's plain `Not Found`.
"""

from __future__ import annotations

import json
import re
import secrets
import string
from collections.abc import Awaitable, Callable
from functools import cache
from importlib import resources
from typing import Any, cast, get_args

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from ..errors import ManagementApiError, invalid_input
from ..grants.base import MAX_BODY_BYTES
from ..models import (
    Application,
    ApplicationSecret,
    ApplicationType,
    Organization,
    Role,
    Tenant,
    User,
)
from ..routes.responses import JSONResponse, etag
from . import shapes
from .guard import authenticate
from .pagination import paginated

Handler = Callable[[Request], Awaitable[Response]]
_ID_ALPHABET = string.ascii_lowercase + string.digits
_SECRET_ALPHABET = string.ascii_letters + string.digits


def new_id(length: int = 21) -> str:
    """Logto's `generateStandardId`: lowercase letters and digits."""
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(length))


def new_secret() -> str:
    """32 letters and digits, as Logto's application secrets."""
    return "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(32))


def guarded(handler: Handler) -> Handler:
    """Run the Management API guard before the handler."""

    async def run(request: Request) -> Response:
        authenticate(request)
        response = await handler(request)
        if request.method == "GET" and response.status_code == 200:
            # koa-etag and koa-conditional-get, as on every Logto GET.
            tag = etag(bytes(response.body))
            if request.headers.get("if-none-match") == tag:
                return Response(status_code=304, headers={"ETag": tag})
            response.headers["ETag"] = tag
        return response

    run.__name__ = handler.__name__
    run.__doc__ = handler.__doc__
    return run


def _tenant(request: Request) -> Tenant:
    tenant: Tenant = request.app.state.tenant
    return tenant


def _now_ms(request: Request) -> int:
    return int(request.app.state.clock()) * 1000


def not_found(table: str, entity_id: str) -> ManagementApiError:
    """Logto's 404 for an unknown id."""
    return ManagementApiError(
        "entity.not_exists_with_id",
        f"The {table} with ID `{entity_id}` does not exist.",
        status_code=404,
    )


async def json_body(request: Request) -> dict[str, Any]:
    """The JSON body (an object); anything else is an empty object, as koa-body leaves it."""
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        raise ManagementApiError(
            "guard.invalid_input", "The request body is invalid.", status_code=413
        )
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        data = {}
    return data if isinstance(data, dict) else {}


def _string(data: dict[str, Any], name: str, *, required: bool) -> str | None:
    value = data.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise invalid_input([name], expected="string", value=value)
    return value


def _object(data: dict[str, Any], name: str) -> dict[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise invalid_input([name], expected="object", value=value)
    return value


# --------------------------------------------------------------------------- applications


def _application(request: Request) -> Application:
    app_id = request.path_params["id"]
    found = _tenant(request).applications.get(app_id)
    if found is None:
        raise not_found("applications", app_id)
    return found


async def list_applications(request: Request) -> Response:
    """`GET /api/applications` (newest first; `types`, `search`, optional pagination)."""
    tenant = _tenant(request)
    apps = sorted(tenant.applications.values(), key=lambda a: a.created_at, reverse=True)
    types = request.query_params.getlist("types")
    if types:
        apps = [a for a in apps if a.type in types]
    search = request.query_params.get("search")
    if search:
        needle = search.strip("%").casefold()
        apps = [a for a in apps if needle in a.name.casefold() or needle in a.id.casefold()]
    return paginated(request, [shapes.application(a, tenant.id) for a in apps], optional=True)


async def get_application(request: Request) -> Response:
    """`GET /api/applications/:id`."""
    app = _application(request)
    return JSONResponse({**shapes.application(app, _tenant(request).id), "isAdmin": False})


async def create_application(request: Request) -> Response:
    """`POST /api/applications` (200, as Logto answers it)."""
    data = await json_body(request)
    name = _string(data, "name", required=True)
    kind = _string(data, "type", required=True)
    options = get_args(ApplicationType)
    if kind not in options:
        raise invalid_input(["type"], options=options, value=kind)
    description = _string(data, "description", required=False)
    oidc = _object(data, "oidcClientMetadata")
    tenant = _tenant(request)
    now = _now_ms(request)
    app = Application(
        id=new_id(),
        name=str(name),
        type=cast(ApplicationType, kind),
        internal_secret="#internal:" + new_secret(),
        description=description,
        redirect_uris=[str(u) for u in oidc.get("redirectUris", [])],
        post_logout_redirect_uris=[str(u) for u in oidc.get("postLogoutRedirectUris", [])],
        custom_client_metadata=_object(data, "customClientMetadata"),
        custom_data=_object(data, "customData"),
        is_third_party=bool(data.get("isThirdParty", False)),
        created_at=now,
    )
    if app.is_confidential:
        app.secrets.append(ApplicationSecret("Default secret", new_secret(), now))
    tenant.applications[app.id] = app
    return JSONResponse(shapes.application(app, tenant.id))


async def application_roles(request: Request) -> Response:
    """`GET /api/applications/:id/roles`."""
    app = _application(request)
    tenant = _tenant(request)
    roles = [tenant.roles[r] for r in app.role_ids if r in tenant.roles]
    return paginated(request, [shapes.role(r, tenant.id) for r in roles])


def _role_ids(data: dict[str, Any]) -> list[str]:
    value = data.get("roleIds")
    if not isinstance(value, list):
        raise invalid_input(["roleIds"], expected="array", value=value)
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item:
            raise invalid_input(["roleIds", index], expected="string", value=item)
    return list(dict.fromkeys(value))


def _roles(tenant: Tenant, role_ids: list[str]) -> list[Role]:
    for role_id in role_ids:
        if role_id not in tenant.roles:
            raise not_found("roles", role_id)
    return [tenant.roles[r] for r in role_ids]


def _unprocessable(code: str, message: str) -> ManagementApiError:
    return ManagementApiError(code, message, status_code=422)


async def assign_application_roles(request: Request) -> Response:
    """`POST /api/applications/:id/roles`: M2M roles for an M2M app (201 `Created`)."""
    app = _application(request)
    if app.type != "MachineToMachine":
        raise _unprocessable(
            "application.invalid_type",
            "Only machine to machine applications can have associated roles.",
        )
    role_ids = _role_ids(await json_body(request))
    tenant = _tenant(request)
    for role_id in role_ids:
        found = tenant.roles.get(role_id)
        if found is None:
            continue
        if role_id in app.role_ids:
            raise _unprocessable(
                "application.role_exists",
                f"The role id {role_id} is already been added to this application.",
            )
        if found.type != "MachineToMachine":
            raise _unprocessable(
                "application.invalid_role_type",
                "Can not assign user type role to machine to machine application.",
            )
    _roles(tenant, role_ids)
    app.role_ids.extend(role_ids)
    return PlainTextResponse("Created", status_code=201)


async def remove_application_role(request: Request) -> Response:
    """`DELETE /api/applications/:id/roles/:roleId` (204)."""
    app = _application(request)
    role_id = request.path_params["roleId"]
    if role_id not in app.role_ids:
        raise not_found("roles", role_id)
    app.role_ids.remove(role_id)
    return Response(status_code=204)


async def delete_application(request: Request) -> Response:
    """`DELETE /api/applications/:id` (204): its tokens stop being issued at once."""
    app = _application(request)
    tenant = _tenant(request)
    del tenant.applications[app.id]
    for org in tenant.organizations.values():
        org.application_roles.pop(app.id, None)
    return Response(status_code=204)


# --------------------------------------------------------------------------- organizations


def _organization(request: Request) -> Organization:
    org_id = request.path_params["id"]
    found = _tenant(request).organizations.get(org_id)
    if found is None:
        raise not_found("organizations", org_id)
    return found


async def list_organizations(request: Request) -> Response:
    """`GET /api/organizations` (newest first, `q` searches name and id)."""
    tenant = _tenant(request)
    orgs = sorted(tenant.organizations.values(), key=lambda o: o.created_at, reverse=True)
    query = request.query_params.get("q")
    if query:
        needle = query.casefold()
        orgs = [o for o in orgs if needle in o.name.casefold() or needle in o.id.casefold()]
    return paginated(request, [shapes.organization(o, tenant.id) for o in orgs])


async def get_organization(request: Request) -> Response:
    """`GET /api/organizations/:id`."""
    return JSONResponse(shapes.organization(_organization(request), _tenant(request).id))


async def create_organization(request: Request) -> Response:
    """`POST /api/organizations` (201)."""
    data = await json_body(request)
    name = _string(data, "name", required=True)
    description = _string(data, "description", required=False)
    tenant = _tenant(request)
    org = Organization(
        id=new_id(12),
        name=str(name),
        description=description,
        custom_data=_object(data, "customData"),
        created_at=_now_ms(request),
    )
    tenant.organizations[org.id] = org
    return JSONResponse(shapes.organization(org, tenant.id), status_code=201)


async def organization_users(request: Request) -> Response:
    """`GET /api/organizations/:id/users`: members with their organization roles."""
    org = _organization(request)
    tenant = _tenant(request)
    members = []
    for user_id, role_ids in org.user_roles.items():
        user = tenant.users.get(user_id)
        if user is None:
            continue
        roles = [
            {"id": r, "name": tenant.organization_roles[r].name}
            for r in role_ids
            if r in tenant.organization_roles
        ]
        members.append({**shapes.user(user, has_password=False), "organizationRoles": roles})
    return paginated(request, members)


# --------------------------------------------------------------------------- users, resources


async def list_users(request: Request) -> Response:
    """`GET /api/users` (newest first; `search` over username, email, phone, name)."""
    tenant = _tenant(request)
    users = sorted(tenant.users.values(), key=lambda u: u.created_at, reverse=True)
    search = request.query_params.get("search")
    if search:
        needle = search.strip("%").casefold()
        users = [
            u
            for u in users
            if any(
                needle in (v or "").casefold()
                for v in (u.username, u.primary_email, u.primary_phone, u.name, u.id)
            )
        ]
    return paginated(request, [shapes.user(u) for u in users])


async def get_user(request: Request) -> Response:
    """`GET /api/users/:id`."""
    return JSONResponse(shapes.user(_user(request)))


def _user(request: Request) -> User:
    user_id = request.path_params["id"]
    found = _tenant(request).users.get(user_id)
    if found is None:
        raise not_found("users", user_id)
    return found


_UNIQUE_USER_FIELDS = (
    ("username", "username", "user.username_already_in_use", "This username is already in use."),
    (
        "primaryEmail",
        "primary_email",
        "user.email_already_in_use",
        "This email is associated with an existing account.",
    ),
    (
        "primaryPhone",
        "primary_phone",
        "user.phone_already_in_use",
        "This phone number is associated with an existing account.",
    ),
)


async def create_user(request: Request) -> Response:
    """`POST /api/users` (200): the user can sign in at once."""
    data = await json_body(request)
    tenant = _tenant(request)
    values: dict[str, str | None] = {}
    for key in ("username", "password", "primaryEmail", "primaryPhone", "name", "avatar"):
        values[key] = _string(data, key, required=False)
    for key, attribute, code, message in _UNIQUE_USER_FIELDS:
        value = values[key]
        if value is not None and any(
            (getattr(u, attribute) or "").casefold() == value.casefold()
            for u in tenant.users.values()
        ):
            raise _unprocessable(code, message)
    now = _now_ms(request)
    user = User(
        id=new_id(12),
        username=values["username"],
        primary_email=values["primaryEmail"],
        primary_phone=values["primaryPhone"],
        name=values["name"],
        avatar=values["avatar"],
        password=values["password"],
        custom_data=_object(data, "customData"),
        profile=_object(data, "profile"),
        created_at=now,
        updated_at=now,
    )
    tenant.users[user.id] = user
    return JSONResponse(shapes.user(user))


async def delete_user(request: Request) -> Response:
    """`DELETE /api/users/:id` (204): the user cannot sign in or refresh any more."""
    user = _user(request)
    tenant = _tenant(request)
    del tenant.users[user.id]
    for org in tenant.organizations.values():
        org.user_roles.pop(user.id, None)
    return Response(status_code=204)


async def assign_user_roles(request: Request) -> Response:
    """`POST /api/users/:id/roles` (201 `{roleIds, addedRoleIds}`)."""
    user = _user(request)
    role_ids = _role_ids(await json_body(request))
    tenant = _tenant(request)
    added = [r for r in role_ids if r not in user.role_ids]
    for role_id in added:
        found = tenant.roles.get(role_id)
        if found is not None and found.type != "User":
            raise _unprocessable(
                "user.invalid_role_type",
                "Invalid role type, can not assign machine-to-machine role to user.",
            )
    _roles(tenant, added)
    user.role_ids.extend(added)
    return JSONResponse({"roleIds": role_ids, "addedRoleIds": added}, status_code=201)


async def remove_user_role(request: Request) -> Response:
    """`DELETE /api/users/:id/roles/:roleId` (204)."""
    user = _user(request)
    role_id = request.path_params["roleId"]
    if role_id not in user.role_ids:
        raise not_found("roles", role_id)
    user.role_ids.remove(role_id)
    return Response(status_code=204)


async def list_resources(request: Request) -> Response:
    """`GET /api/resources` (optional pagination)."""
    tenant = _tenant(request)
    items = [shapes.resource(r, tenant.id) for r in tenant.resources.values()]
    return paginated(request, items, optional=True)


async def get_resource(request: Request) -> Response:
    """`GET /api/resources/:id`."""
    resource_id = request.path_params["id"]
    tenant = _tenant(request)
    found = tenant.resources.get(resource_id)
    if found is None:
        raise not_found("resources", resource_id)
    return JSONResponse(shapes.resource(found, tenant.id))


async def list_roles(request: Request) -> Response:
    """`GET /api/roles` (`type` filters User or MachineToMachine)."""
    tenant = _tenant(request)
    roles = list(tenant.roles.values())
    kind = request.query_params.get("type")
    if kind:
        roles = [r for r in roles if r.type == kind]
    return paginated(request, [shapes.role_with_members(r, tenant) for r in roles])


# --------------------------------------------------------------------------- the rest


@cache
def _logto_routes() -> list[tuple[str, re.Pattern[str], str]]:
    document = json.loads(
        resources.files(__package__).joinpath("logto_routes.json").read_text(encoding="utf-8")
    )
    table = []
    for method, path in document["routes"]:
        segments = ("[^/]+" if s.startswith("{") else re.escape(s) for s in path.split("/"))
        table.append((method, re.compile("^" + "/".join(segments) + "$"), path))
    return table


def logto_route(method: str, path: str) -> str | None:
    """The template of Logto's route serving `method path`, if Logto has one."""
    for route_method, pattern, template in _logto_routes():
        if route_method == method and pattern.match(path):
            return template
    return None


async def unserved(request: Request) -> Response:
    """Logto's routes the mock lacks: 501 naming them; anything else: Logto's 404."""
    authenticate(request)
    path = request.url.path
    template = logto_route(request.method, path)
    if template is None:
        return PlainTextResponse("Not Found", status_code=404)
    raise ManagementApiError(
        "mock.not_implemented",
        f"mock-logto does not serve {request.method} {template} of Logto's Management API yet.",
        status_code=501,
        data={"method": request.method, "route": template},
    )


def routes() -> list[BaseRoute]:
    """Routes under `/api`; the catch-all must stay last."""
    return [
        Route("/applications", guarded(list_applications), methods=["GET"]),
        Route("/applications", guarded(create_application), methods=["POST"]),
        Route("/applications/{id}", guarded(get_application), methods=["GET"]),
        Route("/applications/{id}", guarded(delete_application), methods=["DELETE"]),
        Route("/applications/{id}/roles", guarded(application_roles), methods=["GET"]),
        Route("/applications/{id}/roles", guarded(assign_application_roles), methods=["POST"]),
        Route(
            "/applications/{id}/roles/{roleId}",
            guarded(remove_application_role),
            methods=["DELETE"],
        ),
        Route("/organizations", guarded(list_organizations), methods=["GET"]),
        Route("/organizations", guarded(create_organization), methods=["POST"]),
        Route("/organizations/{id}", guarded(get_organization), methods=["GET"]),
        Route("/organizations/{id}/users", guarded(organization_users), methods=["GET"]),
        Route("/users", guarded(list_users), methods=["GET"]),
        Route("/users", guarded(create_user), methods=["POST"]),
        Route("/users/{id}", guarded(get_user), methods=["GET"]),
        Route("/users/{id}", guarded(delete_user), methods=["DELETE"]),
        Route("/users/{id}/roles", guarded(assign_user_roles), methods=["POST"]),
        Route("/users/{id}/roles/{roleId}", guarded(remove_user_role), methods=["DELETE"]),
        Route("/resources", guarded(list_resources), methods=["GET"]),
        Route("/resources/{id}", guarded(get_resource), methods=["GET"]),
        Route("/roles", guarded(list_roles), methods=["GET"]),
        Route(
            "/{path:path}",
            unserved,
            methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            name="management_unserved",
        ),
    ]
