"""`/api/users`: users, their roles, organizations and personal access tokens."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ..errors import invalid_input
from ..http.responses import JSONResponse
from ..models import PersonalAccessToken, User
from ..ops import roles, users
from . import shapes
from .common import (
    Handler,
    bool_field,
    id_list,
    int_field,
    json_body,
    new_id,
    new_secret,
    no_content,
    now_ms,
    object_field,
    string_field,
    tenant_of,
)
from .pagination import paginated

_PROFILE_FIELDS = (
    ("username", "username"),
    ("primaryEmail", "primary_email"),
    ("primaryPhone", "primary_phone"),
    ("name", "name"),
    ("avatar", "avatar"),
)


def user_of(request: Request) -> User:
    """The user named by the path's `id`, else Logto's 404."""
    return users.get(tenant_of(request), request.path_params["id"])


async def list_users(request: Request) -> Response:
    """`GET /api/users` (newest first; `search` over username, email, phone, name, id)."""
    tenant = tenant_of(request)
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
    return paginated(request, users, shape=shapes.user)


async def get_user(request: Request) -> Response:
    """`GET /api/users/:id`."""
    return JSONResponse(shapes.user(user_of(request)))


async def create_user(request: Request) -> Response:
    """`POST /api/users` (200): the user can sign in at once."""
    data = await json_body(request)
    values = {key: string_field(data, key) for key, _ in _PROFILE_FIELDS}
    now = now_ms(request)
    user = User(
        id=new_id(12),
        password=string_field(data, "password"),
        custom_data=object_field(data, "customData") or {},
        profile=object_field(data, "profile") or {},
        created_at=now,
        updated_at=now,
    )
    for key, attribute in _PROFILE_FIELDS:
        setattr(user, attribute, values[key])
    users.create(tenant_of(request), user)
    return JSONResponse(shapes.user(user))


async def update_user(request: Request) -> Response:
    """`PATCH /api/users/:id`: the given fields (null clears), `customData` replaced."""
    user = user_of(request)
    data = await json_body(request)
    values = {key: string_field(data, key) for key, _ in _PROFILE_FIELDS if key in data}
    users.update_profile(tenant_of(request), user, values)
    custom_data = object_field(data, "customData")
    if custom_data is not None:
        user.custom_data = custom_data
    profile = object_field(data, "profile")
    if profile is not None:
        user.profile.update(profile)
    user.updated_at = now_ms(request)
    return JSONResponse(shapes.user(user))


async def get_custom_data(request: Request) -> Response:
    """`GET /api/users/:id/custom-data`."""
    return JSONResponse(user_of(request).custom_data)


async def update_custom_data(request: Request) -> Response:
    """`PATCH /api/users/:id/custom-data` `{customData}`: merged into the stored object."""
    user = user_of(request)
    data = await json_body(request)
    patch = object_field(data, "customData")
    if patch is None:
        raise invalid_input(["customData"], expected="object", value=None)
    user.custom_data.update(patch)
    user.updated_at = now_ms(request)
    return JSONResponse(user.custom_data)


async def update_password(request: Request) -> Response:
    """`PATCH /api/users/:id/password`."""
    user = user_of(request)
    user.password = string_field(await json_body(request), "password", required=True)
    user.updated_at = now_ms(request)
    return JSONResponse(shapes.user(user))


async def set_suspension(request: Request) -> Response:
    """`PATCH /api/users/:id/is-suspended`: a suspended user cannot sign in or refresh."""
    user = user_of(request)
    suspended = bool_field(await json_body(request), "isSuspended")
    user.is_suspended = bool(suspended)
    return JSONResponse(shapes.user(user))


async def delete_user(request: Request) -> Response:
    """`DELETE /api/users/:id` (204): the user cannot sign in or refresh any more."""
    users.delete(tenant_of(request), user_of(request))
    return no_content()


async def list_roles(request: Request) -> Response:
    """`GET /api/users/:id/roles`."""
    user = user_of(request)
    tenant = tenant_of(request)
    held = roles.existing(tenant, user.role_ids)
    return paginated(request, [shapes.role(r, tenant.id) for r in held])


async def assign_roles(request: Request) -> Response:
    """`POST /api/users/:id/roles` (201 `{roleIds, addedRoleIds}`)."""
    user = user_of(request)
    role_ids = id_list(await json_body(request), "roleIds")
    tenant = tenant_of(request)
    added = [r for r in role_ids if r not in user.role_ids]
    for role_id in added:
        found = tenant.roles.get(role_id)
        if found is not None:
            roles.check_type(user, found)
    for role in [roles.get(tenant, role_id) for role_id in added]:
        roles.link(user, role)
    return JSONResponse({"roleIds": role_ids, "addedRoleIds": added}, status_code=201)


async def remove_role(request: Request) -> Response:
    """`DELETE /api/users/:id/roles/:roleId` (204)."""
    roles.unlink(user_of(request), request.path_params["roleId"])
    return no_content()


async def list_organizations(request: Request) -> Response:
    """`GET /api/users/:id/organizations`: with the user's organization roles in each."""
    user = user_of(request)
    tenant = tenant_of(request)
    items = []
    for org in tenant.organizations.values():
        if user.id not in org.user_roles:
            continue
        roles = [
            {"id": r, "name": tenant.organization_roles[r].name}
            for r in org.user_roles[user.id]
            if r in tenant.organization_roles
        ]
        items.append({**shapes.organization(org, tenant.id), "organizationRoles": roles})
    return JSONResponse(items)


