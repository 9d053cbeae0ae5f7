"""The chat's rules, called directly."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from vangnet.chat import selectors, services
from vangnet.chat.models import Conversation, Message
from vangnet.chat.services import ChatError
from vangnet.core.models import AccessLogEntry
from vangnet.core.roles import Role

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")


def new_conversation(role: str = "young_person") -> Conversation:
    outcome, _token = services.start_conversation(visitor_role=role, nickname="", language="nl")
    return outcome.conversation


def test_sequence_numbers_have_no_gaps_and_resends_are_stored_once():
    conversation = new_conversation()
    seqs = []
    for i in range(5):
        outcome = services.post_message(
            conversation=conversation,
            sender="visitor",
            author=None,
            client_msg_id=f"message-{i:04d}",
            text=f"bericht {i}",
        )
        seqs.append(outcome.message.seq)
    again = services.post_message(
        conversation=conversation,
        sender="visitor",
        author=None,
        client_msg_id="message-0002",
        text="bericht 2",
    )
    assert seqs == [1, 2, 3, 4, 5]
    assert again.created is False and again.message.seq == 3 and again.events == []
    assert Message.objects.filter(conversation=conversation).count() == 5


def test_message_bodies_and_nicknames_are_encrypted_at_rest():
    outcome, _ = services.start_conversation(
        visitor_role="parent_carer", nickname="Mam van Lisa", language="nl"
    )
    services.post_message(
        conversation=outcome.conversation,
        sender="visitor",
        author=None,
        client_msg_id="secret-0001",
        text="Mijn dochter heeft een oudere vriend",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM chat_message")
        (body,) = cursor.fetchone()
        cursor.execute("SELECT nickname, token_hash FROM chat_conversation")
        nickname, token_hash = cursor.fetchone()
    assert "dochter" not in body and body.startswith("dk2:")  # the chat's own data key
    assert "Lisa" not in nickname
    assert len(token_hash) == 64


def test_an_ended_conversation_takes_no_more_messages(make_staff):
    conversation = new_conversation()
    services.end_conversation(conversation=conversation, by=None)
    with pytest.raises(ChatError) as err:
        services.post_message(
            conversation=conversation,
            sender="visitor",
            author=None,
            client_msg_id="late-00001",
            text="nog iets",
        )
    assert err.value.code == "ended"


def test_queue_is_priority_first_then_oldest_first():
    first, second, urgent = new_conversation(), new_conversation(), new_conversation()
    Conversation.objects.filter(pk=urgent.pk).update(priority=5)
    order = [item["conversation"] for item in selectors.waiting_queue()]
    assert order == [str(urgent.public_id), str(first.public_id), str(second.public_id)]
    assert services.queue_position(Conversation.objects.get(pk=second.pk)) == 3


def test_queue_snapshot_uses_a_fixed_number_of_queries(django_assert_num_queries):
    for _ in range(20):
        new_conversation()
    with django_assert_num_queries(1):
        selectors.waiting_queue()


def test_two_counsellors_cannot_accept_the_same_chat(make_staff):
    anna, bram = make_staff(Role.COUNSELLOR), make_staff(Role.COUNSELLOR)
    conversation = new_conversation()
    services.accept_conversation(conversation_id=str(conversation.public_id), counsellor=anna.user)
    with pytest.raises(ChatError) as err:
        services.accept_conversation(
            conversation_id=str(conversation.public_id), counsellor=bram.user
        )
    assert err.value.code == "not_waiting"


def test_a_researcher_cannot_accept_chats(make_staff):
    from vangnet.core.access import AccessDenied

    rosa = make_staff(Role.RESEARCHER)
    conversation = new_conversation()
    with pytest.raises(AccessDenied):
        services.accept_conversation(
            conversation_id=str(conversation.public_id), counsellor=rosa.user
        )


def test_hand_over_only_to_a_colleague_on_duty(make_staff):
    anna, bram = make_staff(Role.COUNSELLOR), make_staff(Role.COUNSELLOR)
    conversation = new_conversation()
    services.accept_conversation(conversation_id=str(conversation.public_id), counsellor=anna.user)
    conversation.refresh_from_db()
    with pytest.raises(ChatError) as err:
        services.hand_over(
            conversation=conversation, by=anna.user, to_user_id=bram.user.pk, note=""
        )
    assert err.value.code == "invalid_target"
    services.set_duty(user=bram.user, on_duty=True)
    services.hand_over(conversation=conversation, by=anna.user, to_user_id=bram.user.pk, note="n")
    conversation.refresh_from_db()
    assert conversation.counsellor == bram.user


def test_transcript_page_is_logged_and_limited_to_those_involved(staff_client, make_staff):
    client, anna = staff_client(Role.COUNSELLOR)
    conversation = new_conversation()
    services.accept_conversation(conversation_id=str(conversation.public_id), counsellor=anna)
    services.post_message(
        conversation=conversation,
        sender="visitor",
        author=None,
        client_msg_id="visible-001",
        text="wat ik vertelde",
    )
    url = reverse("chat:transcript", args=[conversation.public_id])
    before = AccessLogEntry.objects.filter(event=AccessLogEntry.Event.TRANSCRIPT_READ).count()
    response = client.get(url)
    assert response.status_code == 200
    assert "wat ik vertelde" in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert (
        AccessLogEntry.objects.filter(event=AccessLogEntry.Event.TRANSCRIPT_READ).count()
        == before + 1
    )
    other_client, _bram = staff_client(Role.COUNSELLOR)
    assert other_client.get(url).status_code == 403
    supervisor_client, _sara = staff_client(Role.SUPERVISOR)
    assert supervisor_client.get(url).status_code == 200
    researcher_client, _rosa = staff_client(Role.RESEARCHER)
    assert researcher_client.get(url).status_code == 403


def test_chat_page_is_not_cached_and_sets_no_cookie(client):
    response = client.get(reverse("chat_public:chat"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies


@pytest.mark.parametrize(
    ("moment", "open_"),
    [
        (datetime(2026, 11, 23, 10, 0, tzinfo=AMS), True),  # Monday morning
        (datetime(2026, 11, 23, 23, 0, tzinfo=AMS), False),  # Monday night
        (datetime(2026, 11, 28, 12, 30, tzinfo=AMS), True),  # Saturday afternoon
        (datetime(2026, 11, 28, 19, 0, tzinfo=AMS), False),  # Saturday evening
    ],
)
def test_opening_hours_in_amsterdam_time(moment, open_):
    slots = selectors.parse_opening_hours(
        "0:09:00-22:00,1:09:00-22:00,2:09:00-22:00,3:09:00-22:00,4:09:00-22:00,"
        "5:12:00-18:00,6:12:00-18:00"
    )
    assert selectors.within_opening_hours(moment, slots) is open_


def test_closed_page_says_when_the_chat_opens(client, settings):
    settings.VANGNET_CHAT_OPENING_HOURS = "0:09:00-10:00"
    page = client.get(reverse("chat_public:chat")).content.decode()
    assert "112" in page
    assert 'id="chat-start" hidden' in page


def test_nobody_on_duty_means_closed_even_within_hours(settings):
    settings.VANGNET_CHAT_OPENING_HOURS = ""
    assert selectors.availability().is_open is False


class ConcurrentResendTests(HypothesisTestCase):
    @hsettings(max_examples=20, deadline=None)
    @given(st.lists(st.integers(min_value=0, max_value=5), min_size=1, max_size=15))
    def test_any_resend_pattern_stores_each_id_once_in_first_order(self, pattern):
        conversation = new_conversation()
        first_seen: list[int] = []
        for n in pattern:
            services.post_message(
                conversation=conversation,
                sender="visitor",
                author=None,
                client_msg_id=f"pattern-{n:04d}",
                text=f"m{n}",
            )
            if n not in first_seen:
                first_seen.append(n)
        stored = list(Message.objects.filter(conversation=conversation).order_by("sequence"))
        assert [m.body for m in stored] == [f"m{n}" for n in first_seen]
        assert [m.sequence for m in stored] == list(range(1, len(first_seen) + 1))
