"""What every Account API route shares: its guard, the account center, zod-shaped bodies.

Logto's user router (core/routes/init.ts) runs `koaOidcAuth` (an **opaque** access token of a
user, with `openid`; the `logto-verification-id` header names a verification record that proves
the user's identity), then `koaAccountCenter` (400 `account_center.not_enabled`), then each
route's body guard, then the route (golden-2/account-api/02, 11–15, 27, 48).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from ..errors import ManagementApiError, invalid_input
from ..http.api import bearer_token
from ..http.api import json_body as json_body
from ..models import Tenant, User
from ..runtime import Runtime, runtime_of

Handler = Callable[[Request], Awaitable[Response]]
VERIFICATION_HEADER = "logto-verification-id"
UNAUTHORIZED = "Unauthorized. Please check credentials and its scope."
#: @logto/core-kit regexes.
EMAIL = re.compile(r"^\S+@\S+\.\S+$")
PHONE = re.compile(r"^\d+$")
USERNAME = re.compile(r"^[A-Z_a-z]\w*$")


@dataclass(frozen=True, slots=True)
class Auth:
    """`ctx.auth` of Logto's user router."""

    user_id: str
    scopes: frozenset[str]
    client_id: str
    identity_verified: bool


def unauthorized(status: int = 401) -> ManagementApiError:
    """`auth.unauthorized` (401 from the guard; several routes answer it with 400)."""
    return ManagementApiError("auth.unauthorized", UNAUTHORIZED, status_code=status)


def permission_denied() -> ManagementApiError:
    """401 `verification_record.permission_denied`: no verified identity for this change."""
    return ManagementApiError(
        "verification_record.permission_denied",
        "Permission denied, please re-authenticate.",
        status_code=401,
    )


def record_not_found(status: int = 400) -> ManagementApiError:
    """`verification_record.not_found`."""
    return ManagementApiError(
        "verification_record.not_found", "Verification record not found.", status_code=status
    )


def not_editable() -> ManagementApiError:
    """400 `account_center.field_not_editable`."""
    return ManagementApiError(
        "account_center.field_not_editable", "Field is not editable.", status_code=400
    )


def not_enabled() -> ManagementApiError:
    """400 `account_center.field_not_enabled`."""
    return ManagementApiError(
        "account_center.field_not_enabled", "Field is not enabled.", status_code=400
    )


def authenticate(request: Request) -> Auth:
    """Logto's `koaOidcAuth`: the user behind an opaque access token (JWTs are refused)."""
    rt = runtime_of(request)
    token = rt.store.access_token(bearer_token(request))
    if token is None or not token.account_id or token.account_id not in rt.tenant.users:
        raise unauthorized()
    if "openid" not in token.scopes:
        raise ManagementApiError(
            "auth.forbidden",
            "Forbidden. Please check your user roles and permissions.",
            status_code=403,
        )
    record = rt.passcodes.active_record(request.headers.get(VERIFICATION_HEADER))
    verified = (
        record is not None
        and record.user_id == token.account_id
        and record.verified
        and record.type in ("Password", "EmailVerificationCode", "PhoneVerificationCode")
    )
    return Auth(token.account_id, frozenset(token.scopes), token.client_id, verified)


def account_center(request: Request) -> dict[str, str]:
    """The account center's field controls; 400 `account_center.not_enabled` when it is off."""
    center = runtime_of(request).tenant.account_center
    if not center.get("enabled"):
        raise ManagementApiError(
            "account_center.not_enabled", "Account center is not enabled.", status_code=400
        )
    fields: dict[str, str] = center.get("fields", {})
    return fields


def readable(fields: dict[str, str], name: str) -> bool:
    """ReadOnly or Edit."""
    return fields.get(name) in ("ReadOnly", "Edit")


def user_of(request: Request, auth: Auth) -> User:
    """The signed-in user."""
    return runtime_of(request).tenant.users[auth.user_id]


def tenant_and_runtime(request: Request) -> tuple[Tenant, Runtime]:
    """The live tenant and the runtime."""
    rt = runtime_of(request)
    return rt.tenant, rt


def _issue(path: list[str | int], issue: dict[str, Any], text: str) -> ManagementApiError:
    keys = ".".join(str(p) for p in path)
    return ManagementApiError(
        "guard.invalid_input",
        "The request body is invalid.",
        status_code=400,
        data={"issues": [{**issue, "path": path}], "name": "ZodError"},
        details=f'Error in key path "{keys}": ({issue["code"]}) {text}',
    )


def invalid_string(path: list[str | int], validation: str) -> ManagementApiError:
    """Zod's `invalid_string` (`url`, `regex`)."""
    message = "Invalid url" if validation == "url" else "Invalid"
    issue = {"validation": validation, "code": "invalid_string", "message": message}
    return _issue(path, issue, message)


def too_small(path: list[str | int], minimum: int = 1) -> ManagementApiError:
    """Zod's `too_small` of a string `.min(n)`."""
    message = f"String must contain at least {minimum} character(s)"
    issue = {
        "code": "too_small",
        "minimum": minimum,
        "type": "string",
        "inclusive": True,
        "exact": False,
        "message": message,
    }
    return _issue(path, issue, message)


def string(data: dict[str, Any], name: str, *, minimum: int = 0) -> str:
    """A required string field."""
    value = data.get(name)
    if not isinstance(value, str):
        raise invalid_input([name], expected="string", value=value)
    if len(value) < minimum:
        raise too_small([name], minimum)
    return value


def matching(data: dict[str, Any], name: str, pattern: re.Pattern[str]) -> str:
    """A required string matching a core-kit regex."""
    value = string(data, name)
    if not pattern.match(value):
        raise invalid_string([name], "regex")
    return value


def identifier(data: dict[str, Any], name: str = "identifier") -> dict[str, str]:
    """`verificationCodeIdentifierGuard`: `{type: email|phone, value}`."""
    value = data.get(name)
    if not isinstance(value, dict):
        raise invalid_input([name], expected="object", value=value)
    kind = value.get("type")
    if kind not in ("email", "phone"):
        raise invalid_input([name, "type"], options=("email", "phone"), value=kind)
    text = value.get("value")
    if not isinstance(text, str):
        raise invalid_input([name, "value"], expected="string", value=text)
    if not (EMAIL if kind == "email" else PHONE).match(text):
        raise invalid_string([name, "value"], "regex")
    return {"type": kind, "value": text}
