"""The HTML pages the mock serves: sign-in, oidc-provider's logout pages, and the console.

Pages are templates filled with escaped values; routes only choose which page to answer.
The sign-in page has no script and inline styles only, under its own CSP. The console's
document is `templates/console.html`, with its style and script as files (`static/`), so its
CSP allows no inline script or style at all.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources
from string import Template

from starlette.responses import HTMLResponse

from ..models import User

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

#: The sign-in page has no script; styles are inline.
PAGE_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "frame-ancestors 'self'; base-uri 'none'"
)

_DOCUMENT = Template(
    '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
    "<title>$title</title>\n<style>$style</style>\n</head>\n"
    "<body>\n<main>\n$body\n</main>\n</body>\n</html>\n"
)

_SIGN_IN_FORM = """<form method="post" action="/sign-in">
<label for="identifier">Username, email or phone</label>
<input type="text" id="identifier" name="identifier" autocomplete="username" required>
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>"""

_ONE_CLICK = Template(
    '<li><form method="post" action="/sign-in">'
    '<input type="hidden" name="user_id" value="$user_id">'
    '<button type="submit">$label</button></form></li>'
)

_NO_SIGN_IN = (
    "<h1>No sign-in in progress</h1>\n<p>This page is reached from an app's sign-in link "
    "(<code>/oidc/auth</code>). Start again from the app.</p>"
)

#: oidc-provider v8's `logoutSource` form, as Logto serves it (golden/end-session/).
_LOGOUT_FORM = Template("""<!DOCTYPE html>
<html>
<head>
  <meta http-equiv="X-UA-Compatible" content="IE=edge">
  <title>Submitting Callback</title>
  <script>
    document.addEventListener('DOMContentLoaded', function () { document.forms[0].submit() });
  </script>
</head>
<body>
  <form method="post" action="$action">
    <input type="hidden" name="xsrf" value="$xsrf"/>
<input type="hidden" name="logout" value="yes"/>
    <noscript>
      Your browser does not support JavaScript or you've disabled it.<br/>
      <button autofocus type="submit">Continue</button>
    </noscript>
  </form>
</body>
</html>""")

_SIGNED_OUT = (
    '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8">'
    "<title>Signed out</title></head>\n<body><h1>Signed out</h1>"
    "<p>You have been signed out of mock-logto.</p></body>\n</html>\n"
)


def page(title: str, body: str, status_code: int = 200) -> HTMLResponse:
    """A page of the mock's own, `body` already escaped, never cached, under `PAGE_CSP`."""
    document = _DOCUMENT.substitute(title=html.escape(title), style=_STYLE, body=body)
    response = HTMLResponse(document, status_code=status_code)
    response.headers["cache-control"] = "no-store"
    response.headers["Content-Security-Policy"] = PAGE_CSP
    return response


def user_label(user: User) -> str:
    """How the page names a user: `Name (handle)` or the handle."""
    handle = user.username or user.primary_email or user.primary_phone or user.id
    return f"{user.name} ({handle})" if user.name else handle


def sign_in_page(
    app_name: str,
    users: Iterable[User],
    error: str | None = None,
    status_code: int = 200,
    links: str = "",
) -> HTMLResponse:
    """A password form, `links` (already escaped: create account, forgot password), a list."""
    parts = [
        "<h1>Sign in</h1>",
        f'<p class="app">to <strong>{html.escape(app_name)}</strong> (mock-logto)</p>',
    ]
    if error:
        parts.append(f'<p class="error" role="alert">{html.escape(error)}</p>')
    parts.append(_SIGN_IN_FORM)
    if links:
        parts.append(links)
    buttons = [
        _ONE_CLICK.substitute(user_id=html.escape(u.id), label=html.escape(user_label(u)))
        for u in users
    ]
    if buttons:
        parts.extend(["<h2>Or continue as</h2>\n<ul>", *buttons, "</ul>"])
    parts.append("<footer>A test double of Logto. Never use it for real accounts.</footer>")
    return page("Sign in", "\n".join(parts), status_code)


def no_sign_in_page() -> HTMLResponse:
    """The sign-in page reached without an interaction (400)."""
    return page("Sign in", _NO_SIGN_IN, status_code=400)


def logout_form(action: str, xsrf: str) -> HTMLResponse:
    """oidc-provider's auto-submitting logout confirmation."""
    body = _LOGOUT_FORM.substitute(action=html.escape(action), xsrf=html.escape(xsrf))
    response = HTMLResponse(body)
    response.headers["cache-control"] = "no-store"
    return response


def signed_out_page() -> HTMLResponse:
    """`/oidc/session/end/success`."""
    response = HTMLResponse(_SIGNED_OUT)
    response.headers["cache-control"] = "no-store"
    return response


# --- the console ----------------------------------------------------------------------------

#: The console: its own script and style only, requests to its own origin only, never framed.
#: No `form-action`: Chromium applies it to the redirects after a submission, and the browser
#: sign-in forms end on the apps' redirect URIs, wherever they are.
CONSOLE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"
)

