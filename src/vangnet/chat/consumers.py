"""WebSocket transport for the chat: frames in, service calls, frames out. No rules here."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.functional import empty
from django.utils.translation import gettext as _

from vangnet.accounts.middleware import record_activity, stored_session
from vangnet.chat import overload, protocol, selectors, services, store
from vangnet.chat.models import Conversation, Message
from vangnet.chat.outage import DatabaseUnavailable, db_call
from vangnet.chat.presence import presence, roster_event
from vangnet.chat.protocol import Frame, FrameError
from vangnet.chat.ratelimit import message_limiter
from vangnet.chat.services import ChatError, Outcome
from vangnet.core import metrics
from vangnet.core.access import (
    AccessDenied,
    Action,
    may,
    session_is_fresh,
    verify_session_user,
)
from vangnet.realtime.hub import hub
from vangnet.realtime.ordering import OrderingBuffer
from vangnet.realtime.socket import Socket

logger = logging.getLogger(__name__)

# What the ordering buffer holds: messages read from the database, and live ones as encoded.
Outgoing = services.MessageView | services.EncodedMessage

CLOSE_SESSION_ENDED = 4401  # the staff login ended (logout, timeout, deactivated): log in again
CLOSE_FORBIDDEN = 4403
CLOSE_UNKNOWN_TOKEN = 4404
CLOSE_TRY_AGAIN = 1013  # a fault the server rides out (the database restarts): resume later
CLOSE_SERVER_ERROR = 1011
ACTIVITY_NOTE_SECONDS = 60  # how often console work refreshes the login's inactivity clock
# Frames a socket cannot go on without: when the database cannot answer them, the socket is
# closed with 1013 and the client resumes (and resends), instead of an `unavailable` error.
RESUME_FRAMES = {"start", "resume", "send", "sync"}
# Many waiting visitors must not all query their place on every queue change.
QUEUE_REFRESH_SECONDS = 2.0
# How long a message that arrived before an earlier one waits for it, before the database is read.
REORDER_WAIT_SECONDS = 0.2


class ChatSocket(Socket):
    """What both sides share: safe frame decoding, error frames, publishing, catching up.
    The socket loop itself is vangnet.realtime.socket; this class gives its frames meaning."""

    access_point = "ws:chat"
    frame_fields: dict[str, Any] = {}
    language = "nl"

    async def dispatch(self, item: dict[str, Any]) -> None:
        try:
            await super().dispatch(item)
        except DatabaseUnavailable:
            # Logged once for the process (chat/outage.py). A live event is skipped: what it
            # carried is read again on resume. Connecting needs the database.
            if item["type"] == "websocket.connect":
                await self.close(code=CLOSE_TRY_AGAIN)

    async def connect(self) -> None:
        self.use_language(self.language)
        # Per conversation (pk): the last sequence sent, and messages that arrived early.
        self.order: OrderingBuffer[Outgoing] = OrderingBuffer()
        self.gap_fills: dict[int, asyncio.Task[None]] = {}
        self.storing: asyncio.Future[None] | None = None  # the last `send` being stored
        # Per conversation ("" on a visitor's socket): the first send refused for overload,
        # until it comes again (every later send is refused meanwhile, to keep the order).
        self.refused_first: dict[str, str] = {}
        self.presence = presence()  # also takes absent counsellors off duty
        self.load = overload.load()  # this process's signs of overload (looked up once)
        await self.accept()
        metrics.socket_opened(self.access_point.removeprefix("ws:"))
        self.counted = True  # a socket refused before this point was never counted open

    def use_language(self, language: str) -> None:
        """Speak `language` on this socket. Each socket runs in a task (a context) of its own,
        so activating it once here holds for all its frames, and for the tasks it starts."""
        self.language = language
        translation.activate(language)

    async def disconnect(self, code: int) -> None:
        if getattr(self, "counted", False):
            metrics.socket_closed(self.access_point.removeprefix("ws:"))
        for task in self.gap_fills.values():
            task.cancel()
        if self.storing is not None:
            # A message being stored is stored (and published) even when its sender went away.
            await asyncio.gather(self.storing, return_exceptions=True)
        for group in self.groups:
            await self.leave(group)

    async def receive(self, text_data: str | None, bytes_data: bytes | None = None) -> None:
        """Decode and check one frame; anything refused gets an error frame, the socket stays."""
        if self.closing:
            return
        content: Any = None
        try:
            content = json.loads(text_data) if text_data is not None else None
            frame = protocol.parse_client_frame(content, self.frame_fields)
        except (ValueError, TypeError, RecursionError):
            await self.send_json(protocol.error("malformed", _("The message could not be read.")))
            return
        except FrameError as err:
            await self.send_json(err.frame(**protocol.echo(content)))
            return
        if frame.type == "send":
            if await self.slowed_down(frame, content):
                return
            # Storing waits on the database. Meanwhile this consumer goes on delivering the
            # other side's messages; this socket's own frames keep their order.
            receipt = self.load.arrived()
            self.storing = asyncio.ensure_future(self.after(self.storing, frame, content, receipt))
            return
        if self.storing is not None:
            await self.storing
        await self.run(frame, content)

    async def slowed_down(self, frame: Frame, content: Any) -> bool:
        """Refuse a send while this process is behind (chat/overload.py), and every later
        send in its conversation until the first refused one comes again: then it is judged
        as any. Costs no database and no publish."""
        conversation = frame.text("conversation")
        first = self.refused_first.get(conversation)
        retry_after = self.load.retry_after()
        if first is not None and first != frame.fields["id"]:
            retry_after = retry_after or overload.RETRY_AFTER_MIN_SECONDS  # after the first
        elif retry_after is None:
            self.refused_first.pop(conversation, None)
            return False
        else:
            self.refused_first[conversation] = frame.fields["id"]
        message = _("It is very busy. Your message will be sent again in a moment.")
        await self.send_json(
            protocol.error("slow_down", message, retry_after=retry_after, **protocol.echo(content))
        )
        return True

    async def after(
        self,
        before: asyncio.Future[None] | None,
        frame: Frame,
        content: Any,
        receipt: overload.Receipt,
    ) -> None:
        try:
            if before is not None:
                await before
            if self.closing:
                return  # closed meanwhile: the client sends it again after resuming
            await self.run(frame, content)
        except Exception:
            # A bug, not the client's input (that is checked) nor the database (run handles
            # that): close, so the client resumes and resends.
            logger.exception("storing a chat message failed")
            await self.close(code=CLOSE_SERVER_ERROR)
        finally:
            self.load.answered(receipt)

    async def run(self, frame: Frame, content: Any) -> None:
        try:
            await self.handle(frame)
        except (ChatError, FrameError) as err:
            await self.send_json(protocol.error(err.code, err.message, **protocol.echo(content)))
        except AccessDenied as err:
            await self.send_json(protocol.error("forbidden", str(err)))
        except DatabaseUnavailable:
            if frame.type in RESUME_FRAMES:
                await self.close(code=CLOSE_TRY_AGAIN)
            else:
                message = _("The chat is catching up after a disturbance. Try again in a moment.")
                await self.send_json(
                    protocol.error("unavailable", message, **protocol.echo(content))
                )

    async def refuse(self, err: FrameError, close_code: int) -> None:
        await self.send_json(protocol.error(err.code, err.message))
        await self.close(code=close_code)

    async def handle(self, frame: Frame) -> None:
        raise NotImplementedError

    async def publish(self, outcome: Outcome | None) -> None:
        """Send a committed outcome's events to their groups."""
        if outcome is None:
            return
        for group, event in outcome.events:
            hub().publish(group, event)

    async def send_messages(self, conversation_pk: int, messages: Sequence[Outgoing]) -> None:
        """Send messages in order, each once, whatever mix of catch-up and live events."""
        for message in self.order.add(conversation_pk, messages):
            await self.send_frame(message.encoded())

    def at_once(self, event: dict[str, Any]) -> bool:
        """A live message next in line for an idle socket: straight out, as `chat_message`
        would send it, without a turn of the socket's loop."""
        if event["type"] != "chat.message" or not self.can_send_now():
            return False
        pk = self.conversation_pk_of(event["conversation"])
        if pk is None or not self.order.next_in_line(pk, event["seq"]):
            return False
        self.send_frame_now(event["frame"])
        return True

    async def chat_message(self, event: dict[str, Any]) -> None:
        pk = self.conversation_pk_of(event["conversation"])
        if pk is None:
            return
        if self.order.next_in_line(pk, event["seq"]):
            await self.send_frame(event["frame"])
            return
        await self.send_messages(pk, [services.EncodedMessage(event["seq"], event["frame"])])
        if self.order.has_gap(pk) and pk not in self.gap_fills:
            # It overtook one we have not sent: messages stored in concurrent batches may be
            # published out of order. Hold it a moment for the missing one, then read the gap
            # from the database (it may also have been dropped by the hub).
            self.gap_fills[pk] = asyncio.create_task(self.fill_gap_later(pk))

    async def fill_gap_later(self, pk: int) -> None:
        try:
            await asyncio.sleep(REORDER_WAIT_SECONDS)
            if self.order.has_gap(pk):
                await self.catch_up(pk)
        except DatabaseUnavailable:
            pass  # tried again below while anything is held back
        finally:
            self.gap_fills.pop(pk, None)
        if self.order.has_gap(pk):
            self.gap_fills[pk] = asyncio.create_task(self.fill_gap_later(pk))

    async def catch_up(self, pk: int) -> None:
        """Send what this socket has not seen of a conversation, from the database."""
        missed = await db_call(_messages_after_pk, pk, self.order.last(pk))
        await self.send_messages(pk, missed)

    async def hub_resync(self, event: dict[str, Any]) -> None:
        """The hub lost events (its Redis connection broke): catch up every conversation."""
        for pk in self.order.conversations():
            await self.catch_up(pk)

    async def announce_typing(self, conversation: Conversation, sender: str) -> None:
        """Typing is shown, never stored: straight to the others in the conversation."""
        hub().publish(
            services.conversation_group(conversation.pk),
            {
                "type": "chat.typing",
                "from": sender,
                "channel": self.inbox.name,
                "conversation": str(conversation.public_id),
            },
        )

    async def chat_typing(self, event: dict[str, Any]) -> None:
        if event.get("channel") != self.inbox.name:
            await self.send_json(
                {k: v for k, v in event.items() if k != "channel"} | {"type": "typing"}
            )

    def conversation_pk_of(self, public_id: str) -> int | None:
        raise NotImplementedError


