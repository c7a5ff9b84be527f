"""Endpoints under `/oidc`, named after node-oidc-provider's routes.

Paths, bodies and headers follow Logto v1.37.0 (golden/discovery, golden/client-credentials).
Any other path or method under `/oidc` answers oidc-provider's 404 `invalid_request`.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ..claims import user_claims
from ..customjwt import claims as custom_jwt
from ..errors import (
    InsufficientScopeError,
    InvalidRequestError,
    InvalidTokenError,
    OAuthError,
    UnsupportedGrantTypeError,
)
from ..http.body import header
from ..http.middleware import CorsPolicy
from ..http.responses import JSON_MEDIA_TYPE, JSONResponse, conditional, json_bytes
from ..models import Application
from ..oidc.client_auth import AUTH_PARAMS, authenticate_client
from ..oidc.discovery import PATHS
from ..oidc.grants import GRANT_HANDLERS, KNOWN_PARAMS, TokenRequest
from ..oidc.grants.base import BEARER
from ..oidc.params import Params, body_params, reject_dupes, require
from ..runtime import Runtime, reading_runtime_of, runtime_of
from ..store import OpaqueAccessToken, RefreshToken
from . import end_session, interaction

#: CORS per full path (see :mod:`mock_logto.middleware`).
CORS: dict[str, CorsPolicy] = {
    "/oidc" + PATHS["discovery"]: CorsPolicy(frozenset({"GET"})),
    "/oidc" + PATHS["jwks"]: CorsPolicy(frozenset({"GET"})),
    "/oidc" + PATHS["token"]: CorsPolicy(frozenset({"POST"}), client_based=True),
    "/oidc" + PATHS["introspection"]: CorsPolicy(frozenset({"POST"}), client_based=True),
    "/oidc" + PATHS["revocation"]: CorsPolicy(
        frozenset({"POST"}), client_based=True, no_store=False
    ),
    "/oidc" + PATHS["userinfo"]: CorsPolicy(frozenset({"GET", "POST"}), client_based=True),
}


def _client(request: Request, params: Params, rt: Runtime) -> Application:
    headers = {
        "authorization": header(request, b"authorization"),
        "origin": header(request, b"origin"),
    }
    return authenticate_client(params, headers, rt.tenant, rt.issuer.issuer, rt.clock())


async def discovery(request: Request) -> Response:
    """`GET /oidc/.well-known/openid-configuration`."""
    return reading_runtime_of(request).discovery.response(request)


async def jwks(request: Request) -> Response:
    """`GET /oidc/jwks`: the public keys, as `application/jwk-set+json`."""
    return reading_runtime_of(request).jwks.response(request)


async def token(request: Request) -> Response:
    """`POST /oidc/token`: the checks of oidc-provider's token action, in its order."""
    rt = runtime_of(request)
    params = await body_params(request, PATHS["token"], KNOWN_PARAMS, rt.settings.max_json_depth)
    grant_type = params.get("grant_type", [""])[0]
    custom_jwt.runs.set(
        [] if rt.tenant.custom_jwt.scripts or rt.tenant.custom_jwt.functions else None
    )
    try:
        body = _grant(request, rt, params, grant_type)
    except OAuthError as exc:  # Logto logs a failed token request too
        _log_token(request, rt, (grant_type, params, request.headers, _ip(request), exc))
        raise
    _log_token(request, rt, (grant_type, params, request.headers, _ip(request), body))
    return JSONResponse(body)


def _log_token(request: Request, rt: Runtime, data: tuple[Any, ...]) -> None:
    """The request's audit entries: a tuple each, shaped when read (custom JWT runs first)."""
    ran = custom_jwt.runs.get()
    if ran:  # a custom JWT customizer ran: Logto logs each run
        _customizer_logs(request, rt, ran)
    rt.audit.add(rt.clock() * 1000, "token", data)


