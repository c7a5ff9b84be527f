"""Prints how fast user sign-ins complete and how much memory the server's state takes.

    python bench/sign_ins_and_memory.py [--flows 3000]

Each flow is what a test does per user: `/oidc/auth` with the `login_hint` shortcut, the code
exchanged for an opaque access token, an ID token and a refresh token, then one refresh. The
app is called directly as ASGI in one event loop (no socket, no test client), so the figure is
the server's own cost. Memory:
tracemalloc's view of what the flows left in the store, before and after the expired entries
are swept (the clock is moved past every lifetime). Figures only; nothing here asserts a number.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import gc
import json
import time
import tracemalloc
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette

from mock_logto.app import create_app
from mock_logto.settings import Settings

AUTH = b"Basic " + base64.b64encode(b"demo-web:demo-web-secret")

CALLBACK = "http://localhost:3000/callback"
PARAMS = {
    "client_id": "demo-web",
    "redirect_uri": CALLBACK,
    "response_type": "code",
    "scope": "openid offline_access profile",
    "prompt": "consent",
    "login_hint": "alice",
}


async def call(
    app: Starlette, method: str, path: str, query: str = "", form: dict[str, str] | None = None
) -> tuple[int, dict[bytes, bytes], bytes]:
    """One request straight into the ASGI app; returns status, headers and body."""
    body = urlencode(form).encode() if form else b""
    headers = [(b"host", b"localhost:3001")]
    if form:
        headers += [
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"content-length", str(len(body)).encode()),
            (b"authorization", AUTH),
        ]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "headers": headers,
        "server": ("localhost", 3001),
        "client": ("127.0.0.1", 1),
        "root_path": "",
    }
    sent = False
    response: dict[str, Any] = {"body": b""}

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            response["status"] = message["status"]
            response["headers"] = dict(message["headers"])
        else:
            response["body"] += message.get("body", b"")

    await app(scope, receive, send)
    return response["status"], response["headers"], response["body"]


async def flow(app: Starlette) -> None:
    _, headers, _ = await call(app, "GET", "/oidc/auth", urlencode(PARAMS))
    code = headers[b"location"].decode().split("code=", 1)[1].split("&", 1)[0]
    _, _, body = await call(
        app,
        "POST",
        "/oidc/token",
        form={"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK},
    )
    refresh = json.loads(body)["refresh_token"]
    status, _, _ = await call(
        app, "POST", "/oidc/token", form={"grant_type": "refresh_token", "refresh_token": refresh}
    )
    assert status == 200


async def run(app: Starlette, flows: int) -> None:
    for _ in range(flows):
        await flow(app)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--flows", type=int, default=3000)
    args = parser.parse_args()

    app = create_app(Settings(_env_file=None))  # type: ignore[call-arg]
    asyncio.run(run(app, 50))  # warm-up
    app.state.runtime.store.clear()
    app.state.runtime.control.clear()

    started = time.perf_counter()
    asyncio.run(run(app, args.flows))
    elapsed = time.perf_counter() - started
    app.state.runtime.store.clear()
    app.state.runtime.control.clear()

    # Memory, in a second pass: tracemalloc slows everything down, so it is off while timing.
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    asyncio.run(run(app, args.flows))
    app.state.runtime.control.clear()  # the request log is bounded anyway; count only the store
    gc.collect()
    grown = sum(s.size_diff for s in tracemalloc.take_snapshot().compare_to(before, "filename"))
    app.state.runtime.clock.advance(400 * 24 * 3600)
    app.state.runtime.store.sweep()
    gc.collect()
    swept = sum(s.size_diff for s in tracemalloc.take_snapshot().compare_to(before, "filename"))
    tracemalloc.stop()

    print(
        f"sign-in flows (authorize, code exchange, refresh): {args.flows / elapsed:.0f} per second "
        f"in-process, {elapsed / args.flows * 1000:.2f} ms each (3 requests, 2 ID tokens signed)"
    )
    print(
        f"memory held by {args.flows} flows: {grown / 1024:.0f} KiB "
        f"({grown / args.flows:.0f} bytes per flow); after expiry and a sweep: "
        f"{swept / 1024:.0f} KiB"
    )


if __name__ == "__main__":
    main()
