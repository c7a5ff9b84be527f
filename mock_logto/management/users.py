"""`/api/users`: users, their roles, organizations and personal access tokens."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ..errors import invalid_input
from ..models import PersonalAccessToken, User
from ..routes.responses import JSONResponse
from . import shapes
from .common import (
    bool_field,
    by_id,
    id_list,
    int_field,
    json_body,
    new_id,
    new_secret,
    no_content,
    not_found,
    now_ms,
    object_field,
    roles_by_id,
    string_field,
    tenant_of,
    unprocessable,
)
from .pagination import paginated

#: (body key, attribute, error code, message) of the fields no two users share.
_UNIQUE = (
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
_PROFILE_FIELDS = (
    ("username", "username"),
    ("primaryEmail", "primary_email"),
    ("primaryPhone", "primary_phone"),
    ("name", "name"),
    ("avatar", "avatar"),
)


def user_of(request: Request) -> User:
    """The user named by the path's `id`, else Logto's 404."""
    return by_id(request, tenant_of(request).users, "users")


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
    return paginated(request, [shapes.user(u) for u in users])


async def get_user(request: Request) -> Response:
    """`GET /api/users/:id`."""
    return JSONResponse(shapes.user(user_of(request)))


def _check_unique(request: Request, values: dict[str, str | None], own_id: str | None) -> None:
    for key, attribute, code, message in _UNIQUE:
        value = values.get(key)
        if value is not None and any(
            (getattr(u, attribute) or "").casefold() == value.casefold() and u.id != own_id
            for u in tenant_of(request).users.values()
        ):
            raise unprocessable(code, message)


async def create_user(request: Request) -> Response:
    """`POST /api/users` (200): the user can sign in at once."""
    data = await json_body(request)
    values = {key: string_field(data, key) for key, _ in _PROFILE_FIELDS}
    _check_unique(request, values, None)
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
    tenant_of(request).users[user.id] = user
    return JSONResponse(shapes.user(user))


async def update_user(request: Request) -> Response:
    """`PATCH /api/users/:id`: the given fields (null clears), `customData` replaced."""
    user = user_of(request)
    data = await json_body(request)
    values = {key: string_field(data, key) for key, _ in _PROFILE_FIELDS if key in data}
    _check_unique(request, values, user.id)
    for key, attribute in _PROFILE_FIELDS:
        if key in values:
            setattr(user, attribute, values[key])
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
    user = user_of(request)
    tenant = tenant_of(request)
    del tenant.users[user.id]
    for org in tenant.organizations.values():
        org.user_roles.pop(user.id, None)
    return no_content()


async def list_roles(request: Request) -> Response:
    """`GET /api/users/:id/roles`."""
    user = user_of(request)
    tenant = tenant_of(request)
    roles = roles_by_id(tenant, user.role_ids)
    return paginated(request, [shapes.role(r, tenant.id) for r in roles])


async def assign_roles(request: Request) -> Response:
    """`POST /api/users/:id/roles` (201 `{roleIds, addedRoleIds}`)."""
    user = user_of(request)
    role_ids = id_list(await json_body(request), "roleIds")
    tenant = tenant_of(request)
    added = [r for r in role_ids if r not in user.role_ids]
    for role_id in added:
        found = tenant.roles.get(role_id)
        if found is not None and found.type != "User":
            raise unprocessable(
                "user.invalid_role_type",
                "Invalid role type, can not assign machine-to-machine role to user.",
            )
    for role_id in added:
        if role_id not in tenant.roles:
            raise not_found("roles", role_id)
    user.role_ids.extend(added)
    return JSONResponse({"roleIds": role_ids, "addedRoleIds": added}, status_code=201)


async def remove_role(request: Request) -> Response:
    """`DELETE /api/users/:id/roles/:roleId` (204)."""
    user = user_of(request)
    role_id = request.path_params["roleId"]
    if role_id not in user.role_ids:
        raise not_found("roles", role_id)
    user.role_ids.remove(role_id)
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
    if any(t.name == name for t in user.personal_access_tokens):
        raise unprocessable(
            "user.personal_access_token_name_exists", "Personal access token name already exists."
        )
    token = PersonalAccessToken(
        name, "pat_" + new_secret(), now_ms(request), int_field(data, "expiresAt")
    )
    user.personal_access_tokens.append(token)
    tenant_id = tenant_of(request).id
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
    user = user_of(request)
    name = request.path_params["name"]
    kept = [t for t in user.personal_access_tokens if t.name != name]
    if len(kept) == len(user.personal_access_tokens):
        raise not_found("personal_access_tokens", name)
    user.personal_access_tokens = kept
    return no_content()
