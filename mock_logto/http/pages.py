"""The HTML pages the mock serves: sign-in, and oidc-provider's logout pages.

Pages are templates filled with escaped values; routes only choose which page to answer.
The sign-in page has no script and inline styles only, under its own CSP.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
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
