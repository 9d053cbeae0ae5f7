"""What the console shows about time and who waits (issue 12): the server's clock and zone in
`hello` and `queue`, short names for the visitor, and Dutch time on the staff pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.chat.conftest import start_visitor
from tests.conftest import verified_client
from vangnet.chat import services
from vangnet.chat.labels import visitor_label
from vangnet.chat.models import Conversation, Message
from vangnet.core.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_visitor_is_named_briefly_in_dutch_and_english(settings):
    from django.utils import translation

    with translation.override("nl"):
        assert visitor_label("young_person", "Sam") == "Jongere · Sam"
        assert visitor_label("parent_carer", "  ") == "Ouder · Anoniem"
        assert visitor_label("no-such-role", "") == "Anders · Anoniem"
    with translation.override("en"):
        assert visitor_label("parent_carer", "") == "Parent · Anonymous"


async def test_hello_and_queue_carry_the_servers_clock_and_short_names(counsellor, sockets):
    before = timezone.now()
    _, console = await counsellor()
    sockets.append(console)
    hello = console.seen[-1]
    assert hello["type"] == "hello"
    assert hello["time_zone"] == "Europe/Amsterdam"
    now = datetime.fromisoformat(hello["now"])
    assert now.utcoffset() == timedelta(0) and before <= now <= timezone.now()
    visitor, _ = await start_visitor(role="young_person", nickname="Sam")
    sockets.append(visitor)
    queue = await console.until("queue")
    assert datetime.fromisoformat(queue["now"]) >= now
    item = queue["items"][0]
    assert item["who"] == "Jongere · Sam" and item["role_label"] == "Jongere"
    await console.send(type="accept", conversation=item["conversation"])
    chat = await console.until("chat")
    assert chat["who"] == "Jongere · Sam" and chat["language"] == "nl"


def _transcript_at_a_known_moment(staff_user):
    outcome, _ = services.start_conversation(
        visitor_role="young_person", nickname="", language="nl"
    )
    services.accept_conversation(
        conversation_id=str(outcome.conversation.public_id), counsellor=staff_user
    )
    conversation = Conversation.objects.get(pk=outcome.conversation.pk)
    services.post_message(
        conversation=conversation,
        sender=Message.Sender.VISITOR,
        author=None,
        client_msg_id="m1",
        text="Hallo",
    )
    # 23:40 UTC on 30 November is 00:40 on 1 December in Amsterdam.
    Message.objects.filter(conversation=conversation).update(
        created_at=datetime(2026, 11, 30, 23, 40, tzinfo=UTC)
    )
    return conversation


def test_the_transcript_shows_each_message_in_dutch_time(make_staff):
    staff = make_staff(Role.COUNSELLOR)
    conversation = _transcript_at_a_known_moment(staff.user)
    page = verified_client(staff).get(reverse("chat:transcript", args=[conversation.public_id]))
    html = page.content.decode()
    assert ">00:40</time>" in html and "23:40" not in html


def test_role_changes_are_shown_in_dutch_time(make_staff):
    from vangnet.accounts.models import StaffChange

    make_staff(Role.COUNSELLOR)  # its creation is a change on the list
    admin = make_staff(Role.ADMINISTRATOR)
    change = StaffChange.objects.order_by("-pk").first()
    assert change is not None
    html = verified_client(admin).get(reverse("accounts:role_changes")).content.decode()
    dutch = timezone.localtime(change.at).strftime("%H:%M:%S")
    utc = change.at.astimezone(UTC).strftime("%H:%M:%S")
    assert "Nederlandse tijd" in html and dutch in html and f">{utc}" not in html.replace(dutch, "")
