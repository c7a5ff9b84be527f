"""One-time tokens (Logto's libraries/one-time-token.ts, queries/one-time-tokens.ts).

An active token past `expiresAt` reads as expired without being stored so (the list's
`status` filter compares what is stored: a Logto quirk kept). Verifying compares the email
case-sensitively, checks expiry before consumed and revoked, and consumes the token. No status
brings a token back to active.
"""

from __future__ import annotations

from ..errors import EntityNotFound, TenantError
from ..models import OneTimeToken, OneTimeTokenStatus, Tenant

STATUSES = ("active", "consumed", "revoked", "expired")


def _refused(code: str, message: str, status: int = 400) -> TenantError:
    return TenantError(code, message, status_code=status)


def status_of(token: OneTimeToken, now_ms: int) -> str:
    """The status Logto answers: active past `expiresAt` is expired."""
    if token.status == "active" and token.expires_at < now_ms:
        return "expired"
    return token.status


def get(tenant: Tenant, token_id: str) -> OneTimeToken:
    """The token with this id, else Logto's 404 naming the table."""
    found = tenant.one_time_tokens.get(token_id)
    if found is None:
        raise EntityNotFound("one_time_tokens", token_id)
    return found


def find(tenant: Tenant, email: str | None, status: str | None) -> list[OneTimeToken]:
    """Tokens with this email and stored status (each filter when given), newest first."""
    found = [
        (index, t)
        for index, t in enumerate(tenant.one_time_tokens.values())
        if (not email or t.email == email) and (not status or t.status == status)
    ]
    # Same-second creations: the later one first, as Logto's milliseconds order them.
    return [t for _, t in sorted(found, key=lambda p: (p[1].created_at, p[0]), reverse=True)]


def create(tenant: Tenant, token: OneTimeToken, now_ms: int) -> None:
    """Store a new token; the email's active tokens that have expired are stored as expired."""
    for other in tenant.one_time_tokens.values():
        if other.email == token.email and other.status == "active" and other.expires_at <= now_ms:
            other.status = "expired"
    tenant.one_time_tokens[token.id] = token


def set_status(token: OneTimeToken, status: OneTimeTokenStatus) -> None:
    """Any status but active (`one_time_token.cannot_reactivate_token`)."""
    if status == "active":
        raise _refused("one_time_token.cannot_reactivate_token", "Cannot reactivate the token.")
    token.status = status


def check(tenant: Tenant, value: str, email: str, now_ms: int) -> OneTimeToken:
    """The usable token `value` issued for `email`, else Logto's refusal."""
    token = next((t for t in tenant.one_time_tokens.values() if t.token == value), None)
    if token is None:
        raise _refused("one_time_token.token_not_found", f"Token {value} not found.", 404)
    if token.email != email:
        raise _refused("one_time_token.email_mismatch", "Email mismatch with given token.")
    if token.expires_at <= now_ms or token.status == "expired":
        if token.status == "active":
            token.status = "expired"
        raise _refused("one_time_token.token_expired", "The token is expired.")
    if token.status == "consumed":
        raise _refused("one_time_token.token_consumed", "The token has been consumed.")
    if token.status == "revoked":
        raise _refused("one_time_token.token_revoked", "The token has been revoked.")
    return token


def verify(tenant: Tenant, value: str, email: str, now_ms: int) -> OneTimeToken:
    """Check the token, then consume it."""
    token = check(tenant, value, email, now_ms)
    token.status = "consumed"
    return token


def delete(tenant: Tenant, token_id: str) -> None:
    """Delete a token; an unknown one is `entity.not_found`."""
    if tenant.one_time_tokens.pop(token_id, None) is None:
        raise TenantError("entity.not_found", "The resource does not exist.", status_code=404)
