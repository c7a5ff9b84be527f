"""`POST /api/sign-in-exp/default/check-password`: a password against the tenant's policy.

Logto v1.37 core/routes/sign-in-experience/index.ts: 200 `{result: true}`, or 400
`{result: false, issues}`. Without `userId`, a policy rejecting user information cannot be
checked: core-kit throws, and Logto answers 400 `request.invalid_input` with the message.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ..errors import ManagementApiError, invalid_input
from ..http.responses import JSONResponse
from ..ops import password_policy, users
from .common import Handler, json_body, tenant_of

_NO_USER_INFO = "User information data is required to check user information."


async def check_password(request: Request) -> Response:
    """`POST /api/sign-in-exp/default/check-password` `{password, userId?}`."""
    data = await json_body(request)
    password = password_policy.password_body(data)
    user_id = data.get("userId")
    if user_id is not None and not isinstance(user_id, str):
        raise invalid_input(["userId"], expected="string", value=user_id)
    tenant = tenant_of(request)
    user = users.get(tenant, user_id) if user_id else None
    policy = password_policy.policy_of(tenant.sign_in_experience)
    if user is None and policy["rejects"]["userInfo"] and password:
        raise ManagementApiError(
            "request.invalid_input",
            "Input is invalid. {{details}}",
            status_code=400,
            data={"message": _NO_USER_INFO},
        )
    info = password_policy.user_info(user) if user is not None else {}
    issues = password_policy.check(password, policy, info)
    if issues:
        return JSONResponse({"result": False, "issues": issues}, status_code=400)
    return JSONResponse({"result": True})


#: (method, path under /api, handler): the routes of this module, in matching order.
ROUTES: tuple[tuple[str, str, Handler], ...] = (
    ("POST", "/sign-in-exp/default/check-password", check_password),
)
