"""Signing a user in: `/oidc/auth`, its resume URL, Logto's `/consent` and a `/sign-in` page.

The redirects and cookies are Logto's (golden/user-flow/A01–A08): `/oidc/auth` starts an
interaction and sends the browser to `/sign-in?app_id=…`; once a user is signed in (this page,
the Experience API, or a shortcut) the browser resumes at `/oidc/auth/<uid>`, goes through
`/consent` (first-party apps consent automatically) and lands on the redirect URI with a code.

Shortcuts for tests: `login_hint=<username or email>` of a fixture user, or the `auto_sign_in`
setting, skip the page and answer with the code at once.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ..errors import InvalidRequestError, ManagementApiError
from ..http import audit_events, pages, self_service_pages, sign_in_policy
from ..http.body import form_params, read_body
from ..http.hooks import sign_in_event
from ..http.responses import JSONResponse, redirect, tagged
from ..http.session import (
    clear_resume_cookie,
    current_interaction,
    current_session,
    resumed_uid,
    set_interaction_cookies,
    set_session_cookie,
)
from ..http.uris import redirect_url
from ..models import User
from ..oidc.authorization import (
    AuthorizationError,
    code_redirect,
    consent,
    issue_code,
    parse_authorization_request,
    sign_in,
)
from ..oidc.params import Params
from ..ops import users
from ..ops.built_in import find_client
from ..runtime import Runtime, runtime_of
from ..store import Interaction


def _error_response(exc: AuthorizationError, issuer: str) -> Response:
    """Redirect the error to the client when allowed, else Logto's JSON error page."""
    error = exc.error
    if exc.redirect is not None:
        values = {"error": error.error, "error_description": error.error_description}
        if error.scope is not None:
            values["scope"] = error.scope
        if exc.redirect.state is not None:
            values["state"] = exc.redirect.state
        values["iss"] = issuer
        url = redirect_url(exc.redirect.redirect_uri, exc.redirect.response_mode, values)
        return tagged(redirect(url))
    body = error.to_dict()
    if exc.state is not None:
        body["state"] = exc.state
    body["iss"] = issuer
    return tagged(JSONResponse(body, status_code=error.status))


def _too_large() -> Exception:
    return InvalidRequestError("failed to parse the request body")


async def _authorization_params(request: Request) -> Params:
    """The query's parameters, or a POSTed form's (empty values dropped)."""
    if request.method == "POST":
        body = await read_body(request, _too_large)
        return form_params(body.decode(errors="replace"))
    return form_params(request.url.query)


async def authorize(request: Request) -> Response:
    """`GET|POST /oidc/auth`: validate, then sign in (or skip to the code)."""
    rt = runtime_of(request)
    params = await _authorization_params(request)
    try:
        _, auth_request = parse_authorization_request(params, rt.tenant, rt.settings.issuer)
    except AuthorizationError as exc:
        return _error_response(exc, rt.settings.issuer)

    hinted = _shortcut_user(rt, auth_request.login_hint)
    session = current_session(request, rt.store, rt.cookies)
    if session is not None and (not session.account_id or "login" in auth_request.prompts):
        session = None
    interaction = rt.store.new_interaction(auth_request, session.id if session else None)
    if session is not None:
        interaction.prompt = "consent"
    audit_events.interaction_started(
        request, rt, interaction, _flat(params), session.account_id if session else None
    )
    if hinted is not None:
        audit_events.interaction_ended(request, rt, interaction, hinted.id)
        response = _finish(rt, interaction, hinted)
        sign_in_event(request, rt, interaction.uid, hinted, auth_request.client_id)
        return response
    if session is not None:
        interaction.account_id = session.account_id
        interaction.prompt = "consent"
        response = tagged(redirect(f"/consent?app_id={auth_request.client_id}"))
    else:
        response = tagged(redirect(f"/sign-in?app_id={auth_request.client_id}"))
    set_interaction_cookies(response, rt.cookies, interaction)
    return response


def _flat(params: Params) -> dict[str, Any]:
    """The authorization parameters as oidc-provider holds them (one value each)."""
    return {k: v[0] if len(v) == 1 else list(v) for k, v in params.items() if v}


