"""Prints what mock-logto costs the test suites that install it, in one run.

    python bench/plugin_costs.py [--tests 300] [--runs 5] [--seconds 5] [--connections 16]

(a) A pytest session of --tests trivial tests with the plugin installed but not used, against
    the same session with the plugin disabled (`-p no:mock_logto`); also under `-n 2` when
    pytest-xdist is installed.
(b) --tests tests requesting `mock_logto` against the same tests not requesting it (the server
    start-up, once, included), and the cost of one reset measured in-process.
(c) Cold start of `mock-logto serve`: launch until the first discovery answer.
(d) `POST /oidc/token` (client_credentials) and `GET /oidc/jwks` of `mock-logto serve`, side by
    side with a minimal Starlette app on the same uvicorn settings: a token endpoint signing one
    ES384 JWT with joserfc, and a static JSON response; each also with the extra headers
    mock-logto's answer carries (Logto's security and CORS headers: uvicorn writes every header
    in Python, so they cost as much as some middleware), and behind mock-logto's own connection
    limits (its httptools protocol with the header cap and deadline) where it has them. Driven
    by wrk (--connections keep-alive connections) when it is installed, else by a Python client
    (which then limits the figures). mock-logto runs at `--log-level warning`; the same server
    at the default level, printing its console line per request, is measured too.

Every session runs in a fresh interpreter with `MOCK_LOGTO_*` removed from the environment
and bytecode caching on (PYTHONDONTWRITEBYTECODE removed), as for an installed package.
Run it against another checkout's code with `PYTHONPATH=/path/to/checkout`. Figures only;
nothing here asserts a number.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import importlib.util
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

TOKEN_BODY = (
    b"grant_type=client_credentials&resource=https%3A%2F%2Fapi.example.com&scope=read%3Aitems"
)
TOKEN_AUTH = "Basic " + base64.b64encode(b"demo-m2m:demo-m2m-secret").decode()
FORM = "application/x-www-form-urlencoded"

# ---------------------------------------------------------------------------------- helpers


def clean_env() -> dict[str, str]:
    """The environment without MOCK_LOGTO_* (a developer's shell may have some).

    Bytecode is written, as it is for an installed package: the warm-up runs write it.
    """
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("MOCK_LOGTO_") and k != "PYTHONDONTWRITEBYTECODE"
    }


def median_ms(samples: Sequence[float]) -> float:
    return statistics.median(samples) * 1000


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: Sequence[str], cwd: Path) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of a command: CPU time suffers less on a busy
    machine."""
    started, cpu = time.perf_counter(), children_cpu()
    result = subprocess.run(
        command, cwd=cwd, env=clean_env(), capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    return elapsed, children_cpu() - cpu


def process_cpu(pid: int) -> float:
    """User + system seconds a process has used so far (Linux; 0 elsewhere)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get_status(port: int, path: str, method: str = "GET") -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
    headers = {"Authorization": TOKEN_AUTH, "Content-Type": FORM}
    try:
        connection.request(method, path, TOKEN_BODY if method == "POST" else None, headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def wait_ready(port: int, path: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if get_status(port, path) == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"nothing answered {path} on port {port} within {timeout}s")
        time.sleep(0.002)


def serve_command(port: int, log_level: str = "warning") -> list[str]:
    """`mock-logto serve`; at `info` it prints its console line per request."""
    script = Path(sys.executable).with_name("mock-logto")
    launcher = [str(script)] if script.exists() else [sys.executable, "-m", "mock_logto"]
    return [*launcher, "serve", "--port", str(port), "--log-level", log_level]


# ---------------------------------------------------------------------------------- (a), (b)

PLAIN = """
import pytest

@pytest.mark.parametrize("i", range({n}))
def test_plain(i):
    pass
"""

USING = """
import pytest

@pytest.mark.parametrize("i", range({n}))
def test_using(mock_logto, i):
    pass
"""


def pytest_sessions(tests: int, runs: int, xdist: bool) -> None:
    """(a) and (b): median wall time of whole sessions, each in a fresh interpreter."""
    with tempfile.TemporaryDirectory(prefix="mock-logto-bench-") as tmp:
        root = Path(tmp)
        (root / "pytest.ini").write_text("[pytest]\n")
        (root / "test_plain.py").write_text(PLAIN.format(n=tests))
        (root / "test_using.py").write_text(USING.format(n=tests))
        pytest_cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        variants: dict[str, list[str]] = {
            "installed": [*pytest_cmd, "test_plain.py"],
            "disabled": [*pytest_cmd, "-p", "no:mock_logto", "test_plain.py"],
            "using": [*pytest_cmd, "test_using.py"],
        }
        if xdist:
            variants["installed -n 2"] = [*variants["installed"], "-n", "2"]
            variants["disabled -n 2"] = [*variants["disabled"], "-n", "2"]
        for command in variants.values():  # warm the file system cache and the .pyc files
            timed(command, root)
        samples: dict[str, list[tuple[float, float]]] = {name: [] for name in variants}
        for _ in range(runs):  # interleaved, so a noisy moment hits every variant alike
            for name, command in variants.items():
                samples[name].append(timed(command, root))
        wall = {name: median_ms([w for w, _ in times]) for name, times in samples.items()}
        cpu = {name: median_ms([c for _, c in times]) for name, times in samples.items()}

    def row(label: str, name: str) -> None:
        print(f"    {label:36} {wall[name]:7.0f} ms wall {cpu[name]:7.0f} ms cpu")

    def diff(label: str, more: str, less: str) -> None:
        print(
            f"    => {label:33} {wall[more] - wall[less]:7.0f} ms wall"
            f" {cpu[more] - cpu[less]:7.0f} ms cpu"
        )

    print(f"(a) a pytest session of {tests} trivial tests (medians of {runs}):")
    row("plugin disabled (-p no:mock_logto)", "disabled")
    row("plugin installed, not used", "installed")
    diff("the plugin adds", "installed", "disabled")
    if xdist:
        row("-n 2, plugin disabled", "disabled -n 2")
        row("-n 2, plugin installed, not used", "installed -n 2")
        diff("the plugin adds under -n 2", "installed -n 2", "disabled -n 2")
    print(f"(b) {tests} tests requesting mock_logto vs the same tests without (medians of {runs}):")
    row("not requesting it", "installed")
    row("requesting it", "using")
    diff("using mock_logto adds", "using", "installed")


def reset_cost() -> None:
    """One reset in-process: after nothing changed, and after a request reached the state."""
    from mock_logto.runtime import Runtime
    from mock_logto.settings import Settings

    runtime = Runtime.build(Settings(_env_file=None, port=0))
    runtime.reset()

    def per_call(setup: Callable[[], object], count: int = 300) -> float:
        total = 0.0
        for _ in range(count):
            setup()
            started = time.perf_counter()
            runtime.reset()
            total += time.perf_counter() - started
        return total / count * 1e6

    def request_reached_the_state() -> None:
        # What runtime_of() does for every request (older versions reload on every reset).
        runtime.changes = getattr(runtime, "changes", 0) + 1
        runtime.store.new_session("user-alice")

    unchanged = per_call(lambda: None)
    changed = per_call(request_reached_the_state)
    print(f"    one reset, nothing changed          {unchanged:7.1f} µs")
    print(f"    one reset after a request           {changed:7.1f} µs")


# ---------------------------------------------------------------------------------- (c)


def cold_start(runs: int) -> None:
    times = []
    for _ in range(runs + 1):
        port = free_port()
        started = time.perf_counter()
        process = subprocess.Popen(
            serve_command(port),
            env=clean_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_ready(port, "/oidc/.well-known/openid-configuration")
            times.append(time.perf_counter() - started)
        finally:
            process.terminate()
            process.wait(10)
    times = times[1:]  # the first launch warms the file system cache
    print("(c) cold start of `mock-logto serve`, launch to the first discovery answer:")
    print(
        f"    median {median_ms(times):.0f} ms, min {min(times) * 1000:.0f} ms,"
        f" max {max(times) * 1000:.0f} ms over {runs} launches"
    )


# ---------------------------------------------------------------------------------- (d)


def minimal_app(same_headers: dict[str, dict[str, str]] | None = None) -> object:
    """The yardstick: a token endpoint signing one ES384 JWT, and a static JSON response.

    `same_headers` (path → headers): also served at `<path>-same-headers` with those extra
    headers, the ones mock-logto's answer carries (Logto's security and CORS headers).
    """
    import json
    import secrets
    from urllib.parse import parse_qs

    from joserfc import jws
    from joserfc.jwk import ECKey
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    key = ECKey.generate_key("P-384")
    kid = key.thumbprint()
    public = key.as_dict(private=False)
    jwks_body = json.dumps(
        {"keys": [{"kty": "EC", "use": "sig", "kid": kid, "alg": "ES384", **public}]},
        separators=(",", ":"),
    ).encode()
    header = {"alg": "ES384", "typ": "at+jwt", "kid": kid}
    media = "application/json; charset=utf-8"

    async def token(request: Request) -> Response:
        form = parse_qs((await request.body()).decode())
        if request.headers.get("authorization") != TOKEN_AUTH:
            return Response(b'{"error":"invalid_client"}', 401, media_type=media)
        now = int(time.time())
        claims = {
            "jti": secrets.token_urlsafe(16),
            "sub": "demo-m2m",
            "iat": now,
            "exp": now + 3600,
            "scope": form["scope"][0],
            "client_id": "demo-m2m",
            "iss": "http://localhost/oidc",
            "aud": form["resource"][0],
        }
        payload = json.dumps(claims, separators=(",", ":")).encode()
        signed = jws.serialize_compact(header, payload, key, algorithms=["ES384"])
        body = {"access_token": signed, "expires_in": 3600, "token_type": "Bearer"}
        return Response(json.dumps(body).encode(), media_type=media)

    async def jwks(request: Request) -> Response:
        return Response(jwks_body, media_type=media)

    def with_headers(endpoint: Any, headers: dict[str, str]) -> Any:
        raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]

        async def decorated(request: Request) -> Response:
            response: Response = await endpoint(request)
            response.raw_headers.extend(raw)
            return response

        return decorated

    extra = same_headers or {}
    return Starlette(
        routes=[
            Route("/token", token, methods=["POST"]),
            Route("/jwks", jwks),
            Route(
                "/token-same-headers",
                with_headers(token, extra.get("/token", {})),
                methods=["POST"],
            ),
            Route("/jwks-same-headers", with_headers(jwks, extra.get("/jwks", {}))),
        ]
    )


def serve_minimal(port: int) -> None:
    import json

    import uvicorn

    options: dict[str, Any] = {}
    if os.environ.get("BENCH_LIMITS"):
        # The same app behind mock-logto's connection limits (header cap and deadline, a
        # connection cap), to tell their cost from the framework's.
        from mock_logto.http.serving import limited_protocol
        from mock_logto.settings import Settings

        settings = Settings(_env_file=None)  # the defaults: MOCK_LOGTO_* are not passed here
        options = {
            "http": limited_protocol(settings),
            "timeout_keep_alive": settings.keep_alive_timeout,
        }
    config = uvicorn.Config(
        minimal_app(json.loads(os.environ.get("SAME_HEADERS", "{}"))),  # type: ignore[arg-type]
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="off",
        server_header=False,
        **options,
    )
    uvicorn.Server(config).run()


WRK_SCRIPT = """
wrk.method = "{method}"
wrk.body = "{body}"
wrk.headers["Content-Type"] = "{form}"
wrk.headers["Authorization"] = "{auth}"
"""


def wrk_rate(
    port: int, method: str, path: str, seconds: float, connections: int, tmp: Path
) -> float:
    script = tmp / f"{method.lower()}.lua"
    body = TOKEN_BODY.decode() if method == "POST" else ""
    script.write_text(WRK_SCRIPT.format(method=method, body=body, form=FORM, auth=TOKEN_AUTH))
    result = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    if "Non-2xx" in result.stdout:
        raise RuntimeError(f"{path} answered errors under load:\n{result.stdout}")
    found = re.search(r"Requests/sec:\s+([\d.]+)", result.stdout)
    if found is None:
        raise RuntimeError(f"unexpected wrk output:\n{result.stdout}")
    return float(found.group(1))


def python_rate(
    port: int, method: str, path: str, seconds: float, connections: int, tmp: Path
) -> float:
    headers = {"Authorization": TOKEN_AUTH, "Content-Type": FORM}
    body = TOKEN_BODY if method == "POST" else None
    counts = [0] * min(connections, 4)
    stop_at = time.perf_counter() + seconds

    def hammer(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port)
        while time.perf_counter() < stop_at:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{path} answered {response.status}")
            counts[index] += 1
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=hammer, args=(i,)) for i in range(len(counts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.perf_counter() - started)


#: Headers every server sends in its own way (uvicorn's date, the body's own).
_OWN_HEADERS = {"date", "content-length", "content-type", "etag", "server"}


def answer_headers(port: int, method: str, path: str) -> dict[str, str]:
    """The headers of mock-logto's answer, less those every server sends anyway."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    headers = {"Authorization": TOKEN_AUTH, "Content-Type": FORM}
    try:
        connection.request(method, path, TOKEN_BODY if method == "POST" else None, headers)
        response = connection.getresponse()
        response.read()
        return {k: v for k, v in response.getheaders() if k.lower() not in _OWN_HEADERS}
    finally:
        connection.close()


TARGETS = {
    "mock-logto POST /oidc/token": ("mock", "POST", "/oidc/token"),
    "  console on POST /oidc/token": ("console", "POST", "/oidc/token"),
    "minimal    POST /token, same headers": ("minimal", "POST", "/token-same-headers"),
    "minimal    POST /token": ("minimal", "POST", "/token"),
    "mock-logto GET /oidc/jwks": ("mock", "GET", "/oidc/jwks"),
    "  console on GET /oidc/jwks": ("console", "GET", "/oidc/jwks"),
    "minimal    GET static, same headers": ("minimal", "GET", "/jwks-same-headers"),
    "minimal    GET static JSON": ("minimal", "GET", "/jwks"),
}
#: With mock-logto's connection limits (when this mock-logto has them).
LIMITED_TARGETS = {
    "limited    POST /token, same headers": ("limited", "POST", "/token-same-headers"),
    "limited    GET static, same headers": ("limited", "GET", "/jwks-same-headers"),
}


def side_by_side(seconds: float, connections: int, rounds: int) -> None:
    import json

    use_wrk = shutil.which("wrk") is not None
    rate = wrk_rate if use_wrk else python_rate
    ports = {"mock": free_port(), "minimal": free_port(), "console": free_port()}
    env = clean_env()
    processes = [
        subprocess.Popen(serve_command(ports["mock"]), env=env, stdout=subprocess.DEVNULL),
        # The default log level: one console line per request (to a pipe nobody reads fast
        # would be the same: the lines are written in batches).
        subprocess.Popen(
            serve_command(ports["console"], "info"),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),
    ]
    try:
        wait_ready(ports["mock"], "/oidc/jwks")
        wait_ready(ports["console"], "/oidc/jwks")
        same = {
            "/token": answer_headers(ports["mock"], "POST", "/oidc/token"),
            "/jwks": answer_headers(ports["mock"], "GET", "/oidc/jwks"),
        }
        processes.append(
            subprocess.Popen(
                [sys.executable, __file__, "--serve-minimal", str(ports["minimal"])],
                env={**env, "SAME_HEADERS": json.dumps(same)},
                stdout=subprocess.DEVNULL,
            )
        )
        wait_ready(ports["minimal"], "/jwks")
        all_targets = dict(TARGETS)
        if importlib.util.find_spec("mock_logto.http.serving") is not None:
            ports["limited"] = free_port()
            processes.append(
                subprocess.Popen(
                    [sys.executable, __file__, "--serve-minimal", str(ports["limited"])],
                    env={**env, "SAME_HEADERS": json.dumps(same), "BENCH_LIMITS": "1"},
                    stdout=subprocess.DEVNULL,
                )
            )
            wait_ready(ports["limited"], "/jwks")
            all_targets.update(LIMITED_TARGETS)
        targets = {name: (ports[server], m, p) for name, (server, m, p) in all_targets.items()}
        names = ["mock", "console", "minimal", "limited"][: len(processes)]
        pids = dict(zip(names, (p.pid for p in processes), strict=True))
        pid_of = {name: pids[server] for name, (server, _, _) in all_targets.items()}
        with tempfile.TemporaryDirectory(prefix="mock-logto-bench-") as tmp:
            for name, (port, method, path) in targets.items():
                if get_status(port, path, method) != 200:
                    raise RuntimeError(f"{name} does not answer 200")
            samples: dict[str, list[float]] = {name: [] for name in targets}
            cpu: dict[str, list[float]] = {name: [] for name in targets}
            for _ in range(rounds):
                for name, (port, method, path) in targets.items():
                    before = process_cpu(pid_of[name])
                    value = rate(port, method, path, seconds, connections, Path(tmp))
                    samples[name].append(value)
                    used = process_cpu(pid_of[name]) - before
                    cpu[name].append(used / (value * seconds) * 1e6 if value else 0.0)
    finally:
        for process in processes:
            process.terminate()
            process.wait(10)
    best = {name: max(values) for name, values in samples.items()}  # the first round warms up
    client = (
        f"wrk, {connections} connections, 1 thread"
        if use_wrk
        else "a Python client with 4 threads (install wrk: the client limits these figures)"
    )
    print(f"(d) requests per second side by side ({client}; best of {rounds} x {seconds:.0f} s):")
    for name, value in best.items():
        print(f"    {name:38} {value:8.0f}")
    token, jwks = best["mock-logto POST /oidc/token"], best["mock-logto GET /oidc/jwks"]
    print(
        f"    => client_credentials  {token / best['minimal    POST /token, same headers']:.2f}x"
        " the minimal token endpoint sending the same headers"
        f" ({token / best['minimal    POST /token']:.2f}x the one sending only its own)"
    )
    print(
        f"    => JWKS                {jwks / best['minimal    GET static, same headers']:.2f}x"
        " the static JSON response with the same headers"
        f" ({jwks / best['minimal    GET static JSON']:.2f}x the bare one)"
    )
    print(
        "    => console line on (the default level) against off (--log-level warning):"
        f" client_credentials {best['  console on POST /oidc/token'] / token:.2f}x,"
        f" JWKS {best['  console on GET /oidc/jwks'] / jwks:.2f}x"
    )
    if "limited    GET static, same headers" in best:
        print(
            "    => behind the same connection limits as mock-logto: client_credentials"
            f" {token / best['limited    POST /token, same headers']:.2f}x, JWKS"
            f" {jwks / best['limited    GET static, same headers']:.2f}x"
        )
    if all(cpu.values()) and os.path.exists("/proc/self/stat"):
        # Server CPU time per request: steadier than requests per second when other work shares
        # the machine (it does not count the time the server waited for a core).
        least = {name: min(values) for name, values in cpu.items()}
        print("    server CPU per request (least of the rounds; lower is better):")
        for name, value in least.items():
            print(f"    {name:38} {value:8.1f} µs")
        token_cpu, jwks_cpu = (
            least["mock-logto POST /oidc/token"],
            least["mock-logto GET /oidc/jwks"],
        )
        print(
            "    => by CPU per request: client_credentials"
            f" {least['minimal    POST /token, same headers'] / token_cpu:.2f}x, JWKS"
            f" {least['minimal    GET static, same headers'] / jwks_cpu:.2f}x the minimal ones;"
            f" console line on {token_cpu / least['  console on POST /oidc/token']:.2f}x"
            f" (token), {jwks_cpu / least['  console on GET /oidc/jwks']:.2f}x (JWKS)"
        )


# ---------------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tests", type=int, default=300, help="tests per pytest session")
    parser.add_argument("--runs", type=int, default=5, help="sessions and launches per figure")
    parser.add_argument("--seconds", type=float, default=5.0, help="seconds per load run")
    parser.add_argument("--rounds", type=int, default=2, help="load runs per endpoint")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--only", choices=["a", "b", "c", "d"], action="append")
    parser.add_argument("--no-xdist", action="store_true", help="skip the -n 2 sessions")
    parser.add_argument("--serve-minimal", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_minimal:
        serve_minimal(args.serve_minimal)
        return

    import mock_logto

    only = set(args.only or "abcd")
    print(f"mock-logto {mock_logto.__version__} from {Path(mock_logto.__file__).parent}")
    if only & {"a", "b"}:
        xdist = not args.no_xdist and importlib.util.find_spec("xdist") is not None
        pytest_sessions(args.tests, args.runs, xdist)
        reset_cost()
    if "c" in only:
        cold_start(args.runs)
    if "d" in only:
        side_by_side(args.seconds, args.connections, args.rounds)


if __name__ == "__main__":
    main()
