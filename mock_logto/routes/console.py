"""The web console at `/`: the tenant at a glance, a token workbench, the live request log.

The page is plain HTML from :mod:`mock_logto.http.pages`; a small script (a static file, so the
CSP needs no inline script) drives the live parts through the control API, whose guards
(:func:`~mock_logto.http.access.check_control_access`) apply to everything here that reads
secrets or changes state. With a control token set, the page itself shows no tenant data: it asks
for the token (or reads it from the URL's fragment, which never reaches a server) and loads the
tenant with it.

| Route | What |
| --- | --- |
| `GET /` | the console (off with the control API) |
| `GET /__mock/console/{console.css,console.js}` | its style and script |
| `GET /__mock/console/tenant` | the tenant's part of the page, as HTML |
| `GET /__mock/console/requests` | the newest requests of the log, redacted, 304 while unchanged |
| `POST /__mock/console/token` | a token through the real grants: `{"app", "user"?, "resource"?, "organization"?, "scopes"?}` |
| `POST /__mock/console/decode` | `{"token"}`: a JWT's header and claims, its signature checked against the JWKS, its expiry |
"""  # noqa: E501 - a table

from __future__ import annotations

import base64
import binascii
import hashlib
import html
import json
import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ..errors import ManagementApiError
from ..http import pages
from ..http.access import check_console_page_access, check_control_access
from ..http.body import MAX_BODY_BYTES, parse_json, read_body
from ..http.inprocess import Answer, call
from ..http.responses import JSONResponse
from ..models import Application, Tenant, User
from ..runtime import Runtime, reading_runtime_of

Handler = Callable[[Request], Awaitable[Response]]
#: What the workbench asks for when signing a user in (the refresh token included).
USER_SCOPES = ("openid", "profile", "email", "offline_access")
ORGANIZATIONS_SCOPE = "urn:logto:scope:organizations"
#: The PKCE verifier of the console's browser sign-in forms (shown on the page, so the code
#: that lands on the app's redirect URI can be redeemed by hand).
CONSOLE_VERIFIER = "mock-logto-console-code-verifier-0123456789abcdef"
#: The newest requests the live log shows, and the characters of each body.
CONSOLE_REQUESTS = 200
CONSOLE_BODY_CHARS = 8192
STATIC = {"console.css": "text/css; charset=utf-8", "console.js": "text/javascript; charset=utf-8"}


def _bad(message: str) -> ManagementApiError:
    return ManagementApiError("mock.invalid_request", message, status_code=400)


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _e(value: object) -> str:
    return html.escape(str(value))


def _code(value: object) -> str:
    return f"<code>{_e(value)}</code>"


# --- the tenant at a glance -----------------------------------------------------------------


def _user_handle(user: User) -> str:
    """What `login_hint` takes for a user: username, else email, else phone."""
    return user.username or user.primary_email or user.primary_phone or user.id


def _role_names(tenant: Tenant, role_ids: list[str]) -> str:
    return ", ".join(_e(tenant.roles[r].name) for r in role_ids if r in tenant.roles) or "—"


def _scope_label(tenant: Tenant, scope_id: str) -> str:
    scope = tenant.find_scope(scope_id)
    if scope is None:
        return ""
    resource = tenant.resources.get(scope.resource_id)
    return f"{resource.indicator} {scope.name}" if resource else scope.name


def _applications(tenant: Tenant) -> str:
    rows = []
    for app in tenant.applications.values():
        secrets_ = " ".join(_code(s.value) for s in app.secrets) or "— (public)"
        uris = "<br>".join(_code(u) for u in app.redirect_uris) or "—"
        rows.append(
            [
                _e(app.name),
                _code(app.id),
                _e(app.type),
                secrets_,
                uris,
                _role_names(tenant, app.role_ids),
            ]
        )
    headings = ["Name", "App ID", "Type", "Secret", "Redirect URIs", "Roles"]
    return pages.html_table("Applications", headings, rows)


def _resources(tenant: Tenant) -> str:
    rows = [
        [
            _e(r.name),
            _code(r.indicator),
            " ".join(_code(s.name) for s in r.scopes) or "—",
            _e(r.access_token_ttl),
        ]
        for r in tenant.resources.values()
    ]
    return pages.html_table("API resources", ["Name", "Indicator", "Scopes", "Token TTL (s)"], rows)


