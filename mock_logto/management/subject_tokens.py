"""`POST /api/subject-tokens`: impersonation subject tokens (core/routes/subject-token.ts).

The token names a user for one token exchange with
`subject_token_type=urn:logto:token-type:impersonation_token` within 600 seconds
(`oidc/grants/token_exchange.py` checks and consumes it).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from ..errors import ManagementApiError, invalid_input
from ..http.responses import JSONResponse
from ..runtime import runtime_of
from ..store import SUBJECT_TOKEN_TTL
from .common import Handler, json_body
from .guard import authenticate


def _foreign_key_not_found() -> ManagementApiError:
    """The database's foreign-key error as the route answers it (404, impersonation/02)."""
    return ManagementApiError(
        "entity.relation_foreign_key_not_found",
        "Cannot find one or more foreign keys. Please check the input and ensure that all "
        "referenced entities exist.",
        status_code=404,
    )


def _guard(data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The body guard: `{userId: string(), context: jsonObject.optional()}`, in key order."""
    user_id = data.get("userId")
    if not isinstance(user_id, str):
        raise invalid_input(["userId"], expected="string", value=user_id)
    context = data.get("context", {})
    if not isinstance(context, dict):
        raise invalid_input(["context"], expected="object", value=context)
    return user_id, context


async def create_subject_token(request: Request) -> Response:
    """201 `{subjectToken: "sub_…", expiresIn: 600}`; an unknown user is the foreign-key 404."""
    rt = runtime_of(request)
    creator = str(authenticate(request).get("sub", ""))
    user_id, context = _guard(await json_body(request))
    if user_id not in rt.tenant.users:
        raise _foreign_key_not_found()
    token = rt.store.new_subject_token(user_id, context, creator)
    return JSONResponse({"subjectToken": token.id, "expiresIn": SUBJECT_TOKEN_TTL}, status_code=201)


#: (method, path under /api, handler): the routes of this module, in matching order.
ROUTES: tuple[tuple[str, str, Handler], ...] = (("POST", "/subject-tokens", create_subject_token),)
