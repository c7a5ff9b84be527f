"""Logto's audit logs (`/api/logs`) of what this server did: token requests, sign-ins.

Recording must cost nearly nothing on the token endpoint: each event is one tuple appended to
a bounded deque, holding references the request already made (its parsed parameters, headers,
the answer's body or the error). Log entries in Logto's shape (packages/schemas logs table,
core/middleware/koa-audit-log.ts, event-listeners/grant.ts and interaction.ts) are built only
when read. Ids are derived from a sequence number and a per-process salt, so none is drawn
while recording.

Logto's payload key order is kept: the `logContextPayloadGuard` keys first (key, result, error,
ip, userAgent, userId, applicationId, sessionId, params), then the rest as Postgres `jsonb`
orders object keys (shorter first, then bytewise), which nested objects follow too.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import itertools
import json
import secrets
import string
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import OAuthError

#: Logged entries kept (the oldest are dropped first).
MAX_ENTRIES = 10_000
#: Grant types Logto names in `ExchangeTokenBy.<type>`; any other is `Unknown`.
EXCHANGE_BY = {
    "authorization_code": "AuthorizationCode",
    "refresh_token": "RefreshToken",
    "client_credentials": "ClientCredentials",
    "urn:ietf:params:oauth:grant-type:token-exchange": "TokenExchange",
}
#: Key prefixes `GET /api/logs` lists (routes/log.ts): webhook logs are left out.
AUDIT_PREFIXES = (
    "ExchangeTokenBy",
    "RevokeToken",
    "Interaction",
    "JwtCustomizer",
    "Saml",
    "Unknown",
)
_SHAPE_KEYS = (
    "key",
    "result",
    "error",
    "ip",
    "userAgent",
    "userAgentParsed",
    "userId",
    "applicationId",
    "sessionId",
    "params",
)
_ID_ALPHABET = string.ascii_lowercase + string.digits
#: oidc-provider's error class names by OAuth error code.
_ERROR_CLASSES = {
    "invalid_client": "InvalidClient",
    "invalid_grant": "InvalidGrant",
    "invalid_request": "InvalidRequest",
    "invalid_scope": "InvalidScope",
    "invalid_target": "InvalidTarget",
    "unauthorized_client": "UnauthorizedClient",
    "unsupported_grant_type": "UnsupportedGrantType",
    "access_denied": "AccessDenied",
    "server_error": "ServerError",
}
_SENSITIVE = frozenset({"password", "secret"})


def jsonb_order(value: Any) -> Any:
    """`value` with every object's keys in Postgres `jsonb` order (length, then bytes)."""
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: (len(k.encode()), k.encode()))
        return {k: jsonb_order(value[k]) for k in keys}
    if isinstance(value, list):
        return [jsonb_order(v) for v in value]
    return value


