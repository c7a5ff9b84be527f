"""Signing a user in as a browser does: PKCE, Logto's Experience API, redirects to the callback.

The helpers take an `httpx2.Client`: a TestClient (in-process), or a client whose base URL is a
running server's. Either way its cookie jar plays the browser's.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx2

from .tenants import DEMO_CALLBACK as WEB_CALLBACK
from .tenants import DEMO_WEB as WEB


def pkce_challenge(verifier: str) -> str:
    """The S256 code challenge of `verifier` (RFC 7636)."""
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def query_of(url: str, fragment: bool = False) -> dict[str, str]:
    """The parameters of a URL's query (or fragment), e.g. the `code` of a callback."""
    parts = urlsplit(url)
    return dict(parse_qsl(parts.fragment if fragment else parts.query))


def experience_sign_in(
    client: httpx2.Client, identifier: str, password: str, *, kind: str = "username"
) -> str:
    """Logto's headless sign-in in the open interaction; returns the `redirectTo` to resume at.

    `kind` is the identifier's type: `username` or `email`.
    """
    assert client.put("/api/experience", json={"interactionEvent": "SignIn"}).status_code == 204
    verified = client.post(
        "/api/experience/verification/password",
        json={"identifier": {"type": kind, "value": identifier}, "password": password},
    )
    assert verified.status_code == 200, verified.text
    identified = client.post(
        "/api/experience/identification", json={"verificationId": verified.json()["verificationId"]}
    )
    assert identified.status_code == 204, identified.text
    submitted = client.post("/api/experience/submit")
    assert submitted.status_code == 200, submitted.text
    redirect_to: str = submitted.json()["redirectTo"]
    return redirect_to


def follow_to_callback(
    client: httpx2.Client, url: str, callback: str, *, headers: dict[str, str] | None = None
) -> str:
    """Follow the server's redirects from `url` until the client's `callback`; return its URL."""
    for _ in range(5):
        response = client.get(url, headers=headers, follow_redirects=False)
        assert response.status_code in (302, 303), response.text
        url = response.headers["location"]
        if url.startswith(callback):
            return url
    raise AssertionError("no redirect to the callback")


#: The PKCE verifier the code-flow helpers below use.
VERIFIER = "v" * 43


def auth_params(**overrides: Any) -> dict[str, Any]:
    params: dict[str, Any] = {
        "client_id": "demo-web",
        "redirect_uri": WEB_CALLBACK,
        "response_type": "code",
        "scope": "openid offline_access profile email",
        "state": "st",
        "prompt": "consent",
        "code_challenge": pkce_challenge(VERIFIER),
        "code_challenge_method": "S256",
    }
    params.update(overrides)
    return {k: v for k, v in params.items() if v is not None}


def code_for(client: httpx2.Client, username: str = "alice", **overrides: Any) -> str:
    """Sign in with the `login_hint` shortcut; the code comes straight back."""
    response = client.get("/oidc/auth", params=auth_params(login_hint=username, **overrides))
    assert response.status_code == 303, response.text
    return query_of(response.headers["location"])["code"]


def exchange(client: httpx2.Client, code: str, **extra: str) -> httpx2.Response:
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": WEB_CALLBACK,
        "code_verifier": VERIFIER,
        **extra,
    }
    return client.post("/oidc/token", data=data, auth=WEB)


def refresh(client: httpx2.Client, token: str, **extra: str) -> httpx2.Response:
    data = {"grant_type": "refresh_token", "refresh_token": token, **extra}
    return client.post("/oidc/token", data=data, auth=WEB)
