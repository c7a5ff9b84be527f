"""An API that authorizes on a custom claim of Logto access tokens, tested against mock-logto.

The claim comes from a custom JWT script, which mock-logto runs as Logto does once its `jwt`
extra is installed: pip install 'mock-logto[jwt]'.
"""

from typing import Any

import httpx
import jwt
import pytest
from fastapi import Depends, FastAPI, HTTPException
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.testclient import TestClient

API = "https://api.example.com"

# Logto's custom JWT script for machine-to-machine tokens: the app's plan becomes a claim.
SCRIPT = """
const getCustomJwtClaims = async ({ token, context, environmentVariables }) => {
  return { plan: context.application.customData.plan ?? environmentVariables.DEFAULT_PLAN };
};
"""


def create_api(issuer: str) -> FastAPI:
    """The API under test: reports are for clients on the pro plan."""
    jwks = jwt.PyJWKClient(f"{issuer}/jwks")
    bearer = HTTPBearer()
    api = FastAPI()

    def claims(credentials: HTTPAuthorizationCredentials = Depends(bearer)) -> dict[str, Any]:
        try:
            key = jwks.get_signing_key_from_jwt(credentials.credentials)
            return jwt.decode(
                credentials.credentials, key, algorithms=["ES384"], audience=API, issuer=issuer
            )
        except jwt.PyJWTError as exc:
            raise HTTPException(401, "invalid token") from exc

    @api.get("/reports")
    def reports(token: dict[str, Any] = Depends(claims)) -> dict[str, Any]:
        if token.get("plan") != "pro":
            raise HTTPException(403, "the pro plan is required")
        return {"client": token["client_id"], "plan": token["plan"]}

    return api


@pytest.fixture
def logto_api(mock_logto):
    """The Management API, with the script set as the app's operator would set it."""
    token = mock_logto.issue_token(
        "demo-admin", resource=mock_logto.management_api_indicator, scopes=["all"]
    )
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=f"{mock_logto.base_url}/api", headers=headers) as client:
        customizer = {"script": SCRIPT, "environmentVariables": {"DEFAULT_PLAN": "free"}}
        client.put("/configs/jwt-customizer/client-credentials", json=customizer)
        yield client


def get_reports(issuer: str, token_endpoint: str) -> tuple[int, dict[str, Any]]:
    """The backend's call: a client credentials token, then the API."""
    token = httpx.post(
        token_endpoint,
        auth=("demo-m2m", "demo-m2m-secret"),
        data={"grant_type": "client_credentials", "resource": API},
    ).json()["access_token"]
    api = TestClient(create_api(issuer))
    response = api.get("/reports", headers={"Authorization": f"Bearer {token}"})
    return response.status_code, response.json()


def test_a_client_on_the_pro_plan_reads_reports(mock_logto, logto_api):
    logto_api.patch("/applications/demo-m2m", json={"customData": {"plan": "pro"}})
    status, body = get_reports(mock_logto.issuer, mock_logto.token_endpoint)
    assert (status, body) == (200, {"client": "demo-m2m", "plan": "pro"})


def test_a_client_on_the_default_plan_is_refused(mock_logto, logto_api):
    status, body = get_reports(mock_logto.issuer, mock_logto.token_endpoint)
    assert (status, body) == (403, {"detail": "the pro plan is required"})


def test_a_python_function_can_stand_in_for_the_script(mock_logto):
    mock_logto.customize_claims("client-credentials", lambda payload: {"plan": "pro"})
    status, body = get_reports(mock_logto.issuer, mock_logto.token_endpoint)
    assert (status, body["plan"]) == (200, "pro")
