"""`client_credentials` (RFC 6749 §4.4) with Logto's organization tokens (Logto RFC 0006).

Follows core/oidc/grants/client-credentials.ts (Logto v1.37.0): scopes the app's roles do not
grant are dropped silently, no `scope` parameter means no scopes, and `organization_id` without
`resource` gives an organization token whose `scope` is always present.
"""

from __future__ import annotations

from typing import Any

from ..errors import AccessDeniedError, InvalidTargetError
from ..models import ORGANIZATION_RESOURCE
from ..permissions import application_organization_scopes
from .base import GrantContext, TokenRequest
from .resources import ORGANIZATION_TOKEN_TTL, organization_audience, resolve_resources

GRANT_TYPE = "client_credentials"
PARAMETERS = frozenset({"resource", "scope", "organization_id"})
DUPLICABLE = frozenset({"resource"})


def handle(request: TokenRequest, ctx: GrantContext) -> dict[str, Any]:
    """Issue an M2M access token for one API resource, or for an organization."""
    tenant, client = ctx.tenant, request.client
    organization_id = request.get("organization_id")
    organization = tenant.organizations.get(organization_id) if organization_id else None
    if organization_id and (
        organization is None or client.id not in organization.application_roles
    ):
        raise AccessDeniedError("app has not associated with the organization")

    indicators = request.all("resource")
    servers = {}
    if not (organization_id and not indicators):
        if not indicators:
            default = tenant.default_resource()
            indicators = [default.indicator] if default else []
        servers = resolve_resources(indicators, ctx, client=client, organization_id=organization_id)
    if not organization_id and not servers:
        raise InvalidTargetError("both `resource` and `organization_id` are not provided")

    raw_scope = request.get("scope")
    requested = list(dict.fromkeys(raw_scope.split(" "))) if raw_scope else []

    if servers:
        if len(servers) != 1:
            raise InvalidTargetError(
                "only a single resource indicator value is supported for this grant type"
            )
        server = next(iter(servers.values()))
        scope: str | None = " ".join(s for s in requested if s in server.scopes) or None
        extra = (
            {"organization_id": organization_id}
            if organization_id and server.indicator != ORGANIZATION_RESOURCE
            else None
        )
        audience, ttl = server.indicator, server.ttl
    else:
        assert organization is not None  # noqa: S101 - checked with the membership above
        available = application_organization_scopes(tenant, organization, client.id)
        wanted = set(requested)
        scope = " ".join(name for name in available if name in wanted)
        extra = None
        audience, ttl = organization_audience(organization.id), ORGANIZATION_TOKEN_TTL

    token = ctx.issuer.access_token(
        sub=client.id, client_id=client.id, audience=audience, scope=scope, ttl=ttl, extra=extra
    )
    body: dict[str, Any] = {"access_token": token, "expires_in": ttl, "token_type": "Bearer"}
    if scope is not None:
        body["scope"] = scope
    return body
