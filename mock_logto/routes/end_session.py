"""RP-initiated logout: `/oidc/session/end`, its confirmation and success pages.

As oidc-provider v8 under Logto (golden/end-session/): `GET|POST /oidc/session/end` answers an
auto-submitting HTML form carrying an xsrf secret, whose POST to `/oidc/session/end/confirm`
ends the session and redirects (303) to the registered `post_logout_redirect_uri` with `state`,
or to the success page. Sessions end; refresh tokens survive, as with Logto's `offline_access`.
"""

from __future__ import annotations

import html
import secrets
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from ..authorization import redirect_url
from ..cookies import set_signed
from ..errors import InvalidClientError, InvalidRequestError
from ..grants.base import MAX_BODY_BYTES, Params, reject_dupes
from ..store import SESSION_TTL, Session
from .interaction import SESSION_COOKIE, redirect
from .responses import etag

PARAMETERS = frozenset(
    {"id_token_hint", "post_logout_redirect_uri", "state", "ui_locales", "client_id", "logout_hint"}
)

_FORM = """<!DOCTYPE html>
<html>
<head>
  <meta http-equiv="X-UA-Compatible" content="IE=edge">
  <title>Submitting Callback</title>
  <script>
    document.addEventListener('DOMContentLoaded', function () { document.forms[0].submit() });
  </script>
</head>
<body>
  <form method="post" action="{action}">
    <input type="hidden" name="xsrf" value="{xsrf}"/>
<input type="hidden" name="logout" value="yes"/>
    <noscript>
      Your browser does not support JavaScript or you've disabled it.<br/>
      <button autofocus type="submit">Continue</button>
    </noscript>
  </form>
</body>
</html>"""


async def _params(request: Request, allowed: frozenset[str]) -> Params:
    pairs = parse_qsl(request.url.query)
    if request.method == "POST":
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            raise InvalidRequestError("failed to parse the request body")
        pairs = parse_qsl(body.decode(errors="replace"))
    params: Params = {}
    for key, value in pairs:
        if key in allowed and value:
            params.setdefault(key, []).append(value)
    reject_dupes(params, list(params))
    return params


def _session(request: Request) -> Session:
    """The browser's session, or a fresh one to hold the logout state (as oidc-provider does)."""
    state = request.app.state
    session: Session | None = state.store.session(
        state.signer.read(request.cookies, SESSION_COOKIE)
    )
    if session is None:
        session = state.store.new_session("")
    return session


async def end_session(request: Request) -> Response:
    """`GET|POST /oidc/session/end`: check the parameters, then ask the browser to confirm."""
    state = request.app.state
    params = {k: v[0] for k, v in (await _params(request, PARAMETERS)).items()}
    client_id = params.get("client_id")
    hint = params.get("id_token_hint")
    if hint is not None:
        claims = state.keys.verify(hint)
        if claims is None:
            raise InvalidRequestError("could not validate id_token_hint")
        if client_id is not None and client_id != claims.get("aud"):
            raise InvalidRequestError("client_id does not match the provided id_token_hint")
        client_id = str(claims.get("aud"))
    client = state.tenant.applications.get(client_id) if client_id else None
    if client_id and client is None:
        raise InvalidClientError("client is invalid", status_code=400)
    post_logout = params.get("post_logout_redirect_uri")
    if client is not None and post_logout is not None:
        if post_logout not in client.post_logout_redirect_uris:
            raise InvalidRequestError("post_logout_redirect_uri not registered")
    elif post_logout is not None:
        post_logout = None

    session = _session(request)
    secret = secrets.token_hex(24)
    session.logout = {
        "secret": secret,
        "client_id": client.id if client else None,
        "state": params.get("state"),
        "post_logout_redirect_uri": post_logout,
    }
    action = f"{state.settings.issuer}/session/end/confirm"
    body = _FORM.replace("{action}", html.escape(action)).replace("{xsrf}", secret)
    response = HTMLResponse(body)
    response.headers["cache-control"] = "no-store"
    now = state.store.clock()
    set_signed(
        response,
        state.signer,
        SESSION_COOKIE,
        session.id,
        path="/",
        expires=now + SESSION_TTL,
        session_style=True,
    )
    response.headers["ETag"] = etag(bytes(response.body))
    return response


async def confirm(request: Request) -> Response:
    """`POST /oidc/session/end/confirm`: end the session and redirect."""
    state = request.app.state
    params = {k: v[0] for k, v in (await _params(request, frozenset({"xsrf", "logout"}))).items()}
    session = state.store.session(state.signer.read(request.cookies, SESSION_COOKIE))
    if session is None or session.logout is None:
        raise InvalidRequestError("could not find logout details")
    if not secrets.compare_digest(str(session.logout["secret"]), params.get("xsrf", "")):
        raise InvalidRequestError("xsrf token invalid")
    logout = session.logout
    state.store.end_session(session.id)
    target = logout["post_logout_redirect_uri"]
    if target:
        values = {"state": logout["state"]} if logout["state"] is not None else {}
        url = redirect_url(target, "query", values) if values else target
    else:
        url = f"{state.settings.issuer}/session/end/success"
        if logout["client_id"] and not params.get("logout"):
            url = redirect_url(url, "query", {"client_id": logout["client_id"]})
    response = redirect(url)
    response.headers["cache-control"] = "no-store"
    return response


async def success(request: Request) -> Response:
    """`GET /oidc/session/end/success`: a plain page saying so."""
    page = (
        '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8">'
        "<title>Signed out</title></head>\n<body><h1>Signed out</h1>"
        "<p>You have been signed out of mock-logto.</p></body>\n</html>\n"
    )
    response = HTMLResponse(page)
    response.headers["cache-control"] = "no-store"
    return response


def routes() -> list[BaseRoute]:
    """Routes under `/oidc`."""
    return [
        Route("/session/end", end_session, methods=["GET", "POST"], name="end_session"),
        Route("/session/end/confirm", confirm, methods=["POST"], name="end_session_confirm"),
        Route("/session/end/success", success, methods=["GET"], name="end_session_success"),
    ]
