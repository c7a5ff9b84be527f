"""`/api/organizations`, `/api/organization-scopes`, `/api/organization-roles`."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ..http.responses import JSONResponse
from ..models import Organization, OrganizationRole, OrganizationScope, Tenant
from ..ops import organizations
from ..ops.organizations import MemberKind
from . import shapes
from .common import (
    Handler,
    by_id,
    choice,
    created,
    id_list,
    json_body,
    new_id,
    no_content,
    now_ms,
    object_field,
    string_field,
    tenant_of,
)
from .events import fire_appended
from .pagination import paginated


def organization_of(request: Request) -> Organization:
    """The organization named by the path's `id`, else Logto's 404."""
    return organizations.get(tenant_of(request), request.path_params["id"])


# --------------------------------------------------------------------------- organizations


async def list_organizations(request: Request) -> Response:
    """`GET /api/organizations` (newest first, `q` searches name and id)."""
    tenant = tenant_of(request)
    orgs = sorted(tenant.organizations.values(), key=lambda o: o.created_at, reverse=True)
    query = request.query_params.get("q")
    if query:
        needle = query.casefold()
        orgs = [o for o in orgs if needle in o.name.casefold() or needle in o.id.casefold()]
    return paginated(request, orgs, shape=lambda o: shapes.organization(o, tenant.id))


async def get_organization(request: Request) -> Response:
    """`GET /api/organizations/:id`."""
    return JSONResponse(shapes.organization(organization_of(request), tenant_of(request).id))


async def create_organization(request: Request) -> Response:
    """`POST /api/organizations` (201)."""
    data = await json_body(request)
    tenant = tenant_of(request)
    org = organizations.create(
        tenant,
        Organization(
            id=new_id(12),
            name=str(string_field(data, "name", required=True)),
            description=string_field(data, "description"),
            custom_data=object_field(data, "customData") or {},
            created_at=now_ms(request),
        ),
    )
    return JSONResponse(shapes.organization(org, tenant.id), status_code=201)


async def update_organization(request: Request) -> Response:
    """`PATCH /api/organizations/:id`."""
    org = organization_of(request)
    data = await json_body(request)
    name = string_field(data, "name")
    if name is not None:
        org.name = name
    if "description" in data:
        org.description = string_field(data, "description")
    custom_data = object_field(data, "customData")
    if custom_data is not None:
        org.custom_data = custom_data
    return JSONResponse(shapes.organization(org, tenant_of(request).id))


async def delete_organization(request: Request) -> Response:
    """`DELETE /api/organizations/:id` (204)."""
    organizations.delete(tenant_of(request), organization_of(request))
    return no_content()


def _role_ref(tenant: Tenant, role_ids: list[str]) -> list[dict[str, str]]:
    return [
        {"id": r, "name": tenant.organization_roles[r].name}
        for r in role_ids
        if r in tenant.organization_roles
    ]


async def list_users(request: Request) -> Response:
    """`GET /api/organizations/:id/users`: members with their organization roles."""
    org = organization_of(request)
    tenant = tenant_of(request)
    members = [
        {
            **shapes.user(tenant.users[user_id], has_password=False),
            "organizationRoles": _role_ref(tenant, role_ids),
        }
        for user_id, role_ids in org.user_roles.items()
        if user_id in tenant.users
    ]
    return paginated(request, members)


async def add_users(request: Request) -> Response:
    """`POST /api/organizations/:id/users` (201; members already there stay as they are)."""
    org = organization_of(request)
    user_ids = id_list(await json_body(request), "userIds")
    organizations.add_members(tenant_of(request), org, "user", user_ids)
    return created()


async def replace_users(request: Request) -> Response:
    """`PUT /api/organizations/:id/users` (204): exactly these members."""
    org = organization_of(request)
    user_ids = id_list(await json_body(request), "userIds")
    organizations.replace_members(tenant_of(request), org, "user", user_ids)
    return no_content()


async def remove_user(request: Request) -> Response:
    """`DELETE /api/organizations/:id/users/:userId` (204)."""
    organizations.remove_member(organization_of(request), "user", request.path_params["userId"])
    return no_content()


def _member_roles(request: Request, kind: MemberKind) -> tuple[list[str], Tenant]:
    """The organization roles of the member the path names (which must be a member)."""
    key = "userId" if kind == "user" else "applicationId"
    held = organizations.member_roles(organization_of(request), kind, request.path_params[key])
    return held, tenant_of(request)


async def list_user_roles(request: Request) -> Response:
    """`GET /api/organizations/:id/users/:userId/roles`."""
    roles, tenant = _member_roles(request, "user")
    items = [
        shapes.organization_role(tenant.organization_roles[r], tenant.id)
        for r in roles
        if r in tenant.organization_roles
    ]
    return paginated(request, items)


async def _assign_member_roles(request: Request, kind: MemberKind) -> Response:
    roles, tenant = _member_roles(request, kind)
    role_ids = id_list(await json_body(request), "organizationRoleIds")
    organizations.assign_member_roles(tenant, roles, kind, role_ids)
    return created()


async def assign_user_roles(request: Request) -> Response:
    """`POST /api/organizations/:id/users/:userId/roles` (201)."""
    return await _assign_member_roles(request, "user")


async def replace_user_roles(request: Request) -> Response:
    """`PUT /api/organizations/:id/users/:userId/roles` (204): exactly these roles."""
    roles, tenant = _member_roles(request, "user")
    role_ids = id_list(await json_body(request), "organizationRoleIds")
    organizations.replace_member_roles(tenant, roles, "user", role_ids)
    return no_content()


async def remove_user_role(request: Request) -> Response:
    """`DELETE /api/organizations/:id/users/:userId/roles/:organizationRoleId` (204)."""
    roles, _ = _member_roles(request, "user")
    organizations.remove_member_role(roles, request.path_params["organizationRoleId"])
    return no_content()


async def list_applications(request: Request) -> Response:
    """`GET /api/organizations/:id/applications`."""
    org = organization_of(request)
    tenant = tenant_of(request)
    items = [
        {
            **shapes.application(tenant.applications[app_id], tenant.id),
            "organizationRoles": _role_ref(tenant, role_ids),
        }
        for app_id, role_ids in org.application_roles.items()
        if app_id in tenant.applications
    ]
    return paginated(request, items)


async def add_applications(request: Request) -> Response:
    """`POST /api/organizations/:id/applications` (201; M2M apps only)."""
    org = organization_of(request)
    app_ids = id_list(await json_body(request), "applicationIds")
    organizations.add_members(tenant_of(request), org, "application", app_ids)
    return created()


async def remove_application(request: Request) -> Response:
    """`DELETE /api/organizations/:id/applications/:applicationId` (204)."""
    organizations.remove_member(
        organization_of(request), "application", request.path_params["applicationId"]
    )
    return no_content()


async def list_application_roles(request: Request) -> Response:
    """`GET /api/organizations/:id/applications/:applicationId/roles`."""
    roles, tenant = _member_roles(request, "application")
    items = [
        shapes.organization_role(tenant.organization_roles[r], tenant.id)
        for r in roles
        if r in tenant.organization_roles
    ]
    return paginated(request, items)


async def assign_application_roles(request: Request) -> Response:
    """`POST /api/organizations/:id/applications/:applicationId/roles` (201)."""
    return await _assign_member_roles(request, "application")


# --------------------------------------------------------------------------- the template


def _rename(
    tenant: Tenant, entity: OrganizationScope | OrganizationRole, data: dict[str, object]
) -> None:
    """PATCH of a template entity: `name` (still unique) and `description`."""
    name = string_field(data, "name")
    if name is not None:
        organizations.rename(tenant, entity, name)
    if "description" in data:
        entity.description = string_field(data, "description")


def _scope_of(request: Request) -> OrganizationScope:
    return by_id(request, tenant_of(request).organization_scopes, "organization_scopes")


async def list_scopes(request: Request) -> Response:
    """`GET /api/organization-scopes`."""
    tenant = tenant_of(request)
    items = [shapes.organization_scope(s, tenant.id) for s in tenant.organization_scopes.values()]
    return paginated(request, items)


async def create_scope(request: Request) -> Response:
    """`POST /api/organization-scopes` (201)."""
    data = await json_body(request)
    tenant = tenant_of(request)
    name = str(string_field(data, "name", required=True))
    scope = OrganizationScope(new_id(), name, string_field(data, "description"))
    organizations.create_scope(tenant, scope)
    return JSONResponse(shapes.organization_scope(scope, tenant.id), status_code=201)


async def get_scope(request: Request) -> Response:
    """`GET /api/organization-scopes/:id`."""
    return JSONResponse(shapes.organization_scope(_scope_of(request), tenant_of(request).id))


async def update_scope(request: Request) -> Response:
    """`PATCH /api/organization-scopes/:id`."""
    scope = _scope_of(request)
    tenant = tenant_of(request)
    _rename(tenant, scope, await json_body(request))
    return JSONResponse(shapes.organization_scope(scope, tenant.id))


async def delete_scope(request: Request) -> Response:
    """`DELETE /api/organization-scopes/:id` (204): gone from every organization role."""
    organizations.delete_scope(tenant_of(request), _scope_of(request))
    return no_content()


def _role_of(request: Request) -> OrganizationRole:
    return by_id(request, tenant_of(request).organization_roles, "organization_roles")


def _role_with_scopes(role: OrganizationRole, tenant: Tenant) -> dict[str, object]:
    resource_scopes = []
    for scope_id in role.resource_scope_ids:
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
            for s in role.organization_scope_ids
            if s in tenant.organization_scopes
        ],
        "resourceScopes": resource_scopes,
    }


async def list_roles(request: Request) -> Response:
    """`GET /api/organization-roles`, each with its organization and resource scopes."""
    tenant = tenant_of(request)
    items = [_role_with_scopes(r, tenant) for r in tenant.organization_roles.values()]
    return paginated(request, items)


async def create_role(request: Request) -> Response:
    """`POST /api/organization-roles` (201), with its organization and resource scopes."""
    data = await json_body(request)
    tenant = tenant_of(request)
    name = str(string_field(data, "name", required=True))
    scope_ids = id_list(data, "organizationScopeIds", required=False)
    resource_scope_ids = id_list(data, "resourceScopeIds", required=False)
    role = OrganizationRole(
        id=new_id(),
        name=name,
        type=choice(data, "type", ("User", "MachineToMachine"), "User"),  # type: ignore[arg-type]
        description=string_field(data, "description"),
        organization_scope_ids=scope_ids,
        resource_scope_ids=resource_scope_ids,
    )
    organizations.create_role(tenant, role)
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
    role = _role_of(request)
    tenant = tenant_of(request)
    _rename(tenant, role, await json_body(request))
    return JSONResponse(shapes.organization_role(role, tenant.id))


async def delete_role(request: Request) -> Response:
    """`DELETE /api/organization-roles/:id` (204): taken from every member."""
    organizations.delete_role(tenant_of(request), _role_of(request))
    return no_content()


async def list_role_scopes(request: Request) -> Response:
    """`GET /api/organization-roles/:id/scopes`."""
    role = _role_of(request)
    tenant = tenant_of(request)
    items = [
        shapes.organization_scope(tenant.organization_scopes[s], tenant.id)
        for s in role.organization_scope_ids
        if s in tenant.organization_scopes
    ]
    return paginated(request, items)


async def add_role_scopes(request: Request) -> Response:
    """`POST /api/organization-roles/:id/scopes` (201)."""
    role = _role_of(request)
    tenant = tenant_of(request)
    scope_ids = id_list(await json_body(request), "organizationScopeIds")
    organizations.add_role_scopes(tenant, role, scope_ids)
    return created()


async def list_role_resource_scopes(request: Request) -> Response:
    """`GET /api/organization-roles/:id/resource-scopes`."""
    role = _role_of(request)
    tenant = tenant_of(request)
    scopes = [s for s in (tenant.find_scope(i) for i in role.resource_scope_ids) if s is not None]
    return paginated(request, [shapes.scope(s, tenant.id) for s in scopes])


async def add_role_resource_scopes(request: Request) -> Response:
    """`POST /api/organization-roles/:id/resource-scopes` (201)."""
    role = _role_of(request)
    tenant = tenant_of(request)
    scope_ids = id_list(await json_body(request), "scopeIds")
    organizations.add_role_resource_scopes(tenant, role, scope_ids)
    return created()


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
    ("DELETE", "/organizations/{id}/users/{userId}", remove_user),
    ("GET", "/organizations/{id}/users/{userId}/roles", list_user_roles),
    ("POST", "/organizations/{id}/users/{userId}/roles", assign_user_roles),
    ("PUT", "/organizations/{id}/users/{userId}/roles", replace_user_roles),
    ("DELETE", "/organizations/{id}/users/{userId}/roles/{organizationRoleId}", remove_user_role),
    ("GET", "/organizations/{id}/applications", list_applications),
    ("POST", "/organizations/{id}/applications", add_applications),
    ("DELETE", "/organizations/{id}/applications/{applicationId}", remove_application),
    ("GET", "/organizations/{id}/applications/{applicationId}/roles", list_application_roles),
    ("POST", "/organizations/{id}/applications/{applicationId}/roles", assign_application_roles),
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
    ("GET", "/organization-roles/{id}/resource-scopes", list_role_resource_scopes),
    ("POST", "/organization-roles/{id}/resource-scopes", add_role_resource_scopes),
)
