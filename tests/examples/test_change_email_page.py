"""An app's "change email" page, tested with the code Logto would have emailed."""

import httpx
import pytest


class EmailSettings:
    """The app's backend for the page: Logto's Account API with the signed-in user's token."""

    def __init__(self, endpoint: str, access_token: str) -> None:
        self.http = httpx.Client(
            base_url=f"{endpoint}/api", headers={"Authorization": f"Bearer {access_token}"}
        )
        self.identity = ""
        self.new_email_record = ""

    def confirm_password(self, password: str) -> None:
        response = self.http.post("/verifications/password", json={"password": password})
        response.raise_for_status()
        self.identity = response.json()["verificationRecordId"]

    def send_code(self, email: str) -> None:
        identifier = {"type": "email", "value": email}
        response = self.http.post(
            "/verifications/verification-code", json={"identifier": identifier}
        )
        response.raise_for_status()
        self.new_email_record = response.json()["verificationRecordId"]

    def change_email(self, email: str, code: str) -> None:
        verify = {
            "identifier": {"type": "email", "value": email},
            "verificationId": self.new_email_record,
            "code": code,
        }
        self.http.post("/verifications/verification-code/verify", json=verify).raise_for_status()
        self.http.post(
            "/my-account/primary-email",
            json={"email": email, "newIdentifierVerificationRecordId": self.new_email_record},
            headers={"logto-verification-id": self.identity},
        ).raise_for_status()

    def current_email(self) -> str:
        email: str = self.http.get("/my-account").json()["primaryEmail"]
        return email

    def close(self) -> None:
        self.http.close()


@pytest.fixture
def page(mock_logto):
    # The tenant's admin adds an email connector (Logto's mock one: mock-logto captures what
    # it would send) and turns the account center on, email editable.
    token = httpx.post(
        mock_logto.token_endpoint,
        auth=("demo-admin", "demo-admin-secret"),
        data={
            "grant_type": "client_credentials",
            "scope": "all",
            "resource": mock_logto.management_api_indicator,
        },
    ).json()["access_token"]
    admin = {"Authorization": f"Bearer {token}"}
    api = f"{mock_logto.base_url}/api"
    connector = {"connectorId": "mock-email-service"}
    httpx.post(f"{api}/connectors", headers=admin, json=connector).raise_for_status()
    center = {"enabled": True, "fields": {"email": "Edit"}}
    httpx.patch(f"{api}/account-center", headers=admin, json=center).raise_for_status()
    # alice signs in to the app (login_hint signs her in at once): an opaque access token.
    authorize = httpx.get(
        f"{mock_logto.issuer}/auth",
        params={
            "client_id": "demo-web",
            "redirect_uri": "http://localhost:3000/callback",
            "response_type": "code",
            "scope": "openid email",
            "login_hint": "alice",
        },
    )
    code = httpx.URL(authorize.headers["location"]).params["code"]
    access_token = httpx.post(
        mock_logto.token_endpoint,
        auth=("demo-web", "demo-web-secret"),
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": "http://localhost:3000/callback",
        },
    ).json()["access_token"]
    page = EmailSettings(mock_logto.base_url, access_token)
    yield page
    page.close()


def test_change_email(mock_logto, page):
    page.confirm_password("alice-password")
    page.send_code("alice@new.example.com")
    [email] = mock_logto.messages
    assert (email["to"], email["type"]) == ("alice@new.example.com", "BindNewIdentifier")

    page.change_email("alice@new.example.com", mock_logto.latest_code("alice@new.example.com"))

    assert page.current_email() == "alice@new.example.com"


def test_a_wrong_code_is_refused(page):
    page.confirm_password("alice-password")
    page.send_code("alice@new.example.com")
    with pytest.raises(httpx.HTTPStatusError) as refused:
        page.change_email("alice@new.example.com", "not-the-code")
    assert refused.value.response.json()["code"] == "verification_code.code_mismatch"
    assert page.current_email() == "alice@example.com"
