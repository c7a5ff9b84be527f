"""The one middleware around every handler: Logto's response headers, the request log, faults.

Response headers Logto sends around its handlers: helmet's security headers everywhere, and CORS
plus `Cache-Control: no-store` on the OIDC endpoints (oidc-provider lib/shared/cors.js). The
test control's request log and fault rules (:mod:`mock_logto.control`), and `serve`'s console
line, need the same request and the same status.

One pure ASGI middleware does all three, outside the exception handlers so that errors get the
headers too: each layer around a handler costs a call and a wrapped `send` per message, which on
the token endpoint was more than some checks of the handler.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..control import CONTROL_PREFIX, LOG_BODY_BYTES, Control, LoggedRequest, answer_fault
from ..types import Clock

#: helmet's defaults as Logto serves them (golden/discovery/*).
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = tuple(
    (name.lower().encode(), value.encode())
    for name, value in (
        ("Cross-Origin-Resource-Policy", "same-origin"),
        ("Origin-Agent-Cluster", "?1"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("Strict-Transport-Security", "max-age=15552000; includeSubDomains"),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Download-Options", "noopen"),
        ("X-Frame-Options", "SAMEORIGIN"),
        ("X-Permitted-Cross-Domain-Policies", "none"),
        ("X-XSS-Protection", "0"),
    )
)

#: Logto serves its sign-in and consent pages through its SPA proxy, with helmet configured for
#: pages: cross-origin resources allowed, framing left to the page's CSP (golden/user-flow/A07).
PAGE_SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = tuple(
    (b"cross-origin-resource-policy", b"cross-origin")
    if name == b"cross-origin-resource-policy"
    else (name, value)
    for name, value in SECURITY_HEADERS
    if name != b"x-frame-options"
)
PAGE_PATHS = frozenset({"/consent", "/sign-in"})
#: Scope key an error handler sets when the client refuses the request's browser origin.
CORS_REFUSED = "mock_logto.cors_refused"
#: Scope key an error handler sets when Logto refused before oidc-provider saw the request.
BEFORE_PROVIDER = "mock_logto.before_provider"
#: oidc-provider's `noCache` routes: every answer, errors included, is `no-store`.
NO_STORE_PREFIXES = ("/oidc/auth", "/oidc/session/end")


@dataclass(frozen=True, slots=True)
class CorsPolicy:
    """How one OIDC path answers browsers."""

    methods: frozenset[str]
    #: Client-authenticated endpoints expose `WWW-Authenticate` and are never cached.
    client_based: bool = False
    #: Whether `Cache-Control: no-store` comes with it (not on revocation).
    no_store: bool = True


_VARY = b"vary"
_CACHE_CONTROL = b"cache-control"
_NO_STORE = (_CACHE_CONTROL, b"no-store")
_EXPOSE = (b"access-control-expose-headers", b"WWW-Authenticate")


class ServingMiddleware:
    """Adds Logto's headers, logs requests, applies faults, prints the console line."""

    def __init__(
        self, app: ASGIApp, cors: Mapping[str, CorsPolicy], control: Control, clock: Clock
    ) -> None:
        self.app = app
        self.cors = dict(cors)
        self.control = control
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer preflights; log and decorate every other response."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        console = self.control.console
        started = time.perf_counter() if console is not None else 0.0
        status = 0
        try:
            status = await self._serve(scope, receive, send)
        finally:
            if console is not None:
                # An exception escaping here becomes Starlette's 500.
                console(
                    scope["method"], scope["path"], status or 500, time.perf_counter() - started
                )

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> int:
        """The request, answered; its status (0 when no answer started)."""
        path: str = scope["path"]
        method: str = scope["method"]
        policy = self.cors.get(path)
        origin = None
        if policy is not None:
            origin, preflight = _origin(scope["headers"])
            if method == "OPTIONS" and origin and preflight:
                await self._preflight(policy, scope, origin, send)
                return 204
            if method not in policy.methods:
                policy = None
        security = PAGE_SECURITY_HEADERS if path in PAGE_PATHS else SECURITY_HEADERS
        vary_origin = path.startswith("/api/")  # Logto's /api runs @koa/cors: always `Vary`
        no_store = path.startswith(NO_STORE_PREFIXES)
        logged = not path.startswith(CONTROL_PREFIX)  # the control API is never logged
        status = 0

        async def decorated_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                _decorate(message, security, vary_origin, no_store, policy, origin, scope)
            await send(message)

        if not logged:
            await self.app(scope, receive, decorated_send)
            return status
        body = bytearray()

        async def recording_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request" and len(body) < LOG_BODY_BYTES:
                body.extend(message.get("body", b"")[: LOG_BODY_BYTES - len(body)])
            return message

        control = self.control
        fault = control.take_fault(method, path) if control.faults else None
        try:
            if fault is not None and fault.delay > 0:
                await asyncio.sleep(fault.delay)
            if fault is not None and fault.status is not None:
                await answer_fault(fault, decorated_send)
            else:
                await self.app(scope, recording_receive, decorated_send)
        finally:
            control.requests.append(
                LoggedRequest(
                    method,
                    path,
                    scope.get("query_string", b"").decode("latin-1"),
                    tuple(scope["headers"]),
                    bytes(body),
                    status,
                    self.clock(),
                )
            )
        return status

    async def _preflight(self, policy: CorsPolicy, scope: Scope, origin: str, send: Send) -> None:
        """Preflights are always allowed (@koa/cors as oidc-provider configures it)."""
        raw = [
            (b"vary", b"Origin"),
            *SECURITY_HEADERS,
            (b"access-control-allow-origin", origin.encode()),
            (b"access-control-max-age", b"3600"),
            (b"access-control-allow-methods", ",".join(sorted(policy.methods)).encode()),
        ]
        requested = _header(scope["headers"], b"access-control-request-headers")
        if requested:
            raw.append((b"access-control-allow-headers", requested.encode()))
        await send({"type": "http.response.start", "status": 204, "headers": raw})
        await send({"type": "http.response.body", "body": b""})


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> str | None:
    """The first value of a request header, as Starlette's `Headers.get` reads it."""
    for key, value in headers:
        if key == name:
            return value.decode("latin-1")
    return None


