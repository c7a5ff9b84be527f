"""Request parameters as oidc-provider reads them, and its rules on them.

Bodies are read with the shared streaming reader under oidc-provider's 56 KiB cap; a form or a
JSON object (Logto converts JSON to form parameters) becomes :data:`Params`. Messages are
oidc-provider's (lib/helpers/validate_presence.js, lib/shared/check_dupes.js, pkce_format.js).
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.requests import Request

from ..errors import InvalidRequestError
from ..http.body import (
    FORM,
    JSON,
    MAX_JSON_DEPTH,
    Params,
    charset,
    form_params,
    header,
    json_params,
    media_type,
    read_body,
)

_PKCE_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~")

__all__ = ["Params", "check_pkce_format", "parse_params", "reject_dupes", "require", "single"]


def _too_large() -> Exception:
    return InvalidRequestError("failed to parse the request body", detail="body too large")


async def body_params(
    request: Request, path: str, allowed: frozenset[str], max_depth: int = MAX_JSON_DEPTH
) -> Params:
    """The body's parameters that some handler of `path` reads (others are ignored)."""
    body = await read_body(request, _too_large)
    return parse_params(body, header(request, b"content-type"), path, allowed, max_depth)


def parse_params(
    body: bytes,
    content_type: str | None,
    path: str,
    allowed: frozenset[str],
    max_depth: int = MAX_JSON_DEPTH,
) -> Params:
    """A form (or JSON) body → parameters, keeping only names in `allowed`, empty ones dropped."""
    if not content_type:
        return {}
    kind = media_type(content_type)
    if kind not in (FORM, JSON):
        raise InvalidRequestError(f"only {FORM} content-type bodies are supported on POST {path}")
    try:
        text = body.decode(charset(content_type))
    except (LookupError, UnicodeDecodeError) as exc:
        raise InvalidRequestError("failed to parse the request body", detail=str(exc)) from exc
    raw = json_params(text, max_depth) if kind == JSON else form_params(text, keep_empty=True)
    # oidc-provider's Params drops empty values: `params[prop] || undefined`.
    return {k: v for k, v in raw.items() if k in allowed and any(v)}


def single(params: Params, name: str) -> str | None:
    """The first value of a parameter, or None."""
    values = params.get(name)
    return values[0] if values else None


def format_list(names: Iterable[str]) -> str:
    """`'a'`, `'a' and 'b'`, `'a', 'b', and 'c'` (Intl.ListFormat 'en' conjunction)."""
    quoted = [f"'{n}'" for n in names]
    if len(quoted) <= 2:
        return " and ".join(quoted)
    return ", ".join(quoted[:-1]) + ", and " + quoted[-1]


def reject_dupes(params: Params, names: Iterable[str]) -> None:
    """Raise `invalid_request` when any of `names` was given more than once."""
    dupes = [name for name in names if len(params.get(name, ())) > 1]
    if dupes:
        noun = "parameter" if len(dupes) == 1 else "parameters"
        raise InvalidRequestError(f"{format_list(dupes)} {noun} must not be provided twice")


def require(params: Params, *names: str) -> None:
    """Raise `invalid_request` naming the missing parameters."""
    missing = [name for name in names if not params.get(name)]
    if missing:
        noun = "parameter" if len(missing) == 1 else "parameters"
        raise InvalidRequestError(f"missing required {noun} {format_list(missing)}")


def check_pkce_format(value: str, name: str) -> None:
    """RFC 7636 §4.1: 43 to 128 unreserved characters."""
    if len(value) < 43:
        raise InvalidRequestError(f"{name} must be a string with a minimum length of 43 characters")
    if len(value) > 128:
        raise InvalidRequestError(
            f"{name} must be a string with a maximum length of 128 characters"
        )
    if not set(value) <= _PKCE_ALPHABET:
        raise InvalidRequestError(f"{name} contains invalid characters")
