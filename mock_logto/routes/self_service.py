"""`/register` and `/forgot-password`: the sign-in page's "create account", "forgot password".

What Logto's sign-in SPA does through the Experience API, as forms: sign-up with the sign-up
identifier (an email is verified with a code first when `signUp.verify` is set) and a password
under the policy, then the authorization resumes; a reset sends a code to the account's email
and sets the new password, then back to the sign-in page. Each page answers 404 unless the
sign-in experience enables it. Codes go to the capturing connector.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ..errors import ManagementApiError
from ..http import pages
from ..http import self_service_pages as forms
from ..http.body import form_params, read_body
from ..http.hooks import experience_data_event, interaction_event
from ..http.responses import redirect
from ..http.session import current_interaction
from ..models import User
from ..oidc.authorization import sign_in
from ..ops import password_policy, users
from ..passcodes import VerificationRecord
from ..runtime import Runtime, runtime_of
from ..store import Interaction, short_id_lower


def register_enabled(document: dict[str, Any]) -> bool:
    """Whether the sign-in experience lets users create accounts."""
    return bool(document.get("signInMode", "SignInAndRegister") != "SignIn")


def forgot_password_enabled(document: dict[str, Any]) -> bool:
    """Whether a forgot-password method is configured (email codes are what the page offers)."""
    return "EmailVerificationCode" in (document.get("forgotPasswordMethods") or [])


def _sign_up_identifier(document: dict[str, Any]) -> str:
    identifiers = document.get("signUp", {}).get("identifiers", [])
    return "email" if "email" in identifiers else "username"


class _TooLarge(Exception):
    """A form larger than any real one."""


def _too_large() -> Exception:
    return _TooLarge()


async def _form(request: Request) -> dict[str, str]:
    try:
        body = await read_body(request, _too_large)
    except _TooLarge:
        return {}
    return {k: v[-1] for k, v in form_params(body.decode(errors="replace")).items()}


def _context(request: Request) -> tuple[Runtime, Interaction | None]:
    rt = runtime_of(request)
    return rt, current_interaction(request, rt.store, rt.cookies)


def _refusal(exc: ManagementApiError) -> str:
    if exc.code == "password.rejected" and isinstance(exc.data, list):
        reasons = ", ".join(str(issue.get("code", "")) for issue in exc.data)
        return f"{exc.message} ({reasons})"
    return exc.message


async def register(request: Request) -> Response:
    """`GET|POST /register`: create an account, then resume the authorization."""
    rt, interaction = _context(request)
    document = rt.tenant.sign_in_experience
    if not register_enabled(document):
        return pages.page("Not found", "<h1>Not found</h1>", 404)
    if interaction is None:
        return pages.no_sign_in_page()
    identifier = _sign_up_identifier(document)
    if request.method == "GET":
        return forms.register_page(identifier)
    form = await _form(request)
    try:
        if form.get("step") == "code":
            return _register_code(request, rt, interaction, form.get("code", ""))
        value, password = form.get("identifier", ""), form.get("password", "")
        key = "primaryEmail" if identifier == "email" else "username"
        users.identifiers_free(rt.tenant, {key: value})
        password_policy.validate(document, password, None, {key: value})
    except ManagementApiError as exc:
        return forms.register_page(identifier, _refusal(exc), 422)
    interaction.profile = {key: value, "password": password}
    if identifier == "email" and document.get("signUp", {}).get("verify"):
        _send(rt, interaction, "Register", value)
        return forms.code_page("/register", value, with_password=False)
    return _create(request, rt, interaction)


def _send(rt: Runtime, interaction: Interaction, event: str, email: str) -> None:
    record = VerificationRecord(
        id=short_id_lower(),
        type="EmailVerificationCode",
        expires_at=interaction.expires_at,
        identifier={"type": "email", "value": email},
        template_type=event,
    )
    rt.passcodes.send(rt.tenant, record.id, event, "email", email, {"interactionEvent": event})
    interaction.records = {record.id: record}


def _pending(interaction: Interaction) -> VerificationRecord:
    [record] = interaction.records.values()
    assert isinstance(record, VerificationRecord)  # noqa: S101 - only _send stores them here
    return record


def _register_code(request: Request, rt: Runtime, interaction: Interaction, code: str) -> Response:
    if len(interaction.records) != 1:
        return forms.register_page(_sign_up_identifier(rt.tenant.sign_in_experience))
    record = _pending(interaction)
    email = (record.identifier or {}).get("value", "")
    try:
        rt.passcodes.verify(record.id, "Register", code, "email", email)
    except ManagementApiError as exc:
        return forms.code_page("/register", email, False, exc.message, 400)
    return _create(request, rt, interaction)


def _create(request: Request, rt: Runtime, interaction: Interaction) -> Response:
    profile = interaction.profile
    now = rt.clock() * 1000
    user = users.create(
        rt.tenant,
        User(
            id=short_id_lower(12),
            username=profile.get("username"),
            primary_email=profile.get("primaryEmail"),
            password=profile.get("password"),
            application_id=interaction.request.client_id,
            created_at=now,
            updated_at=now,
        ),
    )
    interaction.profile, interaction.records = {}, {}
    interaction.event = "Register"
    sign_in(interaction, user, rt.clock())
    interaction_event(request, rt, "PostRegister", interaction, user)
    experience_data_event(request, rt, "User.Created", interaction, user)
    return redirect(f"{rt.settings.base_url}/oidc/auth/{interaction.uid}")


async def forgot_password(request: Request) -> Response:
    """`GET|POST /forgot-password`: a code to the account's email, then a new password."""
    rt, interaction = _context(request)
    document = rt.tenant.sign_in_experience
    if not forgot_password_enabled(document):
        return pages.page("Not found", "<h1>Not found</h1>", 404)
    if interaction is None:
        return pages.no_sign_in_page()
    if request.method == "GET":
        return forms.forgot_password_page()
    form = await _form(request)
    if form.get("step") != "code" or len(interaction.records) != 1:
        email = form.get("identifier", "")
        _send(rt, interaction, "ForgotPassword", email)  # sent even to unknown addresses
        return forms.code_page("/forgot-password", email, with_password=True)
    record = _pending(interaction)
    email = (record.identifier or {}).get("value", "")
    user = users.find_by_identifier(rt.tenant, email, "email")
    try:  # the password first: a refused one leaves the code usable
        if user is not None:
            password_policy.validate(document, form.get("password", ""), user)
        rt.passcodes.verify(record.id, "ForgotPassword", form.get("code", ""), "email", email)
        if user is None:
            raise ManagementApiError(
                "user.user_not_exist", f"User with {email} does not exist.", status_code=404
            )
    except ManagementApiError as exc:
        return forms.code_page("/forgot-password", email, True, _refusal(exc), 400)
    users.set_password(user, form.get("password", ""))
    user.updated_at = rt.clock() * 1000
    interaction.records = {}
    interaction.event = "ForgotPassword"
    interaction_event(request, rt, "PostResetPassword", interaction, user)
    experience_data_event(request, rt, "User.Data.Updated", interaction, user)
    return redirect(f"{rt.settings.base_url}/sign-in")


def routes() -> list[BaseRoute]:
    """Routes at the root."""
    return [
        Route("/register", register, methods=["GET", "POST"], name="register"),
        Route("/forgot-password", forgot_password, methods=["GET", "POST"], name="forgot_password"),
    ]
