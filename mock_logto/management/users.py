"""`/api/users`: every route of Logto's users group (routes/admin-user/*.ts, Logto v1.37.0).

Each handler follows its route's order of checks: the zod guard (all issues, Logto's
`guard.invalid_input`), then `findUserById` (404 `entity.not_found`), then the route's rules.
Writes bump `updatedAt` as Logto's table trigger does. Sessions (`/users/:id/sessions`) are
not a route of this Logto build: they answer its plain 404.
"""

from __future__ import annotations

import base64
import re
import secrets
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from .. import zod
from ..errors import ManagementApiError, UnknownReference
from ..http.hooks import user_data_event
from ..http.responses import JSONResponse
from ..models import PersonalAccessToken, User
from ..ops import connectors, roles, users
from ..runtime import runtime_of
from . import shapes
from . import user_schemas as schema
from .common import Handler, json_body, new_id, new_secret, no_content, now_ms, tenant_of
from .guard import authenticate
from .pagination import page_of, paginated
from .sql_search import compile_search, parse

#: Logto's `userSearchFields` (snake_case columns) and the attribute each reads.
SEARCH_COLUMNS = ("id", "primary_email", "primary_phone", "username", "name")
ROLE_SEARCH_COLUMNS = ("id", "name", "description")
_PROFILE_FIELDS = (
    ("username", "username"),
    ("primaryEmail", "primary_email"),
    ("primaryPhone", "primary_phone"),
    ("name", "name"),
    ("avatar", "avatar"),
)
_YES = frozenset({"1", "true", "y", "yes"})
_HEX = "0123456789abcdef"
_BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
#: A 1×1 PNG: the mock draws no QR code (the `secret` is the same as Logto's).
_QR_PLACEHOLDER = (
    "data:image/png;base64,"
    + base64.b64encode(
        bytes.fromhex(
            "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4"
            "890000000d49444154789c6360f8ffff3f0005fe02fea7d6a4e70000000049454e44ae426082"
        )
    ).decode()
)


def _error(code: str, message: str, status: int) -> ManagementApiError:
    return ManagementApiError(code, message, status_code=status)


#: The `users` table's column lengths: a longer value is the database's 422.
_COLUMN_LENGTHS = {
    "username": 128,
    "primaryEmail": 128,
    "primaryPhone": 128,
    "name": 128,
    "avatar": 2048,
}


def _fits_columns(values: dict[str, Any]) -> None:
    """PostgreSQL's `value too long for type character varying(n)` (entity-errors/102)."""
    for key, limit in _COLUMN_LENGTHS.items():
        value = values.get(key)
        if isinstance(value, str) and len(value) > limit:
            raise ManagementApiError(
                "entity.value_too_long",
                "The length of value is too long and exceeds the limit.",
                status_code=422,
                data={"message": f"value too long for type character varying({limit})"},
            )


def user_of(request: Request) -> User:
    """The user named by the path's `id`, else Logto's 404 (`entity.not_found`)."""
    return users.get(tenant_of(request), request.path_params["id"])


def _touch(request: Request, user: User) -> None:
    """Logto's `updated_at` trigger: now, and later than before (the clock counts seconds)."""
    user.updated_at = max(now_ms(request), user.updated_at + 1)


def _row(user: User) -> dict[str, str | None]:
    return {
        "id": user.id,
        "primary_email": user.primary_email,
        "primary_phone": user.primary_phone,
        "username": user.username,
        "name": user.name,
    }


async def list_users(request: Request) -> Response:
    """`GET /api/users`: newest first, Logto's search, `excludeRoleId` / `excludeOrganizationId`."""
    page_of(request, optional=False)
    query = request.query_params
    exclude_role, exclude_org = query.get("excludeRoleId"), query.get("excludeOrganizationId")
    if exclude_role and exclude_org:
        raise _error(
            "request.invalid_input",
            "Input is invalid. Parameter `excludeRoleId` and `excludeOrganizationId` cannot be "
            "used at the same time.",
            400,
        )
    tenant = tenant_of(request)
    matches = compile_search(parse(query.multi_items()), SEARCH_COLUMNS)
    everyone = users.newest_first(tenant)
    if matches is None and not exclude_role and not exclude_org:
        return paginated(request, everyone, shape=shapes.user)
    members: set[str] = set()
    if exclude_org and exclude_org in tenant.organizations:
        members = set(tenant.organizations[exclude_org].user_roles)
    found = [
        u
        for u in everyone
        if (not exclude_role or exclude_role not in u.role_ids)
        and u.id not in members
        and (matches is None or matches(_row(u)))
    ]
    return paginated(request, found, shape=shapes.user)


