"""`mock-logto token` and `mock-logto keys`, as processes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mock_logto.server import MockLogtoServer

from ..support.tenants import API
from ..support.verify import verify_over_http

pytestmark = pytest.mark.e2e


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mock_logto", *args], capture_output=True, text=True, timeout=30
    )


def test_token_verifies_against_the_running_servers_jwks(server: MockLogtoServer) -> None:
    result = cli(
        "token",
        "--url",
        server.base_url,
        "--app",
        "demo-web",
        "--user",
        "alice",
        "--resource",
        API,
        "--scope",
        "read:items",
        "--scope",
        "write:items",
        "--claim",
        'tier="gold"',
        "--claim",
        "level=3",
    )
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip()
    claims = verify_over_http(token, server.issuer, API, algorithms=["ES384"])
    assert (claims["tier"], claims["level"], claims["sub"], claims["scope"]) == (
        "gold",
        3,
        "user-alice",
        "read:items write:items",
    )


def test_token_decode_and_errors(server: MockLogtoServer) -> None:
    decoded = cli(
        "token",
        "--url",
        server.base_url,
        "--app",
        "demo-m2m",
        "--organization",
        "org-acme",
        "--decode",
    )
    body = json.loads(decoded.stdout)
    assert body["header"]["typ"] == "at+jwt"
    assert body["claims"]["aud"] == "urn:logto:organization:org-acme"
    unknown = cli("token", "--url", server.base_url, "--app", "nope", "--resource", "https://x")
    assert (unknown.returncode, unknown.stdout) == (2, "")
    assert unknown.stderr == "mock-logto: no application has the id or name 'nope'\n"
    down = cli("token", "--url", "http://127.0.0.1:9", "--app", "demo-m2m", "--resource", "x")
    assert down.returncode == 2
    assert down.stderr.startswith("mock-logto: cannot reach http://127.0.0.1:9 (")
    assert "Traceback" not in down.stderr


def test_keys_generate_and_show(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    made = cli("keys", "generate", str(path))
    assert made.returncode == 0 and made.stdout.startswith(f"wrote {path}: ES384 key ")
    again = cli("keys", "generate", str(path))
    assert (again.returncode, again.stderr) == (
        2,
        f"mock-logto: {path} exists; add --force to replace it\n",
    )
    shown = json.loads(cli("keys", "show", str(path)).stdout)
    [key] = shown["keys"]
    assert list(key) == ["kty", "use", "kid", "alg", "crv", "x", "y"]
    assert made.stdout.strip().endswith(key["kid"])


@pytest.mark.parametrize("command", ["serve", "check-fixtures", "token", "keys"])
def test_every_command_has_help(command: str) -> None:
    result = cli(command, "--help")
    assert result.returncode == 0
    assert result.stdout.startswith(f"usage: mock-logto {command}")
