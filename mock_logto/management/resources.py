"""`/api/resources`: API resources and their scopes."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from .. import zod
from ..http.responses import JSONResponse
from ..models import ApiResource, Scope
from ..ops import applications as app_ops
from ..ops import resources
from . import shapes, sql_search
from .common import (
    Handler,
    body_value,
    new_id,
    no_content,
    now_ms,
    stored,
    tenant_of,
    unprocessable,
)
from .pagination import page_of, paginated

#: `Resources.createGuard` less `id` and `isDefault` (name and indicator: text, non-empty).
CREATE = zod.Obj(
    {
        "name": zod.Str(min=1),
        "indicator": zod.Str(min=1),
        "accessTokenTtl": zod.Num().optional(),
    }
)
#: PATCH: `name`, `accessTokenTtl` (the indicator cannot change).
PATCH = zod.Obj({"name": zod.Str(min=1).optional(), "accessTokenTtl": zod.Num().optional()})
IS_DEFAULT = zod.Obj({"isDefault": zod.Bool()})
#: `Scopes.createGuard.pick({name, description})`.
SCOPE_CREATE = zod.Obj({"name": zod.Str(min=1, max=256), "description": zod.Str().nullish()})
SCOPE_PATCH = zod.Obj(
    {"name": zod.Str(min=1, max=256).optional(), "description": zod.Str().nullish()}
)
_YES = ("true", "1", "yes", "y")


def _empty_update() -> Exception:
    """An update with nothing to set (`buildUpdateWhere` refuses an empty value list)."""
    return unprocessable("entity.invalid_input", "Invalid input. Value list must not be empty.")


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
    """`GET /api/resources` (`includeScopes` as `yes()` reads it adds each resource's scopes)."""
    page_of(request, optional=True)
    tenant = tenant_of(request)
    with_scopes = (request.query_params.get("includeScopes") or "").lower() in _YES
    return paginated(
        request,
        list(tenant.resources.values()),
        optional=True,
        shape=lambda r: (
            _with_scopes(r, tenant.id) if with_scopes else shapes.resource(r, tenant.id)
        ),
    )


async def get_resource(request: Request) -> Response:
    """`GET /api/resources/:id`."""
    return JSONResponse(shapes.resource(resource_of(request), tenant_of(request).id))


async def create_resource(request: Request) -> Response:
    """`POST /api/resources` (201, with an empty `scopes`).

    Indicators are not checked as URLs, TTLs not as positive (golden2/entity-errors/113, 118).
    """
    data = zod.parse(CREATE, await body_value(request))
    tenant = tenant_of(request)
    resource = resources.create(
        tenant,
        ApiResource(
            id=new_id(),
            name=data["name"],
            indicator=data["indicator"],
            access_token_ttl=data.get("accessTokenTtl", 3600),
        ),
    )
    return JSONResponse(_with_scopes(resource, tenant.id), status_code=201)


async def update_resource(request: Request) -> Response:
    """`PATCH /api/resources/:id` (`name`, `accessTokenTtl`)."""
    data = zod.parse(PATCH, await body_value(request))
    resource = resource_of(request, modifying=True)
    if not data:
        raise _empty_update()
    if "name" in data:
        resource.name = data["name"]
    if "accessTokenTtl" in data:
        resource.access_token_ttl = data["accessTokenTtl"]
    return JSONResponse(shapes.resource(resource, tenant_of(request).id))


async def set_default(request: Request) -> Response:
    """`PATCH /api/resources/:id/is-default`.

    At most one default resource (Logto does not refuse the Management API's own here).
    """
    is_default = zod.parse(IS_DEFAULT, await body_value(request))["isDefault"]
    resource = resource_of(request)
    tenant = tenant_of(request)
    resources.set_default(tenant, resource, is_default)
    return JSONResponse(shapes.resource(resource, tenant.id))


async def delete_resource(request: Request) -> Response:
    """`DELETE /api/resources/:id` (204): its scopes leave every role."""
    tenant = tenant_of(request)
    resources.delete(tenant, resources.get(tenant, request.path_params["id"]))
    return no_content()


async def list_scopes(request: Request) -> Response:
    """`GET /api/resources/:resourceId/scopes` (`search` on id, name, description).

    The resource is not looked up: an unknown one has no scopes (golden2/entity-errors/021).
    """
    page_of(request, optional=False)
    search = sql_search.row_filter(request.query_params, sql_search.SCOPE_FIELDS)
    tenant = tenant_of(request)
    resource = tenant.resources.get(request.path_params["id"])
    found = [
        s
        for s in (resource.scopes if resource else [])
        if search({"id": s.id, "name": s.name, "description": s.description})
    ]
    return paginated(request, found, shape=lambda s: shapes.scope(s, tenant.id))


async def create_scope(request: Request) -> Response:
    """`POST /api/resources/:resourceId/scopes` (201).

    Checks in Logto's order: the guard, no space in the name, the resource, not the Management
    API, the name free.
    """
    data = zod.parse(SCOPE_CREATE, await body_value(request))
    name = resources.check_scope_name(data["name"])
    resource = resource_of(request, modifying=True)
    scope = Scope(
        id=new_id(),
        resource_id=resource.id,
        name=name,
        description=stored(data.get("description")),
        created_at=now_ms(request),
    )
    resources.add_scope(resource, scope)
    return JSONResponse(shapes.scope(scope, tenant_of(request).id), status_code=201)


def _scope_anywhere(request: Request) -> tuple[ApiResource, Scope] | None:
    """The scope by id, in whichever resource (Logto updates and deletes it by id alone)."""
    tenant = tenant_of(request)
    scope = tenant.find_scope(request.path_params["scopeId"])
    if scope is None:
        return None
    return tenant.resources[scope.resource_id], scope


async def update_scope(request: Request) -> Response:
    """`PATCH /api/resources/:resourceId/scopes/:scopeId`.

    404 `entity.not_exists` for an unknown scope; the scope is found by id alone.
    """
    data = zod.parse(SCOPE_PATCH, await body_value(request))
    resource = resource_of(request, modifying=True)
    name = data.get("name")
    if name:
        resources.scope_name_free(
            resource, resources.check_scope_name(name), request.path_params["scopeId"]
        )
    found = _scope_anywhere(request)
    if not data:
        raise _empty_update()
    if found is None:
        raise app_ops.update_missed("scope")
    scope = found[1]
    if name:
        scope.name = name
    if "description" in data:
        scope.description = stored(data["description"])
    return JSONResponse(shapes.scope(scope, tenant_of(request).id))


async def delete_scope(request: Request) -> Response:
    """`DELETE /api/resources/:resourceId/scopes/:scopeId` (204; 404 `entity.not_found`)."""
    resource_of(request, modifying=True)
    found = _scope_anywhere(request)
    if found is None:
        raise app_ops.not_found()
    resources.delete_scope(tenant_of(request), *found)
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
