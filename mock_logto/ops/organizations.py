"""Organizations, their members and member roles, and the organization template.

Logto keeps these in relation tables whose constraints decide the answers (routes/organization/
utils.ts, middleware/koa-slonik-error-handler.ts): an unknown reference is
`entity.relation_foreign_key_not_found`, a duplicate template name
`entity.unique_integrity_violation`, and a member or role of the wrong type breaks a check
constraint (`entity.db_constraint_violated`): users take User roles, applications (which must be
machine-to-machine) take MachineToMachine roles.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from ..errors import (
    Conflict,
    EntityNotFound,
    MembershipRequired,
    TenantError,
    UnknownReference,
    WrongType,
)
from ..models import Organization, OrganizationRole, OrganizationScope, Tenant

MemberKind = Literal["user", "application"]
TemplateEntity = OrganizationScope | OrganizationRole

_CONSTRAINT = ("entity.db_constraint_violated", "Database constraint violated.")


def not_found() -> TenantError:
    """Logto's `entity.not_found`: a relation row or a `pool.one` entity that is not there."""
    return TenantError(
        "entity.not_found", "The resource does not exist.", status_code=404, text="not found"
    )


def not_exists(name: str) -> TenantError:
    """Logto's `entity.not_exists` (an update that found no row), naming the table singular."""
    return TenantError(
        "entity.not_exists", f"The {name} does not exist.", status_code=404, text=f"no {name}"
    )


def unique_violation() -> Conflict:
    """A unique constraint of Logto's tables (`entity.unique_integrity_violation`)."""
    return Conflict(
        "entity.unique_integrity_violation",
        "The entity already exists. Please check the input and try again.",
    )


def existing(tenant: Tenant, organization_id: str) -> Organization:
    """The organization a relation insert names, else the foreign-key error (422)."""
    found = tenant.organizations.get(organization_id)
    if found is None:
        raise UnknownReference(text=f"unknown organization '{organization_id}'")
    return found


def get(tenant: Tenant, organization_id: str) -> Organization:
    """The organization with this id, else Logto's 404."""
    found = tenant.organizations.get(organization_id)
    if found is None:
        raise EntityNotFound("organizations", organization_id, kind="organization")
    return found


def by_reference(tenant: Tenant, ref: str) -> Organization | None:
    """An organization by id or name."""
    return tenant.organizations.get(ref) or next(
        (o for o in tenant.organizations.values() if o.name == ref), None
    )


def create(tenant: Tenant, organization: Organization) -> Organization:
    """Add an organization."""
    tenant.organizations[organization.id] = organization
    return organization


def delete(tenant: Tenant, organization: Organization) -> None:
    """Delete an organization, its memberships and its invitations (Logto's cascades)."""
    del tenant.organizations[organization.id]
    for invitation in list(tenant.organization_invitations.values()):
        if invitation.organization_id == organization.id:
            del tenant.organization_invitations[invitation.id]


# --------------------------------------------------------------------------- members


def members(organization: Organization, kind: MemberKind) -> dict[str, list[str]]:
    """Member id → organization role ids, for users or applications."""
    return organization.user_roles if kind == "user" else organization.application_roles


def check_member(tenant: Tenant, kind: MemberKind, member_id: str) -> None:
    """The member exists; an application member is machine-to-machine."""
    if kind == "user":
        if member_id not in tenant.users:
            raise UnknownReference(text=f"unknown user '{member_id}'")
        return
    app = tenant.applications.get(member_id)
    if app is None:
        raise UnknownReference(text=f"unknown application '{member_id}'")
    if app.type != "MachineToMachine":
        raise WrongType(
            *_CONSTRAINT,
            status_code=422,
            text=(
                f"'{app.name}' is a {app.type} app; "
                "only MachineToMachine apps can be organization members"
            ),
        )


def add_members(
    tenant: Tenant, organization: Organization, kind: MemberKind, ids: list[str]
) -> None:
    """Add members (all checked first); members already there keep their roles."""
    for member_id in ids:
        check_member(tenant, kind, member_id)
    table = members(organization, kind)
    for member_id in ids:
        table.setdefault(member_id, [])


def replace_members(
    tenant: Tenant, organization: Organization, kind: MemberKind, ids: list[str]
) -> None:
    """Exactly these members; those who stay keep their roles."""
    for member_id in ids:
        check_member(tenant, kind, member_id)
    table = members(organization, kind)
    kept = {member_id: table.get(member_id, []) for member_id in ids}
    table.clear()
    table.update(kept)