def _messages_after_pk(pk: int, after: int) -> list[services.MessageView]:
    conversation = Conversation.objects.get(pk=pk)
    return services.messages_after(conversation=conversation, after=after)


class VisitorConsumer(ChatSocket):
    """The anonymous visitor. Knows nothing of the person but the token they hold."""

    access_point = "ws:visitor"
    frame_fields = protocol.VISITOR_FIELDS

    async def connect(self) -> None:
        self.conversation: Conversation | None = None
        self.position_refresh: asyncio.Task[None] | None = None
        self.triaged = False  # the first message of this socket was scored for acute danger
        await super().connect()

    async def disconnect(self, code: int) -> None:
        if self.position_refresh is not None:
            self.position_refresh.cancel()
        await super().disconnect(code)

    def conversation_pk_of(self, public_id: str) -> int | None:
        return self.conversation.id if self.conversation else None

    async def handle(self, frame: Frame) -> None:
        if frame.type == "ping":
            await self.send_json({"type": "pong"})
            return
        if frame.type in {"start", "resume"}:
            await (self.start(frame) if frame.type == "start" else self.resume(frame))
            return
        if self.conversation is None:
            raise ChatError("no_conversation", _("Start or resume a conversation first."))
        if frame.type == "send":
            await self.send_text(frame)
        elif frame.type == "typing":
            await self.announce_typing(self.conversation, "visitor")
        elif frame.type == "end":
            outcome = await db_call(
                services.end_conversation, conversation=self.conversation, by=None
            )
            await self.publish(outcome)

    async def start(self, frame: Frame) -> None:
        if self.conversation is not None:
            raise ChatError("already_started", _("This conversation has already started."))
        if store.busy() or overload.retry_after() is not None:
            # Running chats come first: no new one while their messages are refused.
            raise services.busy_error()
        self.use_language(frame.fields.get("language", "nl"))
        outcome, token = await db_call(
            services.start_conversation,
            visitor_role=frame.text("role"),
            nickname=frame.text("nickname"),
            language=self.language,
        )
        self.conversation = outcome.conversation
        await self.enter(token=token)
        await self.publish(outcome)
        if frame.text("in_danger"):  # the optional pre-chat question "Ben je nu in gevaar?"
            await self.triage(prechat=frame.text("in_danger"))

    async def resume(self, frame: Frame) -> None:
        try:
            conversation = await db_call(services.resume_conversation, token=frame.text("token"))
        except ChatError as err:
            await self.refuse(FrameError(err.code, err.message), CLOSE_UNKNOWN_TOKEN)
            return
        self.conversation = conversation
        self.use_language(conversation.language)
        last_seq = int(frame.fields.get("last_seq", 0))
        self.order.reset(conversation.pk, last_seq)
        await self.enter(token=None)

    async def enter(self, *, token: str | None) -> None:
        """Join the conversation's group first, then catch up: nothing falls in between."""
        assert self.conversation is not None
        conversation = self.conversation
        await self.join(services.conversation_group(conversation.pk))
        await self.join(services.QUEUE_GROUP)
        welcome: dict[str, Any] = {"type": "welcome", "protocol": protocol.PROTOCOL_VERSION}
        if token:
            welcome["token"] = token
        await self.send_json(welcome)
        await self.send_state()
        missed = await db_call(
            services.messages_after,
            conversation=conversation,
            after=self.order.last(conversation.pk),
        )
        await self.send_messages(conversation.pk, missed)

    async def send_text(self, frame: Frame) -> None:
        assert self.conversation is not None
        message_limiter.require(self.conversation.id, Message.Sender.VISITOR)
        outcome = await store.post_message(
            conversation=self.conversation,
            sender=Message.Sender.VISITOR,
            author=None,
            client_msg_id=frame.fields["id"],
            text=frame.fields["text"],
        )
        assert outcome.message is not None
        await self.send_json({"type": "ack", "id": outcome.message.id, "seq": outcome.message.seq})
        await self.publish(outcome)
        if self.conversation.status == Conversation.Status.WAITING and not self.triaged:
            await self.triage(text=frame.fields["text"])

    async def triage(self, *, text: str = "", prechat: str = "") -> None:
        """Score a waiting chat for acute danger (vangnet.reading.queue, named in settings);
        an acute visitor sees the 112 advice at once and the queue moves them up."""
        assert self.conversation is not None
        self.triaged = self.triaged or bool(text)
        acute = await db_call(_triage_hook(bool(prechat)), self.conversation.pk, prechat or text)
        if acute:
            await self.send_json({"type": "advice", "code": "emergency_112"})
            hub().publish(services.QUEUE_GROUP, {"type": "queue.changed"})

    async def send_state(self) -> None:
        assert self.conversation is not None
        conversation = await db_call(_fresh, self.conversation.pk)
        self.conversation = conversation
        state: dict[str, Any] = {
            "type": "state",
            "status": conversation.status,
            "counsellor": services.counsellor_label(conversation.counsellor),
        }
        if conversation.status == Conversation.Status.WAITING:
            state["position"] = await db_call(services.queue_position, conversation)
            availability = await db_call(selectors.availability)
            state["open"] = availability.is_open
        await self.send_json(state)

    async def chat_state(self, event: dict[str, Any]) -> None:
        await self.send_state()
        if event["status"] == Conversation.Status.ENDED:
            assert self.conversation is not None
            message_limiter.forget(self.conversation.pk)

    async def queue_changed(self, event: dict[str, Any]) -> None:
        """Tell a waiting visitor their new place, at most once per QUEUE_REFRESH_SECONDS."""
        if self.conversation is None or self.conversation.status != Conversation.Status.WAITING:
            return
        if self.position_refresh is None or self.position_refresh.done():
            self.position_refresh = asyncio.create_task(self._refresh_position_later())

    async def _refresh_position_later(self) -> None:
        await asyncio.sleep(QUEUE_REFRESH_SECONDS)
        try:
            await self.send_state()
        except DatabaseUnavailable:
            pass  # the next change of the queue tries again

    async def chat_roster(self, event: dict[str, Any]) -> None:
        """Somebody went on duty, or the last one went off: a waiting visitor hears it now."""
        if (
            self.conversation is not None
            and self.conversation.status == Conversation.Status.WAITING
        ):
            await self.send_state()

    async def chat_assigned(self, event: dict[str, Any]) -> None:
        """Only consoles act on this."""

    async def staff_ended(self, event: dict[str, Any]) -> None:
        """Only consoles act on this."""


