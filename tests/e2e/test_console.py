"""The counsellor's console in Chromium (issue 12): waits counted on the server's clock and shown
in Dutch time while the browser's clock is off, unread counts and the chat waiting longest with
three chats open, short tab titles, saved replies inserted by click and by key and edited before
sending, the supervisor keeping the replies (a counsellor refused), and axe on these states."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import staff_login
from tests.servers import Server, prepared_env, run_cli
from vangnet.accounts.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser
AXE = Axe()
AMSTERDAM = ZoneInfo("Europe/Amsterdam")

# A parent who has waited three minutes (the server's clock), without a live socket.
WAITING_PARENT = """
import hashlib, uuid
from datetime import timedelta
from django.utils import timezone
from vangnet.chat.models import Conversation
c = Conversation.objects.create(token_hash=hashlib.sha256(uuid.uuid4().bytes).hexdigest(),
    visitor_role="parent_carer")
Conversation.objects.filter(pk=c.pk).update(created_at=timezone.now() - timedelta(minutes=3))
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server of its own: the queue and the held chats are this module's only."""
    env = prepared_env(tmp_path_factory.mktemp("e2e-console"), VANGNET_QUICK_EXIT_URL="about:blank")
    srv = Server(env=env).start()
    yield srv
    srv.stop()


def assert_accessible(page: Page) -> None:
    results = AXE.run(page)
    assert results.violations_count == 0, results.generate_report()


def open_console(page: Page, server: Server, username: str) -> Page:
    staff_login(page, server, username, DEMO_PASSWORD)
    page.goto(f"{server.url}/staff/chat/")
    expect(page.locator("#console-status")).not_to_be_empty()
    if page.locator("#duty-button").get_attribute("data-on") != "true":
        page.click("#duty-button")
    expect(page.locator("#duty-button")).to_have_attribute("data-on", "true")
    return page


def visitor_starts(
    browser: Browser, server: Server, role: str, nickname: str = "", lang: str = "nl"
) -> Page:
    visitor = browser.new_context(locale="nl-NL").new_page()
    visitor.goto(f"{server.url}{'/en' if lang == 'en' else ''}/chat/")
    visitor.check(f"#role-{role}")
    if nickname:
        visitor.fill("#nickname", nickname)
    visitor.click("#start-button")
    expect(visitor.locator("#chat-status")).not_to_be_empty()
    # Started: the server's welcome gave the tab its token. Until then the status says
    # "connecting" and the page has no chat to send a typed message in.
    visitor.wait_for_function(
        "() => (JSON.parse(sessionStorage.getItem('vangnet.chat') || 'null') || {}).token"
    )
    return visitor


def visitor_says(visitor: Page, text: str) -> None:
    visitor.fill("#message", text)
    visitor.press("#message", "Enter")


def accept(console: Page, who: str) -> None:
    """Accept the newest visitor of that name (the queue is oldest first)."""
    console.locator("#queue li", has_text=who).last.get_by_role("button", name="Aannemen").click()
    expect(console.locator("#chat-tabs [role=tab]", has_text=who)).to_be_visible()


def tab(console: Page, who: str):  # type: ignore[no-untyped-def]
    return console.locator("#chat-tabs [role=tab]", has_text=who)


def amsterdam_minutes_around_now() -> set[str]:
    now = datetime.now(UTC).astimezone(AMSTERDAM)
    return {(now + timedelta(minutes=d)).strftime("%H:%M") for d in (-1, 0, 1)}


