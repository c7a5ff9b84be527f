"""The web console (`/`, `/__mock/console/…`) in process: its page, its guards, its endpoints."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from mock_logto.http.pages import CONSOLE_CSP
from mock_logto.routes.console import CONSOLE_VERIFIER

from .support.apps import NOW, ClientFactory
from .support.changes import RICH_FIXTURE
from .support.paths import DEMO_FIXTURE
from .support.sign_in import pkce_challenge, query_of
from .support.tenants import API, ISSUER
from .support.verify import verify_access_token

FORBIDDEN = {"code": "mock.forbidden", "message": "Cross-site requests cannot use the control API."}
TOKEN = "console-token-0123456789abcdef"


def jwks(client: TestClient) -> dict[str, Any]:
    body: dict[str, Any] = client.get("/oidc/jwks").json()
    return body


def test_the_page_shows_the_tenant_under_a_strict_csp(demo: TestClient) -> None:
    page = demo.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert (
        page.headers["content-security-policy"]
        == CONSOLE_CSP
        == (
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"
        )
    )
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["x-frame-options"] == "SAMEORIGIN"
    text = page.text
    # No inline script or style: only the package's files.
    assert re.findall(r"<script[^>]*>", text) == ['<script src="/__mock/console/console.js" defer>']
    assert "<style" not in text and "style=" not in text and " on" + "click" not in text
    for shown in (
        "<caption>Applications</caption>",
        "<td><code>demo-web</code></td>",
        "<code>demo-web-secret</code>",
        "<code>http://localhost:3000/callback</code>",
        "<caption>API resources</caption>",
        "<code>read:items</code>",
        "<caption>Roles</caption>",
        "<code>https://api.example.com write:items</code>",
        "<code>alice-password</code>",
        "<caption>Organizations</caption>",
        "alice: admin<br>bob: member",
        "demo-m2m: integration",
        "<caption>Organization roles</caption>",
        f"<code>{ISSUER}</code>",
        '<section id="requests"',
        '<section id="deliveries"',
        "4 applications, 2 API resources, 4 roles, 2 users, 1 organizations",
    ):
        assert shown in text, shown
    # Every workbench choice has a label; the sign-in forms start the real flow.
    for field in ("wb-app", "wb-user", "wb-resource", "wb-organization", "wb-scopes", "jwt"):
        assert f'<label for="{field}">' in text
    assert '<form method="get" action="/oidc/auth" class="sign-in" data-app="demo-web">' in text
    assert f'value="{pkce_challenge(CONSOLE_VERIFIER)}"' in text
    assert 'data-app="demo-m2m"' not in text  # no redirect URI, no user sign-in


def test_the_sign_in_form_starts_the_real_flow(demo: TestClient) -> None:
    fields = dict(
        re.findall(
            r'<input type="hidden" name="([^"]+)" value="([^"]*)">',
            demo.get("/").text.split('data-app="demo-web"')[1].split("</form>")[0],
        )
    )
    started = demo.get("/oidc/auth", params={**fields, "login_hint": "bob"}, follow_redirects=False)
    assert started.status_code == 303
    query = query_of(started.headers["location"])
    assert (query["state"], query["iss"]) == ("mock-logto-console", ISSUER)
    tokens = demo.post(
        "/oidc/token",
        auth=("demo-web", "demo-web-secret"),
        data={
            "grant_type": "authorization_code",
            "code": query["code"],
            "redirect_uri": "http://localhost:3000/callback",
            "code_verifier": CONSOLE_VERIFIER,
        },
    )
    assert tokens.status_code == 200
    assert set(tokens.json()) >= {"access_token", "id_token", "refresh_token"}


def test_a_rich_tenant_shows_its_hooks_and_suspended_users(make_client: ClientFactory) -> None:
    text = make_client(RICH_FIXTURE).get("/").text
    assert (
        "<tr><td>Order sync</td><td><code>hook-orders</code></td>"
        "<td><code>User.Created</code> <code>Organization.Membership.Updated</code></td>"
        "<td><code>mock://sink</code></td><td><code>order-sync-signing-key-0123456789</code></td>"
        "<td>no</td></tr>"
    ) in text


def test_values_are_escaped(make_client: ClientFactory, tmp_path: Path) -> None:
    fixture = tmp_path / "evil.yaml"
    fixture.write_text(
        "applications:\n"
        "  - {id: app1, name: '<img src=x onerror=alert(1)>', type: Traditional,"
        " redirectUris: ['http://localhost/cb?a=1&b=\"x\"']}\n"
        "users:\n  - {username: eve, name: '<b>eve</b>', password: '</code><script>'}\n"
    )
    text = make_client(fixture).get("/").text
    assert "<img" not in text and "<b>eve" not in text and "</code><script>" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    assert "&lt;/code&gt;&lt;script&gt;" in text
    assert 'value="http://localhost/cb?a=1&amp;b=&quot;x&quot;"' in text


def test_the_page_is_refused_to_other_sites_and_hosts(demo: TestClient) -> None:
    # A link followed from another site opens it (that site cannot read or frame it) ...
    followed = demo.get(
        "/",
        headers={
            "Sec-Fetch-Site": "cross-site",
            "Sec-Fetch-Mode": "navigate",
            "Sec-Fetch-Dest": "document",
        },
    )
    assert followed.status_code == 200
    # ... but another site's frame or fetch gets nothing.
    for mode, dest in (("navigate", "iframe"), ("no-cors", "script"), ("cors", "empty")):
        refused = demo.get(
            "/",
            headers={
                "Sec-Fetch-Site": "cross-site",
                "Sec-Fetch-Mode": mode,
                "Sec-Fetch-Dest": dest,
            },
        )
        assert (refused.status_code, refused.json()) == (403, FORBIDDEN)
    rebound = demo.get("/", headers={"Host": "evil.test:3001"})
    assert (rebound.status_code, rebound.json()["code"]) == (403, "mock.forbidden")


def test_with_a_control_token_the_page_holds_no_tenant_data(make_client: ClientFactory) -> None:
    client = make_client(DEMO_FIXTURE, control_token=TOKEN)
    page = client.get("/", headers={"Host": "mock-logto:3001"})
    assert page.status_code == 200
    assert "demo-web-secret" not in page.text and "alice-password" not in page.text
    assert '<input type="password" id="control-token-input" name="token"' in page.text
    assert client.get("/__mock/console/tenant").status_code == 401
    fragment = client.get("/__mock/console/tenant", headers={"X-Mock-Logto-Token": TOKEN})
    assert fragment.status_code == 200
    assert fragment.headers["cache-control"] == "no-store"
    assert "<code>demo-web-secret</code>" in fragment.text
    assert "<html" not in fragment.text
    refused = client.post("/__mock/console/token", json={"app": "demo-m2m"})
    assert refused.status_code == 401


def test_the_endpoints_keep_the_control_api_guards(demo: TestClient) -> None:
    for method, path in (
        ("GET", "/__mock/console/tenant"),
        ("GET", "/__mock/console/requests"),
        ("POST", "/__mock/console/token"),
        ("POST", "/__mock/console/decode"),
    ):
        cross = demo.request(method, path, headers={"Origin": "http://evil.test"})
        assert (cross.status_code, cross.json()) == (403, FORBIDDEN)
        site = demo.request(method, path, headers={"Sec-Fetch-Site": "cross-site"})
        assert (site.status_code, site.json()) == (403, FORBIDDEN)
        rebound = demo.request(method, path, headers={"Host": "evil.test"})
        assert rebound.status_code == 403
    form = demo.post("/__mock/console/token", data={"app": "demo-m2m"})
    assert (form.status_code, form.json()["code"]) == (415, "mock.unsupported_media_type")


def test_static_files(demo: TestClient) -> None:
    script = demo.get("/__mock/console/console.js")
    assert (script.status_code, script.headers["content-type"]) == (
        200,
        "text/javascript; charset=utf-8",
    )
    assert "X-Mock-Logto-Token" in script.text
    style = demo.get("/__mock/console/console.css")
    assert (style.status_code, style.headers["content-type"]) == (200, "text/css; charset=utf-8")
    assert demo.get("/__mock/console/other.js").status_code == 404


def test_the_control_api_root_sends_a_browser_to_the_console(demo: TestClient) -> None:
    answer = demo.get("/__mock/", follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (307, "/")


def test_the_console_is_off_with_the_control_api(make_client: ClientFactory) -> None:
    client = make_client(DEMO_FIXTURE, control_api=False)
    assert client.get("/").status_code == 404
    assert client.get("/__mock/", follow_redirects=False).status_code == 404
    assert client.get("/__mock/console/console.js").status_code == 404
    assert client.post("/__mock/console/token", json={"app": "demo-m2m"}).status_code == 404


def test_workbench_client_credentials_goes_through_the_token_endpoint(demo: TestClient) -> None:
    answer = demo.post(
        "/__mock/console/token",
        json={"app": "demo-m2m", "resource": API, "scopes": ["read:items"]},
    )
    assert answer.status_code == 200
    body = answer.json()
    token = body["response"].pop("access_token")
    assert body == {
        "steps": [{"method": "POST", "path": "/oidc/token", "status": 200}],
        "response": {"expires_in": 3600, "token_type": "Bearer", "scope": "read:items"},
        "ok": True,
    }
    claims = verify_access_token(token, jwks(demo), issuer=ISSUER, audience=API, now=NOW)
    assert (claims["sub"], claims["client_id"], claims["scope"]) == (
        "demo-m2m",
        "demo-m2m",
        "read:items",
    )
    [logged] = [r for r in demo.get("/__mock/requests").json() if r["path"] != "/oidc/jwks"]
    assert (logged["method"], logged["path"], logged["status"]) == ("POST", "/oidc/token", 200)
    assert logged["headers"]["authorization"] == "Basic [redacted]"
    assert logged["headers"]["user-agent"] == "mock-logto-console"


def test_the_live_log_is_the_redacted_log_answered_304_while_unchanged(demo: TestClient) -> None:
    empty = demo.get("/__mock/console/requests")
    assert (empty.status_code, empty.json()) == (200, {"total": 0, "requests": []})
    assert empty.headers["etag"] == 'W/"0-0"'
    assert empty.headers["cache-control"] == "no-store"
    demo.post(
        "/oidc/token",
        data={"grant_type": "client_credentials", "resource": API, "client_secret": "x" * 9000},
        auth=("demo-m2m", "demo-m2m-secret"),
        headers={"User-Agent": "test"},
    )
    demo.post("/oidc/token", content=b"y" * 9000, headers={"Content-Type": "text/plain"})
    answer = demo.get("/__mock/console/requests")
    body = answer.json()
    assert body["total"] == 2
    first, second = body["requests"]
    assert first == {
        "method": "POST",
        "path": "/oidc/token",
        "query": "",
        "headers": first["headers"],
        "body": "grant_type=client_credentials&resource=https%3A%2F%2Fapi.example.com"
        "&client_secret=%5Bredacted%5D",
        "status": 400,  # two client authentication methods
        "at": NOW,
    }
    assert first["headers"]["authorization"] == "Basic [redacted]"
    assert first["body"] == demo.get("/__mock/requests").json()[0]["body"]
    assert second["body"] == "y" * 8192 + " …(cut)"
    etag = answer.headers["etag"]
    unchanged = demo.get("/__mock/console/requests", headers={"If-None-Match": etag})
    assert (unchanged.status_code, unchanged.content, unchanged.headers["etag"]) == (304, b"", etag)
    demo.get("/oidc/jwks")
    moved = demo.get("/__mock/console/requests", headers={"If-None-Match": etag})
    assert moved.status_code == 200 and moved.json()["total"] == 3
    guarded = demo.get("/__mock/console/requests", headers={"Sec-Fetch-Site": "cross-site"})
    assert (guarded.status_code, guarded.json()) == (403, FORBIDDEN)


def test_workbench_signs_a_user_in_for_an_organization_token(demo: TestClient) -> None:
    body = demo.post(
        "/__mock/console/token",
        json={
            "app": "demo-web",
            "user": "user-alice",
            "resource": API,
            "organization": "org-acme",
            "scopes": "write:items",
        },
    ).json()
    assert body["ok"] is True
    assert [(s["method"], s["path"].split("?")[0], s["status"]) for s in body["steps"]] == [
        ("GET", "/oidc/auth", 303),
        ("POST", "/oidc/token", 200),
        ("POST", "/oidc/token", 200),
    ]
    auth_query = query_of("http://x" + body["steps"][0]["path"])
    assert auth_query["login_hint"] == "alice"
    assert auth_query["scope"] == (
        "openid profile email offline_access write:items urn:logto:scope:organizations"
    )
    claims = verify_access_token(
        body["response"]["access_token"], jwks(demo), issuer=ISSUER, audience=API, now=NOW
    )
    assert (claims["sub"], claims["organization_id"], claims["scope"]) == (
        "user-alice",
        "org-acme",
        "write:items",
    )
    logged = [
        (r["method"], r["path"])
        for r in demo.get("/__mock/requests").json()
        if r["path"] != "/oidc/jwks"
    ]
    assert logged == [("GET", "/oidc/auth"), ("POST", "/oidc/token"), ("POST", "/oidc/token")]


def test_workbench_shows_refusals_as_the_endpoints_answer_them(demo: TestClient) -> None:
    not_m2m = demo.post(
        "/__mock/console/token",
        json={"app": "demo-web", "resource": API},
    ).json()
    assert not_m2m["ok"] is False
    assert not_m2m["steps"] == [{"method": "POST", "path": "/oidc/token", "status": 400}]
    assert not_m2m["response"] == {
        "code": "oidc.invalid_request",
        "message": "Request is invalid.",
        "error": "invalid_request",
        "error_description": "requested grant type is not allowed for this client",
    }
    no_redirect = demo.post(
        "/__mock/console/token", json={"app": "demo-m2m", "user": "user-bob"}
    ).json()
    assert no_redirect == {
        "steps": [],
        "ok": False,
        "error": "demo-m2m has no redirect URI: a user cannot sign in to it",
    }
    for sent, message in (
        ({}, "'app' is required"),
        ({"app": "nope"}, "no application has the id 'nope'"),
        ({"app": "demo-m2m", "user": "nobody"}, "no user has the id 'nobody'"),
        ({"app": "demo-m2m", "scopes": [1]}, "'scopes' must be a list of strings"),
        ({"app": 3}, "'app' must be a string"),
    ):
        answer = demo.post("/__mock/console/token", json=sent)
        assert (answer.status_code, answer.json()) == (
            400,
            {"code": "mock.invalid_request", "message": message},
        ), sent
    listed = demo.post(
        "/__mock/console/token", content=b"[]", headers={"Content-Type": "application/json"}
    )
    assert listed.json()["message"] == "the body must be a JSON object"


def _segment(value: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def test_decode_verifies_against_the_jwks_and_shows_expiry(demo: TestClient) -> None:
    token = demo.post(
        "/__mock/tokens", json={"app": "demo-m2m", "resource": API, "expiresIn": 60}
    ).json()["access_token"]
    kid = jwks(demo)["keys"][0]["kid"]
    decoded = demo.post("/__mock/console/decode", json={"token": f"  {token}\n"}).json()
    assert decoded["header"] == {"alg": "ES384", "typ": "at+jwt", "kid": kid}
    assert decoded["claims"]["aud"] == API
    assert decoded["signature"] == {"verified": True, "kid": kid}
    assert decoded["issuer"] == {"expected": ISSUER, "matches": True}
    assert decoded["expiry"] == {
        "now": NOW,
        "nowAt": "2026-11-23T03:22:18Z",
        "exp": NOW + 60,
        "expiresAt": "2026-11-23T03:23:18Z",
        "expired": False,
        "secondsLeft": 60,
    }
    demo.post("/__mock/clock", json={"advance": 61})
    later = demo.post("/__mock/console/decode", json={"token": token}).json()
    assert (later["expiry"]["expired"], later["expiry"]["secondsLeft"]) == (True, -1)

    header, claims, signature = token.split(".")
    forged = f"{header}.{_segment({**decoded['claims'], 'sub': 'root'})}.{signature}"
    assert demo.post("/__mock/console/decode", json={"token": forged}).json()["signature"] == {
        "verified": False,
        "reason": "the signature does not match the JWKS key",
    }
    foreign = f"{_segment({'alg': 'RS256', 'kid': 'other'})}.{claims}.{signature}"
    assert demo.post("/__mock/console/decode", json={"token": foreign}).json()["signature"] == {
        "verified": False,
        "reason": f"no key of the JWKS has kid 'other' and alg 'RS256' (published: {kid})",
    }


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("", "not a JWT: it has three parts separated by dots"),
        ("a.b", "not a JWT: it has three parts separated by dots"),
        ("!!.e30.x", "not a JWT: a part is not base64url-encoded JSON"),
        (f"{_segment({})}.W10.x", "not a JWT: its header and claims are JSON objects"),
        (
            base64.urlsafe_b64encode(b"[" * 20000).decode() + ".e30.x",
            "not a JWT: a part is not base64url-encoded JSON",
        ),
    ],
)
def test_decode_refuses_what_is_not_a_jwt(demo: TestClient, token: str, message: str) -> None:
    answer = demo.post("/__mock/console/decode", json={"token": token})
    assert (answer.status_code, answer.json()) == (
        400,
        {"code": "mock.invalid_request", "message": message},
    )