def _roles(tenant: Tenant) -> str:
    rows = [
        [
            _e(role.name),
            _e(role.type),
            "<br>".join(_code(_scope_label(tenant, s)) for s in role.scope_ids) or "—",
            _e(role.description),
        ]
        for role in tenant.roles.values()
    ]
    return pages.html_table("Roles", ["Name", "Type", "Scopes", "Description"], rows)


def _users(tenant: Tenant) -> str:
    rows = [
        [
            _e(user.name or ""),
            _code(user.id),
            _e(user.username or "—"),
            _e(user.primary_email or "—"),
            _code(user.password) if user.password else "—",
            _role_names(tenant, user.role_ids),
            "yes" if user.is_suspended else "no",
        ]
        for user in tenant.users.values()
    ]
    headings = ["Name", "User ID", "Username", "Email", "Password", "Roles", "Suspended"]
    return pages.html_table("Users", headings, rows)


def _organizations(tenant: Tenant) -> str:
    def members(names: dict[str, str], held: dict[str, list[str]]) -> str:
        return (
            "<br>".join(
                f"{_e(names.get(member, member))}: "
                + (
                    ", ".join(
                        _e(tenant.organization_roles[r].name)
                        for r in roles
                        if r in tenant.organization_roles
                    )
                    or "no role"
                )
                for member, roles in held.items()
            )
            or "—"
        )

    user_names = {u.id: _user_handle(u) for u in tenant.users.values()}
    app_names = {a.id: a.id for a in tenant.applications.values()}
    rows = [
        [
            _e(org.name),
            _code(org.id),
            members(user_names, org.user_roles),
            members(app_names, org.application_roles),
        ]
        for org in tenant.organizations.values()
    ]
    orgs = pages.html_table("Organizations", ["Name", "ID", "Users", "Applications"], rows)
    role_rows = [
        [
            _e(role.name),
            _e(role.type),
            " ".join(
                _code(tenant.organization_scopes[s].name)
                for s in role.organization_scope_ids
                if s in tenant.organization_scopes
            )
            or "—",
            "<br>".join(_code(_scope_label(tenant, s)) for s in role.resource_scope_ids) or "—",
        ]
        for role in tenant.organization_roles.values()
    ]
    headings = ["Name", "Type", "Organization scopes", "API resource scopes"]
    return orgs + pages.html_table("Organization roles", headings, role_rows)


def _hooks(tenant: Tenant) -> str:
    rows = [
        [
            _e(hook.name),
            _code(hook.id),
            " ".join(_code(e) for e in hook.events) or "—",
            _code(hook.url),
            _code(hook.signing_key),
            "yes" if hook.enabled else "no",
        ]
        for hook in tenant.hooks.values()
    ]
    headings = ["Name", "ID", "Events", "URL", "Signing key", "Enabled"]
    return pages.html_table("Webhooks", headings, rows)


def _options(pairs: list[tuple[str, str]], empty: str | None = None) -> str:
    items = [f'<option value="">{_e(empty)}</option>'] if empty is not None else []
    items += [f'<option value="{_e(value)}">{_e(label)}</option>' for value, label in pairs]
    return "".join(items)


def _workbench(tenant: Tenant) -> str:
    apps = [(a.id, f"{a.name} ({a.id}, {a.type})") for a in tenant.applications.values()]
    users_ = [(u.id, pages.user_label(u)) for u in tenant.users.values()]
    indicators = [(r.indicator, r.indicator) for r in tenant.resources.values()]
    orgs = [(o.id, f"{o.name} ({o.id})") for o in tenant.organizations.values()]
    return pages.console_workbench(
        apps=_options(apps),
        users=_options(users_, "none: the app itself (client_credentials)"),
        resources=_options(indicators, "none"),
        organizations=_options(orgs, "none"),
    )


def _browser_sign_in(tenant: Tenant) -> str:
    """GET forms to `/oidc/auth` for each app with a redirect URI: the browser's real flow."""
    users_ = [(_user_handle(u), pages.user_label(u)) for u in tenant.users.values()]
    forms = []
    for app in tenant.applications.values():
        if not app.redirect_uris or app.type == "MachineToMachine":
            continue
        forms.append(_sign_in_form(app, _options(users_, "choose on the sign-in page")))
    return pages.console_sign_in(
        "\n".join(forms) or "<p>No app has a redirect URI.</p>", _e(CONSOLE_VERIFIER)
    )


