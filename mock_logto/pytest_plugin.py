"""pytest fixtures for mock-logto, registered through the `pytest11` entry point.

Every pytest session of every suite that installs mock-logto imports this module, so it imports
pytest only: the server is imported the first time a test requests one of its fixtures (or a
collected test carries the marker).

- `mock_logto_session_settings`: the session's settings, from the ini options (`mock_logto_*`
  in pytest.ini / pyproject.toml, paths relative to that file) and the command-line options
  (`--mock-logto-*`, paths relative to the current directory), never from `MOCK_LOGTO_*`.
- `mock_logto_settings`: those plus the test's `@pytest.mark.mock_logto(fixtures=..., **settings)`
  (paths relative to the test file); keywords and values are checked at collection.
- `mock_logto_app` / `mock_logto_client`: the app in-process (no socket), and a TestClient.
- `mock_logto_server`: one real server per session (per xdist worker) on a free 127.0.0.1 port.
- `mock_logto`: a :class:`~mock_logto.testing.MockLogto` handle on that server, reset to the
  test's fixtures before the test and checked for server-side errors after it. A test whose
  settings differ in more than the fixtures gets a server of its own.

A broken fixture file or setting is reported in one line per problem, as the CLI does.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from .server import MockLogtoServer
    from .settings import Settings
    from .testing import MockLogto

MARKER = "mock_logto"

#: The settings a session sets with ini and command-line options: name → (kind, help). The
#: network ones are the plugin's (a free port of 127.0.0.1 per server).
SESSION_OPTIONS: dict[str, tuple[str, str]] = {
    "fixtures": ("path", "fixture file or directory of the tenant (default: the demo tenant)"),
    "key_file": ("path", "private JWKS file signing the tokens; created if missing"),
    "signing_alg": ("str", "algorithm of generated keys: ES384 (default) or RS256"),
    "tenant_id": ("str", "tenant id (default: default)"),
    "cloud": ("bool", "behave as Logto Cloud (true/false)"),
    "auto_sign_in": ("str", "fixture user signed in at once by every /oidc/auth request"),
}


def _ini(name: str) -> str:
    return f"mock_logto_{name}"


def _flag(name: str) -> str:
    return "--mock-logto-" + name.replace("_", "-")


def pytest_addoption(parser: pytest.Parser) -> None:
    """`mock_logto_*` ini options and `--mock-logto-*` flags, one per session setting."""
    group = parser.getgroup("mock-logto", "mock-logto (a local Logto for tests)")
    for name, (kind, text) in SESSION_OPTIONS.items():
        where = " (relative to the ini file)" if kind == "path" else ""
        parser.addini(_ini(name), f"mock-logto: {text}{where}", type="string", default="")
        group.addoption(
            _flag(name),
            dest=_ini(name),
            metavar=name.upper(),
            help=f"{text}; overrides the ini option {_ini(name)}",
        )


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker so `--strict-markers` suites accept it; check the session's paths."""
    config.addinivalue_line(
        "markers",
        f"{MARKER}(fixtures=None, **settings): other fixture files (relative to the test file) "
        "or settings of mock-logto for this test",
    )
    for name, value in session_values(config).items():
        if SESSION_OPTIONS[name][0] == "path" and name != "key_file" and not value.exists():
            raise pytest.UsageError(f"mock-logto: {_source(config, name)}: no such file: {value}")


def _source(config: pytest.Config, name: str) -> str:
    if config.getoption(_ini(name)) is not None:
        return f"option {_flag(name)}"
    return f"ini option {_ini(name)}"


def session_values(config: pytest.Config) -> dict[str, Any]:
    """The session settings given as options: flags first, then the ini file; paths resolved."""
    values: dict[str, Any] = {}
    for name, (kind, _) in SESSION_OPTIONS.items():
        raw = config.getoption(_ini(name))
        base = config.invocation_params.dir
        if raw is None:
            raw = config.getini(_ini(name))
            base = config.inipath.parent if config.inipath is not None else config.rootpath
        if not raw:
            continue
        values[name] = base / Path(raw).expanduser() if kind == "path" else raw
    return values


# ---------------------------------------------------------------------------------- the marker


def marker_values(item: pytest.Item) -> dict[str, Any]:
    """The marker's settings, `fixtures` resolved against the test file's directory."""
    marker = item.get_closest_marker(MARKER)
    if marker is None:
        return {}
    where = f"@pytest.mark.{MARKER} on {item.nodeid}"
    if marker.args:
        raise pytest.UsageError(f"{where}: takes keyword arguments only")
    values = dict(marker.kwargs)
    if values.get("fixtures") is not None:
        values["fixtures"] = Path(item.path).parent / Path(values["fixtures"]).expanduser()
    return values


