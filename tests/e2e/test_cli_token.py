"""`mock-logto token` and `mock-logto keys`, as processes."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from mock_logto.server import MockLogtoServer

from ..support.cli import cli
from ..support.server import serve
from ..support.tenants import API
from ..support.verify import verify_over_http

pytestmark = pytest.mark.e2e


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


class _Other(BaseHTTPRequestHandler):
    """A server that is not mock-logto: everything answers 500 text."""

    def do_POST(self) -> None:
        self.send_response(500)
        self.send_header("content-type", "text/plain")
        self.end_headers()
        self.wfile.write(b"Internal server error.")

    def log_message(self, *args: object) -> None:
        pass


def test_token_against_something_else_says_what_it_found() -> None:
    other = ThreadingHTTPServer(("127.0.0.1", 0), _Other)
    thread = threading.Thread(target=other.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{other.server_address[1]}"
        result = cli("token", "--url", url, "--app", "demo-m2m", "--resource", API)
    finally:
        other.shutdown()
        other.server_close()
    assert (result.returncode, result.stderr) == (
        2,
        f"mock-logto: {url} is not mock-logto's control API (HTTP 500)\n",
    )


def test_token_against_a_server_without_control_api_says_so() -> None:
    with serve(control_api=False) as running:
        result = cli("token", "--url", running.base_url, "--app", "demo-m2m", "--resource", API)
    assert (result.returncode, result.stderr) == (
        2,
        f"mock-logto: {running.base_url} has no control API: not mock-logto, or serving with "
        "--no-control-api\n",
    )


def test_token_needs_the_control_token_when_the_server_has_one() -> None:
    token = "c" * 24
    with serve(control_token=token) as running:
        refused = cli("token", "--url", running.base_url, "--app", "demo-m2m", "--resource", API)
        given = cli(
            "token",
            "--url",
            running.base_url,
            "--app",
            "demo-m2m",
            "--resource",
            API,
            "--control-token",
            token,
        )
    assert (refused.returncode, refused.stderr) == (
        2,
        "mock-logto: The control API needs its token (X-Mock-Logto-Token). Pass --control-token "
        "or set MOCK_LOGTO_CONTROL_TOKEN.\n",
    )
    assert given.returncode == 0, given.stderr


def test_a_standard_claim_is_refused_not_dropped(server: MockLogtoServer) -> None:
    result = cli(
        "token",
        "--url",
        server.base_url,
        "--app",
        "demo-m2m",
        "--resource",
        API,
        "--claim",
        "sub=someone",
    )
    assert (result.returncode, result.stderr) == (
        2,
        "mock-logto: claims cannot set sub: they come from the app, user, resource, "
        "organization, scopes and expiry given\n",
    )


def test_serve_on_a_busy_port_is_one_line_and_exit_2() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = cli("serve", "--port", str(port))
    assert (result.returncode, result.stdout, result.stderr) == (
        2,
        "",
        f"mock-logto: port {port} on 127.0.0.1 is in use; choose another with --port or "
        "MOCK_LOGTO_PORT\n",
    )


def test_sign_in_runs_the_real_flow_and_prints_verifiable_tokens(server: MockLogtoServer) -> None:
    result = cli(
        "sign-in",
        "--url",
        server.base_url,
        "--app",
        "demo-web",
        "--secret",
        "demo-web-secret",
        "--user",
        "alice",
        "--resource",
        API,
        "--organization",
        "org-acme",
    )
    assert result.returncode == 0, result.stderr
    tokens = json.loads(result.stdout)
    assert sorted(tokens) == [
        "access_token",
        "expires_in",
        "id_token",
        "organization_token",
        "refresh_token",
        "scope",
        "token_type",
    ]
    claims = verify_over_http(tokens["access_token"], server.issuer, API, algorithms=["ES384"])
    assert (claims["sub"], claims["client_id"]) == ("user-alice", "demo-web")
    organization = verify_over_http(
        tokens["organization_token"],
        server.issuer,
        "urn:logto:organization:org-acme",
        algorithms=["ES384"],
    )
    assert organization["sub"] == "user-alice"


def test_sign_in_says_what_is_missing(server: MockLogtoServer) -> None:
    no_secret = cli("sign-in", "--url", server.base_url, "--app", "demo-web", "--user", "alice")
    assert (no_secret.returncode, no_secret.stderr) == (
        2,
        "mock-logto: the code exchange was refused: client authentication failed (demo-web is "
        "a confidential app: pass --secret)\n",
    )
    nobody = cli("sign-in", "--url", server.base_url, "--app", "demo-spa", "--user", "nobody")
    assert (nobody.returncode, nobody.stderr) == (
        2,
        "mock-logto: no user 'nobody' can sign in (check --user)\n",
    )
    public = cli("sign-in", "--url", server.base_url, "--app", "demo-spa", "--user", "alice")
    assert public.returncode == 0, public.stderr
    assert "refresh_token" in json.loads(public.stdout)
