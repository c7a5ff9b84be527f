from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from mock_logto.app import create_app
from mock_logto.keys import KeyStore
from mock_logto.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
GOLDEN_FIXTURE = FIXTURES / "logto-golden.yaml"
GOLDEN = Path(__file__).resolve().parent / "golden"
#: A fixed clock; tests that need expiry move it.
NOW = 1_795_404_138

pytest_plugins = ["pytester"]


@pytest.fixture(scope="session")
def golden_keys() -> KeyStore:
    return KeyStore.generate("ES384")


def make_settings(**overrides: Any) -> Settings:
    """Settings that ignore the developer's environment and .env file."""
    return Settings(_env_file=None, **overrides)  # type: ignore[call-arg]


@pytest.fixture
def make_client(golden_keys: KeyStore) -> Iterator[Callable[..., TestClient]]:
    """TestClient factory over the golden tenant (or `fixtures=`) at http://localhost:3001."""
    clients: list[TestClient] = []

    def factory(
        fixtures: Path | None = GOLDEN_FIXTURE,
        *,
        clock: Callable[[], int] = lambda: NOW,
        keys: KeyStore | None = None,
        **settings: Any,
    ) -> TestClient:
        app: Starlette = create_app(
            make_settings(fixtures=fixtures, **settings), keys=keys or golden_keys, clock=clock
        )
        client = TestClient(app, base_url="http://localhost:3001")
        clients.append(client)
        return client

    yield factory
    for client in clients:
        client.close()


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()


def management_token(client: TestClient, app_id: str, secret: str) -> str:
    """A Management API token (`scope=all`) for an app holding the Management API role."""
    response = client.post(
        "/oidc/token",
        data={
            "grant_type": "client_credentials",
            "resource": "https://default.logto.app/api",
            "scope": "all",
        },
        auth=(app_id, secret),
    )
    token: str = response.json()["access_token"]
    return token
