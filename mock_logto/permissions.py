"""Which scopes a subject holds, from its roles. Pure functions over a :class:`Tenant`."""

from __future__ import annotations

from .models import ApiResource, Application, Organization, Tenant, User


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


def member_organization_scopes(
    tenant: Tenant, member_roles: dict[str, list[str]], member_id: str
) -> list[str]:
    """Organization scopes a member (user or app) holds through its roles, in tenant order.

    `member_roles` is `organization.user_roles` or `organization.application_roles`.
    """
    held: set[str] = set()
    for role_id in member_roles.get(member_id, ()):
        role = tenant.organization_roles.get(role_id)
        if role is not None:
            held.update(role.organization_scope_ids)
    return [s.name for s in tenant.organization_scopes.values() if s.id in held]


def application_organization_scopes(
    tenant: Tenant, organization: Organization, application_id: str
) -> list[str]:
    """Organization scopes an app member holds in `organization`, in tenant order."""
    return member_organization_scopes(tenant, organization.application_roles, application_id)


def user_organization_scopes(tenant: Tenant, organization: Organization, user_id: str) -> list[str]:
    """Organization scopes a user holds in `organization` (organization tokens)."""
    return member_organization_scopes(tenant, organization.user_roles, user_id)


def user_resource_scopes(
    tenant: Tenant, user: User, resource: ApiResource, organization_id: str | None = None
) -> set[str]:
    """Names of `resource`'s scopes a user holds.

    Global User roles, plus the resource scopes of the user's organization roles: in every
    organization, or only in `organization_id` when one is given (core/oidc/resource.ts
    `findResourceScopes`, core/libraries/user.ts `findUserScopesForResourceIndicator`).
    """
    held: set[str] = set()
    for role_id in user.role_ids:
        role = tenant.roles.get(role_id)
        if role is not None:
            held.update(role.scope_ids)
    if organization_id is None:
        organizations = list(tenant.organizations.values())
    else:
        found = tenant.organizations.get(organization_id)
        organizations = [found] if found is not None else []
    for organization in organizations:
        for role_id in organization.user_roles.get(user.id, ()):
            organization_role = tenant.organization_roles.get(role_id)
            if organization_role is not None:
                held.update(organization_role.resource_scope_ids)
    return {scope.name for scope in resource.scopes if scope.id in held}


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
