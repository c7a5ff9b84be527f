"""A real browser (headless Chromium, driven by Selenium) signs in through the HTML page.

Needs Debian's `chromium` and `chromium-driver` (tests/support/browser.py). The browser lands on
the app's callback URL (nothing listens there; the URL is what counts), and the code in it is
exchanged for tokens, checked against the published JWKS.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode, urlsplit

import httpx
import jwt
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from mock_logto.server import MockLogtoServer

from ..support.browser import chromium, require_browser
from ..support.sign_in import pkce_challenge, query_of
from ..support.tenants import API, DEMO_WEB
from ..support.tenants import DEMO_CALLBACK as CALLBACK
from ..support.verify import verify_over_http

pytestmark = pytest.mark.e2e

require_browser()
VERIFIER = "browser-test-verifier-0123456789-abcdefghijklmnop"


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    with chromium() as driver:
        yield driver


def authorize_url(server: MockLogtoServer, prompt: str = "consent") -> str:
    query = urlencode(
        {
            "client_id": "demo-web",
            "redirect_uri": CALLBACK,
            "response_type": "code",
            "scope": "openid offline_access profile email",
            "resource": API,
            "state": "browser-state",
            "nonce": "browser-nonce",
            "prompt": prompt,
            "code_challenge": pkce_challenge(VERIFIER),
            "code_challenge_method": "S256",
        }
    )
    return f"{server.issuer}/auth?{query}"


def wait_for_callback(browser: webdriver.Chrome) -> dict[str, str]:
    WebDriverWait(browser, 10).until(lambda b: b.current_url.startswith(CALLBACK))
    return query_of(browser.current_url)


def exchange(server: MockLogtoServer, code: str) -> dict[str, str]:
    response = httpx.post(
        f"{server.issuer}/token",
        auth=DEMO_WEB,
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": CALLBACK,
            "code_verifier": VERIFIER,
            "resource": API,
        },
    )
    assert response.status_code == 200, response.text
    body: dict[str, str] = response.json()
    return body


def test_password_form_signs_in_and_the_code_exchanges(
    server: MockLogtoServer, browser: webdriver.Chrome
) -> None:
    browser.get(authorize_url(server))
    assert browser.title == "Sign in"
    assert urlsplit(browser.current_url).path == "/sign-in"
    browser.find_element(By.ID, "identifier").send_keys("alice")
    browser.find_element(By.ID, "password").send_keys("wrong-password")
    browser.find_element(By.CSS_SELECTOR, "form[action='/sign-in'] button[type=submit]").click()
    # The click does not wait for the answer page: wait for its alert.
    alert = WebDriverWait(browser, 10).until(
        lambda b: b.find_element(By.CSS_SELECTOR, "[role=alert]")
    )
    assert alert.text == "Incorrect account or password. Please check your input."

    # The demo tenant signs in by username only, as a new Logto tenant.
    browser.find_element(By.ID, "identifier").send_keys("alice")
    browser.find_element(By.ID, "password").send_keys("alice-password")
    browser.find_element(By.CSS_SELECTOR, "form[action='/sign-in'] button[type=submit]").click()
    query = wait_for_callback(browser)
    assert query["state"] == "browser-state"
    assert query["iss"] == server.issuer

    tokens = exchange(server, query["code"])
    id_claims = verify_over_http(
        tokens["id_token"], server.issuer, "demo-web", algorithms=["ES384"]
    )
    assert (id_claims["sub"], id_claims["nonce"], id_claims["email"]) == (
        "user-alice",
        "browser-nonce",
        "alice@example.com",
    )
    api_claims = verify_over_http(tokens["access_token"], server.issuer, API, algorithms=["ES384"])
    assert api_claims["sub"] == "user-alice"
    server.check_errors()


def test_one_click_user_list_signs_in_again_with_prompt_login(
    server: MockLogtoServer, browser: webdriver.Chrome
) -> None:
    """Alice's session from the test above is there; `prompt=login` asks again."""
    browser.get(authorize_url(server, prompt="login consent"))
    buttons = browser.find_elements(By.CSS_SELECTOR, "li form button")
    assert [b.text for b in buttons] == ["Alice Demo (alice)", "Bob Demo (bob)"]
    buttons[1].click()
    code = wait_for_callback(browser)["code"]
    tokens = exchange(server, code)
    claims = jwt.decode(tokens["id_token"], options={"verify_signature": False})
    assert claims["sub"] == "user-bob"
    server.check_errors()
