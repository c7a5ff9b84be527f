"""The plugin's configuration and its traps, each in a throw-away pytester session.

Session settings come from ini and command-line options (paths relative to the ini file, or to
the current directory for flags), the marker's from the test (paths relative to the test file);
wrong markers are usage errors; the developer's `MOCK_LOGTO_*` never reach a session; broken
fixtures are one line. The sessions run in-process (their servers are threads of this one).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from .support.paths import GOLDEN_FIXTURE

#: A tenant with one machine-to-machine app, `my-m2m`, and nothing of the demo tenant.
MY_TENANT = """\
applications:
  - id: my-m2m
    name: My backend
    type: MachineToMachine
    secret: my-m2m-secret
"""

#: Tests telling which tenant `mock_logto` serves: mine (`my-m2m`) or the demo one (`demo-m2m`).
WHICH_TENANT = """
import pytest
from mock_logto.errors import MockLogtoError


def serves(mock_logto, app):
    try:
        mock_logto.issue_token(app, resource=mock_logto.management_api_indicator)
    except MockLogtoError:
        return False
    return True
"""


def write(pytester: pytest.Pytester, path: str, text: str) -> None:
    target = pytester.path / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(textwrap.dedent(text))


# ---------------------------------------------------------------------------------- imports


@pytest.mark.e2e  # a fresh interpreter: what a session that never uses the plugin imports
def test_the_plugin_imports_nothing_of_the_server() -> None:
    script = (
        "import sys\n"
        "import mock_logto, mock_logto.pytest_plugin\n"
        "heavy = {'starlette', 'pydantic', 'pydantic_settings', 'joserfc', 'uvicorn', 'yaml'}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy or "
        "m.startswith('mock_logto')))\n"
        "assert mock_logto.create_app is not None\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "['mock_logto', 'mock_logto.pytest_plugin']"


# ---------------------------------------------------------------------------------- the marker


@pytest.mark.parametrize(
    ("marker", "message"),
    [
        (
            'fixture="tenant.yaml"',
            "*test_marked.py::test_marked: unknown keyword fixture= (did you mean fixtures=?)*",
        ),
        ('signing_alg="HS256"', "*test_marked.py::test_marked: signing_alg='HS256': Input*"),
        ('fixtures="missing.yaml"', "*fixtures: no such file or directory: *missing.yaml"),
        ('"tenant.yaml"', "*test_marked.py::test_marked: takes keyword arguments only"),
    ],
)
def test_a_wrong_marker_is_a_usage_error_naming_it(
    pytester: pytest.Pytester, marker: str, message: str
) -> None:
    write(pytester, "tenant.yaml", MY_TENANT)
    pytester.makepyfile(
        test_marked=f"""
        import pytest

        @pytest.mark.mock_logto({marker})
        def test_marked(mock_logto):
            pass

        def test_other():
            pass
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: @pytest.mark.mock_logto on {message}"])


