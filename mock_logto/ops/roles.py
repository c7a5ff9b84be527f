"""Global roles, their scopes, and the users and applications holding them (core/routes/role*)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from ..errors import Conflict, EntityNotFound, Refused, WrongType
from ..models import Application, Role, Scope, Tenant, User

Holder = User | Application


def get(tenant: Tenant, role_id: str) -> Role:
    """The role with this id, else Logto's 404."""
    found = tenant.roles.get(role_id)
    if found is None:
        raise EntityNotFound("roles", role_id, kind="role")
    return found


def by_reference(tenant: Tenant, ref: str) -> Role | None:
    """A role by id or name (fixtures may use either)."""
    return tenant.roles.get(ref) or next((r for r in tenant.roles.values() if r.name == ref), None)


def existing(tenant: Tenant, role_ids: Iterable[str]) -> list[Role]:
    """The roles among `role_ids` that exist, in that order."""
    return [tenant.roles[r] for r in role_ids if r in tenant.roles]


def name_free(tenant: Tenant, name: str, own_id: str | None = None) -> None:
    """Role names are unique."""
    for role in tenant.roles.values():
        if role.name == name and role.id != own_id:
            raise Conflict(
                "role.name_in_use",
                f"This role name {name} is already in use",
                field="name",
                text=f"duplicate role name '{name}'",
                conflict_id=role.id,
            )


def create(tenant: Tenant, role: Role) -> Role:
    """Add a role (its name must be free); scopes are added after, as Logto does."""
    name_free(tenant, role.name)
    tenant.roles[role.id] = role
    return role


def rename(tenant: Tenant, role: Role, name: str) -> None:
    """Change a role's name (still unique)."""
    name_free(tenant, name, role.id)
    role.name = name


def check_scopes(tenant: Tenant, role: Role, scopes: Iterable[Scope]) -> None:
    """Management API scopes go to machine-to-machine roles only."""
    management = tenant.resource_by_indicator(tenant.management_api_indicator)
    if role.type == "User" and management and any(s.resource_id == management.id for s in scopes):
        raise Refused(
            "role.management_api_scopes_not_assignable_to_user_role",
            "Cannot assign Management API scopes to a user role.",
            status_code=400,
            field="scopes",
            text="Management API scopes cannot be given to a User role",
        )


def scope_not_held(role: Role, scope_id: str) -> None:
    """A role holds each scope once."""
    if scope_id in role.scope_ids:
        raise Conflict(
            "role.scope_exists",
            f"The scope id {scope_id} has already been added to this role",
            field="scopeIds",
        )


def add_scopes(tenant: Tenant, role: Role, scopes: list[Scope]) -> None:
    """Give a role scopes (checked first), each once."""
    check_scopes(tenant, role, scopes)
    role.scope_ids.extend(s.id for s in scopes if s.id not in role.scope_ids)


def remove_scope(role: Role, scope_id: str) -> None:
    """Take a scope from a role; one it does not hold is Logto's 404."""
    if scope_id not in role.scope_ids:
        raise EntityNotFound("scopes", scope_id)
    role.scope_ids.remove(scope_id)


def delete(tenant: Tenant, role: Role) -> None:
    """Delete a role; every user and application loses it at once."""
    holders: list[Holder] = [*tenant.users.values(), *tenant.applications.values()]
    for holder in holders:
        if role.id in holder.role_ids:
            holder.role_ids.remove(role.id)
    del tenant.roles[role.id]


def check_holder(holder: Holder) -> None:
    """Only machine-to-machine applications hold roles (users always may)."""
    if isinstance(holder, Application) and holder.type != "MachineToMachine":
        raise WrongType(
            "application.invalid_type",
            "Only machine to machine applications can have associated roles.",
            status_code=422,
            field="roles",
            text="only MachineToMachine apps can be given roles",
        )


def check_type(holder: Holder, role: Role) -> None:
    """Users hold User roles, applications MachineToMachine roles."""
    check_kind(role, "user" if isinstance(holder, User) else "application")


def check_kind(role: Role, holder_kind: Literal["user", "application"]) -> None:
    """The role's type fits holders of this kind (checked before the holders themselves)."""
    if holder_kind == "user":
        if role.type != "User":
            raise WrongType(
                "user.invalid_role_type",
                "Invalid role type, can not assign machine-to-machine role to user.",
                status_code=422,
                field="roles",
                text=f"role '{role.name}' is a {role.type} role; users take User roles",
            )
    elif role.type != "MachineToMachine":
        raise WrongType(
            "application.invalid_role_type",
            "Can not assign user type role to machine to machine application.",
            status_code=422,
            field="roles",
            text=(
                f"role '{role.name}' is a {role.type} role; "
                "applications take MachineToMachine roles"
            ),
        )


def link(holder: Holder, role: Role) -> None:
    """Give the holder the role (a role already held stays once)."""
    if role.id not in holder.role_ids:
        holder.role_ids.append(role.id)


def unlink(holder: Holder, role_id: str, table: str = "roles") -> None:
    """Take the role from the holder; one it does not hold is Logto's 404 naming `table`."""
    if role_id not in holder.role_ids:
        raise EntityNotFound(table, role_id)
    holder.role_ids.remove(role_id)


#: Logto's roles no one lists (`internalRolePrefix`); `#internal:admin` is the legacy admin toggle.
INTERNAL_PREFIX = "#internal:"
INTERNAL_ADMIN = "#internal:admin"


def listed(tenant: Tenant) -> list[Role]:
    """The roles lists show: not the internal ones (queries/roles.ts)."""
    return [r for r in tenant.roles.values() if not r.name.startswith(INTERNAL_PREFIX)]


def internal_admin(tenant: Tenant) -> Role:
    """The tenant's `#internal:admin` role (Management API `all`), made as Logto's seed makes it."""
    found = by_reference(tenant, INTERNAL_ADMIN)
    if found is not None:
        return found
    indicator = tenant.management_api_indicator
    resource = tenant.resource_by_indicator(indicator)
    scope_ids = [s.id for s in resource.scopes if s.name == "all"] if resource else []
    role = Role(
        id="internal-admin-role",
        name=INTERNAL_ADMIN,
        description="Internal admin role for Logto tenant default.",
        type="MachineToMachine",
        scope_ids=scope_ids,
    )
    tenant.roles[role.id] = role
    return role


def is_admin(tenant: Tenant, holder: Holder) -> bool:
    """Whether the holder has the internal admin role (`isAdmin` of an application)."""
    return any(tenant.roles[r].name == INTERNAL_ADMIN for r in holder.role_ids if r in tenant.roles)
