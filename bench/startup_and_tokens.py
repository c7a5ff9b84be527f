"""Prints how fast `mock-logto serve` starts and how many client_credentials tokens it issues.

    python bench/startup_and_tokens.py [--runs 5] [--seconds 5] [--clients 4]

Cold start: launch of `python -m mock_logto serve` (default fixtures) until the first
discovery answer, median of --runs launches. Tokens per second: --clients keep-alive
connections posting client_credentials requests on loopback for --seconds, against one server
process. Figures only; nothing here asserts a number.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

BODY = b"grant_type=client_credentials&resource=https%3A%2F%2Fapi.example.com&scope=read%3Aitems"
AUTH = "Basic " + base64.b64encode(b"demo-m2m:demo-m2m-secret").decode()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def launch(port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mock_logto",
            "serve",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_ready(port: int, timeout: float = 30.0) -> None:
    url = f"http://127.0.0.1:{port}/oidc/.well-known/openid-configuration"
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.005)


def cold_start(runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        port = free_port()
        started = time.perf_counter()
        process = launch(port)
        try:
            wait_ready(port)
            times.append(time.perf_counter() - started)
        finally:
            process.terminate()
            process.wait(10)
    return times


def hammer(port: int, stop_at: float, counts: list[int], index: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port)
    headers = {"Authorization": AUTH, "Content-Type": "application/x-www-form-urlencoded"}
    done = 0
    while time.perf_counter() < stop_at:
        connection.request("POST", "/oidc/token", BODY, headers)
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"token request answered {response.status}")
        done += 1
    counts[index] = done
    connection.close()


def tokens_per_second(seconds: float, clients: int) -> float:
    port = free_port()
    process = launch(port)
    try:
        wait_ready(port)
        hammer(port, time.perf_counter() + 0.5, [0], 0)  # warm-up
        counts = [0] * clients
        started = time.perf_counter()
        stop_at = started + seconds
        threads = [
            threading.Thread(target=hammer, args=(port, stop_at, counts, i)) for i in range(clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return sum(counts) / (time.perf_counter() - started)
    finally:
        process.terminate()
        process.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()

    starts = [t * 1000 for t in cold_start(args.runs)]
    print(
        f"cold start (launch to first discovery answer): median {statistics.median(starts):.0f} ms"
        f", min {min(starts):.0f} ms, max {max(starts):.0f} ms over {args.runs} runs"
    )
    rate = tokens_per_second(args.seconds, args.clients)
    print(
        f"client_credentials tokens per second on loopback: {rate:.0f}"
        f" ({args.clients} keep-alive clients, {args.seconds:.0f} s, one server process)"
    )


if __name__ == "__main__":
    main()
