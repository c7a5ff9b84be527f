"""`/api/roles`: global roles, their scopes and their members."""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response

from .. import zod
from ..http.responses import JSONResponse
from ..models import Application, Role, Scope
from ..ops import applications as app_ops
from ..ops import resources, roles
from ..ops import users as user_ops
from . import shapes, sql_search
from .common import (
    Handler,
    body_value,
    created,
    new_id,
    no_content,
    tenant_of,
    unprocessable,
)
from .events import fire_appended
from .pagination import page_of, paginated

ROLE_TYPES = ("User", "MachineToMachine")
_IDS = zod.Arr(zod.Str(min=1))
#: `Roles.createGuard` less `id`, plus `scopeIds` (name and description are varchar(128)).
CREATE = zod.Obj(
    {
        "name": zod.Str(min=1, max=128),
        "description": zod.Str(min=1, max=128),
        "type": zod.Enum(ROLE_TYPES).optional(),
        "isDefault": zod.Bool().optional(),
        "scopeIds": _IDS.optional(),
    }
)
PATCH = zod.Obj(
    {
        "name": zod.Str(min=1, max=128).optional(),
        "description": zod.Str(min=1, max=128).optional(),
        "isDefault": zod.Bool().optional(),
    }
)
LIST_QUERY = zod.Obj(
    {
        "excludeUserId": zod.Str().optional(),
        "excludeApplicationId": zod.Str().optional(),
        "type": zod.Enum(ROLE_TYPES).optional(),
    }
)


def _ids(name: str) -> zod.Obj:
    """`{name: string().min(1).array().nonempty()}`."""
    return zod.Obj({name: zod.Arr(zod.Str(min=1), min=1)})


def _search(request: Request, fields: tuple[str, ...]) -> Callable[[sql_search.Row], bool]:
    return sql_search.row_filter(request.query_params, fields)


def _columns(entity: Role | Scope | Application) -> dict[str, str | None]:
    return {"id": entity.id, "name": entity.name, "description": entity.description}


def _empty_update() -> Exception:
    return unprocessable("entity.invalid_input", "Invalid input. Value list must not be empty.")


def _constraint_violated() -> Exception:
    """The relation table's role-type check (`check_role_type`) refused the row."""
    return unprocessable("entity.db_constraint_violated", "Database constraint violated.")


def role_of(request: Request) -> Role:
    """The role named by the path's `id`, else Logto's 404."""
    return roles.get(tenant_of(request), request.path_params["id"])


async def list_roles(request: Request) -> Response:
    """`GET /api/roles`.

    `type`, `excludeUserId`, `excludeApplicationId`, `search` (id, name, description); member
    counts and up to three featured members.
    """
    page_of(request, optional=False)
    query = zod.parse(LIST_QUERY, zod.query_of(request.query_params.multi_items()), "query")
    search = _search(request, sql_search.ROLE_FIELDS)
    tenant = tenant_of(request)
    excluded: set[str] = set()
    user = tenant.users.get(query.get("excludeUserId") or "")
    if user is not None:
        excluded.update(user.role_ids)
    app = tenant.applications.get(query.get("excludeApplicationId") or "")
    if app is not None:
        excluded.update(app.role_ids)
    found = [
        r
        for r in roles.listed(tenant)
        if r.id not in excluded
        and (not query.get("type") or r.type == query["type"])
        and search(_columns(r))
    ]
    return paginated(request, found, shape=lambda r: shapes.role_with_members(r, tenant))


async def create_role(request: Request) -> Response:
    """`POST /api/roles` (200). Like Logto, the role exists before its scopes are checked."""
    data = zod.parse(CREATE, await body_value(request))
    tenant = tenant_of(request)
    roles.name_free(tenant, data["name"])
    role = Role(
        id=new_id(),
        name=data["name"],
        description=data["description"],
        type=data.get("type", "User"),
        is_default=bool(data.get("isDefault")),
    )
    roles.create(tenant, role)
    scope_ids: list[str] = data.get("scopeIds") or []
    scopes = resources.scopes_by_id(tenant, scope_ids)
    roles.add_scopes(tenant, role, scopes)
    if "scopeIds" in data:
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
    """`PATCH /api/roles/:id` (`name`, `description`, `isDefault`; `{}` is a 422)."""
    data = zod.parse(PATCH, await body_value(request))
    role = role_of(request)
    tenant = tenant_of(request)
    if data.get("name"):
        roles.name_free(tenant, data["name"], role.id)
    if not data:
        raise _empty_update()
    if "name" in data:
        roles.rename(tenant, role, data["name"])
    if "description" in data:
        role.description = data["description"]
    if "isDefault" in data:
        role.is_default = data["isDefault"]
    return JSONResponse(shapes.role(role, tenant.id))


async def delete_role(request: Request) -> Response:
    """`DELETE /api/roles/:id` (204): taken from every user and app at once."""
    roles.delete(tenant_of(request), role_of(request))
    return no_content()


async def list_scopes(request: Request) -> Response:
    """`GET /api/roles/:id/scopes`, each scope with its resource (`search` on the scope)."""
    page_of(request, optional=True)
    role = role_of(request)
    search = _search(request, sql_search.SCOPE_FIELDS)
    tenant = tenant_of(request)
    items = []
    for scope_id in role.scope_ids:
        scope = tenant.find_scope(scope_id)
        resource = tenant.resources.get(scope.resource_id) if scope else None
        if scope is not None and resource is not None and search(_columns(scope)):
            items.append(
                {**shapes.scope(scope, tenant.id), "resource": shapes.resource(resource, tenant.id)}
            )
    return paginated(request, items, optional=True)


