from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from vangnet.accounts.decorators import staff_view
from vangnet.coding import codebook
from vangnet.core.access import Action
from vangnet.core.audit import access_point_of
from vangnet.reading import learned, selectors
from vangnet.reading.forms import ResearchForm


@never_cache
@staff_view(Action.RESEARCH_TRANSCRIPTS)
def transcripts(request: HttpRequest) -> HttpResponse:
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
def quality(request: HttpRequest) -> HttpResponse:
    book = codebook.current()
    return render(
        request,
        "reading/quality.html",
        {"rows": selectors.kept_rates(), "model_problem": learned.model_status(book), "book": book},
    )
