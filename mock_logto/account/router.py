"""The Account API's routes: `/api/my-account/**` and `/api/verifications/**` (Logto's user router).

Every answer carries the user router's CORS headers (`Access-Control-Allow-Origin: *`,
`Access-Control-Expose-Headers: *`, golden-2/account-api/*); errors are rendered here so they
carry them too. A path under these prefixes that no route serves answers koa-router's 404/405
(account-api/41, 42) before any authentication; Logto's social and WebAuthn verifications
answer 501 naming the route.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from ..errors import ManagementApiError
from ..http.responses import JSONResponse, conditional
from ..management.router import logto_methods, logto_route
from . import identities, mfa, profile, verifications
from .common import Handler, authenticate
from .events import ROUTE_KEY

CORS_HEADERS = {"Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "*"}
PREFIXES = ("/my-account", "/verifications")


async def unserved(request: Request) -> Response:
    """Logto's social and WebAuthn verification routes: 501 after the guard; others 404/405."""
    template = logto_route(request.method, request.url.path)
    if template is None:
        allowed = logto_methods(request.url.path)
        if not allowed:
            return PlainTextResponse("Not Found", status_code=404)
        headers = {"Allow": ", ".join(allowed)}
        if request.method == "OPTIONS":
            return Response(b"", status_code=200, headers=headers)
        return PlainTextResponse("Method Not Allowed", status_code=405, headers=headers)
    authenticate(request)
    raise ManagementApiError(
        "mock.not_implemented",
        f"mock-logto does not serve {request.method} {template} of Logto's Account API.",
        status_code=501,
        data={"method": request.method, "route": template},
    )


#: (method, path under /api, handler), Logto's route order.
ROUTES: tuple[tuple[str, str, Handler], ...] = (
    ("GET", "/my-account", profile.get_my_account),
    ("PATCH", "/my-account", profile.update_my_account),
    ("PATCH", "/my-account/profile", profile.update_profile),
    ("POST", "/my-account/password", profile.change_password),
    ("GET", "/my-account/mfa-settings", profile.get_mfa_settings),
    ("PATCH", "/my-account/mfa-settings", profile.update_mfa_settings),
    ("GET", "/my-account/logto-configs", profile.get_logto_configs),
    ("PATCH", "/my-account/logto-configs", profile.update_logto_configs),
    ("GET", "/my-account/identities/{target}/access-token", identities.get_access_token),
    (
        "GET",
        "/my-account/sso-identities/{connectorId}/access-token",
        identities.get_sso_access_token,
    ),
    ("PUT", "/my-account/identities/{target}/access-token", identities.put_access_token),
    ("POST", "/my-account/primary-email", profile.set_primary_email),
    ("DELETE", "/my-account/primary-email", profile.delete_primary_email),
    ("POST", "/my-account/primary-phone", profile.set_primary_phone),
    ("DELETE", "/my-account/primary-phone", profile.delete_primary_phone),
    ("POST", "/my-account/identities", identities.link),
    ("DELETE", "/my-account/identities/{target}", identities.unlink),
    ("GET", "/my-account/mfa-verifications", mfa.list_verifications),
    ("POST", "/my-account/mfa-verifications", mfa.bind),
    ("POST", "/my-account/mfa-verifications/totp-secret/generate", mfa.generate_totp_secret),
    ("POST", "/my-account/mfa-verifications/backup-codes/generate", mfa.generate_backup_codes),
    ("GET", "/my-account/mfa-verifications/backup-codes", mfa.get_backup_codes),
    ("PATCH", "/my-account/mfa-verifications/{verificationId}/name", mfa.rename),
    ("DELETE", "/my-account/mfa-verifications/{verificationId}", mfa.delete),
    ("POST", "/verifications/password", verifications.verify_password),
    ("POST", "/verifications/verification-code", verifications.send_code),
    ("POST", "/verifications/verification-code/verify", verifications.verify_code),
)


def _with_cors(path: str, handler: Handler) -> Handler:
    route = "/".join(f":{s[1:-1]}" if s.startswith("{") else s for s in path.split("/"))

    async def run(request: Request) -> Response:
        request.scope[ROUTE_KEY] = route
        try:
            response = await handler(request)
        except ManagementApiError as exc:
            response = JSONResponse(exc.to_dict(), status_code=exc.status_code)
        if request.method == "GET" and response.status_code == 200:
            response = conditional(request, response)
        response.headers.update(CORS_HEADERS)
        return response

    run.__name__ = handler.__name__
    run.__doc__ = handler.__doc__
    return run


def routes(prefix: str = "/api") -> list[BaseRoute]:
    """Routes under `prefix`, each prefix's catch-all last."""
    served: list[BaseRoute] = [
        Route(prefix + path, _with_cors(path, handler), methods=[method])
        for method, path, handler in ROUTES
    ]
    methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    fallbacks: list[BaseRoute] = []
    for start in PREFIXES:
        fallback = _with_cors(start, unserved)
        fallbacks.append(Route(prefix + start, fallback, methods=methods))
        fallbacks.append(Route(prefix + start + "/{path:path}", fallback, methods=methods))
    return [*served, *fallbacks]
