from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from vangnet.accounts.decorators import StaffRequest, staff_view
from vangnet.accounts.models import User
from vangnet.cases.services import CaseError, record_chat_consent
from vangnet.chat import saved_replies, selectors, services
from vangnet.chat.forms import ConsentForm
from vangnet.chat.labels import visitor_label
from vangnet.chat.models import Conversation, VisitorRole
from vangnet.chat.publish import publish_from_sync
from vangnet.chat.ratelimit import visitor_request_limiter
from vangnet.chat.services import ChatError
from vangnet.coding.selectors import uncoded_conversations
from vangnet.core.access import Action, may
from vangnet.core.audit import access_point_of
from vangnet.guide import images_route

logger = logging.getLogger(__name__)


def visitor_chat(request: HttpRequest) -> HttpResponse:
    """The anonymous chat page; everything after this goes over the WebSocket."""
    return render(
        request,
        "chat/visitor.html",
        {
            "availability": selectors.availability(),
            "roles": VisitorRole.choices,
            "max_chars": settings.VANGNET_CHAT_MAX_MESSAGE_CHARS,
            "strings": visitor_strings(),
            "status_poll_seconds": settings.VANGNET_CHAT_STATUS_POLL_SECONDS,
        },
    )


# The chat page asks whether the chat is open every VANGNET_CHAT_STATUS_POLL_SECONDS
# (visitor.js). Under a media spike thousands of pages ask: nginx's micro-cache answers most of
# them (X-Accel-Expires), and the processes ask the database at most once per
# STATUS_CACHE_SECONDS (the shared cache).
STATUS_CACHE_SECONDS = 3
STATUS_CACHE_KEY = "chat:status:open"


@require_GET
def chat_status(request: HttpRequest) -> JsonResponse:
    """Is the chat open now (within opening hours, somebody on duty)? The same for everybody."""
    is_open: bool | None = None
    try:
        is_open = cache.get(STATUS_CACHE_KEY)
    except Exception:  # the cache (Redis) restarting: ask the database
        logger.debug("chat status: cache unreachable")
    if is_open is None:
        is_open = selectors.availability().is_open
        try:
            cache.set(STATUS_CACHE_KEY, is_open, STATUS_CACHE_SECONDS)
        except Exception:
            logger.debug("chat status: cache unreachable")
    response = JsonResponse({"open": is_open})
    response["X-Accel-Expires"] = str(STATUS_CACHE_SECONDS)
    return response


def _visitor_error(err: ChatError, status: int) -> JsonResponse:
    return JsonResponse({"error": err.code, "message": err.message}, status=status)


@csrf_exempt  # sent by navigator.sendBeacon while the page goes away; acts only on a valid token
@require_POST
def quick_exit(request: HttpRequest) -> HttpResponse:
    """The visitor pressed quick exit: end their chat now (docs/chat-protocol.md)."""
    try:
        conversation = services.conversation_of_token(request.POST.get("token", "")[:200])
    except ChatError as err:
        return _visitor_error(err, 404)
    if not visitor_request_limiter.allow(conversation.pk, "quick_exit"):
        return _visitor_error(
            ChatError("rate_limited", _("You are sending very fast. Wait a moment and try again.")),
            429,
        )
    publish_from_sync(services.leave_quickly(conversation=conversation))
    return HttpResponse(status=204)


def visitor_strings() -> dict[str, str]:
    """Texts the chat script shows, translated on the server (no script catalogue needed)."""
    return {
        "language": get_language() or "nl",
        "waiting": _("You are number {position} in the queue. A counsellor will be with you soon."),
        "waiting_closed": _(
            "You are in the queue. No counsellor is available right now; "
            "you can wait or come back later."
        ),
        "active": _("You are talking with {name}."),
        "ended": _("The chat has ended. Thank you for talking with us."),
        "reconnecting": _(
            "The connection is being restored. Your messages are kept and sent as soon as "
            "it is back."
        ),
        "connecting": _("Connecting…"),
        "you": _("You"),
        "counsellor": _("Counsellor"),
        "sending": _("sending…"),
        "accepted": _("A counsellor has joined the chat."),
        "handover": _("Another counsellor takes over the conversation."),
        "ended_by_visitor": _("You ended the chat."),
        "confirm_end": _("Do you want to end the chat?"),
        "chars_left": _("{count} characters left"),
        "emergency_112": _(
            "Are you in danger right now? Call 112 (free, also without credit). "
            "You can keep this chat open: a counsellor will be with you as soon as possible."
        ),
        "expired": _("This conversation has ended. You can start a new one."),
        "now_open": _("The chat is open now. You can start a chat."),
        "now_closed": _("The chat is closed right now."),
        "text_only": _(
            "Only text can be sent in this chat. The photo or file was not sent. "
            "Describe in words what you want to tell."
        ),
        "survey_thanks": _("Thank you for your answers."),
        "survey_failed": _("Your answers could not be sent. That is all right: thank you."),
    }


