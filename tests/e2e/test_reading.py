"""The reading tools in real browsers: the visitor flagged acute sees the 112 advice at once;
the console shows the acute flag with its phrase and a counsellor lowers and raises it; the
coding form opens with suggestions marked as suggested and their evidence one click away; the
supervisor is alerted when an acute chat waits more than a minute."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import staff_login
from tests.e2e.test_chat import console_on_duty
from tests.servers import Server, run_cli
from vangnet.accounts.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

FEEDBACK = """
from vangnet.chat.models import Conversation
from vangnet.reading.models import TriageFeedback
chat = next(c for c in Conversation.objects.filter(triage_feedback__isnull=False).distinct()
    if c.nickname == "{nickname}")  # the nickname is encrypted: compared here, not in SQL
print("FLAGS", [(f.acute_before, f.acute_after) for f in TriageFeedback.objects.filter(
    conversation=chat).order_by("pk")])
"""

READ_CHAT = """
import json
from django.utils import timezone
from vangnet.accounts.models import User
from vangnet.chat.models import Conversation, Message
from vangnet.coding import codebook
from vangnet.reading import learned, services
from vangnet.reading.models import TranscriptReading
chat = Conversation.objects.create(
    token_hash="e2e-reading-" + timezone.now().isoformat(), visitor_role="young_person",
    status="ended", counsellor=User.objects.get(username="anna"), ended_at=timezone.now())
lines = [
    ("visitor", "hoi ik ben 15 en ik ben een meisje"),
    ("counsellor", "Fijn dat je er bent. Wat is er gebeurd?"),
    ("visitor", "mijn vriend van 22 wil dat ik naaktfoto's stuur via snapchat"),
]
for n, (sender, text) in enumerate(lines, 1):
    Message.objects.create(conversation=chat, sequence=n, sender=sender,
        author=chat.counsellor if sender == "counsellor" else None,
        client_msg_id=str(n), body=text)
# What the task does after a chat ends, without the de-identification (not needed here).
book = codebook.current()
result = learned.suggest_with_models(services.transcript_turns(chat), book)
TranscriptReading.objects.create(
    conversation=chat, status="done", codebook_version=book.version,
    rules_version=result.rules_version, read_at=timezone.now(),
    suggestions={key: {"codes": result.codes[key], "confidence": result.confidence[key],
        "evidence": [e.as_json() for e in result.evidence.get(key, [])],
        "source": result.source.get(key, "rules")} for key in result.codes})
