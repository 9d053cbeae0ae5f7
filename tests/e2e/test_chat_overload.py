"""Overload in running chats, in a real browser (issue 13): a message the server refuses with
`slow_down` stays in the page, which says so calmly and sends it again by itself after
`retry_after`; it arrives once, and the message box stays."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.test_visitor_chat import accept, console, start_chat, visitor_page
from tests.servers import Server, prepared_env

pytestmark = pytest.mark.browser
BUSY = "Het is erg druk. Je bericht wordt zo opnieuw verstuurd."


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server of its own that refuses sends once its event loop runs 0.3 s late."""
    env = prepared_env(tmp_path_factory.mktemp("e2e-overload"), VANGNET_CHAT_SEND_MAX_LAG_MS="300")
    srv = Server(env=env).start()
    yield srv
    srv.stop()


def while_the_server_is_stalled(server: Server, action: object) -> None:
    """Stop the server's process for a second around `action`: when it runs again its event
    loop is a second late, as with a saturated CPU, and the frame sent meanwhile is refused."""
    assert server.process is not None
    os.kill(server.process.pid, signal.SIGSTOP)
    try:
        action()  # type: ignore[operator]
        time.sleep(1.0)
    finally:
        os.kill(server.process.pid, signal.SIGCONT)


def shown_once(page: Page, text: str) -> None:
    expect(page.locator("#chat-log li", has_text=text)).to_have_count(1, timeout=15_000)


def test_a_refused_message_is_sent_again_by_the_page_and_arrives_once(
    browser: Browser, site: Server
):
    anna = console(browser, site, "anna")
    visitor = visitor_page(browser)
    start_chat(visitor, site, "Sem")
    accept(anna, "Sem")

    def visitor_sends() -> None:
        visitor.fill("#message", "Is er iemand?")
        visitor.press("#message", "Enter")

    while_the_server_is_stalled(site, visitor_sends)
    expect(visitor.locator("#chat-notice")).to_have_text(BUSY)
    expect(visitor.locator("#send-form")).to_be_visible()  # the box stays
    expect(visitor.locator("#chat-log li.msg-pending", has_text="Is er iemand?")).to_have_count(1)
    visitor.fill("#message", "Hallo?")  # written while the first waits: it goes after it
    visitor.press("#message", "Enter")

    shown_once(anna, "Is er iemand?")
    shown_once(anna, "Hallo?")
    texts = anna.locator("#chat-log li .msg-text").all_inner_texts()
    assert texts.index("Is er iemand?") < texts.index("Hallo?")
    expect(visitor.locator("#chat-log li.msg-pending")).to_have_count(0)
    expect(visitor.locator("#chat-notice")).to_have_text("")

    def counsellor_sends() -> None:
        anna.fill("#message", "Ja, ik ben er.")
        anna.click("#send-form button[type=submit]")

    while_the_server_is_stalled(site, counsellor_sends)
    expect(anna.locator("#chat-notice")).to_have_text(BUSY)
    expect(anna.locator("#send-form")).to_be_visible()
    shown_once(visitor, "Ja, ik ben er.")
    shown_once(anna, "Ja, ik ben er.")
    expect(anna.locator("#chat-notice")).to_have_text("")
