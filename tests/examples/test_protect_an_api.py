"""Protect a FastAPI API with Logto access tokens, and test it against mock-logto."""

from typing import Any

import httpx
import jwt
from fastapi import Depends, FastAPI, HTTPException
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.testclient import TestClient

API = "https://api.example.com"


def create_api(issuer: str, audience: str = API) -> FastAPI:
    """The API under test: it trusts tokens signed by the keys at `<issuer>/jwks`."""
    jwks = jwt.PyJWKClient(f"{issuer}/jwks")
    bearer = HTTPBearer()
    api = FastAPI()

    def claims(credentials: HTTPAuthorizationCredentials = Depends(bearer)) -> dict[str, Any]:
        try:
            key = jwks.get_signing_key_from_jwt(credentials.credentials)
            return jwt.decode(
                credentials.credentials, key, algorithms=["ES384"], audience=audience, issuer=issuer
            )
        except jwt.PyJWTError as exc:
            raise HTTPException(401, "invalid token") from exc

    def reader(token: dict[str, Any] = Depends(claims)) -> dict[str, Any]:
        if "read:items" not in token.get("scope", "").split():
            raise HTTPException(403, "read:items required")
        return token

    @api.get("/items")
    def items(token: dict[str, Any] = Depends(reader)) -> dict[str, Any]:
        return {"subject": token["sub"], "items": ["a", "b"]}

    return api


def test_a_user_with_the_scope_lists_items(mock_logto):
    api = TestClient(create_api(mock_logto.issuer))
    token = mock_logto.issue_token("demo-web", user="bob", resource=API, scopes=["read:items"])
    response = api.get("/items", headers={"Authorization": f"Bearer {token}"})
    assert response.json() == {"subject": "user-bob", "items": ["a", "b"]}


def test_a_machine_token_from_the_token_endpoint_works_too(mock_logto):
    api = TestClient(create_api(mock_logto.issuer))
    token = httpx.post(
        mock_logto.token_endpoint,
        auth=("demo-m2m", "demo-m2m-secret"),
        data={"grant_type": "client_credentials", "resource": API, "scope": "read:items"},
    ).json()["access_token"]
    response = api.get("/items", headers={"Authorization": f"Bearer {token}"})
    assert response.json()["subject"] == "demo-m2m"


def test_missing_scope_wrong_audience_and_expiry_are_refused(mock_logto):
    api = TestClient(create_api(mock_logto.issuer))
    no_scope = mock_logto.issue_token("demo-web", user="bob", resource=API)
    other_api = mock_logto.issue_token("demo-m2m", resource=mock_logto.management_api_indicator)
    expired = mock_logto.issue_token(
        "demo-m2m", resource=API, scopes=["read:items"], expires_in=-60
    )
    statuses = [
        api.get("/items", headers={"Authorization": f"Bearer {token}"}).status_code
        for token in (no_scope, other_api, expired)
    ]
    assert statuses == [403, 401, 401]
