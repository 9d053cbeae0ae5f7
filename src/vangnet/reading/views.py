from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from vangnet.accounts.decorators import StaffRequest, staff_view
from vangnet.chat.models import Conversation
from vangnet.coding import codebook
from vangnet.core.access import Action
from vangnet.core.audit import access_point_of
from vangnet.reading import learned, queue, selectors
from vangnet.reading.forms import ResearchForm


@never_cache
@staff_view(Action.RESEARCH_TRANSCRIPTS)
def transcripts(request: StaffRequest) -> HttpResponse:
    """De-identified transcripts of coded chats: shown only after a purpose is stated (POST)."""
    form = ResearchForm(request.POST or None)
    found = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        found = selectors.deidentified_transcripts(
            user=request.user,
            purpose=data["purpose"],
            since=data["since"],
            until=data["until"],
            role=data.get("role") or "",
            access_point=access_point_of(request),
        )
    return render(
        request,
        "reading/transcripts.html",
        {"form": form, "transcripts": found, "limit": selectors.MAX_TRANSCRIPTS},
    )


@staff_view(Action.SUGGESTION_QUALITY)
def quality(request: StaffRequest) -> HttpResponse:
    book = codebook.current()
    return render(
        request,
        "reading/quality.html",
        {"rows": selectors.kept_rates(), "model_problem": learned.model_status(book), "book": book},
    )


@require_POST
@staff_view(Action.TRIAGE_FLAG)
def flag(request: StaffRequest) -> HttpResponse:
    """Raise or lower a waiting chat's acute flag from the console (logged as feedback)."""
    from vangnet.chat.services import QUEUE_GROUP, parse_public_id
    from vangnet.realtime.hub import hub

    public_id = parse_public_id(request.POST.get("conversation"))
    acute = request.POST.get("acute")
    if public_id is None or acute not in ("0", "1"):
        return JsonResponse({"error": _("The request could not be read.")}, status=400)
    conversation = Conversation.objects.filter(public_id=public_id).first()
    if conversation is None:
        return JsonResponse({"error": _("This conversation is not known.")}, status=404)
    queue.set_flag(conversation=conversation, by=request.user, acute=acute == "1")
    hub().publish_from_thread(QUEUE_GROUP, {"type": "queue.changed"})
    return JsonResponse({"acute": acute == "1"})
