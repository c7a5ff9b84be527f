"""Logto's Experience API (`/api/experience`): how a user signs in without a browser.

Logto's sign-in page, its integration tests and headless clients use it
(golden/user-flow/A02–A05, F02–F06).
`PUT /api/experience` starts a SignIn, `POST /verification/password` checks a password and
returns a `verificationId`, `POST /identification` names the user by it, and `POST /submit`
answers `{"redirectTo": "<issuer>/auth/<uid>"}`. All of it rides on the interaction cookies
set by `/oidc/auth`. Only the SignIn event is served, verified by password or by a one-time token
(`POST /verification/one-time-token/verify`, magic links), whose `jitOrganizationIds` the user
joins at submit, with those organizations' JIT roles.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ..errors import ManagementApiError, invalid_input
from ..http import audit_events
from ..http.body import json_object, read_body
from ..http.hooks import context_free_event, sign_in_event
from ..http.responses import JSONResponse
from ..http.session import current_interaction
from ..http.sign_in_policy import password_attempt
from ..models import User
from ..oidc.authorization import password_matches, sign_in
from ..ops import one_time_tokens, organizations, sign_in_experience, users
from ..runtime import runtime_of
from ..store import Interaction, short_id

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
    if event != "SignIn":
        raise ManagementApiError(
            "mock.not_implemented",
            f"mock-logto serves only the SignIn interaction event, not {event}.",
            status_code=501,
        )
    sign_in_experience.guard_interaction_event(runtime_of(request).tenant, event)
    interaction.event = event
    interaction.verifications.clear()
    interaction.one_time_tokens.clear()
    interaction.jit_organization_ids = []
    interaction.identified_user_id = None
    return Response(status_code=204)


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
    """`POST /api/experience/identification`: name the user by a verification record."""
    interaction = _started(request)
    verification_id = _string(await _json_body(request), "verificationId")
    user_id = interaction.verifications.get(verification_id)
    if user_id is None and verification_id in interaction.one_time_tokens:
        user_id = _one_time_token_user(request, interaction, verification_id)
    if user_id is None:
        raise ManagementApiError(
            "session.verification_session_not_found",
            "The verification was not successful. Restart the verification flow and try again.",
            status_code=404,
        )
    tenant = runtime_of(request).tenant
    sign_in_experience.guard_interaction_event(tenant, interaction.event or "SignIn")
    identifier = interaction.verified_identifiers.get(verification_id)
    if identifier is not None:
        sign_in_experience.guard_password_method(tenant, identifier[0])
    interaction.identified_user_id = user_id
    return Response(status_code=204)


async def submit(request: Request) -> Response:
    """`POST /api/experience/submit`: finish; the client follows `redirectTo`."""
    interaction = _started(request)
    rt = runtime_of(request)
    user = rt.tenant.users.get(interaction.identified_user_id or "")
    if user is None:
        raise ManagementApiError(
            "session.identifier_not_found",
            "User identifier not found. Please go back and sign in again.",
            status_code=404,
        )
    for joined in organizations.provision(rt.tenant, user.id, interaction.jit_organization_ids):
        context_free_event(request, "Organization.Membership.Updated", {"organizationId": joined})
    sign_in(interaction, user, rt.clock())
    audit_events.submitted(request, rt, interaction, user.id)
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
            f"{prefix}/experience/verification/one-time-token/verify",
            verify_one_time_token,
            methods=["POST"],
            name="experience_one_time_token",
        ),
        Route(
            f"{prefix}/experience/identification",
            identify,
            methods=["POST"],
            name="experience_identify",
        ),
        Route(f"{prefix}/experience/submit", submit, methods=["POST"], name="experience_submit"),
    ]
