"""`/api/verification-codes`: send a code to an address and verify it (Management API).

Logto v1.37 core/routes/verification-code.ts: the generic flow (template `Generic`, no
interaction), used by back ends that verify an address themselves. The code goes to the
capturing connector (:mod:`mock_logto.passcodes`) instead of an email or SMS.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from ..errors import ManagementApiError, invalid_input
from ..runtime import runtime_of
from .common import Handler, json_body, no_content

TEMPLATE = "Generic"


def _address(data: dict[str, Any]) -> tuple[str, str]:
    """`{email}` or `{phone}` (Logto's union guard: one of the two, a string)."""
    for key in ("email", "phone"):
        value = data.get(key)
        if isinstance(value, str):
            return key, value
    raise ManagementApiError(
        "guard.invalid_input",
        "The request body is invalid.",
        status_code=400,
        data={
            "issues": [
                {
                    "code": "invalid_union",
                    "unionErrors": [],
                    "path": [],
                    "message": "Invalid input",
                }
            ],
            "name": "ZodError",
        },
        details='Error in key path "": (invalid_union) Invalid input',
    )


async def send_code(request: Request) -> Response:
    """`POST /api/verification-codes` `{email}|{phone}` (204)."""
    kind, address = _address(await json_body(request))
    rt = runtime_of(request)
    rt.passcodes.send(rt.tenant, None, TEMPLATE, kind, address)
    return no_content()


async def verify_code(request: Request) -> Response:
    """`POST /api/verification-codes/verify` `{email|phone, verificationCode}` (204 or 400)."""
    data = await json_body(request)
    kind, address = _address(data)
    code = data.get("verificationCode")
    if not isinstance(code, str):
        raise invalid_input(["verificationCode"], expected="string", value=code)
    runtime_of(request).passcodes.verify(None, TEMPLATE, code, kind, address)
    return no_content()


#: (method, path under /api, handler): the routes of this module, in matching order.
ROUTES: tuple[tuple[str, str, Handler], ...] = (
    ("POST", "/verification-codes", send_code),
    ("POST", "/verification-codes/verify", verify_code),
)
