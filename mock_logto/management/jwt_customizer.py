"""`/api/configs/jwt-customizer` and `/api/configs/id-token` (core/routes/logto-config/, v1.37).

The customizers are kept on the tenant (:class:`~mock_logto.customjwt.config.CustomJwt`); the
next token issued sees them. Bodies are checked as Logto's zod guards check them (strict objects:
an unknown key is a 400), except inside `tokenSample`/`contextSample` and the test endpoint's
`token`/`context`, which only need to be objects (plus the role `name`/`description` length
Logto's `Roles.guard` checks in a test context).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from .. import zod
from ..customjwt import engine
from ..customjwt.config import EXTENDED_ID_TOKEN_CLAIMS, TOKEN_KEYS
from ..errors import ManagementApiError, invalid_input
from ..http.responses import JSONResponse
from .common import Handler, json_body, no_content, not_found, tenant_of

_TYPES = list(TOKEN_KEYS)
_FIELDS = ("script", "environmentVariables", "contextSample", "tokenSample")
_EXTENDED_ID_TOKEN_CLAIMS = EXTENDED_ID_TOKEN_CLAIMS
#: A new Logto tenant's `idToken` config (schemas/seeds/logto-config.ts).
DEFAULT_ID_TOKEN_CONFIG = {
    "enabledExtendedClaims": ["roles", "organizations", "organization_roles"]
}
_GENERAL = "An error occurred while customizing the token claims. Please try again later."


def _zod_error(issue: dict[str, Any], *, where: str = "body") -> ManagementApiError:
    return zod.guard_error([issue], where)


def _token_type(request: Request) -> str:
    value = request.path_params["tokenTypePath"]
    if value not in TOKEN_KEYS:
        error = invalid_input(["tokenTypePath"], value=value, options=_TYPES)
        error.message = "The request params is invalid."
        raise error
    return str(value)


def _unknown_keys(body: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = [k for k in body if k not in allowed]
    if unknown:
        listed = ", ".join(f"'{k}'" for k in unknown)
        message = f"Unrecognized key(s) in object: {listed}"
        issue = {"code": "unrecognized_keys", "keys": unknown, "path": [], "message": message}
        raise _zod_error(issue)


def _environment(body: dict[str, Any], *, required_object: bool = False) -> None:
    env = body.get("environmentVariables")
    if env is None:
        return
    if not isinstance(env, dict):
        raise invalid_input(["environmentVariables"], expected="object", value=env)
    for name, value in env.items():
        if not isinstance(value, str):
            raise invalid_input(["environmentVariables", name], expected="string", value=value)


def _customizer(body: dict[str, Any]) -> dict[str, Any]:
    """The stored value: `script`, [`environmentVariables`], [`contextSample`], [`tokenSample`]."""
    if not isinstance(body.get("script"), str):
        raise invalid_input(["script"], expected="string", value=body.get("script"))
    _environment(body)
    for name in ("contextSample", "tokenSample"):
        if name in body and not isinstance(body[name], dict):
            raise invalid_input([name], expected="object", value=body[name])
    _unknown_keys(body, _FIELDS)
    return {k: body[k] for k in _FIELDS if k in body}


def _require_engine() -> None:
    if not engine.available():
        raise ManagementApiError(
            "jwt_customizer.general", str(engine.EngineMissing()), status_code=501
        )


async def upsert(request: Request) -> Response:
    """`PUT /configs/jwt-customizer/{tokenTypePath}`: 201 when new, else 200."""
    kind = _token_type(request)
    value = _customizer(await json_body(request))
    _require_engine()
    scripts = tenant_of(request).custom_jwt.scripts
    status = 200 if kind in scripts else 201
    scripts[kind] = value
    return JSONResponse(value, status_code=status)


async def update(request: Request) -> Response:
    """`PATCH …/{tokenTypePath}`: the body must be whole; merged over the stored value."""
    kind = _token_type(request)
    value = _customizer(await json_body(request))
    scripts = tenant_of(request).custom_jwt.scripts
    if kind not in scripts:
        raise not_found("logto_config", TOKEN_KEYS[kind])
    _require_engine()
    merged = {**scripts[kind], **value}
    scripts[kind] = {k: merged[k] for k in _FIELDS if k in merged}
    return JSONResponse(scripts[kind])


async def get_one(request: Request) -> Response:
    """`GET …/{tokenTypePath}`."""
    kind = _token_type(request)
    scripts = tenant_of(request).custom_jwt.scripts
    if kind not in scripts:
        raise not_found("logto_config", TOKEN_KEYS[kind])
    return JSONResponse(scripts[kind])


async def list_all(request: Request) -> Response:
    """`GET /configs/jwt-customizer`: `[{key, value}]`, access token first."""
    scripts = tenant_of(request).custom_jwt.scripts
    return JSONResponse(
        [{"key": TOKEN_KEYS[kind], "value": scripts[kind]} for kind in _TYPES if kind in scripts]
    )


async def delete(request: Request) -> Response:
    """`DELETE …/{tokenTypePath}`: 204, or 404 `entity.not_found`."""
    kind = _token_type(request)
    scripts = tenant_of(request).custom_jwt.scripts
    if scripts.pop(kind, None) is None:
        raise ManagementApiError(
            "entity.not_found", "The resource does not exist.", status_code=404
        )
    return no_content()


def _too_small(path: list[str | int]) -> ManagementApiError:
    message = "String must contain at least 1 character(s)"
    issue = {
        "code": "too_small",
        "minimum": 1,
        "type": "string",
        "inclusive": True,
        "exact": False,
        "message": message,
        "path": path,
    }
    return _zod_error(issue)


def _check_context(kind: str, context: dict[str, Any]) -> None:
    if kind != "access-token":
        return
    user = context.get("user")
    if not isinstance(user, dict):
        raise invalid_input(["context", "user"], expected="object", value=user)
    roles = user.get("roles")
    for index, role in enumerate(roles if isinstance(roles, list) else []):
        for name in ("name", "description"):
            if isinstance(role, dict) and role.get(name) == "":
                raise _too_small(["context", "user", "roles", index, name])


def _test_body(body: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    kind = body.get("tokenType")
    if kind not in TOKEN_KEYS:
        listed = " | ".join(f"'{t}'" for t in _TYPES)
        message = f"Invalid discriminator value. Expected {listed}"
        issue = {
            "code": "invalid_union_discriminator",
            "options": _TYPES,
            "path": ["tokenType"],
            "message": message,
        }
        raise _zod_error(issue)
    _environment(body)
    script = body.get("script")
    if not isinstance(script, str):
        raise invalid_input(["script"], expected="string", value=script)
    for name in ("token", "context"):
        if not isinstance(body.get(name), dict):
            raise invalid_input([name], expected="object", value=body.get(name))
    _check_context(str(kind), body["context"])
    payload = {"token": body["token"], "context": body["context"]}
    if body.get("environmentVariables") is not None:
        payload["environmentVariables"] = body["environmentVariables"]
    return str(kind), script, payload


async def test(request: Request) -> Response:
    """`POST /configs/jwt-customizer/test`: run the script; 422 (403 if it denies) on failure."""
    _, script, payload = _test_body(await json_body(request))
    try:
        claims = engine.run_script(script, payload)
    except engine.EngineMissing as missing:
        raise ManagementApiError("jwt_customizer.general", str(missing), status_code=501) from None
    except engine.ScriptError as error:
        raise ManagementApiError(
            "jwt_customizer.general",
            _GENERAL,
            status_code=403 if error.denied else 422,
            data=error.body,
        ) from None
    return JSONResponse(claims)


async def get_id_token(request: Request) -> Response:
    """`GET /configs/id-token`: the extended ID token claims enabled."""
    config = tenant_of(request).custom_jwt.id_token
    return JSONResponse(DEFAULT_ID_TOKEN_CONFIG if config is None else config)


async def put_id_token(request: Request) -> Response:
    """`PUT /configs/id-token {enabledExtendedClaims?}`."""
    body = await json_body(request)
    claims = body.get("enabledExtendedClaims")
    config: dict[str, Any] = {}
    if claims is not None:
        if not isinstance(claims, list):
            raise invalid_input(["enabledExtendedClaims"], expected="array", value=claims)
        for index, claim in enumerate(claims):
            if claim not in _EXTENDED_ID_TOKEN_CLAIMS:
                raise invalid_input(
                    ["enabledExtendedClaims", index], value=claim, options=_EXTENDED_ID_TOKEN_CLAIMS
                )
        config["enabledExtendedClaims"] = list(claims)
    tenant_of(request).custom_jwt.id_token = config
    return JSONResponse(config)


#: (method, path under /api, handler): the routes of this module, in matching order.
ROUTES: tuple[tuple[str, str, Handler], ...] = (
    ("GET", "/configs/jwt-customizer", list_all),
    ("POST", "/configs/jwt-customizer/test", test),
    ("GET", "/configs/jwt-customizer/{tokenTypePath}", get_one),
    ("PUT", "/configs/jwt-customizer/{tokenTypePath}", upsert),
    ("PATCH", "/configs/jwt-customizer/{tokenTypePath}", update),
    ("DELETE", "/configs/jwt-customizer/{tokenTypePath}", delete),
    ("GET", "/configs/id-token", get_id_token),
    ("PUT", "/configs/id-token", put_id_token),
)
