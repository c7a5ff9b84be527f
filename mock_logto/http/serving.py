"""uvicorn as mock-logto runs it: limits a laptop's server needs, set from the settings.

uvicorn's httptools protocol has no cap on header size and no timeout before the first request,
so a 150 MiB header or thousands of idle sockets could starve everyone else. The protocol below
adds, as Node (Logto's runtime) has them: a header-size cap answered 431, a deadline to send the
headers answered 408, and a connection cap, on top of uvicorn's keep-alive timeout. At the cap a
new connection makes room by closing the oldest one that has not sent a byte (idle sockets cannot
crowd out real clients); only when none is idle is it answered 503.
"""

from __future__ import annotations

import asyncio
import errno
import socket
from typing import Any, cast

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from ..errors import MockLogtoError
from ..settings import Settings

_CLOSE = b"content-length: 0\r\nconnection: close\r\n\r\n"


def _answer(transport: asyncio.Transport, status_line: bytes) -> None:
    """Answer with an empty body and close (the request is not read any further)."""
    if not transport.is_closing():
        transport.write(b"HTTP/1.1 " + status_line + b"\r\n" + _CLOSE)
        transport.close()


class _HeldHead:
    """A connection's transport that sends a response's head with its body: one write.

    uvicorn writes the status line and headers, then the body, each at once: two system calls
    for every answer, which on a token endpoint cost as much as parsing the request. The head is
    held until the next write (the body, nearly always in the same step) and sent with it; if
    nothing follows within the loop's step it is sent alone. Every other use of the transport
    (writes, close) sends what is held first, so bytes never change order.
    """

    __slots__ = ("_held", "_loop", "_transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: bytes | None = None

    def write(self, data: bytes) -> None:
        held = self._held
        if held is not None:
            self._held = None
            self._transport.writelines((held, data))
        elif data.startswith(b"HTTP/1.1 ") and data.endswith(b"\r\n\r\n") and data != _CONTINUE:
            self._held = data
            self._loop.call_soon(self.flush)
        else:
            self._transport.write(data)

    def flush(self) -> None:
        """Send the held head, if any."""
        held = self._held
        if held is not None:
            self._held = None
            if not self._transport.is_closing():
                self._transport.write(held)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def is_closing(self) -> bool:
        return self._transport.is_closing()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"


def limited_protocol(settings: Settings) -> type[asyncio.Protocol]:
    """An httptools protocol class enforcing the settings' header, time and connection limits."""
    max_header_bytes = settings.max_header_bytes
    header_timeout = settings.header_timeout
    max_connections = settings.max_connections
    #: How often connections are checked against their header deadline: a slow one is closed
    #: between `header_timeout` and a quarter more (one timer, not one per request).
    tick = min(1.0, header_timeout / 4)

    #: Connections that have not sent a byte since they opened or were last answered, oldest
    #: first (a dict keeps insertion order): the ones to close when the cap is reached.
    idle: dict[HttpToolsProtocol, None] = {}
    #: Connections reading a request's headers → when they must have sent them.
    deadlines: dict[LimitedHttpToolsProtocol, float] = {}
    sweeping: list[asyncio.TimerHandle] = []

    def sweep(loop: asyncio.AbstractEventLoop) -> None:
        """Answer 408 to the connections past their deadline; check again while any read."""
        sweeping.clear()
        now = loop.time()
        for late in [c for c, deadline in deadlines.items() if deadline <= now]:
            del deadlines[late]
            late.headers_too_slow()
        if deadlines:
            sweeping.append(loop.call_later(tick, sweep, loop))

    class LimitedHttpToolsProtocol(HttpToolsProtocol):
        _reading_headers = True
        _header_bytes = 0
        _tail = b""

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self.transport = cast(asyncio.Transport, _HeldHead(transport, self.loop))
            if len(self.connections) > max_connections and not self._evict_an_idle_one():
                _answer(self.transport, b"503 Service Unavailable")
                return
            idle[self] = None
            self._start_deadline()

        def _evict_an_idle_one(self) -> bool:
            """Make room by closing the oldest idle connection, as a busy server sheds load."""
            for oldest in idle:
                del idle[oldest]
                oldest.transport.close()
                return True
            return False

        def connection_lost(self, exc: Exception | None) -> None:
            idle.pop(self, None)
            deadlines.pop(self, None)
            super().connection_lost(exc)

        def data_received(self, data: bytes) -> None:
            idle.pop(self, None)
            if self._reading_headers and not self._count_header_bytes(data):
                _answer(self.transport, b"431 Request Header Fields Too Large")
                return
            super().data_received(data)

        def _count_header_bytes(self, data: bytes) -> bool:
            """Count what belongs to the request line and headers; False when over the cap."""
            seen = self._tail + data if self._tail else data
            end = seen.find(b"\r\n\r\n")
            if end < 0:
                self._header_bytes += len(data)
                self._tail = seen[-3:]
                return self._header_bytes <= max_header_bytes
            self._header_bytes += max(end + 4 - len(self._tail), 0)
            within = self._header_bytes <= max_header_bytes
            self._reading_headers, self._header_bytes, self._tail = False, 0, b""
            return within

        def on_headers_complete(self) -> None:
            deadlines.pop(self, None)
            super().on_headers_complete()

        def on_response_complete(self) -> None:
            self._reading_headers, self._header_bytes, self._tail = True, 0, b""
            super().on_response_complete()
            if not self.transport.is_closing():
                idle[self] = None  # waiting for its next request: the newest idle one
            self._start_deadline()

        def _start_deadline(self) -> None:
            deadlines[self] = self.loop.time() + header_timeout
            if not sweeping:
                sweeping.append(self.loop.call_later(tick, sweep, self.loop))

        def headers_too_slow(self) -> None:
            if self._reading_headers:
                _answer(self.transport, b"408 Request Timeout")

    return LimitedHttpToolsProtocol


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to `host:port` and listening, or one sentence saying why it cannot be.

    Bound before anything is loaded or printed, so a busy port (3001 is Logto's own, often taken
    on the machines that use this) is one clear line, not a traceback after "listening on".
    """
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as exc:
        raise MockLogtoError(f"cannot listen on {host}: {exc.strerror}; check --host") from exc
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise MockLogtoError(
                f"port {port} on {host} is in use; choose another with --port or MOCK_LOGTO_PORT"
            ) from exc
        raise MockLogtoError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc
    return sock


def uvicorn_config(app: Any, settings: Settings, **options: Any) -> uvicorn.Config:
    """The uvicorn configuration of a mock-logto server (CLI and threaded server alike)."""
    return uvicorn.Config(
        app,
        http=limited_protocol(settings),
        timeout_keep_alive=settings.keep_alive_timeout,
        lifespan="off",
        server_header=False,
        **options,
    )
