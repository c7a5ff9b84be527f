"""A backend that seeds Logto through the Management API, tested against mock-logto."""

import httpx
import pytest


class LogtoAdmin:
    """The few Management API calls a backend makes, with a machine-to-machine token."""

    def __init__(self, endpoint: str, app_id: str, secret: str, indicator: str) -> None:
        token = httpx.post(
            f"{endpoint}/oidc/token",
            auth=(app_id, secret),
            data={"grant_type": "client_credentials", "resource": indicator, "scope": "all"},
        ).json()["access_token"]
        self.http = httpx.Client(
            base_url=f"{endpoint}/api", headers={"Authorization": f"Bearer {token}"}
        )

    def create_organization(self, name: str) -> str:
        response = self.http.post("/organizations", json={"name": name})
        response.raise_for_status()
        organization_id: str = response.json()["id"]
        return organization_id

    def add_member(self, organization_id: str, user_id: str) -> None:
        url = f"/organizations/{organization_id}/users"
        self.http.post(url, json={"userIds": [user_id]}).raise_for_status()

    def close(self) -> None:
        self.http.close()

    def members(self, organization_id: str) -> list[str]:
        users = self.http.get(f"/organizations/{organization_id}/users").json()
        return [user["id"] for user in users]


@pytest.fixture
def admin(mock_logto):
    client = LogtoAdmin(
        mock_logto.base_url, "demo-admin", "demo-admin-secret", mock_logto.management_api_indicator
    )
    yield client
    client.close()


def test_seeding_an_organization(admin):
    organization = admin.create_organization("Globex")
    admin.add_member(organization, "user-bob")
    assert admin.members(organization) == ["user-bob"]


def test_the_seed_is_gone_in_the_next_test(admin):
    names = [o["name"] for o in admin.http.get("/organizations").json()]
    assert names == ["Acme"]  # the plugin reset the tenant to its fixtures
