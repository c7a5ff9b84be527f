"""The Management API: tokens for an app holding the Management API role."""

from __future__ import annotations

import httpx2

from .tenants import DEMO_ADMIN, MANAGEMENT_API


def management_token(
    client: httpx2.Client, app_id: str, secret: str, *, resource: str = MANAGEMENT_API
) -> str:
    """A Management API token (`scope=all`) from the token endpoint at `client`'s base URL.

    `client` is a TestClient or an `httpx2.Client` whose base URL is a running server's.
    """
    response = client.post(
        "/oidc/token",
        data={"grant_type": "client_credentials", "resource": resource, "scope": "all"},
        auth=(app_id, secret),
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def as_admin(client: httpx2.Client, app: tuple[str, str] = DEMO_ADMIN) -> None:
    """Make `client` send a Management API token of `app` with every request."""
    client.headers["Authorization"] = f"Bearer {management_token(client, *app)}"
