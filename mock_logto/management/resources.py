"""`/api/resources`: API resources and their scopes."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ..models import ApiResource, Scope
from ..routes.responses import JSONResponse
from . import shapes
from .common import (
    bad_request,
    bool_field,
    int_field,
    json_body,
    new_id,
    no_content,
    not_found,
    now_ms,
    string_field,
    tenant_of,
    unprocessable,
)
from .pagination import paginated


def resource_of(request: Request, *, modifying: bool = False) -> ApiResource:
    """The resource named by the path's `id`; the Management API's own cannot be changed."""
    resource_id = request.path_params["id"]
    tenant = tenant_of(request)
    found = tenant.resources.get(resource_id)
    if found is None:
        raise not_found("resources", resource_id)
    if modifying and found.indicator == tenant.management_api_indicator:
        raise bad_request(
            "resource.cannot_modify_management_api", "Cannot modify Logto Management API."
        )
    return found


def _with_scopes(resource: ApiResource, tenant_id: str) -> dict[str, object]:
    return {
        **shapes.resource(resource, tenant_id),
        "scopes": [shapes.scope(s, tenant_id) for s in resource.scopes],
    }


async def list_resources(request: Request) -> Response:
    """`GET /api/resources` (`includeScopes=true` adds each resource's scopes)."""
    tenant = tenant_of(request)
    with_scopes = request.query_params.get("includeScopes") == "true"
    items = [
        _with_scopes(r, tenant.id) if with_scopes else shapes.resource(r, tenant.id)
        for r in tenant.resources.values()
    ]
    return paginated(request, items, optional=True)


async def get_resource(request: Request) -> Response:
    """`GET /api/resources/:id`."""
    return JSONResponse(shapes.resource(resource_of(request), tenant_of(request).id))


def _indicator_free(request: Request, indicator: str, own_id: str | None = None) -> None:
    for other in tenant_of(request).resources.values():
        if other.indicator == indicator and other.id != own_id:
            raise unprocessable(
                "resource.resource_identifier_in_use",
                f"The API identifier {indicator} is already in use",
            )


async def create_resource(request: Request) -> Response:
    """`POST /api/resources` (201, with an empty `scopes`)."""
    data = await json_body(request)
    name = str(string_field(data, "name", required=True))
    indicator = str(string_field(data, "indicator", required=True))
    _indicator_free(request, indicator)
    tenant = tenant_of(request)
    resource = ApiResource(
        id=new_id(),
        name=name,
        indicator=indicator,
        access_token_ttl=int_field(data, "accessTokenTtl") or 3600,
    )
    tenant.resources[resource.id] = resource
    return JSONResponse(_with_scopes(resource, tenant.id), status_code=201)


async def update_resource(request: Request) -> Response:
    """`PATCH /api/resources/:id` (`name`, `accessTokenTtl`)."""
    resource = resource_of(request, modifying=True)
    data = await json_body(request)
    name = string_field(data, "name")
    if name is not None:
        resource.name = name
    ttl = int_field(data, "accessTokenTtl")
    if ttl is not None:
        resource.access_token_ttl = ttl
    return JSONResponse(shapes.resource(resource, tenant_of(request).id))


async def set_default(request: Request) -> Response:
    """`PATCH /api/resources/:id/is-default`: at most one default resource."""
    resource = resource_of(request, modifying=True)
    is_default = bool(bool_field(await json_body(request), "isDefault"))
    tenant = tenant_of(request)
    if is_default:
        for other in tenant.resources.values():
            other.is_default = False
    resource.is_default = is_default
    return JSONResponse(shapes.resource(resource, tenant.id))


async def delete_resource(request: Request) -> Response:
    """`DELETE /api/resources/:id` (204): its scopes leave every role."""
    resource_id = request.path_params["id"]
    tenant = tenant_of(request)
    resource = tenant.resources.get(resource_id)
    if resource is None:
        raise not_found("resources", resource_id)
    if resource.indicator == tenant.management_api_indicator:
        raise bad_request(
            "resource.cannot_delete_management_api", "Cannot delete Logto Management API."
        )
    for scope in list(resource.scopes):
        _forget_scope(request, scope)
    del tenant.resources[resource.id]
    return no_content()


def _forget_scope(request: Request, scope: Scope) -> None:
    tenant = tenant_of(request)
    for role in tenant.roles.values():
        if scope.id in role.scope_ids:
            role.scope_ids.remove(scope.id)
    for org_role in tenant.organization_roles.values():
        if scope.id in org_role.resource_scope_ids:
            org_role.resource_scope_ids.remove(scope.id)


def _spaceless(name: str) -> str:
    if any(c.isspace() for c in name):
        raise bad_request(
            "scope.name_with_space", "The name of the scope cannot contain any spaces."
        )
    return name


def _name_free(resource: ApiResource, name: str, own_id: str = "") -> None:
    if any(s.name == name and s.id != own_id for s in resource.scopes):
        raise unprocessable("scope.name_exists", f"The scope name {name} is already in use")


async def list_scopes(request: Request) -> Response:
    """`GET /api/resources/:id/scopes`."""
    resource = resource_of(request)
    tenant_id = tenant_of(request).id
    return paginated(request, [shapes.scope(s, tenant_id) for s in resource.scopes])


async def create_scope(request: Request) -> Response:
    """`POST /api/resources/:id/scopes` (201). Checks in Logto's order (resource.scope.ts)."""
    data = await json_body(request)
    name = _spaceless(str(string_field(data, "name", required=True)))
    resource = resource_of(request, modifying=True)
    _name_free(resource, name)
    scope = Scope(
        id=new_id(),
        resource_id=resource.id,
        name=name,
        description=string_field(data, "description") or "",
        created_at=now_ms(request),
    )
    resource.scopes.append(scope)
    return JSONResponse(shapes.scope(scope, tenant_of(request).id), status_code=201)


def _scope_of(request: Request, resource: ApiResource) -> Scope:
    scope_id = request.path_params["scopeId"]
    found = next((s for s in resource.scopes if s.id == scope_id), None)
    if found is None:
        raise not_found("scopes", scope_id)
    return found


async def update_scope(request: Request) -> Response:
    """`PATCH /api/resources/:id/scopes/:scopeId`."""
    resource = resource_of(request, modifying=True)
    scope = _scope_of(request, resource)
    data = await json_body(request)
    name = string_field(data, "name")
    if name:
        _name_free(resource, _spaceless(name), scope.id)
        scope.name = name
    description = string_field(data, "description")
    if description is not None:
        scope.description = description
    return JSONResponse(shapes.scope(scope, tenant_of(request).id))


async def delete_scope(request: Request) -> Response:
    """`DELETE /api/resources/:id/scopes/:scopeId` (204): gone from every role."""
    resource = resource_of(request, modifying=True)
    scope = _scope_of(request, resource)
    _forget_scope(request, scope)
    resource.scopes.remove(scope)
    return no_content()
