"""A machine-to-machine client that caches its Logto token, tested against mock-logto."""

import time

import httpx


class TokenSource:
    """Client credentials for one API, cached until shortly before they expire."""

    def __init__(self, token_endpoint: str, app_id: str, secret: str, resource: str) -> None:
        self.token_endpoint = token_endpoint
        self.auth = (app_id, secret)
        self.resource = resource
        self._token = ""
        self._expires_at = 0.0

    def token(self) -> str:
        if time.monotonic() < self._expires_at - 30:
            return self._token
        for _ in range(3):  # Logto may be briefly unavailable: retry a 5xx
            response = httpx.post(
                self.token_endpoint,
                auth=self.auth,
                data={"grant_type": "client_credentials", "resource": self.resource},
            )
            if response.status_code < 500:
                break
        response.raise_for_status()
        body = response.json()
        self._token = body["access_token"]
        self._expires_at = time.monotonic() + body["expires_in"]
        return self._token


def test_the_token_is_fetched_once_and_cached(mock_logto):
    source = TokenSource(
        mock_logto.token_endpoint, "demo-m2m", "demo-m2m-secret", "https://api.example.com"
    )
    assert source.token() == source.token()
    [sent] = mock_logto.requests_to("/oidc/token")
    assert sent.form() == {
        "grant_type": "client_credentials",
        "resource": "https://api.example.com",
    }
    assert sent.headers["authorization"].startswith("Basic ")


def test_an_outage_is_retried(mock_logto):
    mock_logto.fail("/oidc/token", status=503, count=2)
    source = TokenSource(
        mock_logto.token_endpoint, "demo-m2m", "demo-m2m-secret", "https://api.example.com"
    )
    assert source.token().count(".") == 2
    assert [r.status for r in mock_logto.requests_to("/oidc/token")] == [503, 503, 200]
