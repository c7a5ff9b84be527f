"""`/api/logs` and `/api/dashboard/**`: audit logs of what this server did, and its counts.

Logto: routes/log.ts (the audit prefixes, `userId`, `applicationId`, `logKey` filters,
newest first, paginated) and routes/dashboard.ts (total users; new users of today and the last
7 days with their deltas; daily, weekly and monthly active users). Active users are those a
user token was issued to (Logto records them when an access token is issued), read from the
audit log; dates are UTC days.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from .. import audit, zod
from ..errors import EntityNotFound
from ..http.responses import JSONResponse
from ..runtime import Runtime, runtime_of
from ..zod import Obj, Str
from .common import Handler
from .pagination import paginated

_LIST_QUERY = Obj(
    {"userId": Str().optional(), "applicationId": Str().optional(), "logKey": Str().optional()}
)
_DATE = re.compile(r"^\d{4}(-\d{2}){2}")
_DAY_MS = 86_400_000


def _context(rt: Runtime) -> audit.Context:
    tenant = rt.tenant

    def secret_name(app_id: str, secret: str) -> str | None:
        app = tenant.applications.get(app_id)
        for item in app.secrets if app else []:
            if hmac.compare_digest(item.value.encode(), secret.encode()):
                return item.name
        return None

    def opaque_account(value: str) -> str | None:
        token = rt.store.access_token(value) if value else None
        return token.account_id if token else None

    return audit.Context(
        tenant_id=tenant.id,
        secret_name=secret_name,
        known_app=lambda app_id: app_id in tenant.applications,
        opaque_account=opaque_account,
    )


def entries(rt: Runtime) -> list[dict[str, Any]]:
    """Every recorded entry as Logto's log, newest first."""
    return rt.audit.read(_context(rt))


async def list_logs(request: Request) -> Response:
    """`GET /api/logs`: audit logs only (no webhook logs), filtered, newest first."""
    rt = runtime_of(request)
    query = zod.parse(_LIST_QUERY, dict(request.query_params), "query")
    return paginated(request, audit.listed(entries(rt), query))


async def get_log(request: Request) -> Response:
    """`GET /api/logs/{id}`: any log by id, else 404 `entity.not_exists_with_id` (logs)."""
    rt = runtime_of(request)
    log_id = request.path_params["id"]
    for entry in entries(rt):
        if entry["id"] == log_id:
            return JSONResponse(entry)
    for hook_log in rt.webhooks.all_logs():  # a webhook's log is a log row too
        if hook_log.id == log_id:
            return JSONResponse({"tenantId": rt.tenant.id, **hook_log.to_dict()})
    raise EntityNotFound("logs", log_id)


async def total_users(request: Request) -> Response:
    """`GET /api/dashboard/users/total`."""
    return JSONResponse({"totalUserCount": len(runtime_of(request).tenant.users)})


def _day(ms: int) -> dt.date:
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).date()


async def new_users(request: Request) -> Response:
    """`GET /api/dashboard/users/new`: users created today and in the last 7 days, with deltas."""
    rt = runtime_of(request)
    today = _day(rt.clock() * 1000)
    per_day: dict[dt.date, int] = {}
    for user in rt.tenant.users.values():
        day = _day(user.created_at)
        per_day[day] = per_day.get(day, 0) + 1

    def count(days_ago: int) -> int:
        return per_day.get(today - dt.timedelta(days=days_ago), 0)

    last_7 = sum(count(i) for i in range(7))
    before = sum(count(i + 7) for i in range(7))
    return JSONResponse(
        {
            "today": {"count": count(0), "delta": count(0) - count(1)},
            "last7Days": {"count": last_7, "delta": last_7 - before},
        }
    )


def active_users(rt: Runtime) -> dict[dt.date, set[str]]:
    """The users a user token was issued to, by UTC day (from the audit log)."""
    days: dict[dt.date, set[str]] = {}
    for entry in entries(rt):
        payload = entry["payload"]
        user_id = payload.get("userId")
        if (
            entry["key"].startswith("ExchangeTokenBy.")
            and payload.get("result") == "Success"
            and user_id
            and "AccessToken" in payload.get("tokenTypes", ())
        ):
            days.setdefault(_day(entry["createdAt"]), set()).add(user_id)
    return days


async def active(request: Request) -> Response:
    """`GET /api/dashboard/users/active?date=`: DAU curve of 30 days, DAU, WAU, MAU."""
    query = zod.parse(
        Obj({"date": Str(regex=_DATE).optional()}), dict(request.query_params), "query"
    )
    rt = runtime_of(request)
    target = _target_day(query.get("date"), rt)
    days = active_users(rt)

    def distinct(first_days_ago: int, last_days_ago: int) -> int:
        """Users active in (target - first, target - last] days."""
        users: set[str] = set()
        for offset in range(last_days_ago, first_days_ago):
            users |= days.get(target - dt.timedelta(days=offset), set())
        return len(users)

    def dau(days_ago: int) -> int:
        return len(days.get(target - dt.timedelta(days=days_ago), set()))

    curve = [
        {"date": (target - dt.timedelta(days=29 - i)).isoformat(), "count": dau(29 - i)}
        for i in range(30)
    ]
    wau, previous_wau = distinct(7, 0), distinct(14, 7)
    mau, previous_mau = distinct(30, 0), distinct(60, 30)
    return JSONResponse(
        {
            "dauCurve": curve,
            "dau": {"count": dau(0), "delta": dau(0) - dau(1)},
            "wau": {"count": wau, "delta": wau - previous_wau},
            "mau": {"count": mau, "delta": mau - previous_mau},
        }
    )


def _target_day(date: str | None, rt: Runtime) -> dt.date:
    """`new Date(date)` (a date alone is UTC midnight), else today."""
    if date:
        try:
            return dt.date.fromisoformat(date[:10])
        except ValueError:
            pass
    return _day(rt.clock() * 1000)


#: (method, path under /api, handler): the routes of this module, in matching order.
ROUTES: tuple[tuple[str, str, Handler], ...] = (
    ("GET", "/logs", list_logs),
    ("GET", "/logs/{id}", get_log),
    ("GET", "/dashboard/users/total", total_users),
    ("GET", "/dashboard/users/new", new_users),
    ("GET", "/dashboard/users/active", active),
)
