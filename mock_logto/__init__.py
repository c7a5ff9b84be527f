"""mock-logto: a local stand-in for the Logto authorization server, for tests."""

from __future__ import annotations

__version__ = "0.1.0"

from .app import create_app
from .errors import FixtureError, ManagementApiError, MockLogtoError, OAuthError
from .keys import KeyStore
from .loader import load_tenant
from .server import MockLogtoServer
from .settings import Settings

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
