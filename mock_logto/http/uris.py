"""URI rules shared by fixtures and the protocol: absolute URIs and redirects."""

from __future__ import annotations

import re
from urllib.parse import urlencode

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_SPECIAL_SCHEMES = ("http:", "https:", "ws:", "wss:", "ftp:")


def absolute_uri_problem(value: str) -> str | None:
    """Why `value` is not an absolute URI without fragment (Logto's indicator rule), or None."""
    if not _SCHEME.match(value) or any(c.isspace() for c in value):
        return "must be an absolute URI"
    lowered = value.lower()
    if lowered.startswith(_SPECIAL_SCHEMES) and not lowered.split(":", 1)[1].lstrip("/"):
        return "must be an absolute URI"
    if "#" in value:
        return "must not contain a fragment component"
    return None


def redirect_url(redirect_uri: str, mode: str, values: dict[str, str]) -> str:
    """`redirect_uri` with `values` in its query (`mode="query"`) or fragment."""
    encoded = urlencode(values)
    if mode == "fragment":
        return f"{redirect_uri}#{encoded}"
    separator = "&" if "?" in redirect_uri else "?"
    return f"{redirect_uri}{separator}{encoded}"
