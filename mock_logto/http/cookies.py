"""Signed cookies the way Koa writes them (the `cookies` package with keygrip).

Each signed cookie travels with a `<name>.sig` companion holding a 27-character HMAC-SHA1 of
`name=value`; a cookie whose signature does not match is treated as absent, as oidc-provider does.
Values are written raw (Logto's `_interaction` cookie is JSON), so headers are built by hand.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import string
import time
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import formatdate

from starlette.responses import Response

_ID_ALPHABET = string.ascii_lowercase + string.digits


def http_date(seconds: int) -> str:
    """An RFC 7231 date (`Mon, 23 Nov 2026 04:22:19 GMT`)."""
    return formatdate(seconds, usegmt=True)


@dataclass(frozen=True, slots=True)
class CookieKey:
    """One cookie-signing key with Logto's `id` and `createdAt` (seconds)."""

    id: str
    value: bytes
    created_at: int


def _cookie_key(value: bytes | None = None, created_at: int | None = None) -> CookieKey:
    key_id = "".join(secrets.choice(_ID_ALPHABET) for _ in range(21))
    when = int(time.time()) if created_at is None else created_at
    return CookieKey(key_id, value or secrets.token_bytes(32), when)


class CookieSigner:
    """Signs cookies with the first key and accepts any key's signature (keygrip).

    One fresh key per server unless given; Logto's cookie-key rotation puts a new key first.
    """

    def __init__(self, key: bytes | None = None) -> None:
        self.keys: list[CookieKey] = [_cookie_key(key)]

    @property
    def key(self) -> bytes:
        """The key that signs."""
        return self.keys[0].value

    def signature(self, name: str, value: str, key: bytes | None = None) -> str:
        """Keygrip's signature of `name=value`: URL-safe base64 of HMAC-SHA1, unpadded."""
        mac = hmac.new(key or self.key, f"{name}={value}".encode(), hashlib.sha1).digest()
        return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()

    def read(self, cookies: Mapping[str, str], name: str) -> str | None:
        """The cookie's value if present and signed by one of the keys, else None."""
        value = cookies.get(name)
        signature = cookies.get(f"{name}.sig")
        if value is None or signature is None:
            return None
        for key in self.keys:
            if hmac.compare_digest(signature, self.signature(name, value, key.value)):
                return value
        return None

    def rotate(self, keep: int, created_at: int | None = None) -> CookieKey:
        """A new key signs from now on; only the `keep` newest keys are kept."""
        key = _cookie_key(created_at=created_at)
        self.keys.insert(0, key)
        del self.keys[keep:]
        return key

    def remove(self, key_id: str) -> bool:
        """Drop the key with this id; False when there is none."""
        kept = [k for k in self.keys if k.id != key_id]
        removed = len(kept) != len(self.keys)
        self.keys = kept
        return removed


def _header(name: str, value: str, attributes: str) -> str:
    return f"{name}={value}; {attributes}"


def set_cookie(response: Response, name: str, value: str, attributes: str) -> None:
    """Append one raw `Set-Cookie` header."""
    response.raw_headers.append((b"set-cookie", _header(name, value, attributes).encode("latin-1")))


def set_signed(
    response: Response,
    signer: CookieSigner,
    name: str,
    value: str,
    *,
    path: str,
    expires: int,
    session_style: bool = False,
) -> None:
    """Append a signed cookie and its `.sig`, `httponly` and `samesite=lax` as Koa sets them.

    `session_style` puts `expires` last, as oidc-provider's session cookies have it.
    """
    when = http_date(expires)
    if session_style:
        attributes = f"path={path}; samesite=lax; httponly; expires={when}"
    else:
        attributes = f"path={path}; expires={when}; samesite=lax; httponly"
    set_cookie(response, name, value, attributes)
    set_cookie(response, f"{name}.sig", signer.signature(name, value), attributes)


def clear_signed(response: Response, signer: CookieSigner, name: str, *, path: str) -> None:
    """Expire a signed cookie (empty value, epoch date), signature included, as Koa does."""
    set_signed(response, signer, name, "", path=path, expires=0)
