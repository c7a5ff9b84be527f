"""`/api/connectors` and `/api/connector-factories`: connectors as data (Logto's routes/connector).

The factories are Logto's mock connectors (`ops.connectors`); a connector is stored, answered
and checked as Logto does, so a tenant can declare email, SMS and social connectors. Sending a
test message validates the config and the template and answers 204 (nothing is sent).
"""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from .. import zod
from ..errors import ManagementApiError
from ..http.responses import JSONResponse
from ..ops import connectors
from ..ops.sign_in_experience import is_language_tag
from ..zod import Bool, Nullable, Obj, Record, Refine, Str, Unknown
from .common import Handler, json_body, new_id, no_content, now_ms, tenant_of


def _i18n_phrases(value: Any) -> bool:
    return isinstance(value, dict) and "en" in value and all(is_language_tag(k) for k in value)


_I18N = Refine(Record(Str()), _i18n_phrases)
_METADATA = Obj(
    {"target": Str(), "name": _I18N, "logo": Str(), "logoDark": Nullable(Str())}
).partial()
_CONFIG = Record(Unknown())
#: `Connectors.createGuard.pick({syncProfile, enableTokenStorage, connectorId, config,
#: metadata}).merge(pick({id}).partial())`.
_CREATE = Obj(
    {
        "syncProfile": Bool().optional(),
        "enableTokenStorage": Bool().optional(),
        "connectorId": Str(max=128),
        "config": _CONFIG.optional(),
        "metadata": _METADATA.optional(),
        "id": Str(max=128).optional(),
    }
)
_UPDATE = Obj(
    {
        "syncProfile": Bool(),
        "enableTokenStorage": Bool(),
        "config": _CONFIG,
        "metadata": _METADATA,
    }
).partial()
_PHONE = re.compile(r"^\d+$")
_EMAIL = re.compile(r"^\S+@\S+\.\S+$")
_TEST = Obj(
    {
        "phone": Str(regex=_PHONE).optional(),
        "email": Str(regex=_EMAIL).optional(),
        "config": _CONFIG,
        "locale": Str().optional(),
    }
)
_AUTHORIZATION = Obj({"state": Str(), "redirectUri": Str()})


async def list_factories(request: Request) -> Response:
    """`GET /api/connector-factories`."""
    return JSONResponse(connectors.factories())


async def get_factory(request: Request) -> Response:
    """`GET /api/connector-factories/{id}`: 404 `entity.not_found` when not built in."""
    found = connectors.factory(request.path_params["id"])
    if found is None:
        raise connectors.not_found()
    return JSONResponse({**found, "isDemo": False})


async def list_connectors(request: Request) -> Response:
    """`GET /api/connectors?target=`: every connector (by id), or those of one target."""
    query = zod.parse(Obj({"target": Str().optional()}), dict(request.query_params), "query")
    target = query.get("target")
    found = [
        connectors.answer(row, merged)
        for row, merged in connectors.live(tenant_of(request))
        if not target or merged["target"] == target
    ]
    return JSONResponse(found)


async def create_connector(request: Request) -> Response:
    """`POST /api/connectors`: 200 with the connector."""
    body = zod.parse(_CREATE, await json_body(request))
    tenant = tenant_of(request)
    row = connectors.create(tenant, body, new_id(12), now_ms(request))
    return JSONResponse(connectors.answer(*connectors.get(tenant, row["id"])))


async def get_connector(request: Request) -> Response:
    """`GET /api/connectors/{id}`."""
    return JSONResponse(connectors.answer(*connectors.get(tenant_of(request), _id(request))))


async def update_connector(request: Request) -> Response:
    """`PATCH /api/connectors/{id}`."""
    body = zod.parse(_UPDATE, await json_body(request))
    tenant = tenant_of(request)
    connectors.update(tenant, _id(request), body)
    return JSONResponse(connectors.answer(*connectors.get(tenant, _id(request))))


async def delete_connector(request: Request) -> Response:
    """`DELETE /api/connectors/{id}`: 204."""
    connectors.delete(tenant_of(request), _id(request))
    return no_content()


def _id(request: Request) -> str:
    return str(request.path_params["id"])


async def test_message(request: Request) -> Response:
    """`POST /api/connectors/{factoryId}/test`: the factory must send that kind; 204."""
    body = zod.parse(_TEST, await json_body(request))
    subject = body.get("phone") or body.get("email")
    if not subject:
        raise ManagementApiError(
            "guard.invalid_input", "The request {{type}} is invalid.", status_code=400
        )
    expected = "Sms" if body.get("phone") else "Email"
    factory_id = request.path_params["factoryId"]
    found = connectors.factory(factory_id)
    if found is None or found["type"] not in ("Email", "Sms"):
        raise ManagementApiError(
            "connector.not_found",
            f"Cannot find any available connector for type: {expected}.",
            status_code=400,
        )
    if found["type"] != expected:
        raise ManagementApiError(
            "connector.unexpected_type", "The connector's type is unexpected.", status_code=400
        )
    connectors.validate_config(factory_id, body["config"])
    templates = body["config"].get("templates") or []
    if not any(t.get("usageType") == "Generic" for t in templates):
        raise ManagementApiError(
            "connector.template_not_found",
            "Unable to find correct template in connector config.",
            status_code=400,
            data="Template not found for type: Generic",
        )
    return no_content()


async def authorization_uri(request: Request) -> Response:
    """`POST /api/connectors/{connectorId}/authorization-uri`: the mock social provider's URL."""
    body = zod.parse(_AUTHORIZATION, await json_body(request))
    if not body["state"] or not body["redirectUri"]:
        raise ManagementApiError(
            "session.insufficient_info", "Insufficient sign-in info.", status_code=400
        )
    _, merged = connectors.get(tenant_of(request), request.path_params["connectorId"])
    if merged["type"] != "Social":
        raise ManagementApiError(
            "connector.unexpected_type", "The connector's type is unexpected.", status_code=400
        )
    uri = connectors.mock_social_authorization_uri(body["state"], body["redirectUri"])
    return JSONResponse({"redirectTo": uri})


#: (method, path under /api, handler): the routes of this module, in matching order.
ROUTES: tuple[tuple[str, str, Handler], ...] = (
    ("POST", "/connectors", create_connector),
    ("GET", "/connectors", list_connectors),
    ("GET", "/connectors/{id}", get_connector),
    ("PATCH", "/connectors/{id}", update_connector),
    ("DELETE", "/connectors/{id}", delete_connector),
    ("POST", "/connectors/{factoryId}/test", test_message),
    ("POST", "/connectors/{connectorId}/authorization-uri", authorization_uri),
    ("GET", "/connector-factories", list_factories),
    ("GET", "/connector-factories/{id}", get_factory),
)
