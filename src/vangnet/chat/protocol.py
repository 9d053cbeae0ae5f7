"""The chat's WebSocket protocol: parsing client frames and building server frames.

Documented for other clients in docs/chat-protocol.md; keep the two in step.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

PROTOCOL_VERSION = 1
CLIENT_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{32,128}$")
# Bidirectional overrides can disguise text; line breaks and tabs are the only controls kept.
_BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
_MAX_FRAME_CHARS = 16_000


class FrameError(Exception):
    """A frame that does not follow the protocol. `code` is stable; the message is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Frame:
    type: str
    fields: dict[str, Any]

    def text(self, name: str) -> str:
        return str(self.fields.get(name, ""))


def clean_text(raw: str) -> str:
    """Remove control characters (keeping line breaks and tabs) and trim blank edges."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(
        ch
        for ch in text
        if ch in "\n\t" or (unicodedata.category(ch) != "Cc" and ch not in _BIDI_CONTROLS)
    )
    return text.strip()


def check_message_text(raw: object) -> str:
    if not isinstance(raw, str):
        raise FrameError("invalid_text", _("A message must be text."))
    if len(raw) > _MAX_FRAME_CHARS:
        raise FrameError("too_long", too_long_message())
    text = clean_text(raw)
    if not text:
        raise FrameError("empty", _("An empty message was not sent."))
    if len(text) > settings.VANGNET_CHAT_MAX_MESSAGE_CHARS:
        raise FrameError("too_long", too_long_message())
    return text


def too_long_message() -> str:
    limit = settings.VANGNET_CHAT_MAX_MESSAGE_CHARS
    return _(
        "Your message is longer than %(limit)s characters and was not sent. "
        "Split it into shorter messages."
    ) % {"limit": limit}


# The fields each client frame type needs, and their checks.
VISITOR_FRAMES = {"start", "resume", "send", "typing", "end", "ping"}
CONSOLE_FRAMES = {
    "duty",
    "accept",
    "sync",
    "send",
    "typing",
    "end",
    "handover",
    "colleagues",
    "read_along",
    "stop_reading",
    "ping",
}


def parse_client_frame(content: object, allowed: set[str]) -> Frame:
    if not isinstance(content, dict):
        raise FrameError("malformed", _("The message could not be read."))
    frame_type = content.get("type")
    if not isinstance(frame_type, str) or frame_type not in allowed:
        raise FrameError("unknown_type", _("This kind of message is not known."))
    fields = {k: v for k, v in content.items() if k != "type"}
    if frame_type == "send":
        client_id = fields.get("id")
        if not isinstance(client_id, str) or not CLIENT_ID_PATTERN.match(client_id):
            raise FrameError("invalid_id", _("The message has no valid id."))
        fields["text"] = check_message_text(fields.get("text"))
    if frame_type == "resume":
        token = fields.get("token")
        if not isinstance(token, str) or not TOKEN_PATTERN.match(token):
            raise FrameError("unknown_token", _("This conversation is not known (any more)."))
    for name in ("last_seq", "after"):
        if name in fields:
            value = fields[name]
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise FrameError("malformed", _("The message could not be read."))
    return Frame(frame_type, fields)


def error(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"type": "error", "code": code, "message": message, **extra}
