"""The public guide: content pages, the self-checks and the help directory.

No view here sets a cookie or logs what a visitor asks or answers. Pages that are the same for
every visitor come from the page cache (core/pagecache.py); searches and answers never do.
"""

from __future__ import annotations

from django.core.exceptions import TooManyFieldsSent
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from vangnet.accounts.decorators import is_verified_staff
from vangnet.core.dbpool import give_back_connection
from vangnet.core.pagecache import cached_public_page, shared_rendering
from vangnet.guide import hours, selectors
from vangnet.guide.forms import MAX_BODY_BYTES, NOT_A_BOX, DirectoryForm, SelfCheckForm
from vangnet.guide.models import Audience
from vangnet.guide.regions import Province
from vangnet.guide.selfcheck import ADVICE_TEXTS, CHECKS, WEIGHT_LABELS, Urgency, assess

AUDIENCE_CHECK = {
    Audience.PARENTS: "guide:parent_check",
    Audience.YOUNG_PEOPLE: "guide:young_check",
}


def _language() -> str:
    return "en" if get_language() == "en" else "nl"


CHAT_SLUG = "vangnet-chat"  # our own chat's entry in the help directory


def _chat_hours() -> list[str]:
    """When our chat is open, as the directory shows it, for next to the chat button."""
    entries = selectors.directory_entries(slugs=[CHAT_SLUG], at=hours.now(), language=_language())
    return entries[0].hours if entries else []


@require_GET
@cached_public_page
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "guide/home.html", {"chat_hours": _chat_hours()})


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    """What happens with what you tell us: the terms come from the retention schedule."""
    from django.conf import settings

    context = {
        "chat_days": settings.VANGNET_RETENTION_CHAT_DAYS,
        "case_years": settings.VANGNET_RETENTION_CASE_YEARS,
    }
    return render(request, "guide/privacy.html", context)


@require_GET
@cached_public_page
def audience(request: HttpRequest, audience: str) -> HttpResponse:
    pages = selectors.published_pages(audience=audience, language=_language())
    return render(
        request,
        "guide/audience.html",
        {
            "audience": Audience(audience),
            "pages": pages,
            "check_url_name": AUDIENCE_CHECK.get(Audience(audience), ""),
            "chat_hours": _chat_hours(),
        },
    )


@require_GET
@cached_public_page
def page(request: HttpRequest, slug: str) -> HttpResponse:
    found = selectors.published_page(slug=slug, language=_language())
    if found is None:
        raise Http404
    return render(request, "guide/page.html", {"page": found})


def _posted_answers(request: HttpRequest) -> QueryDict | None:
    """The posted answers, or None when the post is far too big to be a self-check."""
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES:
        return None
    try:
        return request.POST
    except TooManyFieldsSent:
        return None


# Exempt from CSRF on purpose: the self-check changes nothing and stores nothing (compute and
# forget), so a forged post could only show a visitor a result in their own browser, while the
# CSRF check would need a cookie that public pages must not set. POST keeps answers out of the
# address bar and the browser history.
@csrf_exempt
@require_http_methods(["GET", "POST"])
@cached_public_page  # the empty form only: a POST is never cached
def self_check(request: HttpRequest, check: str) -> HttpResponse:
    the_check = CHECKS[check]
    context: dict[str, object] = {"check": the_check, "staff_view": is_verified_staff(request)}
    posted = _posted_answers(request) if request.method == "POST" else None
    if request.method != "POST":
        form = SelfCheckForm(check=the_check)
    elif posted is None:
        form = SelfCheckForm(check=the_check)
        context["too_large"] = NOT_A_BOX
    else:
        form = SelfCheckForm(posted, check=the_check)
        if form.is_valid():
            advice = assess(the_check, form.answers())
            context.update(
                advice=advice,
                advice_text=ADVICE_TEXTS[the_check.slug][advice.urgency],
                urgency=advice.urgency.name.lower(),
                is_acute=advice.urgency == Urgency.ACUTE,
                weight_labels=WEIGHT_LABELS,
                contacts=selectors.directory_entries(
                    slugs=advice.contacts, at=hours.now(), language=_language()
                ),
            )
    context["form"] = form
    return render(request, "guide/self_check.html", context)


@require_GET
@cached_public_page
def directory(request: HttpRequest) -> HttpResponse:
    variant = DirectoryForm.variant_of(request.GET) if request.GET else None
    if variant is None:  # the directory without a search, or a search to correct
        return _directory_page(request, postcode=request.GET.get("postcode", ""))
    # A valid search is rendered once per normalised search (need, audience, region; never
    # the postcode) and shared; the postcode the visitor typed is filled in per request.
    # Asked for in its canonical form (as directory-search.js asks), nginx may keep it too.
    return shared_rendering(
        request,
        variant=variant,
        canonical_query=DirectoryForm.canonical_query(request.GET),
        render=lambda values: _directory_page(request, postcode=values["postcode"]),
        own_values={"postcode": request.GET.get("postcode", "")},
        timeout=hours.seconds_until_next_minute(hours.now()),
    )


def _directory_page(request: HttpRequest, *, postcode: str) -> HttpResponse:
    form = DirectoryForm(request.GET or None)
    # Whether a directory entry was verified with the organisation is a note for staff
    # (who keep the directory); the public sees when the entry was last checked.
    context: dict[str, object] = {
        "form": form,
        "postcode_value": postcode,
        "staff_view": is_verified_staff(request),
    }
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        provinces = form.provinces()
        context.update(
            searched=True,
            provinces=provinces,
            province_names=[Province(code).label for code in provinces],
            result=selectors.search_directory(
                need=data["need"],
                audience=data["audience"],
                provinces=provinces,
                at=hours.now(),
                language=_language(),
            ),
        )
    elif not form.is_bound:
        context["result"] = selectors.search_directory(at=hours.now(), language=_language())
    give_back_connection()  # everything is read; rendering needs no connection
    return render(request, "guide/directory.html", context)