def test_waits_tick_on_the_servers_clock_and_times_are_dutch_time(
    browser: Browser, server: Server
) -> None:
    run_cli(server.env, "shell", stdin=WAITING_PARENT)
    # The counsellor's computer is two hours behind and set to New York time.
    context = browser.new_context(locale="nl-NL", timezone_id="America/New_York")
    context.clock.install(time=datetime.now(UTC) - timedelta(hours=2))
    bram = open_console(context.new_page(), server, "bram")

    parent = bram.locator("#queue li", has_text="Ouder · Anoniem")
    expect(parent).to_contain_text("wacht 3 min")
    bram.clock.run_for(2 * 60 * 1000)  # two minutes later, without a new frame from the server
    expect(parent).to_contain_text("wacht 5 min")

    sam = visitor_starts(browser, server, "young_person", "Sam")
    newcomer = bram.locator("#queue li", has_text="Jongere · Sam")
    expect(newcomer).to_contain_text("wacht < 1 min")
    accept(bram, "Jongere · Sam")
    visitor_says(sam, "Hoi, ben je er?")
    line = bram.locator("#chat-log li", has_text="Hoi, ben je er?")
    expect(line).to_be_visible()
    shown = line.locator("time").inner_text()
    assert shown in amsterdam_minutes_around_now(), shown  # not the browser's 2-hours-off clock
    expect(tab(bram, "Jongere · Sam")).to_contain_text("wacht < 1 min op antwoord")
    bram.clock.run_for(3 * 60 * 1000)
    expect(tab(bram, "Jongere · Sam")).to_contain_text("wacht 3 min op antwoord")
    sam.context.close()
    context.close()


def test_three_chats_unread_longest_waiting_short_tabs_saved_replies_and_axe(
    browser: Browser, server: Server
) -> None:
    anna = open_console(browser.new_context(locale="nl-NL").new_page(), server, "anna")
    sam = visitor_starts(browser, server, "young_person", "Sam")
    parent = visitor_starts(browser, server, "parent_carer")
    eva = visitor_starts(browser, server, "professional", "Eva", lang="en")
    accept(anna, "Jongere · Sam")  # the first accepted chat is shown
    accept(anna, "Ouder · Anoniem")
    accept(anna, "Professional · Eva")
    # Short tab titles, not the visitor's answer as a sentence.
    expect(anna.locator("#chat-tabs")).not_to_contain_text("over mezelf")
    expect(anna.locator("#chat-title")).to_have_text("Jongere · Sam")

    visitor_says(sam, "Ik wil iets vertellen")
    expect(anna.locator("#chat-log")).to_contain_text("Ik wil iets vertellen")
    visitor_says(parent, "Mijn dochter krijgt berichten")
    visitor_says(parent, "Van een onbekende man")
    expect(tab(anna, "Ouder · Anoniem")).to_contain_text("2 ongelezen")
    expect(tab(anna, "Jongere · Sam")).not_to_contain_text("ongelezen")  # it is shown
    # Sam wrote first and has had no answer: that chat waits longest, marked and announced.
    expect(tab(anna, "Jongere · Sam")).to_contain_text("wacht het langst")
    expect(anna.locator("#longest-status")).to_contain_text("Jongere · Sam")
    expect(anna.locator("#longest-go")).to_be_hidden()  # it is the chat shown
    assert_accessible(anna)  # three chats, unread counts, waits

    # A saved reply by click, changed before sending.
    anna.get_by_role("button", name=re.compile("^Begroeting")).click()
    box = anna.locator("#message")
    expect(box).to_have_value(re.compile(r"^Hoi, fijn dat je er bent\."))
    box.press("End")
    box.type(" Sam, neem je tijd.")
    anna.click("#send-form button[type=submit]")
    expect(sam.locator("#chat-log")).to_contain_text("Wat wil je vertellen? Sam, neem je tijd.")
    # Answered: now the parent waits longest.
    expect(tab(anna, "Ouder · Anoniem")).to_contain_text("wacht het langst")
    expect(anna.locator("#longest-status")).to_contain_text("Ouder · Anoniem")
    anna.click("#longest-go")
    expect(anna.locator("#chat-title")).to_have_text("Ouder · Anoniem")
    expect(tab(anna, "Ouder · Anoniem")).not_to_contain_text("ongelezen")

    # By key: Alt+Shift+2 is the second reply, inserted where the cursor is.
    box.fill("Dank je. ")
    box.press("End")
    anna.keyboard.press("Alt+Shift+Digit2")
    expect(box).to_have_value(
        "Dank je. Ik ben er nog. Ik lees even goed wat je schreef en reageer zo."
    )
    box.press("Enter")
    expect(parent.locator("#chat-log")).to_contain_text("Dank je. Ik ben er nog.")

    # Eva chats in English: the replies are offered and inserted in English.
    tab(anna, "Professional · Eva").click()
    anna.get_by_role("button", name=re.compile("^Images online or threatened")).click()
    expect(box).to_have_value(re.compile(r"^I am sorry this is happening\."))
    expect(anna.locator("#info-images summary")).to_have_text("Route: beelden offline halen")
    assert_accessible(anna)
    for page in (sam, parent, eva, anna):
        page.context.close()


