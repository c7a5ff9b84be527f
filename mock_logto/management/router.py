"""The route table of `/api`: what is served, what answers 501, and Logto's 404 for the rest.

A route of Logto's Management API that is not served yet answers 501 naming it (the list of
Logto's routes is `logto_routes.json`, taken from the OpenAPI document Logto v1.37.0 serves);
any other path answers Logto's plain `Not Found`.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources as package_files

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from ..errors import ManagementApiError
from ..http.responses import JSONResponse
from . import (
    account_center,
    application_consent,
    application_sign_in_experience,
    applications,
    connectors,
    custom_profile_fields,
    hooks,
    jwt_customizer,
    logs,
    oidc_keys,
    one_time_tokens,
    openapi,
    organization_invitations,
    organizations,
    password_check,
    resources,
    roles,
    sign_in_experience,
    subject_tokens,
    users,
    verification_codes,
)
from .common import Handler, guarded
from .events import with_events
from .guard import authenticate


def _data(name: str) -> str:
    return package_files.files(__package__ or __name__).joinpath(name).read_text(encoding="utf-8")


@cache
def _logto_routes() -> list[tuple[str, re.Pattern[str], str]]:
    table = []
    for method, path in json.loads(_data("logto_routes.json"))["routes"]:
        segments = ("[^/]+" if s.startswith("{") else re.escape(s) for s in path.split("/"))
        table.append((method, re.compile("^" + "/".join(segments) + "$"), path))
    return table


def logto_route(method: str, path: str) -> str | None:
    """The template of Logto's route serving `method path`, if Logto has one."""
    for route_method, pattern, template in _logto_routes():
        if route_method == method and pattern.match(path):
            return template
    return None


def logto_methods(path: str) -> list[str]:
    """The methods Logto serves at `path`, as koa-router lists them (HEAD with GET)."""
    methods: list[str] = []
    for route_method, pattern, _ in _logto_routes():
        if pattern.match(path) and route_method not in methods:
            methods.extend(["HEAD", "GET"] if route_method == "GET" else [route_method])
    # Logto's route files register get, post, put, patch, delete in this order (entity-errors/143).
    order = ("HEAD", "GET", "POST", "PUT", "PATCH", "DELETE")
    return sorted(methods, key=lambda m: order.index(m) if m in order else len(order))


async def unserved(request: Request) -> Response:
    """Logto's routes the mock lacks: 501 naming them; anything else: Logto's 404.

    Other methods of a path Logto serves get koa-router's `allowedMethods` answer: OPTIONS lists
    them (200, `Allow`), any other method is 405.
    """
    authenticate(request)
    template = logto_route(request.method, request.url.path)
    if template is None:
        allowed = logto_methods(request.url.path)
        if not allowed:
            return PlainTextResponse("Not Found", status_code=404)
        headers = {"Allow": ", ".join(allowed)}
        if request.method == "OPTIONS":
            return Response(b"", status_code=200, headers=headers)
        return PlainTextResponse("Method Not Allowed", status_code=405, headers=headers)
    raise ManagementApiError(
        "mock.not_implemented",
        f"mock-logto does not serve {request.method} {template} of Logto's Management API yet.",
        status_code=501,
        data={"method": request.method, "route": template},
    )


#: (method, path under /api, handler): what is served, each module's `ROUTES` in turn.
SERVED: tuple[tuple[str, str, Handler], ...] = (
    *applications.ROUTES,
    *application_consent.ROUTES,
    *application_sign_in_experience.ROUTES,
    *users.ROUTES,
    *resources.ROUTES,
    *roles.ROUTES,
    *organizations.ROUTES,
    *sign_in_experience.ROUTES,
    *hooks.ROUTES,
    *subject_tokens.ROUTES,
    *oidc_keys.ROUTES,
    *jwt_customizer.ROUTES,
    *organization_invitations.ROUTES,
    *one_time_tokens.ROUTES,
    *account_center.ROUTES,
    *verification_codes.ROUTES,
    *password_check.ROUTES,
    *connectors.ROUTES,
    *logs.ROUTES,
    *custom_profile_fields.ROUTES,
)


async def status(request: Request) -> Response:
    """`GET /api/status`: 204, no authentication (Logto's health check)."""
    return Response(status_code=204)


async def swagger(request: Request) -> Response:
    """`GET /api/swagger.json`: the OpenAPI document of the served routes (no token, as Logto)."""
    return JSONResponse(openapi.load())


#: Routes served without the Management API guard (documented in the OpenAPI document too).
UNGUARDED: tuple[tuple[str, str, Handler], ...] = (
    ("GET", "/status", status),
    ("GET", "/swagger.json", swagger),
)


def routes(prefix: str = "/api") -> list[BaseRoute]:
    """Routes under `prefix`; the catch-all must stay last.

    Not a Mount: a Mount's `.*` stops at a newline, so an id ending in `%0A` would miss its route.
    """
    served: list[BaseRoute] = [
        Route(prefix + path, guarded(with_events(method, path, handler)), methods=[method])
        for method, path, handler in SERVED
    ]
    unguarded: list[BaseRoute] = [
        Route(prefix + path, handler, methods=[method]) for method, path, handler in UNGUARDED
    ]
    return [
        *unguarded,
        *served,
        Route(
            prefix + "/{path:path}",
            unserved,
            methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
            name="management_unserved",
        ),
    ]