print("CHAT", chat.public_id)
"""


def start_chat(browser: Browser, server: Server, nickname: str, *, in_danger: bool) -> Page:
    visitor = browser.new_context(locale="nl-NL").new_page()
    visitor.goto(f"{server.url}/chat/")
    visitor.check("#role-young_person")
    visitor.fill("#nickname", nickname)
    if in_danger:
        visitor.check("#in-danger-yes")
    visitor.click("#start-button")
    expect(visitor.locator("#chat-status")).not_to_be_empty()
    # Started: the server's welcome gave the tab its token. Until then the status says
    # "connecting" and the page has no chat to send a typed message in.
    visitor.wait_for_function(
        "() => (JSON.parse(sessionStorage.getItem('vangnet.chat') || 'null') || {}).token"
    )
    return visitor


def test_a_visitor_who_answers_in_danger_sees_the_112_advice_at_once(
    browser: Browser, server: Server
) -> None:
    bram = console_on_duty(browser, server, "bram")  # the chat is open while someone is on duty
    visitor = start_chat(browser, server, "Noor", in_danger=True)
    advice = visitor.locator("#chat-advice")
    expect(advice).to_be_visible()  # while waiting, before any counsellor or message
    expect(advice).to_contain_text("112")
    calm = start_chat(browser, server, "Lotte", in_danger=False)
    calm.fill("#message", "hoi ik heb een vraag over loverboys")
    calm.press("#message", "Enter")
    expect(calm.locator("#chat-log")).to_contain_text("loverboys")
    expect(calm.locator("#chat-advice")).to_be_hidden()
    for page in (visitor, calm):
        page.once("dialog", lambda dialog: dialog.accept())
        page.click("#end-button")
        page.context.close()
    bram.context.close()


def test_the_console_shows_the_acute_flag_with_its_phrase_and_a_counsellor_corrects_it(
    browser: Browser, server: Server
) -> None:
    anna = console_on_duty(browser, server, "anna")
    visitor = start_chat(browser, server, "Fenna", in_danger=False)
    visitor.fill("#message", "ik zit opgesloten en mag niet weg")
    visitor.press("#message", "Enter")
    expect(visitor.locator("#chat-advice")).to_be_visible()
    expect(visitor.locator("#chat-advice")).to_contain_text("112")
    entry = anna.locator("#queue li", has_text="Fenna")
    expect(entry).to_have_class(re.compile(r"\bacute\b"))
    expect(entry.locator("strong")).to_contain_text("Acuut gevaar")
    expect(entry.locator("strong")).to_contain_text("opgesloten")
    # Acute chats come first.
    expect(anna.locator("#queue li").first).to_contain_text("Fenna")

    entry.get_by_role("button", name="Niet acuut").click()
    expect(entry).not_to_have_class(re.compile(r"\bacute\b"))
    expect(entry.locator("strong")).to_have_count(0)
    entry.get_by_role("button", name="Markeer als acuut").click()
    expect(entry).to_have_class(re.compile(r"\bacute\b"))
    expect(entry.locator("strong")).to_contain_text("opgesloten")  # the phrase is kept

    flags = run_cli(server.env, "shell", stdin=FEEDBACK.format(nickname="Fenna"))
    assert "FLAGS [(True, False), (False, True)]" in flags
    visitor.once("dialog", lambda dialog: dialog.accept())
    visitor.click("#end-button")
    for page in (visitor, anna):
        page.context.close()


def test_the_coding_form_marks_suggestions_and_shows_their_evidence_on_one_click(
    server: Server, page: Page
) -> None:
    output = run_cli(server.env, "shell", stdin=READ_CHAT)
    public_id = re.search(r"CHAT (\S+)", output)[1]  # type: ignore[index]
    staff_login(page, server, "anna", DEMO_PASSWORD)
    page.goto(f"{server.url}/staff/coding/register/?conversation={public_id}")

    suggested = page.locator("fieldset.question.suggested")
    expect(suggested.first).to_be_visible()
    age = page.locator("fieldset#q-victim_age_band.suggested")  # "ik ben 15"
    expect(age.locator(".suggested-badge")).to_have_text("voorgesteld")
    expect(age.locator("label.suggested-choice input")).to_be_checked()
    evidence = age.locator("details.evidence")
    expect(evidence).not_to_have_attribute("open", "")
    expect(evidence.locator("q").first).to_be_hidden()  # one click away
    evidence.locator("summary").click()
    expect(evidence.locator("q").first).to_be_visible()
    expect(evidence.locator("q").first).to_contain_text("15")
    # Not-suggested questions carry no mark.
    for fieldset in page.locator("fieldset.question:not(.suggested)").all():
        expect(fieldset.locator(".suggested-badge")).to_have_count(0)


def test_the_supervisor_is_alerted_when_an_acute_chat_waits_more_than_a_minute(
    browser: Browser, server: Server
) -> None:
    sara = console_on_duty(browser, server, "sara")  # supervisor
    alert = sara.locator("#acute-alert")
    visitor = start_chat(browser, server, "Iris", in_danger=True)
    expect(sara.locator("#queue li", has_text="Iris")).to_have_class(re.compile(r"\bacute\b"))
    # Not yet: it has waited less than VANGNET_ACUTE_ALERT_SECONDS (15 s here, see conftest).
    expect(alert).to_be_hidden()
    expect(alert).to_be_visible(timeout=45_000)  # checked every 5 s in the console
    expect(alert).not_to_be_empty()
    visitor.once("dialog", lambda dialog: dialog.accept())
    visitor.click("#end-button")
    expect(alert).to_be_hidden(timeout=15_000)  # nobody acute waiting any more
    for page in (visitor, sara):
        page.context.close()
