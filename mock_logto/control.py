"""Test control: the request log and fault injection (applied by :mod:`mock_logto.http.middleware`).

Used in-process by the pytest plugin and over HTTP by the `/__mock/` control API. Nothing here
changes how a request is answered unless a test asks. (Reset, fixtures, keys and tokens made to
order are methods of :class:`~mock_logto.runtime.Runtime`; the clock is :mod:`mock_logto.clock`.)
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, urlencode

from starlette.types import Send

from .errors import MockLogtoError

#: Paths of the control API; never logged, never faulted.
CONTROL_PREFIX = "/__mock"
#: Requests kept in the log (the oldest are dropped first).
LOG_SIZE = 1000
#: Body bytes kept per logged request.
LOG_BODY_BYTES = 64 * 1024
#: The longest a fault may delay a request (a longer one would look like a hang).
MAX_FAULT_DELAY = 60.0
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


class LoggedRequest(NamedTuple):
    """A request the server received, as a service under test sent it.

    A named tuple: one is made per request, and a tuple is the cheapest immutable record.
    """

    method: str
    path: str
    query: str
    #: As received; decoded only when read (the log costs a request no more than a copy).
    raw_headers: tuple[tuple[bytes, bytes], ...]
    raw_body: bytes
    status: int
    at: int

    @property
    def headers(self) -> dict[str, str]:
        """The headers, lower-case names (the last of a repeated one wins)."""
        return {k.decode("latin-1"): v.decode("latin-1") for k, v in self.raw_headers}

    @property
    def body(self) -> str:
        """The body's first `LOG_BODY_BYTES`, as text."""
        return self.raw_body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The body parsed as JSON (None if it is not JSON)."""
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def form(self) -> dict[str, str]:
        """The body parsed as a form (last value wins)."""
        return dict(parse_qsl(self.body))

    def to_dict(self, *, redact: bool = True) -> dict[str, Any]:
        """JSON-ready form for the control API; secrets hidden unless `redact=False`."""
        headers, body = self.headers, self.body
        entry = {
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "headers": headers,
            "body": body,
            "status": self.status,
            "at": self.at,
        }
        if redact:
            entry["headers"] = {k: redact_header(k, v) for k, v in headers.items()}
            entry["query"] = redact_form(self.query)
            entry["body"] = redact_body(body, headers.get("content-type", ""))
        return entry


#: Headers and body fields that carry credentials, hidden in the control API's request log.
SECRET_HEADERS = frozenset({"authorization", "cookie", "x-mock-logto-token", "set-cookie"})
SECRET_FIELDS = frozenset(
    {
        "client_secret",
        "password",
        "newPassword",
        "code",
        "code_verifier",
        "refresh_token",
        "access_token",
        "subject_token",
        "actor_token",
        "token",
        "id_token_hint",
        "xsrf",
        "secret",
    }
)
REDACTED = "[redacted]"


def redact_header(name: str, value: str) -> str:
    """A credential header's value hidden (its scheme kept: `Basic [redacted]`)."""
    if name.lower() not in SECRET_HEADERS:
        return value
    scheme, space, _ = value.partition(" ")
    return f"{scheme} {REDACTED}" if space and name.lower() == "authorization" else REDACTED


def redact_form(text: str) -> str:
    """A form or query string with its credential fields' values hidden."""
    if not any(f"{field}=" in text for field in SECRET_FIELDS):
        return text
    pairs = parse_qsl(text, keep_blank_values=True)
    return urlencode([(k, REDACTED if k in SECRET_FIELDS else v) for k, v in pairs])


def _redact_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: REDACTED if k in SECRET_FIELDS else _redact_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_json(v) for v in value]
    return value


def redact_body(body: str, content_type: str) -> str:
    """A form or JSON body with its credential fields' values hidden; others as they are."""
    if content_type.startswith("application/x-www-form-urlencoded"):
        return redact_form(body)
    if content_type.startswith("application/json"):
        try:
            return json.dumps(_redact_json(json.loads(body)), separators=(",", ":"))
        except (ValueError, RecursionError):
            return body
    return body


@dataclass(slots=True)
class Fault:
    """The next `count` matching requests answer `status`/`body`, or are only delayed."""

    path: str
    method: str | None = None
    count: int = 1
    status: int | None = None
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0

    def matches(self, method: str, path: str) -> bool:
        """Same path, and the same method when one is given."""
        return self.count > 0 and path == self.path and self.method in (None, method)


#: Prints one line per request: method, path, status, seconds taken (`serve`'s console output).
RequestLine = Callable[[str, str, int, float], None]


class Control:
    """The request log and the fault rules of one app."""

    def __init__(self) -> None:
        self.requests: deque[LoggedRequest] = deque(maxlen=LOG_SIZE)
        self.faults: list[Fault] = []
        #: Where each request is also printed, if anywhere (not cleared by reset).
        self.console: RequestLine | None = None

    def add_fault(self, fault: Fault) -> Fault:
        """Register a fault rule (first registered, first applied) it can honour."""
        if fault.status is None and fault.delay <= 0:
            raise MockLogtoError("a fault needs a status, a delay or both")
        if fault.count < 1:
            raise MockLogtoError("a fault's count must be at least 1")
        if fault.status is not None and not 200 <= fault.status <= 599:
            raise MockLogtoError("a fault's status must be from 200 to 599")
        if not 0 <= fault.delay <= MAX_FAULT_DELAY:
            raise MockLogtoError(f"a fault's delay must be from 0 to {MAX_FAULT_DELAY} seconds")
        for name, value in fault.headers.items():
            if not _TOKEN.fullmatch(name) or any(c in value for c in "\r\n\0"):
                raise MockLogtoError(f"fault header {name!r} is not a valid HTTP header")
        try:
            json.dumps(fault.body, allow_nan=False)
        except ValueError as exc:
            raise MockLogtoError("a fault's body must be a string or plain JSON") from exc
        self.faults.append(fault)
        return fault

    def take_fault(self, method: str, path: str) -> Fault | None:
        """The fault that applies to this request, counted down."""
        for fault in self.faults:
            if fault.matches(method, path):
                fault.count -= 1
                if fault.count == 0:
                    self.faults.remove(fault)
                return fault
        return None

    def clear(self) -> None:
        """Forget the log and the faults."""
        self.requests.clear()
        self.faults.clear()


async def answer_fault(fault: Fault, send: Send) -> None:
    """Send the answer a fault rule with a status makes up."""
    if fault.body is None:
        payload, media = b"", "text/plain; charset=utf-8"
    elif isinstance(fault.body, str):
        payload, media = fault.body.encode(), "text/plain; charset=utf-8"
    else:
        payload = json.dumps(fault.body, separators=(",", ":")).encode()
        media = "application/json; charset=utf-8"
    headers = [(b"content-type", media.encode()), (b"content-length", str(len(payload)).encode())]
    headers += [(k.lower().encode(), v.encode()) for k, v in fault.headers.items()]
    assert fault.status is not None  # noqa: S101 - only called for faults with a status
    await send({"type": "http.response.start", "status": fault.status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
