"""API resources and their scopes (core/routes/resource.ts, resource.scope.ts)."""

from __future__ import annotations

from ..errors import Conflict, EntityNotFound, Refused
from ..models import ApiResource, Scope, Tenant


def indicator_free(tenant: Tenant, indicator: str, own_id: str | None = None) -> None:
    """Indicators are unique in a tenant."""
    for other in tenant.resources.values():
        if other.indicator == indicator and other.id != own_id:
            raise Conflict(
                "resource.resource_identifier_in_use",
                f"The API identifier {indicator} is already in use",
                field="indicator",
                text=f"duplicate indicator '{indicator}'",
                conflict_id=other.id,
            )


def create(tenant: Tenant, resource: ApiResource) -> ApiResource:
    """Add a resource (its indicator must be free)."""
    indicator_free(tenant, resource.indicator)
    tenant.resources[resource.id] = resource
    return resource


def get(tenant: Tenant, resource_id: str) -> ApiResource:
    """The resource with this id, else Logto's 404."""
    found = tenant.resources.get(resource_id)
    if found is None:
        raise EntityNotFound("resources", resource_id)
    return found


def modifiable(tenant: Tenant, resource: ApiResource, action: str = "modify") -> ApiResource:
    """The built-in Management API resource cannot be changed or deleted."""
    if resource.indicator == tenant.management_api_indicator:
        raise Refused(
            f"resource.cannot_{action}_management_api",
            f"Cannot {action} Logto Management API.",
            status_code=400,
        )
    return resource


def set_default(tenant: Tenant, resource: ApiResource, is_default: bool) -> None:
    """At most one resource is the default: making one the default unmarks the others."""
    if is_default:
        for other in tenant.resources.values():
            other.is_default = False
    resource.is_default = is_default


def delete(tenant: Tenant, resource: ApiResource) -> None:
    """Delete a resource; its scopes leave every role."""
    modifiable(tenant, resource, "delete")
    for scope in list(resource.scopes):
        forget_scope(tenant, scope)
    del tenant.resources[resource.id]


def check_scope_name(name: str) -> str:
    """Scope names have no spaces (checked before anything else, as Logto does)."""
    if any(c.isspace() for c in name):
        raise Refused(
            "scope.name_with_space",
            "The name of the scope cannot contain any spaces.",
            status_code=400,
            field="name",
        )
    return name


def scope_name_free(resource: ApiResource, name: str, own_id: str = "") -> None:
    """Scope names are unique within a resource."""
    if any(s.name == name and s.id != own_id for s in resource.scopes):
        raise Conflict(
            "scope.name_exists",
            f"The scope name {name} is already in use",
            field="name",
            text=f"duplicate '{name}'",
        )


def add_scope(resource: ApiResource, scope: Scope) -> Scope:
    """Add a scope to its resource (its name must be free there)."""
    scope_name_free(resource, scope.name)
    resource.scopes.append(scope)
    return scope


def get_scope(resource: ApiResource, scope_id: str) -> Scope:
    """The resource's scope with this id, else Logto's 404."""
    found = next((s for s in resource.scopes if s.id == scope_id), None)
    if found is None:
        raise EntityNotFound("scopes", scope_id)
    return found


def find_scope(tenant: Tenant, indicator: str, name: str) -> Scope:
    """A scope by resource indicator and name (fixtures name scopes this way)."""
    resource = tenant.resource_by_indicator(indicator)
    if resource is None:
        raise EntityNotFound("resources", indicator, kind="API resource")
    for scope in resource.scopes:
        if scope.name == name:
            return scope
    raise EntityNotFound("scopes", name, text=f"API resource '{indicator}' has no scope '{name}'")


def scopes_by_id(tenant: Tenant, scope_ids: list[str]) -> list[Scope]:
    """The scopes with these ids, in order; the first unknown one is Logto's 404."""
    found = []
    for scope_id in scope_ids:
        scope = tenant.find_scope(scope_id)
        if scope is None:
            raise EntityNotFound("scopes", scope_id)
        found.append(scope)
    return found


def delete_scope(tenant: Tenant, resource: ApiResource, scope: Scope) -> None:
    """Delete a scope; it leaves every role and organization role."""
    forget_scope(tenant, scope)
    resource.scopes.remove(scope)


def forget_scope(tenant: Tenant, scope: Scope) -> None:
    """Take a scope out of every role and organization role."""
    for role in tenant.roles.values():
        if scope.id in role.scope_ids:
            role.scope_ids.remove(scope.id)
    for org_role in tenant.organization_roles.values():
        if scope.id in org_role.resource_scope_ids:
            org_role.resource_scope_ids.remove(scope.id)
