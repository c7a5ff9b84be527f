"""Grant types of the token endpoint, one module each, kept in a registry.

An unknown `grant_type` is answered with `unsupported_grant_type` by the token endpoint.
"""

from __future__ import annotations

from types import ModuleType

from . import authorization_code, client_credentials, refresh_token, token_exchange
from .base import AUTH_PARAMS, GrantContext, TokenRequest

_MODULES: tuple[ModuleType, ...] = (
    authorization_code,
    client_credentials,
    refresh_token,
    token_exchange,
)

#: `grant_type` value → its module (`GRANT_TYPE`, `PARAMETERS`, `DUPLICABLE`, `handle`).
GRANT_HANDLERS: dict[str, ModuleType] = {module.GRANT_TYPE: module for module in _MODULES}

#: Every parameter some grant reads; anything else in a token request is ignored.
KNOWN_PARAMS: frozenset[str] = frozenset(
    {"grant_type", *AUTH_PARAMS}.union(*(module.PARAMETERS for module in _MODULES))
)

__all__ = ["GRANT_HANDLERS", "KNOWN_PARAMS", "GrantContext", "TokenRequest"]
