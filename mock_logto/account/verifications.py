"""`/api/verifications`: the records that prove who the user is, or that they own an address.

Logto v1.37 core/routes/verification/index.ts. A password record is bound to the user and
verified at once; a verification-code record sends a code (captured, see
:mod:`mock_logto.passcodes`) and is verified by `…/verification-code/verify`. A code sent to
an address the user does not have yet (`BindNewIdentifier`) gives a record bound to no user:
it proves the new address, not the user. Records live 10 minutes; the record's id goes in the
`logto-verification-id` header of the routes that need a verified identity.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ..errors import ManagementApiError, invalid_input
from ..http.responses import JSONResponse
from ..http.sign_in_policy import password_attempt
from ..oidc.authorization import password_matches
from ..runtime import runtime_of
from ..webhooks import iso_time
from .common import (
    account_center,
    authenticate,
    identifier,
    json_body,
    record_not_found,
    string,
    user_of,
)

TEMPLATE_TYPES = ("BindMfa", "UserPermissionValidation")
CODE_RECORD_TYPES = {"email": "EmailVerificationCode", "phone": "PhoneVerificationCode"}


async def verify_password(request: Request) -> Response:
    """`POST /api/verifications/password` → 201 `{verificationRecordId, expiresAt}` or 422."""
    auth = authenticate(request)
    account_center(request)
    password = string(await json_body(request), "password", minimum=1)
    user = user_of(request, auth)
    matches = password_matches(user, password)
    # Logto's sentinel counts the attempt on the identifier `userId` (lockout: 400).
    password_attempt(request, "userId", user.id, failed=not matches)
    if not matches:
        raise ManagementApiError(
            "session.invalid_credentials",
            "Incorrect account or password. Please check your input.",
            status_code=422,
        )
    passcodes = runtime_of(request).passcodes
    record = passcodes.new_record(
        "Password",
        user.id,
        identifier={"type": "userId", "value": user.id},
        verified=True,
    )
    body = {"verificationRecordId": record.id, "expiresAt": iso_time(record.expires_at * 1000)}
    return JSONResponse(body, status_code=201)


async def send_code(request: Request) -> Response:
    """`POST /api/verifications/verification-code` → 201; the code goes to the capture."""
    auth = authenticate(request)
    account_center(request)
    data = await json_body(request)
    target = identifier(data)
    template = data.get("templateType")
    if template is not None and template not in TEMPLATE_TYPES:
        raise invalid_input(["templateType"], options=TEMPLATE_TYPES, value=template)
    user = user_of(request, auth)
    own = user.primary_email if target["type"] == "email" else user.primary_phone
    is_new = target["value"] != own
    template_type = "BindNewIdentifier" if is_new else (template or "UserPermissionValidation")
    passcodes = runtime_of(request).passcodes
    record = passcodes.new_record(
        CODE_RECORD_TYPES[target["type"]],
        None if is_new else user.id,
        identifier=target,
        template_type=template_type,
    )
    payload = _context(request, user.id)
    passcodes.send(
        runtime_of(request).tenant,
        record.id,
        template_type,
        target["type"],
        target["value"],
        payload,
    )
    body = {"verificationRecordId": record.id, "expiresAt": iso_time(record.expires_at * 1000)}
    return JSONResponse(body, status_code=201)


def _context(request: Request, user_id: str) -> dict[str, object]:
    """What Logto's `buildVerificationCodeContext` adds for the email template (the user)."""
    user = runtime_of(request).tenant.users[user_id]
    return {"user": {"id": user.id, "name": user.name, "username": user.username}}


async def verify_code(request: Request) -> Response:
    """`POST /api/verifications/verification-code/verify` → 200 `{verificationRecordId}`."""
    authenticate(request)
    account_center(request)
    data = await json_body(request)
    target = identifier(data)
    record_id = string(data, "verificationId")
    code = string(data, "code")
    passcodes = runtime_of(request).passcodes
    record = passcodes.active_record(record_id)
    if record is None or record.type != CODE_RECORD_TYPES[target["type"]]:
        raise record_not_found()
    passcodes.verify(record.id, record.template_type or "", code, target["type"], target["value"])
    record.verified = True
    return JSONResponse({"verificationRecordId": record.id})
