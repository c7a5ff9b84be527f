"""What a hostile or broken client cannot do to a real server: sizes, slowness, numbers.

Each case is answered as Node answers it (Logto's runtime) and leaves the server answering
everyone else.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import httpx2
import pytest

from mock_logto.server import MockLogtoServer

from ..support.server import serve

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server() -> Iterator[MockLogtoServer]:
    with serve(header_timeout=0.5, max_connections=8, keep_alive_timeout=1) as running:
        yield running


def connect(server: MockLogtoServer) -> socket.socket:
    return socket.create_connection((server.host, server.port), timeout=5)


def answer(sock: socket.socket) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def discovery_works(server: MockLogtoServer) -> bool:
    try:
        response = httpx2.get(f"{server.issuer}/.well-known/openid-configuration", timeout=5)
    except httpx2.TransportError:
        return False
    return response.status_code == 200


def test_headers_over_the_cap_answer_431_and_others_are_served(server: MockLogtoServer) -> None:
    with connect(server) as sock:
        sock.sendall(b"GET /oidc/jwks HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20_000 + b"\r\n\r\n")
        assert answer(sock).startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n")
    assert discovery_works(server)


def test_a_connection_that_sends_nothing_is_closed_with_408(server: MockLogtoServer) -> None:
    with connect(server) as sock:
        sock.sendall(b"GET /oidc/jwks HTTP/1.1\r\nHost: x\r\n")  # never finishes its headers
        started = time.monotonic()
        assert answer(sock).startswith(b"HTTP/1.1 408 Request Timeout\r\n")
        assert time.monotonic() - started < 4
    assert discovery_works(server)


def test_at_the_cap_the_oldest_idle_connection_makes_room(server: MockLogtoServer) -> None:
    idle = [connect(server) for _ in range(8)]
    try:
        time.sleep(0.1)
        assert discovery_works(server)  # served: the oldest idle socket was closed for it
        assert idle[0].recv(1) == b""  # that one, closed without an answer
    finally:
        for sock in idle:
            sock.close()


def test_at_the_cap_with_no_idle_connection_a_new_one_answers_503(
    server: MockLogtoServer,
) -> None:
    busy = [connect(server) for _ in range(8)]
    try:
        for sock in busy:
            sock.sendall(b"GET /oidc/jwks HTTP/1.1\r\n")  # mid-headers: not idle
        time.sleep(0.1)
        with connect(server) as extra:
            assert answer(extra).startswith(b"HTTP/1.1 503 Service Unavailable\r\n")
    finally:
        for sock in busy:
            sock.close()
    deadline = time.monotonic() + 5
    while not discovery_works(server) and time.monotonic() < deadline:
        time.sleep(0.05)


def test_a_declared_huge_body_is_refused_before_it_is_sent(server: MockLogtoServer) -> None:
    with connect(server) as sock:
        sock.sendall(
            b"POST /oidc/session/end HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 1073741824\r\n\r\n"
        )
        head = sock.recv(65536)
        assert head.startswith(b"HTTP/1.1 400 Bad Request\r\n")
        assert b'"error_description":"failed to parse the request body"' in head
