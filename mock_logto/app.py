"""`create_app`: settings → runtime (tenant, keys, clock, store) → the Starlette app.

Everything is built before the app object exists, so TestClient, httpx's ASGITransport, uvicorn
and the Docker image all run the same code (`uvicorn --factory mock_logto.app:create_app`).
"""

from __future__ import annotations

import logging

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Mount

from .account.router import routes as account_routes
from .control import CONTROL_PREFIX, RequestLine
from .errors import ManagementApiError, OAuthError
from .http.middleware import BEFORE_PROVIDER, CORS_REFUSED, ServingMiddleware
from .http.responses import JSONResponse, etag
from .keys import KeyStore
from .management.router import routes as management_routes
from .models import Tenant
from .replay import MockLogtoApp
from .routes import (
    consent,
    control,
    experience,
    interaction,
    interaction_api,
    oidc,
    self_service,
)
from .routes import console as web_console
from .runtime import Runtime
from .settings import Settings
from .types import Clock

logger = logging.getLogger("mock_logto")


async def _oauth_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, OAuthError)  # noqa: S101 - registered for this class only
    if exc.detail:
        logger.debug("%s %s: %s (%s)", request.method, request.url.path, exc.error, exc.detail)
    if exc.status >= 500:
        logger.warning("%s %s: %s", request.method, request.url.path, exc.error_description)
    if exc.cors_refused:
        request.scope[CORS_REFUSED] = True
    if exc.before_provider:
        request.scope[BEFORE_PROVIDER] = True
    wrapped = request.query_params.get("parse_error") != "false"
    response = JSONResponse(
        exc.to_dict(wrapped=wrapped), status_code=exc.status, headers=exc.headers
    )
    if request.method == "GET":
        # Koa tags every GET body, errors included (golden/client-credentials/14d).
        response.headers["ETag"] = etag(bytes(response.body))
    return response


async def _management_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ManagementApiError)  # noqa: S101 - registered for this class only
    return JSONResponse(exc.to_dict(), status_code=exc.status_code)


async def _client_gone(request: Request, exc: Exception) -> Response:
    """A client that went away mid-body gets no answer, and the log no traceback."""
    logger.debug("%s %s: the client disconnected", request.method, request.url.path)
    return Response(status_code=400)


def create_app(
    settings: Settings | None = None,
    *,
    tenant: Tenant | None = None,
    keys: KeyStore | None = None,
    clock: Clock | None = None,
    console: RequestLine | None = None,
) -> Starlette:
    """Build the mock Logto server.

    Args:
        settings: defaults to `Settings()` (environment and `.env`).
        tenant: defaults to the tenant loaded from `settings.fixtures`.
        keys: defaults to `settings.key_file`, else one fresh key.
        clock: seconds since the epoch; defaults to the system clock.
        console: called once per request (`serve` prints a line); default: nothing.
    """
    runtime = Runtime.build(settings or Settings(), tenant=tenant, keys=keys, clock=clock)
    runtime.control.console = console
    routes = [
        Mount("/oidc", routes=oidc.routes(), name="oidc"),
        *experience.routes("/api"),
        *account_routes("/api"),
        *interaction_api.routes("/api"),
        *consent.routes("/api"),
        *management_routes("/api"),
        *interaction.page_routes(),
        *self_service.routes(),
    ]
    if runtime.settings.control_api:
        # The console's routes under /__mock/console come before the control API's mount.
        routes.extend(web_console.routes())
        routes.append(Mount(CONTROL_PREFIX, routes=control.routes(), name="control"))
    app = MockLogtoApp(
        routes=routes,
        middleware=[
            Middleware(
                ServingMiddleware, cors=oidc.CORS, control=runtime.control, clock=runtime.clock
            ),
        ],
        exception_handlers={
            OAuthError: _oauth_error,
            ManagementApiError: _management_error,
            ClientDisconnect: _client_gone,
        },
    )
    app.state.runtime = runtime
    return app
