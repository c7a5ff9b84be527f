"""Signing a user in: `/oidc/auth`, its resume URL, Logto's `/consent` and a `/sign-in` page.

The redirects and cookies are Logto's (golden/user-flow/A01–A08): `/oidc/auth` starts an
interaction and sends the browser to `/sign-in?app_id=…`; once a user is signed in (this page,
the Experience API, or a shortcut) the browser resumes at `/oidc/auth/<uid>`, goes through
`/consent` (first-party apps consent automatically) and lands on the redirect URI with a code.

Shortcuts for tests: `login_hint=<username or email>` of a fixture user, or the `auto_sign_in`
setting, skip the page and answer with the code at once.
"""

from __future__ import annotations

import html
import json
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from ..authorization import (
    AuthorizationError,
    code_redirect,
    consent,
    find_user,
    issue_code,
    parse_authorization_request,
    password_matches,
    redirect_url,
)
from ..cookies import CookieSigner, set_cookie, set_signed
from ..errors import InvalidRequestError, ManagementApiError
from ..grants.base import MAX_BODY_BYTES, Params
from ..models import Tenant, User
from ..settings import Settings
from ..store import SESSION_TTL, Interaction, Store
from .responses import JSONResponse, etag, json_bytes

INTERACTION_COOKIE = "_interaction"
RESUME_COOKIE = "_interaction_resume"
SESSION_COOKIE = "_session"


def _escape(url: str) -> str:
    """escape-html, as Koa escapes the URL of a redirect body."""
    return html.escape(url, quote=True).replace("&#x27;", "&#39;")


def redirect(location: str, status_code: int = 303) -> Response:
    """Koa's `ctx.redirect`: `Location`, and a short HTML body naming the target."""
    body = f"Redirecting to {_escape(location)}.".encode()
    response = Response(body, status_code=status_code, media_type="text/html; charset=utf-8")
    response.headers["Location"] = location
    return response


def _tagged(response: Response) -> Response:
    """oidc-provider's GET responses carry an ETag and `no-store`."""
    response.headers["cache-control"] = "no-store"
    response.headers["ETag"] = etag(bytes(response.body))
    return response


def _state(request: Request) -> tuple[Store, Tenant, Settings, CookieSigner]:
    app = request.app.state
    return app.store, app.tenant, app.settings, app.signer


def interaction_uid(request: Request, signer: CookieSigner) -> str | None:
    """The uid in the signed `_interaction` cookie (a JSON map app id → uid)."""
    raw = signer.read(request.cookies, INTERACTION_COOKIE)
    if raw is None:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    uid = value.get("_legacy") if isinstance(value, dict) else None
    return uid if isinstance(uid, str) else None


def current_interaction(request: Request) -> Interaction | None:
    """The live interaction the browser's cookies point at."""
    store, _, _, signer = _state(request)
    return store.interaction(interaction_uid(request, signer))


def _set_interaction_cookies(
    response: Response, signer: CookieSigner, interaction: Interaction
) -> None:
    client_id = interaction.request.client_id
    set_cookie(
        response, "_logto", json_bytes({"appId": client_id}).decode(), "path=/; samesite=lax"
    )
    value = json_bytes({client_id: interaction.uid, "_legacy": interaction.uid}).decode()
    set_signed(
        response, signer, INTERACTION_COOKIE, value, path="/", expires=interaction.expires_at
    )
    set_signed(
        response,
        signer,
        RESUME_COOKIE,
        interaction.uid,
        path=f"/oidc/auth/{interaction.uid}",
        expires=interaction.expires_at,
    )


def _set_session_cookie(
    response: Response, signer: CookieSigner, session_id: str, now: int
) -> None:
    set_signed(
        response,
        signer,
        SESSION_COOKIE,
        session_id,
        path="/",
        expires=now + SESSION_TTL,
        session_style=True,
    )


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
        return _tagged(redirect(url))
    body = error.to_dict()
    if exc.state is not None:
        body["state"] = exc.state
    body["iss"] = issuer
    return _tagged(JSONResponse(body, status_code=error.status))


def _query_params(request: Request) -> Params:
    params: Params = {}
    for key, value in parse_qsl(request.url.query, keep_blank_values=True):
        if value:
            params.setdefault(key, []).append(value)
    return params


