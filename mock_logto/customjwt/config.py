"""What a tenant holds for custom JWT, plus the Python callables tests may set instead.

Logto keeps the same in its `logto_configs` rows `jwt.accessToken`, `jwt.clientCredentials`
and `idToken`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: URL path segment → `logto_configs` key (Logto's `LogtoJwtTokenKeyType` → `LogtoJwtTokenKey`).
TOKEN_KEYS = {"access-token": "jwt.accessToken", "client-credentials": "jwt.clientCredentials"}
ACCESS_TOKEN = "access-token"  # noqa: S105 - a token kind, not a secret
CLIENT_CREDENTIALS = "client-credentials"
#: Fixture key (`customJwt.accessToken`, …) → token kind.
FIXTURE_KEYS = {"accessToken": ACCESS_TOKEN, "clientCredentials": CLIENT_CREDENTIALS}
#: The extended claims an ID token may carry (`idToken.enabledExtendedClaims`, Logto's
#: `ExtendedIdTokenClaim`).
EXTENDED_ID_TOKEN_CLAIMS = (
    "custom_data",
    "identities",
    "sso_identities",
    "roles",
    "organizations",
    "organization_data",
    "organization_roles",
)

#: `{token, context, environmentVariables}` → extra claims (raise :class:`DenyAccess` to refuse).
ClaimsFunction = Callable[[dict[str, Any]], dict[str, Any]]


class DenyAccess(Exception):
    """Raised by a Python claims function to refuse the token, like `api.denyAccess(message)`."""

    def __init__(self, message: str = "Access denied") -> None:
        self.message = message
        super().__init__(message)


@dataclass
class CustomJwt:
    """The customizers of one tenant, by token kind (`access-token`, `client-credentials`).

    `scripts` keeps each customizer's JSON value as Logto stores it (`script`,
    `environmentVariables`, `tokenSample`, `contextSample`); `functions` (set by tests) take
    precedence over a script of the same kind.
    """

    scripts: dict[str, dict[str, Any]] = field(default_factory=dict)
    functions: dict[str, ClaimsFunction] = field(default_factory=dict)
    #: `idToken` config (`enabledExtendedClaims`), read by :mod:`mock_logto.claims` for ID
    #: tokens; None until set: a new Logto tenant's seeded config applies.
    id_token: dict[str, Any] | None = None

    def active(self, kind: str) -> bool:
        """Whether tokens of `kind` go through a customizer."""
        return kind in self.functions or kind in self.scripts