async def assign_scopes(request: Request) -> Response:
    """`POST /api/roles/:id/scopes` (201, all the role's scopes).

    The role, then scopes held already (422), then each scope known (404) and fit for the role.
    """
    scope_ids: list[str] = zod.parse(_ids("scopeIds"), await body_value(request))["scopeIds"]
    role = role_of(request)
    tenant = tenant_of(request)
    for scope_id in scope_ids:
        roles.scope_not_held(role, scope_id)
    scopes = resources.scopes_by_id(tenant, scope_ids)
    roles.add_scopes(tenant, role, scopes)
    held = [s for s in (tenant.find_scope(i) for i in role.scope_ids) if s is not None]
    return JSONResponse([shapes.scope(s, tenant.id) for s in held], status_code=201)


async def remove_scope(request: Request) -> Response:
    """`DELETE /api/roles/:id/scopes/:scopeId` (204; 404 `entity.not_found` when not held)."""
    role = tenant_of(request).roles.get(request.path_params["id"])
    scope_id = request.path_params["scopeId"]
    if role is None or scope_id not in role.scope_ids:
        raise app_ops.not_found()
    roles.remove_scope(role, scope_id)
    return no_content()


#: Logto's user search columns (queries/user.ts `buildUserConditions`).
USER_SEARCH_FIELDS = ("id", "primary_email", "primary_phone", "username", "name")


async def list_users(request: Request) -> Response:
    """`GET /api/roles/:id/users`: its users, newest first, with `GET /api/users`'s search.

    Logto (routes/role.user.ts) runs `findUsers` with the role as an `exists` relation: the same
    search parameters and order as the users list.
    """
    page_of(request, optional=False)
    role = role_of(request)
    search = _search(request, USER_SEARCH_FIELDS)
    users = [
        u
        for u in user_ops.newest_first(tenant_of(request))
        if role.id in u.role_ids
        and search(
            {
                "id": u.id,
                "primary_email": u.primary_email,
                "primary_phone": u.primary_phone,
                "username": u.username,
                "name": u.name,
            }
        )
    ]
    return paginated(request, users, shape=shapes.user)


async def assign_users(request: Request) -> Response:
    """`POST /api/roles/:id/users` (201).

    The role, a user holding it already (422), unknown users (404), then the relation's role-
    type check (422 `entity.db_constraint_violated`).
    """
    user_ids: list[str] = zod.parse(_ids("userIds"), await body_value(request))["userIds"]
    role = role_of(request)
    tenant = tenant_of(request)
    for user_id in user_ids:
        user = tenant.users.get(user_id)
        if user is not None and role.id in user.role_ids:
            raise unprocessable(
                "role.user_exists", f"The user id {user_id} is already been added to this role"
            )
    held = [user_ops.get(tenant, user_id) for user_id in user_ids]
    if role.type != "User":
        raise _constraint_violated()
    for user in held:
        roles.link(user, role)
    return created()


async def remove_user(request: Request) -> Response:
    """`DELETE /api/roles/:id/users/:userId` (204; 404 `entity.not_found` when not held)."""
    user = tenant_of(request).users.get(request.path_params["userId"])
    role_id = request.path_params["id"]
    if user is None or role_id not in user.role_ids:
        raise app_ops.not_found()
    roles.unlink(user, role_id)
    return no_content()


async def list_applications(request: Request) -> Response:
    """`GET /api/roles/:id/applications`.

    Its M2M apps, newest first (`search` on id, name, description).
    """
    page_of(request, optional=False)
    role = role_of(request)
    search = _search(request, sql_search.APPLICATION_FIELDS)
    tenant = tenant_of(request)
    apps = [
        a
        for a in app_ops.newest_first(list(tenant.applications.values()))
        if role.id in a.role_ids and a.type == "MachineToMachine" and search(_columns(a))
    ]
    return paginated(request, apps, shape=lambda a: shapes.application(a, tenant.id))


async def assign_applications(request: Request) -> Response:
    """`POST /api/roles/:id/applications` (201).

    The role, an app holding it already (422), unknown apps (404), then the relation's role-type
    check. The app's own type is not checked.
    """
    body = zod.parse(_ids("applicationIds"), await body_value(request))
    app_ids: list[str] = body["applicationIds"]
    role = role_of(request)
    tenant = tenant_of(request)
    for app_id in app_ids:
        app = tenant.applications.get(app_id)
        if app is not None and role.id in app.role_ids:
            # Logto passes the id as `userId` to a phrase that reads `{{applicationId}}`:
            # i18next leaves the missing variable empty (role.application.ts).
            raise unprocessable(
                "role.application_exists",
                "The application id  is already been added to this role",
            )
    held = [app_ops.get(tenant, app_id) for app_id in app_ids]
    if role.type != "MachineToMachine":
        raise _constraint_violated()
    for app in held:
        roles.link(app, role)
    return created()


async def remove_application(request: Request) -> Response:
    """`DELETE /api/roles/:id/applications/:applicationId` (204; 404 `entity.not_found`)."""
    app = tenant_of(request).applications.get(request.path_params["applicationId"])
    role_id = request.path_params["id"]
    if app is None or role_id not in app.role_ids:
        raise app_ops.not_found()
    roles.unlink(app, role_id)
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
