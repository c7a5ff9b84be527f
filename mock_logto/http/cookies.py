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
from collections.abc import Mapping
from email.utils import formatdate

from starlette.responses import Response


def http_date(seconds: int) -> str:
    """An RFC 7231 date (`Mon, 23 Nov 2026 04:22:19 GMT`)."""
    return formatdate(seconds, usegmt=True)


class CookieSigner:
    """Signs and checks cookies with one secret key (fresh per server unless given)."""

    def __init__(self, key: bytes | None = None) -> None:
        self.key = key or secrets.token_bytes(32)

    def signature(self, name: str, value: str) -> str:
        """Keygrip's signature of `name=value`: URL-safe base64 of HMAC-SHA1, unpadded."""
        mac = hmac.new(self.key, f"{name}={value}".encode(), hashlib.sha1).digest()
        return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()

    def read(self, cookies: Mapping[str, str], name: str) -> str | None:
        """The cookie's value if present and correctly signed, else None."""
        value = cookies.get(name)
        signature = cookies.get(f"{name}.sig")
        if value is None or signature is None:
            return None
        if not hmac.compare_digest(signature, self.signature(name, value)):
            return None
        return value


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