def _customizer_logs(request: Request, rt: Runtime, ran: list[tuple[str, Any, Any]]) -> None:
    """`JwtCustomizer.AccessToken|ClientCredentials` entries (oidc/extra-token-claims.ts)."""
    for kind, payload, result in ran:
        user = payload.get("context", {}).get("user", {})
        fields: dict[str, Any] = {}
        if isinstance(result, str):
            fields.update({"result": "Error", "error": {"message": result}})
        if user.get("id"):
            fields["userId"] = user["id"]
        fields["applicationId"] = payload.get("token", {}).get("clientId")
        fields["tenantId"] = rt.tenant.id
        fields["payload"] = {**payload, "tokenType": kind}
        if not isinstance(result, str):
            fields["customTokenClaims"] = result
        key = "ClientCredentials" if kind == "client-credentials" else "AccessToken"
        data = (f"JwtCustomizer.{key}", request.headers, _ip(request), fields)
        rt.audit.add(rt.clock() * 1000, "plain", data)


def _ip(request: Request) -> str:
    return request.client.host if request.client else ""


def _grant(
    request: Request, rt: Runtime, params: dict[str, list[str]], grant_type: str
) -> dict[str, Any]:
    """Client authentication, the grant type's checks, then the grant's answer."""
    client = _client(request, params, rt)
    reject_dupes(params, ["grant_type"])
    module = GRANT_HANDLERS.get(grant_type)
    if module is not None:
        keep = _KEPT[grant_type]
        params = {k: v for k, v in params.items() if k in keep}
    require(params, "grant_type")
    if module is None:
        raise UnsupportedGrantTypeError()
    if grant_type not in client.grant_types:
        raise InvalidRequestError("requested grant type is not allowed for this client")
    reject_dupes(params, [k for k in params if k not in module.DUPLICABLE])
    custom_jwt.grant_type.set(grant_type)  # the `gty` custom JWT scripts see
    return module.handle(TokenRequest(params, client), rt)


#: The parameters each grant reads, besides client authentication and `grant_type`.
_KEPT = {
    name: AUTH_PARAMS | module.PARAMETERS | {"grant_type"}
    for name, module in GRANT_HANDLERS.items()
}

_TOKEN_PARAMS = frozenset({"token", "token_type_hint", *AUTH_PARAMS})


async def _token_request(request: Request, path: str) -> tuple[Application, str, Runtime]:
    """Introspection and revocation share client authentication and the `token` parameter."""
    rt = runtime_of(request)
    params = await body_params(request, path, _TOKEN_PARAMS, rt.settings.max_json_depth)
    client = _client(request, params, rt)
    reject_dupes(params, [k for k in params if k not in AUTH_PARAMS])
    require(params, "token")
    return client, params["token"][0], rt


def _live_refresh_token(rt: Runtime, value: str) -> RefreshToken | None:
    token = rt.store.refresh_token(value)
    if token is None or token.expires_at <= rt.clock() or rt.store.grant(token.grant_id) is None:
        return None
    if token.consumed_at is not None:
        return None
    return token


async def introspection(request: Request) -> Response:
    """`POST /oidc/token/introspection` (RFC 7662).

    Opaque access tokens and refresh tokens are introspectable; JWT access tokens and unknown
    tokens answer `{"active": false}` (Logto v1.37). A public client sees only its own tokens.
    """
    client, value, rt = await _token_request(request, PATHS["introspection"])
    token: OpaqueAccessToken | RefreshToken | None = rt.store.access_token(value)
    if token is None:
        token = _live_refresh_token(rt, value)
    if token is None or (not client.is_confidential and token.client_id != client.id):
        return JSONResponse({"active": False})
    body: dict[str, Any] = {
        "active": True,
        "sub": token.account_id,
        "client_id": token.client_id,
        "exp": token.expires_at,
        "iat": token.issued_at,
        "iss": rt.issuer.issuer,
        "scope": " ".join(token.scopes),
    }
    if isinstance(token, OpaqueAccessToken):
        body["token_type"] = BEARER
    return JSONResponse(body)