async def get_user(request: Request) -> Response:
    """`GET /api/users/:id` (`includeSsoIdentities` adds `ssoIdentities`: none here)."""
    body = shapes.user(user_of(request))
    if request.query_params.get("includeSsoIdentities", "false").lower() in _YES:
        body["ssoIdentities"] = []
    return JSONResponse(body)


async def create_user(request: Request) -> Response:
    """`POST /api/users` (200): every field optional, password rules not applied (as Logto)."""
    data = await json_body(request)
    profile = zod.parse(schema.CREATE, data).get("profile")
    password, digest = data.get("password"), data.get("passwordDigest")
    if password and digest:
        raise _error(
            "user.password_and_digest",
            "You cannot set both plain text password and password digest.",
            400,
        )
    if digest and not data.get("passwordAlgorithm"):
        raise _error("user.password_algorithm_required", "Password algorithm is required.", 400)
    users.identifiers_free(
        tenant_of(request),
        {k: data.get(k) for k in ("username", "primaryEmail", "primaryPhone")},
        order=users.CREATION_ORDER,
    )
    if data.get("passwordAlgorithm") == "Legacy":
        users.legacy_digest(digest)
    _fits_columns(data)
    now = now_ms(request)
    user = User(
        id=new_id(12),
        password=password or None,
        custom_data=data.get("customData") or {},
        profile=profile or {},
        created_at=now,
        updated_at=now,
    )
    if digest:
        user.password_digest, user.password_algorithm = digest, data["passwordAlgorithm"]
    for key, attribute in _PROFILE_FIELDS:
        setattr(user, attribute, data.get(key))
    users.create(tenant_of(request), user)
    return JSONResponse(shapes.user(user))


async def update_user(request: Request) -> Response:
    """`PATCH /api/users/:id`: given fields replace (`customData`, `profile` whole), null clears."""
    data = await json_body(request)
    profile = zod.parse(schema.UPDATE, data).get("profile")
    user = user_of(request)
    tenant = tenant_of(request)
    given = {key: data[key] for key, _ in _PROFILE_FIELDS if key in data}
    users.identifiers_free(tenant, given, user.id)
    if not given and "customData" not in data and profile is None:
        raise _error("entity.invalid_input", "Invalid input. Value list must not be empty.", 422)
    _fits_columns(given)
    users.update_profile(tenant, user, given)
    if "customData" in data:
        user.custom_data = dict(data["customData"])
    if profile is not None:
        user.profile = profile
    _touch(request, user)
    return JSONResponse(shapes.user(user))


async def get_custom_data(request: Request) -> Response:
    """`GET /api/users/:id/custom-data`."""
    return JSONResponse(user_of(request).custom_data)


async def update_custom_data(request: Request) -> Response:
    """`PATCH /api/users/:id/custom-data` `{customData}`: merged at the top level (jsonb `||`)."""
    data = await json_body(request)
    zod.parse(schema.CUSTOM_DATA, data)
    user = user_of(request)
    user.custom_data = {**user.custom_data, **data["customData"]}
    _touch(request, user)
    return JSONResponse(user.custom_data)


def _logto_configs(user: User) -> dict[str, Any]:
    mfa = user.logto_config.get("mfa")
    passkey = user.logto_config.get("passkeySignIn")
    mfa = mfa if isinstance(mfa, dict) else {}
    passkey = passkey if isinstance(passkey, dict) else {}
    return {
        "mfa": {
            "skipped": bool(mfa.get("skipped")),
            "skipMfaOnSignIn": bool(mfa.get("skipMfaOnSignIn")),
        },
        "passkeySignIn": {"skipped": bool(passkey.get("skipped"))},
    }


