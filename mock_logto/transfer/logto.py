"""Logto's Management API as a client: the M2M token, every page of a list, rate limits.

A Management API token is `client_credentials` at `{endpoint}/oidc/token` (Basic auth) for the
resource `https://default.logto.app/api` (OSS) or `https://{tenantId}.logto.app/api` (Cloud),
`scope=all`. Lists are read 100 at a time (Logto's largest page) until `Total-Number` is
reached. Logto Cloud answers 429 when a tenant asks too fast; that, and a gateway's 502-504,
is retried after `Retry-After` or an exponential backoff, so a large tenant is read whole.
"""

from __future__ import annotations

import base64
import email.utils
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO
from urllib.parse import quote, urlencode, urlsplit

from ..errors import MockLogtoError
from .transport import HttpRequest, HttpResponse, Transport, Unreachable, urllib_transport

PAGE_SIZE = 100
#: Answers worth waiting for: rate limited, or a gateway between us and Logto.
RETRIED = frozenset({429, 502, 503, 504})
MAX_RETRIES = 6
MAX_DELAY = 120.0
OSS_INDICATOR = "https://default.logto.app/api"
#: A token is renewed this many seconds before Logto says it expires.
TOKEN_MARGIN = 60


def management_indicator(endpoint: str, tenant_id: str | None = None) -> tuple[str, str]:
    """(tenant id, Management API indicator) of the Logto at `endpoint`.

    `tenant_id` means Logto Cloud; so does an endpoint on `<tenant>.logto.app`. Else OSS.
    """
    if tenant_id is None:
        host = urlsplit(endpoint).hostname or ""
        label, _, domain = host.partition(".")
        if domain == "logto.app" and label:
            tenant_id = label
    if tenant_id is None:
        return "default", OSS_INDICATOR
    return tenant_id, f"https://{tenant_id}.logto.app/api"


class Progress:
    """One self-rewriting status line on a terminal; silent anywhere else."""

    def __init__(self, stream: TextIO | None) -> None:
        self.stream = stream if stream is not None and stream.isatty() else None
        self.width = 0

    def show(self, text: str) -> None:
        """Replace the status line with `text`."""
        if self.stream is None:
            return
        line = f"mock-logto import: {text}"
        self.stream.write("\r" + line.ljust(self.width))
        self.stream.flush()
        self.width = len(line)

    def done(self) -> None:
        """End the status line, keeping its last text."""
        if self.stream is not None and self.width:
            self.stream.write("\n")
            self.stream.flush()
        self.width = 0


@dataclass
class _Token:
    value: str
    expires_at: float


