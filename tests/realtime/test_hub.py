"""The hub: events reach the members of a group, in this process and, through the real Redis,
in another; nothing reaches a socket that left; a stuck socket cannot grow without end."""

from __future__ import annotations

import asyncio
import os
import threading
import uuid

import pytest

from vangnet.realtime.hub import INBOX_CAPACITY, RESYNC, Hub, Inbox


async def next_event(inbox: Inbox, timeout: float = 5) -> dict:
    return await asyncio.wait_for(inbox.get(), timeout)


async def nothing_more(inbox: Inbox, wait: float = 0.3) -> bool:
    try:
        await asyncio.wait_for(inbox.get(), wait)
    except TimeoutError:
        return True
    return False


async def test_an_event_reaches_every_member_of_its_group_and_no_one_else() -> None:
    hub = Hub()
    a, b, outsider = hub.open(), hub.open(), hub.open()
    await hub.join("room", a)
    await hub.join("room", b)
    await hub.join("other", outsider)
    hub.publish("room", {"type": "note", "n": 1})
    assert await next_event(a) == {"type": "note", "n": 1}
    assert await next_event(b) == {"type": "note", "n": 1}
    assert await nothing_more(outsider)


async def test_a_socket_that_left_or_closed_receives_nothing_more() -> None:
    hub = Hub()
    left, closed, staying = hub.open(), hub.open(), hub.open()
    for inbox in (left, closed, staying):
        await hub.join("room", inbox)
    await hub.join("elsewhere", closed)
    hub.leave("room", left)
    closed.close()
    hub.publish("room", {"type": "note"})
    hub.publish("elsewhere", {"type": "note"})
    assert await next_event(staying) == {"type": "note"}
    assert await nothing_more(left)
    assert await nothing_more(closed)
    assert hub.groups == {"room": {staying}}


async def test_a_full_inbox_drops_events_but_never_its_clients_frames() -> None:
    hub = Hub()
    stuck = hub.open()
    await hub.join("room", stuck)
    for n in range(INBOX_CAPACITY + 5):
        hub.publish("room", {"type": "note", "n": n})
    stuck.put({"type": "websocket.receive", "text": "still here"})
    items = [await stuck.get() for _ in range(INBOX_CAPACITY + 1)]
    assert [item["n"] for item in items[:-1]] == list(range(INBOX_CAPACITY))  # in order
    assert items[-1] == {"type": "websocket.receive", "text": "still here"}
    waiting = asyncio.ensure_future(stuck.get())  # nothing more: the socket waits
    await asyncio.sleep(0.01)
    assert not waiting.done()
    stuck.put({"type": "websocket.disconnect"})  # and wakes for the next item
    assert await asyncio.wait_for(waiting, 1) == {"type": "websocket.disconnect"}


async def test_events_from_synchronous_code_in_a_thread_reach_the_sockets() -> None:
    hub = Hub()
    inbox = hub.open()
    await hub.join("room", inbox)
    thread = threading.Thread(target=hub.publish_from_thread, args=("room", {"type": "note"}))
    thread.start()
    thread.join()
    assert await next_event(inbox) == {"type": "note"}


# --- between processes: two hubs through the real Redis -----------------------------------


@pytest.fixture
async def two_hubs():
    url = os.environ.get("VANGNET_TEST_REDIS_URL", "")
    prefix = f"test-hub-{uuid.uuid4().hex[:8]}"  # apart from every other run on this Redis
    first, second = Hub(url, prefix), Hub(url, prefix)
    yield first, second
    await first.close()
    await second.close()


@pytest.mark.redis
async def test_an_event_reaches_the_members_in_another_process_once(two_hubs) -> None:
    here, there = two_hubs
    local, remote = here.open(), there.open()
    await here.join("room", local)
    await there.join("room", remote)  # returns once Redis confirmed: nothing can be missed
    for n in range(50):
        here.publish("room", {"type": "note", "n": n})
    assert [(await next_event(remote))["n"] for _ in range(50)] == list(range(50))  # in order
    assert [(await next_event(local))["n"] for _ in range(50)] == list(range(50))
    assert await nothing_more(local)  # its own events do not come back through Redis
    assert await nothing_more(remote)


@pytest.mark.redis
async def test_a_process_whose_sockets_left_a_group_receives_it_no_more(two_hubs) -> None:
    here, there = two_hubs
    remote, other = there.open(), there.open()
    await there.join("room", remote)
    await there.join("elsewhere", other)
    there.leave("room", remote)
    await asyncio.sleep(0.2)  # the unsubscribe reaches Redis
    here.publish("room", {"type": "note"})
    here.publish("elsewhere", {"type": "note", "to": "other"})
    assert await next_event(other) == {"type": "note", "to": "other"}
    assert await nothing_more(remote)


@pytest.mark.redis
async def test_synchronous_code_reaches_another_process(two_hubs) -> None:
    here, there = two_hubs
    remote = there.open()
    await there.join("room", remote)
    here.open()  # this process has sockets too: its loop delivers locally
    await asyncio.to_thread(here.publish_from_thread, "room", {"type": "note"})
    assert await next_event(remote) == {"type": "note"}


@pytest.mark.redis
async def test_after_a_broken_subscription_every_socket_is_told_to_catch_up(two_hubs) -> None:
    here, there = two_hubs
    remote = there.open()
    await there.join("room", remote)
    bridge = there.bridge
    assert bridge is not None and bridge.subscriber is not None
    assert bridge.subscriber.transport is not None
    bridge.subscriber.transport.abort()  # what a Redis restart does to the subscriber
    assert await next_event(remote, timeout=10) == RESYNC
    here.publish("room", {"type": "note"})  # and it is subscribed again
    assert await next_event(remote) == {"type": "note"}


@pytest.mark.redis
def test_two_hubs_talk_through_redis_on_uvloop_too() -> None:
    """The server runs on uvloop, whose transports are not asyncio's classes."""
    import uvloop

    async def exchange() -> None:
        url = os.environ.get("VANGNET_TEST_REDIS_URL", "")
        prefix = f"test-hub-{uuid.uuid4().hex[:8]}"
        here, there = Hub(url, prefix), Hub(url, prefix)
        try:
            remote = there.open()
            await there.join("room", remote)
            here.publish("room", {"type": "note"})
            assert await next_event(remote) == {"type": "note"}
        finally:
            await here.close()
            await there.close()

    uvloop.run(exchange())
