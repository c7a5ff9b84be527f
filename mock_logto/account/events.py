"""`User.Data.Updated` for the Account API (Logto's `appendDataHookContext` on the user router).

The payload is the route's context (`path` under `/api`, `method`, `status`, `params`,
`matchedRoute` as koa-router writes it) and the changed user as `data` (`userInfoSelectFields`).
"""

from __future__ import annotations

import re

from starlette.requests import Request

from ..http.hooks import appended_event, user_info
from ..models import User

#: Where the router puts the route template of the request (`/my-account/{verificationId}`).
ROUTE_KEY = "mock_logto.account_route"
_PARAM = re.compile(r"\{(\w+)\}")


def user_data_updated(request: Request, user: User, status: int) -> None:
    """Fire `User.Data.Updated` for a change the request made (call it last)."""
    route_path = request.scope.get(ROUTE_KEY) or request.url.path.removeprefix("/api")
    route = _PARAM.sub(r":\1", str(route_path))
    params = {k: str(v) for k, v in request.path_params.items()}
    appended_event(request, "User.Data.Updated", status, route, params, {"data": user_info(user)})
