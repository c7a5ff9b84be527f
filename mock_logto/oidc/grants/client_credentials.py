"""`client_credentials` (RFC 6749 §4.4) with Logto's organization tokens (Logto RFC 0006).

Follows core/oidc/grants/client-credentials.ts (Logto v1.37.0), in its order:

1. :func:`check_membership`: with `organization_id`, the app must be a member (`access_denied`);
2. :func:`resources_of`: the `resource` (or the default resource) must be known
   (`invalid_target`), unless an organization token is asked for;
3. :func:`single_resource`: at most one resource;
4. issue: scopes the app's roles do not grant are dropped silently, no `scope` means no
   scopes, and an organization token's `scope` is always present.
"""

from __future__ import annotations

from typing import Any

from ...customjwt import claims as custom_jwt
from ...errors import AccessDeniedError, InvalidTargetError
from ...models import ORGANIZATION_RESOURCE, Organization, Tenant
from ...permissions import application_organization_scopes
from ...runtime import Runtime
from ...tokens import organization_audience, random_id
from ..resources import ORGANIZATION_TOKEN_TTL, ResourceServer, resolve_resources
from .base import BEARER, TokenRequest

GRANT_TYPE = "client_credentials"
PARAMETERS = frozenset({"resource", "scope", "organization_id"})
DUPLICABLE = frozenset({"resource"})


def handle(request: TokenRequest, rt: Runtime) -> dict[str, Any]:
    """Issue an M2M access token for one API resource, or for an organization."""
    organization = check_membership(request, rt.tenant)
    servers = resources_of(request, rt.tenant)
    raw_scope = request.get("scope")
    requested = list(dict.fromkeys(raw_scope.split(" "))) if raw_scope else []
    if servers:
        return resource_token(request, rt, single_resource(servers), requested)
    assert organization is not None  # noqa: S101 - resources_of refuses neither
    return organization_token(request, rt, organization, requested)


def check_membership(request: TokenRequest, tenant: Tenant) -> Organization | None:
    """The organization asked for, of which the app must be a member."""
    organization_id = request.get("organization_id")
    if not organization_id:
        return None
    organization = tenant.organizations.get(organization_id)
    if organization is None or request.client.id not in organization.application_roles:
        raise AccessDeniedError("app has not associated with the organization")
    return organization


def resources_of(request: TokenRequest, tenant: Tenant) -> dict[str, ResourceServer]:
    """The resources asked for (default: the default resource); none for an organization token."""
    organization_id = request.get("organization_id")
    indicators = request.all("resource")
    if organization_id and not indicators:
        return {}
    if not indicators:
        default = tenant.default_resource()
        indicators = [default.indicator] if default else []
    servers = resolve_resources(
        indicators, tenant, client=request.client, organization_id=organization_id
    )
    if not organization_id and not servers:
        raise InvalidTargetError("both `resource` and `organization_id` are not provided")
    return servers


def single_resource(servers: dict[str, ResourceServer]) -> ResourceServer:
    """This grant issues for one resource only."""
    if len(servers) != 1:
        raise InvalidTargetError(
            "only a single resource indicator value is supported for this grant type"
        )
    return next(iter(servers.values()))


def resource_token(
    request: TokenRequest, rt: Runtime, server: ResourceServer, requested: list[str]
) -> dict[str, Any]:
    """A token for one API resource: the requested scopes the app holds, or no `scope`."""
    client = request.client
    organization_id = request.get("organization_id")
    scope = " ".join(s for s in requested if s in server.scopes) or None
    extra = (
        {"organization_id": organization_id}
        if organization_id and server.indicator != ORGANIZATION_RESOURCE
        else None
    )
    jti = random_id()
    payload = custom_jwt.token_payload(
        jti=jti, client_id=client.id, audience=server.indicator, scope=scope
    )
    claims = {**(extra or {}), **custom_jwt.client_claims(rt.tenant, client, payload)}
    token = rt.issuer.access_token(
        sub=client.id,
        client_id=client.id,
        audience=server.indicator,
        scope=scope,
        ttl=server.ttl,
        extra=claims or None,
        jti=jti,
    )
    return _body(token, server.ttl, scope)


def organization_token(
    request: TokenRequest, rt: Runtime, organization: Organization, requested: list[str]
) -> dict[str, Any]:
    """An organization token: the requested organization scopes the app holds there."""
    client = request.client
    available = application_organization_scopes(rt.tenant, organization, client.id)
    wanted = set(requested)
    scope = " ".join(name for name in available if name in wanted)
    audience = organization_audience(organization.id)
    jti = random_id()
    payload = custom_jwt.token_payload(jti=jti, client_id=client.id, audience=audience, scope=scope)
    token = rt.issuer.access_token(
        sub=client.id,
        client_id=client.id,
        audience=audience,
        scope=scope,
        ttl=ORGANIZATION_TOKEN_TTL,
        extra=custom_jwt.client_claims(rt.tenant, client, payload) or None,
        jti=jti,
    )
    return _body(token, ORGANIZATION_TOKEN_TTL, scope)


def _body(token: str, ttl: int, scope: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {"access_token": token, "expires_in": ttl, "token_type": BEARER}
    if scope is not None:
        body["scope"] = scope
    return body
