"""The test control API under `/__mock/` (a path Logto never uses).

| Route | What |
| --- | --- |
| `POST /__mock/reset` | back to the start-up fixtures; clock, log, faults and deliveries cleared (204) |
| `PUT /__mock/fixtures` | load other fixtures: `{"fixtures": {…}}`, a YAML body, or `{"path"}` of a file beside the start-up fixtures (a broken one: 400, no change) |
| `GET /__mock/fixtures` | the live tenant as a fixture file (`?format=yaml`, the default, or `json`) |
| `GET /__mock/clock`, `POST /__mock/clock` `{"advance": s}` | the server's time; move it forward |
| `GET`/`DELETE /__mock/requests` | the requests received (newest last, secrets hidden unless `?secrets=true`); clear them |
| `GET`/`DELETE /__mock/deliveries` | the webhook deliveries made, with their answers (`?event=`, `?hookId=`); clear them |
| `GET`/`DELETE /__mock/messages` | the emails and SMS the capturing connector received (`?to=`, `?type=`), oldest first; clear them |
| `POST`/`GET`/`DELETE /__mock/faults` | the next N requests to a path fail, or wait |
| `POST /__mock/keys/rotate` | sign with a new key; old keys stay in the JWKS |
| `POST /__mock/tokens` | a JWT access token made to order (as `mock-logto token` prints; no customizer runs) |
| `PUT /__mock/claims` | static claims for every access token of a type, as a custom JWT customizer adds them |

Every route first passes :func:`~mock_logto.http.access.check_control_access` (same-origin,
allowed host or token, JSON bodies). Errors are `{"code": "mock.<what>", "message"}`.
"""  # noqa: E501 - a table

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ..control import Fault
from ..customjwt.config import TOKEN_KEYS
from ..errors import FixtureError, ManagementApiError, MockLogtoError
from ..http.access import check_control_access
from ..http.body import MAX_BODY_BYTES, media_type, parse_json, read_body
from ..http.responses import JSONResponse
from ..loader import default_fixture_path, parse
from ..loader.dump import FORMATS, export_header, fixture_text
from ..models import Tenant
from ..oidc.grants.base import BEARER
from ..passcodes import same_address
from ..runtime import Runtime, runtime_of

#: The largest fixture document the control API reads (a body or a file).
MAX_FIXTURE_BYTES = 1024 * 1024
Handler = Callable[[Request], Awaitable[Response]]


def _bad(message: str) -> ManagementApiError:
    return ManagementApiError("mock.invalid_request", message, status_code=400)


async def _body(request: Request, limit: int = MAX_BODY_BYTES) -> dict[str, Any]:
    raw = await read_body(request, lambda: _bad("request body too large"), limit)
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
    """A field of `kind` (a JSON `true` is not a number), or `default` when absent."""
    value = data.get(name, default)
    if value is default:
        return value
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        raise _bad(f"'{name}' has the wrong type")
    return value


async def reset(request: Request) -> Response:
    """`POST /__mock/reset`."""
    runtime_of(request).reset()
    return Response(status_code=204)


def fixtures_root(rt: Runtime) -> Path:
    """The directory whose files `PUT /__mock/fixtures {"path"}` may load: the start-up one's."""
    initial = rt.initial_fixtures.resolve()
    return initial if initial.is_dir() else initial.parent


def fixture_file(rt: Runtime, given: str) -> Path:
    """A regular file under the fixtures root, at most `MAX_FIXTURE_BYTES` (never a device)."""
    root = fixtures_root(rt)
    path = (root / given).resolve()
    if not path.is_relative_to(root):
        raise _bad(f"fixture paths are read only under {root}")
    if not path.is_file():
        raise _bad(f"{given}: not a regular file under {root}")
    if path.stat().st_size > MAX_FIXTURE_BYTES:
        raise _bad(f"{given}: larger than {MAX_FIXTURE_BYTES} bytes")
    return path


async def _load(request: Request, rt: Runtime) -> Tenant:
    kind = media_type(request.headers.get("content-type", "application/json"))
    if kind != "application/json":
        raw = await read_body(request, lambda: _bad("fixtures too large"), MAX_FIXTURE_BYTES)
        text = raw.decode("utf-8", errors="replace")
        return rt.load_document(parse(text, "request body", json_format=False, trusted=False))
    data = await _body(request, MAX_FIXTURE_BYTES)
    if "fixtures" in data:
        return rt.load_document(data["fixtures"])
    path = _field(data, "path", str, None)
    if not path:
        return rt.load_fixtures(default_fixture_path())
    # Read off the event loop: a large file must not stall the other requests.
    return await anyio.to_thread.run_sync(rt.load_fixtures, fixture_file(rt, path))


async def fixtures(request: Request) -> Response:
    """`PUT /__mock/fixtures`: `{"fixtures": {...}}`, YAML, or `{"path"}` (`null`: the demo)."""
    rt = runtime_of(request)
    try:
        tenant = await _load(request, rt)
    except FixtureError as exc:
        raise ManagementApiError(
            "mock.invalid_fixtures", str(exc), status_code=400, data={"problems": exc.problems}
        ) from exc
    except MockLogtoError as exc:
        raise _bad(str(exc)) from exc
    return JSONResponse({"tenant": tenant.summary()})


