"""Logto's Experience API (`/api/experience`): how a user signs in without a browser.

Logto's sign-in page, its integration tests and headless clients use it
(golden/user-flow/A02–A05, F02–F06).
`PUT /api/experience` starts a SignIn, `POST /verification/password` checks a password and
returns a `verificationId`, `POST /identification` names the user by it, and `POST /submit`
answers `{"redirectTo": "<issuer>/auth/<uid>"}`. All of it rides on the interaction cookies
set by `/oidc/auth`. Register (a verified email/phone code plus the profile sign-up asks for),
ForgotPassword (a code, then `PUT /profile/password`) and TOTP or backup codes as the second
factor of a user who bound one are served too; codes go to the capturing connector
(:mod:`mock_logto.passcodes`). PostRegister and PostResetPassword fire as PostSignIn does.
A SignIn may also be verified by a one-time token (`POST /verification/one-time-token/verify`,
magic links): the user joins its `jitOrganizationIds` at submit, with their JIT roles.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from .. import totp
from ..errors import ManagementApiError, invalid_input
from ..http import audit_events
from ..http.body import json_object, read_body
from ..http.hooks import (
    context_free_event,
    experience_data_event,
    interaction_event,
    sign_in_event,
)
from ..http.responses import JSONResponse
from ..http.session import current_interaction
from ..http.sign_in_policy import password_attempt
from ..models import User
from ..oidc.authorization import password_matches, sign_in
from ..ops import (
    email_blocklist,
    one_time_tokens,
    organizations,
    password_policy,
    sign_in_experience,
    users,
)
from ..passcodes import VerificationRecord
from ..runtime import runtime_of
from ..store import Interaction, short_id, short_id_lower
from ..webhooks import iso_time

INTERACTION_EVENTS = ("SignIn", "Register", "ForgotPassword")
IDENTIFIER_TYPES = ("username", "email", "phone")


def _session_not_found() -> ManagementApiError:
    return ManagementApiError(
        "session.not_found",
        "Session not found. Please go back and sign in again.",
        status_code=400,
        extra={"error": "invalid_request", "error_description": "interaction session not found"},
    )


def _interaction(request: Request) -> Interaction:
    rt = runtime_of(request)
    interaction = current_interaction(request, rt.store, rt.cookies)
    if interaction is None:
        raise _session_not_found()
    return interaction


def _started(request: Request) -> Interaction:
    interaction = _interaction(request)
    if interaction.event is None:
        raise ManagementApiError(
            "session.interaction_not_found",
            "Interaction session not found. Please go back and start the session again.",
            status_code=404,
        )
    return interaction


def _too_large() -> Exception:
    return ManagementApiError(
        "guard.invalid_input", "The request body is invalid.", status_code=413
    )


async def _json_body(request: Request) -> dict[str, Any]:
    depth = runtime_of(request).settings.max_json_depth
    raw = await read_body(request, _too_large)
    return json_object(raw, request.headers.get("content-type"), depth)


def _string(data: dict[str, Any], *path: str) -> str:
    """A required string at `path`, else Logto's zod `guard.invalid_input`."""
    value: Any = data
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    if not isinstance(value, str):
        raise invalid_input(list(path), expected="string", value=value)
    return value


def _choice(data: dict[str, Any], options: tuple[str, ...], *path: str) -> str:
    value = _string(data, *path)
    if value not in options:
        raise invalid_input(list(path), options=options, value=value)
    return value


async def start(request: Request) -> Response:
    """`PUT /api/experience`: start (or restart) the interaction with an event."""
    interaction = _interaction(request)
    event = _choice(await _json_body(request), INTERACTION_EVENTS, "interactionEvent")
    interaction.event = event
    interaction.verifications.clear()
    interaction.records.clear()
    interaction.profile.clear()
    interaction.one_time_tokens.clear()
    interaction.jit_organization_ids = []
    interaction.identified_user_id = None
    return Response(status_code=204)


