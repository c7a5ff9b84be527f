"""The Management API's authentication (core/middleware/koa-auth).

A Bearer JWT issued by this server for the Management API indicator, with the `all` scope.
Failures answer as Logto does, including the `jose` error it puts in `data` (golden/
management-api/07–11b): a wrong audience echoes the token's whole payload.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from starlette.requests import Request

from ..errors import ManagementApiError
from ..http.api import bearer_token
from ..runtime import runtime_of

UNAUTHORIZED = "Unauthorized. Please check credentials and its scope."


def _unauthorized(data: dict[str, Any]) -> ManagementApiError:
    return ManagementApiError("auth.unauthorized", UNAUTHORIZED, status_code=401, data=data)


def _claim_failed(code: str, name: str, claim: str, payload: dict[str, Any]) -> ManagementApiError:
    return _unauthorized(
        {"code": code, "name": name, "claim": claim, "reason": "check_failed", "payload": payload}
    )


def _header(token: str) -> dict[str, Any]:
    """The JWS header of a token `_payload` accepted."""
    segment = token.split(".", 1)[0]
    header: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    )
    return header


def _payload(token: str) -> dict[str, Any] | None:
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        header = json.loads(base64.urlsafe_b64decode(parts[0] + "=" * (-len(parts[0]) % 4)))
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except ValueError:
        return None
    if not isinstance(header, dict) or not isinstance(payload, dict):
        return None
    return payload


def authenticate(request: Request) -> dict[str, Any]:
    """The verified claims of the request's Management API token, or Logto's 401/403."""
    rt = runtime_of(request)
    token = bearer_token(request)
    if _payload(token) is None:
        raise _unauthorized({"code": "ERR_JWS_INVALID", "name": "JWSInvalid"})
    if not rt.keys.candidates(_header(token)):  # e.g. a deleted key's token (keys-logs/47)
        raise _unauthorized({"code": "ERR_JWKS_NO_MATCHING_KEY", "name": "JWKSNoMatchingKey"})
    claims = rt.keys.verify(token)
    if claims is None:
        raise _unauthorized(
            {
                "code": "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
                "name": "JWSSignatureVerificationFailed",
            }
        )
    if claims.get("iss") != rt.settings.issuer:
        raise _claim_failed(
            "ERR_JWT_CLAIM_VALIDATION_FAILED", "JWTClaimValidationFailed", "iss", claims
        )
    audience = claims.get("aud")
    indicator = rt.settings.management_api_indicator
    if audience != indicator and not (isinstance(audience, list) and indicator in audience):
        raise _claim_failed(
            "ERR_JWT_CLAIM_VALIDATION_FAILED", "JWTClaimValidationFailed", "aud", claims
        )
    # jose checks `nbf` before `exp` (jwt_claims_set.js).
    not_before = claims.get("nbf")
    if isinstance(not_before, int | float) and not_before > rt.clock():
        raise _claim_failed(
            "ERR_JWT_CLAIM_VALIDATION_FAILED", "JWTClaimValidationFailed", "nbf", claims
        )
    exp = claims.get("exp")
    if not isinstance(exp, int) or exp <= rt.clock():
        raise _claim_failed("ERR_JWT_EXPIRED", "JWTExpired", "exp", claims)
    if "all" not in str(claims.get("scope", "")).split():
        raise ManagementApiError(
            "auth.forbidden",
            "Forbidden. Please check your user roles and permissions.",
            status_code=403,
        )
    return claims