async def get_logto_configs(request: Request) -> Response:
    """`GET /api/users/:id/logto-configs`: the MFA and passkey skip flags (false if unset)."""
    return JSONResponse(_logto_configs(user_of(request)))


async def update_logto_configs(request: Request) -> Response:
    """`PATCH /api/users/:id/logto-configs`: both objects required, every flag a boolean."""
    data = await json_body(request)
    parsed = zod.parse(schema.LOGTO_CONFIGS, data)
    mfa, passkey = parsed["mfa"], parsed["passkeySignIn"]
    user = user_of(request)
    old_mfa = user.logto_config.get("mfa")
    old_passkey = user.logto_config.get("passkeySignIn")
    user.logto_config = {
        **user.logto_config,
        "mfa": {
            **(old_mfa if isinstance(old_mfa, dict) else {}),
            "skipped": mfa["skipped"],
            "skipMfaOnSignIn": mfa["skipMfaOnSignIn"],
        },
        "passkeySignIn": {
            **(old_passkey if isinstance(old_passkey, dict) else {}),
            "skipped": passkey["skipped"],
        },
    }
    _touch(request, user)
    user_data_event(request, "User.Data.Updated", user)  # Logto appends it in the handler
    return JSONResponse(
        {
            "mfa": {"skipped": mfa["skipped"], "skipMfaOnSignIn": mfa["skipMfaOnSignIn"]},
            "passkeySignIn": {"skipped": passkey["skipped"]},
        }
    )


async def update_profile(request: Request) -> Response:
    """`PATCH /api/users/:id/profile` `{profile}`: merged at the top level; unknown keys dropped."""
    data = await json_body(request)
    profile = zod.parse(schema.PROFILE_BODY, data)["profile"]
    user = user_of(request)
    user.profile = {**user.profile, **profile}
    _touch(request, user)
    return JSONResponse(users.ordered_profile(user.profile))


def _password(data: dict[str, Any]) -> str:
    return str(zod.parse(schema.PASSWORD, data)["password"])


async def update_password(request: Request) -> Response:
    """`PATCH /api/users/:id/password`: any non-empty password (no policy, as Logto)."""
    password = _password(await json_body(request))
    user = user_of(request)
    users.set_password(user, password)
    _touch(request, user)
    return JSONResponse(shapes.user(user))


async def verify_password(request: Request) -> Response:
    """`POST /api/users/:id/password/verify`: 204, else 422 `session.invalid_credentials`."""
    password = _password(await json_body(request))
    if not users.verify_password(user_of(request), password):
        raise _error(
            "session.invalid_credentials",
            "Incorrect account or password. Please check your input.",
            422,
        )
    return no_content()


async def has_password(request: Request) -> Response:
    """`GET /api/users/:id/has-password`."""
    return JSONResponse({"hasPassword": users.has_password(user_of(request))})


async def set_suspension(request: Request) -> Response:
    """`PATCH /api/users/:id/is-suspended`: a suspended user cannot sign in or refresh."""
    data = await json_body(request)
    zod.parse(schema.SUSPENSION, data)
    user = user_of(request)
    user.is_suspended = bool(data["isSuspended"])
    _touch(request, user)
    if user.is_suspended:
        runtime_of(request).store.sign_out_user(user.id)
    return JSONResponse(shapes.user(user))


async def delete_user(request: Request) -> Response:
    """`DELETE /api/users/:id` (204): the user cannot sign in or refresh any more.

    The token's own subject cannot be deleted (a user's Management API token, e.g. exchanged
    from a personal access token): 400 `user.cannot_delete_self`, before the user is looked up.
    """
    if authenticate(request).get("sub") == request.path_params["id"]:
        raise _error("user.cannot_delete_self", "You cannot delete yourself.", 400)
    user = user_of(request)
    runtime_of(request).store.sign_out_user(user.id)
    users.delete(tenant_of(request), user)
    return no_content()


