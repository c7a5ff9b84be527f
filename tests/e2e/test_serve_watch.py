"""`mock-logto serve --watch` in a real process: a fixture edited, the next token changes."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from ..support.paths import DEMO_FIXTURE
from ..support.server import free_port

pytestmark = pytest.mark.e2e


def token(port: int) -> dict[str, object]:
    request = urllib.request.Request(
        f"http://localhost:{port}/oidc/token",
        data=b"grant_type=client_credentials&resource=https%3A%2F%2Fapi.example.com",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    request.add_unredirected_header("Authorization", "Basic ZGVtby1tMm06ZGVtby1tMm0tc2VjcmV0")
    with urllib.request.urlopen(request, timeout=5) as response:
        body: dict[str, object] = json.load(response)
    return body


def kid(port: int) -> str:
    with urllib.request.urlopen(f"http://localhost:{port}/oidc/jwks", timeout=5) as response:
        return str(json.load(response)["keys"][0]["kid"])


def wait_until_up(port: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 20
    while True:
        assert process.poll() is None, process.communicate()
        try:
            kid(port)
            return
        except OSError:
            assert time.monotonic() < deadline, "server did not answer"
            time.sleep(0.05)


def test_serve_watch_serves_an_edited_fixture_with_the_same_keys(tmp_path: Path) -> None:
    fixture = tmp_path / "tenant.yaml"
    shutil.copy(DEMO_FIXTURE, fixture)
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mock_logto",
            "serve",
            "--port",
            str(port),
            "--watch",
            "--fixtures",
            str(fixture),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin"},
    )
    try:
        wait_until_up(port, process)
        assert token(port)["expires_in"] == 3600
        first_kid = kid(port)
        fixture.write_text(
            fixture.read_text().replace("accessTokenTtl: 3600", "accessTokenTtl: 120")
        )
        deadline = time.monotonic() + 10
        while token(port)["expires_in"] != 120:
            assert time.monotonic() < deadline, "the edit was not served"
            time.sleep(0.1)
        assert kid(port) == first_kid
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0
    lines = output.splitlines()
    assert lines[1:5] == [
        f"  console    http://localhost:{port}/",
        f"  discovery  http://localhost:{port}/oidc/.well-known/openid-configuration",
        f"  token      http://localhost:{port}/oidc/token",
        "  watching   the fixture files: a change is served without a restart",
    ]
    assert (
        f"mock-logto: reloaded {fixture} (4 applications, 2 API resources, 4 roles, 2 users, "
        "1 organizations)"
    ) in lines
    assert "Traceback" not in output
