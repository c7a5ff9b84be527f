"""Builds and signs tokens. The only module that puts claims together.

JWT access tokens follow Logto v1.37 (oidc-provider v8 formats/jwt.js): header
`{"alg","typ":"at+jwt","kid"}` and claims `…extra, jti, sub, iat, exp, [scope], client_id, iss,
aud`, with a 21-character `jti`. ID tokens (oidc-provider v8 models/id_token.js): header
`{"alg","typ":"JWT","kid"}` and claims `sub, …user claims, [nonce], [at_hash], aud, exp, iat, iss`.
"""

from __future__ import annotations

import base64
import hashlib
import os
import threading
from typing import Any

from .jsontext import compact_encoder
from .keys import KeyStore
from .types import Clock

_ENCODE = compact_encoder(allow_nan=True)


def _claims_json(claims: dict[str, Any]) -> bytes:
    """Compact JSON of a claims object."""
    return _ENCODE(claims).encode()


_HASHES = {"ES384": hashlib.sha384, "RS256": hashlib.sha256}


def at_hash(access_token: str, alg: str) -> str:
    """OIDC Core §3.1.3.6: left half of the token's hash under the signing algorithm's hash."""
    digest = _HASHES[alg](access_token.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest[: len(digest) // 2]).rstrip(b"=").decode()


def organization_audience(organization_id: str) -> str:
    """The `aud` of organization tokens (core-kit `buildOrganizationUrn`)."""
    return f"urn:logto:organization:{organization_id}"


class _RandomBytes:
    """`os.urandom` bytes read a page at a time: one system call per hundred ids, not per id.

    The same bytes `secrets.token_bytes` would give; never shared across a fork (a child
    starts a fresh page) nor between threads (a lock guards the position).
    """

    _PAGE = 4096

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._page = b""
        self._used = 0
        os.register_at_fork(after_in_child=self._forget)

    def _forget(self) -> None:
        self._lock = threading.Lock()
        self._page, self._used = b"", 0

    def take(self, count: int) -> bytes:
        """`count` fresh random bytes."""
        if count > self._PAGE:
            return os.urandom(count)
        with self._lock:
            start = self._used
            if start + count > len(self._page):
                self._page, start = os.urandom(self._PAGE), 0
            self._used = start + count
            return self._page[start : start + count]


_RANDOM = _RandomBytes()


def random_id(length: int = 21) -> str:
    """A URL-safe random id like nanoid's (jti, opaque tokens): `secrets.token_urlsafe`'s."""
    text = base64.urlsafe_b64encode(_RANDOM.take(length)).rstrip(b"=").decode("ascii")
    return text[:length]


class TokenIssuer:
    """Signs the tenant's tokens with its key store; time comes from the injected clock."""

    def __init__(self, keys: KeyStore, issuer: str, clock: Clock) -> None:
        self.keys = keys
        self.issuer = issuer
        self.clock = clock

    def access_token(
        self,
        *,
        sub: str,
        client_id: str,
        audience: str,
        scope: str | None,
        ttl: int,
        extra: dict[str, Any] | None = None,
        jti: str | None = None,
    ) -> str:
        """A JWT access token; `scope=None` leaves the claim out (Logto: nothing granted).

        Claims of `extra` named like a standard claim keep their place but get the standard value.
        """
        now = self.clock()
        claims: dict[str, Any] = dict(extra) if extra else {}
        claims["jti"] = jti or random_id()
        claims["sub"] = sub
        claims["iat"] = now
        claims["exp"] = now + ttl
        if scope is not None:
            claims["scope"] = scope
        else:  # oidc-provider sets `scope: undefined`, which drops an extra `scope` too
            claims.pop("scope", None)
        claims["client_id"] = client_id
        claims["iss"] = self.issuer
        claims["aud"] = audience
        key = self.keys.current
        header = {"alg": key.alg, "typ": "at+jwt", "kid": key.kid}
        return self.keys.sign(header, _claims_json(claims))

    def id_token(
        self,
        claims: dict[str, Any],
        *,
        client_id: str,
        ttl: int,
        nonce: str | None,
        access_token: str | None,
    ) -> str:
        """An ID token for `client_id` carrying the user's `claims` (which start with `sub`)."""
        now = self.clock()
        key = self.keys.current
        payload = dict(claims)
        if nonce is not None:
            payload["nonce"] = nonce
        if access_token is not None:
            payload["at_hash"] = at_hash(access_token, key.alg)
        payload["aud"] = client_id
        payload["exp"] = now + ttl
        payload["iat"] = now
        payload["iss"] = self.issuer
        header = {"alg": key.alg, "typ": "JWT", "kid": key.kid}
        return self.keys.sign(header, _claims_json(payload))
