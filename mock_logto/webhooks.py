"""Webhook deliveries: Logto's requests to hook endpoints, sent off the request's path.

An event (a Management API write, a sign-in) is offered to :meth:`Webhooks.trigger` with the
hooks that receive it; with none, nothing is built and nothing is sent (the token endpoint never
gets here). Each delivery is one `POST` of the JSON payload (compact, as `JSON.stringify`), with
Logto's headers (`user-agent: Logto (https://logto.io/)`, the hook's own headers, then
`logto-signature-sha-256`: HMAC-SHA256 of the raw body with the hook's signing key, hex) and a
10 s timeout. It is sent by a worker thread, never retried (Logto's POST is outside ky's retry
methods), and recorded: the hook's log (`recent-logs`, `executionStats`) and the list of
deliveries the control API and the pytest handle show, answers included.

A hook URL starting with `mock://sink` is answered by the mock itself (200 `{"ok":true}`, or the
status `?status=` names) so tests need no receiver of their own.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import string
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .models import Hook, Tenant

USER_AGENT = "Logto (https://logto.io/)"
SIGNATURE_HEADER = "logto-signature-sha-256"
SINK = "mock://sink"
TIMEOUT_SECONDS = 10.0
#: Logto's `recent-logs` and `executionStats` look one day back.
LOG_WINDOW_MS = 24 * 3600 * 1000
_ID_ALPHABET = string.ascii_lowercase + string.digits


def sign(signing_key: str, body: bytes) -> str:
    """Logto's signature of a payload: HMAC-SHA256 of the raw body, hex."""
    return hmac.new(signing_key.encode(), body, hashlib.sha256).hexdigest()


def payload_bytes(payload: dict[str, Any]) -> bytes:
    """The body as `JSON.stringify` writes it (compact, non-ASCII kept)."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def iso_time(ms: int) -> str:
    """`new Date(ms).toISOString()`."""
    moment = datetime.fromtimestamp(ms / 1000, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def _new_id() -> str:
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(21))


def _parsed(text: str) -> Any:
    """Logto's `parseResponse`: JSON when it parses, else the text."""
    try:
        return json.loads(text)
    except ValueError:
        return text


class DeliveryFailed(Exception):
    """The endpoint could not be reached, or answered with an error status."""

    def __init__(self, error: str, status: int | None = None, body: str | None = None) -> None:
        super().__init__(error)
        self.error, self.status, self.body = error, status, body


def _post(url: str, headers: dict[str, str], body: bytes) -> tuple[int, str]:
    """POST as ky does (throwing on a status ≥ 400); the sink answers in-process."""
    parts = urlsplit(url)
    if url.startswith(SINK):
        raw_status = parse_qs(parts.query).get("status", ["200"])[0]
        status = int(raw_status) if raw_status.isdigit() else 200
        text = '{"ok":true}' if status < 400 else '{"error":"mock-logto sink told to fail"}'
    elif parts.scheme not in ("http", "https") or not parts.netloc:
        raise DeliveryFailed(f"TypeError: Failed to parse URL from {url}")
    else:
        # Imported here: urllib.request (http.client, email) would slow every start of `serve`.
        import urllib.error
        import urllib.request

        request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310
                status, text = answer.status, answer.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode(errors="replace")
        except TimeoutError:
            raise DeliveryFailed(f"TimeoutError: Request timed out: POST {url}") from None
        except (OSError, ValueError):
            raise DeliveryFailed("TypeError: fetch failed") from None
    if status >= 400:
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = ""
        message = f"Request failed with status code {status} {reason}".rstrip()
        raise DeliveryFailed(f"HTTPError: {message}", status, text)
    return status, text


@dataclass(slots=True)
class Delivery:
    """One request sent to a hook endpoint, and its answer once it came."""

    id: str
    hook_id: str
    event: str
    url: str
    headers: dict[str, str]
    body: bytes
    created_at: int
    #: Sent by `POST /api/hooks/:id/test` (not in the hook's logs).
    test: bool = False
    status: int | None = None
    response_body: str | None = None
    error: str | None = None
    done: threading.Event = field(default_factory=threading.Event)

    def to_dict(self) -> dict[str, Any]:
        """The JSON the control API and the pytest handle show."""
        response = (
            None
            if self.status is None
            else {"status": self.status, "body": _parsed(self.response_body or "")}
        )
        return {
            "id": self.id,
            "hookId": self.hook_id,
            "event": self.event,
            "url": self.url,
            "test": self.test,
            "request": {
                "method": "POST",
                "headers": dict(self.headers),
                "body": self.body.decode(),
                "json": json.loads(self.body),
            },
            "response": response,
            "error": self.error,
            "done": self.done.is_set(),
            "createdAt": self.created_at,
        }