def _sanitised(value: Any) -> Any:
    """koa-audit-log's `filterSensitiveData`: `password` and `secret` keys become `******`."""
    if isinstance(value, dict):
        return {k: "******" if k in _SENSITIVE else _sanitised(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_sanitised(v) for v in value]
    return value


def error_string(exc: OAuthError) -> str:
    """Logto's `stringifyError` of oidc-provider's error (its own properties, a mock stack)."""
    name = _ERROR_CLASSES.get(exc.error, "OIDCProviderError")
    if exc.error == "invalid_client" and exc.detail:
        name = "InvalidClientAuth"
    fields: dict[str, Any] = {
        "stack": f"{name}: {exc.error}\n    at mock-logto",
        "message": exc.error,
        "allow_redirect": True,
        "name": name,
        "error": exc.error,
        "status": exc.status,
        "statusCode": exc.status,
        "expose": exc.status < 500,
        "error_description": exc.error_description,
    }
    if exc.detail:
        fields["error_detail"] = exc.detail
    return json.dumps(fields, separators=(",", ":"), ensure_ascii=False)


def _params(params: Mapping[str, list[str]]) -> dict[str, Any]:
    """oidc-provider's `ctx.oidc.params`: one value each (a list for `resource` repeated)."""
    return {k: v[0] if len(v) == 1 else list(v) for k, v in params.items() if v}


def _jwt_claims(token: Any) -> dict[str, Any]:
    if not isinstance(token, str) or token.count(".") != 2:
        return {}
    try:
        part = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except (ValueError, binascii.Error):
        return {}
    return claims if isinstance(claims, dict) else {}


def _basic_client(headers: Mapping[str, str]) -> tuple[str, str] | None:
    raw = headers.get("authorization", "")
    if not raw.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(raw[6:], validate=True).decode()
    except (ValueError, binascii.Error):
        return None
    client_id, _, secret = decoded.partition(":")
    from urllib.parse import unquote_plus

    return unquote_plus(client_id), unquote_plus(secret)


@dataclass(frozen=True, slots=True)
class Context:
    """What a read needs to turn recorded references into Logto's fields."""

    tenant_id: str
    #: The name of the application secret `secret` is, if any (`applicationSecret.name`).
    secret_name: Callable[[str, str], str | None]
    #: Whether an application with this id exists.
    known_app: Callable[[str], bool]
    #: The account an opaque access token was issued to.
    opaque_account: Callable[[str], str | None]


class AuditLog:
    """Recorded events, newest last, at most `MAX_ENTRIES`.

    Each entry is `(seq, at_ms, kind, data)`: `kind` names the builder and `data` is its tuple.
    """

    def __init__(self) -> None:
        self.entries: deque[tuple[int, int, str, tuple[Any, ...]]] = deque(maxlen=MAX_ENTRIES)
        self._seq = itertools.count()
        self._salt = secrets.token_bytes(16)

    def clear(self) -> None:
        """Forget everything (a reset)."""
        self.entries.clear()

    def add(self, at_ms: int, kind: str, data: tuple[Any, ...]) -> None:
        """Record an event: a tuple appended, nothing built."""
        self.entries.append((next(self._seq), at_ms, kind, data))

    def log_id(self, seq: int) -> str:
        """The 21-character id of entry `seq` (stable for this process)."""
        digest = hashlib.blake2b(seq.to_bytes(8, "big"), key=self._salt, digest_size=32).digest()
        number = int.from_bytes(digest)
        chars = []
        for _ in range(21):
            number, index = divmod(number, len(_ID_ALPHABET))
            chars.append(_ID_ALPHABET[index])
        return "".join(chars)

    def read(self, context: Context) -> list[dict[str, Any]]:
        """Every entry as Logto's log, newest first."""
        return [self._build(entry, context) for entry in reversed(self.entries)]

    def _build(
        self, entry: tuple[int, int, str, tuple[Any, ...]], context: Context
    ) -> dict[str, Any]:
        seq, at_ms, kind, data = entry
        payload = _BUILDERS[kind](data, context)
        ordered = {k: payload[k] for k in _SHAPE_KEYS if k in payload}
        extra = jsonb_order({k: v for k, v in payload.items() if k not in ordered})
        for key in ("params", "error"):
            if isinstance(ordered.get(key), dict):
                ordered[key] = jsonb_order(ordered[key])
        return {
            "tenantId": context.tenant_id,
            "id": self.log_id(seq),
            "key": payload["key"],
            "payload": {**ordered, **extra},
            "createdAt": at_ms,
        }


def _base(key: str, headers: Mapping[str, str], ip: str) -> dict[str, Any]:
    payload: dict[str, Any] = {"key": key, "result": "Success", "ip": ip}
    user_agent = headers.get("user-agent")
    if user_agent is not None:
        payload["userAgent"] = user_agent
    return payload


def _token(data: tuple[Any, ...], context: Context) -> dict[str, Any]:
    """`ExchangeTokenBy.<type>` (event-listeners/grant.ts), success or error."""
    grant_type, params, headers, ip, outcome = data
    payload = _base(f"ExchangeTokenBy.{EXCHANGE_BY.get(grant_type, 'Unknown')}", headers, ip)
    flat = _params(params)
    basic = _basic_client(headers)
    client_id = basic[0] if basic else flat.get("client_id")
    secret = basic[1] if basic else flat.get("client_secret")
    failed = isinstance(outcome, OAuthError)
    body: dict[str, Any] = {} if failed else outcome
    user_id = _token_user(grant_type, body, context)
    if failed:
        payload["result"] = "Error"
        payload["error"] = error_string(outcome)
    if user_id:
        payload["userId"] = user_id
    if isinstance(client_id, str) and context.known_app(client_id):
        payload["applicationId"] = client_id
        name = (
            context.secret_name(client_id, secret)
            if isinstance(secret, str) and not failed
            else None
        )
        if name is not None:
            payload["applicationSecret"] = {"name": name}
    payload["params"] = _sanitised(flat)
    payload["tokenTypes"] = [
        kind
        for field, kind in (
            ("access_token", "AccessToken"),
            ("refresh_token", "RefreshToken"),
            ("id_token", "IdToken"),
        )
        if body.get(field)
    ]
    if body.get("scope") is not None:
        payload["scope"] = body["scope"]
    return payload


def _token_user(grant_type: str, body: dict[str, Any], context: Context) -> str | None:
    """The account a token was issued to: the ID token's or access token's `sub`."""
    if not body or grant_type == "client_credentials":
        return None
    for field in ("id_token", "access_token"):
        sub = _jwt_claims(body.get(field)).get("sub")
        if isinstance(sub, str):
            return sub
    return context.opaque_account(str(body.get("access_token", "")))


def _interaction(data: tuple[Any, ...], context: Context) -> dict[str, Any]:
    """`Interaction.Create` / `Interaction.End` (event-listeners/interaction.ts)."""
    key, headers, ip, fields = data
    payload = _base(key, headers, ip)
    payload.update(fields)
    if "params" in payload:
        payload["params"] = _sanitised(payload["params"])
    return payload


def _plain(data: tuple[Any, ...], context: Context) -> dict[str, Any]:
    """Any other entry: its key and fields as recorded (built by the caller, off the hot path)."""
    key, headers, ip, fields = data
    payload = _base(key, headers, ip)
    payload.update(_sanitised(fields))
    return payload


_BUILDERS: dict[str, Callable[[tuple[Any, ...], Context], dict[str, Any]]] = {
    "token": _token,
    "interaction": _interaction,
    "plain": _plain,
}


def listed(entries: Iterable[dict[str, Any]], query: Mapping[str, str]) -> list[dict[str, Any]]:
    """`GET /api/logs`'s filter: audit prefixes, then `userId`, `applicationId`, `logKey`."""
    found = []
    for entry in entries:
        key = entry["key"]
        if not key.startswith(AUDIT_PREFIXES):
            continue
        payload = entry["payload"]
        if query.get("userId") and payload.get("userId") != query["userId"]:
            continue
        if query.get("applicationId") and payload.get("applicationId") != query["applicationId"]:
            continue
        if query.get("logKey") and key != query["logKey"]:
            continue
        found.append(entry)
    return found