class ManagementClient:
    """Reads one Logto tenant's Management API with an M2M app's credentials."""

    def __init__(
        self,
        endpoint: str,
        app_id: str,
        app_secret: str,
        *,
        tenant_id: str | None = None,
        transport: Transport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        progress: Progress | None = None,
    ) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.tenant_id, self.indicator = management_indicator(self.endpoint, tenant_id)
        self.credentials = base64.b64encode(
            f"{quote(app_id, safe='')}:{quote(app_secret, safe='')}".encode()
        ).decode()
        self.send = transport or urllib_transport()
        self.sleep = sleep
        self.clock = clock
        self.progress = progress or Progress(None)
        self._token: _Token | None = None

    # ------------------------------------------------------------------ HTTP

    def _send(self, request: HttpRequest) -> HttpResponse:
        """Send, waiting out rate limits and gateway errors (at most `MAX_RETRIES` times)."""
        for attempt in range(MAX_RETRIES + 1):
            try:
                answer = self.send(request)
            except Unreachable as exc:
                raise MockLogtoError(f"cannot reach {self.endpoint} ({exc})") from exc
            if answer.status not in RETRIED or attempt == MAX_RETRIES:
                return answer
            delay = self._delay(answer, attempt)
            self.progress.show(f"HTTP {answer.status} from Logto; retrying in {delay:g} s")
            self.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _delay(self, answer: HttpResponse, attempt: int) -> float:
        """`Retry-After` (seconds or a date) when given, else 1, 2, 4, … seconds (at most 2 min)."""
        given = answer.headers.get("retry-after", "").strip()
        if given.isdigit():
            return min(float(given), MAX_DELAY)
        if given:
            try:
                when = email.utils.parsedate_to_datetime(given).timestamp()
            except (TypeError, ValueError):
                pass
            else:
                return min(max(when - self.clock(), 0.0), MAX_DELAY)
        return min(float(2**attempt), MAX_DELAY)

    def token(self) -> str:
        """A Management API access token, fetched again shortly before it expires."""
        if self._token is not None and self.clock() < self._token.expires_at:
            return self._token.value
        body = urlencode(
            {"grant_type": "client_credentials", "resource": self.indicator, "scope": "all"}
        ).encode()
        answer = self._send(
            HttpRequest(
                "POST",
                f"{self.endpoint}/oidc/token",
                {
                    "Authorization": f"Basic {self.credentials}",
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Accept": "application/json",
                },
                body,
            )
        )
        data = answer.json()
        if answer.status != 200 or not isinstance(data, dict) or "access_token" not in data:
            raise MockLogtoError(self._token_problem(answer, data))
        given = data.get("expires_in")
        lifetime = given if isinstance(given, int) else 3600
        self._token = _Token(str(data["access_token"]), self.clock() + lifetime - TOKEN_MARGIN)
        return self._token.value

    def _token_problem(self, answer: HttpResponse, data: Any) -> str:
        if not isinstance(data, dict) or "error" not in data:
            return (
                f"{self.endpoint} does not look like Logto: POST /oidc/token answered "
                f"{answer.status} {answer.media_type or '(no content type)'}"
            )
        error = str(data["error"])
        description = str(data.get("error_description") or data.get("message") or "")
        if error in ("invalid_target", "invalid_scope"):
            return (
                f"the app may not call the Management API {self.indicator} ({error}: "
                f"{description}); give it the role 'Logto Management API access'"
                + ("" if self.tenant_id != "default" else ", or pass --tenant-id for Logto Cloud")
            )
        return f"{self.endpoint} refused the app's credentials ({error}: {description})"

    def _get(self, path: str, query: dict[str, str] | None = None) -> HttpResponse:
        url = f"{self.endpoint}/api{path}" + (f"?{urlencode(query)}" if query else "")
        for renewed in (False, True):
            headers = {"Authorization": f"Bearer {self.token()}", "Accept": "application/json"}
            answer = self._send(HttpRequest("GET", url, headers))
            if answer.status != 401 or renewed:
                return answer
            self._token = None  # revoked or expired early: one new token, then give up
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def _problem(path: str, answer: HttpResponse) -> MockLogtoError:
        data = answer.json()
        if isinstance(data, dict) and "code" in data:
            detail = f"{data['code']}: {data.get('message', '')}"
        else:
            detail = (answer.media_type or "no content type") if answer.body else "no body"
        return MockLogtoError(f"GET /api{path} answered {answer.status} ({detail})")

    # ------------------------------------------------------------------ reading

    def get(self, path: str, query: dict[str, str] | None = None) -> Any:
        """The JSON answer of `GET /api{path}`; anything but 200 is a problem."""
        answer = self._get(path, query)
        if answer.status != 200:
            raise self._problem(path, answer)
        return answer.json()

    def get_optional(self, path: str) -> Any | None:
        """As :meth:`get`, but None when this Logto has no such route (404, or 501 of the mock)."""
        answer = self._get(path)
        if answer.status in (404, 501):
            return None
        if answer.status != 200:
            raise self._problem(path, answer)
        return answer.json()

    def get_all(
        self,
        path: str,
        query: dict[str, str] | None = None,
        *,
        label: str | None = None,
        limit: int | None = None,
        optional: bool = False,
    ) -> list[Any]:
        """Every item of a list, page by page, at most `limit` (the first ones as Logto lists).

        A list Logto does not page (no `Total-Number`) is read at once. `optional`: a route this
        Logto does not have (404, or 501 of the mock) is an empty list.
        """
        items: list[Any] = []
        page = 1
        while limit is None or len(items) < limit:
            pages = {"page": str(page), "page_size": str(PAGE_SIZE)}
            answer = self._get(path, {**(query or {}), **pages})
            if optional and answer.status in (404, 501):
                break
            batch = answer.json() if answer.status == 200 else None
            if not isinstance(batch, list):
                raise self._problem(path, answer)
            items.extend(batch)
            total = answer.headers.get("total-number")
            if label is not None and total is not None:
                self.progress.show(f"{label} {len(items)}/{total}")
            if total is None or not batch or len(items) >= int(total):
                break
            page += 1
        return items if limit is None else items[:limit]
