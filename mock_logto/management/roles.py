"""`/api/roles`: global roles, their scopes and their members."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ..models import Application, Role, Scope, Tenant, User
from ..routes.responses import JSONResponse
from . import shapes
from .common import (
    bad_request,
    bool_field,
    by_id,
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
from .pagination import paginated

ROLE_TYPES = ("User", "MachineToMachine")


def role_of(request: Request) -> Role:
    """The role named by the path's `id`, else Logto's 404."""
    return by_id(request, tenant_of(request).roles, "roles")


def _name_free(tenant: Tenant, name: str, own_id: str | None = None) -> None:
    if any(r.name == name and r.id != own_id for r in tenant.roles.values()):
        raise unprocessable("role.name_in_use", f"This role name {name} is already in use")


def _scopes(tenant: Tenant, scope_ids: list[str]) -> list[Scope]:
    found = []
    for scope_id in scope_ids:
        scope = tenant.find_scope(scope_id)
        if scope is None:
            raise not_found("scopes", scope_id)
        found.append(scope)
    return found


def _check_management_scopes(tenant: Tenant, role: Role, scopes: list[Scope]) -> None:
    management = tenant.resource_by_indicator(tenant.management_api_indicator)
    if role.type == "User" and management and any(s.resource_id == management.id for s in scopes):
        raise bad_request(
            "role.management_api_scopes_not_assignable_to_user_role",
            "Cannot assign Management API scopes to a user role.",
        )


async def list_roles(request: Request) -> Response:
    """`GET /api/roles` (`type`, `search`; member counts and featured members)."""
    tenant = tenant_of(request)
    roles = list(tenant.roles.values())
    kind = request.query_params.get("type")
    if kind:
        roles = [r for r in roles if r.type == kind]
    search = request.query_params.get("search")
    if search:
        needle = search.strip("%").casefold()
        roles = [r for r in roles if needle in r.name.casefold()]
    return paginated(request, [shapes.role_with_members(r, tenant) for r in roles])


async def create_role(request: Request) -> Response:
    """`POST /api/roles` (200). Like Logto, the role exists before its scopes are checked."""
    data = await json_body(request)
    tenant = tenant_of(request)
    name = str(string_field(data, "name", required=True))
    description = str(string_field(data, "description", required=True))
    kind = choice(data, "type", ROLE_TYPES, "User")
    scope_ids = id_list(data, "scopeIds", required=False)
    _name_free(tenant, name)
    role = Role(
        id=new_id(),
        name=name,
        description=description,
        type=kind,  # type: ignore[arg-type]
        is_default=bool(bool_field(data, "isDefault")),
    )
    tenant.roles[role.id] = role
    scopes = _scopes(tenant, scope_ids)
    _check_management_scopes(tenant, role, scopes)
    role.scope_ids.extend(s.id for s in scopes)
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
        _name_free(tenant, name, role.id)
        role.name = name
    description = string_field(data, "description")
    if description is not None:
        role.description = description
    is_default = bool_field(data, "isDefault")
    if is_default is not None:
        role.is_default = is_default
    return JSONResponse(shapes.role(role, tenant.id))


async def delete_role(request: Request) -> Response:
    """`DELETE /api/roles/:id` (204): taken from every user and app at once."""
    role = role_of(request)
    tenant = tenant_of(request)
    holders: list[User | Application] = [*tenant.users.values(), *tenant.applications.values()]
    for holder in holders:
        if role.id in holder.role_ids:
            holder.role_ids.remove(role.id)
    del tenant.roles[role.id]
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
        if scope_id in role.scope_ids:
            raise unprocessable(
                "role.scope_exists", f"The scope id {scope_id} has already been added to this role"
            )
    scopes = _scopes(tenant, scope_ids)
    _check_management_scopes(tenant, role, scopes)
    role.scope_ids.extend(s.id for s in scopes)
    return JSONResponse([shapes.scope(s, tenant.id) for s in scopes], status_code=201)


async def remove_scope(request: Request) -> Response:
    """`DELETE /api/roles/:id/scopes/:scopeId` (204)."""
    role = role_of(request)
    scope_id = request.path_params["scopeId"]
    if scope_id not in role.scope_ids:
        raise not_found("scopes", scope_id)
    role.scope_ids.remove(scope_id)
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
    if role.type != "User":
        raise unprocessable(
            "user.invalid_role_type",
            "Invalid role type, can not assign machine-to-machine role to user.",
        )
    user_ids = id_list(await json_body(request), "userIds")
    for user_id in user_ids:
        user = tenant.users.get(user_id)
        if user is None:
            raise not_found("users", user_id)
        if role.id in user.role_ids:
            raise unprocessable(
                "role.user_exists", f"The user id {user_id} is already been added to this role"
            )
    for user_id in user_ids:
        tenant.users[user_id].role_ids.append(role.id)
    return created()


async def remove_user(request: Request) -> Response:
    """`DELETE /api/roles/:id/users/:userId` (204)."""
    role = role_of(request)
    user = tenant_of(request).users.get(request.path_params["userId"])
    if user is None or role.id not in user.role_ids:
        raise not_found("users", request.path_params["userId"])
    user.role_ids.remove(role.id)
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
    if role.type != "MachineToMachine":
        raise unprocessable(
            "application.invalid_role_type",
            "Can not assign user type role to machine to machine application.",
        )
    app_ids = id_list(await json_body(request), "applicationIds")
    for app_id in app_ids:
        app = tenant.applications.get(app_id)
        if app is None:
            raise not_found("applications", app_id)
        if role.id in app.role_ids:
            raise unprocessable(
                "role.application_exists",
                f"The application id {app_id} is already been added to this role",
            )
    for app_id in app_ids:
        tenant.applications[app_id].role_ids.append(role.id)
    return created()


async def remove_application(request: Request) -> Response:
    """`DELETE /api/roles/:id/applications/:applicationId` (204)."""
    role = role_of(request)
    app = tenant_of(request).applications.get(request.path_params["applicationId"])
    if app is None or role.id not in app.role_ids:
        raise not_found("applications", request.path_params["applicationId"])
    app.role_ids.remove(role.id)
    return no_content()