@dataclass(slots=True)
class HookLog:
    """A `TriggerHook.<event>` log entry (what `recent-logs` lists)."""

    id: str
    hook_id: str
    key: str
    payload: dict[str, Any]
    created_at: int

    def to_dict(self) -> dict[str, Any]:
        """As Logto's log rows answer (no `tenantId`)."""
        return {
            "id": self.id,
            "key": self.key,
            "payload": self.payload,
            "createdAt": self.created_at,
        }


def headers_for(
    hook_headers: dict[str, str] | None, signing_key: str, body: bytes
) -> dict[str, str]:
    """The request headers of a delivery in the order Logto's fetch sends them (lower-case)."""
    headers = {SIGNATURE_HEADER: sign(signing_key, body)} if signing_key else {}
    headers["user-agent"] = USER_AGENT
    headers.update({k.lower(): v for k, v in (hook_headers or {}).items()})
    headers.setdefault("content-type", "application/json")
    headers.setdefault("accept", "*/*")
    return headers


class Webhooks:
    """The deliveries of one server: a worker pool, the list of deliveries, the hooks' logs."""

    def __init__(self, now_ms: Callable[[], int]) -> None:
        self._now_ms = now_ms
        self._lock = threading.Lock()
        self._deliveries: list[Delivery] = []
        self._logs: list[HookLog] = []
        self._executor: ThreadPoolExecutor | None = None

    # ---------------------------------------------------------------- events

    @staticmethod
    def receivers(tenant: Tenant, event: str) -> list[Hook]:
        """The hooks `event` is delivered to (cheap: no hooks, no work)."""
        if not tenant.hooks:
            return []
        return [hook for hook in tenant.hooks.values() if hook.receives(event)]

    def trigger(self, hooks: Iterable[Hook], payload: dict[str, Any]) -> None:
        """Deliver `payload` (without `hookId`) to each hook, in the background."""
        for hook in hooks:
            body = payload_bytes({**payload, "hookId": hook.id})
            delivery = self._record(hook, str(payload["event"]), hook.url, hook.headers, body)
            self._pool().submit(self._send, delivery, hook.id)

    def send_test(
        self, hook: Hook, events: list[str], url: str, headers: dict[str, str] | None
    ) -> None:
        """`POST /api/hooks/:id/test`: Logto's fake payloads, sent now; the first failure raises."""
        sent = []
        for event in events:
            body = payload_bytes(test_payload(hook.id, event, self._now_ms()))
            sent.append(self._record(hook, event, url, headers, body, test=True))
        failures = [self._send(delivery, None) for delivery in sent]
        for failure in failures:
            if failure is not None:
                raise failure

    def _record(
        self,
        hook: Hook,
        event: str,
        url: str,
        hook_headers: dict[str, str] | None,
        body: bytes,
        *,
        test: bool = False,
    ) -> Delivery:
        headers = headers_for(hook_headers, hook.signing_key, body)
        delivery = Delivery(_new_id(), hook.id, event, url, headers, body, self._now_ms(), test)
        with self._lock:
            self._deliveries.append(delivery)
        return delivery

    def _pool(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(10, thread_name_prefix="mock-logto-webhook")
            return self._executor

    def _send(self, delivery: Delivery, log_for: str | None) -> DeliveryFailed | None:
        failure: DeliveryFailed | None = None
        try:
            delivery.status, delivery.response_body = _post(
                delivery.url, delivery.headers, delivery.body
            )
        except DeliveryFailed as error:
            failure = error
            delivery.status, delivery.response_body, delivery.error = (
                error.status,
                error.body,
                error.error,
            )
        if log_for is not None:
            self._log(delivery, log_for)
        delivery.done.set()
        return failure

    def _log(self, delivery: Delivery, hook_id: str) -> None:
        key = f"TriggerHook.{delivery.event}"
        payload: dict[str, Any] = {"key": key, "result": "Success", "hookId": hook_id}
        payload["hookRequest"] = {"body": json.loads(delivery.body)}
        if delivery.error is not None:
            payload["result"] = "Error"
            if delivery.status is not None:
                payload["response"] = {
                    "statusCode": delivery.status,
                    "body": _parsed(delivery.response_body or ""),
                }
            payload["error"] = delivery.error
        else:
            payload["response"] = {
                "statusCode": delivery.status,
                "body": _parsed(delivery.response_body or ""),
            }
        entry = HookLog(_new_id(), hook_id, key, payload, self._now_ms())
        with self._lock:
            self._logs.append(entry)

    # ---------------------------------------------------------------- reading

    def wait(self, timeout: float = TIMEOUT_SECONDS + 1) -> bool:
        """Wait until every delivery made so far has its answer; False on timeout."""
        with self._lock:
            pending = [d for d in self._deliveries if not d.done.is_set()]
        return all(d.done.wait(timeout) for d in pending)

    def deliveries(self) -> list[Delivery]:
        """Every delivery since the start (or the last clear), oldest first."""
        with self._lock:
            return list(self._deliveries)

    def recent_logs(self, hook_id: str, key: str | None = None) -> list[HookLog]:
        """The hook's logs of the last day, newest first (optionally one `key`)."""
        since = self._now_ms() - LOG_WINDOW_MS
        with self._lock:
            logs = [
                log
                for log in self._logs
                if log.hook_id == hook_id and log.created_at > since and key in (None, log.key)
            ]
        return logs[::-1]

    def all_logs(self) -> list[HookLog]:
        """Every hook log kept, oldest first (`GET /api/logs/{id}` finds them by id)."""
        with self._lock:
            return list(self._logs)

    def stats(self, hook_id: str) -> dict[str, int]:
        """Logto's `executionStats` of a hook (its logs of the last day)."""
        logs = self.recent_logs(hook_id)
        ok = sum(1 for log in logs if log.payload["result"] == "Success")
        return {"successCount": ok, "requestCount": len(logs)}

    def clear(self) -> None:
        """Forget every delivery and log (deliveries in flight still finish)."""
        with self._lock:
            self._deliveries.clear()
            self._logs.clear()


def test_payload(hook_id: str, event: str, now_ms: int) -> dict[str, Any]:
    """Logto's fixed fake payload of a test delivery (`generateHookTestPayload`)."""
    basic = {"event": event, "hookId": hook_id, "createdAt": iso_time(now_ms)}
    basic["userAgent"] = "fake-user-agent"
    if event in INTERACTION_EVENTS:
        user = {
            "id": "fake-id",
            "username": "fake-user",
            "primaryEmail": "fake-user@fake-service.com",
            "primaryPhone": "1234567890",
            "name": "Fake User",
            "avatar": "https://fake-service.com/avatars/fake-user.png",
            "customData": {"theme": "light"},
            "identities": {"google": {"userId": "fake-google-user-id"}},
            "profile": {},
            "applicationId": "fake-application-id",
            "isSuspended": False,
            "lastSignInAt": now_ms,
            "createdAt": now_ms,
            "updatedAt": now_ms,
        }
        application = {
            "id": "fake-spa-application-id",
            "type": "SPA",
            "name": "Fake Application",
            "description": "Fake application data for testing",
        }
        return {
            **basic,
            "sessionId": "fake-session-id",
            "userIp": "fake-user-ip",
            "userId": "fake-id",
            "user": user,
            "application": application,
        }
    return {
        **basic,
        "path": "/fake-path/:id",
        "method": "POST",
        "status": 200,
        "params": {"id": "fake-id"},
        "data": {"result": "success"},
    }


INTERACTION_EVENTS = (
    "PostRegister",
    "PostSignIn",
    "PostSignInAdaptiveMfaTriggered",
    "PostResetPassword",
)
#: Logto's `hookEvents`, in its order (the `options` of zod's enum error).
HOOK_EVENTS = (
    *INTERACTION_EVENTS,
    "User.Created",
    "User.Deleted",
    "User.Data.Updated",
    "User.SuspensionStatus.Updated",
    "Role.Created",
    "Role.Deleted",
    "Role.Data.Updated",
    "Role.Scopes.Updated",
    "Scope.Created",
    "Scope.Deleted",
    "Scope.Data.Updated",
    "Organization.Created",
    "Organization.Deleted",
    "Organization.Data.Updated",
    "Organization.Membership.Updated",
    "OrganizationRole.Created",
    "OrganizationRole.Deleted",
    "OrganizationRole.Data.Updated",
    "OrganizationRole.Scopes.Updated",
    "OrganizationScope.Created",
    "OrganizationScope.Deleted",
    "OrganizationScope.Data.Updated",
    "Identifier.Lockout",
)