def _sign_in_form(app: Application, user_options: str) -> str:
    hidden = {
        "client_id": app.id,
        "redirect_uri": app.redirect_uris[0],
        "response_type": "code",
        "scope": " ".join(USER_SCOPES),
        "prompt": "login consent",
        "state": "mock-logto-console",
        "code_challenge": _challenge(CONSOLE_VERIFIER),
        "code_challenge_method": "S256",
    }
    return pages.console_sign_in_form(
        app_id=_e(app.id),
        app_label=_e(f"{app.name} ({app.id})"),
        redirect_uri=_e(app.redirect_uris[0]),
        hidden="".join(
            f'<input type="hidden" name="{_e(k)}" value="{_e(v)}">' for k, v in hidden.items()
        ),
        users=user_options,
    )


def tenant_html(tenant: Tenant) -> str:
    """The tenant's part of the console: tables, the workbench, the browser sign-in."""
    overview = "\n".join(
        [
            _applications(tenant),
            _resources(tenant),
            _roles(tenant),
            _users(tenant),
            _organizations(tenant),
            _hooks(tenant),
        ]
    )
    return pages.console_tenant(
        overview, _workbench(tenant), _browser_sign_in(tenant), _e(tenant.summary())
    )


# --- routes ---------------------------------------------------------------------------------


async def console(request: Request) -> Response:
    """`GET /`: the console; without a control token, the tenant is on the page."""
    rt = reading_runtime_of(request)
    check_console_page_access(request, rt.settings)
    token_needed = rt.settings.control_token is not None
    return pages.console_page(
        issuer=rt.settings.issuer,
        tenant="" if token_needed else tenant_html(rt.tenant),
        token_needed=token_needed,
    )


async def static(request: Request) -> Response:
    """The console's stylesheet and script (no secrets: served to anyone who asks)."""
    name = request.path_params["name"]
    media = STATIC.get(name)
    if media is None:
        return Response("Not Found", status_code=404, media_type="text/plain")
    text = resources.files("mock_logto").joinpath("static", name).read_bytes()
    return Response(text, media_type=media, headers={"cache-control": "no-cache"})


async def tenant_fragment(request: Request) -> Response:
    """`GET /__mock/console/tenant`: the tenant's part of the page, for the script to place."""
    rt = reading_runtime_of(request)
    response = Response(tenant_html(rt.tenant), media_type="text/html; charset=utf-8")
    response.headers["cache-control"] = "no-store"
    return response


async def requests(request: Request) -> Response:
    """`GET /__mock/console/requests`: the newest requests of the log, for the live panel.

    Redacted as `GET /__mock/requests` answers, bodies cut at `CONSOLE_BODY_CHARS`. Polled
    every two seconds, so an unchanged log answers 304 to its `ETag` without being serialized.
    """
    log = reading_runtime_of(request).control.requests
    # The newest entry is a new object whenever one is appended (or the oldest dropped).
    version = f'W/"{len(log)}-{id(log[-1]) if log else 0}"'
    headers = {"etag": version, "cache-control": "no-store"}
    if request.headers.get("if-none-match") == version:
        return Response(status_code=304, headers=headers)
    shown = list(log)[-CONSOLE_REQUESTS:]
    entries = [entry.to_dict(redact=True) for entry in shown]
    for entry in entries:
        if len(entry["body"]) > CONSOLE_BODY_CHARS:
            entry["body"] = entry["body"][:CONSOLE_BODY_CHARS] + " …(cut)"
    return JSONResponse({"total": len(log), "requests": entries}, headers=headers)


async def _json_body(request: Request) -> dict[str, Any]:
    raw = await read_body(request, lambda: _bad("request body too large"), MAX_BODY_BYTES)
    try:
        data = parse_json(raw) if raw else {}
    except ValueError as exc:
        raise _bad("the body must be a JSON object") from exc
    if not isinstance(data, dict):
        raise _bad("the body must be a JSON object")
    return data


def _text(data: dict[str, Any], name: str) -> str | None:
    value = data.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise _bad(f"'{name}' must be a string")
    return value


