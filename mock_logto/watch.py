"""`serve --watch`: fixture files read again when they change, without a restart.

The files' modification times and sizes are polled (no dependency, nothing platform-specific);
a change is read off the event loop and, if the files load, becomes the start-up tenant
(:meth:`~mock_logto.runtime.Runtime.replace_start_up_tenant`): signing keys, sessions and tokens
already issued are kept. Broken files are reported line by line and the previous tenant stays.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from pathlib import Path

import uvicorn

from .errors import FixtureError, MockLogtoError
from .models import Tenant
from .runtime import Runtime, fixtures_signature, load_settings_tenant

logger = logging.getLogger("mock_logto")
#: How often the files' modification times are compared, in seconds.
POLL_SECONDS = 1.0
Signature = tuple[tuple[str, int, int], ...]


def _signature(path: Path) -> Signature | None:
    """The files' paths, times and sizes; None while they cannot be read (mid-save)."""
    try:
        return fixtures_signature(path)
    except (OSError, FixtureError):
        return None


class FixtureWatcher:
    """Notices changed fixture files and serves what they now define."""

    def __init__(self, runtime: Runtime, path: Path) -> None:
        self.runtime = runtime
        self.path = path
        self.signature = _signature(path)

    def read(self) -> Tenant | None:
        """The tenant of the files if they changed since last read and load; else None.

        Blocking (file reads): run it off the event loop. Problems are logged, once per change.
        """
        signature = _signature(self.path)
        if signature is None or signature == self.signature:
            return None
        self.signature = signature
        try:
            return load_settings_tenant(self.runtime.settings, self.runtime.clock, self.path)
        except FixtureError as exc:
            for problem in exc.problems:
                logger.warning("mock-logto: %s", problem)
        logger.warning("mock-logto: %s changed; still serving the fixtures before", self.path)
        return None

    def apply(self, tenant: Tenant) -> bool:
        """Serve `tenant` (on the event loop, between requests); False if it was refused."""
        try:
            self.runtime.replace_start_up_tenant(tenant)
        except MockLogtoError as exc:
            logger.warning("mock-logto: %s; still serving the fixtures before", exc)
            return False
        logger.info("mock-logto: reloaded %s (%s)", self.path, tenant.summary())
        return True

    async def run(self, interval: float = POLL_SECONDS) -> None:
        """Poll until cancelled."""
        while True:
            await asyncio.sleep(interval)
            tenant = await asyncio.to_thread(self.read)
            if tenant is not None:
                self.apply(tenant)


class WatchingServer(uvicorn.Server):
    """uvicorn's server, with a fixture watcher running on its event loop."""

    def __init__(self, config: uvicorn.Config, watcher: FixtureWatcher) -> None:
        super().__init__(config)
        self.watcher = watcher
        self._task: asyncio.Task[None] | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        """Start serving, then start watching."""
        await super().startup(sockets)
        self._task = asyncio.get_running_loop().create_task(self.watcher.run())

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        """Stop watching, then stop serving."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await super().shutdown(sockets)