#: Content types of an exported fixture file, by format.
EXPORT_MEDIA_TYPES = {
    "yaml": "application/yaml; charset=utf-8",
    "json": "application/json; charset=utf-8",
}


async def export(request: Request) -> Response:
    """`GET /__mock/fixtures`: the live tenant as a fixture file that loads into the same answers.

    Dumped on the event loop, so no Management API change lands halfway through.
    """
    kind = request.query_params.get("format", "yaml")
    if kind not in FORMATS:
        raise _bad("'format' is yaml or json")
    tenant = runtime_of(request).tenant
    text = fixture_text(tenant, kind, header=export_header(tenant))
    return Response(text, headers={"Content-Type": EXPORT_MEDIA_TYPES[kind]})


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
    """`GET|DELETE /__mock/requests` (`?secrets=true` shows credentials as received)."""
    log = runtime_of(request).control
    if request.method == "DELETE":
        log.requests.clear()
        return Response(status_code=204)
    redact = request.query_params.get("secrets") != "true"
    return JSONResponse([entry.to_dict(redact=redact) for entry in log.requests])


async def deliveries(request: Request) -> Response:
    """`GET|DELETE /__mock/deliveries`: the webhook deliveries made, oldest first.

    Answers included; waits for those in flight; `?event=` and `?hookId=` filter.
    """
    webhooks = runtime_of(request).webhooks
    if request.method == "DELETE":
        webhooks.clear()
        return Response(status_code=204)
    await anyio.to_thread.run_sync(webhooks.wait)
    event, hook_id = request.query_params.get("event"), request.query_params.get("hookId")
    return JSONResponse(
        [
            d.to_dict()
            for d in webhooks.deliveries()
            if event in (None, d.event) and hook_id in (None, d.hook_id)
        ]
    )


async def messages(request: Request) -> Response:
    """`GET|DELETE /__mock/messages`: what would have been sent by email or SMS."""
    passcodes = runtime_of(request).passcodes
    if request.method == "DELETE":
        passcodes.messages.clear()
        return Response(status_code=204)
    to, kind = request.query_params.get("to"), request.query_params.get("type")
    return JSONResponse(
        [
            m.to_dict()
            for m in passcodes.messages
            if (to is None or same_address(m.to, to)) and kind in (None, m.type)
        ]
    )


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
        headers = _field(data, "headers", dict, {})
        if not all(isinstance(v, str) for v in headers.values()):
            raise _bad("'headers' must map names to strings")
        try:
            rules.add_fault(
                Fault(
                    path=path,
                    method=_field(data, "method", str, None),
                    count=_field(data, "count", int, 1),
                    status=_field(data, "status", int, None),
                    body=data.get("body"),
                    headers=headers,
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


async def claims(request: Request) -> Response:
    """`PUT /__mock/claims` `{"tokenType", "claims"}`: static claims for every access token.

    `tokenType` is `access-token` or `client-credentials`; the claims are added as a customizer
    adds them; `"claims": null` removes them. Lasts until the next reset.
    """
    data = await _body(request)
    token_type = _field(data, "tokenType", str, None)
    if token_type not in TOKEN_KEYS:
        raise _bad(f"'tokenType' must be one of {', '.join(TOKEN_KEYS)}")
    added = _field(data, "claims", dict, None)
    functions = runtime_of(request).tenant.custom_jwt.functions
    if added is None:
        functions.pop(token_type, None)
    else:
        functions[token_type] = lambda _payload: dict(added)
    return JSONResponse({"tokenType": token_type, "claims": added})


def guarded(handler: Handler) -> Handler:
    """The control API's access rules, then the handler."""

    async def run(request: Request) -> Response:
        check_control_access(request, runtime_of(request).settings)
        return await handler(request)

    run.__name__ = handler.__name__
    run.__doc__ = handler.__doc__
    return run


def routes() -> list[BaseRoute]:
    """Routes under `/__mock`."""
    table: list[tuple[str, Handler, list[str]]] = [
        ("/reset", reset, ["POST"]),
        ("/fixtures", fixtures, ["PUT"]),
        ("/fixtures", export, ["GET"]),
        ("/clock", clock, ["GET", "POST"]),
        ("/requests", requests, ["GET", "DELETE"]),
        ("/deliveries", deliveries, ["GET", "DELETE"]),
        ("/messages", messages, ["GET", "DELETE"]),
        ("/faults", faults, ["GET", "POST", "DELETE"]),
        ("/keys/rotate", rotate_keys, ["POST"]),
        ("/tokens", tokens, ["POST"]),
        ("/claims", claims, ["PUT"]),
    ]
    return [
        Route(path, guarded(handler), methods=methods, name=handler.__name__)
        for path, handler, methods in table
    ]
