"""Reading request bodies: one streaming reader with a size cap, and the parsers over it.

Every route reads its body here, so the cap holds before anything is buffered: a client that
declares or sends more than the cap gets the route's own "too large" answer after at most
`limit` bytes. JSON nested deeper than Python can parse is a bad body, not a crash.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from starlette.requests import ClientDisconnect, Request

from ..errors import MalformedBodyError

#: oidc-provider reads at most this much of a body (raw-body `limit: '56kb'`); the mock applies
#: it to every route.
MAX_BODY_BYTES = 56 * 1024
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
#: Media types koa-body parses as JSON.
JSON_TYPES = frozenset({JSON, "application/merge-patch+json", "application/vnd.api+json"})

#: Multi-valued parameters, in the order given (`resource` may repeat).
Params = dict[str, list[str]]
#: Builds the error a route answers for a body over the cap.
TooLarge = Callable[[], Exception]


def header(request: Request, name: bytes) -> str | None:
    """The first value of a request header (lower-case `name`), as `request.headers.get`.

    Without building Starlette's `Headers` and raising `KeyError` for a missing one.
    """
    for key, value in request.scope["headers"]:
        if key == name:
            text: str = value.decode("latin-1")
            return text
    return None


#: Scope key holding a body once read (a second read gets it again, as Starlette's `body()`).
_BODY = "mock_logto.body"


async def read_body(request: Request, too_large: TooLarge, limit: int = MAX_BODY_BYTES) -> bytes:
    """The body, streamed and refused with `too_large()` as soon as it passes `limit` bytes.

    Reads the ASGI messages itself: Starlette's `stream()` is an async generator, which costs
    the token endpoint more than parsing its form.
    """
    scope = request.scope
    if _BODY in scope:
        body: bytes = scope[_BODY]
        return body
    for name, value in scope["headers"]:
        if name == b"content-length":
            if value.isdigit() and int(value) > limit:
                raise too_large()
            break
    receive = request.receive
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.request":
            chunk = message.get("body", b"")
            if chunk:
                chunks.append(chunk)
                size += len(chunk)
                if size > limit:
                    raise too_large()
            if not message.get("more_body", False):
                break
        elif message["type"] == "http.disconnect":
            raise ClientDisconnect()
    body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    scope[_BODY] = body
    return body


#: Deepest JSON nesting read by default (the `max_json_depth` setting).
MAX_JSON_DEPTH = 64
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _no_constant(name: str) -> Any:
    raise ValueError(name)


def node_message(text: str, exc: ValueError) -> str:
    """What Node's `JSON.parse` says about `text` (as koa-body passes it on), near enough.

    Truncated input is "Unexpected end of JSON input"; otherwise V8 names the first bad
    character and quotes the text.
    """
    position = getattr(exc, "pos", None)
    if position is None:
        constant = str(exc)
        position = text.find(constant) if constant in ("NaN", "Infinity", "-Infinity") else -1
    if position < 0 or position >= len(text.rstrip()):
        return "Unexpected end of JSON input" if position >= 0 or not text.strip() else str(exc)
    quoted = text if len(text) <= 40 else text[:37] + "..."
    return f"Unexpected token '{text[position]}', \"{quoted}\" is not valid JSON"


def parse_json(raw: bytes | str, max_depth: int = MAX_JSON_DEPTH) -> Any:
    r"""Strict JSON: what cannot be stored and served back again is a bad document.

    Refused as `ValueError`: nesting deeper than `max_depth`, `NaN` and `Infinity` (which
    `json.loads` accepts, and `JSON.parse` does not), and lone UTF-16 surrogates (`"\\ud800"`),
    which no UTF-8 answer can carry.
    """
    text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    if text.count("[") + text.count("{") > max_depth and _depth(text) > max_depth:
        raise ValueError("JSON nested too deeply")
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except RecursionError as exc:
        raise ValueError("JSON nested too deeply") from exc
    if "\\u" in text and _SURROGATE_ESCAPE.search(text):
        try:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValueError("JSON with a lone surrogate") from exc
    return value


def _depth(text: str) -> int:
    """The deepest bracket nesting of JSON text, strings skipped."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def json_object(
    raw: bytes, content_type: str | None, max_depth: int = MAX_JSON_DEPTH
) -> dict[str, Any]:
    """A JSON body as koa-body reads it: an object, or `{}` for another type or no body.

    Raises:
        MalformedBodyError: for JSON that does not parse (Node's message).
    """
    if not raw.strip() or media_type(content_type or "") not in JSON_TYPES:
        return {}
    text = raw.decode("utf-8", errors="replace")
    try:
        data = parse_json(text, max_depth)
    except ValueError as exc:
        raise MalformedBodyError(node_message(text, exc)) from exc
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


def _unquote_plus(text: str) -> str:
    """`+` as a space, then percent-escapes.

    Short texts (parameter names, resource indicators, scopes: the same on every request) are
    decoded once.
    """
    if len(text) <= 200:
        return _unquote_plus_cached(text)
    return unquote(text.replace("+", " "))


@functools.lru_cache(maxsize=512)
def _unquote_plus_cached(text: str) -> str:
    return unquote(text.replace("+", " "))


def form_params(text: str, *, keep_empty: bool = False) -> Params:
    """A form (or query string) as parameters; empty values dropped unless `keep_empty`.

    Reads as `parse_qsl(text, keep_blank_values=True)` does (pairs split on `&`, empty pairs
    skipped, `+` is a space, percent-escapes decoded as UTF-8 with replacement), without its
    per-pair overhead: only escaped parts are decoded.
    """
    params: Params = {}
    for pair in text.split("&"):
        if not pair:
            continue
        key, _, value = pair.partition("=")
        if "+" in key or "%" in key:
            key = _unquote_plus(key)
        if value and ("+" in value or "%" in value):
            value = _unquote_plus(value)
        if value or keep_empty:
            values = params.get(key)
            if values is None:
                params[key] = [value]
            else:
                values.append(value)
    return params


def json_params(text: str, max_depth: int = MAX_JSON_DEPTH) -> Params:
    """A JSON object as form parameters, as Logto converts JSON bodies (core/oidc/init.ts).

    Scalars become strings, lists become repeated values, anything else an empty value;
    a body that is not a JSON object gives no parameters.
    """
    try:
        data = parse_json(text, max_depth)
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
