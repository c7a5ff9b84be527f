"""`/api/custom-profile-fields`: the fields a sign-up collects (Logto's rows, by name).

Logto: routes/custom-profile-fields.ts. Quirks kept: a field's `name` in a PUT body is ignored
(the guard omits it), DELETE of an unknown name answers 204, GET of one answers
`entity.not_found` while PUT answers `entity.not_exists`.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from .. import zod
from ..errors import MalformedBodyError, ManagementApiError, TenantError
from ..http.body import JSON_TYPES, media_type, node_message, parse_json, read_body
from ..http.responses import JSONResponse
from ..ops import custom_profile_fields as fields
from ..runtime import runtime_of
from .common import Handler, json_body, new_id, no_content, now_ms, tenant_of


def _not_found() -> Exception:
    return TenantError("entity.not_found", "The resource does not exist.", status_code=404)


async def list_fields(request: Request) -> Response:
    """`GET /api/custom-profile-fields`: every field by `sieOrder`."""
    return JSONResponse(fields.ordered(tenant_of(request)))


async def get_field(request: Request) -> Response:
    """`GET /api/custom-profile-fields/{name}`."""
    found = tenant_of(request).custom_profile_fields.get(request.path_params["name"])
    if found is None:
        raise _not_found()
    return JSONResponse(found)


async def create_field(request: Request) -> Response:
    """`POST /api/custom-profile-fields`: 201 with the field."""
    body = zod.parse(fields.CREATE, await json_body(request))
    row = fields.create(tenant_of(request), body, new_id(), now_ms(request))
    return JSONResponse(row, status_code=201)


async def create_batch(request: Request) -> Response:
    """`POST /api/custom-profile-fields/batch`: at most 20 fields; 201 with them."""
    body = zod.parse(fields.BATCH, await _any_json(request))
    ids = [new_id() for _ in body]
    rows = fields.create_batch(tenant_of(request), body, ids, now_ms(request))
    return JSONResponse(rows, status_code=201)


def _too_large() -> Exception:
    return ManagementApiError(
        "guard.invalid_input", "The request body is invalid.", status_code=413
    )


async def _any_json(request: Request) -> Any:
    """The JSON body of any type (the batch is an array), `{}` when absent, as koa-body."""
    raw = await read_body(request, _too_large)
    if not raw.strip() or media_type(request.headers.get("content-type", "")) not in JSON_TYPES:
        return {}
    text = raw.decode("utf-8", errors="replace")
    try:
        return parse_json(text, runtime_of(request).settings.max_json_depth)
    except ValueError as exc:
        raise MalformedBodyError(node_message(text, exc)) from exc


async def update_field(request: Request) -> Response:
    """`PUT /api/custom-profile-fields/{name}`: the given keys replaced (name and order kept)."""
    body = zod.parse(fields.UPDATE, await json_body(request))
    row = fields.update(tenant_of(request), request.path_params["name"], body)
    return JSONResponse(row)


async def delete_field(request: Request) -> Response:
    """`DELETE /api/custom-profile-fields/{name}`: 204, even for an unknown name (as Logto)."""
    tenant_of(request).custom_profile_fields.pop(request.path_params["name"], None)
    return no_content()


async def sie_order(request: Request) -> Response:
    """`POST /api/custom-profile-fields/properties/sie-order`: the reordered fields."""
    body = zod.parse(fields.SIE_ORDER, await json_body(request))
    return JSONResponse(fields.reorder(tenant_of(request), body["order"]))


#: (method, path under /api, handler): the routes of this module, in matching order.
ROUTES: tuple[tuple[str, str, Handler], ...] = (
    ("GET", "/custom-profile-fields", list_fields),
    ("POST", "/custom-profile-fields", create_field),
    ("POST", "/custom-profile-fields/batch", create_batch),
    ("POST", "/custom-profile-fields/properties/sie-order", sie_order),
    ("GET", "/custom-profile-fields/{name}", get_field),
    ("PUT", "/custom-profile-fields/{name}", update_field),
    ("DELETE", "/custom-profile-fields/{name}", delete_field),
)
