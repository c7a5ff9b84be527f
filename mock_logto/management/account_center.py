"""`/api/account-center`: the account center settings the Account API obeys (Logto's JSON).

Logto's PATCH (core/routes/account-center/index.ts) replaces each given top-level field whole:
`fields` is not merged, so `{"fields": {"name": "ReadOnly"}}` turns every other control Off,
and unknown keys of `fields` are dropped by zod (golden-2/account-api/05, 07, 43).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from ..errors import invalid_input
from ..http.responses import JSONResponse
from ..models import ACCOUNT_CENTER_FIELDS
from .common import Handler, json_body, tenant_of

FIELDS = ACCOUNT_CENTER_FIELDS
CONTROL_VALUES = ("Off", "ReadOnly", "Edit")


def document(request: Request) -> dict[str, Any]:
    """The account center as `GET /api/account-center` answers it."""
    tenant = tenant_of(request)
    center = tenant.account_center
    return {
        "tenantId": tenant.id,
        "id": "default",
        "enabled": center.get("enabled", False),
        "fields": dict(center.get("fields", {})),
        "webauthnRelatedOrigins": list(center.get("webauthnRelatedOrigins", [])),
    }


def _fields(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise invalid_input(["fields"], expected="object", value=value)
    for key in FIELDS:
        if key in value and value[key] not in CONTROL_VALUES:
            raise invalid_input(["fields", key], options=CONTROL_VALUES, value=value[key])
    return {key: value[key] for key in FIELDS if key in value}


def _origins(value: Any) -> list[str]:
    if not isinstance(value, list):
        raise invalid_input(["webauthnRelatedOrigins"], expected="array", value=value)
    for index, item in enumerate(value):
        if not isinstance(item, str):
            raise invalid_input(["webauthnRelatedOrigins", index], expected="string", value=item)
    return list(dict.fromkeys(value))


async def get_account_center(request: Request) -> Response:
    """`GET /api/account-center`."""
    return JSONResponse(document(request))


async def update_account_center(request: Request) -> Response:
    """`PATCH /api/account-center`: each given field replaced whole (200, the new document)."""
    data = await json_body(request)
    changes: dict[str, Any] = {}
    if "enabled" in data:
        if not isinstance(data["enabled"], bool):
            raise invalid_input(["enabled"], expected="boolean", value=data["enabled"])
        changes["enabled"] = data["enabled"]
    if "fields" in data:
        changes["fields"] = _fields(data["fields"])
    if "webauthnRelatedOrigins" in data:
        changes["webauthnRelatedOrigins"] = _origins(data["webauthnRelatedOrigins"])
    tenant_of(request).account_center.update(changes)
    return JSONResponse(document(request))


#: (method, path under /api, handler): the routes of this module, in matching order.
ROUTES: tuple[tuple[str, str, Handler], ...] = (
    ("GET", "/account-center", get_account_center),
    ("PATCH", "/account-center", update_account_center),
)