async def create_personal_access_token(request: Request) -> Response:
    """`POST /api/users/:id/personal-access-tokens` (201, the value shown)."""
    user = user_of(request)
    data = await json_body(request)
    name = str(string_field(data, "name", required=True))
    token = PersonalAccessToken(
        name, "pat_" + new_secret(), now_ms(request), int_field(data, "expiresAt")
    )
    tenant = tenant_of(request)
    users.add_personal_access_token(tenant, user, token)
    tenant_id = tenant.id
    return JSONResponse(shapes.personal_access_token(token, user.id, tenant_id), status_code=201)


async def list_personal_access_tokens(request: Request) -> Response:
    """`GET /api/users/:id/personal-access-tokens`."""
    user = user_of(request)
    tenant_id = tenant_of(request).id
    return JSONResponse(
        [shapes.personal_access_token(t, user.id, tenant_id) for t in user.personal_access_tokens]
    )


async def delete_personal_access_token(request: Request) -> Response:
    """`DELETE /api/users/:id/personal-access-tokens/:name` (204): exchanges fail from now."""
    users.delete_personal_access_token(user_of(request), request.path_params["name"])
    return no_content()


#: (method, path under /api, handler): the routes of this module, in matching order.
ROUTES: tuple[tuple[str, str, Handler], ...] = (
    ("GET", "/users", list_users),
    ("POST", "/users", create_user),
    ("GET", "/users/{id}", get_user),
    ("PATCH", "/users/{id}", update_user),
    ("DELETE", "/users/{id}", delete_user),
    ("PATCH", "/users/{id}/password", update_password),
    ("GET", "/users/{id}/custom-data", get_custom_data),
    ("PATCH", "/users/{id}/custom-data", update_custom_data),
    ("PATCH", "/users/{id}/is-suspended", set_suspension),
    ("GET", "/users/{id}/roles", list_roles),
    ("POST", "/users/{id}/roles", assign_roles),
    ("DELETE", "/users/{id}/roles/{roleId}", remove_role),
    ("GET", "/users/{id}/organizations", list_organizations),
    ("GET", "/users/{id}/personal-access-tokens", list_personal_access_tokens),
    ("POST", "/users/{id}/personal-access-tokens", create_personal_access_token),
    ("DELETE", "/users/{id}/personal-access-tokens/{name}", delete_personal_access_token),
)