def _guarded_event(interaction: Interaction) -> str:
    """The event Logto's guard checks at identification (Logto checks none at `PUT`)."""
    return "SignIn" if interaction.event == "SignIn" else "ForgotPassword"


async def verify_password(request: Request) -> Response:
    """`POST /api/experience/verification/password`: 200 `{verificationId}` or 422."""
    interaction = _interaction(request)
    data = await _json_body(request)
    kind = _choice(data, IDENTIFIER_TYPES, "identifier", "type")
    value = _string(data, "identifier", "value")
    password = _string(data, "password")
    rt = runtime_of(request)
    identifier = {"type": kind, "value": value}
    try:
        user = _password_user(request, kind, value, password)
    except ManagementApiError as exc:
        error = {"message": exc.message, "code": exc.code}
        audit_events.password_verified(request, rt, interaction, identifier, error)
        raise
    audit_events.password_verified(request, rt, interaction, identifier, None)
    verification_id = short_id()
    interaction.verifications[verification_id] = user.id
    interaction.verified_identifiers[verification_id] = (kind, value)
    return JSONResponse({"verificationId": verification_id})


def _password_user(request: Request, kind: str, value: str, password: str) -> User:
    """The user the password verifies (the sentinel told of the attempt), else Logto's error."""
    user = users.find_by_identifier(runtime_of(request).tenant, value, kind)
    matches = user is not None and password_matches(user, password)
    password_attempt(request, kind, value, failed=not matches or user is None or user.is_suspended)
    if user is None or not matches:
        raise ManagementApiError(
            "session.invalid_credentials",
            "Incorrect account or password. Please check your input.",
            status_code=422,
        )
    if user.is_suspended:
        raise ManagementApiError("user.suspended", "This account is suspended.", status_code=401)
    return user


def _verification_not_found() -> ManagementApiError:
    return ManagementApiError(
        "session.verification_session_not_found",
        "The verification was not successful. Restart the verification flow and try again.",
        status_code=404,
    )


def _code_record(interaction: Interaction, verification_id: str) -> VerificationRecord:
    record = interaction.records.get(verification_id)
    if not isinstance(record, VerificationRecord) or record.identifier is None:
        raise _verification_not_found()
    if not record.verified:
        raise ManagementApiError(
            "session.verification_failed",
            "The verification was not successful. Restart the verification flow and try again.",
            status_code=400,
        )
    return record


async def verify_one_time_token(request: Request) -> Response:
    """`POST /api/experience/verification/one-time-token/verify`: the token is consumed."""
    interaction = _interaction(request)
    data = await _json_body(request)
    _choice(data, ("email",), "identifier", "type")
    email = _string(data, "identifier", "value")
    token = _string(data, "token")
    rt = runtime_of(request)
    verified = one_time_tokens.verify(rt.tenant, token, email, rt.clock.now_ms())
    verification_id = short_id()
    jit = verified.context.get("jitOrganizationIds") or []
    interaction.one_time_tokens[verification_id] = (email, [str(i) for i in jit])
    return JSONResponse({"verificationId": verification_id})


def _one_time_token_user(request: Request, interaction: Interaction, verification_id: str) -> str:
    """The user a verified one-time token names (by email), else Logto's 404."""
    email, jit = interaction.one_time_tokens[verification_id]
    user = users.find_by_identifier(runtime_of(request).tenant, email, "email")
    if user is None:
        # i18next interpolates the missing `identifier` as nothing; it goes to `data` instead.
        raise ManagementApiError(
            "user.user_not_exist",
            "User with  does not exist.",
            status_code=404,
            data={"identifier": {"type": "email", "value": email}},
        )
    if user.is_suspended:
        raise ManagementApiError("user.suspended", "This account is suspended.", status_code=401)
    interaction.jit_organization_ids = jit
    return user.id


