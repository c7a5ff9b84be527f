"""What every grant shares: the parsed request, client authentication, parameter rules.

The order of checks is node-oidc-provider's token action (lib/actions/token.js and
lib/shared/token_auth.js at the commit Logto v1.37.0 pins), because clients see which error
wins when a request has several problems.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import parse_qsl, unquote, urlsplit

from ..errors import InvalidClientError, InvalidRequestError
from ..models import Application, Tenant
from ..settings import Settings
from ..store import Store
from ..tokens import TokenIssuer
from ..types import Clock

Params = dict[str, list[str]]

#: oidc-provider reads at most this much of a token-endpoint body (raw-body `limit: '56kb'`).
MAX_BODY_BYTES = 56 * 1024

#: `token_type` of every access token Logto issues.
BEARER = "Bearer"
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
AUTH_PARAMS = frozenset({"client_id", "client_secret"})
_AUTH_PARAMS_ORDERED = ("client_id", "client_secret")
_NOT_VSCHAR = re.compile(r"[^\x20-\x7e]")
_BASE64_JUNK = re.compile(r"[^A-Za-z0-9+/]")
_PKCE_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~")


@dataclass(slots=True)
class GrantContext:
    """The server state a grant handler may use."""

    tenant: Tenant
    issuer: TokenIssuer
    settings: Settings
    clock: Clock
    store: Store


@dataclass(slots=True)
class TokenRequest:
    """A token request after client authentication."""

    params: Params
    client: Application

    def get(self, name: str) -> str | None:
        """The single value of a parameter (duplicates were rejected earlier), or None."""
        values = self.params.get(name)
        return values[0] if values else None

    def all(self, name: str) -> list[str]:
        """Every value of a repeatable parameter such as `resource`."""
        return self.params.get(name, [])


class GrantHandler(Protocol):
    """A grant module: `GRANT_TYPE`, `PARAMETERS`, `DUPLICABLE` and `handle`."""

    GRANT_TYPE: str
    PARAMETERS: frozenset[str]
    DUPLICABLE: frozenset[str]

    def handle(self, request: TokenRequest, ctx: GrantContext) -> dict[str, Any]:
        """Validate, then build the token response body."""
        ...


def _format_list(names: Iterable[str]) -> str:
    """`'a'`, `'a' and 'b'`, `'a', 'b', and 'c'` (Intl.ListFormat 'en' conjunction)."""
    quoted = [f"'{n}'" for n in names]
    if len(quoted) <= 2:
        return " and ".join(quoted)
    return ", ".join(quoted[:-1]) + ", and " + quoted[-1]


def reject_dupes(params: Params, names: Iterable[str]) -> None:
    """Raise `invalid_request` when any of `names` was given more than once."""
    dupes = [name for name in names if len(params.get(name, ())) > 1]
    if dupes:
        noun = "parameter" if len(dupes) == 1 else "parameters"
        raise InvalidRequestError(f"{_format_list(dupes)} {noun} must not be provided twice")


def require(params: Params, *names: str) -> None:
    """Raise `invalid_request` naming the missing parameters (validate_presence.js)."""
    missing = [name for name in names if not params.get(name)]
    if missing:
        noun = "parameter" if len(missing) == 1 else "parameters"
        raise InvalidRequestError(f"missing required {noun} {_format_list(missing)}")


def check_pkce_format(value: str, name: str) -> None:
    """RFC 7636 §4.1: 43 to 128 unreserved characters (oidc-provider helpers/pkce_format.js)."""
    if len(value) < 43:
        raise InvalidRequestError(f"{name} must be a string with a minimum length of 43 characters")
    if len(value) > 128:
        raise InvalidRequestError(
            f"{name} must be a string with a maximum length of 128 characters"
        )
    if not set(value) <= _PKCE_ALPHABET:
        raise InvalidRequestError(f"{name} contains invalid characters")


def _media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _charset(content_type: str) -> str:
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip('"')
    return "utf-8"


def _from_json(body: str) -> Params:
    """Logto turns a JSON body into form parameters (core/oidc/init.ts); bad JSON → none."""
    try:
        data = json.loads(body)
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}

    def text(value: Any) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, str | int | float):
            return str(value)
        return ""

    params: Params = {}
    for key, value in data.items():
        values = value if isinstance(value, list) else [value]
        params[key] = [text(v) for v in values]
    return params


def parse_body(body: bytes, content_type: str | None, path: str, allowed: frozenset[str]) -> Params:
    """Form (or JSON) body → parameters, keeping only the names some grant knows."""
    if len(body) > MAX_BODY_BYTES:
        raise InvalidRequestError("failed to parse the request body", detail="body too large")
    if not content_type:
        return {}
    media_type = _media_type(content_type)
    if media_type not in (FORM, JSON):
        raise InvalidRequestError(f"only {FORM} content-type bodies are supported on POST {path}")
    try:
        text = body.decode(_charset(content_type))
    except (LookupError, UnicodeDecodeError) as exc:
        raise InvalidRequestError("failed to parse the request body", detail=str(exc)) from exc
    if media_type == JSON:
        raw = _from_json(text)
    else:
        raw = {}
        for key, value in parse_qsl(text, keep_blank_values=True):
            raw.setdefault(key, []).append(value)
    # oidc-provider's Params drops empty values: `params[prop] || undefined`.
    return {k: v for k, v in raw.items() if k in allowed and any(v)}


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


def _secret_matches(client: Application, secret: str, now_ms: int) -> bool:
    """Constant-time comparison against every secret the app accepts."""
    given = secret.encode()
    matched = hmac.compare_digest(given, client.internal_secret.encode())
    for named in client.secrets:
        if hmac.compare_digest(given, named.value.encode()):
            if named.expires_at is not None and named.expires_at < now_ms:
                raise InvalidRequestError("client secret has expired")
            matched = True
    return matched


def origin_allowed(origin: str, client: Application) -> bool:
    """Logto's CORS rule: the origins of the redirect URIs, plus `corsAllowedOrigins`."""
    if origin in client.custom_client_metadata.get("corsAllowedOrigins", ()):
        return True
    for uri in client.redirect_uris:
        parts = urlsplit(uri)
        if f"{parts.scheme}://{parts.netloc}" == origin:
            return True
    return False


