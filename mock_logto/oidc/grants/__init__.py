"""Grant types of the token endpoint, one module each, kept in a registry.

An unknown `grant_type` is answered with `unsupported_grant_type` by the token endpoint.
"""

from __future__ import annotations

from ..client_auth import AUTH_PARAMS
from . import authorization_code, client_credentials, refresh_token, token_exchange
from .base import GrantHandler, TokenRequest

_HANDLERS: tuple[GrantHandler, ...] = (
    authorization_code,
    client_credentials,
    refresh_token,
    token_exchange,
)

#: `grant_type` value → its module.
GRANT_HANDLERS: dict[str, GrantHandler] = {handler.GRANT_TYPE: handler for handler in _HANDLERS}

#: Every parameter some grant reads; anything else in a token request is ignored.
KNOWN_PARAMS: frozenset[str] = frozenset(
    {"grant_type", *AUTH_PARAMS}.union(*(handler.PARAMETERS for handler in _HANDLERS))
)

__all__ = ["GRANT_HANDLERS", "KNOWN_PARAMS", "GrantHandler", "TokenRequest"]
