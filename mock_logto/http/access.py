"""Who may drive the test controls: this machine's own, same-origin requests, or a token holder.

The control API mints Management API tokens, shows the request log, resets the tenant and moves
the clock, so a web page the developer happens to visit must not reach it:

- cross-site requests are refused (`Sec-Fetch-Site` other than `same-origin`/`none`, or an
  `Origin` that is not the server's own);
- bodies must be JSON (or YAML for fixtures): a form or `text/plain` body, which a page can send
  without a CORS preflight, is refused;
- without a token, the `Host` must be this machine's or one the settings allow, so a DNS-rebound
  name cannot reach it;
- with a token (`control_token`, required when the server listens beyond loopback), every
  request must carry it, compared in constant time.

The web console's page (`GET /`, :func:`check_console_page_access`) is a document a link may
open, so it has its own rule; everything it reads or changes goes through the control API's.
"""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from starlette.requests import Request

from ..errors import ManagementApiError
from ..settings import Settings
from .body import media_type

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
TOKEN_HEADER = "x-mock-logto-token"  # noqa: S105 - a header name
#: Media types a control request body may have (none of them is CORS-safelisted).
BODY_TYPES = frozenset({"application/json", "application/yaml", "application/x-yaml", "text/yaml"})


def _refused(status: int, code: str, message: str) -> ManagementApiError:
    return ManagementApiError(code, message, status_code=status)


def host_name(host: str) -> str:
    """`localhost:3001` → `localhost`; `[::1]:3001` → `::1`."""
    if host.startswith("["):
        return host[1:].partition("]")[0].lower()
    return host.rpartition(":")[0].lower() if host.count(":") == 1 else host.lower()


def allowed_hosts(settings: Settings) -> frozenset[str]:
    """Host names answered without a token: loopback, the public URL's, and configured ones."""
    extra = {h.strip().lower() for h in settings.allowed_hosts.split(",") if h.strip()}
    public = urlsplit(settings.base_url).hostname
    return LOOPBACK_HOSTS | extra | ({public.lower()} if public else set())


def presented_token(request: Request) -> str | None:
    """The token in `X-Mock-Logto-Token` or `Authorization: Bearer`."""
    token = request.headers.get(TOKEN_HEADER)
    if token:
        return token
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def check_control_access(request: Request, settings: Settings) -> None:
    """Refuse a control request from another site, another host, or without the token."""
    if request.headers.get("sec-fetch-site", "none") not in ("same-origin", "none"):
        raise _refused(403, "mock.forbidden", "Cross-site requests cannot use the control API.")
    origin = request.headers.get("origin")
    own = f"{request.url.scheme}://{request.headers.get('host', '')}"
    if origin is not None and origin.lower() != own.lower():
        raise _refused(403, "mock.forbidden", "Cross-site requests cannot use the control API.")
    content_type = request.headers.get("content-type")
    if content_type is not None and media_type(content_type) not in BODY_TYPES:
        raise _refused(
            415, "mock.unsupported_media_type", "Control API bodies are JSON (or YAML fixtures)."
        )
    if settings.control_token is not None:
        given = presented_token(request)
        if given is None or not hmac.compare_digest(
            given.encode(errors="surrogateescape"), settings.control_token.encode()
        ):
            raise _refused(
                401, "mock.unauthorized", "The control API needs its token (X-Mock-Logto-Token)."
            )
        return
    if host_name(request.headers.get("host", "")) not in allowed_hosts(settings):
        raise _refused(
            403,
            "mock.forbidden",
            "This Host may not use the control API; add it to allowed_hosts or set a control "
            "token.",
        )


def check_console_page_access(request: Request, settings: Settings) -> None:
    """Refuse the console page (`GET /`) where it would show the tenant to the wrong reader.

    With a control token the page shows no tenant data (its script asks for the token), so
    anyone may load it. Without one it shows secrets, so the `Host` must be allowed (DNS
    rebinding) and a cross-site request must be a top-level navigation (a link followed to the
    console: the other site cannot read the page, and the CSP forbids framing it); subresource
    loads and frames from another site are refused.
    """
    if settings.control_token is not None:
        return
    site = request.headers.get("sec-fetch-site", "none")
    navigation = (
        request.headers.get("sec-fetch-mode", "navigate") == "navigate"
        and request.headers.get("sec-fetch-dest", "document") == "document"
    )
    if site not in ("same-origin", "none") and not navigation:
        raise _refused(403, "mock.forbidden", "Cross-site requests cannot use the control API.")
    if host_name(request.headers.get("host", "")) not in allowed_hosts(settings):
        raise _refused(
            403,
            "mock.forbidden",
            "This Host may not use the control API; add it to allowed_hosts or set a control "
            "token.",
        )
