"""A lean Redis connection for the hub: commands out, replies parsed as they arrive.

redis-py's pub/sub reader takes a lock, a timeout and several awaits per reply, which was a
tenth of the chat's CPU per message (docs/benchmarks.md, "Chat"). Here an asyncio protocol
parses whatever bytes arrived, as many replies as are complete, and hands each to a callback
in the same call: no task, no await per reply. RESP2 only, and only what the hub needs:
arrays, bulk and simple strings, integers, errors. `redis://` and `rediss://` (TLS) URLs with
an optional user and password.
"""

from __future__ import annotations

import asyncio
import ssl
import urllib.parse
from collections.abc import Callable
from typing import Any

CONNECT_SECONDS = 5.0


class ReplyError(Exception):
    """An error reply from Redis (`-ERR ...`)."""


_INCOMPLETE = object()


def parse(buffer: bytes | bytearray, pos: int) -> tuple[Any, int]:
    """One reply from `pos`: (reply, position after it), or (_INCOMPLETE, pos)."""
    end = buffer.find(b"\r\n", pos)
    if end < 0:
        return _INCOMPLETE, pos
    kind = buffer[pos]
    if kind == 36:  # $ bulk string
        length = int(buffer[pos + 1 : end])
        if length < 0:
            return None, end + 2
        stop = end + 2 + length
        if len(buffer) < stop + 2:
            return _INCOMPLETE, pos
        return bytes(buffer[end + 2 : stop]), stop + 2
    if kind == 42:  # * array
        count = int(buffer[pos + 1 : end])
        if count < 0:
            return None, end + 2
        items = []
        at = end + 2
        for _ in range(count):
            item, at = parse(buffer, at)
            if item is _INCOMPLETE:
                return _INCOMPLETE, pos
            items.append(item)
        return items, at
    if kind == 58:  # : integer
        return int(buffer[pos + 1 : end]), end + 2
    if kind == 43:  # + simple string
        return bytes(buffer[pos + 1 : end]), end + 2
    if kind == 45:  # - error
        return ReplyError(buffer[pos + 1 : end].decode(errors="replace")), end + 2
    raise ReplyError(f"not a Redis reply (first byte {kind})")


def command(*args: str | bytes) -> bytes:
    parts = [b"*%d\r\n" % len(args)]
    for arg in args:
        data = arg.encode() if isinstance(arg, str) else arg
        parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(parts)


def publish(channel: bytes, data: bytes) -> bytes:
    """`command("PUBLISH", channel, data)`, made in one step: the hub sends one per event."""
    return b"*3\r\n$7\r\nPUBLISH\r\n$%d\r\n%b\r\n$%d\r\n%b\r\n" % (
        len(channel),
        channel,
        len(data),
        data,
    )


class RespConnection(asyncio.Protocol):
    """One connection; every reply goes to `on_reply`, in order. `closed` is done once the
    connection is gone (with the error, if any)."""

    def __init__(self, on_reply: Callable[[Any], None]) -> None:
        self.on_reply = on_reply
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's is not a subclass

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer
        buffer += data
        pos = 0
        try:
            while pos < len(buffer):
                reply, after = parse(buffer, pos)
                if reply is _INCOMPLETE:
                    break
                pos = after
                self.on_reply(reply)
        except (ValueError, ReplyError) as exc:  # not Redis speaking: give up the connection
            self._lost(exc)
            return
        finally:
            del buffer[:pos]

    def connection_lost(self, exc: Exception | None) -> None:
        self._lost(exc or ConnectionResetError("Redis closed the connection"))

    def _lost(self, exc: Exception) -> None:
        if not self.closed.done():
            self.closed.set_exception(exc)
            self.closed.exception()  # retrieved: whoever waits for it may have gone
        if self.transport is not None:
            self.transport.close()

    def send(self, *args: str | bytes) -> None:
        self.write(command(*args))

    def write(self, data: bytes) -> None:
        if self.transport is None or self.transport.is_closing():
            raise ConnectionResetError("the Redis connection is closed")
        self.transport.write(data)

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


async def connect(url: str, on_reply: Callable[[Any], None]) -> RespConnection:
    """A connection to the Redis server of `url`, authenticated when it names a password.
    Replies to AUTH are consumed here; everything after goes to `on_reply`."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in {"redis", "rediss"}:
        raise ValueError(f"not a Redis URL: {parts.scheme}://")
    loop = asyncio.get_running_loop()
    handshake: asyncio.Future[Any] = loop.create_future()

    def first_then_callback(reply: Any) -> None:
        if not handshake.done():
            handshake.set_result(reply)
        else:
            on_reply(reply)

    tls = ssl.create_default_context() if parts.scheme == "rediss" else None
    _, protocol = await asyncio.wait_for(
        loop.create_connection(
            lambda: RespConnection(first_then_callback),
            parts.hostname or "127.0.0.1",
            parts.port or 6379,
            ssl=tls,
        ),
        CONNECT_SECONDS,
    )
    if parts.password is not None:
        password = urllib.parse.unquote(parts.password)
        user = urllib.parse.unquote(parts.username or "")
        protocol.send("AUTH", *([user] if user else []), password)
        reply = await asyncio.wait_for(handshake, CONNECT_SECONDS)
        if isinstance(reply, ReplyError):
            protocol.close()
            raise reply
    else:
        handshake.set_result(None)
    protocol.on_reply = on_reply
    return protocol