def _triage_hook(prechat: bool) -> Any:
    from django.utils.module_loading import import_string

    return import_string(
        settings.VANGNET_CHAT_PRECHAT_HOOK if prechat else settings.VANGNET_CHAT_TRIAGE_HOOK
    )


def _fresh(pk: int) -> Conversation:
    return Conversation.objects.select_related("counsellor").get(pk=pk)


class ConsoleConsumer(ChatSocket):
    """A counsellor's or supervisor's console: verified staff only."""

    access_point = "ws:console"
    frame_fields = protocol.CONSOLE_FIELDS
    # Frames that act with the staff member's authority: the login is checked again first, so
    # a console whose login ended cannot act even if the closing event was lost.
    CHECKED_FRAMES = {"duty", "accept", "sync", "read_along", "handover"}
    AUTOMATIC_FRAMES = {"ping", "sync"}  # sent by the script, not by the counsellor
    activity_noted_at = float("-inf")

    @property
    def user_pk(self) -> int:
        return int(self.user.pk)

    async def connect(self) -> None:
        # Channels' AuthMiddleware hands a lazy proxy, resolved before connect; the user itself
        # spares every attribute read on the message path a call through the proxy.
        user = self.scope.get("user")
        wrapped = getattr(user, "_wrapped", empty)
        self.user: Any = user if wrapped is empty else wrapped
        self.held: dict[str, int] = {}  # public id -> pk of conversations this console shows
        self.opened: dict[str, Conversation] = {}  # the chats it holds, to post in
        self.present = False
        await super().connect()
        verdict = await db_call(console_access, self.session_key, self.user)
        if verdict != ACCESS_OK:
            await self.end_session(verdict)
            return
        self.use_language(_console_language(self.scope))
        await self.join(services.staff_group(self.user_pk))
        await self.join(services.QUEUE_GROUP)
        await self.presence.opened(self.user_pk)
        self.present = True
        await self.send_json(await db_call(self.hello))

    async def note_activity(self, kind: str) -> None:
        """What the counsellor does here keeps their login alive (the inactivity timeout), at
        most one session write a minute; the script's own pings and resyncs do not count."""
        now = time.monotonic()
        if kind in self.AUTOMATIC_FRAMES or now - self.activity_noted_at < ACTIVITY_NOTE_SECONDS:
            return
        self.activity_noted_at = now
        if self.session_key:
            await db_call(record_activity, self.session_key)

    @property
    def session_key(self) -> str | None:
        session = self.scope.get("session")
        return session.session_key if session is not None else None

    async def disconnect(self, code: int) -> None:
        if self.present:
            self.presence.closed(self.user_pk)
            self.present = False
        await super().disconnect(code)

    async def end_session(self, verdict: str) -> None:
        """Refuse or close the console: it leaves every group first, so nothing more reaches it."""
        for group in self.groups:
            await self.leave(group)
        if verdict == ACCESS_ENDED:
            err = FrameError("session_ended", _("Your login has ended. Log in again."))
            await self.refuse(err, CLOSE_SESSION_ENDED)
        else:
            message = _("Log in with your second factor to use the console.")
            await self.refuse(FrameError("forbidden", message), CLOSE_FORBIDDEN)

    async def staff_ended(self, event: dict[str, Any]) -> None:
        """This person's access ended (chat/staff_access.py): close, in every process."""
        await self.end_session(ACCESS_ENDED)

    def hello(self) -> dict[str, Any]:
        held = services.held_conversations(user=self.user)
        return {
            "type": "hello",
            "protocol": protocol.PROTOCOL_VERSION,
            **selectors.server_clock(),
            "me": {"id": self.user.pk, "name": self.user.display_name},
            "supervisor": may(self.user, Action.CHAT_SUPERVISE),
            "busy": _busy(),
            "on_duty": _on_duty(self.user),
            "queue": selectors.waiting_queue(),
            "chats": [_chat_summary(c) for c in held],
            "active": selectors.active_conversations()
            if may(self.user, Action.CHAT_SUPERVISE)
            else [],
        }

    def conversation_pk_of(self, public_id: str) -> int | None:
        return self.held.get(public_id)

    async def handle(self, frame: Frame) -> None:
        kind = frame.type
        await self.note_activity(kind)
        if kind in self.CHECKED_FRAMES:
            verdict = await db_call(console_access, self.session_key, self.user)
            if verdict != ACCESS_OK:
                await self.end_session(verdict)
                return
        if kind == "ping":
            await self.send_json({"type": "pong"})
        elif kind == "duty":
            on = bool(frame.fields["on"])
            anybody = await db_call(_set_duty, self.user, on)
            await self.send_json({"type": "duty", "on": on})
            hub().publish(services.QUEUE_GROUP, {"type": "queue.changed"})
            hub().publish(services.QUEUE_GROUP, roster_event(anybody))
        elif kind == "accept":
            outcome = await db_call(
                services.accept_conversation,
                conversation_id=frame.text("conversation"),
                counsellor=self.user,
            )
            await self.publish(outcome)
            await self.open_conversation(outcome.conversation, after=0)
        elif kind == "sync":
            conversation = await db_call(
                services.conversation_held_by, public_id=frame.text("conversation"), user=self.user
            )
            await self.open_conversation(conversation, after=int(frame.fields.get("after", 0)))
        elif kind == "read_along":
            conversation, views = await db_call(
                services.start_reading_along,
                conversation_id=frame.text("conversation"),
                supervisor=self.user,
                access_point=self.access_point,
            )
            self.held[str(conversation.public_id)] = conversation.pk
            self.order.reset(conversation.pk, 0)
            await self.join(services.conversation_group(conversation.pk))
            await self.send_json(
                {"type": "chat", "reading_along": True, **_chat_summary(conversation)}
            )
            await self.send_messages(conversation.pk, views)
        elif kind == "stop_reading":
            pk = self.held.pop(frame.text("conversation"), None)
            self.opened.pop(frame.text("conversation"), None)
            if pk is not None:
                await self.leave(services.conversation_group(pk))
        elif kind == "colleagues":
            people = await db_call(services.colleagues_on_duty, user=self.user)
            await self.send_json({"type": "colleagues", "people": people})
        else:
            await self.act_on_held(frame)

    async def send_text(self, frame: Frame) -> None:
        """Post in a chat this console opened: one database call, as post_message itself
        refuses a chat that has been handed over or ended meanwhile."""
        public_id = frame.text("conversation")
        conversation = self.opened.get(public_id)
        if conversation is None:
            conversation = await db_call(
                services.conversation_held_by, public_id=public_id, user=self.user
            )
        message_limiter.require(conversation.id, Message.Sender.COUNSELLOR)
        outcome = await store.post_message(
            conversation=conversation,
            sender=Message.Sender.COUNSELLOR,
            author=self.user,
            client_msg_id=frame.fields["id"],
            text=frame.fields["text"],
        )
        assert outcome.message is not None
        await self.send_json(
            {
                "type": "ack",
                "conversation": str(conversation.public_id),
                "id": outcome.message.id,
                "seq": outcome.message.seq,
            }
        )
        await self.publish(outcome)

    async def act_on_held(self, frame: Frame) -> None:
        if frame.type == "send":
            await self.send_text(frame)
            return
        conversation = await db_call(
            services.conversation_held_by, public_id=frame.text("conversation"), user=self.user
        )
        if frame.type == "typing":
            await self.announce_typing(conversation, "counsellor")
        elif frame.type == "end":
            await self.publish(
                await db_call(services.end_conversation, conversation=conversation, by=self.user)
            )
        elif frame.type == "handover":
            to_user = frame.fields.get("to")
            if not isinstance(to_user, int) or isinstance(to_user, bool):
                raise ChatError("invalid_target", _("Choose a colleague who works in the chat."))
            outcome = await db_call(
                services.hand_over,
                conversation=conversation,
                by=self.user,
                to_user_id=to_user,
                note=frame.text("note"),
            )
            await self.publish(outcome)

    async def open_conversation(self, conversation: Conversation, *, after: int) -> None:
        """Show a held chat: join its group, then send what this console has not seen (logged)."""
        self.held[str(conversation.public_id)] = conversation.pk
        self.opened[str(conversation.public_id)] = conversation
        self.order.reset(conversation.pk, after)
        await self.join(services.conversation_group(conversation.pk))
        summary, notes, views = await db_call(
            _open_for, conversation, self.user, self.access_point, after
        )
        await self.send_json({"type": "chat", **summary, "notes": notes})
        await self.send_messages(conversation.pk, views)

    async def chat_state(self, event: dict[str, Any]) -> None:
        public_id = event["conversation"]
        if public_id not in self.held:
            return
        summary = await db_call(_summary_by_public_id, public_id)
        still_mine = summary["counsellor_id"] == self.user.pk
        await self.send_json({"type": "state", **summary, "mine": still_mine})
        if not still_mine and not summary.get("reading_along"):
            pk = self.held.get(public_id)
            if pk is not None and summary["status"] != Conversation.Status.ENDED:
                # Handed over to someone else: this console stops following it.
                self.held.pop(public_id, None)
                self.opened.pop(public_id, None)
                await self.leave(services.conversation_group(pk))

    async def chat_assigned(self, event: dict[str, Any]) -> None:
        conversation = await db_call(
            services.conversation_held_by, public_id=event["conversation"], user=self.user
        )
        await self.send_json(
            {"type": "assigned", "conversation": event["conversation"], "from": event["from"]}
        )
        await self.open_conversation(conversation, after=0)

    async def queue_changed(self, event: dict[str, Any]) -> None:
        await self.send_json(await db_call(self.queue_frame))

    async def chat_roster(self, event: dict[str, Any]) -> None:
        """Visitors act on this; the console hears of duty changes through `queue`."""

    def queue_frame(self) -> dict[str, Any]:
        frame: dict[str, Any] = {
            "type": "queue",
            **selectors.server_clock(),
            "items": selectors.waiting_queue(),
            "busy": _busy(),
        }
        if may(self.user, Action.CHAT_SUPERVISE):
            frame["active"] = selectors.active_conversations()
        return frame