def _request_params(interaction: Interaction) -> dict[str, Any]:
    """The parameters of the authorization request an interaction continues."""
    auth = interaction.request
    values: dict[str, Any] = {
        "nonce": auth.nonce,
        "scope": " ".join(auth.scopes),
        "state": auth.state,
        "prompt": " ".join(sorted(auth.prompts)) or None,
        "client_id": auth.client_id,
        "redirect_uri": auth.redirect_uri,
        "response_type": "code",
        "code_challenge": auth.code_challenge,
        "code_challenge_method": auth.code_challenge_method,
    }
    return {k: v for k, v in values.items() if v is not None}


def _shortcut_user(rt: Runtime, login_hint: str | None) -> User | None:
    """The user to sign in without a page: a `login_hint` naming one, or `auto_sign_in`."""
    if login_hint:
        user = users.find_by_identifier(rt.tenant, login_hint)
        if user is not None and not user.is_suspended:
            return user
    return rt.auto_sign_in


def _finish(rt: Runtime, interaction: Interaction, user: User) -> Response:
    """Sign `user` in, consent, and send the code to the client (the shortcut)."""
    now = rt.clock()
    user.updated_at = user.last_sign_in_at = now * 1000
    session = rt.store.new_session(user.id)
    grant = consent(rt.store, rt.tenant, user, interaction.request)
    code = issue_code(rt.store, grant, interaction.request, now)
    rt.store.interactions.pop(interaction.uid, None)
    response = tagged(redirect(code_redirect(interaction.request, code.value, rt.settings.issuer)))
    set_session_cookie(response, rt.cookies, session.id, now)
    return response


def _resumable(request: Request, rt: Runtime) -> tuple[Interaction, User]:
    """The signed-in interaction the resume cookie names, and its user."""
    uid = request.path_params["uid"]
    if resumed_uid(request, rt.cookies) != uid:
        raise InvalidRequestError("authorization request has expired", status_code=400)
    interaction = rt.store.interaction(uid)
    if interaction is None or interaction.account_id is None:
        raise InvalidRequestError("interaction session not found", status_code=400)
    user = rt.tenant.users.get(interaction.account_id)
    if user is None or user.is_suspended:
        raise InvalidRequestError("interaction session not found", status_code=400)
    return interaction, user


async def resume(request: Request) -> Response:
    """`GET /oidc/auth/<uid>`: after sign-in go to `/consent`; after consent, the code."""
    rt = runtime_of(request)
    interaction, user = _resumable(request, rt)
    now = rt.clock()
    session = rt.store.session(interaction.session_id)
    if session is None or session.account_id != user.id:
        session = rt.store.new_session(user.id)
    rt.store.interactions.pop(interaction.uid, None)
    audit_events.interaction_ended(request, rt, interaction, user.id)

    if not interaction.consented:
        follow_up = rt.store.new_interaction(interaction.request, session.id)
        follow_up.account_id = user.id
        follow_up.prompt = "consent"
        follow_up.last_submission = interaction.last_submission
        audit_events.interaction_started(
            request, rt, follow_up, _request_params(interaction), user.id
        )
        response = tagged(redirect(f"/consent?app_id={interaction.request.client_id}"))
        set_interaction_cookies(response, rt.cookies, follow_up)
        set_session_cookie(response, rt.cookies, session.id, now)
        return response

    grant = consent(rt.store, rt.tenant, user, interaction.request)
    if interaction.last_submission is not None:
        rt.store.save_last_submission(session, interaction.last_submission)
    code = issue_code(rt.store, grant, interaction.request, now, session_uid=session.uid)
    # oidc-provider regenerates the session id (not its uid) once the authorization completes.
    rt.store.end_session(session.id)
    session = rt.store.new_session(user.id, uid=session.uid)
    response = tagged(redirect(code_redirect(interaction.request, code.value, rt.settings.issuer)))
    clear_resume_cookie(response, rt.cookies, interaction.uid)
    set_session_cookie(response, rt.cookies, session.id, now)
    return response