@staff_view(Action.CHAT_CONSOLE)
def console(request: StaffRequest) -> HttpResponse:
    return render(
        request,
        "chat/console.html",
        {
            "max_chars": settings.VANGNET_CHAT_MAX_MESSAGE_CHARS,
            "coding_url": reverse("coding:register"),
            # A chat is finished only once it is coded or marked not codeable.
            "uncoded": [
                (c, visitor_label(c.visitor_role, c.nickname))
                for c in uncoded_conversations(counsellor=request.user)[:50]
            ],
            "strings": console_strings(),
            "clock": selectors.server_clock(),
            "acute_alert_ms": int(settings.VANGNET_ACUTE_ALERT_SECONDS * 1000),
            "saved_replies": saved_replies.offered_replies(),
            "images_card": images_route.info_card(get_language() or "nl"),
            "may_edit_replies": may(request.user, Action.CHAT_SAVED_REPLIES),
        },
    )


@require_POST
@staff_view(Action.CHAT_CONSOLE)
def record_consent(request: HttpRequest, public_id: str) -> JsonResponse:
    """The visitor agreed in the chat to a case being opened: hand it to the case workers."""
    form = ConsentForm(request.POST)
    if not form.is_valid():
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        return JsonResponse({"error": " ".join(errors)}, status=400)
    user = request.user
    assert isinstance(user, User)
    try:
        conversation = services.conversation_held_by(public_id=public_id, user=user)
        record_chat_consent(
            conversation=conversation,
            counsellor=user,
            agreed_to=form.cleaned_data["agreed_to"],
            contact_details=form.cleaned_data["contact_details"],
        )
    except (ChatError, CaseError) as err:
        return JsonResponse({"error": str(err)}, status=400)
    return JsonResponse(
        {"message": _("Consent recorded. A case worker will open the case and contact them.")}
    )


def console_strings() -> dict[str, str]:
    return {
        "accept": _("Accept"),
        "acute": _("Acute danger"),
        "raise_flag": _("Flag acute"),
        "lower_flag": _("Not acute"),
        "acute_waiting": _("An acute chat has been waiting for more than a minute."),
        "read_along": _("Read along"),
        "waiting_for": _("waiting {wait}"),
        "minutes": _("{n} min"),
        "less_than_a_minute": _("< 1 min"),
        "hours_minutes": _("{h} h {m} min"),
        "unread": _("{n} unread"),
        "no_reply_for": _("no reply for {wait}"),
        "waits_longest": _("waits longest"),
        "longest_waiting": _("Waiting longest for your reply: {who} ({wait})."),
        "reply_inserted": _("Inserted in the message box: check and send."),
        "queue_empty": _("Nobody is waiting."),
        "no_active": _("No active chats."),
        "visitor": _("Visitor"),
        "you": _("You"),
        "system": _("System"),
        "accepted": _("You accepted the chat."),
        "handover": _("The chat was handed over."),
        "ended": _("The chat has ended."),
        "ended_by_visitor": _("The visitor ended the chat."),
        "ended_quick_exit": _("The visitor left the chat with the quick exit"),
        "code_contact": _("Code this contact"),
        "transcript": _("Transcript"),
        "reconnecting": _(
            "The connection is being restored. Messages not yet sent go out as soon as it is back."
        ),
        "connected": _("Connected."),
        "on_duty": _("On duty: visitors can reach you"),
        "off_duty": _("Off duty"),
        "handed_to_you": _("{name} handed a chat over to you."),
        "note_from": _("Note from {name}:"),
        "typing": _("The visitor is typing…"),
        "reading_along": _("reading along"),
        "confirm_end": _("End this chat?"),
        "choose_colleague": _("Choose a colleague."),
        "no_colleagues": _("No colleague is on duty."),
        "start_duty": _("Start duty"),
        "stop_duty": _("Stop duty"),
    }


@staff_view(Action.CHAT_TRANSCRIPT)
def transcript(request: HttpRequest, public_id: str) -> HttpResponse:
    conversation = get_object_or_404(Conversation, public_id=public_id)
    reader = request.user
    assert isinstance(reader, User)  # staff_view lets only a verified staff member through
    messages = services.read_transcript(
        conversation=conversation, reader=reader, access_point=access_point_of(request)
    )
    notes = services.handover_notes(conversation=conversation, reader=reader)
    labels = console_strings()
    # Each line with its moment; the template shows it in the organisation's time zone.
    lines = [(m, labels.get(m.system, m.system), datetime.fromisoformat(m.at)) for m in messages]
    return render(
        request,
        "chat/transcript.html",
        {"conversation": conversation, "lines": lines, "notes": notes},
    )
