"""`/api/hooks`: webhooks, their signing keys, test deliveries and recent logs.

Bodies are checked as Logto's zod guards check them (`Hooks.createGuard`, `hookConfigGuard`:
`config.url` is any string, `retries` 0–3, `events` non-empty and de-duplicated); unknown
fields are ignored. Deliveries themselves are `mock_logto.webhooks`.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from .. import zod
from ..errors import ManagementApiError, invalid_input
from ..http.responses import JSONResponse
from ..models import Hook
from ..ops import hooks as hook_ops
from ..runtime import runtime_of
from ..webhooks import HOOK_EVENTS, DeliveryFailed
from .common import Handler, bool_field, json_body, new_id, no_content, now_ms, tenant_of
from .pagination import paginated

ADAPTIVE_MFA = "PostSignInAdaptiveMfaTriggered"


def _issue(path: list[str | int], issue: dict[str, Any], message: str) -> ManagementApiError:
    return zod.guard_error([{**issue, "path": path, "message": message}])


def _name(data: dict[str, Any], required: bool) -> str | None:
    value = data.get("name")
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise invalid_input(["name"], expected="string", value=value)
    if len(value) > 256:
        issue = {"code": "too_big", "maximum": 256, "type": "string"}
        issue.update(inclusive=True, exact=False)
        raise _issue(["name"], issue, "String must contain at most 256 character(s)")
    return value


def _event(data: dict[str, Any]) -> str | None:
    value = data.get("event")
    if value is None:
        return None
    if value not in HOOK_EVENTS:
        raise invalid_input(["event"], options=HOOK_EVENTS, value=value)
    return str(value)


def _events(data: dict[str, Any]) -> list[str] | None:
    value = data.get("events")
    if value is None:
        return None
    if not isinstance(value, list):
        raise invalid_input(["events"], expected="array", value=value)
    for index, item in enumerate(value):
        if item not in HOOK_EVENTS:
            raise invalid_input(["events", index], options=HOOK_EVENTS, value=item)
    if not value:
        issue = {"code": "too_small", "minimum": 1, "type": "array"}
        issue.update(inclusive=True, exact=False)
        raise _issue(["events"], issue, "Array must contain at least 1 element(s)")
    return list(dict.fromkeys(value))


def _config(data: dict[str, Any], required: bool) -> dict[str, Any] | None:
    value = data.get("config")
    if value is None and not required:
        return None
    if not isinstance(value, dict):
        raise invalid_input(["config"], expected="object", value=value)
    url = value.get("url")
    if not isinstance(url, str):
        raise invalid_input(["config", "url"], expected="string", value=url)
    config: dict[str, Any] = {"url": url}
    headers = value.get("headers")
    if headers is not None:
        if not isinstance(headers, dict):
            raise invalid_input(["config", "headers"], expected="object", value=headers)
        for key, item in headers.items():
            if not isinstance(item, str):
                raise invalid_input(["config", "headers", key], expected="string", value=item)
        config["headers"] = dict(headers)
    retries = value.get("retries")
    if retries is not None:
        if not isinstance(retries, (int, float)) or isinstance(retries, bool):
            raise invalid_input(["config", "retries"], expected="number", value=retries)
        bound = ("too_small", "minimum", 0, "greater than or equal to 0") if retries < 0 else None
        if retries > 3:
            bound = ("too_big", "maximum", 3, "less than or equal to 3")
        if bound is not None:
            code, key, limit, words = bound
            issue = {"code": code, key: limit, "type": "number", "inclusive": True, "exact": False}
            raise _issue(["config", "retries"], issue, f"Number must be {words}")
        config["retries"] = retries
    return config


def _no_adaptive_mfa(events: list[str] | None, event: str | None) -> None:
    if event == ADAPTIVE_MFA or (events and ADAPTIVE_MFA in events):
        raise ManagementApiError(
            "guard.invalid_input",
            "The request {{type}} is invalid.",
            status_code=400,
            data={
                "reason": "hook.event_not_supported_when_dev_features_disabled",
                "event": ADAPTIVE_MFA,
            },
        )


def hook_json(hook: Hook, tenant_id: str) -> dict[str, Any]:
    """A hook as Logto answers it (`signingKey` included)."""
    config: dict[str, Any] = {"url": hook.url}
    if hook.headers is not None:
        config["headers"] = dict(hook.headers)
    if hook.retries is not None:
        config["retries"] = hook.retries
    return {
        "tenantId": tenant_id,
        "id": hook.id,
        "name": hook.name,
        "event": hook.event,
        "events": list(hook.events),
        "config": config,
        "signingKey": hook.signing_key,
        "enabled": hook.enabled,
        "createdAt": hook.created_at,
    }


def _with_stats(request: Request, hook: Hook) -> dict[str, Any]:
    body = hook_json(hook, tenant_of(request).id)
    if request.query_params.get("includeExecutionStats"):
        body["executionStats"] = runtime_of(request).webhooks.stats(hook.id)
    return body


async def list_hooks(request: Request) -> Response:
    """`GET /api/hooks`: newest first; pagination optional (no `Total-Number` without it)."""
    found = hook_ops.newest_first(tenant_of(request))
    return paginated(request, found, optional=True, shape=lambda h: _with_stats(request, h))


async def create_hook(request: Request) -> Response:
    """`POST /api/hooks` (201): `events` (or the legacy single `event`) and `config`."""
    data = await json_body(request)
    name = _name(data, required=True)
    event = _event(data)
    events = _events(data)
    config = _config(data, required=True)
    enabled = bool_field(data, "enabled")
    _no_adaptive_mfa(events, event)
    if not events and not event:
        raise ManagementApiError(
            "hook.missing_events", "You need to provide at least one event.", status_code=400
        )
    config = config or {}
    tenant = tenant_of(request)
    hook = hook_ops.add(
        tenant,
        Hook(
            id=new_id(),
            name=str(name),
            events=events or [],
            url=config["url"],
            signing_key=hook_ops.new_signing_key(),
            event=event,
            headers=config.get("headers"),
            retries=config.get("retries"),
            enabled=True if enabled is None else enabled,
            created_at=now_ms(request),
        ),
    )
    return JSONResponse(hook_json(hook, tenant.id), status_code=201)


async def get_hook(request: Request) -> Response:
    """`GET /api/hooks/:id` (`includeExecutionStats`)."""
    hook = hook_ops.get(tenant_of(request), request.path_params["id"])
    return JSONResponse(_with_stats(request, hook))


async def update_hook(request: Request) -> Response:
    """`PATCH /api/hooks/:id`: the fields given replace the hook's (`config` as a whole)."""
    data = await json_body(request)
    name = _name(data, required=False)
    event = _event(data)
    events = _events(data)
    config = _config(data, required=False)
    enabled = bool_field(data, "enabled")
    _no_adaptive_mfa(events, event)
    given = {"name", "event", "events", "config", "enabled"} & data.keys()
    if not given:
        raise ManagementApiError(
            "entity.invalid_input",
            "Invalid input. Value list must not be empty.",
            status_code=422,
        )
    tenant = tenant_of(request)
    hook = hook_ops.for_update(tenant, request.path_params["id"])
    if name is not None:
        hook.name = name
    if "event" in data:
        hook.event = event
    if events is not None:
        hook.events = events
    if config is not None:
        hook.url, hook.headers = config["url"], config.get("headers")
        hook.retries = config.get("retries")
    if enabled is not None:
        hook.enabled = enabled
    return JSONResponse(hook_json(hook, tenant.id))