async def identify(request: Request) -> Response:
    """`POST /api/experience/identification`: name the user (or create one, for Register)."""
    interaction = _started(request)
    data = await _json_body(request)
    verification_id = data.get("verificationId")
    if verification_id is not None and not isinstance(verification_id, str):
        raise invalid_input(["verificationId"], expected="string", value=verification_id)
    if interaction.event == "Register":
        return _register(request, interaction, verification_id)
    if verification_id is None:
        raise ManagementApiError(
            "guard.invalid_input",
            "The request body is invalid.",
            status_code=400,
            details="verificationId is missing",
        )
    user_id = interaction.verifications.get(verification_id)
    if user_id is None and verification_id in interaction.one_time_tokens:
        user_id = _one_time_token_user(request, interaction, verification_id)
    if user_id is None and verification_id in interaction.records:
        record = _code_record(interaction, verification_id)
        assert record.identifier is not None  # noqa: S101 - _code_record checked it
        value, kind = record.identifier["value"], record.identifier["type"]
        tenant = runtime_of(request).tenant
        sign_in_experience.guard_interaction_event(tenant, _guarded_event(interaction))
        _guard_code_method(tenant.sign_in_experience, interaction.event or "", kind)
        user = users.find_by_identifier(runtime_of(request).tenant, value, kind)
        if user is None:
            raise ManagementApiError(
                "user.user_not_exist",
                f"User with {value} does not exist.",
                status_code=404,
                data={"identifier": value},
            )
        if user.is_suspended:
            raise ManagementApiError(
                "user.suspended", "This account is suspended.", status_code=401
            )
        user_id = user.id
    if user_id is None:
        raise _verification_not_found()
    identifier = interaction.verified_identifiers.get(verification_id)
    if identifier is not None:  # a password: Logto's guardIdentificationMethod
        tenant = runtime_of(request).tenant
        sign_in_experience.guard_interaction_event(tenant, _guarded_event(interaction))
        sign_in_experience.guard_password_method(tenant, identifier[0])
    interaction.identified_user_id = user_id
    return Response(status_code=204)


def _guard_code_method(document: dict[str, Any], event: str, kind: str) -> None:
    """Logto's sign-in experience validator for a code: the method must be enabled.

    A code signs in only where a sign-in method of its kind allows codes, and resets a password
    only where `forgotPasswordMethods` names its kind.
    """
    if event == "SignIn":
        methods = document.get("signIn", {}).get("methods", [])
        if not any(m.get("identifier") == kind and m.get("verificationCode") for m in methods):
            raise ManagementApiError(
                "user.sign_in_method_not_enabled",
                "This sign-in method is not enabled.",
                status_code=422,
            )
        return
    methods = document.get("forgotPasswordMethods")
    wanted = "EmailVerificationCode" if kind == "email" else "PhoneVerificationCode"
    if methods is not None and wanted not in methods:
        raise ManagementApiError(
            "session.not_supported_for_forgot_password",
            "This operation is not supported for forgot password.",
            status_code=422,
        )


def _missing_profile(document: dict[str, Any], profile: dict[str, Any]) -> list[str]:
    """Logto's `getMissingUserProfile` for a new user, in its order.

    What the sign-up identifiers (and secondary identifiers) and `password` make mandatory:
    username, emailOrPhone (both email and phone listed), email, phone, password.
    """
    sign_up = document.get("signUp", {})
    wanted = set(sign_up.get("identifiers", []))
    wanted.update(i.get("identifier") for i in sign_up.get("secondaryIdentifiers") or [])
    if {"email", "phone"} <= wanted:
        wanted -= {"email", "phone"}
        wanted.add("emailOrPhone")
    has = {
        "username": "username" in profile,
        "emailOrPhone": "primaryEmail" in profile or "primaryPhone" in profile,
        "email": "primaryEmail" in profile,
        "phone": "primaryPhone" in profile,
    }
    missing = [key for key in ("username", "emailOrPhone", "email", "phone") if key in wanted]
    missing = [key for key in missing if not has[key]]
    if sign_up.get("password") and "password" not in profile:
        missing.append("password")
    return missing


