"""The test control API under `/__mock/` (a path Logto never uses).

| Route | What |
| --- | --- |
| `POST /__mock/reset` | back to the start-up fixtures; clock, log and faults cleared (204) |
| `PUT /__mock/fixtures` `{"path"}` | load other fixtures (a broken file: 400, no change) |
| `GET /__mock/clock`, `POST /__mock/clock` `{"advance": s}` | the server's time; move it forward |
| `GET`/`DELETE /__mock/requests` | the requests received (newest last); clear them |
| `POST`/`GET`/`DELETE /__mock/faults` | the next N requests to a path fail, or wait |
| `POST /__mock/keys/rotate` | sign with a new key; old keys stay in the JWKS |
| `POST /__mock/tokens` | a JWT access token made to order (as `mock-logto token` prints) |

Errors are `{"code": "mock.<what>", "message"}` with status 400.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ..control import Fault
from ..errors import FixtureError, ManagementApiError, MockLogtoError
from ..http.body import parse_json, read_body
from ..http.responses import JSONResponse
from ..loader import default_fixture_path
from ..oidc.grants.base import BEARER
from ..runtime import runtime_of


def _bad(message: str) -> ManagementApiError:
    return ManagementApiError("mock.invalid_request", message, status_code=400)


async def _body(request: Request) -> dict[str, Any]:
    raw = await read_body(request, lambda: _bad("request body too large"))
    if not raw:
        return {}
    try:
        data = parse_json(raw)
    except ValueError as exc:
        raise _bad("the body must be a JSON object") from exc
    if not isinstance(data, dict):
        raise _bad("the body must be a JSON object")
    return data


def _field(data: dict[str, Any], name: str, kind: type | tuple[type, ...], default: Any) -> Any:
    value = data.get(name, default)
    if value is not default and not isinstance(value, kind):
        raise _bad(f"'{name}' has the wrong type")
    return value


async def reset(request: Request) -> Response:
    """`POST /__mock/reset`."""
    runtime_of(request).reset()
    return Response(status_code=204)


async def fixtures(request: Request) -> Response:
    """`PUT /__mock/fixtures` `{"path": "..."}` (`null`: the bundled demo tenant)."""
    data = await _body(request)
    path = _field(data, "path", str, None)
    try:
        tenant = runtime_of(request).load_fixtures(Path(path) if path else default_fixture_path())
    except FixtureError as exc:
        raise ManagementApiError(
            "mock.invalid_fixtures", str(exc), status_code=400, data={"problems": exc.problems}
        ) from exc
    except MockLogtoError as exc:
        raise _bad(str(exc)) from exc
    return JSONResponse({"tenant": tenant.summary()})


async def clock(request: Request) -> Response:
    """`GET|POST /__mock/clock`."""
    server_clock = runtime_of(request).clock
    if request.method == "POST":
        advance = _field(await _body(request), "advance", int, 0)
        try:
            server_clock.advance(advance)
        except MockLogtoError as exc:
            raise _bad(str(exc)) from exc
    return JSONResponse({"now": server_clock(), "offset": server_clock.offset})


async def requests(request: Request) -> Response:
    """`GET|DELETE /__mock/requests`."""
    log = runtime_of(request).control
    if request.method == "DELETE":
        log.requests.clear()
        return Response(status_code=204)
    return JSONResponse([entry.to_dict() for entry in log.requests])


async def faults(request: Request) -> Response:
    """`POST|GET|DELETE /__mock/faults`."""
    rules = runtime_of(request).control
    if request.method == "DELETE":
        rules.faults.clear()
        return Response(status_code=204)
    if request.method == "POST":
        data = await _body(request)
        path = _field(data, "path", str, None)
        if not path:
            raise _bad("'path' is required")
        try:
            rules.add_fault(
                Fault(
                    path=path,
                    method=_field(data, "method", str, None),
                    count=_field(data, "count", int, 1),
                    status=_field(data, "status", int, None),
                    body=data.get("body"),
                    headers=_field(data, "headers", dict, {}),
                    delay=float(_field(data, "delay", (int, float), 0)),
                )
            )
        except MockLogtoError as exc:
            raise _bad(str(exc)) from exc
        status = 201
    else:
        status = 200
    return JSONResponse([vars_of(f) for f in rules.faults], status_code=status)


def vars_of(fault: Fault) -> dict[str, Any]:
    """A fault rule as JSON."""
    return {
        "path": fault.path,
        "method": fault.method,
        "count": fault.count,
        "status": fault.status,
        "body": fault.body,
        "headers": fault.headers,
        "delay": fault.delay,
    }


async def rotate_keys(request: Request) -> Response:
    """`POST /__mock/keys/rotate`."""
    return JSONResponse({"kid": runtime_of(request).rotate_keys()})


async def tokens(request: Request) -> Response:
    """`POST /__mock/tokens` `{"app", "resource"?, "scopes"?, "user"?, "organization"?, ...}`."""
    data = await _body(request)
    app_ref = _field(data, "app", str, None)
    if not app_ref:
        raise _bad("'app' is required")
    scopes = _field(data, "scopes", list, [])
    if not all(isinstance(s, str) for s in scopes):
        raise _bad("'scopes' must be a list of strings")
    try:
        token = runtime_of(request).issue_token(
            client=app_ref,
            resource=_field(data, "resource", str, None),
            scopes=scopes,
            user=_field(data, "user", str, None),
            organization=_field(data, "organization", str, None),
            claims=_field(data, "claims", dict, None),
            expires_in=_field(data, "expiresIn", int, None),
        )
    except MockLogtoError as exc:
        raise _bad(str(exc)) from exc
    return JSONResponse({"access_token": token, "token_type": BEARER})


def routes() -> list[BaseRoute]:
    """Routes under `/__mock`."""
    return [
        Route("/reset", reset, methods=["POST"], name="reset"),
        Route("/fixtures", fixtures, methods=["PUT"], name="fixtures"),
        Route("/clock", clock, methods=["GET", "POST"], name="clock"),
        Route("/requests", requests, methods=["GET", "DELETE"], name="requests"),
        Route("/faults", faults, methods=["GET", "POST", "DELETE"], name="faults"),
        Route("/keys/rotate", rotate_keys, methods=["POST"], name="rotate_keys"),
        Route("/tokens", tokens, methods=["POST"], name="tokens"),
    ]