def _origin(headers: list[tuple[bytes, bytes]]) -> tuple[str | None, bool]:
    """The request's `Origin`, and whether it asks for a preflight."""
    origin = None
    preflight = False
    for key, value in headers:
        if key == b"origin":
            if origin is None:
                origin = value.decode("latin-1")
        elif key == b"access-control-request-method":
            preflight = True
    return origin, preflight


def _decorate(
    message: Message,
    security: tuple[tuple[bytes, bytes], ...],
    vary_origin: bool,
    no_store: bool,
    policy: CorsPolicy | None,
    origin: str | None,
    scope: Scope,
) -> None:
    """Add the headers to a response's start message, in the order Logto's layers add them."""
    raw = list(message.get("headers", ()))
    message["headers"] = raw
    has_vary = has_cache_control = False
    for key, _ in raw:  # the security headers hold neither
        if key == _VARY:
            has_vary = True
        elif key == _CACHE_CONTROL:
            has_cache_control = True
    raw.extend(security)
    if vary_origin:
        has_vary = _vary_origin(raw, has_vary)
    if no_store and not has_cache_control:
        raw.append(_NO_STORE)
        has_cache_control = True
    if policy is not None and not scope.get(BEFORE_PROVIDER):
        _vary_origin(raw, has_vary)
        if not scope.get(CORS_REFUSED):
            raw.append((b"access-control-allow-origin", (origin or "*").encode()))
        if policy.client_based:
            raw.append(_EXPOSE)
            if policy.no_store and not has_cache_control:
                raw.append(_NO_STORE)


def _vary_origin(raw: list[tuple[bytes, bytes]], has_vary: bool) -> bool:
    """`Vary: Origin`, merged into a `Vary` the response has (Starlette's `add_vary_header`)."""
    if has_vary:
        MutableHeaders(raw=raw).add_vary_header("Origin")
    else:
        raw.append((_VARY, b"Origin"))
    return True