async def list_roles(request: Request) -> Response:
    """`GET /api/users/:id/roles`: the user's User roles, with Logto's search over them.

    Logto's quirk kept: `Total-Number` counts the user's roles of every type (its count query
    has no type condition), so an M2M role given by `PUT` is counted but not listed.
    """
    page_of(request, optional=False)
    user = user_of(request)
    tenant = tenant_of(request)
    matches = compile_search(parse(request.query_params.multi_items()), ROLE_SEARCH_COLUMNS)
    held = [r for r in roles.existing(tenant, user.role_ids) if not r.name.startswith("#internal:")]
    if matches is not None:
        held = [
            r for r in held if matches({"id": r.id, "name": r.name, "description": r.description})
        ]
    listed = [shapes.role(r, tenant.id) for r in held if r.type == "User"]
    return paginated(request, listed, total=len(held))


def _role_ids(data: dict[str, Any]) -> list[str]:
    """`object({roleIds: string().min(1).array()})`."""
    return list(zod.parse(schema.ROLE_IDS, data)["roleIds"])


async def assign_roles(request: Request) -> Response:
    """`POST /api/users/:id/roles` (201 `{roleIds, addedRoleIds}`): held ones are skipped."""
    role_ids = _role_ids(await json_body(request))
    user = user_of(request)
    tenant = tenant_of(request)
    added = [r for r in role_ids if r not in user.role_ids]
    for role_id in added:
        found = tenant.roles.get(role_id)
        if found is not None:
            roles.check_type(user, found)
    for role in [roles.get(tenant, role_id) for role_id in added]:
        if role.id not in user.role_ids:
            roles.link(user, role)
    return JSONResponse({"roleIds": role_ids, "addedRoleIds": added}, status_code=201)


async def replace_roles(request: Request) -> Response:
    """`PUT /api/users/:id/roles` (200 `{roleIds}`): exactly these roles.

    Logto's quirk kept: this route does not check the role type (an M2M role is assigned).
    """
    role_ids = _role_ids(await json_body(request))
    user = user_of(request)
    tenant = tenant_of(request)
    for role_id in role_ids:
        if role_id not in user.role_ids:
            roles.get(tenant, role_id)
    kept = [r for r in user.role_ids if r in role_ids]
    user.role_ids = kept + [r for r in dict.fromkeys(role_ids) if r not in kept]
    return JSONResponse({"roleIds": list(dict.fromkeys(role_ids))})


async def remove_role(request: Request) -> Response:
    """`DELETE /api/users/:id/roles/:roleId` (204); no such link (or user): `entity.not_found`."""
    user = tenant_of(request).users.get(request.path_params["id"])
    role_id = request.path_params["roleId"]
    if user is None or role_id not in user.role_ids:
        raise users.RowNotFound(f"no role '{role_id}' for user")
    roles.unlink(user, role_id)
    return no_content()


async def list_organizations(request: Request) -> Response:
    """`GET /api/users/:id/organizations`: with the user's organization roles in each."""
    user = user_of(request)
    tenant = tenant_of(request)
    items = []
    for org in tenant.organizations.values():
        if user.id not in org.user_roles:
            continue
        held = [
            {"id": r, "name": tenant.organization_roles[r].name}
            for r in org.user_roles[user.id]
            if r in tenant.organization_roles
        ]
        items.append({**shapes.organization(org, tenant.id), "organizationRoles": held})
    return JSONResponse(items)


def _identity_not_exist() -> ManagementApiError:
    return _error("user.identity_not_exist", "The social account has not been registered yet.", 404)


def _identity_in_use() -> ManagementApiError:
    return _error(
        "user.identity_already_in_use",
        "The social account has been associated with an existing account.",
        422,
    )


async def put_identity(request: Request) -> Response:
    """`PUT /api/users/:id/identities/:target`: 201 when new, 200 when replaced."""
    data = await json_body(request)
    zod.parse(schema.IDENTITY, data)
    user = user_of(request)
    target = request.path_params["target"]
    for other in tenant_of(request).users.values():
        held = other.identities.get(target)
        if other.id != user.id and isinstance(held, dict) and held.get("userId") == data["userId"]:
            raise _identity_in_use()
    status = 200 if target in user.identities else 201
    identity: dict[str, Any] = {"userId": data["userId"]}
    if "details" in data:
        identity["details"] = data["details"]
    user.identities = {**user.identities, target: identity}
    _touch(request, user)
    return JSONResponse(user.identities, status_code=status)


