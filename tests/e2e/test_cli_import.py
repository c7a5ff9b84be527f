"""`mock-logto import` as a process: mock-logto on a real socket plays the real tenant."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
import yaml

from mock_logto.server import MockLogtoServer

from ..support.admin import as_admin
from ..support.answers import management_answers
from ..support.changes import IMPORTER, RICH_FIXTURE, change_through_the_api
from ..support.cli import cli
from ..support.server import serve

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def source() -> Iterator[MockLogtoServer]:
    """The rich tenant, changed through the Management API, on a real socket."""
    with serve(fixtures=RICH_FIXTURE) as running:
        with httpx2.Client(base_url=running.base_url) as client:
            as_admin(client, IMPORTER)
            change_through_the_api(client)
        yield running


def answers(server: MockLogtoServer) -> dict[str, object]:
    with httpx2.Client(base_url=server.base_url) as client:
        as_admin(client, IMPORTER)
        return management_answers(client).answers


def test_import_then_serve_answers_as_the_source(source: MockLogtoServer, tmp_path: Path) -> None:
    path = tmp_path / "tenant.yaml"
    result = cli(
        "import",
        "--endpoint",
        source.base_url,
        "--app-id",
        IMPORTER[0],
        "-o",
        str(path),
        MOCK_LOGTO_IMPORT_APP_SECRET=IMPORTER[1],
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == (
        f"wrote {path}: 7 applications, 4 API resources, 5 roles, 6 users, 3 organizations\n"
    )
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert cli("check-fixtures", str(path)).returncode == 0
    with serve(fixtures=path) as second:
        assert answers(second) == answers(source)


def test_import_to_stdout_with_limits(source: MockLogtoServer) -> None:
    result = cli(
        "import",
        "--endpoint",
        source.base_url,
        "--app-id",
        IMPORTER[0],
        "--app-secret",
        IMPORTER[1],
        "--no-users",
        "--organizations",
        "1",
        "--no-secrets",
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    document = yaml.safe_load(result.stdout)
    assert "users" not in document
    assert len(document["organizations"]) == 1
    assert "importer-secret" not in result.stdout


def test_import_problems_are_one_line(source: MockLogtoServer, tmp_path: Path) -> None:
    wrong = cli(
        "import", "--endpoint", source.base_url, "--app-id", IMPORTER[0], "--app-secret", "nope"
    )
    assert (wrong.returncode, wrong.stdout) == (2, "")
    assert wrong.stderr == (
        f"mock-logto: {source.base_url} refused the app's credentials (invalid_client: "
        "client authentication failed)\n"
    )
    down = cli("import", "--endpoint", "http://127.0.0.1:9", "--app-id", "a", "--app-secret", "b")
    assert down.returncode == 2
    assert down.stderr.startswith("mock-logto: cannot reach http://127.0.0.1:9 (")
    as_json = cli(
        "import", "--endpoint", source.base_url, "--app-id", "a", "-o", str(tmp_path / "t.json")
    )
    assert (as_json.returncode, as_json.stderr) == (
        2,
        f"mock-logto: {tmp_path / 't.json'}: import writes YAML, whose comments mark what it "
        "made up\n",
    )
    no_secret = cli("import", "--endpoint", source.base_url, "--app-id", "a")
    assert no_secret.stderr == "mock-logto: give --app-secret or set MOCK_LOGTO_IMPORT_APP_SECRET\n"
    assert "Traceback" not in wrong.stderr + down.stderr


@pytest.mark.parametrize("command", ["export", "import"])
def test_the_new_commands_have_help(command: str) -> None:
    result = cli(command, "--help")
    assert result.returncode == 0
    assert result.stdout.startswith(f"usage: mock-logto {command}")