def _register(request: Request, interaction: Interaction, verification_id: str | None) -> Response:
    """Logto's `createUser`: the verified identifier joins the profile; 201 once complete."""
    rt = runtime_of(request)
    if verification_id is not None:
        record = _code_record(interaction, verification_id)
        assert record.identifier is not None  # noqa: S101 - _code_record checked it
        if record.identifier["type"] == "email":  # guardEmailBlocklist
            email_blocklist.validate(rt.tenant.sign_in_experience, record.identifier["value"])
        key = "primaryEmail" if record.identifier["type"] == "email" else "primaryPhone"
        users.identifiers_free(rt.tenant, {key: record.identifier["value"]})
        interaction.profile[key] = record.identifier["value"]
    sign_in_experience.guard_interaction_event(rt.tenant, "Register")
    missing = _missing_profile(rt.tenant.sign_in_experience, interaction.profile)
    if missing:
        raise ManagementApiError(
            "user.missing_profile",
            "You need to provide additional info before signing-in.",
            status_code=422,
            data={"missingProfile": missing},
        )
    now = rt.clock() * 1000
    profile = interaction.profile
    user = users.create(
        rt.tenant,
        User(
            id=short_id_lower(12),
            username=profile.get("username"),
            primary_email=profile.get("primaryEmail"),
            primary_phone=profile.get("primaryPhone"),
            password=profile.get("password"),
            application_id=interaction.request.client_id,
            created_at=now,
            updated_at=now,
        ),
    )
    interaction.identified_user_id = user.id
    interaction.profile = {}
    experience_data_event(request, rt, "User.Created", interaction, user)
    # Logto's provisionOrganizations: the new user's email domain names JIT organizations.
    jit = [o.id for o in organizations.jit_organizations(rt.tenant, user.primary_email)]
    for joined in organizations.provision(rt.tenant, user.id, jit):
        context_free_event(request, "Organization.Membership.Updated", {"organizationId": joined})
    return Response(status_code=201)


async def send_code(request: Request) -> Response:
    """`POST /api/experience/verification/verification-code`: a captured code, its record."""
    interaction = _interaction(request)
    data = await _json_body(request)
    kind = _choice(data, ("email", "phone"), "identifier", "type")
    value = _string(data, "identifier", "value")
    event = _choice(data, INTERACTION_EVENTS, "interactionEvent")
    rt = runtime_of(request)
    if event == "Register" and kind == "email":  # Logto's pre-check before sending
        email_blocklist.validate(rt.tenant.sign_in_experience, value)
    record = VerificationRecord(
        id=short_id_lower(),
        type="EmailVerificationCode" if kind == "email" else "PhoneVerificationCode",
        expires_at=interaction.expires_at,
        identifier={"type": kind, "value": value},
        template_type=event,
    )
    rt.passcodes.send(rt.tenant, record.id, event, kind, value, {"interactionEvent": event})
    interaction.records[record.id] = record
    return JSONResponse({"verificationId": record.id})


async def verify_code(request: Request) -> Response:
    """`POST /api/experience/verification/verification-code/verify` `{identifier, …, code}`."""
    interaction = _interaction(request)
    data = await _json_body(request)
    kind = _choice(data, ("email", "phone"), "identifier", "type")
    value = _string(data, "identifier", "value")
    verification_id = _string(data, "verificationId")
    code = _string(data, "code")
    record = interaction.records.get(verification_id)
    wanted = "EmailVerificationCode" if kind == "email" else "PhoneVerificationCode"
    if not isinstance(record, VerificationRecord) or record.type != wanted:
        raise _verification_not_found()
    runtime_of(request).passcodes.verify(record.id, record.template_type or "", code, kind, value)
    record.verified = True
    return JSONResponse({"verificationId": record.id})


