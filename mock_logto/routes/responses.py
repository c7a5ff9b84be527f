"""Response classes shaped like Koa's."""

from __future__ import annotations

import hashlib
import json

from starlette import responses


class JSONResponse(responses.JSONResponse):
    """Compact JSON with Koa's `application/json; charset=utf-8` content type."""

    media_type = "application/json; charset=utf-8"


def json_bytes(document: object) -> bytes:
    """Compact JSON bytes, as Koa serialises bodies."""
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()


def etag(body: bytes) -> str:
    """A strong validator shaped like koa-etag's (`"<length hex>-<hash>"`)."""
    digest = hashlib.sha1(body, usedforsecurity=False).hexdigest()[:27]
    return f'"{len(body):x}-{digest}"'
