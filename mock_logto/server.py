"""`MockLogtoServer`: the app on a real socket, in a background thread. No pytest imports.

The socket is bound before the thread starts (port 0 picks a free port), so the URL is known
at once and there is no race for the port.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from types import TracebackType

import uvicorn
from starlette.applications import Starlette
from starlette.types import Receive, Scope, Send

from .app import create_app
from .errors import MockLogtoError
from .http.serving import uvicorn_config
from .settings import Settings

#: How long stop() lets requests in flight finish.
GRACE_SECONDS = 5.0


class _ThreadServer(uvicorn.Server):
    """uvicorn's server, stopped at once: a test session pays no 0.1 s tick or pause on stop."""

    _loop: asyncio.AbstractEventLoop | None = None
    _wake: asyncio.Event | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        await super().startup(sockets)

    async def main_loop(self) -> None:
        """The ticks of uvicorn (the `Date` header each second), woken by stop_soon()."""
        assert self._wake is not None  # noqa: S101 - set by startup()
        counter = 0
        while not await self.on_tick(counter):
            counter = (counter + 1) % 864000
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), 0.1)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        """Close the listener and the idle connections; let requests in flight finish."""
        for server in self.servers:
            server.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()
        deadline = time.monotonic() + GRACE_SECONDS
        state = self.server_state
        while (state.connections or state.tasks) and time.monotonic() < deadline:
            await asyncio.sleep(0.001)
        for task in state.tasks:
            task.cancel()

    def stop_soon(self) -> None:
        """Ask the serving thread to stop (callable from any thread)."""
        self.should_exit = True
        if self._loop is not None and self._wake is not None:
            with contextlib.suppress(RuntimeError):  # the loop already closed
                self._loop.call_soon_threadsafe(self._wake.set)


class MockLogtoServer:
    """Serve a mock-logto app on `host:port` (default 127.0.0.1, a free port) until stopped."""

    def __init__(self, settings: Settings | None = None, *, app: Starlette | None = None) -> None:
        settings = settings or Settings(port=0)
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((settings.host, settings.port))
        self.host, self.port = self._sock.getsockname()[:2]
        if settings.public_url is None:
            settings = settings.model_copy(update={"public_url": f"http://{self.host}:{self.port}"})
        self.settings = settings
        try:
            self._app = app or create_app(settings)
        except BaseException:
            self._sock.close()  # broken fixtures: no socket left behind
            raise
        config = uvicorn_config(
            self._record_errors,
            settings,
            interface="asgi3",
            log_level="warning",
            access_log=False,
            ws="none",  # nothing is served over WebSocket; importing wsproto slows the start
        )
        self._server = _ThreadServer(config)
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    @property
    def app(self) -> Starlette:
        """The served app. Its runtime is then held outside the server: resets restore it."""
        runtime = getattr(self._app.state, "runtime", None)
        if runtime is not None:
            runtime.expose()
        return self._app

    @property
    def base_url(self) -> str:
        """Where clients reach the server, e.g. `http://127.0.0.1:51234`."""
        return self.settings.base_url

    @property
    def issuer(self) -> str:
        """The OIDC issuer."""
        return self.settings.issuer

    @property
    def token_endpoint(self) -> str:
        """`<issuer>/token`."""
        return f"{self.issuer}/token"

    @property
    def jwks_uri(self) -> str:
        """`<issuer>/jwks`."""
        return f"{self.issuer}/jwks"

    async def _record_errors(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Keep an exception a request raised, for check_errors() in the caller's thread."""
        try:
            await self._app(scope, receive, send)
        except Exception as exc:
            self._error = exc
            raise

    def _run(self) -> None:
        try:
            self._server.run(sockets=[self._sock])
        except BaseException as exc:  # re-raised in the caller's thread by check_errors()
            self._error = exc

    def start(self, timeout: float = 10.0) -> MockLogtoServer:
        """Start serving; return once the server accepts connections."""
        self._thread = threading.Thread(target=self._run, name="mock-logto", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive():
                self.check_errors()
                raise MockLogtoError("the mock-logto server thread stopped during start-up")
            if time.monotonic() > deadline:
                raise MockLogtoError(f"the mock-logto server did not start within {timeout}s")
            time.sleep(0.005)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop serving and wait for the thread."""
        self._server.stop_soon()
        if self._thread is not None:
            self._thread.join(timeout)
        self._sock.close()

    def check_errors(self) -> None:
        """Re-raise the last exception raised while serving (a request's, or the thread's)."""
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def __enter__(self) -> MockLogtoServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
