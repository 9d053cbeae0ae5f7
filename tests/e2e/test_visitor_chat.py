"""The visitor's side of the chat in real browsers (issue 12): quick exit as the counsellor
sees it, the chat page following the duty state, the waiting information, 375 px, text only,
the survey after the chat (stored, and on the monitor), and axe in every state."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import staff_login
from tests.servers import Server, prepared_env, run_cli
from vangnet.accounts.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser
AXE = Axe()
PHONE = {"width": 375, "height": 667}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server of its own: nobody on duty at the start, and the chat page asks for the duty
    state every second (15 s in production) so the test does not wait long."""
    env = prepared_env(
        tmp_path_factory.mktemp("e2e-visitor"),
        VANGNET_QUICK_EXIT_URL="about:blank",
        VANGNET_CHAT_STATUS_POLL_SECONDS="1",
    )
    srv = Server(env=env).start()
    yield srv
    srv.stop()


def shell(server: Server, code: str) -> str:
    return run_cli(server.env, "shell", stdin=code)


def console(browser: Browser, server: Server, username: str, *, on_duty: bool = True) -> Page:
    page = browser.new_context(locale="nl-NL").new_page()
    staff_login(page, server, username, DEMO_PASSWORD)
    page.goto(f"{server.url}/staff/chat/")
    expect(page.locator("#console-status")).not_to_be_empty()
    if on_duty:
        set_duty(page, True)
    return page


def set_duty(page: Page, on: bool) -> None:
    expect(page.locator("#duty-label")).not_to_be_empty()  # the server said which it is
    if (page.locator("#duty-button").get_attribute("data-on") == "true") != on:
        page.click("#duty-button")
    expect(page.locator("#duty-button")).to_have_attribute("data-on", "true" if on else "false")


def visitor_page(browser: Browser, **context: object) -> Page:
    return browser.new_context(locale="nl-NL", **context).new_page()  # type: ignore[arg-type]


def start_chat(visitor: Page, server: Server, nickname: str) -> None:
    visitor.goto(f"{server.url}/chat/")
    expect(visitor.locator("#chat-start")).to_be_visible()
    visitor.check("#role-young_person")
    visitor.fill("#nickname", nickname)
    visitor.click("#start-button")
    expect(visitor.locator("#chat-status")).to_contain_text("1")


def accept(counsellor: Page, nickname: str) -> None:
    counsellor.locator("#queue li", has_text=nickname).locator("button").first.click()
    expect(counsellor.locator("#chat-title")).to_contain_text(nickname)


def assert_axe_clean(page: Page) -> None:
    results = AXE.run(page)
    assert results.violations_count == 0, results.generate_report()


def test_the_chat_page_follows_the_duty_state_both_ways(browser: Browser, site: Server):
    visitor = visitor_page(browser)
    visitor.goto(f"{site.url}/chat/")
    expect(visitor.locator("#chat-closed")).to_be_visible()
    expect(visitor.locator("#chat-start")).to_be_hidden()
    assert_axe_clean(visitor)

    anna = console(browser, site, "anna")  # goes on duty
    expect(visitor.locator("#chat-start")).to_be_visible(timeout=10_000)  # no reload
    expect(visitor.locator("#chat-closed")).to_be_hidden()
    expect(visitor.locator("#chat-availability")).to_contain_text("open")

    set_duty(anna, False)
    expect(visitor.locator("#chat-closed")).to_be_visible(timeout=10_000)
    expect(visitor.locator("#chat-start")).to_be_hidden()
    anna.context.close()
    visitor.context.close()


def test_quick_exit_is_seen_by_the_counsellor_within_two_seconds(browser: Browser, site: Server):
    anna = console(browser, site, "anna")
    visitor = visitor_page(browser)
    start_chat(visitor, site, "Noor")
    accept(anna, "Noor")
    visitor.fill("#message", "Ik moet zo weg")
    visitor.press("#message", "Enter")
    expect(anna.locator("#chat-log")).to_contain_text("Ik moet zo weg")

    started = time.monotonic()
    visitor.click("#quick-exit")
    expect(anna.locator("#chat-log")).to_contain_text(
        "De bezoeker heeft de chat snel verlaten", timeout=2_000
    )
    seen_after = time.monotonic() - started
    assert seen_after < 2.0, seen_after
    expect(anna.locator("#send-form")).to_be_hidden()  # the chat has ended
    expect(anna.locator("#chat-after a")).to_be_visible()  # "code this contact"
    expect(visitor).to_have_url("about:blank")

    # The slot is free and the chat is in the list still to code.
    held = shell(
        site,
        "from vangnet.chat.models import Conversation\n"
        "print('HELD', Conversation.objects.filter(counsellor__username='anna', "
        "status='active').count())\n",
    )
    assert "HELD 0" in held
    anna.goto(f"{site.url}/staff/chat/")
    expect(anna.locator(".uncoded")).to_contain_text("Noor")
    set_duty(anna, False)
    anna.context.close()
    assert "127.0.0.1" not in site.log()  # the beacon left no address in the server's log


