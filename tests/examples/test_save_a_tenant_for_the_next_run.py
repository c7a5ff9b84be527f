"""Save the tenant a test built through the Management API, and start again from it."""

import httpx


def management_api(base_url: str, indicator: str) -> httpx.Client:
    token = httpx.post(
        f"{base_url}/oidc/token",
        auth=("demo-admin", "demo-admin-secret"),
        data={"grant_type": "client_credentials", "resource": indicator, "scope": "all"},
    ).json()["access_token"]
    return httpx.Client(base_url=f"{base_url}/api", headers={"Authorization": f"Bearer {token}"})


def test_a_state_built_through_the_api_is_saved_and_loaded_again(mock_logto, tmp_path):
    with management_api(mock_logto.base_url, mock_logto.management_api_indicator) as api:
        api.post("/organizations", json={"name": "Globex"}).raise_for_status()
        saved = tmp_path / "tenant.yaml"
        mock_logto.export(saved)  # fixtures plus every change since, ids and secrets included

        mock_logto.reset()  # back to the start-up fixtures: Globex is gone
        assert [o["name"] for o in api.get("/organizations").json()] == ["Acme"]

        mock_logto.reset(saved)  # e.g. in the next run, or `mock-logto serve --fixtures`
        assert sorted(o["name"] for o in api.get("/organizations").json()) == ["Acme", "Globex"]
