"""An independent verifier: PyJWT, fed only a published JWKS, as a resource server would."""

from __future__ import annotations

from typing import Any

import jwt


def verify_access_token(
    token: str, jwks: dict[str, Any], *, issuer: str, audience: str, now: int | None = None
) -> dict[str, Any]:
    """Verify signature, `iss`, `aud` and expiry against `jwks`; return the claims."""
    header = jwt.get_unverified_header(token)
    key = jwt.PyJWKSet.from_dict(jwks)[header["kid"]]
    options: dict[str, Any] = {"require": ["exp", "iat", "iss", "aud", "sub"]}
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