async def link_identity(request: Request) -> Response:
    """`POST /api/users/:id/identities` (routes/admin-user/social.ts), through the connector.

    The user and the connector (404s), a social connector (422), its user info from
    `connectorData` (Logto's mock social connector, without a session), the identity free
    (422), then the identity under the connector's target, with the user info as `details`.
    """
    data = await json_body(request)
    zod.parse(schema.LINK_IDENTITY, data)
    user = user_of(request)
    tenant = tenant_of(request)
    connector_id = data["connectorId"]
    row, merged = connectors.get(tenant, connector_id)
    if merged["type"] != "Social":
        raise _error(
            "session.invalid_connector_id",
            f"Unable to find available connector with id {connector_id}.",
            422,
        )
    target = connectors.target_of(row)
    info = connectors.social_user_info(data["connectorData"])
    for other in tenant.users.values():
        held = other.identities.get(target)
        if other.id != user.id and isinstance(held, dict) and held.get("userId") == info["id"]:
            raise _identity_in_use()
    user.identities = {**user.identities, target: {"userId": info["id"], "details": info}}
    _touch(request, user)
    return JSONResponse(user.identities)


async def get_identity(request: Request) -> Response:
    """`GET /api/users/:id/identities/:target` (no token secrets are stored)."""
    user = user_of(request)
    target = request.path_params["target"]
    if target not in user.identities:
        raise _identity_not_exist()
    return JSONResponse({"identity": user.identities[target]})


async def delete_identity(request: Request) -> Response:
    """`DELETE /api/users/:id/identities/:target`: the user without it."""
    user = user_of(request)
    target = request.path_params["target"]
    if target not in user.identities:
        raise _identity_not_exist()
    user.identities = {k: v for k, v in user.identities.items() if k != target}
    _touch(request, user)
    return JSONResponse(shapes.user(user))


async def all_identities(request: Request) -> Response:
    """`GET /api/users/:id/all-identities`: social ones by target; no enterprise SSO here."""
    user = user_of(request)
    social = [{"target": t, "identity": i} for t, i in user.identities.items()]
    return JSONResponse({"socialIdentities": social, "ssoIdentities": []})


async def sso_identity(request: Request) -> Response:
    """`GET /api/users/:id/sso-identities/:ssoConnectorId`: no enterprise SSO, always 404."""
    user_of(request)
    connector = request.path_params["ssoConnectorId"]
    raise _error(
        "user.enterprise_sso_identity_not_exists",
        "The user does not have an enterprise identity linked to the specified SSO connector "
        f"ID: {connector}.",
        404,
    )


def _codes(verification: dict[str, Any]) -> list[dict[str, Any]]:
    codes = verification.get("codes")
    return [c for c in codes if isinstance(c, dict)] if isinstance(codes, list) else []


def _mfa_shape(verification: dict[str, Any]) -> dict[str, Any]:
    """`transpileUserMfaVerifications` (a fixture's factor may lack fields: null then)."""
    base = {k: verification.get(k) for k in ("id", "createdAt", "type")}
    if verification.get("type") == "BackupCode":
        base["remainCodes"] = sum(1 for c in _codes(verification) if not c.get("usedAt"))
    elif verification.get("type") == "WebAuthn":
        base = {
            **{k: verification.get(k) for k in ("id", "createdAt", "lastUsedAt", "type")},
            "agent": verification.get("agent"),
            "name": verification.get("name"),
        }
    return base


async def list_mfa_verifications(request: Request) -> Response:
    """`GET /api/users/:id/mfa-verifications`."""
    return JSONResponse([_mfa_shape(v) for v in user_of(request).mfa_verifications])


def _valid_totp_secret(secret: str) -> bool:
    pattern = r"^(?:[2-7A-Z]{8})*(?:[2-7A-Z]{2}={6}|[2-7A-Z]{4}={4}|[2-7A-Z]{5}={3}|[2-7A-Z]{7}=)?$"
    return 16 <= len(secret) <= 32 and re.match(pattern, secret) is not None


