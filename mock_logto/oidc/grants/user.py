"""Tokens for a signed-in user, shared by the grants that issue them.

Access tokens: a JWT when a resource is named (scope = what was asked ∩ what the user holds now
∩ what was consented), else an opaque token for `/oidc/me` carrying the granted OIDC scopes.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from ...claims import user_claims
from ...customjwt import claims as custom_jwt
from ...errors import InvalidGrantError, InvalidTargetError
from ...models import ORGANIZATION_RESOURCE, Application, User
from ...runtime import Runtime
from ...store import (
    ACCESS_TOKEN_TTL,
    DEFAULT_REFRESH_TOKEN_TTL,
    OpaqueAccessToken,
    RefreshToken,
    opaque_token,
)
from ...tokens import organization_audience, random_id
from ..resources import ORGANIZATION_TOKEN_TTL, user_resource_server

DAY = 24 * 3600


def find_account(rt: Runtime, account_id: str) -> User:
    """The user a grant belongs to; deleted or suspended users make the grant invalid."""
    user = rt.tenant.users.get(account_id)
    if user is None or user.is_suspended:
        raise InvalidGrantError(detail="referenced account not found")
    return user


def token_resource(requested: list[str], granted: list[str], scopes: Collection[str]) -> str | None:
    """The audience of the access token (oidc-provider helpers/resolve_resource.js).

    A `resource` parameter wins; without one, an `openid` request gets an opaque token for
    userinfo, anything else the single resource of the grant.
    """
    if requested:
        candidates = requested
    elif not granted or "openid" in scopes:
        return None
    else:
        candidates = granted
    if len(candidates) > 1:
        raise InvalidTargetError(
            "only a single resource indicator value must be requested/resolved during "
            "Access Token Request"
        )
    if candidates[0] not in granted:
        raise InvalidTargetError(detail=f"{candidates[0]} was not part of the grant")
    return candidates[0]


def resource_access_token(
    rt: Runtime,
    client: Application,
    user: User,
    resource: str,
    scopes: Collection[str],
    *,
    consented: Collection[str] | None,
    organization_id: str | None = None,
    extra: dict[str, Any] | None = None,
) -> tuple[str, int, str]:
    """A JWT for `resource`: `scopes` the user holds now (and consented to). → token, ttl, scope."""
    server = user_resource_server(resource, rt.tenant, user, organization_id)
    scope = " ".join(
        s for s in scopes if s in server.scopes and (consented is None or s in consented)
    )
    claims = dict(extra or {})
    if organization_id and resource != ORGANIZATION_RESOURCE:
        claims = {"organization_id": organization_id, **claims}
    jti = random_id()
    payload = custom_jwt.token_payload(
        jti=jti, client_id=client.id, account_id=user.id, audience=resource, scope=scope
    )
    claims.update(custom_jwt.user_claims(rt.tenant, client, user, payload))
    token = rt.issuer.access_token(
        sub=user.id,
        client_id=client.id,
        audience=resource,
        scope=scope,
        ttl=server.ttl,
        extra=claims or None,
        jti=jti,
    )
    return token, server.ttl, scope


def organization_access_token(
    rt: Runtime,
    client: Application,
    user: User,
    organization_id: str,
    scopes: Collection[str],
    available: list[str],
    extra: dict[str, Any] | None = None,
) -> tuple[str, int, str]:
    """An organization token: the organization scopes the user holds there and asked for."""
    scope = " ".join(name for name in available if name in scopes)
    audience = organization_audience(organization_id)
    jti = random_id()
    payload = custom_jwt.token_payload(
        jti=jti, client_id=client.id, account_id=user.id, audience=audience, scope=scope
    )
    claims = {**(extra or {}), **custom_jwt.user_claims(rt.tenant, client, user, payload)}
    token = rt.issuer.access_token(
        sub=user.id,
        client_id=client.id,
        audience=audience,
        scope=scope,
        ttl=ORGANIZATION_TOKEN_TTL,
        extra=claims or None,
        jti=jti,
    )
    return token, ORGANIZATION_TOKEN_TTL, scope


def opaque_access_token(
    rt: Runtime, client: Application, user: User, scopes: list[str], grant_id: str | None
) -> tuple[str, int, str]:
    """An opaque access token for `/oidc/me` (a customizer runs: it may deny the token)."""
    value = opaque_token()
    payload = custom_jwt.token_payload(
        jti=value,
        client_id=client.id,
        account_id=user.id,
        grant_id=grant_id,
        scope=" ".join(scopes),
    )
    custom_jwt.user_claims(rt.tenant, client, user, payload)
    now = rt.clock()
    token = rt.store.add_access_token(
        OpaqueAccessToken(
            value=value,
            client_id=client.id,
            account_id=user.id,
            scopes=scopes,
            issued_at=now,
            expires_at=now + ACCESS_TOKEN_TTL,
            grant_id=grant_id,
        )
    )
    return token.value, ACCESS_TOKEN_TTL, " ".join(scopes)


def id_token(
    rt: Runtime,
    client: Application,
    user: User,
    scopes: Collection[str],
    *,
    nonce: str | None,
    access_token: str,
) -> str:
    """An ID token with the claims `scopes` bring, bound to `access_token` by `at_hash`."""
    ttl = int(client.custom_client_metadata.get("idTokenTtl") or 3600)
    claims = user_claims(rt.tenant, user, scopes, "id_token")
    return rt.issuer.id_token(
        claims, client_id=client.id, ttl=ttl, nonce=nonce, access_token=access_token
    )


def refresh_token_ttl(client: Application) -> int:
    """`refreshTokenTtlInDays`, else the legacy `refreshTokenTtl` seconds, else 14 days."""
    metadata = client.custom_client_metadata
    if metadata.get("refreshTokenTtlInDays"):
        return int(metadata["refreshTokenTtlInDays"]) * DAY
    if metadata.get("refreshTokenTtl"):
        return int(metadata["refreshTokenTtl"])
    return DEFAULT_REFRESH_TOKEN_TTL


def issues_refresh_token(client: Application, scopes: Collection[str]) -> bool:
    """core/oidc/init.ts `issueRefreshToken`: with `offline_access`, or when the web app asks."""
    if "refresh_token" not in client.grant_types:
        return False
    if "offline_access" in scopes:
        return True
    return client.type in ("SPA", "Traditional") and bool(
        client.custom_client_metadata.get("alwaysIssueRefreshToken")
    )


def new_refresh_token(
    rt: Runtime,
    client: Application,
    *,
    grant_id: str,
    account_id: str,
    scopes: list[str],
    resources: list[str],
    nonce: str | None,
    session_uid: str | None = None,
) -> RefreshToken:
    """A refresh token starting a new chain (in the code's session)."""
    now = rt.clock()
    return rt.store.add_refresh_token(
        RefreshToken(
            value=opaque_token(),
            grant_id=grant_id,
            client_id=client.id,
            account_id=account_id,
            scopes=scopes,
            resources=resources,
            issued_at=now,
            expires_at=now + refresh_token_ttl(client),
            chain_issued_at=now,
            nonce=nonce,
            session_uid=session_uid,
        )
    )
