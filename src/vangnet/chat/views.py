from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vangnet.accounts.decorators import StaffRequest, staff_view
from vangnet.accounts.models import User
from vangnet.cases.services import CaseError, record_chat_consent
from vangnet.chat import selectors, services
from vangnet.chat.forms import ConsentForm
from vangnet.chat.models import Conversation, VisitorRole
from vangnet.chat.services import ChatError
from vangnet.coding.selectors import uncoded_conversations
from vangnet.core.access import Action
from vangnet.core.audit import access_point_of


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
        },
    )


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
            "uncoded": uncoded_conversations(counsellor=request.user)[:50],
            "strings": console_strings(),
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
        "waiting_since": _("waiting since {time}"),
        "queue_empty": _("Nobody is waiting."),
        "no_active": _("No active chats."),
        "visitor": _("Visitor"),
        "you": _("You"),
        "system": _("System"),
        "accepted": _("You accepted the chat."),
        "handover": _("The chat was handed over."),
        "ended": _("The chat has ended."),
        "ended_by_visitor": _("The visitor ended the chat."),
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
    lines = [(m, labels.get(m.system, m.system)) for m in messages]
    return render(
        request,
        "chat/transcript.html",
        {"conversation": conversation, "lines": lines, "notes": notes},
    )
