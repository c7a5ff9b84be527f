"""`/api/my-account/mfa-verifications`: TOTP and backup codes the user binds and removes.

Logto v1.37 core/routes/account/mfa-verifications.ts. Secrets and codes are generated as Logto
generates them (a 32-character base32 TOTP secret; ten 10-character hex backup codes) and are
verifiable: the Experience API accepts them as a second factor (:mod:`mock_logto.totp`). WebAuthn
needs a browser's authenticator and is refused as Logto refuses an unknown record.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from .. import totp
from ..errors import ManagementApiError, invalid_input
from ..http.responses import JSONResponse
from ..runtime import runtime_of
from ..store import short_id_lower
from ..webhooks import iso_time
from .common import (
    Auth,
    account_center,
    authenticate,
    json_body,
    not_editable,
    not_enabled,
    permission_denied,
    readable,
    record_not_found,
    string,
    unauthorized,
    user_of,
)
from .events import user_data_updated

FACTORS = ("Totp", "WebAuthn", "BackupCode")
BACKUP_CODE = re.compile(r"^[\da-f]{10}$", re.IGNORECASE)


def _identities(auth: Auth) -> None:
    if "identities" not in auth.scopes:
        raise unauthorized(401)


def _unprocessable(code: str, message: str) -> ManagementApiError:
    return ManagementApiError(code, message, status_code=422)


def response_of(verification: dict[str, Any]) -> dict[str, Any]:
    """Logto's `transpileUserMfaVerifications` of one verification."""
    body = {k: verification[k] for k in ("id", "createdAt", "type")}
    if verification["type"] == "BackupCode":
        body["remainCodes"] = sum(1 for c in verification["codes"] if not c.get("usedAt"))
    return body


async def list_verifications(request: Request) -> Response:
    """`GET /api/my-account/mfa-verifications`."""
    auth = authenticate(request)
    fields = account_center(request)
    if not readable(fields, "mfa"):
        raise not_enabled()
    _identities(auth)
    user = user_of(request, auth)
    return JSONResponse([response_of(v) for v in user.mfa_verifications])


def _bind_body(data: dict[str, Any]) -> dict[str, Any]:
    kind = data.get("type")
    if kind not in FACTORS:
        raise ManagementApiError(
            "guard.invalid_input",
            "The request body is invalid.",
            status_code=400,
            data={
                "issues": [
                    {
                        "code": "invalid_union_discriminator",
                        "options": list(FACTORS),
                        "path": ["type"],
                        "message": "Invalid discriminator value. Expected 'Totp' | 'WebAuthn' | "
                        "'BackupCode'",
                    }
                ],
                "name": "ZodError",
            },
            details='Error in key path "type": (invalid_union_discriminator) Invalid '
            "discriminator value. Expected 'Totp' | 'WebAuthn' | 'BackupCode'",
        )
    if kind == "Totp":
        string(data, "secret")
        if "code" in data and data["code"] is not None:
            string(data, "code")
    elif kind == "BackupCode":
        codes = data.get("codes")
        if not isinstance(codes, list):
            raise invalid_input(["codes"], expected="array", value=codes)
        for index, code in enumerate(codes):
            if not isinstance(code, str):
                raise invalid_input(["codes", index], expected="string", value=code)
    else:
        string(data, "newIdentifierVerificationRecordId")
    return data