async def authorize(request: Request) -> Response:
    """`GET|POST /oidc/auth`: validate, then sign in (or skip to the code)."""
    store, tenant, settings, signer = _state(request)
    params = _query_params(request)
    if request.method == "POST":
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            raise InvalidRequestError("failed to parse the request body")
        params = {}
        for key, value in parse_qsl(body.decode(errors="replace"), keep_blank_values=True):
            if value:
                params.setdefault(key, []).append(value)
    try:
        _, auth_request = parse_authorization_request(params, tenant)
    except AuthorizationError as exc:
        return _error_response(exc, settings.issuer)

    hinted = _shortcut_user(auth_request.login_hint, request.app.state.auto_sign_in, tenant)
    session = store.session(signer.read(request.cookies, SESSION_COOKIE))
    if session is not None and (not session.account_id or "login" in auth_request.prompts):
        session = None
    interaction = store.new_interaction(auth_request, session.id if session else None)
    if hinted is not None:
        return _finish(request, interaction, hinted)
    if session is not None:
        interaction.account_id = session.account_id
        interaction.prompt = "consent"
        response = _tagged(redirect(f"/consent?app_id={auth_request.client_id}"))
    else:
        response = _tagged(redirect(f"/sign-in?app_id={auth_request.client_id}"))
    _set_interaction_cookies(response, signer, interaction)
    return response


def _shortcut_user(
    login_hint: str | None, auto_sign_in: User | None, tenant: Tenant
) -> User | None:
    """The user to sign in without a page: a `login_hint` naming one, or `auto_sign_in`."""
    if login_hint:
        user = find_user(tenant, login_hint)
        if user is not None and not user.is_suspended:
            return user
    return auto_sign_in


def _finish(request: Request, interaction: Interaction, user: User) -> Response:
    """Sign `user` in, consent, and send the code to the client (the shortcut)."""
    store, tenant, settings, signer = _state(request)
    now = store.clock()
    user.updated_at = user.last_sign_in_at = now * 1000
    session = store.new_session(user.id)
    grant = consent(store, tenant, user, interaction.request)
    code = issue_code(store, grant, interaction.request, now)
    store.interactions.pop(interaction.uid, None)
    response = _tagged(redirect(code_redirect(interaction.request, code.value, settings.issuer)))
    _set_session_cookie(response, signer, session.id, now)
    return response


async def resume(request: Request) -> Response:
    """`GET /oidc/auth/<uid>`: after sign-in go to `/consent`; after consent, the code."""
    store, tenant, settings, signer = _state(request)
    uid = request.path_params["uid"]
    if signer.read(request.cookies, RESUME_COOKIE) != uid:
        raise InvalidRequestError("authorization request has expired", status_code=400)
    interaction = store.interaction(uid)
    if interaction is None or interaction.account_id is None:
        raise InvalidRequestError("interaction session not found", status_code=400)
    user = tenant.users.get(interaction.account_id)
    if user is None or user.is_suspended:
        raise InvalidRequestError("interaction session not found", status_code=400)
    now = store.clock()
    session = store.session(interaction.session_id)
    if session is None or session.account_id != user.id:
        session = store.new_session(user.id)
    store.interactions.pop(uid, None)

    if not interaction.consented:
        follow_up = store.new_interaction(interaction.request, session.id)
        follow_up.account_id = user.id
        follow_up.prompt = "consent"
        response = _tagged(redirect(f"/consent?app_id={interaction.request.client_id}"))
        _set_interaction_cookies(response, signer, follow_up)
        _set_session_cookie(response, signer, session.id, now)
        return response

    grant = consent(store, tenant, user, interaction.request)
    code = issue_code(store, grant, interaction.request, now)
    # oidc-provider regenerates the session id once the authorization completes.
    store.end_session(session.id)
    session = store.new_session(user.id)
    response = _tagged(redirect(code_redirect(interaction.request, code.value, settings.issuer)))
    set_signed(response, signer, RESUME_COOKIE, "", path=f"/oidc/auth/{uid}", expires=0)
    _set_session_cookie(response, signer, session.id, now)
    return response


async def consent_page(request: Request) -> Response:
    """`GET /consent`: first-party apps are consented automatically, as Logto does."""
    store, _, settings, _ = _state(request)
    interaction = current_interaction(request)
    if interaction is None or interaction.account_id is None:
        raise ManagementApiError(
            "session.not_found",
            "Session not found. Please go back and sign in again.",
            status_code=400,
        )
    interaction.consented = True
    response = redirect(f"{settings.base_url}/oidc/auth/{interaction.uid}", status_code=302)
    response.headers["Content-Security-Policy"] = PAGE_CSP
    return response


# --------------------------------------------------------------------------- the sign-in page

