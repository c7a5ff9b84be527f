"""Prints what a large tenant of users costs: fixture load, list pages, lookups.

    python bench/users_at_scale.py [--small 10] [--large 10000] [--load 4000] [--requests 300]

(a) Loading fixtures of a tenth, half, once and twice --load users (each with a username and an
    email), and the time per user: with the tenant's user index it stays flat as the tenant
    grows (a scan per user made it grow with the tenant: quadratic).
(b) `GET /api/users?page_size=1` in-process (Starlette TestClient, Management API token) on a
    tenant of --small users and one of --large users: median and 90th percentile over
    --requests requests, and their ratio (issue 11 asks for at most 2×).
(c) A sign-in lookup by email and the collision check of a new user at --large users.

Figures only; nothing here asserts a number. Run it against another checkout's code with
`PYTHONPATH=/path/to/checkout`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from starlette.testclient import TestClient

from mock_logto.app import create_app
from mock_logto.loader import load_tenant
from mock_logto.ops import users
from mock_logto.settings import Settings

ADMIN = (
    "applications:\n"
    "  - {id: bench-admin, name: Bench admin, type: MachineToMachine,\n"
    "     secrets: [{name: s, value: bench-secret}], roles: [Logto Management API access]}\n"
)


def fixture(directory: Path, count: int) -> Path:
    """A fixture file with the bench's admin app and `count` users."""
    path = directory / f"users-{count}.yaml"
    rows = "".join(
        f"  - {{username: user{i}, primaryEmail: user{i}@example.com}}\n" for i in range(count)
    )
    path.write_text(ADMIN + "users:\n" + rows)
    return path


def timed_load(path: Path) -> float:
    started = time.perf_counter()
    load_tenant(path)
    return time.perf_counter() - started


def list_page_times(path: Path, requests: int) -> list[float]:
    """Seconds per `GET /api/users?page_size=1`, after a warm-up."""
    client = TestClient(create_app(Settings(fixtures=path)), base_url="http://localhost:3001")
    token = client.post(
        "/oidc/token",
        data={
            "grant_type": "client_credentials",
            "resource": "https://default.logto.app/api",
            "scope": "all",
        },
        auth=("bench-admin", "bench-secret"),
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    for _ in range(20):
        assert client.get("/api/users?page_size=1", headers=headers).status_code == 200
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get("/api/users?page_size=1", headers=headers)
        times.append(time.perf_counter() - started)
    return times


def describe(times: list[float]) -> str:
    ordered = sorted(times)
    p90 = ordered[int(len(ordered) * 0.9)]
    return f"median {statistics.median(times) * 1000:.2f} ms, p90 {p90 * 1000:.2f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10)
    parser.add_argument("--large", type=int, default=10_000)
    parser.add_argument("--load", type=int, default=4000)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        timed_load(fixture(directory, 10))  # imports and caches warmed
        sizes = (args.load // 10, args.load // 2, args.load, args.load * 2)
        loads = [(size, timed_load(fixture(directory, size))) for size in sizes]
        print("(a) fixture load: " + ", ".join(f"{n} users {t:.3f} s" for n, t in loads))
        print("    per user: " + ", ".join(f"{t / n * 1e6:.0f} µs" for n, t in loads))

        small = list_page_times(fixture(directory, args.small), args.requests)
        large_path = fixture(directory, args.large)
        large = list_page_times(large_path, args.requests)
        ratio = statistics.median(large) / statistics.median(small)
        print(f"(b) GET /api/users?page_size=1: {args.small} users: {describe(small)}")
        print(f"    {args.large} users: {describe(large)}; ratio of medians {ratio:.2f}×")

        tenant = load_tenant(large_path)
        started = time.perf_counter()
        for i in range(1000):
            users.find_by_identifier(tenant, f"USER{i}@example.com")
        lookup = (time.perf_counter() - started) / 1000
        started = time.perf_counter()
        for i in range(1000):
            users.identifiers_free(tenant, {"username": f"new{i}", "primaryEmail": f"n{i}@x.io"})
        check = (time.perf_counter() - started) / 1000
        print(
            f"(c) at {args.large} users: email lookup {lookup * 1e6:.1f} µs, "
            f"collision check {check * 1e6:.1f} µs"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
