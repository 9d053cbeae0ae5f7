"""The visitor's survey after a chat: three one-tap answers, stored once, only with the
chat's own token, and joined to the chat's coded contact (never to a person)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from vangnet.chat import services as chat
from vangnet.chat.models import Conversation
from vangnet.chat.ratelimit import visitor_request_limiter
from vangnet.coding import services
from vangnet.coding.models import VisitorFeedback
from vangnet.coding.months import month_index
from vangnet.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_limits() -> None:
    visitor_request_limiter.clear()


ANSWERS = {"helped": "yes", "first_time": "yes", "come_back": "maybe"}


def finished_chat(counsellor) -> tuple[Conversation, str]:
    outcome, token = chat.start_conversation(
        visitor_role="young_person", nickname="", language="nl"
    )
    chat.accept_conversation(
        conversation_id=str(outcome.conversation.public_id), counsellor=counsellor
    )
    conversation = Conversation.objects.get(pk=outcome.conversation.pk)
    chat.end_conversation(conversation=conversation, by=None)
    conversation.refresh_from_db()
    return conversation, token


def post(token: str, **answers: str):
    """As the chat page sends it: a form-encoded POST without cookie or CSRF token."""
    client = Client(enforce_csrf_checks=True)
    return client.post(reverse("coding_public:feedback"), {"token": token, **answers})


def test_answers_are_stored_once_with_the_chat(make_staff):
    conversation, token = finished_chat(make_staff(Role.COUNSELLOR).user)
    answer = post(token, **ANSWERS)
    assert answer.status_code == 200
    stored = VisitorFeedback.objects.get()
    assert (stored.helped, stored.first_time, stored.come_back) == ("yes", "yes", "maybe")
    assert stored.conversation == conversation
    assert stored.month == month_index(timezone.localdate(conversation.ended_at))
    again = post(token, **{**ANSWERS, "helped": "no"})
    assert again.status_code == 409
    assert again.json()["error"] == "already_answered"
    assert VisitorFeedback.objects.get().helped == "yes"


def test_a_skipped_question_is_empty_but_not_all_may_be_skipped(make_staff):
    _conversation, token = finished_chat(make_staff(Role.COUNSELLOR).user)
    assert post(token).json()["error"] == "empty"
    assert post(token, first_time="no").status_code == 200
    stored = VisitorFeedback.objects.get()
    assert (stored.helped, stored.first_time, stored.come_back) == ("", "no", "")


@pytest.mark.parametrize(
    "answers",
    [
        {"helped": "very much"},
        {"first_time": "somewhat"},
        {"come_back": "<script>"},
        {"helped": "yes", "comment": "free text is not a question"},
    ],
)
def test_an_unknown_answer_changes_nothing(make_staff, answers):
    _conversation, token = finished_chat(make_staff(Role.COUNSELLOR).user)
    answer = post(token, **answers)
    if "comment" in answers:  # unknown fields are ignored, the known answer is kept
        assert answer.status_code == 200
        assert not hasattr(VisitorFeedback.objects.get(), "comment")
        return
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_field"
    assert answer.json()["message"]
    assert not VisitorFeedback.objects.exists()


def test_another_chat_or_no_token_is_refused(make_staff):
    finished_chat(make_staff(Role.COUNSELLOR).user)
    for token in ["", "someone-elses-token", "x" * 3000]:
        answer = post(token, **ANSWERS)
        assert answer.status_code == 404
        assert answer.json()["error"] == "unknown_token"
    assert not VisitorFeedback.objects.exists()


def test_only_after_a_chat_with_a_counsellor(make_staff):
    outcome, token = chat.start_conversation(
        visitor_role="parent_carer", nickname="", language="nl"
    )
    assert post(token, **ANSWERS).json()["error"] == "not_after_chat"  # still waiting
    chat.end_conversation(conversation=outcome.conversation, by=None)
    assert post(token, **ANSWERS).json()["error"] == "not_after_chat"  # nobody talked with them
    conversation, token = finished_chat(make_staff(Role.COUNSELLOR).user)
    Conversation.objects.filter(pk=conversation.pk).update(
        ended_at=timezone.now() - timedelta(hours=13)
    )
    assert post(token, **ANSWERS).json()["error"] == "expired"
    assert not VisitorFeedback.objects.exists()


def test_answers_join_the_contact_whichever_comes_first(make_staff):
    anna = make_staff(Role.COUNSELLOR).user
    answered_first, token = finished_chat(anna)
    assert post(token, **ANSWERS).status_code == 200
    contact = services.register_contact(
        by=anna, conversation=answered_first, answers={"role": "victim_self"}
    )
    assert VisitorFeedback.objects.get(conversation=answered_first).contact == contact

    coded_first, token = finished_chat(anna)
    contact = services.mark_not_codeable(by=anna, conversation=coded_first, reason="too_short")
    assert post(token, **ANSWERS).status_code == 200
    assert VisitorFeedback.objects.get(conversation=coded_first).contact == contact


def test_the_survey_is_rate_limited(make_staff, settings):
    settings.VANGNET_CHAT_RATE_LIMIT = 2
    _conversation, token = finished_chat(make_staff(Role.COUNSELLOR).user)
    codes = [post(token, helped="nope").status_code for _ in range(3)]
    assert codes == [400, 400, 429]


def test_the_chat_page_offers_every_answer_the_model_knows():
    page = Client().get(reverse("chat_public:chat")).content.decode()
    for value in ["yes", "somewhat", "no", "maybe"]:
        assert f'data-answer="{value}"' in page
    assert 'data-question="first_time"' in page
