"""HTTP for the CLI's client commands: one small interface, the standard library behind it.

mock-logto has no HTTP client among its runtime dependencies, so `urllib.request` does the
work; tests pass another :data:`Transport` (e.g. one over the app in-process).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import MockLogtoError


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """A request to send."""

    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | None = None


@dataclass(frozen=True, slots=True)
class HttpResponse:
    """An answer; header names are lower-case."""

    status: int
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        """The body as JSON (None if it is not JSON)."""
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    @property
    def media_type(self) -> str:
        """`application/json` of `application/json; charset=utf-8`."""
        return self.headers.get("content-type", "").partition(";")[0].strip().lower()


#: Sends a request and returns the answer, whatever its status; raises
#: :class:`Unreachable` when there is no answer.
Transport = Callable[[HttpRequest], HttpResponse]


class Unreachable(MockLogtoError):
    """No HTTP answer at all (refused, unresolvable, timed out)."""


def urllib_transport(timeout: float = 30.0) -> Transport:
    """A transport over `urllib.request` (redirects followed, as for GETs everywhere)."""

    def send(request: HttpRequest) -> HttpResponse:
        prepared = urllib.request.Request(  # noqa: S310 - a URL the user gave
            request.url, data=request.body, headers=dict(request.headers), method=request.method
        )
        try:
            with urllib.request.urlopen(prepared, timeout=timeout) as answer:  # noqa: S310
                return HttpResponse(answer.status, _headers(answer.headers), answer.read())
        except urllib.error.HTTPError as exc:
            return HttpResponse(exc.code, _headers(exc.headers), exc.read())
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", None) or exc
            raise Unreachable(str(reason)) from exc

    return send


def _headers(headers: Any) -> dict[str, str]:
    """Lower-case names; repeated headers joined as HTTP allows."""
    joined: dict[str, str] = {}
    for name, value in headers.items():
        key = name.lower()
        joined[key] = f"{joined[key]}, {value}" if key in joined else value
    return joined
