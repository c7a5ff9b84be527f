"""`/api/roles`: global roles, their scopes and their members."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ..http.responses import JSONResponse
from ..models import Role
from ..ops import applications as app_ops
from ..ops import resources, roles
from ..ops import users as user_ops
from . import shapes
from .common import (
    Handler,
    bool_field,
    choice,
    created,
    id_list,
    json_body,
    new_id,
    no_content,
    not_found,
    string_field,
    tenant_of,
    unprocessable,
)
from .events import fire_appended
from .pagination import paginated

ROLE_TYPES = ("User", "MachineToMachine")


def role_of(request: Request) -> Role:
    """The role named by the path's `id`, else Logto's 404."""
    return roles.get(tenant_of(request), request.path_params["id"])


async def list_roles(request: Request) -> Response:
    """`GET /api/roles` (`type`, `search`; member counts and featured members)."""
    tenant = tenant_of(request)
    found = list(tenant.roles.values())
    kind = request.query_params.get("type")
    if kind:
        found = [r for r in found if r.type == kind]
    search = request.query_params.get("search")
    if search:
        needle = search.strip("%").casefold()
        found = [r for r in found if needle in r.name.casefold()]
    return paginated(request, found, shape=lambda r: shapes.role_with_members(r, tenant))


async def create_role(request: Request) -> Response:
    """`POST /api/roles` (200). Like Logto, the role exists before its scopes are checked."""
    data = await json_body(request)
    tenant = tenant_of(request)
    name = str(string_field(data, "name", required=True))
    description = str(string_field(data, "description", required=True))
    kind = choice(data, "type", ROLE_TYPES, "User")
    scope_ids = id_list(data, "scopeIds", required=False)
    roles.name_free(tenant, name)
    role = Role(
        id=new_id(),
        name=name,
        description=description,
        type=kind,  # type: ignore[arg-type]
        is_default=bool(bool_field(data, "isDefault")),
    )
    roles.create(tenant, role)
    scopes = resources.scopes_by_id(tenant, scope_ids)
    roles.add_scopes(tenant, role, scopes)
    if scopes:
        fire_appended(
            request,
            ("POST", "/roles"),
            "Role.Scopes.Updated",
            200,
            {"roleId": role.id, "data": [shapes.scope(s, tenant.id) for s in scopes]},
        )
    return JSONResponse(shapes.role(role, tenant.id))


async def get_role(request: Request) -> Response:
    """`GET /api/roles/:id`."""
    return JSONResponse(shapes.role(role_of(request), tenant_of(request).id))


async def update_role(request: Request) -> Response:
    """`PATCH /api/roles/:id` (`name`, `description`, `isDefault`)."""
    role = role_of(request)
    data = await json_body(request)
    tenant = tenant_of(request)
    name = string_field(data, "name")
    if name is not None:
        roles.rename(tenant, role, name)
    description = string_field(data, "description")
    if description is not None:
        role.description = description
    is_default = bool_field(data, "isDefault")
    if is_default is not None:
        role.is_default = is_default
    return JSONResponse(shapes.role(role, tenant.id))


async def delete_role(request: Request) -> Response:
    """`DELETE /api/roles/:id` (204): taken from every user and app at once."""
    roles.delete(tenant_of(request), role_of(request))
    return no_content()


async def list_scopes(request: Request) -> Response:
    """`GET /api/roles/:id/scopes`, each scope with its resource."""
    role = role_of(request)
    tenant = tenant_of(request)
    items = []
    for scope_id in role.scope_ids:
        scope = tenant.find_scope(scope_id)
        resource = tenant.resources.get(scope.resource_id) if scope else None
        if scope is not None and resource is not None:
            items.append(
                {**shapes.scope(scope, tenant.id), "resource": shapes.resource(resource, tenant.id)}
            )
    return paginated(request, items)


async def assign_scopes(request: Request) -> Response:
    """`POST /api/roles/:id/scopes` (201, the role's new scopes)."""
    role = role_of(request)
    tenant = tenant_of(request)
    scope_ids = id_list(await json_body(request), "scopeIds")
    for scope_id in scope_ids:
        roles.scope_not_held(role, scope_id)
    scopes = resources.scopes_by_id(tenant, scope_ids)
    roles.add_scopes(tenant, role, scopes)
    return JSONResponse([shapes.scope(s, tenant.id) for s in scopes], status_code=201)


async def remove_scope(request: Request) -> Response:
    """`DELETE /api/roles/:id/scopes/:scopeId` (204)."""
    roles.remove_scope(role_of(request), request.path_params["scopeId"])
    return no_content()


async def list_users(request: Request) -> Response:
    """`GET /api/roles/:id/users`."""
    role = role_of(request)
    users = [u for u in tenant_of(request).users.values() if role.id in u.role_ids]
    return paginated(request, [shapes.user(u) for u in users])


async def assign_users(request: Request) -> Response:
    """`POST /api/roles/:id/users` (201)."""
    role = role_of(request)
    tenant = tenant_of(request)
    roles.check_kind(role, "user")
    user_ids = id_list(await json_body(request), "userIds")
    for user_id in user_ids:
        user = user_ops.get(tenant, user_id)
        if role.id in user.role_ids:
            raise unprocessable(
                "role.user_exists", f"The user id {user_id} is already been added to this role"
            )
    for user_id in user_ids:
        roles.link(tenant.users[user_id], role)
    return created()


async def remove_user(request: Request) -> Response:
    """`DELETE /api/roles/:id/users/:userId` (204)."""
    role = role_of(request)
    user_id = request.path_params["userId"]
    user = tenant_of(request).users.get(user_id)
    if user is None or role.id not in user.role_ids:
        raise not_found("users", user_id)
    roles.unlink(user, role.id)
    return no_content()


async def list_applications(request: Request) -> Response:
    """`GET /api/roles/:id/applications`."""
    role = role_of(request)
    tenant = tenant_of(request)
    apps = [a for a in tenant.applications.values() if role.id in a.role_ids]
    return paginated(request, [shapes.application(a, tenant.id) for a in apps])


async def assign_applications(request: Request) -> Response:
    """`POST /api/roles/:id/applications` (201)."""
    role = role_of(request)
    tenant = tenant_of(request)
    roles.check_kind(role, "application")
    app_ids = id_list(await json_body(request), "applicationIds")
    for app_id in app_ids:
        app = app_ops.get(tenant, app_id)
        if role.id in app.role_ids:
            raise unprocessable(
                "role.application_exists",
                f"The application id {app_id} is already been added to this role",
            )
    for app_id in app_ids:
        roles.link(tenant.applications[app_id], role)
    return created()


async def remove_application(request: Request) -> Response:
    """`DELETE /api/roles/:id/applications/:applicationId` (204)."""
    role = role_of(request)
    app_id = request.path_params["applicationId"]
    app = tenant_of(request).applications.get(app_id)
    if app is None or role.id not in app.role_ids:
        raise not_found("applications", app_id)
    roles.unlink(app, role.id)
    return no_content()


#: (method, path under /api, handler): the routes of this module, in matching order.
ROUTES: tuple[tuple[str, str, Handler], ...] = (
    ("GET", "/roles", list_roles),
    ("POST", "/roles", create_role),
    ("GET", "/roles/{id}", get_role),
    ("PATCH", "/roles/{id}", update_role),
    ("DELETE", "/roles/{id}", delete_role),
    ("GET", "/roles/{id}/scopes", list_scopes),
    ("POST", "/roles/{id}/scopes", assign_scopes),
    ("DELETE", "/roles/{id}/scopes/{scopeId}", remove_scope),
    ("GET", "/roles/{id}/users", list_users),
    ("POST", "/roles/{id}/users", assign_users),
    ("DELETE", "/roles/{id}/users/{userId}", remove_user),
    ("GET", "/roles/{id}/applications", list_applications),
    ("POST", "/roles/{id}/applications", assign_applications),
    ("DELETE", "/roles/{id}/applications/{applicationId}", remove_application),
)