async def regenerate_signing_key(request: Request) -> Response:
    """`PATCH /api/hooks/:id/signing-key`: a new key, the hook answered."""
    tenant = tenant_of(request)
    hook = hook_ops.for_update(tenant, request.path_params["id"])
    hook.signing_key = hook_ops.new_signing_key()
    return JSONResponse(hook_json(hook, tenant.id))


async def delete_hook(request: Request) -> Response:
    """`DELETE /api/hooks/:id` (204)."""
    hook_ops.delete(tenant_of(request), request.path_params["id"])
    return no_content()


async def test_hook(request: Request) -> Response:
    """`POST /api/hooks/:id/test`: Logto's fake payloads to `config.url`, waited for (204).

    An error status answers 422 `hook.endpoint_responded_with_error` with the endpoint's
    answer; no answer at all 422 `hook.send_test_payload_failed`.
    """
    data = await json_body(request)
    events = _events(data)
    if events is None:
        raise invalid_input(["events"], expected="array", value=None)
    config = _config(data, required=True) or {}
    _no_adaptive_mfa(events, None)
    hook = hook_ops.get(tenant_of(request), request.path_params["id"])
    webhooks = runtime_of(request).webhooks
    try:
        await run_in_threadpool(
            webhooks.send_test, hook, events, config["url"], config.get("headers")
        )
    except DeliveryFailed as failure:
        if failure.status is not None:
            raise ManagementApiError(
                "hook.endpoint_responded_with_error",
                "Endpoint responded with error.",
                status_code=422,
                data={"responseStatus": failure.status, "responseBody": failure.body},
            ) from None
        raise ManagementApiError(
            "hook.send_test_payload_failed",
            f"Failed to send test payload: {failure.error}",
            status_code=422,
        ) from None
    return no_content()


async def recent_logs(request: Request) -> Response:
    """`GET /api/hooks/:id/recent-logs`: the last day's deliveries, newest first (paginated)."""
    logs = runtime_of(request).webhooks.recent_logs(
        request.path_params["id"], request.query_params.get("logKey") or None
    )
    return paginated(request, logs, shape=lambda log: log.to_dict())


#: (method, path under /api, handler): the routes of this module, in matching order.
ROUTES: tuple[tuple[str, str, Handler], ...] = (
    ("GET", "/hooks", list_hooks),
    ("POST", "/hooks", create_hook),
    ("GET", "/hooks/{id}", get_hook),
    ("PATCH", "/hooks/{id}", update_hook),
    ("DELETE", "/hooks/{id}", delete_hook),
    ("PATCH", "/hooks/{id}/signing-key", regenerate_signing_key),
    ("POST", "/hooks/{id}/test", test_hook),
    ("GET", "/hooks/{id}/recent-logs", recent_logs),
)