ACCESS_OK = "ok"
ACCESS_ENDED = "ended"  # the login ended: logged out, timed out, deactivated
ACCESS_FORBIDDEN = "forbidden"  # no login with a second factor, or no console role


def console_access(session_key: str | None, user: Any) -> str:
    """May this login use the console now? Reads the session and the user afresh, so a logout,
    an inactivity timeout, a deactivation or a removed role counts at once. "Verified staff"
    is the access policy's own test (core.access.verify_session_user)."""
    from django.contrib.auth import SESSION_KEY

    from vangnet.accounts.models import User

    if user is None or not user.is_authenticated or not session_key:
        return ACCESS_FORBIDDEN
    session = stored_session(session_key)
    fresh = User.objects.filter(pk=user.pk, is_active=True).first()
    if (
        fresh is None
        or str(session.get(SESSION_KEY, "")) != str(user.pk)
        or not session_is_fresh(session)
    ):
        return ACCESS_ENDED
    verified = verify_session_user(fresh, session)
    if verified is None:
        return ACCESS_FORBIDDEN
    return ACCESS_OK if may(verified, Action.CHAT_CONSOLE) else ACCESS_FORBIDDEN


def _busy() -> bool:
    """New visitors are being told it is very busy (this process's writer or its sends, or
    the queue)."""
    from django.conf import settings

    if store.busy() or overload.refusing_sends():
        return True
    waiting = Conversation.objects.filter(status=Conversation.Status.WAITING).count()
    return waiting >= settings.VANGNET_CHAT_MAX_WAITING


