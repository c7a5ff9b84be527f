"""`mock-logto export` as a process, against servers on real sockets."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
import yaml

from mock_logto.server import MockLogtoServer

from ..support.admin import as_admin
from ..support.changes import IMPORTER, RICH_FIXTURE, change_through_the_api
from ..support.cli import cli
from ..support.server import serve

pytestmark = pytest.mark.e2e
TOKEN = "export-control-token-0123456789"


@pytest.fixture(scope="module")
def rich() -> Iterator[MockLogtoServer]:
    with serve(fixtures=RICH_FIXTURE) as running:
        yield running


def test_export_writes_the_live_tenant(rich: MockLogtoServer, tmp_path: Path) -> None:
    with httpx2.Client(base_url=rich.base_url) as client:
        as_admin(client, IMPORTER)
        change_through_the_api(client)
    path = tmp_path / "saved.yaml"
    result = cli("export", "--url", rich.base_url, "-o", str(path))
    assert (result.returncode, result.stdout, result.stderr) == (0, "", f"wrote {path}\n")
    users = [u.get("username") for u in yaml.safe_load(path.read_text())["users"]]
    assert "eve" in users and "dora" not in users
    assert cli("check-fixtures", str(path)).returncode == 0

    as_json = cli("export", "--format", "json", MOCK_LOGTO_URL=rich.base_url)
    assert as_json.returncode == 0, as_json.stderr
    assert yaml.safe_load(as_json.stdout) == yaml.safe_load(path.read_text())


def test_export_needs_the_control_token_when_the_server_has_one() -> None:
    with serve(control_token=TOKEN) as guarded:
        refused = cli("export", "--url", guarded.base_url)
        assert (refused.returncode, refused.stdout) == (2, "")
        assert refused.stderr == (
            f"mock-logto: {guarded.base_url}: The control API needs its token "
            "(X-Mock-Logto-Token). Pass --control-token or set MOCK_LOGTO_CONTROL_TOKEN.\n"
        )
        flag = cli("export", "--url", guarded.base_url, "--control-token", TOKEN)
        from_env = cli("export", "--url", guarded.base_url, MOCK_LOGTO_CONTROL_TOKEN=TOKEN)
        assert flag.returncode == from_env.returncode == 0
        assert flag.stdout == from_env.stdout and "demo-m2m" in flag.stdout


def test_export_says_why_there_is_nothing_to_export() -> None:
    down = cli("export", "--url", "http://127.0.0.1:9")
    assert down.returncode == 2
    assert down.stderr.startswith("mock-logto: cannot reach http://127.0.0.1:9 (")
    assert down.stderr.endswith("); is `mock-logto serve` running there?\n")

    with serve(control_api=False) as off:
        result = cli("export", "--url", off.base_url)
        assert (result.returncode, result.stderr) == (
            2,
            f"mock-logto: {off.base_url} is mock-logto with its control API off "
            "(control_api=false)\n",
        )

    with _other_server() as other:
        result = cli("export", "--url", other)
        assert (result.returncode, result.stderr) == (
            2,
            f"mock-logto: {other} does not look like mock-logto: GET /__mock/fixtures "
            "answered 404 text/html\n",
        )
    assert "Traceback" not in down.stderr + result.stderr


class _NotFound(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"<h1>Not here</h1>"
        self.send_response(404)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _other_server:
    """Some other web server: every path is a 404 page."""

    def __enter__(self) -> str:
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _NotFound)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