async def consent_page(request: Request) -> Response:
    """`GET /consent`: first-party apps are consented automatically, as Logto does."""
    rt = runtime_of(request)
    interaction = current_interaction(request, rt.store, rt.cookies)
    if interaction is None or interaction.account_id is None:
        raise ManagementApiError(
            "session.not_found",
            "Session not found. Please go back and sign in again.",
            status_code=400,
        )
    client = rt.tenant.applications.get(interaction.request.client_id)
    if client is not None and client.is_third_party:  # Logto's consent page asks the user
        return pages.consent_page(client.name)
    interaction.consented = True
    response = redirect(f"{rt.settings.base_url}/oidc/auth/{interaction.uid}", status_code=302)
    response.headers["Content-Security-Policy"] = pages.PAGE_CSP
    return response


def _sign_in_page(
    rt: Runtime, interaction: Interaction, error: str | None = None, status_code: int = 200
) -> Response:
    client = find_client(rt.tenant, interaction.request.client_id, rt.settings.issuer)
    app_name = client.name if client else interaction.request.client_id
    signable = [u for u in rt.tenant.users.values() if not u.is_suspended]
    document = rt.tenant.sign_in_experience
    links = self_service_pages.links(
        document.get("signInMode", "SignInAndRegister") != "SignIn",
        "EmailVerificationCode" in (document.get("forgotPasswordMethods") or []),
    )
    return pages.sign_in_page(app_name, signable, error, status_code, links)


async def sign_in_page(request: Request) -> Response:
    """`GET /sign-in`: the HTML sign-in page."""
    rt = runtime_of(request)
    interaction = current_interaction(request, rt.store, rt.cookies)
    if interaction is None:
        return pages.no_sign_in_page()
    return _sign_in_page(rt, interaction)


def _form_too_large() -> Exception:
    return _FormTooLarge()


class _FormTooLarge(Exception):
    """The sign-in form was larger than any real one."""


async def sign_in_submit(request: Request) -> Response:
    """`POST /sign-in`: check the form, then resume the authorization."""
    rt = runtime_of(request)
    interaction = current_interaction(request, rt.store, rt.cookies)
    if interaction is None:
        return pages.no_sign_in_page()
    try:
        body = await read_body(request, _form_too_large)
    except _FormTooLarge:
        return _sign_in_page(rt, interaction, "Request too large.", 413)
    form = {k: v[-1] for k, v in form_params(body.decode(errors="replace")).items()}
    user: User | None
    if form.get("user_id"):
        refused = sign_in_policy.page_one_click(request)
        if refused:
            return _sign_in_page(rt, interaction, *refused)
        user = rt.tenant.users.get(form["user_id"])
    else:
        identifier, password = form.get("identifier", ""), form.get("password", "")
        user, message, status = sign_in_policy.page_sign_in(request, identifier, password)
        if user is None:
            return _sign_in_page(rt, interaction, message, status)
    if user is None:
        message = "Incorrect account or password. Please check your input."
        return _sign_in_page(rt, interaction, message, 422)
    if user.is_suspended:
        return _sign_in_page(rt, interaction, "This user is suspended.", 401)
    sign_in(interaction, user, rt.clock())
    sign_in_event(request, rt, interaction.uid, user, interaction.request.client_id)
    return redirect(f"{rt.settings.base_url}/oidc/auth/{interaction.uid}")


def routes() -> list[BaseRoute]:
    """Routes under `/oidc` (auth, resume)."""
    return [
        Route("/auth", authorize, methods=["GET", "POST"], name="authorization"),
        Route("/auth/{uid}", resume, methods=["GET"], name="resume"),
    ]


def page_routes() -> list[BaseRoute]:
    """Routes at the root: Logto's `/consent` and the sign-in page."""
    return [
        Route("/consent", consent_page, methods=["GET"], name="consent"),
        Route("/sign-in", sign_in_page, methods=["GET"], name="sign_in"),
        Route("/sign-in", sign_in_submit, methods=["POST"], name="sign_in_submit"),
    ]