def _set_duty(user: Any, on_duty: bool) -> bool:
    """Go on or off duty; returns whether anybody is on duty now."""
    from vangnet.chat.models import Duty

    services.set_duty(user=user, on_duty=on_duty)
    return Duty.objects.filter(on_duty=True).exists()


def _console_language(scope: dict[str, Any]) -> str:
    """The staff member's chosen interface language (Django's language cookie), else Dutch."""
    from django.conf import settings

    cookies = scope.get("cookies") or {}
    chosen = cookies.get(settings.LANGUAGE_COOKIE_NAME, "")
    return chosen if chosen in {"nl", "en"} else "nl"


def _on_duty(user: Any) -> bool:
    from vangnet.chat.models import Duty

    return Duty.objects.filter(user=user, on_duty=True).exists()


def _chat_summary(conversation: Conversation) -> dict[str, Any]:
    return selectors.chat_summary(conversation)


def _summary_by_public_id(public_id: str) -> dict[str, Any]:
    return _chat_summary(Conversation.objects.get(public_id=public_id))


def _open_for(
    conversation: Conversation, user: Any, access_point: str, after: int
) -> tuple[dict[str, Any], list[dict[str, str]], list[services.MessageView]]:
    views = services.read_transcript(
        conversation=conversation, reader=user, access_point=access_point, after=after
    )
    notes = services.handover_notes(conversation=conversation, reader=user)
    return _chat_summary(conversation), notes, views