async def add_mfa_verification(request: Request) -> Response:
    """`POST /api/users/:id/mfa-verifications`: a TOTP secret or ten backup codes, stored."""
    data = await json_body(request)
    zod.parse(schema.MFA_VERIFICATION, data)
    user = user_of(request)
    held = user.mfa_verifications
    created = datetime.fromtimestamp(now_ms(request) / 1000, UTC).isoformat(timespec="milliseconds")
    entry: dict[str, Any] = {"id": new_id(), "createdAt": created.replace("+00:00", "Z")}
    if data["type"] == "Totp":
        if any(v.get("type") == "Totp" for v in held):
            raise _error("user.totp_already_in_use", "TOTP is already in use.", 422)
        secret = data.get("secret")
        if secret and not _valid_totp_secret(secret):
            raise _error("user.totp_secret_invalid", "Invalid TOTP secret supplied.", 422)
        secret = secret or "".join(secrets.choice(_BASE32) for _ in range(32))
        user.mfa_verifications = [*held, {**entry, "type": "Totp", "key": secret}]
        _touch(request, user)
        return JSONResponse({"type": "Totp", "secret": secret, "secretQrCode": _QR_PLACEHOLDER})
    if any(
        v.get("type") == "BackupCode" and not all(c.get("usedAt") for c in _codes(v)) for v in held
    ):
        raise _error("user.backup_code_already_in_use", "Backup code is already in use.", 422)
    if not any(v.get("type") != "BackupCode" for v in held):
        raise _error(
            "session.mfa.backup_code_can_not_be_alone", "Backup code can not be the only MFA.", 422
        )
    codes = data.get("codes")
    if codes is not None and not (
        len(codes) == 10 and all(re.fullmatch(r"[\da-fA-F]{10}", c) for c in codes)
    ):
        raise _error("user.wrong_backup_code_format", "Backup code format is invalid.", 422)
    codes = codes or ["".join(secrets.choice(_HEX) for _ in range(10)) for _ in range(10)]
    entry.update(type="BackupCode", codes=[{"code": c} for c in codes])
    user.mfa_verifications = [*held, entry]
    _touch(request, user)
    return JSONResponse({"codes": codes, "type": "BackupCode"})


async def delete_mfa_verification(request: Request) -> Response:
    """`DELETE /api/users/:id/mfa-verifications/:verificationId` (204)."""
    user = user_of(request)
    wanted = request.path_params["verificationId"]
    if not any(v.get("id") == wanted for v in user.mfa_verifications):
        raise users.RowNotFound(f"unknown MFA verification '{wanted}'")
    user.mfa_verifications = [v for v in user.mfa_verifications if v.get("id") != wanted]
    _touch(request, user)
    return no_content()


async def create_personal_access_token(request: Request) -> Response:
    """`POST /api/users/:id/personal-access-tokens` (201, the value shown)."""
    data = await json_body(request)
    zod.parse(schema.TOKEN_CREATE, data)
    expires = data.get("expiresAt")
    now = now_ms(request)
    if expires and expires <= now:
        raise _error(
            "request.invalid_input",
            "Input is invalid. The value of `expiresAt` must be in the future.",
            400,
        )
    tenant = tenant_of(request)
    user = tenant.users.get(request.path_params["id"])
    if user is None:  # the foreign key of Logto's table
        error = UnknownReference("userId")
        error.status_code = 404
        raise error
    token = PersonalAccessToken(
        data["name"], "pat_" + new_secret(), now, int(expires) if expires else None
    )
    users.add_personal_access_token(tenant, user, token)
    return JSONResponse(shapes.personal_access_token(token, user.id, tenant.id), status_code=201)


async def list_personal_access_tokens(request: Request) -> Response:
    """`GET /api/users/:id/personal-access-tokens`."""
    user = user_of(request)
    tenant_id = tenant_of(request).id
    return JSONResponse(
        [shapes.personal_access_token(t, user.id, tenant_id) for t in user.personal_access_tokens]
    )


def _token_owner(request: Request) -> User | None:
    return tenant_of(request).users.get(request.path_params["id"])


def _delete_token(request: Request, name: str) -> Response:
    user = _token_owner(request)
    if user is None:
        raise users.RowNotFound(f"no personal access token '{name}'", "personalAccessTokens")
    users.delete_personal_access_token(tenant_of(request), user, name)
    return no_content()


