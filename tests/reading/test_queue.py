"""The risk-aware queue: acute chats first, with the phrase; a counsellor has the last word."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.chat.conftest import new_id, open_visitor
from vangnet.chat import selectors
from vangnet.chat.models import Conversation
from vangnet.core.roles import Role
from vangnet.reading import queue
from vangnet.reading.models import TriageFeedback


def waiting(n: int) -> Conversation:
    return Conversation.objects.create(token_hash=f"q{n}" + "z" * 20, visitor_role="young_person")


@pytest.mark.django_db
def test_an_acute_first_message_moves_the_chat_to_the_front_with_its_phrase():
    first, second = waiting(1), waiting(2)
    assert not queue.triage_waiting_chat(first.pk, "hoi ik heb een vraag over loverboys")
    assert queue.triage_waiting_chat(second.pk, "hij staat nu beneden te wachten, help")
    rows = selectors.waiting_queue()
    assert [r["conversation"] for r in rows] == [str(second.public_id), str(first.public_id)]
    assert rows[0]["acute"] is True and "beneden" in rows[0]["risk_phrase"]
    assert rows[1]["acute"] is False and rows[1]["risk_phrase"] == ""


@pytest.mark.django_db
def test_only_the_first_message_is_scored_and_the_prechat_answer_counts():
    chat = waiting(3)
    assert queue.prechat_answer(chat.pk, "ja")
    chat.refresh_from_db()
    assert chat.risk_acute and chat.risk_prechat == "yes"
    assert not queue.triage_waiting_chat(chat.pk, "hoi")  # still acute, not newly so
    assert not queue.triage_waiting_chat(chat.pk, "ik wil dood")  # scored once
    chat.refresh_from_db()
    assert chat.risk_acute and chat.risk_scored_at is not None


@pytest.mark.django_db
def test_a_counsellor_lowers_a_flag_and_it_is_logged_and_kept(staff_client):
    client, anna = staff_client(Role.COUNSELLOR)
    chat = waiting(4)
    queue.triage_waiting_chat(chat.pk, "ik wil dood")
    page = client.post(reverse("reading:flag"), {"conversation": str(chat.public_id), "acute": "0"})
    assert page.status_code == 200
    chat.refresh_from_db()
    assert not chat.risk_acute
    feedback = TriageFeedback.objects.get(conversation=chat)
    assert (feedback.acute_before, feedback.acute_after, feedback.by) == (True, False, anna)
    assert not queue.triage_waiting_chat(chat.pk, "ik wil dood")
    chat.refresh_from_db()
    assert not chat.risk_acute


@pytest.mark.django_db
def test_the_flag_needs_a_counsellor_and_valid_input(staff_client):
    researcher, _r = staff_client(Role.RESEARCHER)
    chat = waiting(5)
    url = reverse("reading:flag")
    assert (
        researcher.post(url, {"conversation": str(chat.public_id), "acute": "1"}).status_code == 403
    )
    counsellor, _c = staff_client(Role.COUNSELLOR)
    assert counsellor.post(url, {"conversation": "nope", "acute": "1"}).status_code == 400
    assert (
        counsellor.post(url, {"conversation": str(chat.public_id), "acute": "x"}).status_code == 400
    )


@pytest.mark.django_db(transaction=True)
async def test_an_acute_visitor_sees_the_112_advice_at_once():
    sock = await open_visitor()
    await sock.send(type="start", role="young_person", nickname="", language="nl")
    await sock.until("welcome")
    await sock.send(type="send", id=new_id(), text="ik zit opgesloten en mag niet weg")
    advice = await sock.until("advice")
    assert advice["code"] == "emergency_112"
    await sock.close()


@pytest.mark.django_db(transaction=True)
async def test_the_prechat_question_alone_can_flag_a_chat():
    sock = await open_visitor()
    await sock.send(type="start", role="young_person", nickname="", language="nl", in_danger="ja")
    await sock.until("welcome")
    assert (await sock.until("advice"))["code"] == "emergency_112"
    await sock.close()
