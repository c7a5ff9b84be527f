"""Requests the server makes to itself, in process, through its whole ASGI stack.

The console's token workbench gets tokens through the real endpoints (`/oidc/auth`,
`/oidc/token`) rather than minting them, so every check runs, the request log shows each step
and a fault set on a path applies. Calling the app's own ASGI callable needs no socket, so it
works the same under uvicorn and Starlette's TestClient.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Scope


@dataclass(frozen=True, slots=True)
class Answer:
    """What the app answered one in-process request."""

    method: str
    path: str
    status: int
    headers: Headers
    body: bytes


async def call(
    app: ASGIApp,
    origin: Scope,
    method: str,
    path: str,
    *,
    query: str = "",
    headers: Sequence[tuple[str, str]] = (),
    body: bytes = b"",
) -> Answer:
    """Send one request to `app` as if it came from the client of `origin` (a request's scope).

    The `Host` of `origin` is kept, so URLs the app builds (the issuer, redirects) are the ones
    the console's own client sees.
    """
    host = Headers(scope=origin).get("host", "localhost")
    raw = [(b"host", host.encode("latin-1"))]
    raw += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]
    if body:
        raw.append((b"content-length", str(len(body)).encode()))
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": origin.get("scheme", "http"),
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode("latin-1"),
        "root_path": "",
        "headers": raw,
        "client": origin.get("client"),
        "server": origin.get("server"),
    }
    sent = False
    status = 0
    response_headers: list[tuple[bytes, bytes]] = []
    chunks: list[bytes] = []

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
            response_headers.extend(message.get("headers", []))
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return Answer(method, path, status, Headers(raw=response_headers), b"".join(chunks))
