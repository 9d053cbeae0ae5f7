"""The chat's use cases. Synchronous and transactional; consumers call them through
`database_sync_to_async` and publish the returned events only after the commit."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from vangnet.accounts.models import User
from vangnet.chat.models import Assignment, Conversation, Duty, Message, VisitorRole
from vangnet.chat.protocol import clean_text
from vangnet.chat.signals import conversation_ended
from vangnet.core.access import AccessDenied, Action, may, object_rule, require
from vangnet.core.audit import log_access
from vangnet.core.models import AccessLogEntry
from vangnet.realtime import jsontext

NICKNAME_MAX = 40


class ChatError(Exception):
    """A refused chat action. `code` is stable (see docs/chat-protocol.md)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class MessageView:
    conversation: str
    seq: int
    sender: str
    text: str
    at: str
    id: str
    system: str = ""
    author: str = ""

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)  # dataclasses.asdict deep-copies: slow on the hot path

    def frame(self) -> dict[str, Any]:
        return {"type": "message", **self.__dict__}

    def encoded(self) -> str:
        """The `message` frame as sent on a socket."""
        return jsontext.dumps(self.frame())


@dataclass(frozen=True, slots=True)
class EncodedMessage:
    """A message as it arrives live (`chat.message` event): encoded once for all recipients,
    in every process; its sequence number for the ordering buffer."""

    seq: int
    text: str

    def encoded(self) -> str:
        return self.text


@dataclass
class Outcome:
    """What a service did, and the events to publish once it is committed."""

    conversation: Conversation
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    message: MessageView | None = None
    created: bool = True


# Group names on the channel layer.
def conversation_group(conversation_pk: int) -> str:
    return f"chat.conv.{conversation_pk}"


QUEUE_GROUP = "chat.queue"


def staff_group(user_pk: int) -> str:
    return f"chat.staff.{user_pk}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def counsellor_label(user: User | None) -> str:
    """What a visitor sees of a counsellor: a first name only."""
    return (user.first_name or user.username) if user else ""


def stored_view(
    *,
    public_id: str,
    seq: int,
    sender: str,
    text: str,
    at: datetime,
    client_msg_id: str,
    author: User | None,
    system: str = "",
) -> MessageView:
    """What participants see of a stored message: the one place that builds it, for messages
    just stored (chat/messages.py) and for messages read from the database."""
    return MessageView(
        conversation=public_id,
        seq=seq,
        sender=sender,
        text=text,
        at=at.isoformat(),
        id=client_msg_id,
        system=system,
        author=counsellor_label(author) if author is not None else "",
    )


def message_view(message: Message, public_id: str) -> MessageView:
    return stored_view(
        public_id=public_id,
        seq=message.sequence,
        sender=message.sender,
        text=message.body,
        at=message.created_at,
        client_msg_id=message.client_msg_id,
        author=message.author if message.author_id else None,
        system=message.system_code,
    )


def _state_event(conversation: Conversation) -> tuple[str, dict[str, Any]]:
    return (
        conversation_group(conversation.pk),
        {
            "type": "chat.state",
            "conversation": str(conversation.public_id),
            "status": conversation.status,
            "counsellor": counsellor_label(conversation.counsellor),
        },
    )


def _queue_changed() -> tuple[str, dict[str, Any]]:
    return (QUEUE_GROUP, {"type": "queue.changed"})


# --- the visitor -------------------------------------------------------------------------


def start_conversation(*, visitor_role: str, nickname: str, language: str) -> tuple[Outcome, str]:
    """Open an anonymous conversation in the queue; returns the visitor's secret token."""
    if visitor_role not in VisitorRole.values:
        raise ChatError("invalid_role", _("Choose who you are before you start."))
    waiting = Conversation.objects.filter(status=Conversation.Status.WAITING).count()
    if waiting >= settings.VANGNET_CHAT_MAX_WAITING:
        raise busy_error()
    nickname = clean_text(str(nickname or ""))[:NICKNAME_MAX]
    token = secrets.token_urlsafe(32)
    conversation = Conversation.objects.create(
        token_hash=hash_token(token),
        visitor_role=visitor_role,
        nickname=nickname,
        language=language if language in {"nl", "en"} else "nl",
    )
    return Outcome(conversation, events=[_queue_changed()]), token


