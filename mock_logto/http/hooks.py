"""The events a request fires, as Logto's hook payloads (delivered by `Runtime.webhooks`).

Management API writes (`management_event`, called after a successful handler; Logto's
`koa-management-api-hooks`) and sign-ins (`sign_in_event`, at the end of the request that
completes the interaction; Logto's interaction hooks). Each looks for receiving hooks first: a
tenant without hooks pays one dictionary check.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from ..management.shapes import user as user_shape
from ..models import User
from ..runtime import Runtime, runtime_of
from ..store import Interaction
from ..webhooks import iso_time


def user_info(user: User) -> dict[str, Any]:
    """Logto's `userInfoSelectFields` of a user (no `hasPassword`)."""
    return user_shape(user, has_password=False)


def _metadata(request: Request, rt: Runtime, event: str) -> dict[str, Any]:
    payload: dict[str, Any] = {"event": event, "createdAt": iso_time(rt.clock() * 1000)}
    user_agent = request.headers.get("user-agent")
    if user_agent is not None:
        payload["userAgent"] = user_agent
    payload["ip"] = request.client.host if request.client else ""
    return payload


def management_context(
    request: Request, status: int, route: str, params: dict[str, str]
) -> dict[str, Any]:
    """Logto's `buildManagementApiContext`: the path under `/api`, method, status, route."""
    return {
        "path": request.url.path.removeprefix("/api"),
        "method": request.method,
        "status": status,
        "params": params,
        "matchedRoute": route,
    }


