"""Real sockets and processes: `mock-logto serve`, the README's curl, tokens verified by PyJWT
with keys fetched over HTTP (as a resource server would), key files across restarts."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import jwt
import pytest

from mock_logto.server import MockLogtoServer

from ..support.apps import make_settings
from ..support.paths import GOLDEN_FIXTURE
from ..support.readme import code_blocks
from ..support.server import free_port
from ..support.verify import verify_over_http

pytestmark = pytest.mark.e2e


def wait_ready(url: str, process: subprocess.Popen[str], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        assert process.poll() is None, process.communicate()
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            assert time.monotonic() < deadline, "server did not answer"
            time.sleep(0.02)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[int, subprocess.Popen[str]]]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "mock_logto", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=tmp_path,  # no .env, no repository around: the bundled fixtures must be found
        env={"PATH": "/usr/bin:/bin"},
    )
    try:
        wait_ready(f"http://localhost:{port}/oidc/.well-known/openid-configuration", process)
        yield port, process
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_readme_curl_example_gets_a_token_that_verifies_with_the_published_jwks(
    served: tuple[int, subprocess.Popen[str]],
) -> None:
    port, process = served
    [command] = [b for b in code_blocks("sh") if "client_credentials" in b]
    argv = shlex.split(command.replace("\\\n", " ").replace("localhost:3001", f"localhost:{port}"))
    result = subprocess.run(argv, capture_output=True, text=True, check=True)
    body = json.loads(result.stdout)
    assert list(body) == ["access_token", "expires_in", "token_type", "scope"]
    assert (body["expires_in"], body["token_type"], body["scope"]) == (3600, "Bearer", "read:items")

    issuer = f"http://localhost:{port}/oidc"
    claims = verify_over_http(body["access_token"], issuer, "https://api.example.com")
    assert list(claims) == ["jti", "sub", "iat", "exp", "scope", "client_id", "iss", "aud"]
    assert {k: claims[k] for k in ("sub", "client_id", "scope", "iss", "aud")} == {
        "sub": "demo-m2m",
        "client_id": "demo-m2m",
        "scope": "read:items",
        "iss": issuer,
        "aud": "https://api.example.com",
    }
    assert jwt.get_unverified_header(body["access_token"])["typ"] == "at+jwt"


def test_serve_logs_the_issuer_and_stops_cleanly_on_ctrl_c(
    served: tuple[int, subprocess.Popen[str]],
) -> None:
    port, process = served
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=10)
    assert process.returncode == 0
    first = output.splitlines()[0]
    assert first.startswith(f"mock-logto 0.1.0: issuer http://localhost:{port}/oidc, ")
    assert first.endswith(
        "default.yaml (4 applications, 2 API resources, 4 roles, 2 users, 1 organizations)"
    )
    assert "Traceback" not in output


def test_serve_prints_a_line_per_request_and_none_when_quiet(tmp_path: Path) -> None:
    outputs = []
    for quiet in ([], ["--quiet"]):
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "mock_logto", "serve", "--port", str(port), *quiet],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            cwd=tmp_path,
            env={"PATH": "/usr/bin:/bin"},
        )
        try:
            wait_ready(f"http://localhost:{port}/oidc/jwks?code=secret", process)
            process.send_signal(signal.SIGINT)
            outputs.append(process.communicate(timeout=10)[0])
        finally:
            if process.poll() is None:
                process.kill()
    printed, quiet_output = outputs
    assert re.fullmatch(r"\d\d:\d\d:\d\d GET /oidc/jwks 200 \d+\.\d ms\n", printed)  # no colour
    assert quiet_output == ""


def test_serve_refuses_broken_settings_and_fixtures_in_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("applications:\n  - {name: x, type: Robot}\n")
    for argv, expected in [
        (
            ["--fixtures", str(broken)],
            f"mock-logto: {broken}: applications[0] (x): type: Input should be "
            "'MachineToMachine', 'Traditional', 'SPA' or 'Native'\n",
        ),
        (
            ["--port", "99999"],
            "mock-logto: setting port: Input should be less than or equal to 65535\n",
        ),
    ]:
        result = subprocess.run(
            [sys.executable, "-m", "mock_logto", "serve", *argv],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            check=False,
        )
        assert (result.returncode, result.stderr) == (2, expected)


def _token(server: MockLogtoServer) -> str:
    request = urllib.request.Request(
        server.token_endpoint,
        data=b"grant_type=client_credentials&resource=https%3A%2F%2Fapi.example.com"
        b"&scope=read%3Aproducts",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    request.add_unredirected_header(
        "Authorization",
        "Basic eTF3bzBpcWx6dDMwd2Z1eWM0b2VwOm5NeEdoeFg5amFZeEJsNEM2NmZManFXOTFqSk1hSWNT",
    )
    with urllib.request.urlopen(request) as response:
        token: str = json.load(response)["access_token"]
    return token


def test_tokens_survive_a_restart_with_a_key_file(tmp_path: Path) -> None:
    key_file = tmp_path / "keys" / "jwks.json"
    settings = make_settings(port=0, fixtures=GOLDEN_FIXTURE, key_file=key_file)
    with MockLogtoServer(settings) as first:
        token = _token(first)
        first_issuer = first.issuer
    assert key_file.stat().st_mode & 0o777 == 0o600
    with MockLogtoServer(settings.model_copy(update={"port": first.port})) as second:
        assert second.issuer == first_issuer
        claims = verify_over_http(token, second.issuer, "https://api.example.com")
    assert claims["sub"] == "y1wo0iqlzt30wfuyc4oep"


def test_without_a_key_file_a_restart_publishes_a_new_key() -> None:
    settings = make_settings(port=0, fixtures=GOLDEN_FIXTURE)
    with MockLogtoServer(settings) as first:
        token = _token(first)
    second = MockLogtoServer(settings.model_copy(update={"port": first.port}))
    with second, pytest.raises(jwt.PyJWKClientError):
        verify_over_http(token, second.issuer, "https://api.example.com")


def test_readme_sign_in_example_gets_a_code_then_tokens(
    served: tuple[int, subprocess.Popen[str]],
) -> None:
    port, _ = served
    [block] = [b for b in code_blocks("sh") if "login_hint=alice" in b]
    commands = [
        shlex.split(line.replace("localhost:3001", f"localhost:{port}"))
        for line in block.replace("\\\n", " ").splitlines()
        if line.startswith("curl ")
    ]
    authorize, exchange = commands
    redirect = subprocess.run(authorize, capture_output=True, text=True, check=True).stdout
    assert redirect.startswith("http://localhost:3000/callback?code=")
    code = redirect.split("code=", 1)[1].split("&", 1)[0]
    exchange = [arg.replace("code=CODE", f"code={code}") for arg in exchange]
    body = json.loads(subprocess.run(exchange, capture_output=True, text=True, check=True).stdout)
    assert list(body) == [
        "access_token",
        "expires_in",
        "id_token",
        "refresh_token",
        "scope",
        "token_type",
    ]
    assert body["scope"] == "openid profile offline_access"
    issuer = f"http://localhost:{port}/oidc"
    claims = verify_over_http(body["id_token"], issuer, "demo-web")
    assert (claims["sub"], claims["username"]) == ("user-alice", "alice")