def _identified_user(request: Request, interaction: Interaction) -> User:
    user = runtime_of(request).tenant.users.get(interaction.identified_user_id or "")
    if user is None:
        raise ManagementApiError(
            "session.identifier_not_found",
            "User identifier not found. Please go back and sign in again.",
            status_code=404,
        )
    return user


async def verify_totp(request: Request) -> Response:
    """`POST /api/experience/verification/totp/verify` `{code}`: the user's TOTP, a 2nd factor."""
    interaction = _started(request)
    code = _string(await _json_body(request), "code")
    user = _identified_user(request, interaction)
    rt = runtime_of(request)
    keys = [v["key"] for v in user.mfa_verifications if v.get("type") == "Totp"]
    if not keys or not any(totp.check(key, code, rt.clock()) for key in keys):
        raise ManagementApiError(
            "session.mfa.invalid_totp_code", "Invalid TOTP code.", status_code=400
        )
    record = VerificationRecord(
        id=short_id_lower(), type="Totp", expires_at=interaction.expires_at, verified=True
    )
    interaction.records[record.id] = record
    return JSONResponse({"verificationId": record.id})


async def verify_backup_code(request: Request) -> Response:
    """`POST /api/experience/verification/backup-code/verify` `{code}` (used once)."""
    interaction = _started(request)
    code = _string(await _json_body(request), "code")
    user = _identified_user(request, interaction)
    rt = runtime_of(request)
    for verification in user.mfa_verifications:
        if verification.get("type") != "BackupCode":
            continue
        for entry in verification["codes"]:
            if entry["code"] == code and not entry.get("usedAt"):
                entry["usedAt"] = iso_time(rt.clock() * 1000)
                record = VerificationRecord(
                    id=short_id_lower(),
                    type="BackupCode",
                    expires_at=interaction.expires_at,
                    verified=True,
                )
                interaction.records[record.id] = record
                return JSONResponse({"verificationId": record.id})
    raise ManagementApiError(
        "session.mfa.invalid_backup_code", "Invalid backup code.", status_code=400
    )


def _forgot_password_only(interaction: Interaction, wanted: bool) -> None:
    if (interaction.event == "ForgotPassword") != wanted:
        raise ManagementApiError(
            "session.not_supported_for_forgot_password",
            "This operation is not supported for forgot password.",
            status_code=400,
        )


async def update_profile(request: Request) -> Response:
    """`POST /api/experience/profile` `{type: password|username|email|phone, …}` (204)."""
    interaction = _started(request)
    data = await _json_body(request)
    kind = _choice(data, ("password", "username", "email", "phone"), "type")
    _forgot_password_only(interaction, False)
    tenant = runtime_of(request).tenant
    if kind in ("email", "phone"):
        record = _code_record(interaction, _string(data, "verificationId"))
        assert record.identifier is not None  # noqa: S101 - _code_record checked it
        key = "primaryEmail" if kind == "email" else "primaryPhone"
        users.identifiers_free(tenant, {key: record.identifier["value"]})
        interaction.profile[key] = record.identifier["value"]
    elif kind == "username":
        username = _string(data, "value")
        users.identifiers_free(tenant, {"username": username})
        interaction.profile["username"] = username
    else:
        password = _string(data, "value")
        user = tenant.users.get(interaction.identified_user_id or "")
        password_policy.validate(tenant.sign_in_experience, password, user, interaction.profile)
        interaction.profile["password"] = password
    return Response(status_code=204)


async def reset_password(request: Request) -> Response:
    """`PUT /api/experience/profile/password` `{password}`: ForgotPassword's new password."""
    interaction = _started(request)
    password = _string(await _json_body(request), "password")
    _forgot_password_only(interaction, True)
    user = _identified_user(request, interaction)
    tenant = runtime_of(request).tenant
    password_policy.validate(tenant.sign_in_experience, password, user)
    interaction.profile["password"] = password
    return Response(status_code=204)