async def delete_personal_access_token(request: Request) -> Response:
    """`DELETE /api/users/:id/personal-access-tokens/:name` (204): exchanges fail from now."""
    return _delete_token(request, request.path_params["name"])


async def delete_personal_access_token_by_body(request: Request) -> Response:
    """`POST /api/users/:id/personal-access-tokens/delete` `{name}` (204)."""
    data = await json_body(request)
    zod.parse(schema.TOKEN_DELETE, data)
    return _delete_token(request, data["name"])


def _rename(request: Request, name: str, new_name: str) -> Response:
    user = _token_owner(request)
    tenant_id = tenant_of(request).id
    if user is None:
        raise ManagementApiError(
            "entity.not_exists", "The personal_access_token does not exist.", status_code=404
        )
    token = users.rename_personal_access_token(user, name, new_name)
    return JSONResponse(shapes.personal_access_token(token, user.id, tenant_id))


async def rename_personal_access_token(request: Request) -> Response:
    """`PATCH /api/users/:id/personal-access-tokens` `{name, currentName?}`."""
    data = await json_body(request)
    zod.parse(schema.TOKEN_RENAME, data)
    return _rename(request, data.get("currentName") or data["name"], data["name"])


async def rename_personal_access_token_by_path(request: Request) -> Response:
    """`PATCH /api/users/:id/personal-access-tokens/:name` `{name}` (legacy)."""
    data = await json_body(request)
    zod.parse(schema.TOKEN_NAME, data)
    return _rename(request, request.path_params["name"], data["name"])


#: (method, path under /api, handler): the routes of this module, in matching order.
ROUTES: tuple[tuple[str, str, Handler], ...] = (
    ("GET", "/users", list_users),
    ("POST", "/users", create_user),
    ("GET", "/users/{id}", get_user),
    ("PATCH", "/users/{id}", update_user),
    ("DELETE", "/users/{id}", delete_user),
    ("PATCH", "/users/{id}/password", update_password),
    ("POST", "/users/{id}/password/verify", verify_password),
    ("GET", "/users/{id}/has-password", has_password),
    ("GET", "/users/{id}/custom-data", get_custom_data),
    ("PATCH", "/users/{id}/custom-data", update_custom_data),
    ("GET", "/users/{id}/logto-configs", get_logto_configs),
    ("PATCH", "/users/{id}/logto-configs", update_logto_configs),
    ("PATCH", "/users/{id}/profile", update_profile),
    ("PATCH", "/users/{id}/is-suspended", set_suspension),
    ("GET", "/users/{id}/roles", list_roles),
    ("POST", "/users/{id}/roles", assign_roles),
    ("PUT", "/users/{id}/roles", replace_roles),
    ("DELETE", "/users/{id}/roles/{roleId}", remove_role),
    ("GET", "/users/{id}/organizations", list_organizations),
    ("POST", "/users/{id}/identities", link_identity),
    ("GET", "/users/{id}/identities/{target}", get_identity),
    ("PUT", "/users/{id}/identities/{target}", put_identity),
    ("DELETE", "/users/{id}/identities/{target}", delete_identity),
    ("GET", "/users/{id}/all-identities", all_identities),
    ("GET", "/users/{id}/sso-identities/{ssoConnectorId}", sso_identity),
    ("GET", "/users/{id}/mfa-verifications", list_mfa_verifications),
    ("POST", "/users/{id}/mfa-verifications", add_mfa_verification),
    ("DELETE", "/users/{id}/mfa-verifications/{verificationId}", delete_mfa_verification),
    ("GET", "/users/{id}/personal-access-tokens", list_personal_access_tokens),
    ("POST", "/users/{id}/personal-access-tokens", create_personal_access_token),
    ("PATCH", "/users/{id}/personal-access-tokens", rename_personal_access_token),
    ("POST", "/users/{id}/personal-access-tokens/delete", delete_personal_access_token_by_body),
    ("PATCH", "/users/{id}/personal-access-tokens/{name}", rename_personal_access_token_by_path),
    ("DELETE", "/users/{id}/personal-access-tokens/{name}", delete_personal_access_token),
)
