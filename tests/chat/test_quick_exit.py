"""Quick exit during a chat: one beacon with the visitor's token ends it, the console is told
how it ended, the counsellor's slot is free and the chat waits to be coded."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.test import Client
from django.urls import reverse

from tests.chat.conftest import start_visitor
from tests.chat.test_consumers import accepted_pair
from vangnet.chat import services
from vangnet.chat.models import Conversation, Message
from vangnet.chat.ratelimit import visitor_request_limiter
from vangnet.coding.selectors import uncoded_conversations

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fresh_limits() -> None:
    visitor_request_limiter.clear()


def beacon(token: str, **extra: str) -> int:
    """What navigator.sendBeacon sends: a form-encoded POST, no cookie, no CSRF token."""
    client = Client(enforce_csrf_checks=True)
    return client.post(reverse("chat_public:quick_exit"), {"token": token, **extra}).status_code


async def test_quick_exit_ends_the_chat_and_tells_the_console(counsellor, sockets):
    staff, console, visitor, token, public_id = await accepted_pair(counsellor, sockets)
    assert await sync_to_async(beacon)(token) == 204
    note = await console.until("message", system=services.ENDED_QUICK_EXIT)
    assert note["sender"] == "system"
    state = await console.until("state", conversation=public_id)
    assert state["status"] == "ended"
    conversation = await sync_to_async(Conversation.objects.get)(public_id=public_id)
    assert conversation.status == Conversation.Status.ENDED
    # The slot is free (a fourth chat may be accepted) and the chat waits to be coded.
    held = await sync_to_async(services.held_conversations)(user=staff.user)
    assert held == []
    uncoded = await sync_to_async(list)(uncoded_conversations(counsellor=staff.user))
    assert [c.public_id for c in uncoded] == [conversation.public_id]


async def test_quick_exit_is_idempotent(counsellor, sockets):
    _staff, console, _visitor, token, public_id = await accepted_pair(counsellor, sockets)
    assert await sync_to_async(beacon)(token) == 204
    await console.until("state", conversation=public_id, status="ended")
    await console.until("queue")  # the last event of the end
    assert await sync_to_async(beacon)(token) == 204
    assert await console.silent(0.5)  # nothing more: no second note, no state
    codes = await sync_to_async(list)(
        Message.objects.filter(conversation__public_id=public_id, sender="system").values_list(
            "system_code", flat=True
        )
    )
    assert codes == ["accepted", services.ENDED_QUICK_EXIT]


async def test_a_waiting_visitor_who_leaves_quickly_leaves_the_queue(counsellor, sockets):
    _staff, console = await counsellor()
    visitor, token = await start_visitor(nickname="Sam")
    sockets += [console, visitor]
    queue = await console.until("queue")
    assert [item["nickname"] for item in queue["items"]] == ["Sam"]
    assert await sync_to_async(beacon)(token) == 204
    while queue["items"]:
        queue = await console.until("queue")
    assert await sync_to_async(Conversation.objects.filter(status="waiting").count)() == 0


@pytest.mark.parametrize("token", ["", "not-a-token", "x" * 5000])
def test_quick_exit_without_a_valid_token_changes_nothing(token):
    outcome, real_token = services.start_conversation(
        visitor_role="young_person", nickname="", language="nl"
    )
    client = Client(enforce_csrf_checks=True)
    answer = client.post(reverse("chat_public:quick_exit"), {"token": token})
    assert answer.status_code == 404
    assert answer.json()["error"] == "unknown_token"
    outcome.conversation.refresh_from_db()
    assert outcome.conversation.status == Conversation.Status.WAITING


def test_quick_exit_is_post_only_and_rate_limited(settings):
    settings.VANGNET_CHAT_RATE_LIMIT = 2
    _outcome, token = services.start_conversation(
        visitor_role="young_person", nickname="", language="nl"
    )
    client = Client()
    assert client.get(reverse("chat_public:quick_exit")).status_code == 405
    assert [beacon(token) for _ in range(3)] == [204, 204, 429]


def test_the_console_and_transcript_name_the_quick_exit():
    from vangnet.chat.views import console_strings

    assert console_strings()[services.ENDED_QUICK_EXIT]
