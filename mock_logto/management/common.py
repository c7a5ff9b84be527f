"""What every Management API handler shares: the guard, bodies, ids, Logto's error bodies."""

from __future__ import annotations

import secrets
import string
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from ..errors import EntityNotFound, MalformedBodyError, ManagementApiError, invalid_input
from ..http.api import json_body as json_body
from ..http.api import too_large
from ..http.body import (
    JSON_TYPES,
    form_params,
    media_type,
    node_message,
    parse_json,
    read_body,
)
from ..http.responses import conditional
from ..models import Tenant
from ..runtime import runtime_of
from .guard import authenticate

Handler = Callable[[Request], Awaitable[Response]]
T = TypeVar("T")
_ID_ALPHABET = string.ascii_lowercase + string.digits
_SECRET_ALPHABET = string.ascii_letters + string.digits


def new_id(length: int = 21) -> str:
    """Logto's `generateStandardId`: lowercase letters and digits."""
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(length))


def new_secret(length: int = 32) -> str:
    """Letters and digits, as Logto's application secrets and personal access tokens."""
    return "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(length))


def guarded(handler: Handler) -> Handler:
    """The Management API guard, then the handler; GET answers get koa's ETag and 304."""

    async def run(request: Request) -> Response:
        authenticate(request)
        response = await handler(request)
        if request.method == "GET" and response.status_code == 200:
            return conditional(request, response)
        return response

    run.__name__ = handler.__name__
    run.__doc__ = handler.__doc__
    return run


def tenant_of(request: Request) -> Tenant:
    """The live tenant."""
    return runtime_of(request).tenant


def by_id(request: Request, entities: Mapping[str, T], table: str, param: str = "id") -> T:
    """The entity the path parameter `param` names, else Logto's 404 naming `table`."""
    entity_id = request.path_params[param]
    found = entities.get(entity_id)
    if found is None:
        raise not_found(table, entity_id)
    return found


def now_ms(request: Request) -> int:
    """The server's time in milliseconds (Logto's timestamps)."""
    return runtime_of(request).clock() * 1000


def not_found(table: str, entity_id: str) -> ManagementApiError:
    """Logto's 404 for an unknown id (`table` is the database table's name)."""
    return EntityNotFound(table, entity_id)


def unprocessable(code: str, message: str) -> ManagementApiError:
    """A 422 of Logto's."""
    return ManagementApiError(code, message, status_code=422)


def bad_request(code: str, message: str) -> ManagementApiError:
    """A 400 of Logto's."""
    return ManagementApiError(code, message, status_code=400)


def created() -> Response:
    """Koa's bare 201."""
    return PlainTextResponse("Created", status_code=201)


def no_content() -> Response:
    """204."""
    return Response(status_code=204)


def string_field(data: dict[str, Any], name: str, *, required: bool = False) -> str | None:
    """A string field; missing is fine unless `required`; a wrong type is `guard.invalid_input`."""
    value = data.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value):
        raise invalid_input([name], expected="string", value=value)
    return value


def object_field(data: dict[str, Any], name: str) -> dict[str, Any] | None:
    """An object field, or None when missing."""
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise invalid_input([name], expected="object", value=value)
    return value


def int_field(data: dict[str, Any], name: str) -> int | None:
    """An integer field, or None when missing."""
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise invalid_input([name], expected="number", value=value)
    return value


def bool_field(data: dict[str, Any], name: str) -> bool | None:
    """A boolean field, or None when missing."""
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise invalid_input([name], expected="boolean", value=value)
    return value


def id_list(data: dict[str, Any], name: str, *, required: bool = True) -> list[str]:
    """A list of ids (`roleIds`, `userIds`, …), duplicates dropped."""
    value = data.get(name)
    if value is None and not required:
        return []
    if not isinstance(value, list):
        raise invalid_input([name], expected="array", value=value)
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item:
            raise invalid_input([name, index], expected="string", value=item)
    return list(dict.fromkeys(value))


def choice(data: dict[str, Any], name: str, options: Sequence[str], default: str) -> str:
    """An enum field with a default."""
    value = data.get(name, default)
    if value not in options:
        raise invalid_input([name], options=options, value=value)
    return str(value)


async def body_value(request: Request) -> Any:
    """The body as koa-body hands it to Logto's guards.

    Parsed JSON of any type, the text of a `text/plain` body, a form's fields, else `{}`
    (golden2/entity-errors/139, applications-more/32).
    """
    depth = runtime_of(request).settings.max_json_depth
    raw = await read_body(request, too_large)
    content_type = request.headers.get("content-type") or ""
    kind = media_type(content_type)
    if raw.strip() and kind == "text/plain":
        return raw.decode("utf-8", errors="replace")
    if raw.strip() and kind == "application/x-www-form-urlencoded":  # koa-body's `qs`, flat
        pairs = form_params(raw.decode("utf-8", errors="replace"), keep_empty=True)
        return {k: v[0] if len(v) == 1 else v for k, v in pairs.items()}
    if not raw.strip() or kind not in JSON_TYPES:
        return {}
    text = raw.decode("utf-8", errors="replace")
    try:
        return parse_json(text, depth)
    except ValueError as exc:
        raise MalformedBodyError(node_message(text, exc)) from exc


def stored(value: Any) -> Any:
    """A value as Logto's SQL stores it: an empty string is NULL (`convertToPrimitiveOrSql`)."""
    return None if value == "" else value
