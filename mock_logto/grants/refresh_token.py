"""`refresh_token` (RFC 6749 §6) with Logto's organization tokens.

Follows core/oidc/grants/refresh-token.ts.

Order of checks as Logto v1.37: the token (found, this client's, not expired, grant alive),
`scope` narrowing (`invalid_scope` naming what is missing), the account, reuse of a rotated
token (revokes the grant after a 3-second leeway), organization membership and the
`urn:logto:scope:organizations` scope, then rotation and the new tokens.
"""

from __future__ import annotations

from typing import Any

from ..errors import AccessDeniedError, InsufficientScopeError, InvalidGrantError, InvalidScopeError
from ..models import Application
from ..permissions import user_organization_scopes
from ..store import REFRESH_TOKEN_REUSE_INTERVAL, RefreshToken, opaque_token
from .base import BEARER, GrantContext, TokenRequest, require
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


def _rotate(ctx: GrantContext, client: Application, token: RefreshToken, now: int) -> RefreshToken:
    token.consumed_at = now
    # A SPA's rotated token keeps the old expiry; others start a fresh lifetime.
    lifetime = token.expires_at - token.issued_at
    expires_at = token.expires_at if client.type == "SPA" else now + lifetime
    return ctx.store.add_refresh_token(
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
        )
    )


def handle(request: TokenRequest, ctx: GrantContext) -> dict[str, Any]:
    """Exchange a refresh token for new tokens."""
    client, store, now = request.client, ctx.store, ctx.clock()
    require(request.params, "refresh_token")
    token = store.refresh_token(request.get("refresh_token") or "")
    if token is None:
        raise InvalidGrantError(detail="refresh token not found")
    if token.client_id != client.id:
        raise InvalidGrantError(detail="client mismatch")
    if token.expires_at <= now:
        raise InvalidGrantError(detail="refresh token is expired")
    grant = store.grant(token.grant_id)
    if grant is None:
        raise InvalidGrantError(detail="grant not found")

    raw_scope = request.get("scope")
    requested = list(dict.fromkeys(raw_scope.split())) if raw_scope else None
    if requested is not None:
        missing = [s for s in requested if s not in token.scopes]
        if missing:
            noun = "scopes" if len(missing) > 1 else "scope"
            raise InvalidScopeError(
                f"refresh token missing requested {noun}", scope=" ".join(missing)
            )
    user = find_account(ctx, token.account_id)

    if token.consumed_at is not None and now - token.consumed_at > REFRESH_TOKEN_REUSE_INTERVAL:
        store.refresh_tokens.pop(token.value, None)
        store.revoke_grant(token.grant_id)
        raise InvalidGrantError(detail="refresh token already used")

    organization_id = request.get("organization_id")
    organization = ctx.tenant.organizations.get(organization_id) if organization_id else None
    if organization_id and (organization is None or user.id not in organization.user_roles):
        raise AccessDeniedError("user is not a member of the organization")
    if organization_id and ORGANIZATIONS_SCOPE not in token.scopes:
        raise InsufficientScopeError(
            "refresh token missing required scope", scope=ORGANIZATIONS_SCOPE
        )

    if should_rotate(client, token, now):
        token = _rotate(ctx, client, token, now)

    scopes = requested if requested is not None else token.scopes
    resources = request.all("resource")
    if organization is not None and not resources:
        available = user_organization_scopes(ctx.tenant, organization, user.id)
        access_token, expires_in, scope = organization_access_token(
            ctx, client, user, organization.id, scopes, available
        )
    else:
        resource = token_resource(resources, token.resources, scopes)
        if resource is not None:
            access_token, expires_in, scope = resource_access_token(
                ctx,
                client,
                user,
                resource,
                scopes,
                consented=grant.resource_scopes.get(resource, ()),
                organization_id=organization_id,
            )
        else:
            oidc = [s for s in grant.oidc_scopes if s in scopes]
            access_token, expires_in, scope = opaque_access_token(ctx, client, user, oidc, grant.id)

    body: dict[str, Any] = {"access_token": access_token, "expires_in": expires_in}
    if "openid" in scopes:
        oidc_scopes = [s for s in grant.oidc_scopes if s in scopes]
        body["id_token"] = id_token(
            ctx, client, user, oidc_scopes, nonce=token.nonce, access_token=access_token
        )
    body["refresh_token"] = token.value
    body["scope"] = scope
    body["token_type"] = BEARER
    return body
