"""`/api/sign-in-exp`: the tenant's sign-in experience (Logto's JSON document).

PATCH is Logto's routes/sign-in-experience/index.ts: the body is `SignInExperiences.createGuard`
without `adaptiveMfa` (a dev feature), partial, its URL/email fields also accepting `""`; then
the rules of `ops.sign_in_experience` in Logto's order; each key given replaces the stored one.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from .. import zod
from ..http.responses import JSONResponse
from ..ops import sign_in_experience as rules
from ..runtime import runtime_of
from ..zod import Obj, Str
from .common import Handler, json_body, tenant_of

_QUERY = Obj({"removeUnusedDemoSocialConnector": Str().optional()})


def _answer(request: Request) -> Response:
    tenant = tenant_of(request)
    return JSONResponse({"tenantId": tenant.id, "id": "default", **tenant.sign_in_experience})


async def get_sign_in_experience(request: Request) -> Response:
    """`GET /api/sign-in-exp`: the tenant's, a new Logto tenant's unless changed."""
    return _answer(request)


async def patch_sign_in_experience(request: Request) -> Response:
    """`PATCH /api/sign-in-exp`: guard, Logto's rules, then each given key replaced."""
    query = zod.parse(_QUERY, dict(request.query_params), "query")
    body = zod.parse(rules.PATCH_BODY, await json_body(request))
    body.pop("tenantId", None)
    rules.update(
        runtime_of(request).tenant,
        body,
        remove_unused_demo=bool(query.get("removeUnusedDemoSocialConnector")),
    )
    return _answer(request)


#: (method, path under /api, handler): the routes of this module, in matching order.
ROUTES: tuple[tuple[str, str, Handler], ...] = (
    ("GET", "/sign-in-exp", get_sign_in_experience),
    ("PATCH", "/sign-in-exp", patch_sign_in_experience),
)
