"""In-process apps: settings that ignore the developer's environment, TestClients, clocks."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from starlette.applications import Starlette
from starlette.testclient import TestClient

from mock_logto.app import create_app
from mock_logto.keys import KeyStore
from mock_logto.models import Tenant
from mock_logto.settings import Settings
from mock_logto.testing import isolated_settings

from .paths import GOLDEN_FIXTURE
from .tenants import BASE_URL

#: A fixed clock; tests that need expiry move it.
NOW = 1_795_404_138


def make_settings(**overrides: Any) -> Settings:
    """Settings that ignore the developer's environment and .env file."""
    return isolated_settings(**overrides)


class Clock:
    """A server clock the test holds and moves.

    It starts at the wall clock unless told otherwise: the client's cookie jar drops cookies by
    the wall clock, while the server sets their expiry by this one.
    """

    def __init__(self, now: int | None = None) -> None:
        self.now = int(time.time()) if now is None else now

    def __call__(self) -> int:
        return self.now


def new_client(
    keys: KeyStore,
    fixtures: Path | None = GOLDEN_FIXTURE,
    *,
    clock: Callable[[], int] = lambda: NOW,
    **settings: Any,
) -> TestClient:
    """A TestClient over a fresh app at http://localhost:3001 (the golden tenant unless told)."""
    app = create_app(make_settings(fixtures=fixtures, **settings), keys=keys, clock=clock)
    return TestClient(app, base_url=BASE_URL)


def tenant_of(client: TestClient) -> Tenant:
    """The tenant an in-process client's app serves, for a test to change behind the API."""
    assert isinstance(client.app, Starlette)
    tenant: Tenant = client.app.state.runtime.tenant
    return tenant


class ClientFactory(Protocol):
    """The `make_client` fixture: `new_client` with the session's keys, closed after the test."""

    def __call__(
        self,
        fixtures: Path | None = ...,
        *,
        clock: Callable[[], int] = ...,
        keys: KeyStore | None = ...,
        **settings: Any,
    ) -> TestClient: ...
