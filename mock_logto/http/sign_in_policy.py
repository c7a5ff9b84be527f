"""The sign-in experience's live effect on a sign-in (Experience API and the HTML page).

Both sign-in routes call these: the sentinel's lockout after failed password attempts (firing
Logto's `Identifier.Lockout` exception hook), `signInMode` and the enabled sign-in methods.
"""

from __future__ import annotations

from starlette.requests import Request

from ..errors import ManagementApiError
from ..models import Tenant, User
from ..oidc.authorization import password_matches
from ..ops import sentinel, sign_in_experience, users
from ..runtime import Runtime, runtime_of
from .hooks import exception_event


def password_attempt(request: Request, kind: str, value: str, *, failed: bool) -> None:
    """Report a password attempt on identifier `value`; raise Logto's 400 when locked out."""
    rt = runtime_of(request)
    now_ms = rt.clock() * 1000
    policy = rt.tenant.sign_in_experience.get("sentinelPolicy") or {}
    blocked_until = rt.sentinel.report(policy, value, "Password", failed=failed, now_ms=now_ms)
    if blocked_until is None:
        return
    exception_event(request, "Identifier.Lockout", {"type": kind, "value": value})
    raise sentinel.blocked_error(blocked_until, now_ms)


def legacy_password_attempt(rt: Runtime, value: str, *, failed: bool) -> None:
    """The legacy Interaction API's report (no lockout hook there); Logto's 400 when blocked."""
    now_ms = rt.clock() * 1000
    policy = rt.tenant.sign_in_experience.get("sentinelPolicy") or {}
    blocked_until = rt.sentinel.report(policy, value, "Password", failed=failed, now_ms=now_ms)
    if blocked_until is not None:
        raise sentinel.blocked_error(blocked_until, now_ms)


def page_sign_in(request: Request, identifier: str, password: str) -> tuple[User | None, str, int]:
    """The HTML page's password sign-in: the user, or the page's error and status.

    The identifier is looked up only as the kinds that sign in with a password (as Logto's
    page offers only those inputs); each attempt is reported to the sentinel.
    """
    rt = runtime_of(request)
    forbidden = _forbidden(rt.tenant)
    if forbidden:
        return None, forbidden, 403
    found: tuple[str, User] | None = None
    for kind in sign_in_experience.password_identifiers(rt.tenant):
        user = users.find_by_identifier(rt.tenant, identifier, kind)
        if user is not None:
            found = (kind, user)
            break
    kind = found[0] if found else "username"
    matches = found is not None and password_matches(found[1], password)
    try:
        password_attempt(
            request, kind, identifier, failed=not matches or found is None or found[1].is_suspended
        )
    except ManagementApiError as exc:
        return None, exc.message, exc.status_code
    if found is None or not matches:
        return None, "Incorrect account or password. Please check your input.", 422
    if found[1].is_suspended:
        return None, "This user is suspended.", 401
    return found[1], "", 200


def page_one_click(request: Request) -> tuple[str, int] | None:
    """The error of a one-click sign-in, if `signInMode` refuses sign-in."""
    forbidden = _forbidden(runtime_of(request).tenant)
    return (forbidden, 403) if forbidden else None


def _forbidden(tenant: Tenant) -> str:
    try:
        sign_in_experience.guard_interaction_event(tenant, "SignIn")
    except ManagementApiError as exc:
        return exc.message
    return ""