def authenticate_client(
    params: Params, headers: Mapping[str, str], ctx: GrantContext
) -> Application:
    """Client authentication of the token, introspection and revocation endpoints.

    `client_secret_basic` and `client_secret_post` are both accepted for confidential apps
    (Logto registers `client_secret_basic`, and a secret anywhere makes oidc-provider try both);
    public apps (SPA, Native) send only `client_id`.
    """
    reject_dupes(params, _AUTH_PARAMS_ORDERED)
    body_id = params["client_id"][0] if "client_id" in params else None
    body_secret = params["client_secret"][0] if "client_secret" in params else None
    authorization = headers.get("authorization")

    if authorization is not None:
        parts = authorization.split(" ")
        if len(parts) != 2 or parts[0].lower() != "basic":
            raise InvalidRequestError("invalid authorization header value format")
        basic = _lenient_b64decode(parts[1])
        user, colon, password = basic.partition(":")
        if not colon:
            raise InvalidRequestError("invalid authorization header value format")
        try:
            client_id, secret = _decode_credential(user), _decode_credential(password)
        except ValueError as exc:
            raise InvalidRequestError(
                "client_id and client_secret in the authorization header are not properly encoded"
            ) from exc
        if body_id is not None and body_id != client_id:
            raise InvalidRequestError("mismatch in body and authorization client ids")
        if not secret:
            raise InvalidRequestError("client_secret must be provided in the Authorization header")
        if body_secret is not None:
            raise InvalidRequestError(
                "client authentication must only be provided using one mechanism"
            )
        secret_given: str | None = secret
    elif body_id is not None:
        client_id, secret_given = body_id, body_secret
    else:
        raise InvalidRequestError("no client authentication mechanism provided")

    client = ctx.tenant.applications.get(client_id)
    if client is None:
        # Logto's client lookup words this differently from oidc-provider, and answers 400.
        raise InvalidClientError(f"invalid client {client_id}", status_code=400)

    # WWW-Authenticate accompanies a 401 when the request carried an Authorization header.
    challenge = (
        {
            "WWW-Authenticate": (
                f'Basic realm="{ctx.issuer.issuer}", error="invalid_client", '
                'error_description="client authentication failed"'
            )
        }
        if authorization is not None
        else None
    )
    if client.is_confidential:
        if secret_given is None:
            raise InvalidClientError(
                detail="the provided authentication mechanism does not match the registered one",
                headers=challenge,
            )
        if not _secret_matches(client, secret_given, ctx.clock() * 1000):
            raise InvalidClientError(detail="invalid secret provided", headers=challenge)
    elif secret_given is not None:
        raise InvalidClientError(
            detail="public clients authenticate with client_id only", headers=challenge
        )

    origin = headers.get("origin")
    if origin and not origin_allowed(origin, client):
        refused = InvalidRequestError(f"origin {origin} not allowed for client: {client.id}")
        refused.cors_refused = True
        raise refused
    return client
