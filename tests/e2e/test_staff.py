"""Staff in a real browser: password + TOTP login, the access log, logout."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.e2e.conftest import staff_login
from tests.servers import Server
from vangnet.accounts.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def watch_csp(page: Page) -> list[str]:
    """Collect what the browser blocked because of the Content Security Policy."""
    blocked: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            blocked.append(message.text)

    page.on("console", on_console)
    return blocked


def test_administrator_logs_in_reads_the_access_log_and_logs_out(page: Page, server: Server):
    blocked = watch_csp(page)

    # A staff page asks for login first and returns there afterwards.
    page.goto(f"{server.url}/staff/access-log/")
    expect(page).to_have_url(re.compile(r"/staff/login/\?next=/staff/access-log/"))
    expect(page.locator("h1")).to_have_text("Inloggen voor medewerkers")
    staff_login(page, server, "admin", DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/staff/access-log/$"))
    expect(page.locator("h1")).to_have_text("Toegangslog")

    # Reading the log is itself logged: the second visit shows the first.
    page.reload()
    rows = page.locator("tbody tr", has_text="Toegangslog gelezen")
    expect(rows.first).to_contain_text("admin")
    expect(rows.first).to_contain_text("Webpagina: toegangslog")
    # It fits a 1,280 px window: nothing wider than the page.
    page.set_viewport_size({"width": 1280, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280

    page.get_by_role("button", name="Afmelden").click()
    expect(page).to_have_url(re.compile(r"/staff/login/"))
    page.goto(f"{server.url}/staff/")
    expect(page).to_have_url(re.compile(r"/staff/login/"))
    assert not blocked, blocked


def test_a_wrong_code_keeps_the_door_shut(page: Page, server: Server):
    page.goto(f"{server.url}/staff/login/")
    page.fill("#id_username", "rosa")
    page.fill("#id_password", DEMO_PASSWORD)
    page.fill("#id_otp_token", "000000")
    page.click("button[type=submit]")
    expect(page.get_by_role("alert")).to_contain_text("niet goed")
    page.goto(f"{server.url}/staff/")
    expect(page).to_have_url(re.compile(r"/staff/login/"))


def test_a_counsellor_sees_only_their_own_areas(page: Page, server: Server):
    staff_login(page, server, "bram", DEMO_PASSWORD)
    expect(page.locator("h1")).to_contain_text("Welkom")
    links = page.locator("main ul a")
    expect(links.filter(has_text="Chatscherm")).to_have_count(1)
    expect(links.filter(has_text="Toegangslog")).to_have_count(0)
    response = page.goto(f"{server.url}/staff/access-log/")
    assert response is not None and response.status == 403
