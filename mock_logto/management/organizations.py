"""`/api/organizations`, `/api/organization-scopes`, `/api/organization-roles`.

Derived from Logto's routes/organization/** and its SchemaRouter: an entity read by id answers
its table's 404 (`entity.not_exists_with_id` for organizations and scopes, `entity.not_found` for
roles, read with `pool.one`), an update of a missing one `entity.not_exists`, a delete
`entity.not_found`. Relation writes name a missing parent with the foreign-key 422; member lists
of a missing organization are empty (no existence check); a member's roles need membership.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from .. import zod
from ..errors import EntityNotFound, MembershipRequired, TenantError, UnknownReference
from ..http.responses import JSONResponse
from ..models import Organization, OrganizationRole, OrganizationScope, Tenant
from ..ops import organizations
from ..ops.organizations import MemberKind
from . import shapes
from .branding_guards import BRANDING, PARTIAL_COLOR
from .common import (
    Handler,
    created,
    json_body,
    new_id,
    no_content,
    now_ms,
    tenant_of,
)
from .events import fire_appended
from .pagination import page_of, paginated
from .sql_search import ilike_contains

_EMPTY_UPDATE = ("entity.invalid_input", "Invalid input. Value list must not be empty.")


def _empty_update() -> TenantError:
    """An update with nothing to set: slonik refuses the empty list (422)."""
    return TenantError(*_EMPTY_UPDATE, status_code=422)


def _param(request: Request, name: str = "id") -> str:
    value: str = request.path_params[name]
    return value


def organization_of(request: Request) -> Organization:
    """The organization named by the path's `id`, else Logto's 404."""
    return organizations.get(tenant_of(request), _param(request))


def _role_ref(tenant: Tenant, role_ids: list[str]) -> list[dict[str, str]]:
    """`organizationRoles` of a member: id and name, by name (Logto's `aggregateRoles`)."""
    roles = [tenant.organization_roles[r] for r in role_ids if r in tenant.organization_roles]
    return [{"id": r.id, "name": r.name} for r in sorted(roles, key=lambda r: r.name)]


def _names(names: list[str]) -> str:
    """`Intl.ListFormat('en', {type: 'conjunction'})`."""
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + ", and " + names[-1]


# --------------------------------------------------------------------------- organizations


#: `Organizations.createGuard` without its generated keys (POST; PATCH takes it `.partial()`).
_ORGANIZATION = zod.Obj(
    {
        "name": zod.Str(min=1, max=128),
        "description": zod.Str(max=256).nullish(),
        "customData": zod.JsonObject().optional(),
        "isMfaRequired": zod.Bool().optional(),
        "color": PARTIAL_COLOR.optional(),
        "branding": BRANDING.optional(),
        "customCss": zod.Str().nullish(),
    }
)
_ORGANIZATION_UPDATE = _ORGANIZATION.partial()


def _organization_fields(data: Any, *, create: bool) -> dict[str, Any]:
    """The writable fields given, parsed by the organization's zod guard."""
    given: dict[str, Any] = zod.parse(_ORGANIZATION if create else _ORGANIZATION_UPDATE, data)
    return given


def _apply(org: Organization, given: dict[str, Any]) -> None:
    if "name" in given:
        org.name = given["name"]
    if "description" in given:
        org.description = given["description"]
    if "customData" in given:
        org.custom_data = given["customData"]
    if "color" in given:
        org.color = given["color"]
    if "branding" in given:
        org.branding = given["branding"]
    if "isMfaRequired" in given:
        org.is_mfa_required = given["isMfaRequired"]
    if "customCss" in given:
        org.custom_css = given["customCss"]


async def list_organizations(request: Request) -> Response:
    """`GET /api/organizations`: in creation order; `q` is `ilike` on id and name."""
    tenant = tenant_of(request)
    orgs = list(tenant.organizations.values())
    query = request.query_params.get("q")
    if query:
        orgs = [o for o in orgs if ilike_contains(query, (o.id, o.name))]
    featured = request.query_params.get("showFeatured", "").lower() in ("true", "1", "yes", "y")

    def shape(org: Organization) -> dict[str, Any]:
        body = shapes.organization(org, tenant.id)
        if featured:
            members = [tenant.users[u] for u in org.user_roles if u in tenant.users]
            body["usersCount"] = len(members)
            body["featuredUsers"] = [
                {"id": u.id, "avatar": u.avatar, "name": u.name} for u in members[:3]
            ]
        return body

    return paginated(request, orgs, shape=shape)


async def get_organization(request: Request) -> Response:
    """`GET /api/organizations/:id`."""
    return JSONResponse(shapes.organization(organization_of(request), tenant_of(request).id))


async def create_organization(request: Request) -> Response:
    """`POST /api/organizations` (201; names need not be unique)."""
    given = _organization_fields(await json_body(request), create=True)
    tenant = tenant_of(request)
    org = Organization(id=new_id(12), name=given["name"], created_at=now_ms(request))
    _apply(org, given)
    organizations.create(tenant, org)
    return JSONResponse(shapes.organization(org, tenant.id), status_code=201)


async def update_organization(request: Request) -> Response:
    """`PATCH /api/organizations/:id` (nothing to set: 422; missing: `entity.not_exists`)."""
    given = _organization_fields(await json_body(request), create=False)
    if not given:
        raise _empty_update()
    tenant = tenant_of(request)
    org = tenant.organizations.get(_param(request))
    if org is None:
        raise organizations.not_exists("organization")
    _apply(org, given)
    return JSONResponse(shapes.organization(org, tenant.id))


async def delete_organization(request: Request) -> Response:
    """`DELETE /api/organizations/:id` (204; missing: `entity.not_found`)."""
    tenant = tenant_of(request)
    org = tenant.organizations.get(_param(request))
    if org is None:
        raise organizations.not_found()
    organizations.delete(tenant, org)
    return no_content()


# --------------------------------------------------------------------------- members


def _members_of(tenant: Tenant, organization_id: str, kind: MemberKind) -> dict[str, list[str]]:
    """Member id → role ids; none for a missing organization (Logto does not check it)."""
    org = tenant.organizations.get(organization_id)
    return {} if org is None else organizations.members(org, kind)


async def list_users(request: Request) -> Response:
    """`GET /api/organizations/:id/users`: members with their roles; `q` on user fields."""
    tenant = tenant_of(request)
    users = [
        (tenant.users[u], roles)
        for u, roles in _members_of(tenant, _param(request), "user").items()
        if u in tenant.users
    ]
    query = request.query_params.get("q")
    if query:
        users = [
            (u, r)
            for u, r in users
            if ilike_contains(query, (u.id, u.primary_email, u.primary_phone, u.username, u.name))
        ]
    return paginated(
        request,
        users,
        shape=lambda pair: {
            **shapes.user(pair[0], has_password=False),
            "organizationRoles": _role_ref(tenant, pair[1]),
        },
    )


def _id_list(request_body: Any, name: str, *, nonempty: bool) -> list[str]:
    """`{[name]: z.string().min(1).array()}` (`.nonempty()` where `nonempty`)."""
    guard = zod.Obj({name: zod.Arr(zod.Str(min=1), min=1 if nonempty else None)})
    ids: list[str] = zod.parse(guard, request_body)[name]
    return ids


def _ids(request_body: dict[str, Any], name: str, *, nonempty: bool) -> list[str]:
    """The ids of a relation insert (Logto's `on conflict do nothing`: duplicates are fine)."""
    ids = _id_list(request_body, name, nonempty=nonempty)
    return list(dict.fromkeys(ids))


def _replacing_ids(request_body: dict[str, Any], name: str, *, nonempty: bool = False) -> list[str]:
    """The ids of a relation replacement: a plain insert, so a duplicate breaks the key (422)."""
    ids = _id_list(request_body, name, nonempty=nonempty)
    if len(set(ids)) != len(ids):
        raise organizations.unique_violation()
    return ids


async def add_users(request: Request) -> Response:
    """`POST /api/organizations/:id/users` (201; members already there stay as they are)."""
    user_ids = _ids(await json_body(request), "userIds", nonempty=True)
    tenant = tenant_of(request)
    org = organizations.existing(tenant, _param(request))
    organizations.add_members(tenant, org, "user", user_ids)
    return created()


async def _replace_members(request: Request, kind: MemberKind, key: str) -> Response:
    ids = _replacing_ids(await json_body(request), key)
    tenant = tenant_of(request)
    org = tenant.organizations.get(_param(request))
    if org is None:
        if ids:
            raise UnknownReference()
        return no_content()
    organizations.replace_members(tenant, org, kind, ids)
    return no_content()


async def replace_users(request: Request) -> Response:
    """`PUT /api/organizations/:id/users` (204): exactly these members."""
    return await _replace_members(request, "user", "userIds")


async def _remove_member(request: Request, kind: MemberKind, key: str) -> Response:
    org = tenant_of(request).organizations.get(_param(request))
    if org is None:
        raise organizations.not_found()
    organizations.remove_member(org, kind, _param(request, key))
    return no_content()


async def remove_user(request: Request) -> Response:
    """`DELETE /api/organizations/:id/users/:userId` (204; not a member: 404)."""
    return await _remove_member(request, "user", "userId")


def _member_roles(request: Request, kind: MemberKind) -> tuple[list[str], Tenant]:
    """The organization roles of the member the path names (which must be a member)."""
    key = "userId" if kind == "user" else "applicationId"
    tenant = tenant_of(request)
    table = _members_of(tenant, _param(request), kind)
    member = _param(request, key)
    if member not in table:
        raise MembershipRequired()
    return table[member], tenant


async def _list_member_roles(request: Request, kind: MemberKind) -> Response:
    roles, tenant = _member_roles(request, kind)
    items = [tenant.organization_roles[r] for r in roles if r in tenant.organization_roles]
    return paginated(
        request,
        items,
        optional=True,
        shape=lambda r: shapes.organization_role(r, tenant.id),
    )


async def list_user_roles(request: Request) -> Response:
    """`GET /api/organizations/:id/users/:userId/roles`."""
    return await _list_member_roles(request, "user")


_ROLE_IDS_AND_NAMES = zod.Obj(
    {
        "organizationRoleIds": zod.Arr(zod.Str(min=1)).optional(),
        "organizationRoleNames": zod.Arr(zod.Str(min=1)).optional(),
    }
)


def _role_ids_and_names(tenant: Tenant, data: dict[str, Any]) -> list[str]:
    """`organizationRoleIds` plus the ids of `organizationRoleNames` (all names must exist)."""
    parsed = zod.parse(_ROLE_IDS_AND_NAMES, data)
    ids: list[str] = parsed.get("organizationRoleIds", [])
    names: list[str] = parsed.get("organizationRoleNames", [])
    by_name = [r for r in tenant.organization_roles.values() if r.name in names]
    missing = [n for n in names if not any(r.name == n for r in by_name)]
    if missing:
        raise TenantError(
            "organization.role_names_not_found",
            f"Invalid role names detected: {_names(missing)}. "
            "Please create these roles first before proceeding.",
            status_code=422,
        )
    return list(dict.fromkeys([*ids, *(r.id for r in by_name)]))


async def assign_user_roles(request: Request) -> Response:
    """`POST /api/organizations/:id/users/:userId/roles` (201; ids and/or names)."""
    roles, tenant = _member_roles(request, "user")
    role_ids = _role_ids_and_names(tenant, await json_body(request))
    organizations.assign_member_roles(tenant, roles, "user", role_ids)
    return created()


async def replace_user_roles(request: Request) -> Response:
    """`PUT /api/organizations/:id/users/:userId/roles` (204): exactly these roles."""
    roles, tenant = _member_roles(request, "user")
    role_ids = _role_ids_and_names(tenant, await json_body(request))
    organizations.replace_member_roles(tenant, roles, "user", role_ids)
    return no_content()


async def remove_user_role(request: Request) -> Response:
    """`DELETE /api/organizations/:id/users/:userId/roles/:organizationRoleId` (204)."""
    roles, _ = _member_roles(request, "user")
    organizations.remove_member_role(roles, _param(request, "organizationRoleId"))
    return no_content()


async def list_user_scopes(request: Request) -> Response:
    """`GET /api/organizations/:id/users/:userId/scopes`: by id; no membership check."""
    tenant = tenant_of(request)
    roles = _members_of(tenant, _param(request), "user").get(_param(request, "userId"), [])
    scope_ids = {
        s
        for r in roles
        if r in tenant.organization_roles
        for s in tenant.organization_roles[r].organization_scope_ids
        if s in tenant.organization_scopes
    }
    return JSONResponse(
        [
            shapes.organization_scope(tenant.organization_scopes[s], tenant.id)
            for s in sorted(scope_ids)
        ]
    )


async def _bulk_roles(request: Request, kind: MemberKind, key: str) -> Response:
    ids = zod.Arr(zod.Str(min=1), min=1)
    parsed = zod.parse(zod.Obj({key: ids, "organizationRoleIds": ids}), await json_body(request))
    member_ids: list[str] = parsed[key]
    role_ids: list[str] = parsed["organizationRoleIds"]
    tenant = tenant_of(request)
    table = _members_of(tenant, _param(request), kind)
    if any(m not in table for m in member_ids):
        raise UnknownReference()
    for role_id in role_ids:
        organizations.check_member_role(tenant, kind, role_id)
    for member_id in dict.fromkeys(member_ids):
        organizations.assign_member_roles(tenant, table[member_id], kind, role_ids)
    return created()


async def assign_users_roles(request: Request) -> Response:
    """`POST /api/organizations/:id/users/roles` (201): every role to every user."""
    return await _bulk_roles(request, "user", "userIds")


async def list_applications(request: Request) -> Response:
    """`GET /api/organizations/:id/applications`; `q` on id, name, description."""
    tenant = tenant_of(request)
    apps = [
        (tenant.applications[a], roles)
        for a, roles in _members_of(tenant, _param(request), "application").items()
        if a in tenant.applications
    ]
    query = request.query_params.get("q")
    if query:
        apps = [(a, r) for a, r in apps if ilike_contains(query, (a.id, a.name, a.description))]
    return paginated(
        request,
        apps,
        shape=lambda pair: {
            **shapes.application(pair[0], tenant.id),
            "organizationRoles": _role_ref(tenant, pair[1]),
        },
    )


async def add_applications(request: Request) -> Response:
    """`POST /api/organizations/:id/applications` (201; M2M apps only)."""
    app_ids = _ids(await json_body(request), "applicationIds", nonempty=True)
    tenant = tenant_of(request)
    org = organizations.existing(tenant, _param(request))
    organizations.add_members(tenant, org, "application", app_ids)
    return created()


async def replace_applications(request: Request) -> Response:
    """`PUT /api/organizations/:id/applications` (204): exactly these apps."""
    return await _replace_members(request, "application", "applicationIds")


async def remove_application(request: Request) -> Response:
    """`DELETE /api/organizations/:id/applications/:applicationId` (204)."""
    return await _remove_member(request, "application", "applicationId")


async def assign_applications_roles(request: Request) -> Response:
    """`POST /api/organizations/:id/applications/roles` (201): every role to every app."""
    return await _bulk_roles(request, "application", "applicationIds")


async def list_application_roles(request: Request) -> Response:
    """`GET /api/organizations/:id/applications/:applicationId/roles`."""
    return await _list_member_roles(request, "application")


async def assign_application_roles(request: Request) -> Response:
    """`POST /api/organizations/:id/applications/:applicationId/roles` (201)."""
    roles, tenant = _member_roles(request, "application")
    role_ids = _ids(await json_body(request), "organizationRoleIds", nonempty=True)
    organizations.assign_member_roles(tenant, roles, "application", role_ids)
    return created()


async def replace_application_roles(request: Request) -> Response:
    """`PUT /api/organizations/:id/applications/:applicationId/roles` (204; never empty)."""
    roles, tenant = _member_roles(request, "application")
    role_ids = _replacing_ids(await json_body(request), "organizationRoleIds", nonempty=True)
    organizations.replace_member_roles(tenant, roles, "application", role_ids)
    return no_content()


async def remove_application_role(request: Request) -> Response:
    """`DELETE /api/organizations/:id/applications/:applicationId/roles/:organizationRoleId`."""
    roles, _ = _member_roles(request, "application")
    organizations.remove_member_role(roles, _param(request, "organizationRoleId"))
    return no_content()


# --------------------------------------------------------------------------- JIT


async def list_jit_email_domains(request: Request) -> Response:
    """`GET /api/organizations/:id/jit/email-domains` (a missing organization has none)."""
    tenant = tenant_of(request)
    org = tenant.organizations.get(_param(request))
    domains = sorted(org.jit_email_domains) if org else []
    return paginated(
        request,
        domains,
        optional=True,
        shape=lambda d: {
            "tenantId": tenant.id,
            "organizationId": _param(request),
            "emailDomain": d,
        },
    )


async def add_jit_email_domain(request: Request) -> Response:
    """`POST /api/organizations/:id/jit/email-domains` (201; any non-empty string)."""
    guard = zod.Obj({"emailDomain": zod.Str(min=1)})
    domain: str = zod.parse(guard, await json_body(request))["emailDomain"]
    tenant = tenant_of(request)
    organizations.add_jit_email_domain(tenant, _param(request), str(domain))
    body = {"tenantId": tenant.id, "organizationId": _param(request), "emailDomain": domain}
    return JSONResponse(body, status_code=201)


async def replace_jit_email_domains(request: Request) -> Response:
    """`PUT /api/organizations/:id/jit/email-domains` (204)."""
    guard = zod.Obj({"emailDomains": zod.Arr(zod.Str())})
    domains: list[str] = zod.parse(guard, await json_body(request))["emailDomains"]
    organizations.replace_jit_email_domains(tenant_of(request), _param(request), domains)
    return no_content()


async def remove_jit_email_domain(request: Request) -> Response:
    """`DELETE /api/organizations/:id/jit/email-domains/:emailDomain` (204)."""
    organizations.remove_jit_email_domain(
        tenant_of(request), _param(request), _param(request, "emailDomain")
    )
    return no_content()


async def list_jit_roles(request: Request) -> Response:
    """`GET /api/organizations/:id/jit/roles`, by name (a missing organization: its 404)."""
    page_of(request, optional=True)  # koaPagination runs before the existence check
    org = organization_of(request)
    tenant = tenant_of(request)
    known = tenant.organization_roles
    roles = sorted((known[r] for r in org.jit_role_ids if r in known), key=lambda r: r.name)
    return paginated(
        request, roles, optional=True, shape=lambda r: shapes.organization_role(r, tenant.id)
    )


def _check_jit_roles(tenant: Tenant, organization_id: str, role_ids: list[str]) -> Organization:
    org = organizations.existing(tenant, organization_id)
    if any(r not in tenant.organization_roles for r in role_ids):
        raise UnknownReference()
    return org


async def add_jit_roles(request: Request) -> Response:
    """`POST /api/organizations/:id/jit/roles` (201; roles already there are kept, any type)."""
    role_ids = _ids(await json_body(request), "organizationRoleIds", nonempty=True)
    org = _check_jit_roles(tenant_of(request), _param(request), role_ids)
    org.jit_role_ids.extend(r for r in role_ids if r not in org.jit_role_ids)
    return created()


async def replace_jit_roles(request: Request) -> Response:
    """`PUT /api/organizations/:id/jit/roles` (204)."""
    role_ids = _replacing_ids(await json_body(request), "organizationRoleIds")
    tenant = tenant_of(request)
    if not role_ids:
        org = tenant.organizations.get(_param(request))
        if org is not None:
            org.jit_role_ids.clear()
        return no_content()
    org = _check_jit_roles(tenant, _param(request), role_ids)
    org.jit_role_ids[:] = role_ids
    return no_content()


async def remove_jit_role(request: Request) -> Response:
    """`DELETE /api/organizations/:id/jit/roles/:organizationRoleId` (204)."""
    org = tenant_of(request).organizations.get(_param(request))
    role_id = _param(request, "organizationRoleId")
    if org is None or role_id not in org.jit_role_ids:
        raise organizations.not_found()
    org.jit_role_ids.remove(role_id)
    return no_content()


async def list_jit_sso_connectors(request: Request) -> Response:
    """`GET /api/organizations/:id/jit/sso-connectors` (the mock has no SSO connectors)."""
    page_of(request, optional=True)
    organization_of(request)
    return paginated(request, [], optional=True)


async def add_jit_sso_connectors(request: Request) -> Response:
    """`POST /api/organizations/:id/jit/sso-connectors`: every id is unknown here (422)."""
    _ids(await json_body(request), "ssoConnectorIds", nonempty=True)
    raise UnknownReference()


async def replace_jit_sso_connectors(request: Request) -> Response:
    """`PUT /api/organizations/:id/jit/sso-connectors` (204 for none; any id is unknown)."""
    if _replacing_ids(await json_body(request), "ssoConnectorIds"):
        raise UnknownReference()
    return no_content()


async def remove_jit_sso_connector(request: Request) -> Response:
    """`DELETE /api/organizations/:id/jit/sso-connectors/:ssoConnectorId`: never there."""
    raise organizations.not_found()


# --------------------------------------------------------------------------- the template


#: `OrganizationScopes.createGuard`'s writable keys (and `OrganizationRoles`' `type`).
_TEMPLATE = zod.Obj({"name": zod.Str(min=1, max=128), "description": zod.Str(max=256).nullish()})
_ROLE_TYPE = zod.Enum(("User", "MachineToMachine"))


def _template_fields(data: Any, *, create: bool, role: bool = False) -> dict[str, Any]:
    """`name` (1–128) and `description` (≤ 256, nullable) of a scope or role (and its `type`)."""
    guard = _TEMPLATE.extend({"type": _ROLE_TYPE.optional()}) if role else _TEMPLATE
    given: dict[str, Any] = zod.parse(guard if create else guard.partial(), data)
    return given


def _update_template(
    tenant: Tenant, entity: OrganizationScope | OrganizationRole, given: dict[str, Any]
) -> None:
    if "name" in given:
        organizations.rename(tenant, entity, given["name"])
    if "description" in given:
        entity.description = given["description"]
    if "type" in given and isinstance(entity, OrganizationRole):
        entity.type = given["type"]


def _scope_of(request: Request) -> OrganizationScope:
    found = tenant_of(request).organization_scopes.get(_param(request))
    if found is None:
        raise EntityNotFound("organization_scopes", _param(request))
    return found


async def list_scopes(request: Request) -> Response:
    """`GET /api/organization-scopes`: by name; `q` is `ilike` on the name."""
    tenant = tenant_of(request)
    scopes = sorted(tenant.organization_scopes.values(), key=lambda s: s.name)
    query = request.query_params.get("q")
    if query:
        scopes = [s for s in scopes if ilike_contains(query, (s.name,))]
    return paginated(
        request, scopes, optional=True, shape=lambda s: shapes.organization_scope(s, tenant.id)
    )


async def create_scope(request: Request) -> Response:
    """`POST /api/organization-scopes` (201; names unique, spaces allowed)."""
    given = _template_fields(await json_body(request), create=True)
    tenant = tenant_of(request)
    scope = OrganizationScope(new_id(), given["name"], given.get("description"))
    try:
        organizations.create_scope(tenant, scope)
    except TenantError as error:
        raise organizations.unique_violation() from error
    return JSONResponse(shapes.organization_scope(scope, tenant.id), status_code=201)


async def get_scope(request: Request) -> Response:
    """`GET /api/organization-scopes/:id`."""
    return JSONResponse(shapes.organization_scope(_scope_of(request), tenant_of(request).id))


async def update_scope(request: Request) -> Response:
    """`PATCH /api/organization-scopes/:id`."""
    given = _template_fields(await json_body(request), create=False)
    if not given:
        raise _empty_update()
    tenant = tenant_of(request)
    scope = tenant.organization_scopes.get(_param(request))
    if scope is None:
        raise organizations.not_exists("organization_scope")
    _update_template(tenant, scope, given)
    return JSONResponse(shapes.organization_scope(scope, tenant.id))


async def delete_scope(request: Request) -> Response:
    """`DELETE /api/organization-scopes/:id` (204): gone from every organization role."""
    tenant = tenant_of(request)
    scope = tenant.organization_scopes.get(_param(request))
    if scope is None:
        raise organizations.not_found()
    organizations.delete_scope(tenant, scope)
    return no_content()


def _role_of(request: Request) -> OrganizationRole:
    """The role the path names, else `entity.not_found` (Logto reads it with `pool.one`)."""
    found = tenant_of(request).organization_roles.get(_param(request))
    if found is None:
        raise organizations.not_found()
    return found


def _role_with_scopes(role: OrganizationRole, tenant: Tenant) -> dict[str, object]:
    """A role with its scopes and resource scopes, each list by id (Logto's `json_agg`)."""
    resource_scopes = []
    for scope_id in sorted(role.resource_scope_ids):
        scope = tenant.find_scope(scope_id)
        resource = tenant.resources.get(scope.resource_id) if scope else None
        if scope is not None and resource is not None:
            resource_scopes.append(
                {
                    "id": scope.id,
                    "name": scope.name,
                    "resource": {"id": resource.id, "name": resource.name},
                }
            )
    return {
        **shapes.organization_role(role, tenant.id),
        "scopes": [
            {"id": s, "name": tenant.organization_scopes[s].name}
            for s in sorted(role.organization_scope_ids)
            if s in tenant.organization_scopes
        ],
        "resourceScopes": resource_scopes,
    }


async def list_roles(request: Request) -> Response:
    """`GET /api/organization-roles`: by name; `q` is `ilike` on id, name, description."""
    tenant = tenant_of(request)
    roles = sorted(tenant.organization_roles.values(), key=lambda r: r.name)
    query = request.query_params.get("q")
    if query:
        roles = [r for r in roles if ilike_contains(query, (r.id, r.name, r.description))]
    return paginated(request, roles, shape=lambda r: _role_with_scopes(r, tenant))


#: `POST /api/organization-roles`'s guard.
_ROLE_CREATE = _TEMPLATE.extend(
    {
        "type": _ROLE_TYPE.optional(),
        "organizationScopeIds": zod.Arr(zod.Str()).optional(),
        "resourceScopeIds": zod.Arr(zod.Str()).optional(),
    }
)


async def create_role(request: Request) -> Response:
    """`POST /api/organization-roles` (201), with its organization and resource scopes.

    Logto inserts the role before its scopes: an unknown scope answers 422 and the role stays.
    """
    data = await json_body(request)
    parsed = zod.parse(_ROLE_CREATE, data)
    name: str = parsed["name"]
    description: str | None = parsed.get("description")
    role_type: str = parsed.get("type", "User")
    scope_ids: list[str] = parsed.get("organizationScopeIds", [])
    resource_scope_ids: list[str] = parsed.get("resourceScopeIds", [])
    tenant = tenant_of(request)
    role = OrganizationRole(
        id=new_id(),
        name=str(name),
        type=role_type,  # type: ignore[arg-type]
        description=description,
    )
    try:
        organizations.create_role(tenant, role)
    except TenantError as error:
        raise organizations.unique_violation() from error
    organizations.add_role_scopes(tenant, role, scope_ids)
    organizations.add_role_resource_scopes(tenant, role, resource_scope_ids)
    if scope_ids or resource_scope_ids:
        fire_appended(
            request,
            ("POST", "/organization-roles"),
            "OrganizationRole.Scopes.Updated",
            201,
            {"organizationRoleId": role.id},
        )
    return JSONResponse(shapes.organization_role(role, tenant.id), status_code=201)


async def get_role(request: Request) -> Response:
    """`GET /api/organization-roles/:id`."""
    return JSONResponse(shapes.organization_role(_role_of(request), tenant_of(request).id))


async def update_role(request: Request) -> Response:
    """`PATCH /api/organization-roles/:id`."""
    given = _template_fields(await json_body(request), create=False, role=True)
    if not given:
        raise _empty_update()
    tenant = tenant_of(request)
    role = tenant.organization_roles.get(_param(request))
    if role is None:
        raise organizations.not_exists("organization_role")
    _update_template(tenant, role, given)
    return JSONResponse(shapes.organization_role(role, tenant.id))


async def delete_role(request: Request) -> Response:
    """`DELETE /api/organization-roles/:id` (204): taken from every member."""
    organizations.delete_role(tenant_of(request), _role_of(request))
    return no_content()


async def list_role_scopes(request: Request) -> Response:
    """`GET /api/organization-roles/:id/scopes` (pagination checked before the role)."""
    page_of(request, optional=True)
    role = _role_of(request)
    tenant = tenant_of(request)
    items = [
        tenant.organization_scopes[s]
        for s in sorted(role.organization_scope_ids)
        if s in tenant.organization_scopes
    ]
    return paginated(
        request, items, optional=True, shape=lambda s: shapes.organization_scope(s, tenant.id)
    )


def _role_for_write(request: Request) -> OrganizationRole:
    """The role a relation write names; a missing one is the foreign-key 422."""
    found = tenant_of(request).organization_roles.get(_param(request))
    if found is None:
        raise UnknownReference()
    return found


async def add_role_scopes(request: Request) -> Response:
    """`POST /api/organization-roles/:id/scopes` (201)."""
    scope_ids = _ids(await json_body(request), "organizationScopeIds", nonempty=True)
    organizations.add_role_scopes(tenant_of(request), _role_for_write(request), scope_ids)
    return created()


async def replace_role_scopes(request: Request) -> Response:
    """`PUT /api/organization-roles/:id/scopes` (204)."""
    scope_ids = _replacing_ids(await json_body(request), "organizationScopeIds")
    tenant = tenant_of(request)
    if not scope_ids and _param(request) not in tenant.organization_roles:
        return no_content()
    role = _role_for_write(request)
    organizations.check_role_scopes(tenant, scope_ids, [])
    role.organization_scope_ids[:] = scope_ids
    return no_content()


async def remove_role_scope(request: Request) -> Response:
    """`DELETE /api/organization-roles/:id/scopes/:organizationScopeId` (204)."""
    role = tenant_of(request).organization_roles.get(_param(request))
    scope_id = _param(request, "organizationScopeId")
    if role is None or scope_id not in role.organization_scope_ids:
        raise organizations.not_found()
    role.organization_scope_ids.remove(scope_id)
    return no_content()


async def list_role_resource_scopes(request: Request) -> Response:
    """`GET /api/organization-roles/:id/resource-scopes` (pagination checked first)."""
    page_of(request, optional=True)
    role = _role_of(request)
    tenant = tenant_of(request)
    found = (tenant.find_scope(i) for i in sorted(role.resource_scope_ids))
    scopes = [s for s in found if s is not None]
    return paginated(request, scopes, optional=True, shape=lambda s: shapes.scope(s, tenant.id))


async def add_role_resource_scopes(request: Request) -> Response:
    """`POST /api/organization-roles/:id/resource-scopes` (201)."""
    scope_ids = _ids(await json_body(request), "scopeIds", nonempty=True)
    organizations.add_role_resource_scopes(tenant_of(request), _role_for_write(request), scope_ids)
    return created()


async def replace_role_resource_scopes(request: Request) -> Response:
    """`PUT /api/organization-roles/:id/resource-scopes` (204)."""
    scope_ids = _replacing_ids(await json_body(request), "scopeIds")
    tenant = tenant_of(request)
    if not scope_ids and _param(request) not in tenant.organization_roles:
        return no_content()
    role = _role_for_write(request)
    organizations.check_role_scopes(tenant, [], scope_ids)
    role.resource_scope_ids[:] = scope_ids
    return no_content()


async def remove_role_resource_scope(request: Request) -> Response:
    """`DELETE /api/organization-roles/:id/resource-scopes/:scopeId` (204)."""
    role = tenant_of(request).organization_roles.get(_param(request))
    scope_id = _param(request, "scopeId")
    if role is None or scope_id not in role.resource_scope_ids:
        raise organizations.not_found()
    role.resource_scope_ids.remove(scope_id)
    return no_content()


#: (method, path under /api, handler): the routes of this module, in matching order.
ROUTES: tuple[tuple[str, str, Handler], ...] = (
    ("GET", "/organizations", list_organizations),
    ("POST", "/organizations", create_organization),
    ("GET", "/organizations/{id}", get_organization),
    ("PATCH", "/organizations/{id}", update_organization),
    ("DELETE", "/organizations/{id}", delete_organization),
    ("GET", "/organizations/{id}/users", list_users),
    ("POST", "/organizations/{id}/users", add_users),
    ("PUT", "/organizations/{id}/users", replace_users),
    ("POST", "/organizations/{id}/users/roles", assign_users_roles),
    ("DELETE", "/organizations/{id}/users/{userId}", remove_user),
    ("GET", "/organizations/{id}/users/{userId}/roles", list_user_roles),
    ("POST", "/organizations/{id}/users/{userId}/roles", assign_user_roles),
    ("PUT", "/organizations/{id}/users/{userId}/roles", replace_user_roles),
    ("DELETE", "/organizations/{id}/users/{userId}/roles/{organizationRoleId}", remove_user_role),
    ("GET", "/organizations/{id}/users/{userId}/scopes", list_user_scopes),
    ("GET", "/organizations/{id}/applications", list_applications),
    ("POST", "/organizations/{id}/applications", add_applications),
    ("PUT", "/organizations/{id}/applications", replace_applications),
    ("POST", "/organizations/{id}/applications/roles", assign_applications_roles),
    ("DELETE", "/organizations/{id}/applications/{applicationId}", remove_application),
    ("GET", "/organizations/{id}/applications/{applicationId}/roles", list_application_roles),
    ("POST", "/organizations/{id}/applications/{applicationId}/roles", assign_application_roles),
    ("PUT", "/organizations/{id}/applications/{applicationId}/roles", replace_application_roles),
    (
        "DELETE",
        "/organizations/{id}/applications/{applicationId}/roles/{organizationRoleId}",
        remove_application_role,
    ),
    ("GET", "/organizations/{id}/jit/email-domains", list_jit_email_domains),
    ("POST", "/organizations/{id}/jit/email-domains", add_jit_email_domain),
    ("PUT", "/organizations/{id}/jit/email-domains", replace_jit_email_domains),
    ("DELETE", "/organizations/{id}/jit/email-domains/{emailDomain}", remove_jit_email_domain),
    ("GET", "/organizations/{id}/jit/roles", list_jit_roles),
    ("POST", "/organizations/{id}/jit/roles", add_jit_roles),
    ("PUT", "/organizations/{id}/jit/roles", replace_jit_roles),
    ("DELETE", "/organizations/{id}/jit/roles/{organizationRoleId}", remove_jit_role),
    ("GET", "/organizations/{id}/jit/sso-connectors", list_jit_sso_connectors),
    ("POST", "/organizations/{id}/jit/sso-connectors", add_jit_sso_connectors),
    ("PUT", "/organizations/{id}/jit/sso-connectors", replace_jit_sso_connectors),
    (
        "DELETE",
        "/organizations/{id}/jit/sso-connectors/{ssoConnectorId}",
        remove_jit_sso_connector,
    ),
    ("GET", "/organization-scopes", list_scopes),
    ("POST", "/organization-scopes", create_scope),
    ("GET", "/organization-scopes/{id}", get_scope),
    ("PATCH", "/organization-scopes/{id}", update_scope),
    ("DELETE", "/organization-scopes/{id}", delete_scope),
    ("GET", "/organization-roles", list_roles),
    ("POST", "/organization-roles", create_role),
    ("GET", "/organization-roles/{id}", get_role),
    ("PATCH", "/organization-roles/{id}", update_role),
    ("DELETE", "/organization-roles/{id}", delete_role),
    ("GET", "/organization-roles/{id}/scopes", list_role_scopes),
    ("POST", "/organization-roles/{id}/scopes", add_role_scopes),
    ("PUT", "/organization-roles/{id}/scopes", replace_role_scopes),
    ("DELETE", "/organization-roles/{id}/scopes/{organizationScopeId}", remove_role_scope),
    ("GET", "/organization-roles/{id}/resource-scopes", list_role_resource_scopes),
    ("POST", "/organization-roles/{id}/resource-scopes", add_role_resource_scopes),
    ("PUT", "/organization-roles/{id}/resource-scopes", replace_role_resource_scopes),
    ("DELETE", "/organization-roles/{id}/resource-scopes/{scopeId}", remove_role_resource_scope),
)
