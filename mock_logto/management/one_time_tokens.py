"""`/api/one-time-tokens` (Logto's routes/one-time-tokens.ts).

Create does not check the email's form while the list's `?email=` does; unknown `context` keys
are dropped; the list's `Total-Number` counts every token, whatever the filters (Logto's
`findTotalNumberOfOneTimeTokens()` takes none): quirks kept.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from .. import zod
from ..http.responses import JSONResponse
from ..models import OneTimeToken, Tenant
from ..ops import one_time_tokens
from ..runtime import runtime_of
from .common import Handler, json_body, new_id, new_secret, no_content, tenant_of
from .pagination import page_of, paginated
from .user_schemas import EMAIL

#: Logto's default lifetime of a one-time token: 10 minutes.
DEFAULT_EXPIRES_IN = 600


def _now_ms(request: Request) -> int:
    """The server's time to the millisecond (Logto's timestamps and expiry checks)."""
    return runtime_of(request).clock.now_ms()


def shape(token: OneTimeToken, tenant: Tenant, now: int) -> dict[str, Any]:
    """A one-time token, its status as read now."""
    return {
        "tenantId": tenant.id,
        "id": token.id,
        "email": token.email,
        "token": token.token,
        "context": dict(token.context),
        "status": one_time_tokens.status_of(token, now),
        "createdAt": token.created_at,
        "expiresAt": token.expires_at,
    }


_STATUS = zod.Enum(one_time_tokens.STATUSES)
#: The list's query guard (`emailRegEx`, not zod's `.email()`).
_LIST_QUERY = zod.Obj({"email": zod.Str(regex=EMAIL).optional(), "status": _STATUS.optional()})
#: `OneTimeTokens.createGuard.pick({email, context}).partial({context})` + `expiresIn`;
#: `oneTimeTokenContextGuard` keeps only `jitOrganizationIds`.
_CREATE = zod.Obj(
    {
        "email": zod.Str(min=1, max=128),
        "context": zod.Obj({"jitOrganizationIds": zod.Arr(zod.Str()).optional()}).optional(),
        "expiresIn": zod.Num(min=1).optional(),
    }
)
#: `OneTimeTokens.guard.pick({token, email})`.
_VERIFY = zod.Obj({"email": zod.Str(min=1, max=128), "token": zod.Str(min=1, max=256)})


async def list_tokens(request: Request) -> Response:
    """`GET /api/one-time-tokens` (pagination optional; `email`, stored `status`)."""
    page_of(request, optional=True)  # koaPagination runs before the query guard
    query = zod.parse(_LIST_QUERY, zod.query_of(request.query_params.multi_items()), "query")
    email: str | None = query.get("email")
    status: str | None = query.get("status")
    tenant = tenant_of(request)
    now = _now_ms(request)
    found = one_time_tokens.find(tenant, email, status)
    return paginated(
        request,
        found,
        optional=True,
        shape=lambda t: shape(t, tenant, now),
        total=len(tenant.one_time_tokens),
    )


async def get_token(request: Request) -> Response:
    """`GET /api/one-time-tokens/:id`."""
    tenant = tenant_of(request)
    token = one_time_tokens.get(tenant, request.path_params["id"])
    return JSONResponse(shape(token, tenant, _now_ms(request)))


async def create_token(request: Request) -> Response:
    """`POST /api/one-time-tokens` (201; `expiresIn` seconds, default 600)."""
    body = zod.parse(_CREATE, await json_body(request))
    email: str = body["email"]
    context: dict[str, Any] = body.get("context", {})
    expires_in: float = body.get("expiresIn", DEFAULT_EXPIRES_IN)
    tenant = tenant_of(request)
    now = _now_ms(request)
    token = OneTimeToken(
        id=new_id(),
        email=str(email),
        token=new_secret(),
        expires_at=now + int(expires_in * 1000),
        context=context,
        created_at=now,
    )
    one_time_tokens.create(tenant, token, now)
    return JSONResponse(shape(token, tenant, now), status_code=201)


async def verify_token(request: Request) -> Response:
    """`POST /api/one-time-tokens/verify`: the token consumed (200) or Logto's refusal."""
    body = zod.parse(_VERIFY, await json_body(request))
    email: str = body["email"]
    value: str = body["token"]
    tenant = tenant_of(request)
    now = _now_ms(request)
    token = one_time_tokens.verify(tenant, str(value), str(email), now)
    return JSONResponse(shape(token, tenant, now))


async def update_status(request: Request) -> Response:
    """`PUT /api/one-time-tokens/:id/status` (never back to active)."""
    status = zod.parse(zod.Obj({"status": _STATUS}), await json_body(request))["status"]
    tenant = tenant_of(request)
    token = one_time_tokens.get(tenant, request.path_params["id"])
    one_time_tokens.set_status(token, status)
    return JSONResponse(shape(token, tenant, _now_ms(request)))


async def delete_token(request: Request) -> Response:
    """`DELETE /api/one-time-tokens/:id` (204)."""
    one_time_tokens.delete(tenant_of(request), request.path_params["id"])
    return no_content()


#: (method, path under /api, handler): the routes of this module, in matching order.
ROUTES: tuple[tuple[str, str, Handler], ...] = (
    ("GET", "/one-time-tokens", list_tokens),
    ("POST", "/one-time-tokens", create_token),
    ("POST", "/one-time-tokens/verify", verify_token),
    ("GET", "/one-time-tokens/{id}", get_token),
    ("PUT", "/one-time-tokens/{id}/status", update_status),
    ("DELETE", "/one-time-tokens/{id}", delete_token),
)
