"""The chat's WebSocket protocol: parsing client frames and building server frames.

Documented for other clients in docs/chat-protocol.md; keep the two in step.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

PROTOCOL_VERSION = 1
CLIENT_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{32,128}$")
# What clean_text removes: the control characters (general category Cc, which Unicode fixes as
# U+0000-U+001F and U+007F-U+009F) except tab and line feed, and the bidirectional overrides
# and isolates, which can disguise text. One regex: testing each character in Python cost more
# than all the other checks of a message.
_REMOVED = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_MAX_FRAME_CHARS = 16_000


class FrameError(Exception):
    """A frame that does not follow the protocol. `code` is stable; the message is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = ""  # for `invalid_field`: which field

    def frame(self, **extra: Any) -> dict[str, Any]:
        fields = {"field": self.field} if self.field else {}
        return error(self.code, self.message, **fields, **extra)


@dataclass(frozen=True)
class Frame:
    type: str
    fields: dict[str, Any]

    def text(self, name: str) -> str:
        return str(self.fields.get(name, ""))


def clean_text(raw: str) -> str:
    """Remove control characters (keeping line breaks and tabs) and trim blank edges."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    return _REMOVED.sub("", text).strip()


def check_message_text(raw: object) -> str:
    if not isinstance(raw, str) or not valid_unicode(raw):
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


# Every client frame type and its fields: (check, required). A field not listed is ignored;
# a listed one is checked by type and value, so a refusal is an error frame, never a crash.
def valid_unicode(value: str) -> bool:
    """False for text JSON can carry but UTF-8 cannot: lone surrogates ("\\ud800")."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _field_error(name: str) -> FrameError:
    err = FrameError("invalid_field", _("A field of this message is not valid."))
    err.field = name
    return err


def _text(limit: int) -> Callable[[str, object], str]:
    def check(name: str, value: object) -> str:
        if not isinstance(value, str) or len(value) > limit or not valid_unicode(value):
            raise _field_error(name)
        return value

    return check


def _choice(*allowed: str, code: str = "") -> Callable[[str, object], str]:
    def check(name: str, value: object) -> str:
        if not isinstance(value, str) or value not in allowed:
            if code:
                raise FrameError(code, _choice_messages()[code])
            raise _field_error(name)
        return value

    return check


def _choice_messages() -> dict[str, str]:
    return {"invalid_role": _("Choose who you are before you start.")}


def _count(name: str, value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**31:
        raise _field_error(name)
    return value


def _flag(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise _field_error(name)
    return value


def _client_id(name: str, value: object) -> str:
    if not isinstance(value, str) or not CLIENT_ID_PATTERN.match(value):
        raise FrameError("invalid_id", _("The message has no valid id."))
    return value


def _token(name: str, value: object) -> str:
    if not isinstance(value, str) or not TOKEN_PATTERN.match(value):
        raise FrameError("unknown_token", _("This conversation is not known (any more)."))
    return value


def _conversation(name: str, value: object) -> str:
    if not isinstance(value, str) or not CONVERSATION_PATTERN.match(value):
        raise FrameError("unknown_conversation", _("This conversation does not exist."))
    return value.lower()


def _colleague(name: str, value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < 2**63:
        raise FrameError("invalid_target", _("Choose a colleague who works in the chat."))
    return value


def _message_text(name: str, value: object) -> str:
    return check_message_text(value)


CONVERSATION_PATTERN = re.compile(r"^[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}$")
LANGUAGES = ("nl", "en")
VISITOR_ROLES = ("young_person", "parent_carer", "family_friend", "professional", "other")
NICKNAME_MAX_CHARS = 200  # stored cut to 40; longer than this is no nickname
NOTE_MAX_CHARS = 2000

FieldCheck = Callable[[str, object], Any]
_CONVERSATION: dict[str, tuple[FieldCheck, bool]] = {"conversation": (_conversation, True)}

VISITOR_FIELDS: dict[str, dict[str, tuple[FieldCheck, bool]]] = {
    "start": {
        "role": (_choice(*VISITOR_ROLES, code="invalid_role"), True),
        "nickname": (_text(NICKNAME_MAX_CHARS), False),
        "language": (_choice(*LANGUAGES), False),
        # The optional pre-chat question "Ben je nu in gevaar?" (scored by the triage).
        "in_danger": (_choice("", "ja", "weet niet", "nee"), False),
    },
    "resume": {"token": (_token, True), "last_seq": (_count, False)},
    "send": {"id": (_client_id, True), "text": (_message_text, True)},
    "typing": {},
    "end": {},
    "ping": {},
}
CONSOLE_FIELDS: dict[str, dict[str, tuple[FieldCheck, bool]]] = {
    "duty": {"on": (_flag, True)},
    "accept": _CONVERSATION,
    "sync": {**_CONVERSATION, "after": (_count, False)},
    "send": {**_CONVERSATION, "id": (_client_id, True), "text": (_message_text, True)},
    "typing": _CONVERSATION,
    "end": _CONVERSATION,
    "handover": {
        **_CONVERSATION,
        "to": (_colleague, True),
        "note": (_text(NOTE_MAX_CHARS), False),
    },
    "colleagues": {},
    "read_along": _CONVERSATION,
    "stop_reading": _CONVERSATION,
    "ping": {},
}
VISITOR_FRAMES = set(VISITOR_FIELDS)
CONSOLE_FRAMES = set(CONSOLE_FIELDS)


def parse_client_frame(
    content: object, frames: dict[str, dict[str, tuple[FieldCheck, bool]]]
) -> Frame:
    """Check a decoded frame against `frames` (VISITOR_FIELDS or CONSOLE_FIELDS)."""
    if not isinstance(content, dict):
        raise FrameError("malformed", _("The message could not be read."))
    frame_type = content.get("type")
    if not isinstance(frame_type, str) or frame_type not in frames:
        raise FrameError("unknown_type", _("This kind of message is not known."))
    fields: dict[str, Any] = {}
    for name, (check, required) in frames[frame_type].items():
        if name in content:
            fields[name] = check(name, content[name])
        elif required:
            check(name, None)  # raises the field's own error
            raise _field_error(name)
    return Frame(frame_type, fields)


def echo(content: object) -> dict[str, Any]:
    """The client's id and conversation on an error, so it knows what was refused: only when
    they are well-formed (an echo must not carry what was refused for being invalid)."""
    if not isinstance(content, dict):
        return {}
    echoed = {}
    for key in ("id", "conversation"):
        value = content.get(key)
        if isinstance(value, str) and len(value) <= 64 and valid_unicode(value):
            echoed[key] = value
    return echoed


def error(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"type": "error", "code": code, "message": message, **extra}