async def bind(request: Request) -> Response:
    """`POST /api/my-account/mfa-verifications` `{type: Totp|BackupCode|WebAuthn, …}` (204)."""
    auth = authenticate(request)
    fields = account_center(request)
    data = _bind_body(await json_body(request))
    if not auth.identity_verified:
        raise permission_denied()
    if fields.get("mfa") != "Edit":
        raise not_editable()
    _identities(auth)
    rt = runtime_of(request)
    user = user_of(request, auth)
    factors = rt.tenant.sign_in_experience.get("mfa", {}).get("factors", [])
    if data["type"] not in factors:
        raise ManagementApiError(
            "session.mfa.mfa_factor_not_enabled", "MFA factor is not enabled.", status_code=400
        )
    verifications = user.mfa_verifications
    created = {"id": short_id_lower(), "createdAt": iso_time(rt.clock() * 1000)}
    if data["type"] == "Totp":
        secret, code = data["secret"], data.get("code")
        if any(v["type"] == "Totp" for v in verifications):
            raise _unprocessable("user.totp_already_in_use", "TOTP is already in use.")
        if not totp.valid_secret(secret):
            raise ManagementApiError(
                "user.totp_secret_invalid", "Invalid TOTP secret supplied.", status_code=400
            )
        if code and not totp.check(secret, code, rt.clock()):
            raise ManagementApiError(
                "session.mfa.invalid_totp_code", "Invalid TOTP code.", status_code=400
            )
        user.mfa_verifications = [*verifications, {**created, "type": "Totp", "key": secret}]
    elif data["type"] == "BackupCode":
        if any(
            v["type"] == "BackupCode" and not all(c.get("usedAt") for c in v["codes"])
            for v in verifications
        ):
            raise _unprocessable(
                "user.backup_code_already_in_use", "Backup code is already in use."
            )
        if not any(v["type"] != "BackupCode" for v in verifications):
            raise _unprocessable(
                "session.mfa.backup_code_can_not_be_alone", "Backup code can not be the only MFA."
            )
        codes = data["codes"]
        if len(codes) != 10 or not all(BACKUP_CODE.match(c) for c in codes):
            raise _unprocessable("user.wrong_backup_code_format", "Backup code format is invalid.")
        entry = {**created, "type": "BackupCode", "codes": [{"code": c} for c in codes]}
        user.mfa_verifications = [*verifications, entry]
    else:
        raise record_not_found()
    user.updated_at = rt.clock() * 1000
    user_data_updated(request, user, 204)
    return Response(status_code=204)


async def generate_totp_secret(request: Request) -> Response:
    """`POST /api/my-account/mfa-verifications/totp-secret/generate` → `{secret}`."""
    authenticate(request)
    account_center(request)
    return JSONResponse({"secret": totp.generate_secret()})


async def generate_backup_codes(request: Request) -> Response:
    """`POST /api/my-account/mfa-verifications/backup-codes/generate` → `{codes}` (ten)."""
    authenticate(request)
    account_center(request)
    codes = ["".join(secrets.choice("0123456789abcdef") for _ in range(10)) for _ in range(10)]
    return JSONResponse({"codes": codes})


async def get_backup_codes(request: Request) -> Response:
    """`GET /api/my-account/mfa-verifications/backup-codes` (a verified identity)."""
    auth = authenticate(request)
    account_center(request)
    if not auth.identity_verified:
        raise permission_denied()
    _identities(auth)
    user = user_of(request, auth)
    found = next((v for v in user.mfa_verifications if v["type"] == "BackupCode"), None)
    if found is None:
        raise record_not_found(404)
    # `usedAt` is left out until used (`undefined` in Logto's answer).
    codes = [{k: c[k] for k in ("code", "usedAt") if c.get(k)} for c in found["codes"]]
    return JSONResponse({"codes": codes})


async def rename(request: Request) -> Response:
    """`PATCH /api/my-account/mfa-verifications/:verificationId/name` (WebAuthn only)."""
    auth = authenticate(request)
    fields = account_center(request)
    string(await json_body(request), "name")
    if not auth.identity_verified:
        raise permission_denied()
    if fields.get("mfa") != "Edit":
        raise not_editable()
    _identities(auth)
    raise record_not_found()  # only WebAuthn verifications have names; none can be bound here


async def delete(request: Request) -> Response:
    """`DELETE /api/my-account/mfa-verifications/:verificationId` (204)."""
    auth = authenticate(request)
    fields = account_center(request)
    if not auth.identity_verified:
        raise permission_denied()
    if fields.get("mfa") != "Edit":
        raise not_editable()
    _identities(auth)
    user = user_of(request, auth)
    wanted = request.path_params["verificationId"]
    if not any(v["id"] == wanted for v in user.mfa_verifications):
        raise record_not_found()
    user.mfa_verifications = [v for v in user.mfa_verifications if v["id"] != wanted]
    user.updated_at = runtime_of(request).clock() * 1000
    user_data_updated(request, user, 204)
    return Response(status_code=204)
