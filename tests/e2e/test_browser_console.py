"""A real browser (headless Chromium, driven by Selenium) uses the web console at `/`.

It finds the demo tenant's apps and users, gets a token through the workbench and sees it decoded
and verified, sees its own token request in the live log, resets, and signs a user in through
the browser flow the console starts. Only the page's own script drives the control API, so this
also shows the CSP and the control API's same-origin rules let the console work.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select, WebDriverWait

from mock_logto.routes.console import CONSOLE_VERIFIER
from mock_logto.server import MockLogtoServer

from ..support.browser import chromium, require_browser
from ..support.server import serve
from ..support.sign_in import query_of
from ..support.tenants import API, DEMO_CALLBACK, DEMO_WEB
from ..support.verify import verify_over_http

pytestmark = pytest.mark.e2e

require_browser()
TOKEN = "console-control-token-0123456789"


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    with chromium() as driver:
        yield driver


def wait_for(browser: webdriver.Chrome, css: str, text: str) -> WebElement:
    """The element matching `css` once its text contains `text`."""

    def found(b: webdriver.Chrome) -> WebElement | bool:
        for candidate in b.find_elements(By.CSS_SELECTOR, css):
            if text in candidate.text:
                return candidate
        return False

    waiting = WebDriverWait(browser, 10, ignored_exceptions=[StaleElementReferenceException])
    element = waiting.until(found)
    assert isinstance(element, WebElement)
    return element


def table(browser: webdriver.Chrome, caption: str) -> list[list[str]]:
    for candidate in browser.find_elements(By.TAG_NAME, "table"):
        if candidate.find_element(By.TAG_NAME, "caption").text == caption:
            return [
                [cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
                for row in candidate.find_elements(By.CSS_SELECTOR, "tbody tr")
            ]
    raise AssertionError(f"no table {caption!r}")


def test_console_shows_the_tenant_issues_a_token_logs_it_and_signs_a_user_in(
    server: MockLogtoServer, browser: webdriver.Chrome
) -> None:
    browser.get(f"{server.base_url}/")
    assert browser.title == "mock-logto console"

    apps = {row[1]: row for row in table(browser, "Applications")}
    assert set(apps) == {"demo-m2m", "demo-admin", "demo-web", "demo-spa"}
    assert apps["demo-web"][3] == "demo-web-secret"
    assert apps["demo-web"][4] == DEMO_CALLBACK
    users = {row[2]: row for row in table(browser, "Users")}
    assert users["alice"][4] == "alice-password"
    assert users["bob"][3] == "bob@example.com"

    # The workbench: a client_credentials token for the M2M app, decoded and verified.
    Select(browser.find_element(By.ID, "wb-app")).select_by_value("demo-m2m")
    Select(browser.find_element(By.ID, "wb-resource")).select_by_value(API)
    scopes = browser.find_element(By.ID, "wb-scopes")
    scopes.send_keys("read:items")
    scopes.send_keys(Keys.ENTER)  # the keyboard submits the form
    wait_for(browser, "#signature", "Signature verified with the JWKS")
    assert "Expires at" in browser.find_element(By.ID, "expiry").text
    claims = browser.find_element(By.ID, "claims").text
    assert '"client_id": "demo-m2m"' in claims
    jwt = browser.find_element(By.ID, "jwt").get_attribute("value")
    assert jwt
    verified = verify_over_http(jwt, server.issuer, API, algorithms=["ES384"])
    assert (verified["sub"], verified["scope"]) == ("demo-m2m", "read:items")

    # Its own request, in the live log (polled), with the secret redacted.
    row = wait_for(browser, "#requests-rows tr", "/oidc/token")
    cells = [cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
    assert cells[1:4] == ["POST", "/oidc/token", "200"]
    row.find_element(By.TAG_NAME, "summary").send_keys(Keys.ENTER)  # by keyboard too
    assert "authorization: Basic [redacted]" in row.find_element(By.TAG_NAME, "pre").text

    # A user's token: the workbench signs Alice in to the web app for the API.
    Select(browser.find_element(By.ID, "wb-app")).select_by_value("demo-web")
    Select(browser.find_element(By.ID, "wb-user")).select_by_value("user-alice")
    browser.find_element(By.CSS_SELECTOR, "#token-request button[type=submit]").click()
    wait_for(browser, "#claims", '"sub": "user-alice"')
    assert "GET /oidc/auth?" in browser.find_element(By.CSS_SELECTOR, "#token-result ol").text

    # Reset empties the log.
    browser.find_element(By.CSS_SELECTOR, "#reset-form button").click()
    wait_for(browser, "#status", "Reset")
    wait_for(browser, "#requests-rows", "None yet.")

    # Sign Alice in through the browser's real flow, from the console's form for the web app.
    form = browser.find_element(By.CSS_SELECTOR, "form.sign-in[data-app=demo-web]")
    Select(form.find_element(By.TAG_NAME, "select")).select_by_value("alice")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda b: b.current_url.startswith(DEMO_CALLBACK))
    query = query_of(browser.current_url)
    assert (query["state"], query["iss"]) == ("mock-logto-console", server.issuer)
    answer = httpx.post(
        f"{server.issuer}/token",
        auth=DEMO_WEB,
        data={
            "grant_type": "authorization_code",
            "code": query["code"],
            "redirect_uri": DEMO_CALLBACK,
            "code_verifier": CONSOLE_VERIFIER,
        },
    )
    assert answer.status_code == 200, answer.text
    id_claims = verify_over_http(
        answer.json()["id_token"], server.issuer, "demo-web", algorithms=["ES384"]
    )
    assert id_claims["sub"] == "user-alice"
    server.check_errors()


def test_with_a_control_token_the_console_takes_it_from_the_fragment(
    browser: webdriver.Chrome,
) -> None:
    with serve(control_token=TOKEN) as guarded:
        browser.get(f"{guarded.base_url}/")
        assert browser.find_elements(By.CSS_SELECTOR, "#tenant table") == []
        browser.get(f"{guarded.base_url}/#token={TOKEN}")
        wait_for(browser, "#tenant caption", "Applications")
        assert "#token" not in browser.current_url  # taken out of the address bar
        guarded.check_errors()
