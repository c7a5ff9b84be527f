"""Prints what a custom JWT customizer adds to each token, and a script's first compile.

    python bench/custom_jwt.py [--tokens 2000]

Client credentials tokens (`demo-m2m`, `https://api.example.com`) per second, the app called
directly as ASGI in one event loop (no socket, no test client) as `sign_ins_and_memory.py` does:
with no customizer, with webhooks set (the token endpoint fires no event: deliveries cost it
nothing), with a Python callable (`MockLogto.customize_claims`), and with a small script run in
V8 (mini-racer, the `jwt` extra). The first compile is the first token after a
new script text is set (V8 context made, harness and script evaluated), less a plain token's
time. Figures only; nothing here asserts a number.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import time
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette

from mock_logto.app import create_app
from mock_logto.customjwt import engine
from mock_logto.customjwt.config import CLIENT_CREDENTIALS
from mock_logto.models import Hook
from mock_logto.settings import Settings

AUTH = b"Basic " + base64.b64encode(b"demo-m2m:demo-m2m-secret")
FORM = urlencode({"grant_type": "client_credentials", "resource": "https://api.example.com"})
SCRIPT = """
const getCustomJwtClaims = async ({ token, context, environmentVariables }) => {
  return { plan: context.application.customData.plan ?? 'free', stage: environmentVariables.STAGE };
};
"""


async def token(app: Starlette) -> dict[str, Any]:
    """One client credentials request straight into the ASGI app; the token response."""
    body = FORM.encode()
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/oidc/token",
        "raw_path": b"/oidc/token",
        "query_string": b"",
        "headers": [
            (b"host", b"localhost:3001"),
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"content-length", str(len(body)).encode()),
            (b"authorization", AUTH),
        ],
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
        else:
            response["body"] += message.get("body", b"")

    await app(scope, receive, send)
    assert response["status"] == 200, response["body"]
    answer: dict[str, Any] = json.loads(response["body"])
    return answer


async def many(app: Starlette, count: int) -> float:
    """Seconds per token over `count` tokens."""
    started = time.perf_counter()
    for _ in range(count):
        await token(app)
    return (time.perf_counter() - started) / count


def measure(app: Starlette, count: int) -> float:
    asyncio.run(many(app, max(count // 10, 5)))  # warm-up (and the script's compile)
    app.state.runtime.control.clear()
    per_token = asyncio.run(many(app, count))
    app.state.runtime.store.clear()
    app.state.runtime.control.clear()
    return per_token


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--tokens", type=int, default=2000)
    args = parser.parse_args()

    app = create_app(Settings(_env_file=None))  # type: ignore[call-arg]
    config = app.state.runtime.tenant.custom_jwt
    plain = measure(app, args.tokens)
    # Webhooks: the token endpoint fires no event, so hooks set elsewhere cost it nothing.
    hooks = app.state.runtime.tenant.hooks
    for index in range(5):
        hooks[f"bench-{index}"] = Hook(
            id=f"bench-{index}",
            name=f"bench {index}",
            events=["PostSignIn", "User.Created", "User.Data.Updated"],
            url="mock://sink",
            signing_key="bench-signing-key",
        )
    hooked = measure(app, args.tokens)
    hooks.clear()
    config.functions[CLIENT_CREDENTIALS] = lambda payload: {"plan": "pro"}
    function = measure(app, args.tokens)
    config.functions.clear()
    rows = [
        ("no customizer", plain),
        ("5 webhooks set (no event on this endpoint)", hooked),
        ("a Python callable", function),
    ]
    if engine.available():
        config.scripts[CLIENT_CREDENTIALS] = {"script": SCRIPT, "environmentVariables": {"S": "x"}}
        rows.append(("a small script (V8)", measure(app, args.tokens)))
        # A script text never seen: its first token compiles it.
        config.scripts[CLIENT_CREDENTIALS] = {"script": SCRIPT + "// first compile\n"}
        started = time.perf_counter()
        asyncio.run(token(app))
        first = time.perf_counter() - started - plain
    for name, seconds in rows:
        extra = f", +{(seconds - plain) * 1000:.3f} ms per token" if seconds is not plain else ""
        print(
            f"client_credentials tokens with {name}: {1 / seconds:.0f} per second in-process, "
            f"{seconds * 1000:.3f} ms each{extra}"
        )
    if engine.available():
        print(f"a script's first compile (first token after setting it): {first * 1000:.1f} ms")
    else:
        print(f"scripts not measured: {engine.EngineMissing()}")


if __name__ == "__main__":
    main()
