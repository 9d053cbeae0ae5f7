"""Browser tests: Playwright drives Debian's chromium against a real server process."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from tests.conftest import chromium_path
from tests.servers import Server, prepared_env, run_cli

CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One embedded-default server (SQLite + in-memory layer) for the browser tests."""
    data_dir = tmp_path_factory.mktemp("e2e-server")
    # The supervisor's acute-waiting alert after 15 s instead of a minute, so its test does
    # not wait out the production delay (tests/e2e/test_reading.py).
    env = prepared_env(
        data_dir, VANGNET_QUICK_EXIT_URL="about:blank", VANGNET_ACUTE_ALERT_SECONDS="15"
    )
    srv = Server(env=env).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    browser = playwright_instance.chromium.launch(
        executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    yield page
    context.close()


def staff_login(page: Page, server: Server, username: str, password: str) -> None:
    """Log in with password and the current TOTP code, as a person with an app would.

    A code works once; if this user already used the current one, use the next one (accepted
    as clock drift), and only if that was used too, wait for the next 30-second window.
    """
    if "/staff/login/" not in page.url:  # keep a ?next= the login page was reached with
        page.goto(f"{server.url}/staff/login/")
    for attempt in range(4):
        ahead = ["--ahead"] if attempt % 2 else []
        code = run_cli(server.env, "totp", username, *ahead).strip()
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.fill("#id_otp_token", code)
        page.click("button[type=submit]")
        if not re.search(r"/staff/login/", page.url):
            return
        # django-otp throttles a device after a wrong code: 1 s, then 2 s, ...
        time.sleep(max(2.5, 30 - time.time() % 30 + 0.5) if ahead else 1.1)
    raise AssertionError(f"could not log in as {username}: {page.content()[:500]}")


@pytest.fixture
def data_dir(server: Server) -> Path:
    return Path(server.env["VANGNET_DATA_DIR"])
