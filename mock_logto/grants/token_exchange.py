"""Token exchange (RFC 8693) as Logto does it (core/oidc/grants/token-exchange/).

For apps with `customClientMetadata.allowTokenExchange`. The subject is a user, named by a
personal access token (`urn:logto:token-type:personal_access_token`) or by an access token this
server issued to a first-party app (`urn:ietf:params:oauth:token-type:access_token`). There is no
grant to narrow: with `resource`, the requested scopes the user holds; with `organization_id`,
an organization token; with neither, an opaque token with the requested OIDC scopes. No refresh
token, no ID token. An opaque `actor_token` with `openid` adds `act: {sub}`.
"""

from __future__ import annotations

from typing import Any

from ..claims import OIDC_SCOPES
from ..errors import AccessDeniedError, InvalidGrantError, InvalidTargetError
from ..models import User
from ..permissions import user_organization_scopes
from .base import BEARER, GrantContext, TokenRequest, require
from .user import (
    find_account,
    opaque_access_token,
    organization_access_token,
    resource_access_token,
)

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange"
PARAMETERS = frozenset(
    {
        "subject_token",
        "subject_token_type",
        "actor_token",
        "actor_token_type",
        "resource",
        "scope",
        "organization_id",
    }
)
DUPLICABLE = frozenset({"resource"})

PERSONAL_ACCESS_TOKEN = "urn:logto:token-type:personal_access_token"  # noqa: S105 - a type URN
ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token"  # noqa: S105 - a type URN


def _subject(ctx: GrantContext, token: str, token_type: str) -> str:
    """The user id the subject token stands for, else `invalid_grant`."""
    if token_type == PERSONAL_ACCESS_TOKEN:
        found = ctx.tenant.personal_access_token(token)
        if found is None:
            raise InvalidGrantError(detail="personal access token not found")
        user, pat = found
        if pat.expires_at is not None and pat.expires_at <= ctx.clock() * 1000:
            raise InvalidGrantError(detail="personal access token expired")
        return user.id
    if token_type == ACCESS_TOKEN:
        opaque = ctx.store.access_token(token)
        if opaque is not None:
            return opaque.account_id
        claims = ctx.issuer.keys.verify(token) if token.count(".") == 2 else None
        app = ctx.tenant.applications.get(str((claims or {}).get("client_id")))
        if (
            claims is None
            or claims.get("exp", 0) <= ctx.clock()
            or claims.get("sub") not in ctx.tenant.users
            or app is None
            or app.is_third_party
        ):
            raise InvalidGrantError(detail="invalid access token")
        return str(claims["sub"])
    raise InvalidGrantError(detail="unsupported subject token type")


def _actor(ctx: GrantContext, request: TokenRequest) -> str | None:
    token = request.get("actor_token")
    if token is None:
        return None
    opaque = ctx.store.access_token(token)
    if request.get("actor_token_type") != ACCESS_TOKEN or opaque is None:
        raise InvalidGrantError(detail="invalid actor token")
    if "openid" not in opaque.scopes:
        raise InvalidGrantError(detail="actor token must have openid scope")
    return opaque.account_id


def handle(request: TokenRequest, ctx: GrantContext) -> dict[str, Any]:
    """Exchange the subject token for an access token."""
    client = request.client
    require(request.params, "subject_token", "subject_token_type")
    user: User = find_account(
        ctx,
        _subject(ctx, request.get("subject_token") or "", request.get("subject_token_type") or ""),
    )
    organization_id = request.get("organization_id")
    organization = ctx.tenant.organizations.get(organization_id) if organization_id else None
    if organization_id and (organization is None or user.id not in organization.user_roles):
        raise AccessDeniedError("user is not a member of the organization")
    raw_scope = request.get("scope")
    scopes = list(dict.fromkeys(raw_scope.split())) if raw_scope else []
    resources = request.all("resource")
    if len(resources) > 1:
        raise InvalidTargetError(
            "only a single resource indicator value must be requested/resolved during "
            "Access Token Request"
        )
    resource = resources[0] if resources else None
    actor = _actor(ctx, request)
    extra = {"act": {"sub": actor}} if actor else None

    if organization is not None and resource is None:
        available = user_organization_scopes(ctx.tenant, organization, user.id)
        token, expires_in, scope = organization_access_token(
            ctx, client, user, organization.id, scopes, available, extra=extra
        )
    elif resource is not None:
        token, expires_in, scope = resource_access_token(
            ctx,
            client,
            user,
            resource,
            scopes,
            consented=None,
            organization_id=organization_id,
            extra=extra,
        )
    else:
        oidc = [s for s in scopes if s in OIDC_SCOPES]
        token, expires_in, scope = opaque_access_token(ctx, client, user, oidc, None)
    return {"access_token": token, "expires_in": expires_in, "scope": scope, "token_type": BEARER}
