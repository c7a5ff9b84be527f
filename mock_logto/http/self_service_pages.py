"""The sign-in page's "create account" and "forgot password" pages (forms only, no script).

Shown when the sign-in experience enables them (`signInMode` allows registering;
`forgotPasswordMethods` is not empty); the codes they send go to the capturing connector.
"""

from __future__ import annotations

import html

from starlette.responses import HTMLResponse

from .pages import page

_FIELD = (
    '<label for="{name}">{label}</label>\n'
    '<input type="{kind}" id="{name}" name="{name}" autocomplete="{auto}" required>'
)


def _field(name: str, label: str, kind: str = "text", auto: str = "off") -> str:
    return _FIELD.format(name=name, label=label, kind=kind, auto=auto)


def _form(action: str, fields: list[str], button: str, step: str) -> str:
    hidden = f'<input type="hidden" name="step" value="{html.escape(step)}">'
    return (
        f'<form method="post" action="{html.escape(action)}">\n{hidden}\n'
        + "\n".join(fields)
        + f'\n<button type="submit">{html.escape(button)}</button>\n</form>'
    )


def _page(title: str, parts: list[str], error: str | None, status_code: int) -> HTMLResponse:
    body = [f"<h1>{html.escape(title)}</h1>"]
    if error:
        body.append(f'<p class="error" role="alert">{html.escape(error)}</p>')
    body.extend(parts)
    body.append('<footer><a href="/sign-in">Back to sign-in</a></footer>')
    return page(title, "\n".join(body), status_code)


def links(register: bool, forgot_password: bool) -> str:
    """The sign-in page's links to these pages, the ones enabled."""
    parts = []
    if register:
        parts.append('<a href="/register">Create account</a>')
    if forgot_password:
        parts.append('<a href="/forgot-password">Forgot password?</a>')
    return f"<p>{' · '.join(parts)}</p>" if parts else ""


def register_page(
    identifier: str, error: str | None = None, status_code: int = 200
) -> HTMLResponse:
    """Step 1 of sign-up: the identifier (`email` or `username`) and a password."""
    label = "Email" if identifier == "email" else "Username"
    fields = [
        _field("identifier", label, "email" if identifier == "email" else "text", identifier),
        _field("password", "Password", "password", "new-password"),
    ]
    parts = [_form("/register", fields, "Create account", "start")]
    return _page("Create account", parts, error, status_code)


def code_page(
    action: str, address: str, with_password: bool, error: str | None = None, status_code: int = 200
) -> HTMLResponse:
    """Step 2: the code sent to `address` (and, to reset, the new password)."""
    fields = [_field("code", "Verification code", "text", "one-time-code")]
    if with_password:
        fields.append(_field("password", "New password", "password", "new-password"))
    title = "Reset password" if with_password else "Create account"
    parts = [
        f"<p>We sent a code to <strong>{html.escape(address)}</strong>.</p>",
        _form(action, fields, "Continue", "code"),
    ]
    return _page(title, parts, error, status_code)


def forgot_password_page(error: str | None = None, status_code: int = 200) -> HTMLResponse:
    """Step 1 of a reset: the account's email."""
    fields = [_field("identifier", "Email", "email", "email")]
    parts = [_form("/forgot-password", fields, "Send code", "start")]
    return _page("Reset password", parts, error, status_code)