async def revocation(request: Request) -> Response:
    """`POST /oidc/token/revocation` (RFC 7009): always 200 with an empty body.

    Revoking a refresh token revokes its grant (and every token of it), as oidc-provider v8 does;
    revoking an access token drops that token only. Others' tokens are left alone.
    """
    client, value, rt = await _token_request(request, PATHS["revocation"])
    store = rt.store
    refresh = store.refresh_token(value)
    if refresh is not None and refresh.client_id == client.id:
        store.refresh_tokens.pop(value, None)
        store.revoke_grant(refresh.grant_id)
        fields = {
            "userId": refresh.account_id,
            "applicationId": client.id,
            "params": {"token": value},
            "grantId": refresh.grant_id,
            "tokenTypes": ["RefreshToken"],
        }  # oidc-provider's `grant.revoked` (event-listeners/grant.ts)
        rt.audit.add(
            rt.clock() * 1000, "plain", ("RevokeToken", request.headers, _ip(request), fields)
        )
    access = store.access_tokens.get(value)
    if access is not None and access.client_id == client.id:
        store.access_tokens.pop(value, None)
    return Response(b"", media_type="text/plain; charset=utf-8")


def _bearer_challenge(realm: str, error: OAuthError | None = None) -> str:
    if error is None:
        return f'Bearer realm="{realm}"'
    return (
        f'Bearer realm="{realm}", error="{error.error}", '
        f'error_description="{error.error_description}"'
    )


async def userinfo(request: Request) -> Response:
    """`GET|POST /oidc/me`: the user's claims for an opaque access token with `openid`."""
    rt = runtime_of(request)
    realm = rt.issuer.issuer
    value = None
    authorization = request.headers.get("authorization", "")
    if authorization[:7].lower() == "bearer ":
        value = authorization[7:].strip() or None
    elif request.method == "POST":
        params = await body_params(
            request, PATHS["userinfo"], frozenset({"access_token"}), rt.settings.max_json_depth
        )
        value = params.get("access_token", [None])[0]
    if value is None:
        raise InvalidRequestError(
            "no access token provided",
            headers={"WWW-Authenticate": _bearer_challenge(realm)},
        )
    token = rt.store.access_token(value)
    user = rt.tenant.users.get(token.account_id) if token else None
    if token is None or user is None or user.is_suspended:
        error = InvalidTokenError()
        error.headers["WWW-Authenticate"] = _bearer_challenge(realm, error)
        raise error
    if "openid" not in token.scopes:
        insufficient = InsufficientScopeError("access token missing openid scope", scope="openid")
        insufficient.headers["WWW-Authenticate"] = _bearer_challenge(realm, insufficient)
        raise insufficient
    body = json_bytes(user_claims(rt.tenant, user, token.scopes, "userinfo"))
    return conditional(request, Response(body, media_type=JSON_MEDIA_TYPE))


async def not_found(request: Request) -> Response:
    """Anything else under /oidc: oidc-provider's 404 wording, path relative to the issuer."""
    path = request.url.path.removeprefix("/oidc") or "/"
    raise InvalidRequestError(
        f"unrecognized route or not allowed method ({request.method} on {path})",
        status_code=404,
    )


_ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def routes() -> list[BaseRoute]:
    """The routes to mount at `/oidc`; the catch-all must stay last."""
    return [
        Route(PATHS["discovery"], discovery, methods=["GET"], name="discovery"),
        Route(PATHS["jwks"], jwks, methods=["GET"], name="jwks"),
        Route(PATHS["token"], token, methods=["POST"], name="token"),
        Route(PATHS["introspection"], introspection, methods=["POST"], name="introspection"),
        Route(PATHS["revocation"], revocation, methods=["POST"], name="revocation"),
        Route(PATHS["userinfo"], userinfo, methods=["GET", "POST"], name="userinfo"),
        *interaction.routes(),
        *end_session.routes(),
        Route("/{path:path}", not_found, methods=_ALL_METHODS, name="not_found"),
    ]
