"""Reading request bodies: one streaming reader with a size cap, and the parsers over it.

Every route reads its body here, so the cap holds before anything is buffered: a client that
declares or sends more than the cap gets the route's own "too large" answer after at most
`limit` bytes. JSON nested deeper than Python can parse is a bad body, not a crash.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request

#: oidc-provider reads at most this much of a body (raw-body `limit: '56kb'`); the mock applies
#: it to every route.
MAX_BODY_BYTES = 56 * 1024
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"

#: Multi-valued parameters, in the order given (`resource` may repeat).
Params = dict[str, list[str]]
#: Builds the error a route answers for a body over the cap.
TooLarge = Callable[[], Exception]


async def read_body(request: Request, too_large: TooLarge, limit: int = MAX_BODY_BYTES) -> bytes:
    """The body, streamed and refused with `too_large()` as soon as it passes `limit` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large()
    chunks = bytearray()
    async for chunk in request.stream():
        chunks.extend(chunk)
        if len(chunks) > limit:
            raise too_large()
    return bytes(chunks)


def parse_json(raw: bytes | str) -> Any:
    """`json.loads`, with too-deep nesting reported as the `ValueError` of a bad document."""
    try:
        return json.loads(raw)
    except RecursionError as exc:
        raise ValueError("JSON nested too deeply") from exc


def json_object(raw: bytes) -> dict[str, Any]:
    """The body as a JSON object; anything else is an empty object, as koa-body leaves it."""
    try:
        data = parse_json(raw) if raw else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def media_type(content_type: str) -> str:
    """`application/json; charset=utf-8` → `application/json`."""
    return content_type.split(";", 1)[0].strip().lower()


def charset(content_type: str) -> str:
    """The declared charset, UTF-8 when none."""
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip('"')
    return "utf-8"


def form_params(text: str, *, keep_empty: bool = False) -> Params:
    """A form (or query string) as parameters; empty values dropped unless `keep_empty`."""
    params: Params = {}
    for key, value in parse_qsl(text, keep_blank_values=True):
        if value or keep_empty:
            params.setdefault(key, []).append(value)
    return params


def json_params(text: str) -> Params:
    """A JSON object as form parameters, as Logto converts JSON bodies (core/oidc/init.ts).

    Scalars become strings, lists become repeated values, anything else an empty value;
    a body that is not a JSON object gives no parameters.
    """
    try:
        data = parse_json(text)
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}

    def text_of(value: Any) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, str | int | float):
            return str(value)
        return ""

    return {
        key: [text_of(v) for v in (value if isinstance(value, list) else [value])]
        for key, value in data.items()
    }
