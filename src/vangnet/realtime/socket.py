"""The socket loop: one WebSocket as an ASGI application, its frames and its hub events in order.

The client's frames and the events of the socket's groups go into one queue (the socket's hub
inbox) that one loop takes in order, calling a method per item: `connect`, `receive`,
`disconnect` for the WebSocket, and for a hub event the method named by its type with dots as
underscores (`chat.message` -> `chat_message`). Channels' consumer waits on two tasks and makes
a new one per event, checks the database connection before every one and wraps every frame
sent in its session middleware; this loop does none of that (docs/benchmarks.md, "Chat").
Subclasses do the rest: which frames they accept and what they mean.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from vangnet.realtime import jsontext
from vangnet.realtime.hub import Inbox, hub
from vangnet.realtime.wsprotocol import FRAMES_EXTENSION, Direct

logger = logging.getLogger(__name__)

CLOSE_SERVER_ERROR = 1011

ASGIApp = Callable[[dict[str, Any], Any, Any], Awaitable[None]]


class Socket:
    """One WebSocket connection. Override `connect` (call `accept` or `close`), `receive`,
    `disconnect`, and a handler per hub event type the socket joins groups for."""

    scope: dict[str, Any]
    inbox: Inbox
    closing = False
    _direct: Direct | None = None

    @classmethod
    def as_asgi(cls) -> ASGIApp:
        async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
            await cls()(scope, receive, send)

        app.__name__ = cls.__name__
        return app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        self.scope = scope
        self._send = send
        self.inbox = hub().open()
        frames_into = scope.get("extensions", {}).get(FRAMES_EXTENSION)
        if frames_into is not None:
            # `vangnet serve`: the server puts them there itself, and the socket may write
            self._direct = frames_into(self.inbox.put)
            self.inbox.at_once = self.at_once
            pump = None
        else:
            pump = asyncio.create_task(_pump(receive, self.inbox))
        try:
            # The loop in a task of its own: each wake-up resumes the loop alone, not the
            # server's and the routers' coroutines above this one (a measurable share of a
            # message's cost). Cancelling this call cancels the loop.
            await asyncio.create_task(self._loop())
        finally:
            if pump is not None:
                pump.cancel()
            self.inbox.close()

    async def _loop(self) -> None:
        while True:
            item = await self.inbox.get()
            if item["type"] == "websocket.disconnect":
                await self.disconnect(int(item.get("code", 1000)))
                return
            await self.dispatch(item)

    async def dispatch(self, item: dict[str, Any]) -> None:
        """One frame or event. Override to handle faults around every handler."""
        kind = item["type"]
        if kind == "websocket.receive":
            await self.receive(item.get("text"), item.get("bytes"))
        elif kind == "websocket.connect":
            await self.connect()
        else:
            handler = getattr(self, kind.replace(".", "_"), None)
            if handler is None:
                raise ValueError(f"no handler for the event type {kind}")
            await handler(item)

    # --- to override --------------------------------------------------------------------

    async def connect(self) -> None:
        await self.accept()

    async def receive(self, text: str | None, data: bytes | None) -> None:
        """A frame from the client."""

    async def disconnect(self, code: int) -> None:
        """The connection is gone (closed by either side): clean up."""

    def at_once(self, event: dict[str, Any]) -> bool:
        """A hub event for this socket while its loop is idle (nothing else in its inbox):
        handle it here and now, without awaiting anything, and return True; or return False
        and it goes through the loop as any. Spares the usual case a turn of the loop."""
        return False

    # --- sending ------------------------------------------------------------------------

    async def accept(self) -> None:
        await self._send({"type": "websocket.accept"})

    async def send_frame(self, text: str) -> None:
        if self.closing:
            return  # nothing goes out after the close frame
        try:
            await self._send({"type": "websocket.send", "text": text})
        except OSError:
            # The client has gone (uvicorn's ClientDisconnected): the disconnect is on its way.
            self.closing = True

    def can_send_now(self) -> bool:
        """Whether `send_frame_now` can write a frame (under `vangnet serve`, open, not
        closing, the connection not backed up)."""
        return self._direct is not None and not self.closing and self._direct.ready()

    def send_frame_now(self, text: str) -> None:
        """Write a text frame without awaiting; only after `can_send_now()`."""
        assert self._direct is not None
        self._direct.write(text)

    async def send_json(self, content: Any) -> None:
        await self.send_frame(jsontext.dumps(content))

    async def close(self, code: int | None = None) -> None:
        """Close (before `accept`: refuse). The loop goes on until the client is gone."""
        if self.closing:
            return
        self.closing = True
        await self._send({"type": "websocket.close", "code": code or 1000})

    # --- groups -------------------------------------------------------------------------

    async def join(self, group: str) -> None:
        """Receive the group's events from now on (returns once they will arrive)."""
        await hub().join(group, self.inbox)

    async def leave(self, group: str) -> None:
        hub().leave(group, self.inbox)

    @property
    def groups(self) -> frozenset[str]:
        return frozenset(self.inbox.groups)


async def _pump(receive: Any, inbox: Inbox) -> None:
    """The client's frames into the socket's inbox (never dropped, unlike hub events), under a
    server other than `vangnet serve` (realtime/wsprotocol.py): tests, other ASGI servers."""
    try:
        while True:
            message = await receive()
            inbox.put(message)
            if message["type"] == "websocket.disconnect":
                return
    except Exception:
        logger.exception("reading a socket failed")
        inbox.put({"type": "websocket.disconnect", "code": CLOSE_SERVER_ERROR})
