"""Headless Chromium driven by Selenium, for the browser tests (tests/e2e/test_browser_*.py).

Needs Debian's `chromium` and `chromium-driver` (installed by `.ci/run`). Where they are missing,
the tests are skipped, except where `MOCK_LOGTO_REQUIRE_BROWSER` is set (CI): there a missing
browser is a failure, never a silent skip.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")


def require_browser() -> None:
    """Skip the calling test module without Chromium (fail instead under CI)."""
    if CHROMIUM and CHROMEDRIVER:
        return
    if os.environ.get("MOCK_LOGTO_REQUIRE_BROWSER"):
        pytest.fail("chromium and chromedriver are required", pytrace=False)
    pytest.skip(
        "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)",
        allow_module_level=True,
    )


@contextmanager
def chromium() -> Iterator[webdriver.Chrome]:
    """A headless Chromium, quit on exit."""
    assert CHROMIUM and CHROMEDRIVER  # require_browser() ran first
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()
