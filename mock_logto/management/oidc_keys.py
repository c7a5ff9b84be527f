"""`/api/configs/oidc/{private-keys,cookie-keys}`: list, rotate, delete (routes/logto-config).

Lists are redacted: private keys as `{id, createdAt, signingKeyAlgorithm}`, cookie keys as
`{id, createdAt}` (seconds). A rotation puts a new key first and keeps the 2 newest; deleting
needs another key to remain (422 `oidc.key_required`, checked before the id) and a known id
(404 `oidc.key_not_found`).

Private-key changes take effect at once: the new key signs, `/oidc/jwks` and discovery publish
what is left, and the Management API refuses tokens of a deleted key. That is what clients of a
Logto whose instances share a cache (Redis) see; a single Logto process without Redis keeps
signing with and publishing its start-up keys until it restarts (README, "Signing keys").
"""

from __future__ import annotations

from typing import Any, Literal

from starlette.requests import Request
from starlette.responses import Response

from ..errors import invalid_input
from ..http.responses import JSONResponse
from ..keys import KEPT_ON_ROTATION, LOGTO_RSA_BITS, key_not_found, key_required
from ..runtime import Runtime, runtime_of
from ..settings import SigningAlg
from .common import Handler, json_body, no_content

KeyType = Literal["private-keys", "cookie-keys"]
KEY_TYPES: tuple[KeyType, ...] = ("private-keys", "cookie-keys")
#: `SupportedSigningKeyAlgorithm` → the JWS algorithm of the generated key.
SIGNING_KEY_ALGORITHMS: dict[str, SigningAlg] = {"RSA": "RS256", "EC": "ES384"}


def _key_type(request: Request) -> KeyType:
    """The `keyType` path parameter, else zod's enum error on the params."""
    value = request.path_params["keyType"]
    for key_type in KEY_TYPES:
        if value == key_type:
            return key_type
    error = invalid_input(["keyType"], options=KEY_TYPES, value=value)
    error.message = "The request params is invalid."
    raise error


def _listed(rt: Runtime, key_type: KeyType) -> list[dict[str, Any]]:
    if key_type == "private-keys":
        return [
            {"id": k.id, "createdAt": k.created_at, "signingKeyAlgorithm": k.kty}
            for k in rt.keys.keys
        ]
    return [{"id": k.id, "createdAt": k.created_at} for k in rt.cookies.keys]


def _private_keys_changed(rt: Runtime) -> None:
    """Publish the change; a key file, like Logto's database, keeps it for the next start."""
    rt.keys_changed()
    if rt.settings.key_file is not None:
        rt.keys.write(rt.settings.key_file)


async def list_keys(request: Request) -> Response:
    """`GET /api/configs/oidc/:keyType`."""
    key_type = _key_type(request)
    return JSONResponse(_listed(runtime_of(request), key_type))


async def rotate_keys(request: Request) -> Response:
    """`POST /api/configs/oidc/:keyType/rotate` `{signingKeyAlgorithm?: RSA | EC}` (default EC)."""
    key_type = _key_type(request)
    data = await json_body(request)
    algorithm = data.get("signingKeyAlgorithm", "EC")
    if algorithm not in SIGNING_KEY_ALGORITHMS:
        raise invalid_input(
            ["signingKeyAlgorithm"], options=tuple(SIGNING_KEY_ALGORITHMS), value=algorithm
        )
    rt = runtime_of(request)
    if key_type == "private-keys":
        rt.keys.rotate(
            SIGNING_KEY_ALGORITHMS[algorithm],
            keep=KEPT_ON_ROTATION,
            created_at=rt.clock(),
            rsa_bits=LOGTO_RSA_BITS,
        )
        _private_keys_changed(rt)
    else:
        rt.cookies.rotate(keep=KEPT_ON_ROTATION, created_at=rt.clock())
    return JSONResponse(_listed(rt, key_type))


async def delete_key(request: Request) -> Response:
    """`DELETE /api/configs/oidc/:keyType/:keyId` (204)."""
    key_type = _key_type(request)
    key_id = request.path_params["keyId"]
    rt = runtime_of(request)
    if key_type == "private-keys":
        rt.keys.delete(key_id)
        _private_keys_changed(rt)
        return no_content()
    if len(rt.cookies.keys) <= 1:
        raise key_required()
    if not rt.cookies.remove(key_id):
        raise key_not_found(key_id)
    return no_content()


#: (method, path under /api, handler): the routes of this module, in matching order.
ROUTES: tuple[tuple[str, str, Handler], ...] = (
    ("GET", "/configs/oidc/{keyType}", list_keys),
    ("POST", "/configs/oidc/{keyType}/rotate", rotate_keys),
    ("DELETE", "/configs/oidc/{keyType}/{keyId}", delete_key),
)
