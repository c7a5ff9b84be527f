"""`serve`'s request lines: one per request, coloured only on a terminal, off when quiet."""

from __future__ import annotations

import io
import re

import pytest
from starlette.testclient import TestClient

from mock_logto.app import create_app
from mock_logto.cli import _console
from mock_logto.http.console import ConsoleLog

from .support.apps import make_settings
from .support.tenants import BASE_URL

LINE = re.compile(r"^\d\d:\d\d:\d\d (?P<rest>.*) \d+\.\d ms$")
M2M = {"grant_type": "client_credentials", "resource": "https://api.example.com"}


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def lines(stream: io.StringIO) -> list[str]:
    """Each line without its time and duration (checked by the pattern)."""
    found = []
    for line in stream.getvalue().splitlines():
        match = LINE.match(line)
        assert match is not None, line
        found.append(match["rest"])
    return found


def test_a_line_has_time_method_path_status_and_duration() -> None:
    stream = io.StringIO()
    ConsoleLog(stream)("POST", "/oidc/token", 200, 0.0014)
    assert re.fullmatch(r"\d\d:\d\d:\d\d POST /oidc/token 200 1\.4 ms\n", stream.getvalue())


def test_terminal_escapes_in_a_path_are_shown_escaped() -> None:
    stream = io.StringIO()
    ConsoleLog(stream)("GET", "/\x1b[31mred", 404, 0.001)
    assert lines(stream) == ["GET /\\x1b[31mred 404"]


def test_colour_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    piped, terminal = io.StringIO(), Terminal()
    for stream in (piped, terminal):
        log = ConsoleLog(stream)
        log("GET", "/oidc/jwks", 200, 0.001)
        log("POST", "/oidc/token", 400, 0.001)
        log("GET", "/boom", 500, 0.001)
    assert "\033[" not in piped.getvalue()
    coloured = terminal.getvalue().splitlines()
    assert "\033[32m200\033[0m" in coloured[0]
    assert "\033[33m400\033[0m" in coloured[1]
    assert "\033[31m500\033[0m" in coloured[2]
    assert (
        re.sub(r"\033\[\d+m", "", terminal.getvalue())
        .splitlines()[0]
        .endswith(" GET /oidc/jwks 200 1.0 ms")
    )


def test_no_color_turns_colour_off_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    terminal = Terminal()
    ConsoleLog(terminal)("GET", "/oidc/jwks", 200, 0.001)
    assert "\033[" not in terminal.getvalue()


def test_every_request_of_the_app_is_one_line_without_its_query() -> None:
    stream = io.StringIO()
    console = ConsoleLog(stream)
    app = create_app(make_settings(), console=console)
    with TestClient(app, base_url=BASE_URL) as client:
        assert client.post("/oidc/token", data=M2M, auth=("demo-m2m", "demo-m2m-secret")).is_success
        assert client.post("/oidc/token", data=M2M, auth=("demo-m2m", "wrong")).status_code == 401
        for _ in range(2):  # the second is answered from the replay
            assert client.get("/oidc/jwks?code=secret").status_code == 200
        assert (
            client.options(
                "/oidc/token",
                headers={"Origin": "http://x.test", "Access-Control-Request-Method": "POST"},
            ).status_code
            == 204
        )
        assert client.post("/__mock/reset").status_code == 204
        assert client.get("/nowhere").status_code == 404
    console.flush()
    assert lines(stream) == [
        "POST /oidc/token 200",
        "POST /oidc/token 401",
        "GET /oidc/jwks 200",
        "GET /oidc/jwks 200",
        "OPTIONS /oidc/token 204",
        "POST /__mock/reset 204",
        "GET /nowhere 404",
    ]


def test_serve_prints_lines_unless_quiet_or_above_info() -> None:
    assert isinstance(_console(make_settings()), ConsoleLog)
    assert isinstance(_console(make_settings(log_level="debug")), ConsoleLog)
    assert _console(make_settings(quiet=True)) is None
    assert _console(make_settings(log_level="warning")) is None


def test_without_a_console_the_app_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    with TestClient(create_app(make_settings()), base_url=BASE_URL) as client:
        assert client.get("/oidc/jwks").status_code == 200
    assert capsys.readouterr() == ("", "")
