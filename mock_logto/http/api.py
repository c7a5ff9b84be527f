"""What every `/api` route of Logto reads first: its bearer token and its koa-body JSON object.

The Management API and the Account API share Logto's answers to both (`koaAuth`'s 401s and
koa-body's 413), so both guards read them here.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from ..errors import ManagementApiError
from ..runtime import runtime_of
from .body import json_object, read_body


def bearer_token(request: Request) -> str:
    """The `Authorization: Bearer` token, else Logto's 401 naming what is wrong."""
    authorization = request.headers.get("authorization")
    if not authorization:
        raise ManagementApiError(
            "auth.authorization_header_missing", "Authorization header is missing.", status_code=401
        )
    scheme, _, token = authorization.partition(" ")
    if scheme != "Bearer":
        raise ManagementApiError(
            "auth.authorization_token_type_not_supported",
            "Authorization type is not supported.",
            status_code=401,
            data={"supportedTypes": ["Bearer"]},
        )
    return token


def too_large() -> Exception:
    """koa-body's answer to a body over the cap."""
    return ManagementApiError(
        "guard.invalid_input", "The request body is invalid.", status_code=413
    )


async def json_body(request: Request) -> dict[str, Any]:
    """The JSON body (an object); anything else is an empty object, as koa-body leaves it."""
    depth = runtime_of(request).settings.max_json_depth
    raw = await read_body(request, too_large)
    return json_object(raw, request.headers.get("content-type"), depth)
