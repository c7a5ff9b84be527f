"""Token exchange (RFC 8693) as Logto does it (core/oidc/grants/token-exchange/).

For apps with `customClientMetadata.allowTokenExchange`. The subject is a user, named by an
impersonation subject token (`urn:logto:token-type:impersonation_token`, from
`POST /api/subject-tokens`: single use, 600 s; a `sub_` value with the access-token type is one
too, as Logto keeps for compatibility), a personal access token
(`urn:logto:token-type:personal_access_token`) or, with the `access_token_exchange` setting (Logto's
`ACCESS_TOKEN_EXCHANGE_ENABLED`; off in a stock Logto), by an access token this server issued to a
first-party app (`urn:ietf:params:oauth:token-type:access_token`). There is no
grant to narrow: with `resource`, the requested scopes the user holds; with `organization_id`,
an organization token; with neither, an opaque token with the requested OIDC scopes. No refresh
token, no ID token. An opaque `actor_token` with `openid` adds `act: {sub}`.
"""

from __future__ import annotations

from typing import Any

from ...claims import OIDC_SCOPES
from ...customjwt.claims import subject_token_context
from ...errors import AccessDeniedError, InvalidGrantError, InvalidTargetError
from ...models import Organization, User
from ...ops.built_in import find_client
from ...permissions import user_organization_scopes
from ...runtime import Runtime
from ...store import SubjectToken
from ..params import require
from ..resources import resolve_indicator
from .base import BEARER, TokenRequest
from .organization_mfa import require_mfa_if_asked
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
IMPERSONATION_TOKEN = "urn:logto:token-type:impersonation_token"  # noqa: S105 - a type URN
#: An impersonation subject token's prefix; with the access-token type it is still one (legacy).
SUBJECT_TOKEN_PREFIX = "sub_"  # noqa: S105 - a prefix
ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token"  # noqa: S105 - a type URN


def _impersonated(rt: Runtime, token: str) -> SubjectToken:
    """A live, unconsumed subject token (checked in Logto's order), else `invalid_grant`."""
    found = rt.store.subject_token(token)
    if found is None:
        raise InvalidGrantError(detail="subject token not found")
    if found.expires_at <= rt.clock():
        raise InvalidGrantError(detail="subject token is expired")
    if found.consumed_at is not None:
        raise InvalidGrantError(detail="subject token is already consumed")
    return found


def _subject(rt: Runtime, token: str, token_type: str) -> str | SubjectToken:
    """The user of the subject token (an impersonation token: the token), else invalid_grant."""
    if token_type == IMPERSONATION_TOKEN or (
        token_type == ACCESS_TOKEN and token.startswith(SUBJECT_TOKEN_PREFIX)
    ):
        return _impersonated(rt, token)
    if token_type == PERSONAL_ACCESS_TOKEN:
        found = rt.tenant.personal_access_token(token)
        if found is None:
            raise InvalidGrantError(detail="personal access token not found")
        user, pat = found
        if pat.expires_at is not None and pat.expires_at <= rt.clock.milliseconds():
            raise InvalidGrantError(detail="personal access token expired")
        return user.id
    if token_type == ACCESS_TOKEN and rt.settings.access_token_exchange:
        opaque = rt.store.access_token(token)
        if opaque is not None:
            return opaque.account_id
        claims = rt.issuer.keys.verify(token) if token.count(".") == 2 else None
        app = find_client(rt.tenant, str((claims or {}).get("client_id")), rt.settings.issuer)
        if (
            claims is None
            or claims.get("exp", 0) <= rt.clock()
            or claims.get("sub") not in rt.tenant.users
            or app is None
            or app.is_third_party
        ):
            raise InvalidGrantError(detail="invalid access token")
        return str(claims["sub"])
    raise InvalidGrantError(detail="unsupported subject token type")


def _actor(rt: Runtime, request: TokenRequest) -> str | None:
    token = request.get("actor_token")
    if token is None:
        return None
    opaque = rt.store.access_token(token)
    if request.get("actor_token_type") != ACCESS_TOKEN or opaque is None:
        raise InvalidGrantError(detail="invalid actor token")
    if "openid" not in opaque.scopes:
        raise InvalidGrantError(detail="actor token must have openid scope")
    return opaque.account_id


def _organization(request: TokenRequest, rt: Runtime, user: User) -> Organization | None:
    """`checkOrganizationAccess`: with `organization_id`, a member, MFA if it requires it."""
    organization_id = request.get("organization_id")
    organization = rt.tenant.organizations.get(organization_id) if organization_id else None
    if organization_id and (organization is None or user.id not in organization.user_roles):
        raise AccessDeniedError("user is not a member of the organization")
    if organization is not None:
        require_mfa_if_asked(organization, user)
    return organization


def handle(request: TokenRequest, rt: Runtime) -> dict[str, Any]:
    """Exchange the subject token for an access token.

    Steps: the subject (a live personal access token or access token), the organization
    membership, a single `resource`, the actor, then the token.
    """
    require(request.params, "subject_token", "subject_token_type")
    subject = _subject(
        rt, request.get("subject_token") or "", request.get("subject_token_type") or ""
    )
    impersonation = subject if isinstance(subject, SubjectToken) else None
    user: User = find_account(rt, impersonation.user_id if impersonation else str(subject))
    organization = _organization(request, rt, user)
    resource = _single_resource(request)
    if resource is not None:  # Logto resolves the resource before it reads the actor token
        resolve_indicator(resource, rt.tenant)
    actor = _actor(rt, request)
    raw_scope = request.get("scope")
    scopes = list(dict.fromkeys(raw_scope.split())) if raw_scope else []
    # Custom JWT scripts see the subject token's context as `context.grant`.
    marked = subject_token_context.set(impersonation.context if impersonation else None)
    try:
        token, expires_in, scope = _access_token(
            request,
            rt,
            user,
            organization,
            resource,
            scopes,
            {"act": {"sub": actor}} if actor else None,
        )
    finally:
        subject_token_context.reset(marked)
    if impersonation is not None:  # single use: consumed once the token is issued
        impersonation.consumed_at = rt.clock()
    return {"access_token": token, "expires_in": expires_in, "scope": scope, "token_type": BEARER}


def _single_resource(request: TokenRequest) -> str | None:
    resources = request.all("resource")
    if len(resources) > 1:
        raise InvalidTargetError(
            "only a single resource indicator value must be requested/resolved during "
            "Access Token Request"
        )
    return resources[0] if resources else None


def _access_token(
    request: TokenRequest,
    rt: Runtime,
    user: User,
    organization: Organization | None,
    resource: str | None,
    scopes: list[str],
    extra: dict[str, Any] | None,
) -> tuple[str, int, str]:
    """An organization token, a JWT for the resource, or an opaque token for userinfo."""
    client = request.client
    if organization is not None and resource is None:
        available = user_organization_scopes(rt.tenant, organization, user.id)
        return organization_access_token(
            rt, client, user, organization.id, scopes, available, extra=extra
        )
    if resource is not None:
        return resource_access_token(
            rt,
            client,
            user,
            resource,
            scopes,
            consented=None,
            organization_id=request.get("organization_id"),
            extra=extra,
        )
    oidc = [s for s in scopes if s in OIDC_SCOPES]
    return opaque_access_token(rt, client, user, oidc, None)