def check_marker(item: pytest.Item) -> None:
    """Unknown keywords, wrong values and missing fixture files are usage errors."""
    from pydantic import ValidationError

    from .settings import Settings
    from .testing import isolated_settings

    values = marker_values(item)
    where = f"@pytest.mark.{MARKER} on {item.nodeid}"
    unknown = sorted(set(values) - set(Settings.model_fields))
    for name in unknown:
        import difflib  # only for a mistyped marker keyword

        close = difflib.get_close_matches(name, Settings.model_fields, n=1)
        hint = f" (did you mean {close[0]}=?)" if close else ""
        known = ", ".join(Settings.model_fields)
        raise pytest.UsageError(f"{where}: unknown keyword {name}={hint}; known: {known}")
    try:
        isolated_settings(**values)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc']))}={values.get(str(e['loc'][0]))!r}: {e['msg']}"
            for e in exc.errors()
        )
        raise pytest.UsageError(f"{where}: {problems}") from None
    fixtures = values.get("fixtures")
    if fixtures is not None and not fixtures.exists():
        raise pytest.UsageError(f"{where}: fixtures: no such file or directory: {fixtures}")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Check every marker before any test runs (the server is imported only if one is used)."""
    for item in items:
        if item.get_closest_marker(MARKER) is not None:
            check_marker(item)


# ---------------------------------------------------------------------------------- problems


@contextlib.contextmanager
def _problems_of(where: str) -> Iterator[None]:
    """A broken fixture file or setting fails the test in one line per problem, as the CLI does.

    (pytest would otherwise print the traceback of the loader before the one useful line.)
    """
    from pydantic import ValidationError

    from .errors import FixtureError, MockLogtoError

    try:
        yield
        return
    except FixtureError as exc:
        lines = [f"mock-logto: {problem}" for problem in exc.problems]
    except ValidationError as exc:
        lines = [
            f"mock-logto: {where}: setting {'.'.join(map(str, e['loc']))}: {e['msg']}"
            for e in exc.errors()
        ]
    except MockLogtoError as exc:
        lines = [f"mock-logto: {where}: {exc}"]
    # `from None`: pytest would print the loader's traceback as the context of this one.
    raise pytest.fail.Exception("\n".join(lines), pytrace=False) from None


# ---------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def mock_logto_session_settings(pytestconfig: pytest.Config) -> Settings:
    """Settings of the session: ini and command-line options (override it for code-made ones)."""
    # The first fixture of a session: the server is imported here.
    with _collector_paused(freeze=True):
        from .testing import isolated_settings

    with _problems_of("ini or command-line options"):
        return isolated_settings(**session_values(pytestconfig))


@pytest.fixture
def mock_logto_settings(
    request: pytest.FixtureRequest, mock_logto_session_settings: Settings
) -> Settings:
    """The session's settings plus the test's marker: of `mock_logto_app` and of `mock_logto`."""
    from .testing import isolated_settings

    overrides = marker_values(request.node)
    if not overrides:
        return mock_logto_session_settings
    values = mock_logto_session_settings.model_dump(exclude_unset=True)
    with _problems_of(f"@pytest.mark.{MARKER}"):
        return isolated_settings(**{**values, **overrides})


@pytest.fixture
def mock_logto_app(mock_logto_settings: Settings) -> Starlette:
    """A fresh in-process app, for TestClient or httpx's ASGITransport."""
    from .app import create_app

    with _problems_of("mock_logto_app"):
        return create_app(mock_logto_settings)


@pytest.fixture
def mock_logto_client(mock_logto_app: Starlette) -> Iterator[Any]:
    """Starlette's TestClient over `mock_logto_app`, at the settings' base URL."""
    from starlette.testclient import TestClient

    settings: Settings = mock_logto_app.state.runtime.settings
    with TestClient(mock_logto_app, base_url=settings.base_url) as client:
        yield client


def _start(settings: Settings, where: str, *, for_session: bool = False) -> MockLogtoServer:
    from .server import MockLogtoServer

    if "port" not in settings.model_fields_set:
        settings = settings.model_copy(update={"port": 0})
    with _problems_of(where), _collector_paused(freeze=for_session):
        return MockLogtoServer(settings).start()


@contextlib.contextmanager
def _collector_paused(*, freeze: bool) -> Iterator[None]:
    """No cycle collection while the server is imported and built, as the suite had it after.

    That work makes some hundred thousand objects kept for the session (modules, classes, the
    tenant): meanwhile the collector went through the growing heap again and again, about a
    tenth of the start-up (bench/plugin_costs.py). With `freeze` (what lives for the whole
    session: the modules, the session's server) they are moved out of the collector's reach
    (`gc.freeze`): otherwise every later full collection, and the one at exit, goes through them
    again, about a third of what using `mock_logto` cost a session of 300 tests. A test's own
    server is not frozen: it is garbage once the test ends.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        gc.enable()


@pytest.fixture(scope="session")
def mock_logto_server(mock_logto_session_settings: Settings) -> Iterator[MockLogtoServer]:
    """One mock-logto server on a free port of 127.0.0.1 for the whole session."""
    server = _start(mock_logto_session_settings, "the session's server", for_session=True)
    try:
        yield server
    finally:
        server.stop()


def _own_server_needed(test: Settings, session: Settings) -> bool:
    """Whether the test's settings differ from the session's in more than the fixtures."""
    if test is session:
        return False
    return test.model_dump(exclude={"fixtures"}) != session.model_dump(exclude={"fixtures"})


@pytest.fixture
def mock_logto(
    request: pytest.FixtureRequest,
    mock_logto_server: MockLogtoServer,
    mock_logto_settings: Settings,
    mock_logto_session_settings: Settings,
) -> Iterator[MockLogto]:
    """The session server, reset to this test's fixtures; server-side errors fail the test."""
    from .testing import MockLogto

    if _own_server_needed(mock_logto_settings, mock_logto_session_settings):
        # Settings a running server cannot change: this test gets a server of its own.
        own = _start(mock_logto_settings, f"the server of {request.node.nodeid}")
        try:
            handle = MockLogto(own)
            yield handle
            handle.check_errors()
        finally:
            own.stop()
        return
    fixtures = mock_logto_settings.fixtures
    if fixtures == mock_logto_session_settings.fixtures:
        fixtures = None  # the server's own start-up tenant
    handle = MockLogto(mock_logto_server, fixtures)
    mock_logto_server.check_errors()
    if fixtures is None:
        handle.reset()  # cannot fail: the start-up tenant is in memory
    else:
        with _problems_of(request.node.nodeid):
            handle.reset()
    yield handle
    handle.check_errors()