def test_a_supervisor_keeps_the_saved_replies_and_a_counsellor_may_not(
    browser: Browser, server: Server
) -> None:
    counsellor = browser.new_context(locale="nl-NL").new_page()
    staff_login(counsellor, server, "bram", DEMO_PASSWORD)
    assert counsellor.goto(f"{server.url}/staff/chat/replies/").status == 403
    assert counsellor.goto(f"{server.url}/staff/chat/replies/new/").status == 403

    sara = browser.new_context(locale="nl-NL").new_page()
    staff_login(sara, server, "sara", DEMO_PASSWORD)
    sara.goto(f"{server.url}/staff/chat/replies/")
    expect(sara.locator("#saved-replies > li").first).to_contain_text("Begroeting")
    assert_accessible(sara)

    sara.click("text=Nieuw standaardantwoord")
    sara.click("main form button[type=submit]")  # empty: refused, with a clear message
    expect(sara.locator(".field-error").first).to_contain_text("titel")
    assert_accessible(sara)
    sara.fill("#id_title_nl", "Afsluiten")
    sara.fill("#id_text_nl", "Fijn dat je dit vertelde. Je kunt altijd terugkomen.")
    sara.fill("#id_title_en", "Closing")
    sara.fill("#id_text_en", "Thank you for telling me. You can always come back.")
    sara.click("main form button[type=submit]")
    last = sara.locator("#saved-replies > li").last
    expect(last).to_contain_text("Afsluiten")
    # Up one place, then edited, then the police number is no longer offered.
    last.get_by_role("button", name=re.compile("^Omhoog")).click()
    expect(sara.locator("#saved-replies > li").nth(-2)).to_contain_text("Afsluiten")
    sara.locator("#saved-replies > li", has_text="Afsluiten").get_by_role(
        "link", name=re.compile("^Bewerken")
    ).click()
    sara.fill("#id_text_nl", "Fijn dat je dit vertelde. Je kunt altijd terugkomen, ook 's nachts.")
    sara.click("main form button[type=submit]")
    expect(sara.locator("#saved-replies")).to_contain_text("ook 's nachts")
    police = sara.locator("#saved-replies > li", has_text="Politie 0900-8844")
    police.get_by_role("button", name=re.compile("^Niet meer aanbieden")).click()
    expect(sara.locator("#saved-replies > li", has_text="Politie 0900-8844")).to_contain_text(
        "niet aangeboden"
    )

    # The counsellor's console offers the new reply, the police reply no longer.
    console = open_console(counsellor, server, "bram")
    sam = visitor_starts(browser, server, "young_person", "Noor")
    accept(console, "Jongere · Noor")
    replies = console.locator("#reply-list")
    expect(replies).to_contain_text("Afsluiten")
    expect(replies).not_to_contain_text("Politie")
    expect(console.locator("#reply-list li").nth(-2)).to_contain_text("Afsluiten")
    for page in (sam, sara, counsellor):
        page.context.close()
