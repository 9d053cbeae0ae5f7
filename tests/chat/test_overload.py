"""Overload in running chats (issue 13): past a set limit a `send` is refused with `slow_down`
and a `retry_after` instead of being queued; nothing is stored; later sends of the conversation
are refused until the first refused one comes again, so the order stays."""

from __future__ import annotations

import asyncio
import time

import pytest
from asgiref.sync import sync_to_async

from tests.chat.conftest import new_id, open_visitor, start_visitor
from tests.chat.test_consumers import accepted_pair
from vangnet.chat import overload
from vangnet.chat.models import Message
from vangnet.chat.outage import DatabaseUnavailable, database

pytestmark = pytest.mark.django_db(transaction=True)


async def next_tick(load: overload.Load) -> None:
    """Until the load's call every 100 ms has run once more."""
    due = load.due
    while load.due == due:
        await asyncio.sleep(0.005)


def visitor_messages() -> list[str]:
    """The client ids of the stored visitor messages, in sequence order."""
    return list(
        Message.objects.filter(sender=Message.Sender.VISITOR)
        .order_by("conversation", "sequence")
        .values_list("client_msg_id", flat=True)
    )


async def test_a_send_past_the_depth_is_refused_unstored_and_later_ones_wait_for_it(
    sockets, settings
):
    visitor, _ = await start_visitor()
    sockets.append(visitor)
    # Two sends of other sockets waiting to be stored, one more than the depth allows.
    settings.VANGNET_CHAT_SEND_BUSY_DEPTH = 1
    load = overload.load()
    waiting = [load.arrived(), load.arrived()]

    first, second = new_id(), new_id()
    await visitor.send(type="send", id=first, text="Ben je daar?")
    refused = await visitor.until("error")
    assert refused["code"] == "slow_down"
    assert refused["id"] == first
    assert refused["retry_after"] >= 2.0  # twice the depth: twice the minimum second, or more
    assert refused["message"] == "Het is erg druk. Je bericht wordt zo opnieuw verstuurd."

    for receipt in waiting:  # the others are stored: the process has caught up
        load.answered(receipt)
    await visitor.send(type="send", id=second, text="Hallo?")
    later = await visitor.until("error")
    # Taken now, it would overtake the first: refused the same way until that one comes again.
    assert later["code"] == "slow_down" and later["id"] == second
    assert isinstance(later["retry_after"], float) and later["retry_after"] >= 1.0
    assert await sync_to_async(visitor_messages)() == []  # neither was stored

    await visitor.send(type="send", id=first, text="Ben je daar?")
    await visitor.send(type="send", id=second, text="Hallo?")
    assert (await visitor.until("ack", id=first))["seq"] == 1
    assert (await visitor.until("ack", id=second))["seq"] == 2
    assert await sync_to_async(visitor_messages)() == [first, second]


async def test_the_console_is_refused_per_chat_with_the_chat_echoed(counsellor, sockets, settings):
    _, console, visitor, _, conversation = await accepted_pair(counsellor, sockets)
    settings.VANGNET_CHAT_SEND_BUSY_DEPTH = 1
    load = overload.load()
    waiting = [load.arrived(), load.arrived()]
    reply = new_id()
    await console.send(type="send", conversation=conversation, id=reply, text="Ik ben er.")
    refused = await console.until("error")
    assert refused["code"] == "slow_down"
    assert (refused["id"], refused["conversation"]) == (reply, conversation)
    assert refused["retry_after"] >= 1.0

    for receipt in waiting:
        load.answered(receipt)
    await console.send(type="send", conversation=conversation, id=reply, text="Ik ben er.")
    await console.until("ack", id=reply)
    delivered = await visitor.until("message", sender="counsellor")
    assert delivered["text"] == "Ik ben er."


async def test_a_late_event_loop_refuses_sends_until_it_runs_on_time_again(sockets, settings):
    visitor, _ = await start_visitor()
    sockets.append(visitor)
    settings.VANGNET_CHAT_SEND_MAX_LAG_MS = 100
    await asyncio.sleep(0.25)  # the loop's clock ticks on time: sends are taken
    assert overload.retry_after() is None

    time.sleep(0.4)  # noqa: ASYNC251 - on purpose: the event loop is busy (a saturated CPU)
    msg_id = new_id()
    await visitor.send(type="send", id=msg_id, text="Hallo?")
    refused = await visitor.until("error")
    assert refused["code"] == "slow_down" and refused["id"] == msg_id
    assert refused["retry_after"] >= 2.0  # at least 0.2 s late: twice the limit or more

    await asyncio.sleep(0.25)  # on time again
    await visitor.send(type="send", id=msg_id, text="Hallo?")
    assert (await visitor.until("ack", id=msg_id))["seq"] == 1


async def test_sends_that_all_wait_too_long_refuse_sends_but_not_while_the_database_is_away(
    settings,
):
    settings.VANGNET_CHAT_SEND_MAX_WAIT_MS = 150
    load = overload.load()
    slow = [load.arrived(), load.arrived()]
    await asyncio.sleep(0.35)  # answered by nobody: stalled
    assert load.queue_delay >= 0.2
    assert overload.retry_after() is not None
    assert overload.refusing_sends()  # what the console's `busy` reads

    database.went_away(DatabaseUnavailable("a restart"))
    try:
        # Then sends wait on purpose, bounded (docs/chat-protocol.md): no refusal for that.
        await asyncio.sleep(0.15)
        assert overload.retry_after() is None
    finally:
        database.is_back()

    # Even the quickest send answered in the last 100 ms waited too long: still behind.
    load.answered(slow[1])
    await next_tick(load)
    assert load.queue_delay >= 0.35
    assert overload.retry_after() is not None
    # One send answered quickly: no standing queue, though another one waited long.
    load.answered(slow[0])
    load.answered(load.arrived())
    await next_tick(load)
    assert load.queue_delay < 0.15
    assert overload.retry_after() is None


async def test_while_sends_are_refused_new_visitors_are_told_it_is_very_busy_and_consoles_see_it(
    counsellor, sockets, settings
):
    settings.VANGNET_CHAT_SEND_BUSY_DEPTH = 1
    load = overload.load()
    waiting = [load.arrived(), load.arrived()]
    try:
        await asyncio.sleep(0.15)  # a tick: what the console's `busy` reads
        newcomer = await open_visitor()
        sockets.append(newcomer)
        await newcomer.send(type="start", role="parent_carer", nickname="", language="nl")
        refused = await newcomer.until("error")
        assert refused["code"] == "busy"  # running chats come first
        _, console = await counsellor()
        sockets.append(console)
        hello = next(frame for frame in console.seen if frame["type"] == "hello")
        assert hello["busy"] is True
    finally:
        for receipt in waiting:
            load.answered(receipt)


async def test_an_open_console_hears_when_sends_start_and_stop_being_refused(
    counsellor, sockets, settings
):
    """Not only at connecting: the busy line follows the process's state while it is open."""
    _, console = await counsellor()
    sockets.append(console)
    settings.VANGNET_CHAT_SEND_BUSY_DEPTH = 1
    load = overload.load()
    waiting = [load.arrived(), load.arrived()]
    try:
        assert (await console.until("queue", busy=True))["busy"] is True
    finally:
        for receipt in waiting:
            load.answered(receipt)
    assert (await console.until("queue", busy=False))["busy"] is False
