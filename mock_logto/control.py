"""Test control: a movable clock, the request log, fault injection, reset and hand-made tokens.

Used in-process by the pytest plugin and over HTTP by the `/__mock/` control API (and the
`mock-logto token` command). Nothing here changes how a request is answered unless a test asks.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .authorization import find_user
from .errors import MockLogtoError
from .grants.resources import organization_audience
from .keys import KeyStore
from .models import ORGANIZATION_RESOURCE, Application, Organization, Tenant, User
from .types import Clock

#: Paths of the control API; never logged, never faulted.
CONTROL_PREFIX = "/__mock"
#: Requests kept in the log (the oldest are dropped first).
LOG_SIZE = 1000
#: Body bytes kept per logged request.
LOG_BODY_BYTES = 64 * 1024


class MockClock:
    """The server's clock: a base clock (the wall clock) plus an offset tests move forward."""

    def __init__(self, base: Clock | None = None) -> None:
        self._base: Clock = base or (lambda: int(time.time()))
        self.offset = 0

    def __call__(self) -> int:
        """Seconds since the epoch, as the server sees them."""
        return self._base() + self.offset

    def advance(self, seconds: int) -> int:
        """Move time forward (tokens and codes expire without sleeping); returns the new now."""
        if seconds < 0:
            raise MockLogtoError("the clock only moves forward")
        self.offset += seconds
        return self()

    def reset(self) -> None:
        """Back to the base clock."""
        self.offset = 0


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    """A request the server received, as a service under test sent it."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: str
    status: int
    at: int

    def json(self) -> Any:
        """The body parsed as JSON (None if it is not JSON)."""
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def form(self) -> dict[str, str]:
        """The body parsed as a form (last value wins)."""
        return dict(parse_qsl(self.body))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for the control API."""
        return asdict(self)


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


class Control:
    """The request log and the fault rules of one app."""

    def __init__(self) -> None:
        self.requests: deque[LoggedRequest] = deque(maxlen=LOG_SIZE)
        self.faults: list[Fault] = []

    def add_fault(self, fault: Fault) -> Fault:
        """Register a fault rule (first registered, first applied)."""
        if fault.status is None and fault.delay <= 0:
            raise MockLogtoError("a fault needs a status, a delay or both")
        if fault.count < 1:
            raise MockLogtoError("a fault's count must be at least 1")
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


class ControlMiddleware:
    """Logs requests and applies faults; the control API itself is left alone."""

    def __init__(self, app: ASGIApp, control: Control, clock: Clock) -> None:
        self.app = app
        self.control = control
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Record the request and its status; answer a fault when one applies."""
        if scope["type"] != "http" or scope["path"].startswith(CONTROL_PREFIX):
            await self.app(scope, receive, send)
            return
        body = bytearray()
        status = 0

        async def recording_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request" and len(body) < LOG_BODY_BYTES:
                body.extend(message.get("body", b"")[: LOG_BODY_BYTES - len(body)])
            return message

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        fault = self.control.take_fault(scope["method"], scope["path"])
        try:
            if fault is not None and fault.delay > 0:
                await asyncio.sleep(fault.delay)
            if fault is not None and fault.status is not None:
                await _answer_fault(fault, recording_send)
            else:
                await self.app(scope, recording_receive, recording_send)
        finally:
            headers = Headers(scope=scope)
            self.control.requests.append(
                LoggedRequest(
                    method=scope["method"],
                    path=scope["path"],
                    query=scope.get("query_string", b"").decode("latin-1"),
                    headers=dict(headers.items()),
                    body=bytes(body).decode("utf-8", errors="replace"),
                    status=status,
                    at=self.clock(),
                )
            )


async def _answer_fault(fault: Fault, send: Send) -> None:
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


# --------------------------------------------------------------------------- tenant and keys


def load_fixtures(app: Starlette, fixtures: Path | None) -> Tenant:
    """Replace the tenant with the one `fixtures` define (None: the bundled demo tenant).

    Everything issued so far is forgotten; the clock, log and faults are left as they are.
    """
    from .app import auto_sign_in_user, load_settings_tenant

    state = app.state
    settings = state.settings.model_copy(update={"fixtures": fixtures})
    tenant = load_settings_tenant(settings, state.clock)
    auto = auto_sign_in_user(settings, tenant)
    state.settings = settings
    state.tenant = tenant
    state.grant_context.tenant = tenant
    state.auto_sign_in = auto
    state.store.clear()
    return tenant


def reset(app: Starlette, fixtures: Path | None | str = "initial") -> None:
    """Back to a fresh start: the initial fixtures (or `fixtures`), clock, log, faults."""
    state = app.state
    load_fixtures(app, state.initial_fixtures if fixtures == "initial" else Path(fixtures or ""))
    state.clock.reset()
    state.control.clear()


def rotate_keys(app: Starlette) -> str:
    """Sign with a new key from now on; the old keys stay published. Returns the new `kid`."""
    from .routes.oidc import StaticJSON

    state = app.state
    keys: KeyStore = state.keys
    key = keys.rotate(state.settings.signing_alg)
    state.jwks = StaticJSON(keys.jwks_body, "application/jwk-set+json; charset=utf-8")
    return key.kid


# --------------------------------------------------------------------------- hand-made tokens


def _find_app(tenant: Tenant, ref: str) -> Application:
    found = tenant.applications.get(ref) or next(
        (a for a in tenant.applications.values() if a.name == ref), None
    )
    if found is None:
        raise MockLogtoError(f"no application has the id or name '{ref}'")
    return found


def _find_user(tenant: Tenant, ref: str) -> User:
    found = tenant.users.get(ref) or find_user(tenant, ref)
    if found is None:
        raise MockLogtoError(f"no user has the id, username or email '{ref}'")
    return found


def _find_organization(tenant: Tenant, ref: str) -> Organization:
    found = tenant.organizations.get(ref) or next(
        (o for o in tenant.organizations.values() if o.name == ref), None
    )
    if found is None:
        raise MockLogtoError(f"no organization has the id or name '{ref}'")
    return found


def issue_token(
    app: Starlette,
    *,
    client: str,
    resource: str | None = None,
    scopes: Sequence[str] = (),
    user: str | None = None,
    organization: str | None = None,
    claims: dict[str, Any] | None = None,
    expires_in: int | None = None,
) -> str:
    """A JWT access token signed by this server, shaped as Logto shapes it.

    `client` is the app (id or name); `user` makes it a user token (else `sub` is the app);
    `resource` is the audience, or `organization` alone gives an organization token, both
    together an organization-level API token. `scopes` are taken as given (not checked
    against roles), so a test can make any token it needs.
    """
    state = app.state
    tenant: Tenant = state.tenant
    application = _find_app(tenant, client)
    subject = _find_user(tenant, user).id if user else application.id
    org = _find_organization(tenant, organization) if organization else None
    extra: dict[str, Any] = {}
    if resource is not None:
        found = tenant.resource_by_indicator(resource)
        if found is None and resource != ORGANIZATION_RESOURCE:
            raise MockLogtoError(f"no API resource has the indicator '{resource}'")
        audience, ttl = resource, found.access_token_ttl if found else 3600
        if org is not None:
            extra["organization_id"] = org.id
    elif org is not None:
        audience, ttl = organization_audience(org.id), 3600
    else:
        raise MockLogtoError("give a resource, an organization or both")
    extra.update(claims or {})
    return str(
        state.issuer.access_token(
            sub=subject,
            client_id=application.id,
            audience=audience,
            scope=" ".join(scopes),
            ttl=expires_in if expires_in is not None else ttl,
            extra=extra or None,
        )
    )