class _Flow:
    """The requests one workbench run makes, in order, with what each answered."""

    def __init__(self, request: Request, rt: Runtime, app: Application) -> None:
        self.request = request
        self.rt = rt
        self.app = app
        self.steps: list[dict[str, Any]] = []

    async def send(self, method: str, path: str, *, query: str = "", form: Any = None) -> Answer:
        headers = [("user-agent", "mock-logto-console")]
        body = b""
        if form is not None:
            fields = dict(form)
            secret = self.app.secrets[0].value if self.app.secrets else None
            if secret is None:
                fields["client_id"] = self.app.id
            else:
                basic = base64.b64encode(f"{self.app.id}:{secret}".encode()).decode()
                headers.append(("authorization", f"Basic {basic}"))
            headers.append(("content-type", "application/x-www-form-urlencoded"))
            body = urlencode(fields).encode()
        answer = await call(
            self.request.app,
            self.request.scope,
            method,
            path,
            query=query,
            headers=headers,
            body=body,
        )
        shown = path + (f"?{query}" if query else "")
        self.steps.append({"method": method, "path": shown, "status": answer.status})
        return answer

    def result(self, answer: Answer | None, error: str | None = None) -> Response:
        body: dict[str, Any] = {"steps": self.steps}
        if answer is not None:
            try:
                body["response"] = json.loads(answer.body)
            except ValueError:
                body["response"] = answer.body.decode(errors="replace")
            body["ok"] = answer.status == 200
        else:
            body["ok"] = False
        if error is not None:
            body["error"] = error
        return JSONResponse(body)


async def _client_credentials(flow: _Flow, data: dict[str, Any]) -> Response:
    form = {"grant_type": "client_credentials"}
    if data["resource"]:
        form["resource"] = data["resource"]
    if data["organization"]:
        form["organization_id"] = data["organization"]
    if data["scopes"]:
        form["scope"] = " ".join(data["scopes"])
    return flow.result(await flow.send("POST", "/oidc/token", form=form))


async def _authorization_code(flow: _Flow, data: dict[str, Any], user: User) -> Response:
    app = flow.app
    if not app.redirect_uris:
        return flow.result(None, f"{app.id} has no redirect URI: a user cannot sign in to it")
    verifier = secrets.token_urlsafe(48)
    scopes = list(dict.fromkeys([*USER_SCOPES, *data["scopes"]]))
    if data["organization"] and ORGANIZATIONS_SCOPE not in scopes:
        scopes.append(ORGANIZATIONS_SCOPE)
    query = {
        "client_id": app.id,
        "redirect_uri": app.redirect_uris[0],
        "response_type": "code",
        "scope": " ".join(scopes),
        "prompt": "login consent",
        "login_hint": _user_handle(user),
        "state": secrets.token_urlsafe(8),
        "code_challenge": _challenge(verifier),
        "code_challenge_method": "S256",
    }
    if data["resource"]:
        query["resource"] = data["resource"]
    answer = await flow.send("GET", "/oidc/auth", query=urlencode(query))
    location = answer.headers.get("location", "")
    code = parse_qs(urlsplit(location).query).get("code")
    if answer.status not in (302, 303) or not code:
        return flow.result(answer, "the authorization request gave no code")
    form = {
        "grant_type": "authorization_code",
        "code": code[0],
        "redirect_uri": app.redirect_uris[0],
        "code_verifier": verifier,
    }
    if data["resource"] and not data["organization"]:
        form["resource"] = data["resource"]
    tokens = await flow.send("POST", "/oidc/token", form=form)
    if not data["organization"] or tokens.status != 200:
        return flow.result(tokens)
    refresh = json.loads(tokens.body).get("refresh_token")
    if not refresh:
        return flow.result(tokens, "no refresh token to get the organization token with")
    form = {
        "grant_type": "refresh_token",
        "refresh_token": refresh,
        "organization_id": data["organization"],
    }
    if data["resource"]:
        form["resource"] = data["resource"]
    return flow.result(await flow.send("POST", "/oidc/token", form=form))


