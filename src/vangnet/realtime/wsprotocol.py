"""The WebSocket protocol `vangnet serve` gives uvicorn: its sans-I/O protocol, two steps shorter.

- **Frames straight into the socket's inbox.** uvicorn puts each client frame in a queue of its
  own, stops reading the socket until the application has taken it, and the application takes
  it with `receive()`; our socket loop then needs a second task (a pump) to move it into its
  inbox. Here the socket hands its inbox's `put` to the protocol at connect (the scope
  extension `vangnet.frames`), and frames, closes and disconnects go there directly. Reading
  is not paused per frame (the pump never paused it for longer than a loop turn either).
- **A frame written at once.** The socket may also write a text frame itself, synchronously,
  while the connection can take it (`ready`, `write`): the hub hands a live message to an idle
  socket that way, without a turn of its loop (realtime/socket.py, `at_once`).
- **A text frame framed in one step.** A server's text frame is a two- to ten-byte header and
  the UTF-8 text (RFC 6455, 5.2: never masked); the `websockets` state machine builds it as an
  object, checks and serialises it. It is still used for everything else: the handshake,
  control frames, closing, and any frame while a compression extension is in use.

An application that does not ask for the inbox (an ASGI app of any other kind) gets uvicorn's
protocol unchanged. uvicorn's queue and read-pause flags are internal: tests/realtime/
test_wsprotocol.py runs this protocol in a real uvicorn server, so an upgrade that changes them
fails there.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Any, NamedTuple

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.protocol import OPEN

# The scope extension a socket calls with its inbox's `put`.
FRAMES_EXTENSION = "vangnet.frames"

_FIN_TEXT = 0x81  # FIN bit and opcode 1 (text)


def text_frame(data: bytes) -> bytes:
    """A whole, unmasked text frame carrying `data` (UTF-8)."""
    size = len(data)
    if size < 126:
        return bytes((_FIN_TEXT, size)) + data
    if size < 1 << 16:
        return struct.pack("!BBH", _FIN_TEXT, 126, size) + data
    return struct.pack("!BBQ", _FIN_TEXT, 127, size) + data


class Direct(NamedTuple):
    """What the protocol gives the socket that takes its frames: `ready()` says whether a text
    frame can be written now (open, not paused, nothing in the way); `write(text)` writes it."""

    ready: Callable[[], bool]
    write: Callable[[str], None]


class _Into:
    """Stands in for uvicorn's receive queue once the socket's inbox takes the frames."""

    __slots__ = ("put_nowait",)

    def __init__(self, put: Callable[[Any], None]) -> None:
        self.put_nowait = put

    def empty(self) -> bool:
        return True


class WebSocketProtocol(WebSocketsSansIOProtocol):
    def handle_connect(self, event: Any) -> None:
        super().handle_connect(event)
        if self.handshake_initiated and not self.close_sent:
            extensions: dict[str, Any] = self.scope["extensions"]
            extensions[FRAMES_EXTENSION] = self._frames_into

    def _frames_into(self, put: Callable[[Any], None]) -> Direct:
        """From now on every event for the application goes to `put`, in order."""
        waiting = self.queue
        while not waiting.empty():
            put(waiting.get_nowait())
        self.queue = _Into(put)  # type: ignore[assignment]
        if self.read_paused:
            self.transport.resume_reading()
        # uvicorn pauses reading after each frame unless it thinks reading is paused already;
        # nothing would resume it now that `receive()` is not called.
        self.read_paused = True
        return Direct(self._ready_for_text, self._write_text)

    def _ready_for_text(self) -> bool:
        return (
            self.handshake_complete
            and not self.close_sent
            and not self.disconnected
            and self.initial_response is None
            and self.writable.is_set()
            and self.conn.state is OPEN
            and not self.conn.extensions
            and not self.transport.is_closing()
        )

    def _write_text(self, text: str) -> None:
        self.transport.write(text_frame(text.encode()))

    async def send(self, message: Any) -> None:
        text = message.get("text")
        if (
            text is not None
            and message["type"] == "websocket.send"
            and message.get("bytes") is None
            and self._ready_for_text()
        ):
            self._write_text(text)
            return
        await super().send(message)
