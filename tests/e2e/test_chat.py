"""A visitor and two counsellors chat in real browsers: accept, messages both ways, markup shown
as text, a reconnect, a hand-over with a note the visitor never sees, and the end."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import staff_login
from tests.servers import Server
from vangnet.accounts.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser
XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'


def console_on_duty(browser: Browser, server: Server, username: str) -> Page:
    page = browser.new_context(locale="nl-NL").new_page()
    staff_login(page, server, username, DEMO_PASSWORD)
    page.goto(f"{server.url}/staff/chat/")
    expect(page.locator("#console-status")).not_to_be_empty()
    page.click("#duty-button")
    expect(page.locator("#duty-button")).to_have_attribute("data-on", "true")
    return page


def test_visitor_and_counsellors_chat_with_reconnect_and_hand_over(
    browser: Browser, server: Server
):
    anna = console_on_duty(browser, server, "anna")

    visitor = browser.new_context(locale="nl-NL").new_page()
    visitor.goto(f"{server.url}/chat/")
    expect(visitor.locator("html")).to_have_attribute("lang", "nl")
    visitor.check("#role-young_person")
    visitor.fill("#nickname", "Mila")
    visitor.click("#start-button")
    expect(visitor.locator("#chat-status")).to_contain_text("1")  # first in the queue
    token = visitor.evaluate("JSON.parse(sessionStorage.getItem('vangnet.chat')).token")
    assert len(token) >= 32
    assert visitor.context.cookies() == []  # nothing that outlives the tab

    anna.locator("#queue button", has_text=re.compile("Accept|Aannemen")).first.click()
    expect(anna.locator("#chat-title")).to_contain_text("Mila")
    expect(visitor.locator("#chat-status")).to_contain_text("Anna")

    visitor.fill("#message", "Hoi, ik wil iets vertellen")
    visitor.press("#message", "Enter")
    expect(anna.locator("#chat-log")).to_contain_text("Hoi, ik wil iets vertellen")

    anna.fill("#message", XSS)
    anna.click("#send-form button[type=submit]")
    expect(visitor.locator("#chat-log")).to_contain_text("<img src=x")
    assert visitor.evaluate("window.__xss") is None
    assert anna.evaluate("window.__xss") is None
    assert visitor.locator("#chat-log img").count() == 0

    # Reconnect: the visitor reloads the tab and carries on with the same conversation.
    visitor.reload()
    expect(visitor.locator("#chat-log")).to_contain_text("Hoi, ik wil iets vertellen")
    expect(visitor.locator("#chat-status")).to_contain_text("Anna")
    visitor.fill("#message", "Ben je er nog?")
    visitor.press("#message", "Enter")
    expect(anna.locator("#chat-log")).to_contain_text("Ben je er nog?")

    # Hand-over to Bram with an internal note.
    bram = console_on_duty(browser, server, "bram")
    anna.click("#handover-button")
    expect(anna.locator("#handover-form")).to_be_visible()
    anna.select_option("#handover-to", label="Bram Jansen")
    anna.fill("#handover-note", "Meisje van 15, praat over een vriend die foto's heeft")
    anna.click("#handover-form button[type=submit]")
    expect(bram.locator("#chat-title")).to_contain_text("Mila")
    expect(bram.locator("#chat-notes")).to_contain_text("foto's heeft")
    expect(bram.locator("#chat-log")).to_contain_text("Ben je er nog?")
    expect(visitor.locator("#chat-status")).to_contain_text("Bram")
    assert "foto's heeft" not in visitor.content()

    bram.fill("#message", "Hoi Mila, ik ben Bram en neem het over.")
    bram.click("#send-form button[type=submit]")
    expect(visitor.locator("#chat-log")).to_contain_text("ik ben Bram")

    # The visitor ends the chat: the token is gone.
    visitor.once("dialog", lambda dialog: dialog.accept())
    visitor.click("#end-button")
    expect(visitor.locator("#chat-ended")).to_be_visible()
    assert visitor.evaluate("sessionStorage.getItem('vangnet.chat')") is None
    expect(bram.locator("#chat-after")).to_be_visible()
    for page in (anna, bram, visitor):
        page.context.close()
    # The server's own log holds no address of anyone who chatted.
    assert "127.0.0.1" not in server.log()
