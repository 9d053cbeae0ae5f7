"""The hub: events to groups of sockets, in this process directly, between processes by Redis.

A socket opens an `Inbox` (its one queue), joins groups, and takes from its inbox whatever is
published to them. `publish` hands an event to the inboxes of this process at once and sends
it to the other processes through Redis pub/sub, in pipelined batches on one connection (so
events keep their order), encoded once. A process subscribes to a group's Redis channel while
one of its inboxes is in the group, and `join` returns only once Redis confirmed it: a socket
that joins and then reads what it missed cannot miss an event. Without a Redis URL it is the
embedded default's hub: the same code, one process.

The hub knows nothing of what events mean: an event is a dict with a "type" (the socket's
handler) that JSON can carry. Events are shared between the inboxes that receive them: treat
them as read-only. Delivery is best effort: a full inbox or a lost Redis connection drops live
events; after a broken subscription every inbox gets `{"type": "hub.resync"}`, so its socket
can fetch what it may have missed from where it is kept.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections import deque
from collections.abc import Callable
from itertools import islice
from typing import Any

from vangnet.core.aio import stop_if_cancelled
from vangnet.realtime import jsontext, resp

logger = logging.getLogger(__name__)

RECONNECT_SECONDS = 0.5
SUBSCRIBE_WAIT_SECONDS = 5.0
# Events waiting for Redis while it is unreachable; beyond this the oldest are dropped.
OUTBOX_LIMIT = 100_000
# Hub events an inbox may hold before new ones are dropped (a stuck socket must not grow
# without end); the socket's own client frames are never dropped.
INBOX_CAPACITY = 1000
RESYNC = {"type": "hub.resync"}


class Inbox:
    """One socket's queue: its client's frames (`put`) and the events of its groups. One
    reader (the socket's loop), writers in the same event loop: a deque and one waiter, not an
    asyncio.Queue (whose bookkeeping was a measurable share of a message's cost)."""

    __slots__ = ("_hub", "_items", "_waiter", "at_once", "groups", "name")

    def __init__(self, hub: Hub) -> None:
        self._hub = hub
        self._items: deque[Any] = deque()
        self._waiter: asyncio.Future[None] | None = None
        self.groups: set[str] = set()
        self.name = uuid.uuid4().hex
        # The socket's handler for an event that arrives while its loop waits on an empty
        # inbox: True when it handled the event itself (realtime/socket.py, Socket.at_once).
        self.at_once: Callable[[dict[str, Any]], bool] | None = None

    def put(self, item: Any) -> None:
        """A frame from the socket's own client: never dropped."""
        self._items.append(item)
        self._wake()

    def deliver(self, event: dict[str, Any]) -> None:
        if self._waiter is not None and self.at_once is not None:
            # The loop waits on an empty inbox: nothing for this event to overtake.
            try:
                if self.at_once(event):
                    return
            except Exception:  # the socket's fault must not stop delivery to the others
                logger.exception("hub: handling an event at once failed")
        if len(self._items) >= INBOX_CAPACITY:
            logger.warning("hub: a full inbox dropped an event")
            return
        self._items.append(event)
        self._wake()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_result(None)

    async def get(self) -> Any:
        while not self._items:
            self._waiter = asyncio.get_running_loop().create_future()
            await self._waiter
        return self._items.popleft()

    def close(self) -> None:
        """The socket has ended: leave every group; nothing more is delivered."""
        for group in tuple(self.groups):
            self._hub.leave(group, self)
        self._hub.inboxes.discard(self)


class Hub:
    def __init__(self, redis_url: str = "", prefix: str = "vangnet") -> None:
        self.process = uuid.uuid4().hex[:16]
        self.inboxes: set[Inbox] = set()
        self.groups: dict[str, set[Inbox]] = {}
        self.loop: asyncio.AbstractEventLoop | None = None  # where this process's sockets run
        self.bridge = _RedisBridge(redis_url, prefix, self) if redis_url else None

    def open(self) -> Inbox:
        inbox = Inbox(self)
        self.inboxes.add(inbox)
        self.loop = asyncio.get_running_loop()
        return inbox

    async def join(self, group: str, inbox: Inbox) -> None:
        """Add the inbox to the group; returns once events published later will reach it."""
        if group in inbox.groups:
            return
        inbox.groups.add(group)
        members = self.groups.setdefault(group, set())
        members.add(inbox)
        if self.bridge is not None and len(members) == 1:
            await self.bridge.subscribe(self.bridge.group_channel(group))

    def leave(self, group: str, inbox: Inbox) -> None:
        inbox.groups.discard(group)
        members = self.groups.get(group)
        if members is None:
            return
        members.discard(inbox)
        if not members:
            del self.groups[group]
            if self.bridge is not None:
                self.bridge.unsubscribe(self.bridge.group_channel(group))

    def publish(self, group: str, event: dict[str, Any]) -> None:
        """Send an event to every member of the group, in every process (from the event loop)."""
        self.deliver(group, event)
        if self.bridge is not None:
            # The sending process is the prefix: it skips its own events without decoding them.
            self.bridge.publish(
                self.bridge.group_channel(group), self.bridge.origin + _encode(event)
            )

    def publish_from_thread(self, group: str, event: dict[str, Any]) -> None:
        """`publish` for synchronous code in any thread or process (a view, a signal receiver,
        a management command): to this process's inboxes through their event loop, to every
        other process through Redis (a connection of its own, for this one event)."""
        loop = self.loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self.deliver, group, event)
        if self.bridge is None:
            return
        import redis

        data = self.bridge.origin + _encode(event)
        try:
            with redis.Redis.from_url(self.bridge.url, socket_timeout=2) as client:
                client.publish(self.bridge.group_channel(group), data)
        except (OSError, redis.RedisError):
            logger.warning("hub: Redis unreachable, an event reached this process only")

    async def close(self) -> None:
        """Stop talking to Redis and forget every inbox (the end of a test, a shutdown)."""
        self.inboxes.clear()
        self.groups.clear()
        if self.bridge is not None:
            await self.bridge.close()

    def deliver(self, group: str, event: dict[str, Any]) -> None:
        """To the members of a group in this process only."""
        members = self.groups.get(group)
        if members:
            for inbox in tuple(members):
                inbox.deliver(event)


def _encode(event: dict[str, Any]) -> bytes:
    return jsontext.compact(event).encode()


class _RedisBridge:
    """One connection publishing in pipelined batches, one connection subscribed; both with
    the hub's own lean Redis protocol (realtime/resp.py)."""

    def __init__(self, url: str, prefix: str, hub: Hub) -> None:
        self.url = url
        self.hub = hub
        self.loop: asyncio.AbstractEventLoop | None = None
        # PUBLISH commands for Redis, oldest first; the first `written` of them are on their
        # way and leave the outbox when Redis answers (after a broken connection: again).
        self.outbox: deque[bytes] = deque()
        self.written = 0
        self.wake = asyncio.Event()
        self.subscribed: set[str] = set()
        self.confirming: dict[str, asyncio.Future[None]] = {}
        self.tasks: list[asyncio.Task[None]] = []
        self.subscriber: resp.RespConnection | None = None
        self.resync_once_confirmed: set[str] = set()
        self.group_prefix = f"{prefix}:g:"
        self.group_prefix_bytes = self.group_prefix.encode()
        self.origin = hub.process.encode()
        self.idle_channel = f"{self.group_prefix}~{hub.process}"  # keeps the subscriber open

    def group_channel(self, group: str) -> str:
        return f"{self.group_prefix}{group}"

    def start(self) -> None:
        loop = asyncio.get_running_loop()
        if self.loop is loop:
            return
        # First use, or a new event loop (tests): connections belong to one loop.
        for task in self.tasks:
            task.cancel()
        self.loop = loop
        self.wake = asyncio.Event()
        self.confirming = {}
        self.tasks = [loop.create_task(self._publishing()), loop.create_task(self._receiving())]

    # --- publishing ---------------------------------------------------------------------

    def publish(self, channel: str, data: bytes) -> None:
        self.start()
        if len(self.outbox) >= OUTBOX_LIMIT and self.written == 0:
            self.outbox.popleft()
            logger.warning("hub: Redis unreachable, dropped the oldest event")
        self.outbox.append(resp.publish(channel.encode(), data))
        self.wake.set()

    def _published(self, reply: Any) -> None:
        if isinstance(reply, resp.ReplyError):
            logger.warning("hub: Redis refused an event (%s)", reply)
        if self.written:
            self.outbox.popleft()
            self.written -= 1

    async def _publishing(self) -> None:
        failing = False
        while True:
            connection = None
            try:
                connection = await resp.connect(self.url, self._published)
                connection.closed.add_done_callback(lambda _: self.wake.set())
                self.written = 0  # whatever was on its way over a broken connection: again
                if failing:
                    logger.warning("hub: publishing to Redis works again")
                    failing = False
                while True:
                    if connection.closed.done():
                        connection.closed.result()  # raises why
                    if self.written < len(self.outbox):
                        waiting = list(islice(self.outbox, self.written, None))
                        connection.write(b"".join(waiting))
                        self.written += len(waiting)
                    self.wake.clear()
                    await self.wake.wait()
            except (OSError, TimeoutError, ValueError, resp.ReplyError):
                stop_if_cancelled()
                if not failing:
                    logger.warning("hub: publishing to Redis failed, retrying")
                failing = True
            finally:
                self.written = 0
                if connection is not None:
                    connection.close()
            await asyncio.sleep(RECONNECT_SECONDS)

    # --- subscribing --------------------------------------------------------------------

    async def subscribe(self, channel: str) -> None:
        self.start()
        self.subscribed.add(channel)
        confirmed = self._confirmed(channel)
        # Not connected yet: the receiver subscribes to everything when it connects.
        if self.subscriber is not None:
            try:
                self.subscriber.send("SUBSCRIBE", channel)
            except OSError:
                logger.warning("hub: subscribing failed; the receiver reconnects")
        try:
            await asyncio.wait_for(asyncio.shield(confirmed), SUBSCRIBE_WAIT_SECONDS)
        except TimeoutError:
            # Redis is unreachable: go on rather than hang the socket; what it misses meanwhile
            # it fetches after the `hub.resync` that follows the reconnection.
            logger.warning("hub: Redis did not confirm a subscription in time")

    def _confirmed(self, channel: str) -> asyncio.Future[None]:
        future = self.confirming.get(channel)
        if future is None or future.done():
            future = asyncio.get_running_loop().create_future()
            self.confirming[channel] = future
        return future

    def unsubscribe(self, channel: str) -> None:
        self.subscribed.discard(channel)
        self._confirmed_after_reconnect(channel)  # not waited for any more
        if self.subscriber is not None:
            try:
                self.subscriber.send("UNSUBSCRIBE", channel)
            except OSError:
                pass  # the receiver reconnects and subscribes to what is needed then

    async def _receiving(self) -> None:
        broken_since: float | None = None
        while True:
            connection = None
            try:
                connection = await resp.connect(self.url, self._dispatch)
                channels = {self.idle_channel} | self.subscribed
                connection.send("SUBSCRIBE", *channels)
                self.subscriber = connection
                if broken_since is not None:
                    logger.warning(
                        "hub: the Redis subscription is back after %.1f s",
                        time.monotonic() - broken_since,
                    )
                    broken_since = None
                    # Events published meanwhile are lost to this process: once Redis has
                    # confirmed every subscription, each socket is told to catch up.
                    self.resync_once_confirmed = channels
                await connection.closed
            except (OSError, TimeoutError, ValueError, resp.ReplyError):
                stop_if_cancelled()
                if broken_since is None:
                    broken_since = time.monotonic()
                    logger.warning("hub: the Redis subscription broke, reconnecting")
            finally:
                self.subscriber = None
                if connection is not None:
                    connection.close()
            await asyncio.sleep(RECONNECT_SECONDS)

    def _dispatch(self, reply: Any) -> None:
        if isinstance(reply, resp.ReplyError):
            raise reply  # the connection is given up, and made again
        kind = reply[0]
        if kind == b"message":
            channel, data = reply[1], reply[2]
            origin = len(self.origin)
            if data[:origin] != self.origin:  # this process delivered its own already
                group = channel[len(self.group_prefix_bytes) :].decode()
                self.hub.deliver(group, json.loads(data[origin:]))
        elif kind == b"subscribe":
            channel = reply[1].decode()
            future = self.confirming.pop(channel, None)
            if future is not None and not future.done():
                future.set_result(None)
            self._confirmed_after_reconnect(channel)

    def _confirmed_after_reconnect(self, channel: str) -> None:
        if self.resync_once_confirmed:
            self.resync_once_confirmed.discard(channel)
            if not self.resync_once_confirmed:
                for inbox in tuple(self.hub.inboxes):
                    inbox.deliver(RESYNC)

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        self.tasks = []
        self.loop = None
        self.subscriber = None
        self.outbox.clear()
        self.subscribed.clear()


_hub: Hub | None = None


def hub() -> Hub:
    """This process's hub, configured by the settings VANGNET_HUB_REDIS_URL (empty: one
    process) and VANGNET_HUB_PREFIX (keeps deployments that share a Redis apart)."""
    global _hub
    if _hub is None:
        from django.conf import settings

        _hub = Hub(settings.VANGNET_HUB_REDIS_URL, settings.VANGNET_HUB_PREFIX)
    return _hub


def reset() -> None:
    """Forget this process's hub (tests: each gets a fresh one; its connections are dropped
    with the event loop that owned them)."""
    global _hub
    _hub = None