async def token(request: Request) -> Response:
    """`POST /__mock/console/token`: the real grant for an app (and a user): every step shown.

    No user: `client_credentials`. A user: `/oidc/auth` with `login_hint` and PKCE, the code
    exchange, and with an organization a `refresh_token` grant for the organization token.
    """
    data = await _json_body(request)
    rt = reading_runtime_of(request)
    app_id = _text(data, "app")
    if app_id is None:
        raise _bad("'app' is required")
    app = rt.tenant.applications.get(app_id)
    if app is None:
        raise _bad(f"no application has the id '{app_id}'")
    scopes = data.get("scopes") or []
    if isinstance(scopes, str):
        scopes = scopes.split()
    if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
        raise _bad("'scopes' must be a list of strings")
    wanted = {
        "resource": _text(data, "resource"),
        "organization": _text(data, "organization"),
        "scopes": scopes,
    }
    flow = _Flow(request, rt, app)
    user_id = _text(data, "user")
    if user_id is None:
        return await _client_credentials(flow, wanted)
    user = rt.tenant.users.get(user_id)
    if user is None:
        raise _bad(f"no user has the id '{user_id}'")
    return await _authorization_code(flow, wanted, user)


def _segment(text: str) -> Any:
    try:
        return json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (ValueError, binascii.Error, RecursionError) as exc:
        raise _bad("not a JWT: a part is not base64url-encoded JSON") from exc


def _time(seconds: Any) -> str | None:
    if not isinstance(seconds, int | float) or isinstance(seconds, bool):
        return None
    try:
        return datetime.fromtimestamp(seconds, UTC).isoformat().replace("+00:00", "Z")
    except (OverflowError, OSError, ValueError):
        return None


def _verification(rt: Runtime, jwt: str, header: dict[str, Any]) -> dict[str, Any]:
    """Whether a key published at `/oidc/jwks` signed the token, and if not, why."""
    if not rt.keys.candidates(header):
        kids = ", ".join(k.kid for k in rt.keys.keys)
        return {
            "verified": False,
            "reason": f"no key of the JWKS has kid {header.get('kid')!r} and alg "
            f"{header.get('alg')!r} (published: {kids})",
        }
    if rt.keys.verify(jwt) is None:
        return {"verified": False, "reason": "the signature does not match the JWKS key"}
    return {"verified": True, "kid": header.get("kid")}


async def decode(request: Request) -> Response:
    """`POST /__mock/console/decode` `{"token"}`: header, claims, signature, expiry."""
    data = await _json_body(request)
    jwt = (_text(data, "token") or "").strip()
    parts = jwt.split(".")
    if len(parts) != 3:
        raise _bad("not a JWT: it has three parts separated by dots")
    header, claims = _segment(parts[0]), _segment(parts[1])
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise _bad("not a JWT: its header and claims are JSON objects")
    rt = reading_runtime_of(request)
    now = rt.clock()
    exp = claims.get("exp")
    expiry: dict[str, Any] = {"now": now, "nowAt": _time(now)}
    if isinstance(exp, int) and not isinstance(exp, bool):
        expiry.update(exp=exp, expiresAt=_time(exp), expired=now >= exp, secondsLeft=exp - now)
    return JSONResponse(
        {
            "header": header,
            "claims": claims,
            "signature": _verification(rt, jwt, header),
            "issuer": {
                "expected": rt.settings.issuer,
                "matches": claims.get("iss") == rt.settings.issuer,
            },
            "expiry": expiry,
            "issuedAt": _time(claims.get("iat")),
        }
    )


def _guarded(handler: Handler) -> Handler:
    """The control API's access rules, then the handler."""

    async def run(request: Request) -> Response:
        check_control_access(request, reading_runtime_of(request).settings)
        return await handler(request)

    run.__name__ = handler.__name__
    run.__doc__ = handler.__doc__
    return run


async def to_console(request: Request) -> Response:
    """`GET /__mock/`: the control API's root sends a browser to the console."""
    return RedirectResponse("/", status_code=307)


def routes() -> list[BaseRoute]:
    """The console's routes: `/` and, before the control API's mount, `/__mock/console/…`."""
    return [
        Route("/", console, methods=["GET"], name="console"),
        Route("/__mock/", to_console, methods=["GET"]),
        Route("/__mock/console/tenant", _guarded(tenant_fragment), methods=["GET"]),
        Route("/__mock/console/requests", _guarded(requests), methods=["GET"]),
        Route("/__mock/console/token", _guarded(token), methods=["POST"]),
        Route("/__mock/console/decode", _guarded(decode), methods=["POST"]),
        Route("/__mock/console/{name}", static, methods=["GET"], name="console_static"),
    ]
