"""`/api/my-account`: the signed-in user's own profile, password, email, phone and settings.

Logto v1.37 core/routes/account/index.ts, email-and-phone.ts, logto-config.ts. Each route checks
in Logto's order: verified identity (where needed), the account center's field control, the
token's scopes, then the change. What a route answers is filtered twice as Logto filters it: by
the token's scopes (`getScopedProfile`) and by the fields the account center makes readable.
Every change fires `User.Data.Updated`.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from ..errors import ManagementApiError, invalid_input
from ..http.responses import JSONResponse
from ..models import ADDRESS_KEYS, USER_PROFILE_KEYS, User
from ..ops import email_blocklist, password_policy, users
from ..runtime import runtime_of
from .common import (
    EMAIL,
    PHONE,
    USERNAME,
    Auth,
    account_center,
    authenticate,
    invalid_string,
    json_body,
    matching,
    not_editable,
    not_enabled,
    permission_denied,
    readable,
    record_not_found,
    string,
    unauthorized,
    user_of,
)
from .events import user_data_updated


def scoped_profile(user: User, scopes: frozenset[str]) -> dict[str, Any]:
    """Logto's `getScopedProfile`, keys in `userProfileResponseGuard`'s order."""
    body: dict[str, Any] = {"id": user.id}
    has_profile = "profile" in scopes
    if has_profile:
        body["username"] = user.username
    if "email" in scopes:
        body["primaryEmail"] = user.primary_email
    if "phone" in scopes:
        body["primaryPhone"] = user.primary_phone
    if has_profile:
        body["name"] = user.name
        body["avatar"] = user.avatar
    if "custom_data" in scopes:
        body["customData"] = dict(user.custom_data)
    if "identities" in scopes:
        body["identities"] = dict(user.identities)
    if has_profile:
        profile = {k: v for k, v in user.profile.items() if k != "address"}
        if "address" in scopes and "address" in user.profile:
            profile["address"] = user.profile["address"]
        body.update(
            {
                "lastSignInAt": user.last_sign_in_at,
                "createdAt": user.created_at,
                "updatedAt": user.updated_at,
                "profile": users.ordered_profile(profile),
                "applicationId": user.application_id,
                "isSuspended": user.is_suspended,
                "hasPassword": user.password is not None,
            }
        )
    return body


_FILTERED = {
    "name": "name",
    "avatar": "avatar",
    "username": "username",
    "primaryEmail": "email",
    "primaryPhone": "phone",
    "profile": "profile",
    "customData": "customData",
    "identities": "social",
    "hasPassword": "password",
}


def filtered_profile(user: User, auth: Auth, fields: dict[str, str]) -> dict[str, Any]:
    """The scoped profile less what the account center does not make readable."""
    return {
        key: value
        for key, value in scoped_profile(user, auth.scopes).items()
        if key not in _FILTERED or readable(fields, _FILTERED[key])
    }


def _touch(request: Request, user: User) -> None:
    user.updated_at = runtime_of(request).clock() * 1000


async def get_my_account(request: Request) -> Response:
    """`GET /api/my-account`."""
    auth = authenticate(request)
    fields = account_center(request)
    return JSONResponse(filtered_profile(user_of(request, auth), auth, fields))


def _nullable_string(data: dict[str, Any], name: str) -> None:
    value = data[name]
    if value is not None and not isinstance(value, str):
        raise invalid_input([name], expected="string", value=value)


def _patch_body(data: dict[str, Any]) -> dict[str, Any]:
    """`{name?, avatar?: url, username?: regex, customData?: object}` (nullable but customData)."""
    given: dict[str, Any] = {
        k: data[k] for k in ("name", "avatar", "username", "customData") if k in data
    }
    for name in ("name", "avatar", "username"):
        if name in given:
            _nullable_string(given, name)
    if isinstance(given.get("avatar"), str) and not _is_url(given["avatar"]):
        raise invalid_string(["avatar"], "url")
    if isinstance(given.get("username"), str) and not USERNAME.match(given["username"]):
        raise invalid_string(["username"], "regex")
    if "customData" in given and not isinstance(given["customData"], dict):
        raise invalid_input(["customData"], expected="object", value=given["customData"])
    return given


def _is_url(value: str) -> bool:
    scheme, sep, rest = value.partition(":")
    return bool(sep and scheme and scheme[0].isalpha() and rest)


async def update_my_account(request: Request) -> Response:
    """`PATCH /api/my-account`: name, avatar, username, customData (each under its control)."""
    auth = authenticate(request)
    fields = account_center(request)
    given = _patch_body(await json_body(request))
    for name in ("name", "avatar", "username", "customData"):
        if name in given and fields.get(name) != "Edit":
            raise not_editable()
    if "profile" not in auth.scopes:
        raise unauthorized(400)
    if "customData" in given and "custom_data" not in auth.scopes:
        raise unauthorized(400)
    tenant = runtime_of(request).tenant
    user = user_of(request, auth)
    if "username" in given:
        if given["username"] is None:
            identifiers = tenant.sign_in_experience.get("signUp", {}).get("identifiers", [])
            if "username" in identifiers:
                raise ManagementApiError(
                    "user.username_required",
                    "Username is a required identifier, you can not set it to null.",
                    status_code=400,
                )
        else:
            users.identifiers_free(tenant, {"username": given["username"]}, user.id)
    if not given:
        raise ManagementApiError(
            "entity.invalid_input",
            "Invalid input. Value list must not be empty.",
            status_code=422,
        )
    for name in ("name", "avatar", "username"):
        if name in given:
            setattr(user, name, given[name])
    if "customData" in given:
        user.custom_data = dict(given["customData"])
    _touch(request, user)
    user_data_updated(request, user, 200)
    return JSONResponse(filtered_profile(user, auth, fields))


def _profile_body(data: dict[str, Any]) -> dict[str, Any]:
    given: dict[str, Any] = {}
    for key in USER_PROFILE_KEYS:
        if key not in data:
            continue
        value = data[key]
        if key == "address":
            if not isinstance(value, dict):
                raise invalid_input([key], expected="object", value=value)
            for part in ADDRESS_KEYS:
                if part in value and not isinstance(value[part], str):
                    raise invalid_input([key, part], expected="string", value=value[part])
            value = {part: value[part] for part in ADDRESS_KEYS if part in value}
        elif not isinstance(value, str):
            raise invalid_input([key], expected="string", value=value)
        given[key] = value
    return given


async def update_profile(request: Request) -> Response:
    """`PATCH /api/my-account/profile`: merged into the profile; answers the profile."""
    auth = authenticate(request)
    fields = account_center(request)
    given = _profile_body(await json_body(request))
    if fields.get("profile") != "Edit":
        raise not_editable()
    if "profile" not in auth.scopes:
        raise unauthorized(400)
    if "address" in given and "address" not in auth.scopes:
        raise unauthorized(400)
    user = user_of(request, auth)
    user.profile = {**user.profile, **given}
    _touch(request, user)
    user_data_updated(request, user, 200)
    profile = {k: v for k, v in user.profile.items() if k != "address" or "address" in auth.scopes}
    return JSONResponse(users.ordered_profile(profile))


async def change_password(request: Request) -> Response:
    """`POST /api/my-account/password` (204), with a verified identity, under the policy."""
    auth = authenticate(request)
    fields = account_center(request)
    password = string(await json_body(request), "password", minimum=1)
    if not auth.identity_verified:
        raise permission_denied()
    if fields.get("password") != "Edit":
        raise not_editable()
    user = user_of(request, auth)
    tenant = runtime_of(request).tenant
    password_policy.validate(tenant.sign_in_experience, password, user)
    users.set_password(user, password)
    _touch(request, user)
    user_data_updated(request, user, 204)
    return Response(status_code=204)


def _verified_identifier(request: Request, record_id: str, kind: str, value: str) -> None:
    """The new email/phone was verified by a code (`buildVerificationRecordByIdAndType`)."""
    record = runtime_of(request).passcodes.active_record(record_id)
    if record is None or record.type != kind:
        raise record_not_found()
    if not record.verified or (record.identifier or {}).get("value") != value:
        raise record_not_found()


async def set_primary_email(request: Request) -> Response:
    """`POST /api/my-account/primary-email` `{email, newIdentifierVerificationRecordId}`."""
    auth = authenticate(request)
    fields = account_center(request)
    data = await json_body(request)
    email = matching(data, "email", EMAIL)
    record_id = string(data, "newIdentifierVerificationRecordId")
    if not auth.identity_verified:
        raise permission_denied()
    if fields.get("email") != "Edit":
        raise not_editable()
    if "email" not in auth.scopes:
        raise unauthorized(400)
    email_blocklist.validate(runtime_of(request).tenant.sign_in_experience, email)
    _verified_identifier(request, record_id, "EmailVerificationCode", email)
    user = user_of(request, auth)
    users.update_profile(runtime_of(request).tenant, user, {"primaryEmail": email})
    _touch(request, user)
    user_data_updated(request, user, 204)
    return Response(status_code=204)


async def set_primary_phone(request: Request) -> Response:
    """`POST /api/my-account/primary-phone` `{phone, newIdentifierVerificationRecordId}`."""
    auth = authenticate(request)
    fields = account_center(request)
    data = await json_body(request)
    phone = matching(data, "phone", PHONE)
    record_id = string(data, "newIdentifierVerificationRecordId")
    if not auth.identity_verified:
        raise permission_denied()
    if fields.get("phone") != "Edit":
        raise not_editable()
    if "phone" not in auth.scopes:
        raise unauthorized(400)
    _verified_identifier(request, record_id, "PhoneVerificationCode", phone)
    user = user_of(request, auth)
    users.update_profile(runtime_of(request).tenant, user, {"primaryPhone": phone})
    _touch(request, user)
    user_data_updated(request, user, 204)
    return Response(status_code=204)


def _required(code: str, message: str) -> ManagementApiError:
    return ManagementApiError(code, message, status_code=400)


_EMAIL_OR_PHONE = (
    "user.email_or_phone_required",
    "Email address or phone number is a required identifier, at least one is required.",
)


async def delete_primary_email(request: Request) -> Response:
    """`DELETE /api/my-account/primary-email` (204), unless sign-up needs an email."""
    return await _delete_identifier(request, "email", "phone")


async def delete_primary_phone(request: Request) -> Response:
    """`DELETE /api/my-account/primary-phone` (204), unless sign-up needs a phone."""
    return await _delete_identifier(request, "phone", "email")


async def _delete_identifier(request: Request, kind: str, other: str) -> Response:
    auth = authenticate(request)
    fields = account_center(request)
    if not auth.identity_verified:
        raise permission_denied()
    if fields.get(kind) != "Edit":
        raise not_editable()
    if kind not in auth.scopes:
        raise unauthorized(400)
    user = user_of(request, auth)
    identifiers = runtime_of(request).tenant.sign_in_experience.get("signUp", {})
    identifiers = identifiers.get("identifiers", [])
    if kind in identifiers:
        if other not in identifiers:
            name = "Email address" if kind == "email" else "Phone number"
            raise _required(
                f"user.{kind}_required",
                f"{name} is a required identifier, you can not set it to null.",
            )
        if not (user.primary_phone if other == "phone" else user.primary_email):
            raise _required(*_EMAIL_OR_PHONE)
    tenant = runtime_of(request).tenant
    users.update_profile(
        tenant, user, {"primaryEmail" if kind == "email" else "primaryPhone": None}
    )
    _touch(request, user)
    user_data_updated(request, user, 204)
    return Response(status_code=204)


def _mfa_data(user: User) -> dict[str, Any]:
    data = user.logto_config.get("mfa")
    return data if isinstance(data, dict) else {}


def _identities_scope(auth: Auth) -> None:
    if "identities" not in auth.scopes:
        raise unauthorized(401)


async def get_logto_configs(request: Request) -> Response:
    """`GET /api/my-account/logto-configs`: `{mfa: {skipped}}` (the mfa field readable)."""
    auth = authenticate(request)
    fields = account_center(request)
    _identities_scope(auth)
    if not readable(fields, "mfa"):
        raise not_enabled()
    skipped = _mfa_data(user_of(request, auth)).get("skipped", False)
    return JSONResponse({"mfa": {"skipped": bool(skipped)}})


def _mfa_flag(data: dict[str, Any], outer: str | None, name: str) -> bool:
    holder = data.get(outer) if outer else data
    path: list[str | int] = [outer, name] if outer else [name]
    if not isinstance(holder, dict):
        raise invalid_input([outer or name], expected="object", value=holder)
    value = holder.get(name)
    if not isinstance(value, bool):
        raise invalid_input(path, expected="boolean", value=value)
    return value


async def update_logto_configs(request: Request) -> Response:
    """`PATCH /api/my-account/logto-configs` `{mfa: {skipped}}` (the mfa field editable)."""
    auth = authenticate(request)
    fields = account_center(request)
    skipped = _mfa_flag(await json_body(request), "mfa", "skipped")
    _identities_scope(auth)
    if fields.get("mfa") != "Edit":
        raise not_editable()
    user = user_of(request, auth)
    user.logto_config = {**user.logto_config, "mfa": {**_mfa_data(user), "skipped": skipped}}
    _touch(request, user)
    user_data_updated(request, user, 200)
    return JSONResponse({"mfa": {"skipped": skipped}})


async def get_mfa_settings(request: Request) -> Response:
    """`GET /api/my-account/mfa-settings`: `{skipMfaOnSignIn}`."""
    auth = authenticate(request)
    fields = account_center(request)
    _identities_scope(auth)
    if not readable(fields, "mfa"):
        raise not_enabled()
    skip = _mfa_data(user_of(request, auth)).get("skipMfaOnSignIn", False)
    return JSONResponse({"skipMfaOnSignIn": bool(skip)})


async def update_mfa_settings(request: Request) -> Response:
    """`PATCH /api/my-account/mfa-settings` `{skipMfaOnSignIn}` (a verified identity)."""
    auth = authenticate(request)
    fields = account_center(request)
    skip = _mfa_flag(await json_body(request), None, "skipMfaOnSignIn")
    if not auth.identity_verified:
        raise permission_denied()
    _identities_scope(auth)
    if fields.get("mfa") != "Edit":
        raise not_editable()
    user = user_of(request, auth)
    user.logto_config = {**user.logto_config, "mfa": {**_mfa_data(user), "skipMfaOnSignIn": skip}}
    _touch(request, user)
    user_data_updated(request, user, 200)
    return JSONResponse({"skipMfaOnSignIn": skip})
