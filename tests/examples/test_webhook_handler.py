"""A webhook endpoint that checks Logto's signature, fed the deliveries mock-logto made."""

import hashlib
import hmac
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Header, HTTPException, Request
from fastapi.testclient import TestClient


def create_app(signing_key: str) -> FastAPI:
    """The app under test: it records the users Logto says were created."""
    app = FastAPI()
    app.state.new_users = []

    @app.post("/webhooks/logto", status_code=204)
    async def logto_webhook(request: Request, logto_signature_sha_256: str = Header("")) -> None:
        body = await request.body()  # the raw bytes: the signature is over them
        expected = hmac.new(signing_key.encode(), body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, logto_signature_sha_256):
            raise HTTPException(401, "bad signature")
        event = await request.json()
        if event["event"] == "User.Created":
            app.state.new_users.append(event["data"]["id"])

    return app


@pytest.fixture
def logto_api(mock_logto):
    token = mock_logto.issue_token(
        "demo-admin", resource=mock_logto.management_api_indicator, scopes=["all"]
    )
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=f"{mock_logto.base_url}/api", headers=headers) as client:
        yield client


@pytest.fixture
def hook(logto_api):
    """A hook as the app's operator sets it up; `mock://sink` answers in mock-logto itself."""
    body = {"name": "backend", "events": ["User.Created"], "config": {"url": "mock://sink"}}
    return logto_api.post("/hooks", json=body).json()


def deliver(client: TestClient, request: dict[str, Any]) -> int:
    """Send a request mock-logto delivered to our endpoint, as it was sent; the status."""
    response = client.post("/webhooks/logto", content=request["body"], headers=request["headers"])
    return response.status_code


def test_a_new_user_is_recorded(mock_logto, logto_api, hook):
    user = logto_api.post("/users", json={"username": "newcomer"}).json()
    app = create_app(hook["signingKey"])
    with TestClient(app) as client:
        for delivery in mock_logto.deliveries("User.Created"):
            assert deliver(client, delivery["request"]) == 204
    assert app.state.new_users == [user["id"]]


def test_a_forged_delivery_is_refused(mock_logto, logto_api, hook):
    logto_api.post("/users", json={"username": "newcomer"})
    [delivery] = mock_logto.deliveries("User.Created")
    forged = dict(delivery["request"], body=delivery["request"]["body"].replace("new", "bad"))
    app = create_app(hook["signingKey"])
    with TestClient(app) as client:
        assert deliver(client, forged) == 401
    assert app.state.new_users == []
