"""`MockLogtoApp`: the Starlette app, with discovery and JWKS answered from a replay.

(Its router finds the routes of exact paths in a dict: :mod:`mock_logto.http.routing`.)

Clients fetch discovery and the JWKS again and again, and their answers never change (until a
key rotation), yet every request went through routing, the header and control middlewares and a
new Response: more work than the handler's. The first plain GET of each is answered as usual and
its start message and body are kept; the next ones get the same bytes at once, and are logged
as the control middleware logs them. Anything else (an `Origin` or `If-None-Match` header, a
fault rule, another document after a rotation) takes the usual path, so the answers stay what
the middlewares make them (the golden tests replay Logto's recordings through here).
"""

from __future__ import annotations

import time
from typing import Any

from starlette.applications import Starlette
from starlette.types import Message, Receive, Scope, Send

from .control import LoggedRequest
from .http.routing import LookupRouter
from .oidc.discovery import PATHS
from .runtime import Runtime

#: Path → the runtime attribute holding the document served there.
REPLAYED = {
    "/oidc" + PATHS["discovery"]: "discovery",
    "/oidc" + PATHS["jwks"]: "jwks",
}
#: Request headers that change the answer (CORS, conditional GET).
_VARYING = frozenset({b"origin", b"if-none-match"})


class _Replay:
    """A kept answer: the document it was made from, the start message's headers, the body."""

    __slots__ = ("body", "document", "headers")

    def __init__(self, document: object, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        self.document = document
        self.headers = headers
        self.body = body


class MockLogtoApp(Starlette):
    """Starlette, answering repeated plain GETs of discovery and JWKS from a replay."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.router = LookupRouter(self.router.routes, lifespan=kwargs.get("lifespan"))
        self._replays: dict[str, _Replay] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The replay when one applies, else Starlette."""
        name = REPLAYED.get(scope["path"]) if scope["type"] == "http" else None
        if name is None or scope["method"] != "GET":
            await super().__call__(scope, receive, send)
            return
        runtime: Runtime = self.state.runtime
        control = runtime.control
        if control.faults or any(key in _VARYING for key, _ in scope["headers"]):
            await super().__call__(scope, receive, send)
            return
        document = getattr(runtime, name)
        replay = self._replays.get(name)
        if replay is None or replay.document is not document:
            await self._record(name, document, scope, receive, send)
            return
        started = time.perf_counter()
        await send({"type": "http.response.start", "status": 200, "headers": list(replay.headers)})
        await send({"type": "http.response.body", "body": replay.body})
        control.requests.append(_logged(scope, runtime))
        if control.console is not None:
            control.console("GET", scope["path"], 200, time.perf_counter() - started)

    async def _record(
        self, name: str, document: object, scope: Scope, receive: Receive, send: Send
    ) -> None:
        """The usual answer, kept when it is a 200 in one body message."""
        messages: list[Message] = []

        async def keep(message: Message) -> None:
            messages.append(message)
            await send(message)

        await super().__call__(scope, receive, keep)
        if len(messages) == 2 and messages[0]["status"] == 200:
            start, body = messages
            if not body.get("more_body"):
                self._replays[name] = _Replay(document, list(start["headers"]), body["body"])


def _logged(scope: Scope, runtime: Runtime) -> LoggedRequest:
    """The request as the control middleware logs it."""
    return LoggedRequest(
        "GET",
        scope["path"],
        scope.get("query_string", b"").decode("latin-1"),
        tuple(scope["headers"]),
        b"",
        200,
        runtime.clock(),
    )