def remove_member(organization: Organization, kind: MemberKind, member_id: str) -> None:
    """Remove a member; one that is not there is Logto's 404."""
    if members(organization, kind).pop(member_id, None) is None:
        raise not_found()


def member_roles(organization: Organization, kind: MemberKind, member_id: str) -> list[str]:
    """The organization role ids of a member; a non-member is refused."""
    table = members(organization, kind)
    if member_id not in table:
        raise MembershipRequired()
    return table[member_id]


def check_member_role(tenant: Tenant, kind: MemberKind, role_id: str) -> OrganizationRole:
    """The organization role exists and fits the member's kind."""
    role = tenant.organization_roles.get(role_id)
    if role is None:
        raise UnknownReference(text=f"unknown organization role '{role_id}'")
    wanted = "User" if kind == "user" else "MachineToMachine"
    if role.type != wanted:
        raise WrongType(
            *_CONSTRAINT,
            status_code=422,
            text=(
                f"organization role '{role.name}' is a {role.type} role; "
                f"this member takes {wanted} roles"
            ),
        )
    return role


def assign_member_roles(
    tenant: Tenant, roles: list[str], kind: MemberKind, role_ids: Iterable[str]
) -> None:
    """Add roles to a member's `roles` (all checked first), each once."""
    wanted = list(role_ids)
    for role_id in wanted:
        check_member_role(tenant, kind, role_id)
    roles.extend(r for r in dict.fromkeys(wanted) if r not in roles)
    sort_roles(tenant, roles)


def sort_roles(tenant: Tenant, roles: list[str]) -> None:
    """A member's roles by name, as Logto aggregates them (`order by name`).

    A stable order also makes an exported or imported tenant answer the same.
    """
    known = tenant.organization_roles
    roles.sort(key=lambda r: (known[r].name if r in known else "", r))


def replace_member_roles(
    tenant: Tenant, roles: list[str], kind: MemberKind, role_ids: list[str]
) -> None:
    """Exactly these roles."""
    for role_id in role_ids:
        check_member_role(tenant, kind, role_id)
    roles[:] = list(dict.fromkeys(role_ids))
    sort_roles(tenant, roles)


def remove_member_role(roles: list[str], role_id: str) -> None:
    """Take a role from a member; one it does not hold is Logto's 404."""
    if role_id not in roles:
        raise not_found()
    roles.remove(role_id)


# --------------------------------------------------------------------------- the template


def name_free(entities: Iterable[TemplateEntity], name: str, kind: str, own_id: str = "") -> None:
    """Template names are unique (a database constraint in Logto)."""
    for entity in entities:
        if entity.name == name and entity.id != own_id:
            raise Conflict(
                "entity.unique_integrity_violation",
                "The entity already exists. Please check the input and try again.",
                field="name",
                text=f"duplicate {kind} '{name}'",
                conflict_id=entity.id,
            )


def scope_by_reference(tenant: Tenant, ref: str) -> OrganizationScope | None:
    """An organization scope by id or name (fixtures may use either)."""
    scopes = tenant.organization_scopes
    return scopes.get(ref) or next((s for s in scopes.values() if s.name == ref), None)


def role_by_reference(tenant: Tenant, ref: str) -> OrganizationRole | None:
    """An organization role by id or name (fixtures may use either)."""
    found = tenant.organization_roles
    return found.get(ref) or next((r for r in found.values() if r.name == ref), None)


def create_scope(tenant: Tenant, scope: OrganizationScope) -> OrganizationScope:
    """Add an organization scope (its name must be free)."""
    name_free(tenant.organization_scopes.values(), scope.name, "organization scope")
    tenant.organization_scopes[scope.id] = scope
    return scope


def rename(tenant: Tenant, entity: TemplateEntity, name: str) -> None:
    """Rename a template entity (its new name still unique among its kind)."""
    others: Iterable[TemplateEntity] = (
        tenant.organization_scopes.values()
        if isinstance(entity, OrganizationScope)
        else tenant.organization_roles.values()
    )
    name_free(others, name, "organization template entity", entity.id)
    entity.name = name
    if isinstance(entity, OrganizationRole):
        for organization in tenant.organizations.values():
            for roles in [
                *organization.user_roles.values(),
                *organization.application_roles.values(),
            ]:
                sort_roles(tenant, roles)


