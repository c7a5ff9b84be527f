"""The official Logto Python SDK (`logto` on PyPI) signs in against a real mock-logto server.

The SDK talks over HTTP (aiohttp) and verifies ID tokens with keys fetched from the JWKS URI,
so this runs the server on a socket. The browser part of the sign-in (the redirect to Logto and
back) is played by an httpx2 client following the mock's redirects after the Experience API sign-in.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import httpx2
import pytest
from logto import LogtoClient, LogtoConfig, UserInfoScope
from logto.Storage import MemoryStorage

from mock_logto.server import MockLogtoServer

from ..support.sign_in import experience_sign_in, follow_to_callback, query_of
from ..support.tenants import API
from ..support.tenants import DEMO_CALLBACK as CALLBACK
from ..support.verify import verify_over_http

pytestmark = pytest.mark.e2e


def browser_sign_in(sign_in_url: str, username: str, password: str) -> str:
    """What the user's browser does: open the URL, sign in, follow redirects to the callback."""
    base = f"{urlsplit(sign_in_url).scheme}://{urlsplit(sign_in_url).netloc}"
    with httpx2.Client(base_url=base, follow_redirects=False, timeout=5) as browser:
        page = browser.get(sign_in_url)
        assert page.status_code == 303
        assert page.headers["location"].startswith("/sign-in?app_id=demo-web")
        resume = experience_sign_in(browser, username, password)
        return follow_to_callback(browser, resume, CALLBACK)


def test_sign_in_tokens_and_user_info_with_the_official_sdk(server: MockLogtoServer) -> None:
    async def scenario() -> None:
        client = LogtoClient(
            LogtoConfig(
                endpoint=server.base_url,
                appId="demo-web",
                appSecret="demo-web-secret",
                resources=[API],
                scopes=[
                    UserInfoScope.email,
                    "roles",
                    UserInfoScope.organizations,
                    UserInfoScope.organization_roles,
                    "read:items",
                    "write:items",
                    "read:members",
                ],
            ),
            storage=MemoryStorage(),
        )
        sign_in_url = await client.signIn(redirectUri=CALLBACK)
        callback = await asyncio.to_thread(browser_sign_in, sign_in_url, "alice", "alice-password")
        assert set(query_of(callback)) == {"code", "state", "iss"}
        await client.handleSignInCallback(callback)  # verifies the ID token against the JWKS
        assert client.isAuthenticated()

        claims = client.getIdTokenClaims()
        assert (claims.sub, claims.username, claims.email) == (
            "user-alice",
            "alice",
            "alice@example.com",
        )
        assert claims.aud == "demo-web" and claims.iss == server.issuer
        assert (claims.__pydantic_extra__ or {})["roles"] == ["items-editor"]
        assert claims.organizations == ["org-acme"]
        assert claims.organization_roles == ["org-acme:admin"]

        userinfo = await client.fetchUserInfo()
        assert userinfo.sub == "user-alice"
        assert (userinfo.organizations, userinfo.organization_roles) == (
            ["org-acme"],
            ["org-acme:admin"],
        )

        api_token = await client.getAccessToken(API)
        assert api_token is not None
        api_claims = verify_over_http(api_token, server.issuer, API, algorithms=["ES384"])
        assert (api_claims["sub"], api_claims["client_id"]) == ("user-alice", "demo-web")
        assert api_claims["scope"] == "read:items write:items"

        org_token = await client.getOrganizationToken("org-acme")
        assert org_token is not None
        org_claims = verify_over_http(
            org_token, server.issuer, "urn:logto:organization:org-acme", algorithms=["ES384"]
        )
        assert org_claims["scope"] == "read:members"
        assert (await client.getOrganizationTokenClaims("org-acme")).sub == "user-alice"

    asyncio.run(scenario())
    server.check_errors()
