"""Response headers Logto sends around its handlers.

helmet's security headers everywhere, and CORS plus `Cache-Control: no-store` on the OIDC
endpoints (oidc-provider lib/shared/cors.js).

Done as one pure ASGI middleware so errors rendered by the exception handlers get them too,
at the cost of a dict lookup per request.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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


class HeadersMiddleware:
    """Adds security headers to every response and CORS headers on the OIDC endpoints."""

    def __init__(self, app: ASGIApp, cors: Mapping[str, CorsPolicy]) -> None:
        self.app = app
        self.cors = dict(cors)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer preflights; decorate every other response's headers."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        policy = self.cors.get(path)
        vary_origin = path.startswith("/api/")  # Logto's /api runs @koa/cors: always `Vary`
        no_store = path.startswith(NO_STORE_PREFIXES)
        method = scope["method"]
        origin = None
        if policy is not None:
            request_headers = Headers(scope=scope)
            origin = request_headers.get("origin")
            if (
                method == "OPTIONS"
                and origin
                and "access-control-request-method" in request_headers
            ):
                await self._preflight(policy, request_headers, origin, send)
                return
            if method not in policy.methods:
                policy = None

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                raw = headers.raw
                raw.extend(PAGE_SECURITY_HEADERS if path in PAGE_PATHS else SECURITY_HEADERS)
                if vary_origin:
                    headers.add_vary_header("Origin")
                if no_store and "cache-control" not in headers:
                    raw.append((b"cache-control", b"no-store"))
                if policy is not None and not scope.get(BEFORE_PROVIDER):
                    headers.add_vary_header("Origin")
                    if not scope.get(CORS_REFUSED):
                        raw.append((b"access-control-allow-origin", (origin or "*").encode()))
                    if policy.client_based:
                        raw.append((b"access-control-expose-headers", b"WWW-Authenticate"))
                        if policy.no_store and "cache-control" not in headers:
                            raw.append((b"cache-control", b"no-store"))
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _preflight(
        self, policy: CorsPolicy, headers: Headers, origin: str, send: Send
    ) -> None:
        """Preflights are always allowed (@koa/cors as oidc-provider configures it)."""
        raw = [
            (b"vary", b"Origin"),
            *SECURITY_HEADERS,
            (b"access-control-allow-origin", origin.encode()),
            (b"access-control-max-age", b"3600"),
            (b"access-control-allow-methods", ",".join(sorted(policy.methods)).encode()),
        ]
        requested = headers.get("access-control-request-headers")
        if requested:
            raw.append((b"access-control-allow-headers", requested.encode()))
        await send({"type": "http.response.start", "status": 204, "headers": raw})
        await send({"type": "http.response.body", "body": b""})
