"""`mock-logto sign-in`: a user signs in to an app through a running server's real flow.

The authorization request (with PKCE, and `login_hint` so no page is needed), the redirect with
the code, and the code exchange at the token endpoint: the same requests an app makes, over
HTTP, so the tokens printed are exactly what the app would get.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from .errors import MockLogtoError

#: What an app signing a user in usually asks for (the refresh token included).
DEFAULT_SCOPES = ("openid", "profile", "offline_access")


@dataclass(frozen=True, slots=True)
class SignIn:
    """What to sign in as, where."""

    base_url: str
    app: str
    user: str
    secret: str | None = None
    redirect_uri: str | None = None
    resource: str | None = None
    organization: str | None = None
    scopes: tuple[str, ...] = ()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Stop at the redirect to the app: its URL carries the code."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def authorization_code(sign_in: SignIn, challenge: str) -> str:
    """The code `/oidc/auth` sends to the app's redirect URI for this user."""
    scopes = list(sign_in.scopes or DEFAULT_SCOPES)
    if sign_in.organization and "urn:logto:scope:organizations" not in scopes:
        scopes.append("urn:logto:scope:organizations")
    query = {
        "client_id": sign_in.app,
        "response_type": "code",
        "scope": " ".join(scopes),
        "prompt": "consent",  # so offline_access is kept and a refresh token issued
        "login_hint": sign_in.user,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "state": secrets.token_urlsafe(8),
    }
    if sign_in.redirect_uri:
        query["redirect_uri"] = sign_in.redirect_uri
    if sign_in.resource:
        query["resource"] = sign_in.resource
    url = f"{sign_in.base_url}/oidc/auth?{urlencode(query)}"
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url, timeout=10) as response:
            raise MockLogtoError(f"{sign_in.base_url} answered {response.status}, not a redirect")
    except urllib.error.HTTPError as exc:
        location = exc.headers.get("location")
        if exc.code not in (302, 303) or location is None:
            raise MockLogtoError(_refusal(sign_in.base_url, exc)) from exc
    if urlsplit(location).path in ("/sign-in", "/consent"):
        raise MockLogtoError(f"no user '{sign_in.user}' can sign in (check --user)")
    answer = parse_qs(urlsplit(location).query)
    if "code" not in answer:
        problem = answer.get("error_description", answer.get("error", ["no code"]))[0]
        raise MockLogtoError(f"the authorization request was refused: {problem}")
    return answer["code"][0]


def _refusal(base_url: str, error: urllib.error.HTTPError) -> str:
    try:
        body = json.load(error)
    except ValueError:
        return f"{base_url} is not mock-logto (HTTP {error.code})"
    if not isinstance(body, dict):
        return f"{base_url} is not mock-logto (HTTP {error.code})"
    return str(body.get("error_description") or body.get("message") or f"HTTP {error.code}")


def run(sign_in: SignIn) -> dict[str, Any]:
    """Sign in and redeem the code; the token endpoint's answer (+ an organization token)."""
    verifier, challenge = _pkce()
    code = authorization_code(sign_in, challenge)
    form = {"grant_type": "authorization_code", "code": code, "code_verifier": verifier}
    if sign_in.redirect_uri:
        form["redirect_uri"] = sign_in.redirect_uri
    if sign_in.resource:
        form["resource"] = sign_in.resource
    tokens = _token_request(sign_in, form, "the code exchange")
    if sign_in.organization and "refresh_token" in tokens:
        organization = _token_request(
            sign_in,
            {
                "grant_type": "refresh_token",
                "refresh_token": tokens["refresh_token"],
                "organization_id": sign_in.organization,
            },
            "the organization token",
        )
        tokens["organization_token"] = organization["access_token"]
    return tokens


def _token_request(sign_in: SignIn, form: dict[str, str], step: str) -> dict[str, Any]:
    """A token request authenticated as the app (its secret, or only its id for a public app)."""
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if sign_in.secret is None:
        form = {**form, "client_id": sign_in.app}
    else:
        basic = base64.b64encode(f"{sign_in.app}:{sign_in.secret}".encode()).decode()
        headers["Authorization"] = f"Basic {basic}"
    request = urllib.request.Request(  # noqa: S310 - the user's own server
        f"{sign_in.base_url}/oidc/token", urlencode(form).encode(), headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            answer: dict[str, Any] = json.load(response)
    except urllib.error.HTTPError as exc:
        message = _refusal(sign_in.base_url, exc)
        if sign_in.secret is None and exc.code == 401:
            message += f" ({sign_in.app} is a confidential app: pass --secret)"
        raise MockLogtoError(f"{step} was refused: {message}") from exc
    return answer
