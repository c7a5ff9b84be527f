"""`/api/resources`: API resources and their scopes."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ..http.responses import JSONResponse
from ..models import ApiResource, Scope
from ..ops import resources
from . import shapes
from .common import (
    Handler,
    bool_field,
    int_field,
    json_body,
    new_id,
    no_content,
    now_ms,
    string_field,
    tenant_of,
)
from .pagination import paginated


def resource_of(request: Request, *, modifying: bool = False) -> ApiResource:
    """The resource named by the path's `id`; the Management API's own cannot be changed."""
    tenant = tenant_of(request)
    found = resources.get(tenant, request.path_params["id"])
    return resources.modifiable(tenant, found) if modifying else found


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


async def create_resource(request: Request) -> Response:
    """`POST /api/resources` (201, with an empty `scopes`)."""
    data = await json_body(request)
    name = str(string_field(data, "name", required=True))
    indicator = str(string_field(data, "indicator", required=True))
    tenant = tenant_of(request)
    resource = resources.create(
        tenant,
        ApiResource(
            id=new_id(),
            name=name,
            indicator=indicator,
            access_token_ttl=int_field(data, "accessTokenTtl") or 3600,
        ),
    )
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
    resources.set_default(tenant, resource, is_default)
    return JSONResponse(shapes.resource(resource, tenant.id))


async def delete_resource(request: Request) -> Response:
    """`DELETE /api/resources/:id` (204): its scopes leave every role."""
    tenant = tenant_of(request)
    resources.delete(tenant, resources.get(tenant, request.path_params["id"]))
    return no_content()


async def list_scopes(request: Request) -> Response:
    """`GET /api/resources/:id/scopes`."""
    resource = resource_of(request)
    tenant_id = tenant_of(request).id
    return paginated(request, [shapes.scope(s, tenant_id) for s in resource.scopes])


async def create_scope(request: Request) -> Response:
    """`POST /api/resources/:id/scopes` (201). Checks in Logto's order (resource.scope.ts)."""
    data = await json_body(request)
    name = resources.check_scope_name(str(string_field(data, "name", required=True)))
    resource = resource_of(request, modifying=True)
    scope = Scope(
        id=new_id(),
        resource_id=resource.id,
        name=name,
        description=string_field(data, "description") or "",
        created_at=now_ms(request),
    )
    resources.add_scope(resource, scope)
    return JSONResponse(shapes.scope(scope, tenant_of(request).id), status_code=201)


async def update_scope(request: Request) -> Response:
    """`PATCH /api/resources/:id/scopes/:scopeId`."""
    resource = resource_of(request, modifying=True)
    scope = resources.get_scope(resource, request.path_params["scopeId"])
    data = await json_body(request)
    name = string_field(data, "name")
    if name:
        resources.scope_name_free(resource, resources.check_scope_name(name), scope.id)
        scope.name = name
    description = string_field(data, "description")
    if description is not None:
        scope.description = description
    return JSONResponse(shapes.scope(scope, tenant_of(request).id))


async def delete_scope(request: Request) -> Response:
    """`DELETE /api/resources/:id/scopes/:scopeId` (204): gone from every role."""
    resource = resource_of(request, modifying=True)
    scope = resources.get_scope(resource, request.path_params["scopeId"])
    resources.delete_scope(tenant_of(request), resource, scope)
    return no_content()


#: (method, path under /api, handler): the routes of this module, in matching order.
ROUTES: tuple[tuple[str, str, Handler], ...] = (
    ("GET", "/resources", list_resources),
    ("POST", "/resources", create_resource),
    ("GET", "/resources/{id}", get_resource),
    ("PATCH", "/resources/{id}", update_resource),
    ("DELETE", "/resources/{id}", delete_resource),
    ("PATCH", "/resources/{id}/is-default", set_default),
    ("GET", "/resources/{id}/scopes", list_scopes),
    ("POST", "/resources/{id}/scopes", create_scope),
    ("PATCH", "/resources/{id}/scopes/{scopeId}", update_scope),
    ("DELETE", "/resources/{id}/scopes/{scopeId}", delete_scope),
)
