from __future__ import annotations

from collections.abc import Iterator

import pytest

from mock_logto.server import MockLogtoServer

from ..support.server import serve


@pytest.fixture(scope="module")
def server() -> Iterator[MockLogtoServer]:
    """The demo tenant on a real socket, one server per test module."""
    with serve() as running:
        yield running
