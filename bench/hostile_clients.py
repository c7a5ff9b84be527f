"""Prints what hostile clients cost a running server: memory, and latency for everyone else.

    python bench/hostile_clients.py [--sockets 20000]

One `mock-logto serve` process on loopback. For each attack, the server's resident memory
(VmRSS) and the slowest of the discovery requests another client makes meanwhile:
a body declared 1 GiB, a body streamed without a declared length, a 150 MiB header,
thousands of idle sockets, and fixture paths that are a FIFO and `/dev/zero`. Then the time of
`GET /api/users?page_size=1` with 10 and with 10,000 users (in-process). Figures only; nothing
here asserts a number.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import http.client
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


FAILED: list[str] = []


def discovery_ms(port: int) -> float:
    """One discovery request's time; a failed one is noted in FAILED."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", "/oidc/.well-known/openid-configuration")
        status = connection.getresponse().status
        if status != 200:
            FAILED.append(str(status))
    except OSError as exc:
        FAILED.append(type(exc).__name__)
    finally:
        connection.close()
    return (time.perf_counter() - started) * 1000


def during(port: int, pid: int, attack: Callable[[], object], label: str) -> None:
    """Run `attack` in a thread; meanwhile time discovery requests and watch the memory."""
    done = threading.Event()
    peak = [rss_mb(pid)]
    FAILED.clear()

    def run() -> None:
        try:
            attack()
        finally:
            done.set()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    latencies = []
    while not done.is_set() or not latencies:
        latencies.append(discovery_ms(port))
        peak.append(rss_mb(pid))
        time.sleep(0.02)
    thread.join(60)
    print(
        f"{label:<44} peak RSS {max(peak):6.1f} MB, other requests: "
        f"max {max(latencies):6.1f} ms, median {statistics.median(latencies):5.1f} ms "
        f"({len(latencies)} requests, {len(FAILED)} failed {sorted(set(FAILED))})"
    )


def declared_huge_body(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(
            b"POST /oidc/session/end HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1073741824\r\n\r\n"
        )
        sock.recv(65536)


def streamed_huge_body(port: int) -> None:
    chunk = b"%x\r\n%s\r\n" % (1 << 20, b"a" * (1 << 20))
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(
            b"POST /oidc/session/end HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        try:
            for _ in range(1024):  # 1 GiB, unless the server stops reading first
                sock.sendall(chunk)
        except OSError:
            pass


def huge_header(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"GET /oidc/jwks HTTP/1.1\r\nHost: localhost\r\nX-Big: ")
        try:
            for _ in range(150):  # 150 MiB
                sock.sendall(b"a" * (1 << 20))
        except OSError:
            pass


def idle_sockets(port: int, count: int) -> Callable[[], object]:
    def attack() -> None:
        opened = []
        try:
            for _ in range(count):
                try:
                    opened.append(socket.create_connection(("127.0.0.1", port), timeout=5))
                except OSError:
                    break
            time.sleep(2)
        finally:
            for sock in opened:
                sock.close()
        print(f"  ({len(opened)} sockets opened)")

    return attack


def fixture_path(port: int, path: str) -> Callable[[], object]:
    def attack() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        body = json.dumps({"path": path})
        connection.request(
            "PUT", "/__mock/fixtures", body, headers={"Content-Type": "application/json"}
        )
        response = connection.getresponse()
        print(f"  ({path}: {response.status} {json.loads(response.read())['message'][:60]})")

    return attack


def list_users_ms(users: int) -> float:
    sys.path.insert(0, str(REPO))
    from starlette.testclient import TestClient

    from mock_logto.app import create_app
    from mock_logto.models import User
    from mock_logto.ops import users as user_ops
    from mock_logto.settings import Settings

    app = create_app(Settings(_env_file=None))  # type: ignore[call-arg]
    tenant = app.state.runtime.tenant
    for index in range(users):
        user_ops.create(tenant, User(id=f"bench{index}", username=f"bench_{index}"))
    client = TestClient(app, base_url="http://localhost:3001")
    secret = base64.b64encode(b"demo-admin:demo-admin-secret").decode()
    token = client.post(
        "/oidc/token",
        data={
            "grant_type": "client_credentials",
            "resource": "https://default.logto.app/api",
            "scope": "all",
        },
        headers={"Authorization": f"Basic {secret}"},
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    times = []
    for _ in range(100):
        started = time.perf_counter()
        client.get("/api/users?page_size=1", headers=headers)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sockets", type=int, default=20000)
    args = parser.parse_args()
    wanted = args.sockets + 1000
    try:  # raising the hard limit needs root (CI and this machine run as root)
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, wanted))
    except (ValueError, OSError):
        _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        args.sockets = min(args.sockets, hard - 1000)

    port = free_port()
    fixtures = Path(tempfile.mkdtemp())
    (fixtures / "tenant.yaml").write_text((REPO / "fixtures" / "default.yaml").read_text())
    os.mkfifo(fixtures / "fifo.yaml")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mock_logto",
            "serve",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--fixtures",
            str(fixtures / "tenant.yaml"),
        ],
        cwd=REPO,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            FAILED.clear()
            discovery_ms(port)
            if not FAILED:
                break
            if time.monotonic() > deadline:
                raise SystemExit("the server did not start")
            time.sleep(0.05)
        print(
            f"idle server: RSS {rss_mb(server.pid):.1f} MB, discovery {discovery_ms(port):.1f} ms"
        )
        during(port, server.pid, lambda: declared_huge_body(port), "1 GiB body (declared length)")
        during(
            port, server.pid, lambda: streamed_huge_body(port), "1 GiB body (chunked, no length)"
        )
        during(port, server.pid, lambda: huge_header(port), "150 MiB header")
        during(port, server.pid, idle_sockets(port, args.sockets), f"{args.sockets} idle sockets")
        during(port, server.pid, fixture_path(port, "fifo.yaml"), "fixture path: a FIFO")
        during(port, server.pid, fixture_path(port, "/dev/zero"), "fixture path: /dev/zero")
    finally:
        server.terminate()
        server.wait(10)
    few, many = list_users_ms(10), list_users_ms(10_000)
    print(
        f"GET /api/users?page_size=1: {few:.2f} ms with 10 users, {many:.2f} ms with 10,000 "
        f"({many / few:.1f}x)"
    )


if __name__ == "__main__":
    asyncio.set_event_loop_policy(None)
    main()