def delete_scope(tenant: Tenant, scope: OrganizationScope) -> None:
    """Delete an organization scope; it leaves every organization role."""
    for role in tenant.organization_roles.values():
        if scope.id in role.organization_scope_ids:
            role.organization_scope_ids.remove(scope.id)
    del tenant.organization_scopes[scope.id]


def check_role_scopes(
    tenant: Tenant, organization_scope_ids: Iterable[str], resource_scope_ids: Iterable[str]
) -> None:
    """Every referenced organization scope and API resource scope exists."""
    if not all(s in tenant.organization_scopes for s in organization_scope_ids) or not all(
        tenant.find_scope(s) for s in resource_scope_ids
    ):
        raise UnknownReference()


def create_role(tenant: Tenant, role: OrganizationRole) -> OrganizationRole:
    """Add an organization role (its name free, its scopes known)."""
    name_free(tenant.organization_roles.values(), role.name, "organization role")
    check_role_scopes(tenant, role.organization_scope_ids, role.resource_scope_ids)
    tenant.organization_roles[role.id] = role
    return role


def add_role_scopes(tenant: Tenant, role: OrganizationRole, scope_ids: list[str]) -> None:
    """Add organization scopes to a role, each once."""
    check_role_scopes(tenant, scope_ids, [])
    held = role.organization_scope_ids
    held.extend(s for s in dict.fromkeys(scope_ids) if s not in held)


def add_role_resource_scopes(tenant: Tenant, role: OrganizationRole, scope_ids: list[str]) -> None:
    """Add API resource scopes to an organization role, each once."""
    check_role_scopes(tenant, [], scope_ids)
    held = role.resource_scope_ids
    held.extend(s for s in dict.fromkeys(scope_ids) if s not in held)


def delete_role(tenant: Tenant, role: OrganizationRole) -> None:
    """Delete an organization role; every member loses it."""
    for organization in tenant.organizations.values():
        for roles in [*organization.user_roles.values(), *organization.application_roles.values()]:
            if role.id in roles:
                roles.remove(role.id)
        if role.id in organization.jit_role_ids:
            organization.jit_role_ids.remove(role.id)
    for invitation in tenant.organization_invitations.values():
        if role.id in invitation.organization_role_ids:
            invitation.organization_role_ids.remove(role.id)
    del tenant.organization_roles[role.id]


# --------------------------------------------------------------------------- JIT provisioning


def add_jit_email_domain(tenant: Tenant, organization_id: str, domain: str) -> None:
    """Add an email domain (any string: Logto does not check its form)."""
    organization = existing(tenant, organization_id)
    if domain in organization.jit_email_domains:
        raise unique_violation()
    organization.jit_email_domains.append(domain)


def replace_jit_email_domains(tenant: Tenant, organization_id: str, domains: list[str]) -> None:
    """Exactly these email domains (a duplicate in the list breaks the primary key)."""
    organization = tenant.organizations.get(organization_id)
    if not domains:
        if organization is not None:
            organization.jit_email_domains.clear()
        return
    organization = existing(tenant, organization_id)
    if len(set(domains)) != len(domains):
        raise unique_violation()
    organization.jit_email_domains[:] = domains


def remove_jit_email_domain(tenant: Tenant, organization_id: str, domain: str) -> None:
    """Remove an email domain; one that is not there is `entity.not_found`."""
    organization = tenant.organizations.get(organization_id)
    if organization is None or domain not in organization.jit_email_domains:
        raise not_found()
    organization.jit_email_domains.remove(domain)


def jit_organizations(tenant: Tenant, email: str | None) -> list[Organization]:
    """The organizations whose JIT email domains match this email's domain."""
    if not email or "@" not in email:
        return []
    domain = email.rsplit("@", 1)[1]
    return [o for o in tenant.organizations.values() if domain in o.jit_email_domains]


def provision(tenant: Tenant, user_id: str, organization_ids: Iterable[str]) -> list[str]:
    """Make the user a member of these organizations with their JIT roles; the ids joined."""
    joined = []
    for organization_id in organization_ids:
        organization = tenant.organizations.get(organization_id)
        if organization is None:
            continue
        roles = organization.user_roles.setdefault(user_id, [])
        for role_id in organization.jit_role_ids:
            role = tenant.organization_roles.get(role_id)
            if role is not None and role.type == "User" and role_id not in roles:
                roles.append(role_id)
        sort_roles(tenant, roles)
        joined.append(organization_id)
    return joined