def _guard_mfa(request: Request, interaction: Interaction, user: User) -> None:
    """Logto's `guardMfaVerificationStatus`: a bound, enabled factor must be verified.

    A user with a factor the tenant enables must verify one in this interaction (403
    `session.mfa.require_mfa_verification`), unless they chose to skip MFA on sign-in.
    """
    document = runtime_of(request).tenant.sign_in_experience
    factors = document.get("mfa", {}).get("factors", [])
    bound = [v["type"] for v in user.mfa_verifications if v.get("type") in factors]
    if not bound or user.logto_config.get("mfa", {}).get("skipMfaOnSignIn"):
        return
    if any(
        isinstance(r, VerificationRecord) and r.verified and r.type in ("Totp", "BackupCode")
        for r in interaction.records.values()
    ):
        return
    raise ManagementApiError(
        "session.mfa.require_mfa_verification",
        "Mfa verification is required to sign in.",
        status_code=403,
        data={"availableFactors": list(dict.fromkeys(bound)), "maskedIdentifiers": {}},
    )


#: sortMfaFactors' order; BackupCode is never a configured factor of its own.
_FACTOR_ORDER = ("Totp", "WebAuthn", "EmailVerificationCode", "PhoneVerificationCode")


def _assert_mfa_fulfilled(request: Request, interaction: Interaction, user: User) -> None:
    """Logto's `assertUserMandatoryMfaFulfilled`: a prompt to bind MFA the policy asks for.

    With MFA factors enabled, a user without one of them answers 422 `user.missing_mfa`
    (`skippable` unless the policy is Mandatory; `POST /api/experience/profile/mfa-skipped`
    skips it once and for all), and with backup codes enabled, 422
    `session.mfa.backup_code_required` until the user has them.
    """
    mfa = runtime_of(request).tenant.sign_in_experience.get("mfa", {})
    factors, policy = mfa.get("factors", []), mfa.get("policy", "UserControlled")
    if not factors or policy == "NoPrompt":
        return
    skipped = interaction.profile.get("mfaSkipped") or user.logto_config.get("mfa", {}).get(
        "skipped"
    )
    if policy != "Mandatory" and skipped:
        return
    if interaction.event == "Register" and policy == "PromptOnlyAtSignIn":
        return
    configured = [f for f in _FACTOR_ORDER if f in factors]
    linked = {v.get("type") for v in user.mfa_verifications}
    if not any(f in linked for f in configured):
        data: dict[str, Any] = {"availableFactors": configured}
        if policy != "Mandatory":
            data["skippable"] = True
        raise ManagementApiError(
            "user.missing_mfa",
            "You need to bind additional MFA before signing-in.",
            status_code=422,
            data=data,
        )
    if "BackupCode" in factors and "BackupCode" not in linked:
        raise ManagementApiError(
            "session.mfa.backup_code_required", "Backup code is required.", status_code=422
        )


async def skip_mfa(request: Request) -> Response:
    """`POST /api/experience/profile/mfa/mfa-skipped` (204), unless MFA is Mandatory."""
    interaction = _started(request)
    _forgot_password_only(interaction, False)
    user = _identified_user(request, interaction)
    if interaction.event == "SignIn":
        _guard_mfa(request, interaction, user)
    policy = runtime_of(request).tenant.sign_in_experience.get("mfa", {}).get("policy")
    if policy == "Mandatory":
        raise ManagementApiError(
            "session.mfa.mfa_policy_not_user_controlled",
            "MFA policy is not user controlled.",
            status_code=422,
        )
    interaction.profile["mfaSkipped"] = True
    return Response(status_code=204)


def _record_json(record: VerificationRecord) -> dict[str, Any]:
    """A verification record's `toJson()` (Logto's record classes), secrets left out."""
    if record.type in ("EmailVerificationCode", "PhoneVerificationCode"):
        return {
            "id": record.id,
            "templateType": record.template_type,
            "verified": record.verified,
            "type": record.type,
            "identifier": record.identifier,
        }
    if record.type == "Totp":
        return {"id": record.id, "type": "Totp", "userId": record.user_id, "verified": True}
    return {"id": record.id, "type": record.type, "userId": record.user_id}


