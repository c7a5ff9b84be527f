"""RP-initiated logout: `/oidc/session/end`, its confirmation and success pages.

As oidc-provider v8 under Logto (golden/end-session/): `GET|POST /oidc/session/end` answers an
auto-submitting HTML form carrying an xsrf secret, whose POST to `/oidc/session/end/confirm`
ends the session and redirects (303) to the registered `post_logout_redirect_uri` with `state`,
or to the success page. Sessions end; refresh tokens survive, as with Logto's `offline_access`.
"""

from __future__ import annotations

import secrets

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ..errors import InvalidClientError, InvalidRequestError
from ..http import pages
from ..http.body import form_params, read_body
from ..http.responses import etag, no_store, redirect
from ..http.session import current_session, set_session_cookie
from ..http.uris import redirect_url
from ..models import Application
from ..oidc.params import Params, reject_dupes
from ..ops.built_in import find_client
from ..runtime import Runtime, runtime_of
from ..store import Session

PARAMETERS = frozenset(
    {"id_token_hint", "post_logout_redirect_uri", "state", "ui_locales", "client_id", "logout_hint"}
)


def _too_large() -> Exception:
    return InvalidRequestError("failed to parse the request body")


async def _params(request: Request, allowed: frozenset[str]) -> dict[str, str]:
    """The query's (or POSTed form's) parameters among `allowed`, each at most once."""
    if request.method == "POST":
        text = (await read_body(request, _too_large)).decode(errors="replace")
    else:
        text = request.url.query
    params: Params = {k: v for k, v in form_params(text).items() if k in allowed}
    reject_dupes(params, list(params))
    return {k: v[0] for k, v in params.items()}


def _client(rt: Runtime, params: dict[str, str]) -> Application | None:
    """The client named by `client_id` or by the `id_token_hint`'s audience (which must agree)."""
    client_id = params.get("client_id")
    hint = params.get("id_token_hint")
    if hint is not None:
        claims = rt.keys.verify(hint)
        if claims is None:
            raise InvalidRequestError("could not validate id_token_hint")
        if client_id is not None and client_id != claims.get("aud"):
            raise InvalidRequestError("client_id does not match the provided id_token_hint")
        client_id = str(claims.get("aud"))
    client = find_client(rt.tenant, client_id, rt.settings.issuer) if client_id else None
    if client_id and client is None:
        raise InvalidClientError("client is invalid", status_code=400)
    return client


async def end_session(request: Request) -> Response:
    """`GET|POST /oidc/session/end`: check the parameters, then ask the browser to confirm."""
    rt = runtime_of(request)
    params = await _params(request, PARAMETERS)
    client = _client(rt, params)
    post_logout = params.get("post_logout_redirect_uri")
    if client is not None and post_logout is not None:
        if post_logout not in client.post_logout_redirect_uris:
            raise InvalidRequestError("post_logout_redirect_uri not registered")
    elif post_logout is not None:
        post_logout = None

    # Without a session, a fresh one holds the logout state (as oidc-provider does).
    session: Session = current_session(request, rt.store, rt.cookies) or rt.store.new_session("")
    secret = secrets.token_hex(24)
    session.logout = {
        "secret": secret,
        "client_id": client.id if client else None,
        "state": params.get("state"),
        "post_logout_redirect_uri": post_logout,
    }
    response = pages.logout_form(f"{rt.settings.issuer}/session/end/confirm", secret)
    set_session_cookie(response, rt.cookies, session.id, rt.clock())
    response.headers["ETag"] = etag(bytes(response.body))
    return response


async def confirm(request: Request) -> Response:
    """`POST /oidc/session/end/confirm`: end the session and redirect."""
    rt = runtime_of(request)
    params = await _params(request, frozenset({"xsrf", "logout"}))
    session = current_session(request, rt.store, rt.cookies)
    if session is None or session.logout is None:
        raise InvalidRequestError("could not find logout details")
    if not secrets.compare_digest(str(session.logout["secret"]), params.get("xsrf", "")):
        raise InvalidRequestError("xsrf token invalid")
    logout = session.logout
    rt.store.end_session(session.id)
    target = logout["post_logout_redirect_uri"]
    if target:
        values = {"state": logout["state"]} if logout["state"] is not None else {}
        url = redirect_url(target, "query", values) if values else target
    else:
        url = f"{rt.settings.issuer}/session/end/success"
        if logout["client_id"] and not params.get("logout"):
            url = redirect_url(url, "query", {"client_id": logout["client_id"]})
    return no_store(redirect(url))


async def success(request: Request) -> Response:
    """`GET /oidc/session/end/success`: a plain page saying so."""
    return pages.signed_out_page()


def routes() -> list[BaseRoute]:
    """Routes under `/oidc`."""
    return [
        Route("/session/end", end_session, methods=["GET", "POST"], name="end_session"),
        Route("/session/end/confirm", confirm, methods=["POST"], name="end_session_confirm"),
        Route("/session/end/success", success, methods=["GET"], name="end_session_success"),
    ]
