"""Responses shaped like Koa's: compact JSON, koa-etag validators, `ctx.redirect` bodies."""

from __future__ import annotations

import hashlib
import html
import json
from typing import Any

from starlette import responses
from starlette.requests import Request
from starlette.responses import Response

from ..jsontext import compact_encoder

JSON_MEDIA_TYPE = "application/json; charset=utf-8"


#: Starlette's JSONResponse encoding (compact, UTF-8, no NaN), its encoder made once.
_ENCODE = compact_encoder(allow_nan=False)


class JSONResponse(responses.JSONResponse):
    """Compact JSON with Koa's `application/json; charset=utf-8` content type."""

    media_type = JSON_MEDIA_TYPE

    def render(self, content: Any) -> bytes:
        """As Starlette renders it, without building an encoder per response."""
        return _ENCODE(content).encode("utf-8")


def json_bytes(document: object) -> bytes:
    """Compact JSON bytes, as Koa serialises bodies."""
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()


def etag(body: bytes) -> str:
    """A strong validator shaped like koa-etag's (`"<length hex>-<hash>"`)."""
    digest = hashlib.sha1(body, usedforsecurity=False).hexdigest()[:27]
    return f'"{len(body):x}-{digest}"'


def conditional(request: Request, response: Response) -> Response:
    """koa-etag and koa's `fresh`: tag a 200 answer, or answer 304 to a matching If-None-Match."""
    tag = etag(bytes(response.body))
    if request.headers.get("if-none-match") == tag:
        return Response(status_code=304, headers={"ETag": tag})
    response.headers["ETag"] = tag
    return response


class StaticJSON:
    """A JSON document computed once and served with an ETag (discovery, JWKS)."""

    def __init__(self, body: bytes, media_type: str) -> None:
        self.body = body
        self.media_type = media_type
        self.etag = etag(body)

    def response(self, request: Request) -> Response:
        """200 with the body, or 304 when the client already has it."""
        if request.headers.get("if-none-match") == self.etag:
            return Response(status_code=304, headers={"ETag": self.etag})
        return Response(self.body, media_type=self.media_type, headers={"ETag": self.etag})


def _escape(url: str) -> str:
    """escape-html, as Koa escapes the URL of a redirect body."""
    return html.escape(url, quote=True).replace("&#x27;", "&#39;")


def redirect(location: str, status_code: int = 303) -> Response:
    """Koa's `ctx.redirect`: `Location`, and a short HTML body naming the target."""
    body = f"Redirecting to {_escape(location)}.".encode()
    response = Response(body, status_code=status_code, media_type="text/html; charset=utf-8")
    response.headers["Location"] = location
    return response


def no_store(response: Response) -> Response:
    """`Cache-Control: no-store` (oidc-provider's pages and redirects)."""
    response.headers["cache-control"] = "no-store"
    return response


def tagged(response: Response) -> Response:
    """oidc-provider's GET answers: `no-store` and an ETag of the body."""
    no_store(response)
    response.headers["ETag"] = etag(bytes(response.body))
    return response