def test_marker_fixtures_are_relative_to_the_test_file(pytester: pytest.Pytester) -> None:
    write(pytester, "tests/my-tenant.yaml", MY_TENANT)
    write(
        pytester,
        "tests/test_tenant.py",
        WHICH_TENANT
        + """
@pytest.mark.mock_logto(fixtures="my-tenant.yaml")
def test_marked(mock_logto, mock_logto_client):
    assert serves(mock_logto, "my-m2m") and not serves(mock_logto, "demo-m2m")
    assert mock_logto_client.app.state.runtime.tenant.applications["my-m2m"]
""",
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(pytester.path / "tests")
        pytester.runpytest("-p", "no:cacheprovider", "test_tenant.py").assert_outcomes(passed=1)


def test_reset_in_a_marked_test_restores_the_tenant_the_test_started_with(
    pytester: pytest.Pytester,
) -> None:
    write(pytester, "my-tenant.yaml", MY_TENANT)
    pytester.makepyfile(
        WHICH_TENANT
        + """
@pytest.mark.mock_logto(fixtures="my-tenant.yaml")
def test_marked(mock_logto):
    mock_logto.advance_clock(60)
    mock_logto.reset()
    assert serves(mock_logto, "my-m2m") and not serves(mock_logto, "demo-m2m")
    assert mock_logto.clock.offset == 0

def test_unmarked(mock_logto):
    mock_logto.reset()
    assert serves(mock_logto, "demo-m2m") and not serves(mock_logto, "my-m2m")
"""
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)


# ---------------------------------------------------------------------------------- sessions


def test_ini_options_set_the_fixtures_of_the_session_relative_to_the_ini_file(
    pytester: pytest.Pytester,
) -> None:
    write(pytester, "fixtures/my-tenant.yaml", MY_TENANT)
    pytester.makeini(
        """
        [pytest]
        mock_logto_fixtures = fixtures/my-tenant.yaml
        mock_logto_tenant_id = acme
        """
    )
    write(
        pytester,
        "tests/test_session.py",
        WHICH_TENANT
        + """
def test_server(mock_logto, mock_logto_server):
    assert serves(mock_logto, "my-m2m") and not serves(mock_logto, "demo-m2m")
    assert mock_logto_server.settings.tenant_id == "acme"

def test_in_process_app(mock_logto_settings, mock_logto_client):
    assert mock_logto_settings.fixtures.name == "my-tenant.yaml"
    assert "my-m2m" in mock_logto_client.app.state.runtime.tenant.applications

@pytest.mark.mock_logto(fixtures=r"{golden}")
def test_a_marker_still_wins(mock_logto):
    assert serves(mock_logto, "cart-service") and not serves(mock_logto, "my-m2m")

def test_back_to_the_session_fixtures(mock_logto):
    assert serves(mock_logto, "my-m2m")
""".replace("{golden}", str(GOLDEN_FIXTURE)),
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(pytester.path / "tests")  # the ini file's directory decides, not this one
        result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)


def test_command_line_options_win_over_pyproject_relative_to_the_current_directory(
    pytester: pytest.Pytester,
) -> None:
    write(pytester, "config/my-tenant.yaml", MY_TENANT)
    write(pytester, "cli/other-tenant.yaml", MY_TENANT.replace("my-m2m", "other-m2m"))
    pytester.makepyprojecttoml(
        """
        [tool.pytest.ini_options]
        mock_logto_fixtures = "config/my-tenant.yaml"
        mock_logto_signing_alg = "ES384"
        """
    )
    pytester.makepyfile(
        test_options=WHICH_TENANT
        + """
def test_session(mock_logto, mock_logto_session_settings):
    assert serves(mock_logto, "other-m2m") and not serves(mock_logto, "my-m2m")
    assert mock_logto_session_settings.signing_alg == "RS256"
"""
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(pytester.path / "cli")
        result = pytester.runpytest(
            "-p",
            "no:cacheprovider",
            "--mock-logto-fixtures=other-tenant.yaml",
            "--mock-logto-signing-alg=RS256",
            "../test_options.py",
        )
    result.assert_outcomes(passed=1)


def test_a_missing_session_fixture_path_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nmock_logto_fixtures = nowhere.yaml\n")
    pytester.makepyfile("def test_nothing():\n    pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["ERROR: mock-logto: ini option mock_logto_fixtures: no such file: *nowhere.yaml"]
    )


def test_overriding_the_settings_fixtures_reaches_mock_logto(pytester: pytest.Pytester) -> None:
    write(pytester, "my-tenant.yaml", MY_TENANT)
    pytester.makeconftest(
        """
        import pathlib
        import pytest
        from mock_logto.testing import isolated_settings

        @pytest.fixture(scope="session")
        def mock_logto_session_settings():
            return isolated_settings(fixtures=pathlib.Path(__file__).parent / "my-tenant.yaml")
        """
    )
    pytester.makepyfile(
        WHICH_TENANT
        + """
def test_session_override(mock_logto):
    assert serves(mock_logto, "my-m2m")

class TestTestOverride:
    @pytest.fixture
    def mock_logto_settings(self, mock_logto_session_settings):
        values = {"fixtures": None, "tenant_id": "other"}
        return mock_logto_session_settings.model_copy(update=values)

    def test_gets_its_own_server(self, mock_logto, mock_logto_server):
        assert mock_logto.server is not mock_logto_server
        assert mock_logto.server.settings.tenant_id == "other"
        assert serves(mock_logto, "demo-m2m")
"""
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_the_developers_mock_logto_variables_do_not_reach_the_session(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in {
        "PORT": "4202",
        "FIXTURES": "/nowhere.yaml",
        "SIGNING_ALG": "RS256",
        "CONTROL_API": "false",
        "PUBLIC_URL": "http://logto.internal:3001",
    }.items():
        monkeypatch.setenv(f"MOCK_LOGTO_{name}", value)
    pytester.makepyfile(
        WHICH_TENANT
        + """
def test_server(mock_logto):
    assert serves(mock_logto, "demo-m2m")
    assert mock_logto.base_url.startswith("http://127.0.0.1:")
    assert mock_logto.server.settings.signing_alg == "ES384"

def test_in_process(mock_logto_settings, mock_logto_client):
    assert mock_logto_settings.port == 3001 and mock_logto_settings.control_api
    assert mock_logto_client.post("/__mock/reset").status_code == 204
"""
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)


# ---------------------------------------------------------------------------------- problems

BROKEN = "users:\n  - {username: alice, roles: [admin]}\n"


def problem_line(pytester: pytest.Pytester) -> str:
    """What the CLI prints for BROKEN (README: the error example)."""
    problem = "users[0] (alice): roles[0]: unknown role 'admin'"
    return f"mock-logto: {pytester.path / 'broken.yaml'}: {problem}"


def error_report(result: pytest.RunResult) -> list[str]:
    """The lines pytest prints under "ERROR at setup of test_uses"."""
    lines = result.stdout.lines
    start = next(i for i, line in enumerate(lines) if "ERROR at setup of test_uses" in line)
    end = next(i for i, line in enumerate(lines) if i > start and line.startswith(("=", "_")))
    return lines[start + 1 : end]


def test_a_broken_session_fixture_is_one_line(pytester: pytest.Pytester) -> None:
    write(pytester, "broken.yaml", BROKEN)
    pytester.makeini("[pytest]\nmock_logto_fixtures = broken.yaml\n")
    pytester.makepyfile("def test_uses(mock_logto):\n    pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    assert error_report(result) == [problem_line(pytester)]


def test_a_broken_marker_fixture_is_one_line(pytester: pytest.Pytester) -> None:
    write(pytester, "broken.yaml", BROKEN)
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.mock_logto(fixtures="broken.yaml")
        def test_uses(mock_logto):
            pass

        def test_next(mock_logto):
            pass
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1, passed=1)
    assert error_report(result) == [problem_line(pytester)]


def test_a_wrong_session_setting_is_one_line(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_uses(mock_logto):\n    pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider", "--mock-logto-signing-alg=HS256")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["mock-logto: ini or command-line options: setting signing_alg: Input should be*"]
    )


# ---------------------------------------------------------------------------------- reset


def test_every_change_is_gone_in_the_next_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import httpx2 as httpx

        def admin(mock_logto):
            token = httpx.post(
                mock_logto.token_endpoint,
                auth=("demo-admin", "demo-admin-secret"),
                data={"grant_type": "client_credentials",
                      "resource": mock_logto.management_api_indicator, "scope": "all"},
            ).json()["access_token"]
            return httpx.Client(base_url=mock_logto.base_url + "/api",
                                headers={"Authorization": f"Bearer {token}"})

        def test_1_changes_through_the_management_api(mock_logto):
            with admin(mock_logto) as api:
                assert api.post("/organizations", json={"name": "Globex"}).status_code == 201
                assert api.delete("/users/user-bob").status_code == 204
                httpx.delete(mock_logto.base_url + "/__mock/requests")  # the log forgets them

        def test_2_sees_the_fixtures(mock_logto):
            with admin(mock_logto) as api:
                assert [o["name"] for o in api.get("/organizations").json()] == ["Acme"]
                assert api.get("/users/user-bob").status_code == 200

        def test_3_changes_the_tenant_directly(mock_logto):
            mock_logto.runtime.tenant.users.clear()
            mock_logto.runtime.tenant.applications["demo-m2m"].secrets.clear()

        def test_4_sees_the_fixtures(mock_logto):
            assert mock_logto.runtime.tenant.users
            assert mock_logto.runtime.tenant.applications["demo-m2m"].secrets

        def test_5_signs_in(mock_logto):
            auth = httpx.get(mock_logto.issuer + "/auth", params={
                "client_id": "demo-web", "redirect_uri": "http://localhost:3000/callback",
                "response_type": "code", "scope": "openid", "login_hint": "alice"})
            assert "code=" in auth.headers["location"]
            assert mock_logto.runtime.tenant.users["user-alice"].last_sign_in_at is not None

        def test_6_sees_the_fixtures(mock_logto):
            assert mock_logto.runtime.tenant.users["user-alice"].last_sign_in_at is None
            assert not mock_logto.runtime.store.sessions
        """
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=6)


@pytest.mark.e2e  # a pytest session in a subprocess, with workers
def test_ini_options_reach_every_xdist_worker(pytester: pytest.Pytester) -> None:
    write(pytester, "fixtures/my-tenant.yaml", MY_TENANT)
    pytester.makeini("[pytest]\nmock_logto_fixtures = fixtures/my-tenant.yaml\n")
    write(
        pytester,
        "tests/test_workers.py",
        WHICH_TENANT
        + """
@pytest.mark.parametrize("n", range(4))
def test_worker(mock_logto, n):
    assert serves(mock_logto, "my-m2m")
""",
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "2")
    result.assert_outcomes(passed=4)


def test_the_readme_shows_the_usage_error_as_pytest_prints_it(pytester: pytest.Pytester) -> None:
    from .support.readme import code_blocks

    [example] = [b for b in code_blocks("") if b.startswith("ERROR: @pytest.mark.mock_logto")]
    shown, _, _ = example.strip().partition("…")
    write(pytester, "tenant.yaml", MY_TENANT)
    write(
        pytester,
        "tests/test_api.py",
        """
import pytest

@pytest.mark.mock_logto(fixture="../tenant.yaml")
def test_orders(mock_logto):
    pass
""",
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    [printed] = [line for line in result.stderr.lines if line.startswith("ERROR:")]
    assert printed.startswith(shown)


def test_time_machine_moves_the_mock_and_the_code_under_test_together(
    pytester: pytest.Pytester,
) -> None:
    """The README's way to move time: both clocks agree, and advance_clock's trap is shown."""
    example = Path(__file__).parent / "examples" / "test_move_time_for_both_sides.py"
    pytester.makepyfile(test_time=example.read_text())
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)
