"""`create_app`: settings → tenant → keys → the Starlette app.

Everything is built before the app object exists, so TestClient, httpx's ASGITransport, uvicorn
and the Docker image all run the same code (`uvicorn --factory mock_logto.app:create_app`).
"""

from __future__ import annotations

import logging
import time

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount

from . import management as management_api
from .authorization import find_user
from .control import CONTROL_PREFIX, Control, ControlMiddleware, MockClock
from .cookies import CookieSigner
from .errors import ManagementApiError, MockLogtoError, OAuthError
from .grants import GrantContext
from .keys import KeyStore
from .loader import load_tenant
from .middleware import CORS_REFUSED, HeadersMiddleware
from .models import Tenant, User
from .routes import control, experience, interaction, oidc
from .routes.responses import JSONResponse, etag, json_bytes
from .settings import Settings
from .store import Store
from .tokens import TokenIssuer
from .types import Clock

logger = logging.getLogger("mock_logto")


def system_clock() -> int:
    """Wall-clock seconds."""
    return int(time.time())


def load_keys(settings: Settings) -> KeyStore:
    """The key store the settings ask for: the key file's keys, or a fresh key."""
    if settings.key_file is not None:
        return KeyStore.from_file(settings.key_file, settings.signing_alg)
    return KeyStore.generate(settings.signing_alg)


def load_settings_tenant(settings: Settings, clock: Clock) -> Tenant:
    """The tenant the settings name (the bundled demo tenant when none)."""
    return load_tenant(
        settings.fixtures,
        tenant_id=settings.tenant_id,
        management_api_indicator=settings.management_api_indicator,
        clock=clock,
    )


async def _oauth_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, OAuthError)  # noqa: S101 - registered for this class only
    if exc.detail:
        logger.debug("%s %s: %s (%s)", request.method, request.url.path, exc.error, exc.detail)
    if exc.status >= 500:
        logger.warning("%s %s: %s", request.method, request.url.path, exc.error_description)
    if exc.cors_refused:
        request.scope[CORS_REFUSED] = True
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


def auto_sign_in_user(settings: Settings, tenant: Tenant) -> User | None:
    """The user named by the `auto_sign_in` setting; an unknown name stops start-up."""
    if settings.auto_sign_in is None:
        return None
    user = tenant.users.get(settings.auto_sign_in) or find_user(tenant, settings.auto_sign_in)
    if user is None:
        raise MockLogtoError(
            f"auto_sign_in: no fixture user has the id, username or email '{settings.auto_sign_in}'"
        )
    return user


def create_app(
    settings: Settings | None = None,
    *,
    tenant: Tenant | None = None,
    keys: KeyStore | None = None,
    clock: Clock | None = None,
) -> Starlette:
    """Build the mock Logto server.

    Args:
        settings: defaults to `Settings()` (environment and `.env`).
        tenant: defaults to the tenant loaded from `settings.fixtures`.
        keys: defaults to `settings.key_file`, else one fresh key.
        clock: seconds since the epoch; defaults to the system clock.
    """
    settings = settings or Settings()
    server_clock = MockClock(clock or system_clock)
    tenant = tenant or load_settings_tenant(settings, server_clock)
    keys = keys or load_keys(settings)
    issuer = TokenIssuer(keys, settings.issuer, server_clock)
    store = Store(server_clock)
    controls = Control()

    routes = [
        Mount("/oidc", routes=oidc.routes(), name="oidc"),
        Mount(
            "/api",
            routes=[*experience.routes(), *management_api.routes()],
            name="api",
        ),
        *interaction.page_routes(),
    ]
    if settings.control_api:
        routes.append(Mount(CONTROL_PREFIX, routes=control.routes(), name="control"))
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(HeadersMiddleware, cors=oidc.CORS),
            Middleware(ControlMiddleware, control=controls, clock=server_clock),
        ],
        exception_handlers={OAuthError: _oauth_error, ManagementApiError: _management_error},
    )
    app.state.settings = settings
    app.state.tenant = tenant
    app.state.keys = keys
    app.state.clock = server_clock
    app.state.issuer = issuer
    app.state.store = store
    app.state.control = controls
    app.state.initial_fixtures = settings.fixtures
    app.state.signer = CookieSigner()
    app.state.auto_sign_in = auto_sign_in_user(settings, tenant)
    app.state.grant_context = GrantContext(tenant, issuer, settings, server_clock, store)
    app.state.discovery = oidc.StaticJSON(
        json_bytes(oidc.discovery_document(settings.issuer, keys)),
        "application/json; charset=utf-8",
    )
    app.state.jwks = oidc.StaticJSON(keys.jwks_body, "application/jwk-set+json; charset=utf-8")
    return app