_TOKEN_FORM = """<section id="control-token" aria-labelledby="control-token-title">
<h2 id="control-token-title">Control token</h2>
<p>This server's control API needs its token (<code>MOCK_LOGTO_CONTROL_TOKEN</code>, or the one
<code>mock-logto serve</code> printed). It is kept in this tab only (session storage) and sent
as <code>X-Mock-Logto-Token</code>; a link ending in <code>#token=…</code> gives it too.</p>
<form id="token-form">
<label for="control-token-input">Token</label>
<input type="password" id="control-token-input" name="token" autocomplete="off" required>
<button type="submit">Use it</button>
</form>
</section>"""  # noqa: S105 - a form asking for the token, not one

_CONSOLE_TENANT = Template("""<section aria-labelledby="tenant-title">
<h2 id="tenant-title">Tenant</h2>
<p class="summary">$summary</p>
$overview
</section>
$workbench
$sign_in""")

_WORKBENCH = Template("""<section id="workbench" aria-labelledby="workbench-title">
<h2 id="workbench-title">Token workbench</h2>
<p>Gets a token through the real endpoints, as an app would: <code>client_credentials</code> for
an app alone; for a user, <code>/oidc/auth</code> (with <code>login_hint</code> and PKCE), the code
exchange, and for an organization a <code>refresh_token</code> grant. Each step shows in the
request log.</p>
<form id="token-request">
<div class="fields">
<label for="wb-app">Application</label>
<select id="wb-app" name="app" required>$apps</select>
<label for="wb-user">User</label>
<select id="wb-user" name="user">$users</select>
<label for="wb-resource">API resource</label>
<select id="wb-resource" name="resource">$resources</select>
<label for="wb-organization">Organization</label>
<select id="wb-organization" name="organization">$organizations</select>
<label for="wb-scopes">Scopes (space-separated)</label>
<input type="text" id="wb-scopes" name="scopes" autocomplete="off" spellcheck="false">
</div>
<button type="submit">Get a token</button>
</form>
<div id="token-result" aria-live="polite"></div>
</section>""")

_CONSOLE_SIGN_IN = Template("""<section id="browser-sign-in" \
aria-labelledby="browser-sign-in-title">
<h2 id="browser-sign-in-title">Sign in through the browser</h2>
<p>Starts the real authorization request for an app in this browser: the sign-in page (or the
user chosen, through <code>login_hint</code>), then the app's redirect URI with
<code>code</code>, <code>state=mock-logto-console</code> and <code>iss</code>. The code redeems
at <code>/oidc/token</code> with <code>code_verifier=$verifier</code>.</p>
$forms
</section>""")

_CONSOLE_SIGN_IN_FORM = Template("""<form method="get" action="/oidc/auth" class="sign-in" \
data-app="$app_id">
<fieldset>
<legend>$app_label → <code>$redirect_uri</code></legend>
$hidden
<label for="sign-in-$app_id">User</label>
<select id="sign-in-$app_id" name="login_hint">$users</select>
<button type="submit">Sign in</button>
</fieldset>
</form>""")


@cache
def _console_template() -> Template:
    text = resources.files("mock_logto").joinpath("templates", "console.html")
    return Template(text.read_text(encoding="utf-8"))


def html_table(caption: str, headings: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A table; `rows` hold cells already escaped."""
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in headings)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    if not rows:
        body = f'<tr><td colspan="{len(headings)}">None.</td></tr>'
    return (
        f"<table>\n<caption>{html.escape(caption)}</caption>\n<thead><tr>{head}</tr></thead>\n"
        f"<tbody>{body}</tbody>\n</table>"
    )


def console_tenant(overview: str, workbench: str, sign_in: str, summary: str) -> str:
    """The tenant's part of the console (all arguments already escaped HTML)."""
    return _CONSOLE_TENANT.substitute(
        overview=overview, workbench=workbench, sign_in=sign_in, summary=summary
    )


def console_workbench(*, apps: str, users: str, resources: str, organizations: str) -> str:
    """The token workbench's form, given its `<option>`s."""
    return _WORKBENCH.substitute(
        apps=apps, users=users, resources=resources, organizations=organizations
    )


def console_sign_in(forms: str, verifier: str) -> str:
    """The browser sign-in section around its forms."""
    return _CONSOLE_SIGN_IN.substitute(forms=forms, verifier=verifier)


def console_sign_in_form(
    *, app_id: str, app_label: str, redirect_uri: str, hidden: str, users: str
) -> str:
    """One app's GET form to `/oidc/auth` (all arguments already escaped)."""
    return _CONSOLE_SIGN_IN_FORM.substitute(
        app_id=app_id, app_label=app_label, redirect_uri=redirect_uri, hidden=hidden, users=users
    )


def console_page(*, issuer: str, tenant: str, token_needed: bool) -> HTMLResponse:
    """The console: `tenant` (escaped HTML) on the page, or a form asking for the token."""
    document = _console_template().substitute(
        issuer=html.escape(issuer),
        discovery=html.escape(f"{issuer}/.well-known/openid-configuration"),
        jwks=html.escape(f"{issuer}/jwks"),
        token_form=_TOKEN_FORM if token_needed else "",
        tenant=tenant,
    )
    response = HTMLResponse(document)
    response.headers["cache-control"] = "no-store"
    response.headers["Content-Security-Policy"] = CONSOLE_CSP
    return response


def consent_page(app_name: str) -> HTMLResponse:
    """The consent page of a third-party app: the consent itself goes through the API."""
    return page(
        "Consent",
        f"<p><strong>{html.escape(app_name)}</strong> asks for your consent "
        "(<code>GET</code> and <code>POST /api/interaction/consent</code>).</p>",
    )
