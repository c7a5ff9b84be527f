"""What every grant shares: the authenticated request and the shape of a grant module."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from ...models import Application
from ...runtime import Runtime
from ..params import Params

#: `token_type` of every access token Logto issues.
BEARER = "Bearer"


@dataclass(slots=True)
class TokenRequest:
    """A token request after client authentication."""

    params: Params
    client: Application

    def get(self, name: str) -> str | None:
        """The single value of a parameter (duplicates were rejected earlier), or None."""
        values = self.params.get(name)
        return values[0] if values else None

    def all(self, name: str) -> list[str]:
        """Every value of a repeatable parameter such as `resource`."""
        return self.params.get(name, [])


class GrantHandler(Protocol):
    """A grant module: its `grant_type`, the parameters it reads, and `handle`.

    `handle` runs the grant's checks in oidc-provider's (or Logto's) order, each a named
    function of the module, then issues.
    """

    GRANT_TYPE: str
    PARAMETERS: frozenset[str]
    #: Parameters that may repeat (`resource`); any other given twice is `invalid_request`.
    DUPLICABLE: frozenset[str]

    def handle(self, request: TokenRequest, rt: Runtime) -> dict[str, Any]:
        """Validate, then build the token response body."""
        ...