def last_submission(interaction: Interaction, user_id: str) -> dict[str, Any]:
    """What submit hands oidc-provider: `login` and `ExperienceInteraction.toJson()`.

    Password records first, then the others (the mock keeps them apart).
    """
    records = [
        {
            "id": verification_id,
            "type": "Password",
            "identifier": {"type": kind, "value": value},
            "verified": True,
        }
        for verification_id, (kind, value) in interaction.verified_identifiers.items()
    ]
    records.extend(_record_json(r) for r in interaction.records.values())
    return {
        "login": {"accountId": user_id},
        "interactionEvent": interaction.event or "SignIn",
        "userId": user_id,
        "profile": {},
        "mfa": {},
        "verificationRecords": records,
        "captcha": {"verified": False, "skipped": False},
    }


async def submit(request: Request) -> Response:
    """`POST /api/experience/submit`: finish; the client follows `redirectTo`."""
    interaction = _started(request)
    rt = runtime_of(request)
    user = _identified_user(request, interaction)
    if interaction.event == "ForgotPassword":
        password = interaction.profile.get("password")
        if password is None:
            raise ManagementApiError(
                "user.new_password_required_in_profile",
                "You need to set a new password.",
                status_code=422,
            )
        users.set_password(user, password)
        user.updated_at = rt.clock() * 1000
        interaction.profile = {}
        interaction_event(request, rt, "PostResetPassword", interaction, user)
        experience_data_event(request, rt, "User.Data.Updated", interaction, user)
        return PlainTextResponse("OK")
    if interaction.event == "SignIn":
        _guard_mfa(request, interaction, user)
    _assert_mfa_fulfilled(request, interaction, user)
    if interaction.profile.pop("mfaSkipped", False):
        user.logto_config = {**user.logto_config, "mfa": {"skipped": True}}
    for joined in organizations.provision(rt.tenant, user.id, interaction.jit_organization_ids):
        context_free_event(request, "Organization.Membership.Updated", {"organizationId": joined})
    sign_in(interaction, user, rt.clock())
    interaction.last_submission = last_submission(interaction, user.id)
    audit_events.submitted(request, rt, interaction, user.id)
    if interaction.event == "Register":
        interaction_event(request, rt, "PostRegister", interaction, user)
    else:
        sign_in_event(request, rt, interaction.uid, user, interaction.request.client_id)
    return JSONResponse({"redirectTo": f"{rt.settings.issuer}/auth/{interaction.uid}"})


def routes(prefix: str = "/api") -> list[BaseRoute]:
    """Routes under `prefix`."""
    return [
        Route(f"{prefix}/experience", start, methods=["PUT"], name="experience"),
        Route(
            f"{prefix}/experience/verification/password",
            verify_password,
            methods=["POST"],
            name="experience_password",
        ),
        Route(
            f"{prefix}/experience/identification",
            identify,
            methods=["POST"],
            name="experience_identify",
        ),
        Route(f"{prefix}/experience/submit", submit, methods=["POST"], name="experience_submit"),
        *[
            Route(f"{prefix}/experience{path}", handler, methods=[method])
            for method, path, handler in _MORE
        ],
    ]


#: The Register / ForgotPassword / verification-code / MFA routes (method, path, handler).
_MORE = (
    ("POST", "/verification/verification-code", send_code),
    ("POST", "/verification/one-time-token/verify", verify_one_time_token),
    ("POST", "/verification/verification-code/verify", verify_code),
    ("POST", "/verification/totp/verify", verify_totp),
    ("POST", "/verification/backup-code/verify", verify_backup_code),
    ("POST", "/profile", update_profile),
    ("PUT", "/profile/password", reset_password),
    ("POST", "/profile/mfa/mfa-skipped", skip_mfa),
)
