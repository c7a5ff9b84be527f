"""The official Logto Python SDK (`logto` on PyPI) signs in against a real mock-logto server.

The SDK talks over HTTP (aiohttp) and verifies ID tokens with keys fetched from the JWKS URI,
so this runs the server on a socket. The browser part of the sign-in (the redirect to Logto and
back) is played by httpx following the mock's redirects after the Experience API sign-in.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

import httpx
import jwt
import pytest
from logto import LogtoClient, LogtoConfig, UserInfoScope
from logto.Storage import MemoryStorage

from mock_logto.server import MockLogtoServer

from ..conftest import make_settings

pytestmark = pytest.mark.e2e

CALLBACK = "http://localhost:3000/callback"
API = "https://api.example.com"


@pytest.fixture(scope="module")
def server() -> Iterator[MockLogtoServer]:
    with MockLogtoServer(make_settings(port=0)) as running:
        yield running


def browser_sign_in(sign_in_url: str, username: str, password: str) -> str:
    """What the user's browser does: open the URL, sign in, follow redirects to the callback."""
    with httpx.Client(follow_redirects=False, timeout=5) as browser:
        page = browser.get(sign_in_url)
        assert page.status_code == 303
        assert page.headers["location"].startswith("/sign-in?app_id=demo-web")
        base = f"{urlsplit(sign_in_url).scheme}://{urlsplit(sign_in_url).netloc}"
        assert browser.put(f"{base}/api/experience", json={"interactionEvent": "SignIn"}).is_success
        verification = browser.post(
            f"{base}/api/experience/verification/password",
            json={"identifier": {"type": "username", "value": username}, "password": password},
        ).json()["verificationId"]
        assert browser.post(
            f"{base}/api/experience/identification", json={"verificationId": verification}
        ).is_success
        url = browser.post(f"{base}/api/experience/submit").json()["redirectTo"]
        while not url.startswith(CALLBACK):
            response = browser.get(url)
            assert response.status_code in (302, 303), response.text
            url = response.headers["location"]
            if url.startswith("/"):
                url = base + url
        return url


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
        assert set(dict(parse_qsl(urlsplit(callback).query))) == {"code", "state", "iss"}
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

        jwks = jwt.PyJWKClient(f"{server.issuer}/jwks")
        api_token = await client.getAccessToken(API)
        assert api_token is not None
        api_claims = jwt.decode(
            api_token,
            jwks.get_signing_key_from_jwt(api_token).key,
            algorithms=["ES384"],
            audience=API,
            issuer=server.issuer,
        )
        assert (api_claims["sub"], api_claims["client_id"]) == ("user-alice", "demo-web")
        assert api_claims["scope"] == "read:items write:items"

        org_token = await client.getOrganizationToken("org-acme")
        assert org_token is not None
        org_claims = jwt.decode(
            org_token,
            jwks.get_signing_key_from_jwt(org_token).key,
            algorithms=["ES384"],
            audience="urn:logto:organization:org-acme",
            issuer=server.issuer,
        )
        assert org_claims["scope"] == "read:members"
        assert (await client.getOrganizationTokenClaims("org-acme")).sub == "user-alice"

    asyncio.run(scenario())
    server.check_errors()