def busy_error() -> ChatError:
    return ChatError(
        "busy",
        _("It is very busy right now. Please try again in a few minutes; we want to talk to you."),
    )


def resume_conversation(*, token: str) -> Conversation:
    conversation = (
        Conversation.objects.select_related("counsellor")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if conversation is None:
        raise ChatError("unknown_token", _("This conversation is not known (any more)."))
    idle_limit = timedelta(hours=settings.VANGNET_CHAT_TOKEN_IDLE_HOURS)
    if conversation.status == Conversation.Status.ENDED or (
        timezone.now() - conversation.last_activity_at > idle_limit
    ):
        raise ChatError("expired", _("This conversation has ended. You can start a new one."))
    return conversation


def conversation_of_token(token: str) -> Conversation:
    """The conversation a visitor's token opens, ended or not (for quick exit and the survey)."""
    conversation = (
        Conversation.objects.select_related("counsellor")
        .filter(token_hash=hash_token(token))
        .first()
        if token
        else None
    )
    if conversation is None:
        raise ChatError("unknown_token", _("This conversation is not known (any more)."))
    return conversation


def leave_quickly(*, conversation: Conversation) -> Outcome:
    """The visitor pressed quick exit: the chat ends at once (a waiting one leaves the queue)
    and the counsellor is told how it ended. Idempotent: for a chat that already ended it
    changes nothing and publishes nothing."""
    return end_conversation(conversation=conversation, by=None, code=ENDED_QUICK_EXIT)


def queue_position(conversation: Conversation) -> int:
    """1 for the next in line; 0 when not waiting."""
    if conversation.status != Conversation.Status.WAITING:
        return 0
    ahead = Conversation.objects.filter(status=Conversation.Status.WAITING).filter(
        Q(priority__gt=conversation.priority)
        | Q(priority=conversation.priority, created_at__lt=conversation.created_at)
        | Q(
            priority=conversation.priority,
            created_at=conversation.created_at,
            pk__lt=conversation.pk,
        )
    )
    return ahead.count() + 1


# --- messages ----------------------------------------------------------------------------


def post_message(
    *,
    conversation: Conversation,
    sender: str,
    author: User | None,
    client_msg_id: str,
    text: str,
    system_code: str = "",
) -> Outcome:
    """Store a message once per client id, with the next sequence number of its conversation
    (chat/messages.py, the one place that stores messages). A resend of a stored id returns the
    stored message (created=False) and publishes nothing; a refusal raises ChatError."""
    from vangnet.chat.messages import NewMessage, store

    new = NewMessage(conversation, sender, author, client_msg_id, text, system_code)
    result = store([new])[0]
    if isinstance(result, ChatError):
        raise result
    return result


def sequence_update_sql(db: Any) -> str:
    """The statement that numbers a message: UPDATE ... RETURNING the new last sequence.

    One statement (PostgreSQL, SQLite >= 3.35) instead of an update and a read: the row lock it
    takes orders concurrent messages of one conversation. It returns no row when this sender
    may not post: system notes are numbered in an ended conversation too; the others only while
    it is open, and a counsellor's only in a conversation they hold. Shared with the batched
    messages are stored (chat/messages.py) and used nowhere else. Its parameters:
    `sequence_update_params`.
    """
    meta = Conversation._meta
    quote = db.ops.quote_name
    column = quote("last_sequence")
    return (
        f"UPDATE {quote(meta.db_table)} SET {column} = {column} + 1, "  # noqa: S608 - names only
        f"{quote('last_activity_at')} = %s WHERE {quote(meta.pk.column)} = %s "
        f"AND (%s = '{Message.Sender.SYSTEM.value}' OR {quote('status')} <> "
        f"'{Conversation.Status.ENDED.value}') "
        f"AND (%s <> '{Message.Sender.COUNSELLOR.value}' OR {quote('counsellor_id')} = %s) "
        f"RETURNING {column}"
    )


def sequence_update_params(
    conversation_pk: int, sender: str, author_pk: int | None, now: Any, db: Any
) -> list[Any]:
    return [db.ops.adapt_datetimefield_value(now), conversation_pk, sender, sender, author_pk]


def message_posted(conversation: Conversation, view: MessageView) -> Outcome:
    """The outcome of a stored message: its view, and the event that delivers it."""
    # Encoded here once, not once per receiving socket (docs/benchmarks.md, "Chat").
    event = {
        "type": "chat.message",
        "conversation": view.conversation,
        "seq": view.seq,
        "frame": view.encoded(),
    }
    return Outcome(
        conversation, events=[(conversation_group(conversation.id), event)], message=view
    )


def _system_message(conversation: Conversation, code: str, text: str) -> Outcome:
    return post_message(
        conversation=conversation,
        sender=Message.Sender.SYSTEM,
        author=None,
        client_msg_id=f"sys-{code}-{secrets.token_hex(8)}",
        text=text,
        system_code=code,
    )


def messages_after(*, conversation: Conversation, after: int) -> list[MessageView]:
    """What a participant missed: every message after sequence `after`, in order."""
    public_id = str(conversation.public_id)
    return [
        message_view(m, public_id)
        for m in Message.objects.select_related("author")
        .filter(conversation=conversation, sequence__gt=after)
        .order_by("sequence")
    ]


def read_transcript(
    *, conversation: Conversation, reader: User, access_point: str, after: int = 0
) -> list[MessageView]:
    """A staff member reads (part of) a transcript: allowed by the policy, always logged."""
    role = require(reader, Action.CHAT_TRANSCRIPT, conversation)
    log_access(
        user=reader,
        event=AccessLogEntry.Event.TRANSCRIPT_READ,
        role=role,
        access_point=access_point,
        record_type="conversation",
        record_id=conversation.public_id,
        detail=f"after={after}",
    )
    return messages_after(conversation=conversation, after=after)


@object_rule(Action.CHAT_TRANSCRIPT)
def may_read_transcript(user: User, conversation: Conversation) -> bool:
    """Supervisors read any transcript; a counsellor those they hold or have held."""
    if may(user, Action.CHAT_SUPERVISE):
        return True
    return (
        conversation.counsellor_id == user.pk
        or Assignment.objects.filter(conversation=conversation, counsellor=user).exists()
    )


# --- the counsellor ----------------------------------------------------------------------


def parse_public_id(value: object) -> uuid.UUID | None:
    """A conversation id from a client, or None when it is not a UUID at all."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def conversation_held_by(*, public_id: object, user: User) -> Conversation:
    valid_id = parse_public_id(public_id)
    conversation = (
        Conversation.objects.select_related("counsellor")
        .filter(public_id=valid_id, counsellor=user)
        .first()
        if valid_id
        else None
    )
    if conversation is None:
        raise ChatError("not_yours", _("This conversation is held by someone else."))
    return conversation


def set_duty(*, user: User, on_duty: bool) -> None:
    require(user, Action.CHAT_CONSOLE)
    now = timezone.now()
    Duty.objects.update_or_create(
        user=user,
        defaults={"on_duty": on_duty, "since": now if on_duty else None, "last_console_at": now},
    )


def held_conversations(*, user: User) -> list[Conversation]:
    return list(
        Conversation.objects.filter(counsellor=user, status=Conversation.Status.ACTIVE).order_by(
            "accepted_at"
        )
    )


def accept_conversation(*, conversation_id: str, counsellor: User) -> Outcome:
    """Take a waiting conversation from the queue, within the counsellor's maximum."""
    require(counsellor, Action.CHAT_CONSOLE)
    valid_id = parse_public_id(conversation_id)
    if valid_id is None:
        raise ChatError("unknown_conversation", _("This conversation does not exist."))
    with transaction.atomic():
        held = Conversation.objects.filter(
            counsellor=counsellor, status=Conversation.Status.ACTIVE
        ).count()
        if held >= settings.VANGNET_CHAT_MAX_PER_COUNSELLOR:
            raise ChatError(
                "capacity",
                _("You already hold %(n)s chats, the maximum. End or hand over one first.")
                % {"n": held},
            )
        now = timezone.now()
        taken = Conversation.objects.filter(
            public_id=valid_id, status=Conversation.Status.WAITING
        ).update(status=Conversation.Status.ACTIVE, counsellor=counsellor, accepted_at=now)
        if not taken:
            raise ChatError("not_waiting", _("Someone else has already taken this chat."))
        conversation = Conversation.objects.select_related("counsellor").get(public_id=valid_id)
        Assignment.objects.create(conversation=conversation, counsellor=counsellor)
        joined = _system_message(conversation, "accepted", "")
    return Outcome(
        conversation,
        events=[*joined.events, _state_event(conversation), _queue_changed()],
    )


# Why a visitor's chat ended, as the system message's code: the console shows each its own way.
ENDED_BY_VISITOR = "ended_by_visitor"
ENDED_QUICK_EXIT = "ended_quick_exit"


def end_conversation(
    *, conversation: Conversation, by: User | None, code: str = ENDED_BY_VISITOR
) -> Outcome:
    """End a chat, by the visitor (by=None, `code` says how) or the counsellor who holds it.
    Ending an ended chat does nothing (and publishes nothing)."""
    if by is not None and conversation.counsellor_id != by.pk:
        raise ChatError("not_yours", _("This conversation is held by someone else."))
    with transaction.atomic():
        ended = (
            Conversation.objects.filter(pk=conversation.pk)
            .exclude(status=Conversation.Status.ENDED)
            .update(status=Conversation.Status.ENDED, ended_at=timezone.now())
        )
        conversation.refresh_from_db()
        if not ended:
            return Outcome(conversation)
        note = _system_message(conversation, code if by is None else "ended", "")
        conversation_ended.send(sender=Conversation, conversation_pk=conversation.pk)
    return Outcome(
        conversation, events=[*note.events, _state_event(conversation), _queue_changed()]
    )


def hand_over(*, conversation: Conversation, by: User, to_user_id: int, note: str) -> Outcome:
    """Pass a chat to a colleague on duty, with an internal note the visitor never sees."""
    if conversation.counsellor_id != by.pk or conversation.status != Conversation.Status.ACTIVE:
        raise ChatError("not_yours", _("This conversation is held by someone else."))
    to_user = User.objects.filter(pk=to_user_id, is_active=True).first()
    if to_user is None or to_user.pk == by.pk or not may(to_user, Action.CHAT_CONSOLE):
        raise ChatError("invalid_target", _("Choose a colleague who works in the chat."))
    if not Duty.objects.filter(user=to_user, on_duty=True).exists():
        raise ChatError("invalid_target", _("This colleague is not on duty."))
    with transaction.atomic():
        moved = Conversation.objects.filter(
            pk=conversation.pk, counsellor=by, status=Conversation.Status.ACTIVE
        ).update(counsellor=to_user)
        if not moved:
            raise ChatError("not_yours", _("This conversation is held by someone else."))
        conversation.refresh_from_db()
        Assignment.objects.create(
            conversation=conversation,
            counsellor=to_user,
            handed_over_by=by,
            note=clean_text(note)[:2000],
        )
        notice = _system_message(conversation, "handover", "")
    handed = {
        "type": "chat.assigned",
        "conversation": str(conversation.public_id),
        "from": by.display_name,
    }
    return Outcome(
        conversation,
        events=[*notice.events, _state_event(conversation), (staff_group(to_user.pk), handed)],
    )


def handover_notes(*, conversation: Conversation, reader: User) -> list[dict[str, str]]:
    """The internal notes of a conversation, for the staff who may read its transcript."""
    if not may(reader, Action.CHAT_TRANSCRIPT, conversation):
        raise AccessDenied()
    return [
        {
            "from": a.handed_over_by.display_name if a.handed_over_by else "",
            "to": a.counsellor.display_name,
            "note": a.note,
            "at": a.started_at.isoformat(),
        }
        for a in conversation.assignments.select_related("counsellor", "handed_over_by")
        if a.handed_over_by_id
    ]


def colleagues_on_duty(*, user: User) -> list[dict[str, Any]]:
    duties = Duty.objects.filter(on_duty=True).exclude(user=user).select_related("user")
    return [
        {"id": d.user.pk, "name": d.user.display_name}
        for d in duties
        if may(d.user, Action.CHAT_CONSOLE)
    ]


def start_reading_along(
    *, conversation_id: str, supervisor: User, access_point: str
) -> tuple[Conversation, list[MessageView]]:
    role = require(supervisor, Action.CHAT_SUPERVISE)
    valid_id = parse_public_id(conversation_id)
    conversation = Conversation.objects.filter(public_id=valid_id).first() if valid_id else None
    if conversation is None:
        raise ChatError("unknown_conversation", _("This conversation does not exist."))
    log_access(
        user=supervisor,
        event=AccessLogEntry.Event.CHAT_READ_ALONG,
        role=role,
        access_point=access_point,
        record_type="conversation",
        record_id=conversation.public_id,
    )
    return conversation, messages_after(conversation=conversation, after=0)
