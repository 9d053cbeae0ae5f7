"""The chat's channel layer: in-process delivery first, Redis pub/sub between processes.

Channels' own layers were the chat's bottleneck (docs/benchmarks.md, "Chat"): the in-memory
layer scans every channel on every receive, so it collapses near 1,000 sockets, and the Redis
pub/sub layer publishes one message at a time under a lock and decodes each event once per
receiving socket. Here an event is handed to the sockets of this process directly, encoded
once, and published to other processes in pipelined batches on one connection, so events keep
their order. Without a Redis URL it is the embedded default's layer: the same code, one process.

Channel names carry the process (`specific.<process>!<id>`), so a `send` to another process's
channel goes to that process's inbox on Redis. A process subscribes to a group's Redis channel
while it has a member in that group, and `group_add` returns only once Redis confirmed the
subscription: a consumer that joins and then reads what it missed cannot miss an event.

Events are shared between the sockets that receive them: handlers must treat them as read-only.
Delivery is best effort, as with every Channels layer: a full queue or a lost Redis connection
drops live events, and the chat fills such gaps from the database (docs/chat-protocol.md).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from typing import Any

from channels.exceptions import ChannelFull
from channels.layers import BaseChannelLayer

from vangnet.core.aio import stop_if_cancelled

logger = logging.getLogger(__name__)

RECONNECT_SECONDS = 0.5
SUBSCRIBE_WAIT_SECONDS = 5.0
# Events waiting for Redis while it is unreachable; beyond this the oldest are dropped.
OUTBOX_LIMIT = 100_000


class ChatChannelLayer(BaseChannelLayer):  # type: ignore[misc]
    extensions = ["groups", "flush"]

    def __init__(
        self,
        hosts: list[str] | None = None,
        prefix: str = "vangnet",
        capacity: int = 1000,
        expiry: int = 60,
        **kwargs: Any,
    ) -> None:
        super().__init__(expiry=expiry, capacity=capacity)
        self.process = uuid.uuid4().hex[:16]
        self.prefix = prefix
        self.queues: dict[str, asyncio.Queue[Any]] = {}
        self.groups: dict[str, set[str]] = {}
        self.loop: asyncio.AbstractEventLoop | None = None  # where this process's sockets run
        self.bridge = _RedisBridge(hosts[0], prefix, self) if hosts else None

    # --- the Channels layer API -------------------------------------------------------------

    async def new_channel(self, prefix: str = "specific") -> str:
        name = f"{prefix}.{self.process}!{uuid.uuid4().hex}"
        self.queues[name] = asyncio.Queue()
        self.loop = asyncio.get_running_loop()
        return name

    async def send(self, channel: str, message: dict[str, Any]) -> None:
        self.require_valid_channel_name(channel)
        if channel in self.queues:
            if not self.deliver(channel, message):
                raise ChannelFull(channel)
            return
        owner = _process_of(channel)
        if self.bridge is not None and owner and owner != self.process:
            self.bridge.publish(self.bridge.inbox(owner), _encode({"c": channel, "m": message}))

    async def receive(self, channel: str) -> dict[str, Any]:
        queue = self.queues.get(channel)
        if queue is None:
            queue = self.queues[channel] = asyncio.Queue()
        try:
            message: dict[str, Any] = await queue.get()
        except (asyncio.CancelledError, GeneratorExit):
            # Channels cancels `receive` when its consumer ends: forget the channel.
            await self.forget(channel)
            raise
        return message

    async def group_add(self, group: str, channel: str) -> None:
        self.require_valid_group_name(group)
        self.require_valid_channel_name(channel)
        members = self.groups.setdefault(group, set())
        members.add(channel)
        if self.bridge is not None and len(members) == 1:
            await self.bridge.subscribe(self.bridge.group_channel(group))

    async def group_discard(self, group: str, channel: str) -> None:
        members = self.groups.get(group)
        if members is None:
            return
        members.discard(channel)
        if not members:
            del self.groups[group]
            if self.bridge is not None:
                self.bridge.unsubscribe(self.bridge.group_channel(group))

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        self.require_valid_group_name(group)
        self.deliver_to_group(group, message)
        if self.bridge is not None:
            # The sending process is the prefix: it skips its own events without decoding them.
            data = self.process.encode() + _encode(message)
            self.bridge.publish(self.bridge.group_channel(group), data)

    def group_send_from_sync(self, group: str, message: dict[str, Any]) -> None:
        """`group_send` for synchronous code in any thread or process (a view, a signal
        receiver, a management command): to this process's sockets through their event loop,
        to every other process through Redis (a connection of its own, for this one event)."""
        self.require_valid_group_name(group)
        loop = self.loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self.deliver_to_group, group, message)
        if self.bridge is None:
            return
        import redis

        data = self.process.encode() + _encode(message)
        try:
            with redis.Redis.from_url(self.bridge.url, socket_timeout=2) as client:
                client.publish(self.bridge.group_channel(group), data)
        except (OSError, redis.RedisError):
            logger.warning("channel layer: Redis unreachable, an event reached this process only")

    async def flush(self) -> None:
        self.queues.clear()
        self.groups.clear()
        if self.bridge is not None:
            await self.bridge.close()

    # --- local delivery ---------------------------------------------------------------------

    def deliver(self, channel: str, message: dict[str, Any]) -> bool:
        queue = self.queues.get(channel)
        if queue is None:
            return True  # its consumer has gone: nothing to deliver to
        if queue.qsize() >= self.capacity:
            logger.warning("channel layer: a full queue dropped an event")
            return False
        queue.put_nowait(message)
        return True

    def deliver_to_group(self, group: str, message: dict[str, Any]) -> None:
        for channel in tuple(self.groups.get(group, ())):
            self.deliver(channel, message)

    def inbox(self, channel: str) -> asyncio.Queue[Any]:
        """The queue of a channel made by `new_channel`: the chat's consumers put their client's
        frames in it too, so one loop takes both in order (consumers.ChatSocket.__call__)."""
        return self.queues[channel]

    async def forget(self, channel: str) -> None:
        """The consumer of `channel` has ended: drop its queue and its group memberships."""
        self.queues.pop(channel, None)
        for group in [g for g, members in self.groups.items() if channel in members]:
            await self.group_discard(group, channel)


def _encode(message: dict[str, Any]) -> bytes:
    return json.dumps(message, separators=(",", ":")).encode()


def _process_of(channel: str) -> str:
    """`specific.<process>!<id>` -> `<process>`."""
    head, bang, _ = channel.partition("!")
    return head.rpartition(".")[2] if bang else ""


class _RedisBridge:
    """One connection publishing in pipelined batches, one connection subscribed."""

    def __init__(self, url: str, prefix: str, layer: ChatChannelLayer) -> None:
        self.url = url
        self.prefix = prefix
        self.layer = layer
        self.loop: asyncio.AbstractEventLoop | None = None
        self.outbox: list[tuple[str, bytes]] = []
        self.wake = asyncio.Event()
        self.subscribed: set[str] = set()
        self.confirming: dict[str, asyncio.Future[None]] = {}
        self.tasks: list[asyncio.Task[None]] = []
        self.pubsub: Any = None
        self.group_prefix = f"{prefix}:g:"
        self.own_origin = layer.process.encode()

    def inbox(self, process: str) -> str:
        return f"{self.prefix}:p:{process}"

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
        self.subscribed = {self.inbox(self.layer.process)} | self.subscribed
        self.tasks = [loop.create_task(self._publishing()), loop.create_task(self._receiving())]

    # --- publishing ---------------------------------------------------------------------

    def publish(self, channel: str, data: bytes) -> None:
        self.start()
        if len(self.outbox) >= OUTBOX_LIMIT:
            del self.outbox[0]
            logger.warning("channel layer: Redis unreachable, dropped the oldest event")
        self.outbox.append((channel, data))
        self.wake.set()

    async def _publishing(self) -> None:
        import redis.asyncio as redis

        client = None
        failing = False
        while True:
            stop_if_cancelled()
            await self.wake.wait()
            self.wake.clear()
            while self.outbox:
                batch = self.outbox[:]
                try:
                    if client is None:
                        client = redis.Redis.from_url(self.url, single_connection_client=True)
                    pipe = client.pipeline(transaction=False)
                    for channel, data in batch:
                        pipe.publish(channel, data)
                    await pipe.execute()
                    stop_if_cancelled()
                except (OSError, redis.RedisError):
                    stop_if_cancelled()
                    if not failing:
                        logger.warning("channel layer: publishing to Redis failed, retrying")
                    failing = True
                    client = None
                    await asyncio.sleep(RECONNECT_SECONDS)
                    continue
                del self.outbox[: len(batch)]
                if failing:
                    logger.warning("channel layer: publishing to Redis works again")
                failing = False

    # --- subscribing --------------------------------------------------------------------

    async def subscribe(self, channel: str) -> None:
        self.start()
        self.subscribed.add(channel)
        confirmed = self._confirmed(channel)
        # Not connected yet: the receiver subscribes to everything when it connects.
        if self.pubsub is not None:
            try:
                await self.pubsub.subscribe(channel)
            except OSError:
                logger.warning("channel layer: subscribing failed; the receiver reconnects")
        try:
            await asyncio.wait_for(asyncio.shield(confirmed), SUBSCRIBE_WAIT_SECONDS)
        except TimeoutError:
            # Redis is unreachable: go on rather than hang the socket; what it misses meanwhile
            # comes from the database when the client resumes.
            logger.warning("channel layer: Redis did not confirm a subscription in time")

    def _confirmed(self, channel: str) -> asyncio.Future[None]:
        future = self.confirming.get(channel)
        if future is None or future.done():
            future = asyncio.get_running_loop().create_future()
            self.confirming[channel] = future
        return future

    def unsubscribe(self, channel: str) -> None:
        self.subscribed.discard(channel)
        if self.pubsub is not None and self.loop is not None:
            self.loop.create_task(self._send_unsubscribe(channel))

    async def _send_unsubscribe(self, channel: str) -> None:
        try:
            if channel not in self.subscribed and self.pubsub is not None:
                await self.pubsub.unsubscribe(channel)
        except OSError:
            pass  # the receiver reconnects and subscribes to what is needed then

    async def _receiving(self) -> None:
        import redis.asyncio as redis

        broken_since: float | None = None
        while True:
            client = redis.Redis.from_url(self.url)
            pubsub = client.pubsub()
            try:
                initial = set(self.subscribed)
                await pubsub.subscribe(*initial)
                self.pubsub = pubsub
                if self.subscribed - initial:  # added while connecting
                    await pubsub.subscribe(*(self.subscribed - initial))
                if broken_since is not None:
                    logger.warning(
                        "channel layer: the Redis subscription is back after %.1f s",
                        time.monotonic() - broken_since,
                    )
                    broken_since = None
                    # Events published meanwhile are lost to this process: every socket
                    # reads what it missed from the database (the chat's `layer.resync`).
                    for channel in tuple(self.layer.queues):
                        self.layer.deliver(channel, {"type": "layer.resync"})
                while True:
                    reply = await pubsub.parse_response(block=True)
                    stop_if_cancelled()
                    self._dispatch(reply)
            except (OSError, redis.RedisError):
                stop_if_cancelled()
                if broken_since is None:
                    broken_since = time.monotonic()
                    logger.warning("channel layer: the Redis subscription broke, reconnecting")
            finally:
                self.pubsub = None
            # Closed only here, not when cancelled: closing a pub/sub connection that a reader
            # was waiting on can wait forever (redis-py issue 3941).
            await asyncio.gather(
                pubsub.aclose(),  # type: ignore[no-untyped-call]
                client.aclose(),
                return_exceptions=True,
            )
            await asyncio.sleep(RECONNECT_SECONDS)

    def _dispatch(self, reply: Any) -> None:
        kind = reply[0]
        if kind == b"message":
            channel, data = reply[1].decode(), reply[2]
            if channel.startswith(self.group_prefix):
                origin = len(self.layer.process)
                if data[:origin] != self.own_origin:  # this process delivered its own already
                    self.layer.deliver_to_group(
                        channel[len(self.group_prefix) :], json.loads(data[origin:])
                    )
            else:
                payload = json.loads(data)
                self.layer.deliver(payload["c"], payload["m"])
        elif kind == b"subscribe":
            future = self.confirming.pop(reply[1].decode(), None)
            if future is not None and not future.done():
                future.set_result(None)

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        self.tasks = []
        self.loop = None
        self.pubsub = None
        self.outbox.clear()
        self.subscribed.clear()
