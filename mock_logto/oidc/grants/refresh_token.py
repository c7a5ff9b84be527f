"""`refresh_token` (RFC 6749 §6) with Logto's organization tokens.

Follows core/oidc/grants/refresh-token.ts (Logto v1.37), in its order:

1. :func:`find_token`: the token exists, is this client's, is not expired;
2. :func:`live_grant`: its grant still stands;
3. :func:`narrowed_scopes`: a `scope` asks only for what the token has (`invalid_scope`);
4. the account still exists and is not suspended;
5. :func:`check_reuse`: a rotated token replayed after a 3-second leeway revokes the grant;
6. :func:`check_organization`: with `organization_id`, membership and the
   `urn:logto:scope:organizations` scope;
7. :func:`should_rotate` / :func:`rotate`, then the new tokens.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...customjwt import claims as custom_jwt
from ...errors import (
    AccessDeniedError,
    InsufficientScopeError,
    InvalidGrantError,
    InvalidScopeError,
)
from ...models import Application, Organization, User
from ...permissions import user_organization_scopes
from ...runtime import Runtime
from ...store import REFRESH_TOKEN_REUSE_INTERVAL, Grant, RefreshToken, opaque_token
from ..params import require
from .base import BEARER, TokenRequest
from .organization_mfa import require_mfa_if_asked
from .user import (
    find_account,
    id_token,
    opaque_access_token,
    organization_access_token,
    resource_access_token,
    token_resource,
)

GRANT_TYPE = "refresh_token"
PARAMETERS = frozenset({"refresh_token", "resource", "scope", "organization_id"})
DUPLICABLE = frozenset({"resource"})

ORGANIZATIONS_SCOPE = "urn:logto:scope:organizations"
#: Rotation stops once a chain is this old (core/oidc/init.ts).
MAX_CHAIN_AGE = int(365.25 * 24 * 3600)


def handle(request: TokenRequest, rt: Runtime) -> dict[str, Any]:
    """Exchange a refresh token for new tokens."""
    now = rt.clock()
    token = find_token(request, rt, now)
    grant = live_grant(token, rt)
    requested = narrowed_scopes(request, token)
    user = find_account(rt, token.account_id)
    check_reuse(token, rt, now)
    organization = check_organization(request, rt, user, token)
    if should_rotate(request.client, token, now):
        token = rotate(rt, request.client, token, now)
    scopes = requested if requested is not None else token.scopes
    marked = custom_jwt.session_submission.set(
        rt.store.last_submission(token.session_uid, token.account_id)
    )
    try:
        return issue(request, rt, token, grant, user, organization, scopes)
    finally:
        custom_jwt.session_submission.reset(marked)


def find_token(request: TokenRequest, rt: Runtime, now: int) -> RefreshToken:
    """The client's unexpired refresh token."""
    require(request.params, "refresh_token")
    token = rt.store.refresh_token(request.get("refresh_token") or "")
    if token is None:
        raise InvalidGrantError(detail="refresh token not found")
    if token.client_id != request.client.id:
        raise InvalidGrantError(detail="client mismatch")
    if token.expires_at <= now:
        raise InvalidGrantError(detail="refresh token is expired")
    return token


def live_grant(token: RefreshToken, rt: Runtime) -> Grant:
    """The grant the token belongs to, unless revoked or expired."""
    grant = rt.store.grant(token.grant_id)
    if grant is None:
        raise InvalidGrantError(detail="grant not found")
    return grant


def narrowed_scopes(request: TokenRequest, token: RefreshToken) -> list[str] | None:
    """The `scope` asked for, which must be within the token's; None when not narrowed."""
    raw_scope = request.get("scope")
    if not raw_scope:
        return None
    requested = list(dict.fromkeys(raw_scope.split()))
    missing = [s for s in requested if s not in token.scopes]
    if missing:
        noun = "scopes" if len(missing) > 1 else "scope"
        raise InvalidScopeError(f"refresh token missing requested {noun}", scope=" ".join(missing))
    return requested


