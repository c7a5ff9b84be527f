"""RFC 8707 resource indicators, resolved as Logto does.

oidc-provider lib/shared/check_resource.js plus Logto's `getResourceServerInfo` (core/oidc/init.ts).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..errors import InvalidTargetError
from ..http.uris import absolute_uri_problem
from ..models import ORGANIZATION_RESOURCE, ApiResource, Application, Tenant, User
from ..permissions import (
    application_organization_resource_scopes,
    application_resource_scopes,
    organization_scope_names,
    user_resource_scopes,
)

#: Logto's TTL for reserved resources and organization tokens (core/oidc/resource.ts).
ORGANIZATION_TOKEN_TTL = 3600

#: The URI check of an indicator, remembered: clients send the same few on every request.
_indicator_problem = lru_cache(maxsize=1024)(absolute_uri_problem)


@dataclass(frozen=True, slots=True)
class ResourceServer:
    """A resource a token may be issued for, with the scopes the subject holds on it."""

    indicator: str
    ttl: int
    scopes: frozenset[str]


def resolve_indicator(indicator: str, tenant: Tenant) -> ApiResource | None:
    """The API resource an indicator names (None for the organizations resource).

    Raises `invalid_target` for a malformed or unknown indicator.
    """
    problem = _indicator_problem(indicator)
    if problem:
        raise InvalidTargetError(f"resource indicator {problem}")
    if indicator == ORGANIZATION_RESOURCE:
        return None
    resource = tenant.resource_by_indicator(indicator)
    if resource is None:
        raise InvalidTargetError(detail=f"unknown resource {indicator}")
    return resource


def resolve_resources(
    indicators: list[str],
    tenant: Tenant,
    *,
    client: Application,
    organization_id: str | None = None,
) -> dict[str, ResourceServer]:
    """Validate each indicator and find what the app holds on it; unknown → `invalid_target`."""
    servers: dict[str, ResourceServer] = {}
    for indicator in indicators:
        resource = resolve_indicator(indicator, tenant)
        if resource is None:
            scopes = frozenset(organization_scope_names(tenant))
            servers[indicator] = ResourceServer(indicator, ORGANIZATION_TOKEN_TTL, scopes)
            continue
        organization = tenant.organizations.get(organization_id) if organization_id else None
        if organization is not None:
            held = application_organization_resource_scopes(
                tenant, organization, client.id, resource
            )
        else:
            held = application_resource_scopes(tenant, client, resource)
        servers[indicator] = ResourceServer(indicator, resource.access_token_ttl, frozenset(held))
    return servers


def user_resource_server(
    indicator: str, tenant: Tenant, user: User, organization_id: str | None = None
) -> ResourceServer:
    """What a user holds on a resource, now (core/oidc/resource.ts `findResourceScopes`)."""
    resource = resolve_indicator(indicator, tenant)
    if resource is None:
        scopes = frozenset(organization_scope_names(tenant))
        return ResourceServer(indicator, ORGANIZATION_TOKEN_TTL, scopes)
    held = user_resource_scopes(tenant, user, resource, organization_id)
    return ResourceServer(indicator, resource.access_token_ttl, frozenset(held))
