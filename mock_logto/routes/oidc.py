"""Endpoints under `/oidc`, named after node-oidc-provider's routes.

Paths, bodies and headers follow Logto v1.37.0 (golden/discovery, golden/client-credentials).
Any other path or method under `/oidc` answers oidc-provider's 404 `invalid_request`.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ..claims import SUPPORTED_SCOPES, accepted_claims, user_claims
from ..errors import (
    InsufficientScopeError,
    InvalidRequestError,
    InvalidTokenError,
    OAuthError,
    UnsupportedGrantTypeError,
)
from ..grants import GRANT_HANDLERS, KNOWN_PARAMS, GrantContext, TokenRequest
from ..grants.base import (
    AUTH_PARAMS,
    BEARER,
    MAX_BODY_BYTES,
    Params,
    authenticate_client,
    parse_body,
    reject_dupes,
    require,
)
from ..keys import KeyStore
from ..middleware import CorsPolicy
from ..models import Application
from ..store import OpaqueAccessToken, RefreshToken
from . import end_session, interaction
from .responses import JSONResponse, etag, json_bytes

#: oidc-provider's route table under the issuer: name → path.
PATHS = {
    "discovery": "/.well-known/openid-configuration",
    "authorization": "/auth",
    "token": "/token",
    "jwks": "/jwks",
    "userinfo": "/me",
    "introspection": "/token/introspection",
    "revocation": "/token/revocation",
    "end_session": "/session/end",
    "pushed_authorization_request": "/request",
}

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

_SCOPES_SUPPORTED = list(SUPPORTED_SCOPES)
#: Every claim the scopes can bring (userinfo's tables), then oidc-provider's own.
_CLAIMS_SUPPORTED = [
    "sub",
    *accepted_claims(SUPPORTED_SCOPES, "userinfo"),
    "sid",
    "auth_time",
    "iss",
]


def discovery_document(issuer: str, keys: KeyStore) -> dict[str, Any]:
    """The OpenID Provider metadata, fields in the order Logto v1.37 emits them."""
    signing_algs = ["ES384"] if keys.current.alg == "ES384" else ["RS256", "PS256"]
    return {
        "authorization_endpoint": issuer + PATHS["authorization"],
        "claims_parameter_supported": False,
        "claims_supported": _CLAIMS_SUPPORTED,
        "code_challenge_methods_supported": ["S256"],
        "end_session_endpoint": issuer + PATHS["end_session"],
        "grant_types_supported": [
            "implicit",
            "authorization_code",
            "refresh_token",
            "client_credentials",
            "urn:ietf:params:oauth:grant-type:token-exchange",
        ],
        "issuer": issuer,
        "jwks_uri": issuer + PATHS["jwks"],
        "authorization_response_iss_parameter_supported": True,
        "response_modes_supported": ["form_post", "fragment", "query"],
        "response_types_supported": ["code id_token", "code", "id_token", "none"],
        "scopes_supported": _SCOPES_SUPPORTED,
        "subject_types_supported": ["public"],
        "token_endpoint_auth_methods_supported": [
            "client_secret_basic",
            "client_secret_jwt",
            "client_secret_post",
            "private_key_jwt",
            "none",
        ],
        "token_endpoint_auth_signing_alg_values_supported": [
            "HS256",
            "RS256",
            "PS256",
            "ES256",
            "EdDSA",
        ],
        "token_endpoint": issuer + PATHS["token"],
        "id_token_signing_alg_values_supported": signing_algs,
        "pushed_authorization_request_endpoint": issuer + PATHS["pushed_authorization_request"],
        "request_parameter_supported": False,
        "request_uri_parameter_supported": False,
        "userinfo_endpoint": issuer + PATHS["userinfo"],
        "introspection_endpoint": issuer + PATHS["introspection"],
        "revocation_endpoint": issuer + PATHS["revocation"],
        "backchannel_logout_supported": True,
        "backchannel_logout_session_supported": True,
        "claim_types_supported": ["normal"],
    }


class StaticJSON:
    """A JSON document computed once and served with an ETag (koa's etag + fresh)."""

    def __init__(self, body: bytes, media_type: str) -> None:
        self.body = body
        self.media_type = media_type
        self.etag = etag(body)

    def response(self, request: Request) -> Response:
        """200 with the body, or 304 when the client already has it."""
        if request.headers.get("if-none-match") == self.etag:
            return Response(status_code=304, headers={"ETag": self.etag})
        return Response(self.body, media_type=self.media_type, headers={"ETag": self.etag})


def _context(request: Request) -> GrantContext:
    context: GrantContext = request.app.state.grant_context
    return context


async def read_body(request: Request) -> bytes:
    """The request body, refusing more than oidc-provider reads (56 KiB)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise InvalidRequestError("failed to parse the request body", detail="body too large")
    chunks = bytearray()
    async for chunk in request.stream():
        chunks.extend(chunk)
        if len(chunks) > MAX_BODY_BYTES:
            raise InvalidRequestError("failed to parse the request body", detail="body too large")
    return bytes(chunks)


async def _client_params(request: Request, path: str, allowed: frozenset[str]) -> Params:
    body = await read_body(request)
    return parse_body(body, request.headers.get("content-type"), path, allowed)


async def discovery(request: Request) -> Response:
    """`GET /oidc/.well-known/openid-configuration`."""
    document: StaticJSON = request.app.state.discovery
    return document.response(request)


async def jwks(request: Request) -> Response:
    """`GET /oidc/jwks`: the public keys, as `application/jwk-set+json`."""
    document: StaticJSON = request.app.state.jwks
    return document.response(request)


async def token(request: Request) -> Response:
    """`POST /oidc/token`: the checks of oidc-provider's token action, in its order."""
    ctx = _context(request)
    params = await _client_params(request, PATHS["token"], KNOWN_PARAMS)
    client = authenticate_client(params, request.headers, ctx)
    reject_dupes(params, ["grant_type"])
    grant_type = params.get("grant_type", [""])[0]
    module = GRANT_HANDLERS.get(grant_type)
    if module is not None:
        keep = AUTH_PARAMS | module.PARAMETERS | {"grant_type"}
        params = {k: v for k, v in params.items() if k in keep}
    require(params, "grant_type")
    if module is None:
        raise UnsupportedGrantTypeError()
    if grant_type not in client.grant_types:
        raise InvalidRequestError("requested grant type is not allowed for this client")
    reject_dupes(params, [k for k in params if k not in module.DUPLICABLE])
    body = module.handle(TokenRequest(params, client), ctx)
    return JSONResponse(body)


_TOKEN_PARAMS = frozenset({"token", "token_type_hint", *AUTH_PARAMS})


async def _token_request(request: Request, path: str) -> tuple[Application, str, GrantContext]:
    """Introspection and revocation share client authentication and the `token` parameter."""
    ctx = _context(request)
    params = await _client_params(request, path, _TOKEN_PARAMS)
    client = authenticate_client(params, request.headers, ctx)
    reject_dupes(params, [k for k in params if k not in AUTH_PARAMS])
    require(params, "token")
    return client, params["token"][0], ctx


def _live_refresh_token(ctx: GrantContext, value: str) -> RefreshToken | None:
    token = ctx.store.refresh_token(value)
    if token is None or token.expires_at <= ctx.clock() or ctx.store.grant(token.grant_id) is None:
        return None
    if token.consumed_at is not None:
        return None
    return token


async def introspection(request: Request) -> Response:
    """`POST /oidc/token/introspection` (RFC 7662).

    Opaque access tokens and refresh tokens are introspectable; JWT access tokens and unknown
    tokens answer `{"active": false}` (Logto v1.37). A public client sees only its own tokens.
    """
    client, value, ctx = await _token_request(request, PATHS["introspection"])
    token: OpaqueAccessToken | RefreshToken | None = ctx.store.access_token(value)
    if token is None:
        token = _live_refresh_token(ctx, value)
    if token is None or (not client.is_confidential and token.client_id != client.id):
        return JSONResponse({"active": False})
    body: dict[str, Any] = {
        "active": True,
        "sub": token.account_id,
        "client_id": token.client_id,
        "exp": token.expires_at,
        "iat": token.issued_at,
        "iss": ctx.issuer.issuer,
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
    client, value, ctx = await _token_request(request, PATHS["revocation"])
    store = ctx.store
    refresh = store.refresh_token(value)
    if refresh is not None and refresh.client_id == client.id:
        store.refresh_tokens.pop(value, None)
        store.revoke_grant(refresh.grant_id)
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
    ctx = _context(request)
    realm = ctx.issuer.issuer
    value = None
    authorization = request.headers.get("authorization", "")
    if authorization[:7].lower() == "bearer ":
        value = authorization[7:].strip() or None
    elif request.method == "POST":
        params = await _client_params(request, PATHS["userinfo"], frozenset({"access_token"}))
        value = params.get("access_token", [None])[0]
    if value is None:
        raise InvalidRequestError(
            "no access token provided",
            headers={"WWW-Authenticate": _bearer_challenge(realm)},
        )
    token = ctx.store.access_token(value)
    user = ctx.tenant.users.get(token.account_id) if token else None
    if token is None or user is None or user.is_suspended:
        error = InvalidTokenError()
        error.headers["WWW-Authenticate"] = _bearer_challenge(realm, error)
        raise error
    if "openid" not in token.scopes:
        insufficient = InsufficientScopeError("access token missing openid scope", scope="openid")
        insufficient.headers["WWW-Authenticate"] = _bearer_challenge(realm, insufficient)
        raise insufficient
    body = json_bytes(user_claims(ctx.tenant, user, token.scopes, "userinfo"))
    tag = etag(body)
    if request.headers.get("if-none-match") == tag:
        return Response(status_code=304, headers={"ETag": tag})
    return Response(body, media_type=JSONResponse.media_type, headers={"ETag": tag})


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
