"""`/api/sign-in-exp`: the tenant's sign-in experience (Logto's JSON document)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ..http.responses import JSONResponse
from .common import Handler, tenant_of


async def get_sign_in_experience(request: Request) -> Response:
    """`GET /api/sign-in-exp`: the tenant's, a new Logto tenant's unless changed."""
    tenant = tenant_of(request)
    return JSONResponse({"tenantId": tenant.id, "id": "default", **tenant.sign_in_experience})


#: (method, path under /api, handler): the routes of this module, in matching order.
ROUTES: tuple[tuple[str, str, Handler], ...] = (("GET", "/sign-in-exp", get_sign_in_experience),)
