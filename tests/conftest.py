from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from mock_logto.keys import KeyStore, generate_key
from mock_logto.settings import Settings

from .support.admin import as_admin
from .support.apps import NOW, ClientFactory, new_client
from .support.paths import DEMO_FIXTURE, GOLDEN_FIXTURE

pytest_plugins = ["pytester"]

# pytester's in-process runs drop the modules first imported inside them; joserfc keeps
# references to cryptography's curve classes, so cryptography re-imported by a later run would
# fail its isinstance checks ("curve must be an EllipticCurve instance"). The server makes its key
# lazily, so import the key machinery once here, before any in-process run.
generate_key("ES384")

# The settings' `MOCK_LOGTO_*` (and `mock-logto token`'s MOCK_LOGTO_URL) in the developer's shell
# configure their `mock-logto serve`, not this suite: the subprocesses of the e2e tests must not
# see them either (tests that read them set them). CI's MOCK_LOGTO_REQUIRE_BROWSER stays.
for _field in [*Settings.model_fields, "url"]:
    os.environ.pop(f"MOCK_LOGTO_{_field.upper()}", None)


@pytest.fixture(scope="session")
def golden_keys() -> KeyStore:
    return KeyStore.generate("ES384")


@pytest.fixture
def make_client(golden_keys: KeyStore) -> Iterator[ClientFactory]:
    """TestClient factory over the golden tenant (or `fixtures=`) at http://localhost:3001."""
    clients: list[TestClient] = []

    def factory(
        fixtures: Path | None = GOLDEN_FIXTURE,
        *,
        clock: Callable[[], int] = lambda: NOW,
        keys: KeyStore | None = None,
        **settings: Any,
    ) -> TestClient:
        client = new_client(keys or golden_keys, fixtures, clock=clock, **settings)
        clients.append(client)
        return client

    yield factory
    for client in clients:
        client.close()


@pytest.fixture
def client(make_client: ClientFactory) -> TestClient:
    """The golden tenant."""
    return make_client()


@pytest.fixture
def demo(make_client: ClientFactory) -> TestClient:
    """The demo tenant (fixtures/default.yaml)."""
    return make_client(DEMO_FIXTURE)


@pytest.fixture
def admin(make_client: ClientFactory) -> TestClient:
    """The demo tenant, every request sending a Management API token of demo-admin."""
    client = make_client(DEMO_FIXTURE)
    as_admin(client)
    return client