def test_waiting_information_text_only_and_375px(browser: Browser, site: Server):
    bram = console(browser, site, "bram")
    visitor = visitor_page(browser, viewport=PHONE)
    start_chat(visitor, site, "Kim")
    # While waiting: what to expect, 112 as a link, and where to read what happens with it.
    expect(visitor.locator("#chat-expect")).to_have_attribute("open", "")
    expect(visitor.locator("#chat-expect")).to_contain_text("meestal binnen een paar minuten")
    expect(visitor.locator("#chat-expect")).to_contain_text("niets over jou")
    expect(visitor.locator("#chat-expect a[href='tel:112']")).to_be_visible()
    expect(visitor.locator("#privacy-link-room")).to_be_visible()
    visitor.fill("#message", "Hallo?")
    visitor.press("#message", "Enter")
    expect(visitor.locator("#chat-log li")).to_have_count(1)
    assert_axe_clean(visitor)  # the waiting state, with a message in it

    accept(bram, "Kim")
    expect(visitor.locator("#chat-status")).to_contain_text("Bram")
    for number in range(12):
        bram.fill("#message", f"Bericht {number}: vertel maar, ik lees mee.")
        bram.click("#send-form button[type=submit]")
    expect(visitor.locator("#chat-log li")).to_have_count(14)  # + "joined" + Hallo?
    # Once the chat runs the introduction collapses: the message box is in view, unscrolled.
    expect(visitor.locator("#chat-expect")).not_to_have_attribute("open", "")
    visitor.evaluate("window.scrollTo(0, 0)")
    box = visitor.locator("#message").bounding_box()
    assert box is not None
    assert 0 <= box["y"] and box["y"] + box["height"] <= PHONE["height"], box
    send_box = visitor.locator("#send-form button[type=submit]").bounding_box()
    assert send_box is not None and send_box["y"] + send_box["height"] <= PHONE["height"]
    assert visitor.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_axe_clean(visitor)  # the running chat with messages in it

    # Text only: a pasted image and a dropped file are refused with a message; nothing is sent.
    expect(visitor.locator("#text-only")).to_be_visible()
    visitor.evaluate(
        """() => {
        const data = new DataTransfer();
        data.items.add(new File(["png"], "foto.png", { type: "image/png" }));
        const box = document.getElementById("message");
        box.dispatchEvent(new ClipboardEvent(
            "paste", { clipboardData: data, bubbles: true, cancelable: true }));
        }"""
    )
    expect(visitor.locator("#chat-notice")).to_contain_text("alleen tekst")
    assert visitor.input_value("#message") == ""
    visitor.evaluate("document.getElementById('chat-notice').textContent = ''")
    url = visitor.url
    visitor.evaluate(
        """() => {
        const data = new DataTransfer();
        data.items.add(new File(["pdf"], "bewijs.pdf", { type: "application/pdf" }));
        document.getElementById("chat-log").dispatchEvent(
            new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
        }"""
    )
    expect(visitor.locator("#chat-notice")).to_contain_text("alleen tekst")
    assert visitor.url == url
    visitor.wait_for_timeout(500)
    expect(visitor.locator("#chat-log li")).to_have_count(14)  # nothing was sent
    expect(bram.locator("#chat-log li")).to_have_count(14)

    bram.once("dialog", lambda dialog: dialog.accept())
    bram.click("#end-button")
    expect(visitor.locator("#chat-survey")).to_be_visible()
    set_duty(bram, False)
    bram.context.close()
    visitor.context.close()


def test_the_survey_after_a_chat_is_stored_and_shown_on_the_monitor(browser: Browser, site: Server):
    anna = console(browser, site, "anna")
    visitor = visitor_page(browser)
    start_chat(visitor, site, "Lou")
    accept(anna, "Lou")
    visitor.fill("#message", "Dank je, dit hielp.")
    visitor.press("#message", "Enter")
    expect(anna.locator("#chat-log")).to_contain_text("dit hielp")
    visitor.once("dialog", lambda dialog: dialog.accept())
    visitor.click("#end-button")

    survey = visitor.locator("#chat-survey")
    expect(survey).to_be_visible()
    assert visitor.evaluate("sessionStorage.getItem('vangnet.chat')") is None  # token gone
    assert_axe_clean(visitor)  # the survey state
    expect(visitor.locator("[data-question=helped] legend")).to_contain_text("Had je iets")
    visitor.locator("[data-question=helped] button[data-answer=yes]").click()
    expect(visitor.locator("[data-question=first_time] legend")).to_be_focused()
    visitor.locator("[data-question=first_time] button[data-answer=yes]").click()
    visitor.locator("[data-question=come_back] button[data-answer=maybe]").click()
    expect(visitor.locator("#survey-result")).to_contain_text("Bedankt voor je antwoorden")
    expect(visitor.locator(".survey-question:visible")).to_have_count(0)  # once only
    assert visitor.context.cookies() == []

    stored = shell(
        site,
        "from vangnet.coding.models import VisitorFeedback\n"
        "f = VisitorFeedback.objects.get(conversation__nickname__isnull=False, synthetic=False)\n"
        "print('FEEDBACK', f.helped, f.first_time, f.come_back)\n",
    )
    assert "FEEDBACK yes yes maybe" in stored
    set_duty(anna, False)
    anna.context.close()

    researcher = browser.new_context(locale="nl-NL").new_page()
    staff_login(researcher, site, "rosa", DEMO_PASSWORD)
    researcher.goto(f"{site.url}/staff/monitor/")
    table = researcher.locator("#feedback-table")
    expect(table).to_be_visible()
    states = table.locator("[data-state]").evaluate_all(
        "cells => cells.map(c => c.getAttribute('data-state'))"
    )
    assert states and set(states) <= {"perturbed", "small", "protecting"}
    respondents = researcher.locator("[data-cell$='feedback:n']").inner_text()
    assert re.fullmatch(r"\d+", respondents)
    expect(researcher.locator("#feedback-compare")).to_contain_text("%")
    researcher.context.close()
    visitor.context.close()