def management_event(
    request: Request,
    response: Response,
    event: str,
    route: str,
    params: dict[str, str],
    *,
    before: User | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """Fire `event` for a successful Management API write.

    The payload's `data` is the answer's body, or `before` (the user a delete removed), or
    `extra` replaces it (`organizationId` of a membership change).
    """
    rt = runtime_of(request)
    hooks = rt.webhooks.receivers(rt.tenant, event)
    if not hooks:
        return
    payload = _metadata(request, rt, event)
    context = management_context(request, response.status_code, route, params)
    if before is not None:
        payload["data"] = user_info(before)
        payload.update(context)
    elif extra is not None:
        payload.update(context)
        payload.update(extra)
    else:
        payload.update(context)
        # koa's bare 201/204 have no body: `data` is left out, as `undefined` is.
        if (response.media_type or "").startswith("application/json") and response.body:
            payload["data"] = json.loads(bytes(response.body))
    rt.webhooks.trigger(hooks, payload)


def appended_event(
    request: Request,
    event: str,
    status: int,
    route: str,
    params: dict[str, str],
    fields: dict[str, Any],
) -> None:
    """Fire an event a handler appends itself (Logto's `ctx.appendDataHookContext`).

    The payload is the management context (with the answer's `status`), then `fields`.
    """
    rt = runtime_of(request)
    hooks = rt.webhooks.receivers(rt.tenant, event)
    if not hooks:
        return
    payload = _metadata(request, rt, event)
    payload.update(management_context(request, status, route, params))
    payload.update(fields)
    rt.webhooks.trigger(hooks, payload)


def context_free_event(request: Request, event: str, fields: dict[str, Any]) -> None:
    """Fire an event a handler appends without the management context.

    No `path`, `method`, `status`, `params`, `matchedRoute`: Logto's invitation acceptance and
    one-time-token JIT provisioning append only `organizationId`.
    """
    rt = runtime_of(request)
    hooks = rt.webhooks.receivers(rt.tenant, event)
    if not hooks:
        return
    payload = _metadata(request, rt, event)
    payload.update(fields)
    rt.webhooks.trigger(hooks, payload)


def user_data_event(request: Request, event: str, user: User) -> None:
    """Fire an event a handler appends with only `{user}` (no management context).

    `PATCH /users/:id/logto-configs` appends `User.Data.Updated` so: the payload is the
    metadata and the user as `data`.
    """
    rt = runtime_of(request)
    hooks = rt.webhooks.receivers(rt.tenant, event)
    if not hooks:
        return
    payload = _metadata(request, rt, event)
    payload["data"] = user_info(user)
    rt.webhooks.trigger(hooks, payload)


def sign_in_event(
    request: Request, rt: Runtime, session_id: str, user: User, client_id: str
) -> None:
    """Fire `PostSignIn` for a user who just signed in (Experience API, page or shortcut)."""
    hooks = rt.webhooks.receivers(rt.tenant, "PostSignIn")
    if not hooks:
        return
    payload: dict[str, Any] = {
        "event": "PostSignIn",
        "interactionEvent": "SignIn",
        "createdAt": iso_time(rt.clock() * 1000),
        "sessionId": session_id,
    }
    user_agent = request.headers.get("user-agent")
    if user_agent is not None:
        payload["userAgent"] = user_agent
    payload["userId"] = user.id
    payload["userIp"] = request.client.host if request.client else ""
    payload["user"] = user_info(user)
    # Logto's payload names the app signed in to as the user's `applicationId` (webhooks/73).
    payload["user"]["applicationId"] = client_id
    app = rt.tenant.applications.get(client_id)
    if app is not None:
        payload["application"] = {
            "id": app.id,
            "type": app.type,
            "name": app.name,
            "description": app.description,
        }
    rt.webhooks.trigger(hooks, payload)


#: The interaction event of each interaction hook event.
_INTERACTION_EVENTS = {"PostRegister": "Register", "PostResetPassword": "ForgotPassword"}


def interaction_event(
    request: Request, rt: Runtime, event: str, interaction: Interaction, user: User
) -> None:
    """Fire `PostRegister` or `PostResetPassword` (the interaction hook shape of `PostSignIn`)."""
    hooks = rt.webhooks.receivers(rt.tenant, event)
    if not hooks:
        return
    client_id = interaction.request.client_id
    payload: dict[str, Any] = {
        "event": event,
        "interactionEvent": _INTERACTION_EVENTS[event],
        "createdAt": iso_time(rt.clock() * 1000),
        "sessionId": interaction.uid,
    }
    user_agent = request.headers.get("user-agent")
    if user_agent is not None:
        payload["userAgent"] = user_agent
    payload["userId"] = user.id
    payload["userIp"] = request.client.host if request.client else ""
    payload["user"] = user_info(user)
    payload["user"]["applicationId"] = client_id
    app = rt.tenant.applications.get(client_id)
    if app is not None:
        payload["application"] = {
            "id": app.id,
            "type": app.type,
            "name": app.name,
            "description": app.description,
        }
    rt.webhooks.trigger(hooks, payload)


def experience_data_event(
    request: Request, rt: Runtime, event: str, interaction: Interaction, user: User
) -> None:
    """A data hook an interaction fires (`User.Created` at sign-up, `User.Data.Updated` at reset).

    Logto's experience metadata (interaction event, user agent, app, session, ip) comes before
    the app's summary and the user as `data`.
    """
    hooks = rt.webhooks.receivers(rt.tenant, event)
    if not hooks:
        return
    client_id = interaction.request.client_id
    payload: dict[str, Any] = {
        "event": event,
        "createdAt": iso_time(rt.clock() * 1000),
        "interactionEvent": interaction.event,
    }
    user_agent = request.headers.get("user-agent")
    if user_agent is not None:
        payload["userAgent"] = user_agent
    payload["applicationId"] = client_id
    payload["sessionId"] = interaction.uid
    payload["ip"] = request.client.host if request.client else ""
    app = rt.tenant.applications.get(client_id)
    if app is not None:
        payload["application"] = {
            "id": app.id,
            "type": app.type,
            "name": app.name,
            "description": app.description,
        }
    payload["data"] = user_info(user)
    rt.webhooks.trigger(hooks, payload)


def exception_event(request: Request, event: str, fields: dict[str, Any]) -> None:
    """Fire an exception hook (Logto's `ctx.appendExceptionHookContext`, e.g. a lockout)."""
    rt = runtime_of(request)
    hooks = rt.webhooks.receivers(rt.tenant, event)
    if not hooks:
        return
    payload = _metadata(request, rt, event)
    payload.update(fields)
    rt.webhooks.trigger(hooks, payload)
