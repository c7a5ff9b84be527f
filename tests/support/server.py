"""Real sockets: a free port, and the mock serving on one."""

from __future__ import annotations

import socket
from typing import Any

from mock_logto.server import MockLogtoServer

from .apps import make_settings


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(**settings: Any) -> MockLogtoServer:
    """A server on a free port (the demo tenant unless `fixtures=`), to enter with `with`."""
    return MockLogtoServer(make_settings(port=0, **settings))
