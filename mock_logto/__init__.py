"""mock-logto: a local stand-in for the Logto authorization server, for tests.

The public names are imported on first use (PEP 562): `import mock_logto`, and so the pytest
plugin every suite that installs the package loads, costs nothing until the server is needed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .app import create_app
    from .errors import FixtureError, ManagementApiError, MockLogtoError, OAuthError
    from .keys import KeyStore
    from .loader import load_tenant
    from .server import MockLogtoServer
    from .settings import Settings

#: Public name → the module defining it.
_HOMES = {
    "FixtureError": "errors",
    "KeyStore": "keys",
    "ManagementApiError": "errors",
    "MockLogtoError": "errors",
    "MockLogtoServer": "server",
    "OAuthError": "errors",
    "Settings": "settings",
    "create_app": "app",
    "load_tenant": "loader",
}

__all__ = [
    "FixtureError",
    "KeyStore",
    "ManagementApiError",
    "MockLogtoError",
    "MockLogtoServer",
    "OAuthError",
    "Settings",
    "__version__",
    "create_app",
    "load_tenant",
]


def __getattr__(name: str) -> Any:
    """Import a public name's module the first time the name is used."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