def check_reuse(token: RefreshToken, rt: Runtime, now: int) -> None:
    """A rotated token may be replayed for a short leeway; later, the grant is revoked."""
    if token.consumed_at is not None and now - token.consumed_at > REFRESH_TOKEN_REUSE_INTERVAL:
        rt.store.refresh_tokens.pop(token.value, None)
        rt.store.revoke_grant(token.grant_id)
        raise InvalidGrantError(detail="refresh token already used")


def check_organization(
    request: TokenRequest, rt: Runtime, user: User, token: RefreshToken
) -> Organization | None:
    """With `organization_id`: the user is a member, and the token has the organizations scope."""
    organization_id = request.get("organization_id")
    if not organization_id:
        return None
    organization = rt.tenant.organizations.get(organization_id)
    if organization is None or user.id not in organization.user_roles:
        raise AccessDeniedError("user is not a member of the organization")
    require_mfa_if_asked(organization, user)
    if ORGANIZATIONS_SCOPE not in token.scopes:
        raise InsufficientScopeError(
            "refresh token missing required scope", scope=ORGANIZATIONS_SCOPE
        )
    return organization


def should_rotate(client: Application, token: RefreshToken, now: int) -> bool:
    """core/oidc/init.ts `rotateRefreshToken`.

    Never when the app turns it off or the chain is over a year old; always for public clients;
    for confidential clients once 70 % of the token's lifetime has passed.
    """
    if client.custom_client_metadata.get("rotateRefreshToken") is False:
        return False
    if now - token.chain_issued_at > MAX_CHAIN_AGE:
        return False
    if not client.is_confidential:
        return True
    return now - token.issued_at >= 0.7 * (token.expires_at - token.issued_at)


def rotate(rt: Runtime, client: Application, token: RefreshToken, now: int) -> RefreshToken:
    """Consume `token` and issue its successor in the same chain."""
    token.consumed_at = now
    # A SPA's rotated token keeps the old expiry; others start a fresh lifetime.
    lifetime = token.expires_at - token.issued_at
    expires_at = token.expires_at if client.type == "SPA" else now + lifetime
    return rt.store.add_refresh_token(
        RefreshToken(
            value=opaque_token(),
            grant_id=token.grant_id,
            client_id=token.client_id,
            account_id=token.account_id,
            scopes=token.scopes,
            resources=token.resources,
            issued_at=now,
            expires_at=expires_at,
            chain_issued_at=token.chain_issued_at,
            nonce=token.nonce,
            rotations=token.rotations + 1,
            session_uid=token.session_uid,
        )
    )


def issue(
    request: TokenRequest,
    rt: Runtime,
    token: RefreshToken,
    grant: Grant,
    user: User,
    organization: Organization | None,
    scopes: Sequence[str],
) -> dict[str, Any]:
    """The access token (organization, resource or opaque), an ID token for `openid`, the rest."""
    access_token, expires_in, scope = access_token_for(
        request, rt, token, grant, user, organization, scopes
    )
    body: dict[str, Any] = {"access_token": access_token, "expires_in": expires_in}
    if "openid" in scopes:
        oidc_scopes = [s for s in grant.oidc_scopes if s in scopes]
        body["id_token"] = id_token(
            rt, request.client, user, oidc_scopes, nonce=token.nonce, access_token=access_token
        )
    body["refresh_token"] = token.value
    body["scope"] = scope
    body["token_type"] = BEARER
    return body


def access_token_for(
    request: TokenRequest,
    rt: Runtime,
    token: RefreshToken,
    grant: Grant,
    user: User,
    organization: Organization | None,
    scopes: Sequence[str],
) -> tuple[str, int, str]:
    """An organization token, a JWT for a resource, or an opaque token for userinfo."""
    client = request.client
    resources = request.all("resource")
    if organization is not None and not resources:
        available = user_organization_scopes(rt.tenant, organization, user.id)
        return organization_access_token(rt, client, user, organization.id, scopes, available)
    resource = token_resource(resources, token.resources, scopes)
    if resource is None:
        oidc = [s for s in grant.oidc_scopes if s in scopes]
        return opaque_access_token(rt, client, user, oidc, grant.id)
    return resource_access_token(
        rt,
        client,
        user,
        resource,
        scopes,
        consented=grant.resource_scopes.get(resource, ()),
        organization_id=request.get("organization_id"),
    )
