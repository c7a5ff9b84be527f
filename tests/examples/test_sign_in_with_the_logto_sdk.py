"""Sign a user in with Logto's Python SDK (`pip install logto`) against mock-logto."""

import asyncio

import httpx
from logto import LogtoClient, LogtoConfig


def test_sign_in_and_call_the_api_as_the_user(mock_logto):
    async def scenario() -> None:
        client = LogtoClient(
            LogtoConfig(
                endpoint=mock_logto.base_url,
                appId="demo-web",
                appSecret="demo-web-secret",
                resources=["https://api.example.com"],
                scopes=["email", "read:items"],
            )
        )
        sign_in_url = await client.signIn(redirectUri="http://localhost:3000/callback")
        # The browser's part: login_hint signs alice in at once, and Logto sends the
        # browser back to the app's callback with the code.
        callback = httpx.get(sign_in_url + "&login_hint=alice").headers["location"]
        await client.handleSignInCallback(callback)

        assert client.getIdTokenClaims().email == "alice@example.com"
        assert (await client.fetchUserInfo()).username == "alice"
        claims = await client.getAccessTokenClaims("https://api.example.com")
        assert claims.sub == "user-alice" and claims.scope == "read:items"

    asyncio.run(scenario())
