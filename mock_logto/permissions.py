"""Which scopes a subject holds, from its roles. Pure functions over a :class:`Tenant`."""

from __future__ import annotations

from .models import ApiResource, Application, Organization, Tenant


def application_resource_scopes(
    tenant: Tenant, application: Application, resource: ApiResource
) -> set[str]:
    """Names of `resource`'s scopes granted to an M2M app through its roles.

    Logto: core/libraries/application.ts `findApplicationScopesForResourceIndicator`.
    """
    held: set[str] = set()
    for role_id in application.role_ids:
        role = tenant.roles.get(role_id)
        if role is not None:
            held.update(role.scope_ids)
    return {scope.name for scope in resource.scopes if scope.id in held}


def organization_scope_names(tenant: Tenant) -> list[str]:
    """Every organization scope of the tenant: the scopes of `urn:logto:resource:organizations`."""
    return [scope.name for scope in tenant.organization_scopes.values()]


def application_organization_scopes(
    tenant: Tenant, organization: Organization, application_id: str
) -> list[str]:
    """Organization scopes an app member holds in `organization`, in tenant order."""
    held: set[str] = set()
    for role_id in organization.application_roles.get(application_id, ()):
        role = tenant.organization_roles.get(role_id)
        if role is not None:
            held.update(role.organization_scope_ids)
    return [s.name for s in tenant.organization_scopes.values() if s.id in held]


def application_organization_resource_scopes(
    tenant: Tenant, organization: Organization, application_id: str, resource: ApiResource
) -> set[str]:
    """`resource` scopes an app holds through its organization roles there (global roles aside).

    Logto: core/oidc/resource.ts `findResourceScopes` with an application and an organization.
    """
    held: set[str] = set()
    for role_id in organization.application_roles.get(application_id, ()):
        role = tenant.organization_roles.get(role_id)
        if role is not None:
            held.update(role.resource_scope_ids)
    return {scope.name for scope in resource.scopes if scope.id in held}
