"""Custom JWT set from Python (pytest handle) and from the control API; verified with PyJWT."""

from __future__ import annotations

from typing import Any

import jwt
import pytest

from mock_logto.customjwt.config import DenyAccess
from mock_logto.testing import MockLogto

from .support.verify import verify_access_token


def _m2m_token(logto: MockLogto) -> Any:
    import httpx

    app = next(iter(logto.runtime.tenant.applications.values()))
    for candidate in logto.runtime.tenant.applications.values():
        if candidate.type == "MachineToMachine" and candidate.role_ids:
            app = candidate
            break
    return httpx.post(
        logto.token_endpoint,
        data={
            "grant_type": "client_credentials",
            "resource": logto.management_api_indicator,
            "scope": "all",
        },
        auth=(app.id, app.internal_secret),
    )


def test_python_function_adds_claims_and_denies(mock_logto: MockLogto) -> None:
    seen: list[dict[str, Any]] = []

    def customize(payload: dict[str, Any]) -> dict[str, Any]:
        seen.append(payload)
        return {"tier": "gold", "sub": "not-overridden"}

    mock_logto.customize_claims("client-credentials", customize)
    response = _m2m_token(mock_logto)
    assert response.status_code == 200, response.text
    token = response.json()["access_token"]
    jwks = httpx_get_json(mock_logto.jwks_uri)
    claims = verify_access_token(
        token,
        jwks,
        issuer=mock_logto.issuer,
        audience=mock_logto.management_api_indicator,
        now=mock_logto.clock(),
    )
    assert list(claims)[0] == "tier" and claims["tier"] == "gold"
    assert claims["sub"] == claims["client_id"]
    assert seen[0]["token"]["kind"] == "ClientCredentials"
    assert seen[0]["context"]["application"]["id"] == claims["client_id"]

    def deny(payload: dict[str, Any]) -> dict[str, Any]:
        raise DenyAccess("no tokens today")

    mock_logto.customize_claims("client-credentials", deny)
    denied = _m2m_token(mock_logto)
    assert (denied.status_code, denied.json()) == (
        400,
        {
            "code": "oidc.access_denied",
            "message": "Access denied.",
            "error": "access_denied",
            "error_description": "no tokens today",
        },
    )
    mock_logto.customize_claims("client-credentials", None)
    assert "tier" not in jwt.decode(
        _m2m_token(mock_logto).json()["access_token"], options={"verify_signature": False}
    )


def httpx_get_json(url: str) -> dict[str, Any]:
    import httpx

    body: dict[str, Any] = httpx.get(url).json()
    return body


def test_unknown_token_type_is_refused(mock_logto: MockLogto) -> None:
    with pytest.raises(ValueError, match="token_type"):
        mock_logto.customize_claims("id-token", lambda payload: {})
