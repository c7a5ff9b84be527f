"""Client authentication of the token, introspection and revocation endpoints.

The steps run in oidc-provider's order (lib/shared/token_auth.js and client_auth.js at the
commit Logto v1.37.0 pins), because a client sees which error wins:

1. :func:`read_credentials`: `client_id`/`client_secret` from the Basic header or the body;
2. :func:`find_client`: the application, else Logto's 400 `invalid_client`;
3. :func:`check_secret`: confidential apps (M2M, Traditional) prove a secret, public apps
   (SPA, Native) must not send one;
4. :func:`check_origin`: a browser origin must be one the app allows.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from ..errors import InvalidClientError, InvalidRequestError
from ..models import Application, Tenant
from ..ops import built_in
from .params import Params, reject_dupes

#: The parameters client authentication reads.
AUTH_PARAMS = frozenset({"client_id", "client_secret"})
_AUTH_PARAMS_ORDERED = ("client_id", "client_secret")
_NOT_VSCHAR = re.compile(r"[^\x20-\x7e]")
_BASE64_JUNK = re.compile(r"[^A-Za-z0-9+/]")


@dataclass(frozen=True, slots=True)
class Credentials:
    """What the client presented."""

    client_id: str
    secret: str | None
    #: Whether they came in an `Authorization: Basic` header (a 401 then carries a challenge).
    basic: bool


def authenticate_client(
    params: Params, headers: Mapping[str, str | None], tenant: Tenant, issuer: str, now: int
) -> Application:
    """The authenticated application, or the error oidc-provider answers first."""
    credentials = read_credentials(params, headers.get("authorization"))
    client = find_client(tenant, credentials.client_id, issuer)
    check_secret(client, credentials, issuer, now)
    check_origin(client, headers.get("origin"))
    return client


def read_credentials(params: Params, authorization: str | None) -> Credentials:
    """Exactly one mechanism: a Basic header (no body secret), or `client_id` in the body."""
    reject_dupes(params, _AUTH_PARAMS_ORDERED)
    body_id = params["client_id"][0] if "client_id" in params else None
    body_secret = params["client_secret"][0] if "client_secret" in params else None
    if authorization is None:
        if body_id is None:
            raise InvalidRequestError("no client authentication mechanism provided")
        return Credentials(body_id, body_secret, basic=False)
    client_id, secret = basic_credentials(authorization)
    if body_id is not None and body_id != client_id:
        raise InvalidRequestError("mismatch in body and authorization client ids")
    if not secret:
        raise InvalidRequestError("client_secret must be provided in the Authorization header")
    if body_secret is not None:
        raise InvalidRequestError("client authentication must only be provided using one mechanism")
    return Credentials(client_id, secret, basic=True)


@functools.lru_cache(maxsize=256)
def basic_credentials(authorization: str) -> tuple[str, str]:
    """RFC 6749 §2.3.1: form-urlencoded id and secret in a Basic header, decoded as Node does.

    Cached: a client sends the same header with every request (a refusal is not cached).
    """
    parts = authorization.split(" ")
    if len(parts) != 2 or parts[0].lower() != "basic":
        raise InvalidRequestError("invalid authorization header value format")
    user, colon, password = _lenient_b64decode(parts[1]).partition(":")
    if not colon:
        raise InvalidRequestError("invalid authorization header value format")
    try:
        return _decode_credential(user), _decode_credential(password)
    except ValueError as exc:
        raise InvalidRequestError(
            "client_id and client_secret in the authorization header are not properly encoded"
        ) from exc


def find_client(tenant: Tenant, client_id: str, issuer: str = "") -> Application:
    """The application (or built-in client); a miss is worded as Logto's lookup, with 400."""
    client = built_in.find_client(tenant, client_id, issuer)
    if client is None:
        raise InvalidClientError(f"invalid client {client_id}", status_code=400)
    return client


def check_secret(client: Application, credentials: Credentials, issuer: str, now: int) -> None:
    """Confidential apps prove a live secret; public apps send none."""
    challenge = (
        {
            "WWW-Authenticate": (
                f'Basic realm="{issuer}", error="invalid_client", '
                'error_description="client authentication failed"'
            )
        }
        if credentials.basic
        else None
    )
    if not client.is_confidential:
        if credentials.secret is not None:
            raise InvalidClientError(
                detail="public clients authenticate with client_id only", headers=challenge
            )
        return
    if credentials.secret is None:
        raise InvalidClientError(
            detail="the provided authentication mechanism does not match the registered one",
            headers=challenge,
        )
    if not secret_matches(client, credentials.secret, now * 1000):
        raise InvalidClientError(detail="invalid secret provided", headers=challenge)


def secret_matches(client: Application, secret: str, now_ms: int) -> bool:
    """Constant-time comparison against every secret the app accepts; expired ones refuse."""
    given = secret.encode()
    matched = hmac.compare_digest(given, client.internal_secret.encode())
    for named in client.secrets:
        if hmac.compare_digest(given, named.value.encode()):
            if named.expires_at is not None and named.expires_at < now_ms:
                expired = InvalidRequestError("client secret has expired")
                expired.before_provider = True  # Logto's koa middleware, not oidc-provider
                raise expired
            matched = True
    return matched


def check_origin(client: Application, origin: str | None) -> None:
    """A browser's origin must be allowed for the client (the answer then grants no CORS)."""
    if origin and not origin_allowed(origin, client):
        refused = InvalidRequestError(f"origin {origin} not allowed for client: {client.id}")
        refused.cors_refused = True
        raise refused


def origin_allowed(origin: str, client: Application) -> bool:
    """Logto's CORS rule: the origins of the redirect URIs, plus `corsAllowedOrigins`."""
    if origin in client.custom_client_metadata.get("corsAllowedOrigins", ()):
        return True
    for uri in client.redirect_uris:
        parts = urlsplit(uri)
        if f"{parts.scheme}://{parts.netloc}" == origin:
            return True
    return False


def _decode_credential(value: str) -> str:
    """RFC 6749 appendix B: Basic credentials are form-urlencoded."""
    decoded = unquote(value.replace("+", "%20"), errors="strict")
    if _NOT_VSCHAR.search(decoded):
        raise ValueError("invalid character found")
    return decoded


def _lenient_b64decode(value: str) -> str:
    """Decode base64 the way Node's Buffer does: skip junk, tolerate missing padding."""
    cleaned = _BASE64_JUNK.sub("", value.split("=", 1)[0])
    cleaned = cleaned[: len(cleaned) - (len(cleaned) % 4 == 1)]
    try:
        raw = base64.b64decode(cleaned + "=" * (-len(cleaned) % 4))
    except binascii.Error:
        return ""
    return raw.decode("utf-8", errors="replace")
