"""Tokens read and verified independently of the package: PyJWT, fed only published keys, as a
resource server would (tests never verify with our own signer)."""

from __future__ import annotations

import base64
import json
import urllib.request
from typing import Any

import jwt
from jwt.types import Options


def verify_access_token(
    token: str, jwks: dict[str, Any], *, issuer: str, audience: str, now: int | None = None
) -> dict[str, Any]:
    """Verify signature, `iss`, `aud` and expiry against `jwks`; return the claims."""
    header = jwt.get_unverified_header(token)
    key = jwt.PyJWKSet.from_dict(jwks)[header["kid"]]
    options: Options = {"require": ["exp", "iat", "iss", "aud", "sub"]}
    if now is not None:
        # PyJWT reads the wall clock; with an injected server clock, check exp by hand.
        options["verify_exp"] = False
        options["verify_iat"] = False
    claims: dict[str, Any] = jwt.decode(
        token,
        key=key,
        algorithms=[header["alg"]],
        audience=audience,
        issuer=issuer,
        options=options,
    )
    if now is not None:
        assert claims["iat"] <= now < claims["exp"]
    return claims


def verify_over_http(
    token: str, issuer: str, audience: str, *, algorithms: list[str] | None = None
) -> dict[str, Any]:
    """Verify a running server's token as a resource server does: discovery at `issuer`, then
    the signing key fetched from its `jwks_uri`. The algorithms are discovery's unless given."""
    with urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration") as response:
        discovery = json.load(response)
    assert discovery["issuer"] == issuer
    signing_key = jwt.PyJWKClient(discovery["jwks_uri"]).get_signing_key_from_jwt(token)
    claims: dict[str, Any] = jwt.decode(
        token,
        signing_key,
        algorithms=algorithms or discovery["id_token_signing_alg_values_supported"],
        audience=audience,
        issuer=issuer,
    )
    return claims


def _b64json(segment: str) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    )
    return value


def decode_unverified(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A JWT's header and claims as sent, members in order, without verifying anything."""
    header, payload, _ = token.split(".")
    return _b64json(header), _b64json(payload)
