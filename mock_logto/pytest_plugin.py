"""pytest fixtures for mock-logto, registered through the `pytest11` entry point.

Thin on purpose: the work is done by :func:`create_app` and :class:`MockLogtoServer`.

- `mock_logto_settings`: the settings every other fixture uses; override it in a conftest, or
  use the `@pytest.mark.mock_logto(fixtures=..., **settings)` marker.
- `mock_logto_app` / `mock_logto_client`: the app in-process (no socket), and a TestClient.
- `mock_logto_server`: one real server per session (per xdist worker) on a free 127.0.0.1 port.
- `mock_logto`: a :class:`~mock_logto.testing.MockLogto` handle on that server, reset to its
  fixtures (or the marker's `fixtures=`) before the test and checked for server-side errors
  after it. A marker with other settings gets the test a server of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.applications import Starlette

from .app import create_app
from .server import MockLogtoServer
from .settings import Settings
from .testing import MockLogto

MARKER = "mock_logto"


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker so `--strict-markers` suites accept it."""
    config.addinivalue_line(
        "markers",
        f"{MARKER}(fixtures=None, **settings): load other fixture files or settings for the "
        "in-process mock-logto app of a test",
    )


def _marker_overrides(request: pytest.FixtureRequest) -> dict[str, Any]:
    marker = request.node.get_closest_marker(MARKER)
    if marker is None:
        return {}
    if marker.args:
        raise pytest.UsageError(f"@pytest.mark.{MARKER} takes keyword arguments only")
    return dict(marker.kwargs)


@pytest.fixture
def mock_logto_settings(request: pytest.FixtureRequest) -> Settings:
    """Settings of the in-process app: defaults (no `.env`), plus the test's marker."""
    return Settings(_env_file=None, **_marker_overrides(request))


@pytest.fixture
def mock_logto_app(mock_logto_settings: Settings) -> Starlette:
    """A fresh in-process app, for TestClient or httpx's ASGITransport."""
    return create_app(mock_logto_settings)


@pytest.fixture
def mock_logto_client(mock_logto_app: Starlette) -> Iterator[Any]:
    """Starlette's TestClient over `mock_logto_app`, at the settings' base URL."""
    from starlette.testclient import TestClient

    settings: Settings = mock_logto_app.state.runtime.settings
    with TestClient(mock_logto_app, base_url=settings.base_url) as client:
        yield client


@pytest.fixture(scope="session")
def mock_logto_server() -> Iterator[MockLogtoServer]:
    """One mock-logto server on a free port of 127.0.0.1 for the whole session."""
    server = MockLogtoServer(Settings(_env_file=None, port=0))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def mock_logto(
    request: pytest.FixtureRequest, mock_logto_server: MockLogtoServer
) -> Iterator[MockLogto]:
    """The session server, reset for this test; server-side errors fail the test."""
    overrides = _marker_overrides(request)
    fixtures = overrides.pop("fixtures", None)
    if overrides:
        # Settings a running server cannot change: this test gets a server of its own.
        settings = Settings(_env_file=None, **{"port": 0, "fixtures": fixtures, **overrides})
        with MockLogtoServer(settings) as own:
            handle = MockLogto(own)
            yield handle
            handle.check_errors()
        return
    handle = MockLogto(mock_logto_server)
    mock_logto_server.check_errors()
    handle.reset(fixtures)
    yield handle
    handle.check_errors()
