"""RFC 8707 resource indicators, resolved as Logto does.

oidc-provider lib/shared/check_resource.js plus Logto's `getResourceServerInfo` (core/oidc/init.ts).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import InvalidTargetError
from ..loader import absolute_uri_problem
from ..models import ORGANIZATION_RESOURCE, Application
from ..permissions import (
    application_organization_resource_scopes,
    application_resource_scopes,
    organization_scope_names,
)
from .base import GrantContext

#: Logto's TTL for reserved resources and organization tokens (core/oidc/resource.ts).
ORGANIZATION_TOKEN_TTL = 3600


@dataclass(frozen=True, slots=True)
class ResourceServer:
    """A resource a token may be issued for, with the scopes the subject holds on it."""

    indicator: str
    ttl: int
    scopes: frozenset[str]


def organization_audience(organization_id: str) -> str:
    """The `aud` of organization tokens (core-kit `buildOrganizationUrn`)."""
    return f"urn:logto:organization:{organization_id}"


def resolve_resources(
    indicators: list[str],
    ctx: GrantContext,
    *,
    client: Application,
    organization_id: str | None = None,
) -> dict[str, ResourceServer]:
    """Validate each indicator and find what the app holds on it; unknown → `invalid_target`."""
    servers: dict[str, ResourceServer] = {}
    tenant = ctx.tenant
    for indicator in indicators:
        problem = absolute_uri_problem(indicator)
        if problem:
            raise InvalidTargetError(f"resource indicator {problem}")
        if indicator == ORGANIZATION_RESOURCE:
            scopes = frozenset(organization_scope_names(tenant))
            servers[indicator] = ResourceServer(indicator, ORGANIZATION_TOKEN_TTL, scopes)
            continue
        resource = tenant.resource_by_indicator(indicator)
        if resource is None:
            raise InvalidTargetError(detail=f"unknown resource {indicator}")
        organization = tenant.organizations.get(organization_id) if organization_id else None
        if organization is not None:
            held = application_organization_resource_scopes(
                tenant, organization, client.id, resource
            )
        else:
            held = application_resource_scopes(tenant, client, resource)
        servers[indicator] = ResourceServer(indicator, resource.access_token_ttl, frozenset(held))
    return servers
