"""`POST /api/users/:id/identities` through Logto's mock social connector.

Logto v1.37 routes/admin-user/social.ts: the connector's `getUserInfo` on `connectorData`
(connector-mock-social: `id` from `userId`, the other fields, `rawData`), the identity stored
under the connector's target with the user info as `details`; admin-user.test.ts "should link
social identity successfully".
"""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient


def _connector(admin: TestClient, connector_id: str) -> str:
    response = admin.post(
        "/api/connectors",
        json={"connectorId": connector_id, "config": _CONFIGS[connector_id]},
    )
    assert response.status_code == 200, response.text
    created: str = response.json()["id"]
    return created


_CONFIGS: dict[str, Any] = {
    "mock-social-connector": {"clientId": "client", "clientSecret": "secret"},
    "mock-email-service": {"apiKey": "key", "fromEmail": "noreply@example.com", "templates": []},
}


def _user(admin: TestClient, username: str) -> str:
    response = admin.post("/api/users", json={"username": username})
    assert response.status_code == 200, response.text
    created: str = response.json()["id"]
    return created


def test_linking_an_identity_stores_the_mock_social_connectors_user_info(
    admin: TestClient,
) -> None:
    connector = _connector(admin, "mock-social-connector")
    user = _user(admin, "linked")
    data = {
        "code": "c",
        "state": "s",
        "redirectUri": "http://x/cb",
        "userId": "u1",
        "email": "a@b.c",
    }
    linked = admin.post(
        f"/api/users/{user}/identities", json={"connectorId": connector, "connectorData": data}
    )
    assert linked.status_code == 200, linked.text
    identity = {"userId": "u1", "details": {"id": "u1", "email": "a@b.c", "rawData": data}}
    assert linked.json() == {"mock-social": identity}
    assert admin.get(f"/api/users/{user}").json()["identities"] == {"mock-social": identity}
    other = _user(admin, "other")
    taken = admin.post(
        f"/api/users/{other}/identities", json={"connectorId": connector, "connectorData": data}
    )
    assert (taken.status_code, taken.json()) == (
        422,
        {
            "code": "user.identity_already_in_use",
            "message": "The social account has been associated with an existing account.",
        },
    )


def test_linking_refuses_unknown_non_social_connectors_and_invalid_data(
    admin: TestClient,
) -> None:
    user = _user(admin, "linked")
    unknown = admin.post(
        f"/api/users/{user}/identities", json={"connectorId": "nope", "connectorData": {}}
    )
    assert (unknown.status_code, unknown.json()) == (
        404,
        {"code": "entity.not_found", "message": "The resource does not exist."},
    )
    email = _connector(admin, "mock-email-service")
    not_social = admin.post(
        f"/api/users/{user}/identities", json={"connectorId": email, "connectorData": {}}
    )
    assert (not_social.status_code, not_social.json()) == (
        422,
        {
            "code": "session.invalid_connector_id",
            "message": f"Unable to find available connector with id {email}.",
        },
    )
    social = _connector(admin, "mock-social-connector")
    invalid = admin.post(
        f"/api/users/{user}/identities",
        json={"connectorId": social, "connectorData": {"userId": 1}},
    )
    assert (invalid.status_code, invalid.json()) == (
        400,
        {
            "code": "connector.invalid_response",
            "message": "The connector's response is invalid.",
            "data": '{"userId":1}',
        },
    )