_STYLE = """
body{font-family:system-ui,sans-serif;background:#f4f4f6;color:#1c1c20;margin:0}
main{max-width:24rem;margin:3rem auto;background:#fff;padding:2rem;border-radius:12px;
box-shadow:0 1px 4px rgba(0,0,0,.08)}
h1{font-size:1.3rem;margin:0 0 .25rem}p.app{color:#666;margin:0 0 1.5rem}
label{display:block;font-size:.85rem;margin:.75rem 0 .25rem}
input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:.6rem;
border:1px solid #ccc;border-radius:8px;font-size:1rem}
button{width:100%;padding:.65rem;margin-top:1rem;border:0;border-radius:8px;background:#5d34f2;
color:#fff;font-size:1rem;cursor:pointer}
.error{background:#fdecec;color:#a31515;padding:.6rem;border-radius:8px}
h2{font-size:1rem;margin:2rem 0 .5rem}ul{list-style:none;padding:0;margin:0}
li form button{background:#f0edff;color:#2d1b85;text-align:left;margin-top:.5rem}
footer{font-size:.75rem;color:#888;margin-top:2rem}
"""

#: The page has no script; styles are inline.
PAGE_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "frame-ancestors 'self'; base-uri 'none'"
)


def _page(title: str, body: str, status_code: int = 200) -> HTMLResponse:
    document = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )
    response = HTMLResponse(document, status_code=status_code)
    response.headers["cache-control"] = "no-store"
    response.headers["Content-Security-Policy"] = PAGE_CSP
    return response


def _user_label(user: User) -> str:
    handle = user.username or user.primary_email or user.primary_phone or user.id
    return f"{user.name} ({handle})" if user.name else handle


def sign_in_form(tenant: Tenant, interaction: Interaction, error: str | None = None) -> str:
    """The page body: a password form and a one-click list of the fixture's users."""
    client = tenant.applications.get(interaction.request.client_id)
    app_name = client.name if client else interaction.request.client_id
    parts = [
        "<h1>Sign in</h1>",
        f'<p class="app">to <strong>{html.escape(app_name)}</strong> (mock-logto)</p>',
    ]
    if error:
        parts.append(f'<p class="error" role="alert">{html.escape(error)}</p>')
    parts.append(
        '<form method="post" action="/sign-in">\n'
        '<label for="identifier">Username, email or phone</label>\n'
        '<input type="text" id="identifier" name="identifier" autocomplete="username" required>\n'
        '<label for="password">Password</label>\n'
        '<input type="password" id="password" name="password" '
        'autocomplete="current-password" required>\n'
        '<button type="submit">Sign in</button>\n</form>'
    )
    users = [u for u in tenant.users.values() if not u.is_suspended]
    if users:
        parts.append("<h2>Or continue as</h2>\n<ul>")
        for user in users:
            parts.append(
                '<li><form method="post" action="/sign-in">'
                f'<input type="hidden" name="user_id" value="{html.escape(user.id)}">'
                f'<button type="submit">{html.escape(_user_label(user))}</button></form></li>'
            )
        parts.append("</ul>")
    parts.append("<footer>A test double of Logto. Never use it for real accounts.</footer>")
    return "\n".join(parts)


_NO_SIGN_IN = (
    "<h1>No sign-in in progress</h1>\n<p>This page is reached from an app's sign-in link "
    "(<code>/oidc/auth</code>). Start again from the app.</p>"
)


async def sign_in_page(request: Request) -> Response:
    """`GET /sign-in`: the HTML sign-in page."""
    interaction = current_interaction(request)
    if interaction is None:
        return _page("Sign in", _NO_SIGN_IN, status_code=400)
    return _page("Sign in", sign_in_form(request.app.state.tenant, interaction))


async def sign_in_submit(request: Request) -> Response:
    """`POST /sign-in`: check the form, then resume the authorization."""
    _, tenant, settings, _ = _state(request)
    interaction = current_interaction(request)
    if interaction is None:
        return _page("Sign in", _NO_SIGN_IN, status_code=400)
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        return _page("Sign in", sign_in_form(tenant, interaction, "Request too large."), 413)
    form: dict[str, Any] = dict(parse_qsl(body.decode(errors="replace")))
    user: User | None
    if form.get("user_id"):
        user = tenant.users.get(form["user_id"])
    else:
        user = find_user(tenant, form.get("identifier", ""))
        if user is not None and not password_matches(user, form.get("password", "")):
            user = None
    if user is None:
        message = "Incorrect account or password. Please check your input."
        return _page("Sign in", sign_in_form(tenant, interaction, message), status_code=422)
    if user.is_suspended:
        return _page("Sign in", sign_in_form(tenant, interaction, "This user is suspended."), 401)
    sign_in(interaction, user, request.app.state.store)
    return redirect(f"{settings.base_url}/oidc/auth/{interaction.uid}")


def sign_in(interaction: Interaction, user: User, store: Store) -> None:
    """The interaction's result: this user signed in now (Logto bumps `updatedAt`)."""
    interaction.account_id = user.id
    user.updated_at = user.last_sign_in_at = store.clock() * 1000


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
