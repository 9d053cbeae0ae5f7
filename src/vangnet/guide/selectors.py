"""Reads for the public guide. Nothing here is about a person, and nothing is logged:
a visitor's search terms and self-check answers must never reach a log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from django.db import models
from django.db.models import Q, QuerySet
from django.urls import translate_url
from django.utils import translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from vangnet.guide import links, markup
from vangnet.guide.hours import Interval, Schedule, Status
from vangnet.guide.models import Audience, Organisation, Page


class Need(models.TextChoices):
    DANGER = "danger", _("Someone is in danger now")
    TALK = "talk", _("Talk to someone, anonymously if I want")
    ADVICE = "advice", _("Advice about a worry or suspicion")
    REPORT = "report", _("Report a crime or a situation")
    CARE = "care", _("Help and care after exploitation or sexual violence")


K = Organisation.Kind
NEED_KINDS: dict[str, frozenset[str]] = {
    Need.DANGER: frozenset({K.EMERGENCY, K.POLICE}),
    Need.TALK: frozenset({K.CHAT, K.HELPLINE}),
    Need.ADVICE: frozenset({K.REPORTING, K.HELPLINE, K.CHAT}),
    Need.REPORT: frozenset({K.POLICE, K.REPORTING}),
    Need.CARE: frozenset({K.SPECIALISED_CARE, K.VICTIM_SUPPORT}),
}
AUDIENCE_FIELDS = {
    Audience.YOUNG_PEOPLE: "for_young_people",
    Audience.PARENTS: "for_parents",
    Audience.PROFESSIONALS: "for_professionals",
}


@dataclass(frozen=True)
class PageView:
    slug: str
    audience: str
    title: str
    summary: str
    body: SafeString


@dataclass(frozen=True)
class DirectoryEntry:
    organisation: Organisation
    description: str
    hours_note: str
    chat_url: str  # "" when the saved value is not a safe link (guide.links)
    website: str
    phone_link: str
    status: Status
    hours: list[str]  # the opening hours as lines, Dutch time


@dataclass(frozen=True)
class DirectorySearch:
    entries: list[DirectoryEntry]
    regional_count: int  # how many entries serve only the chosen province(s)


def _in(language: str, obj: object, field: str) -> str:
    return str(getattr(obj, f"{field}_en" if language == "en" else f"{field}_nl"))


def _page_view(page: Page, language: str, *, with_body: bool) -> PageView:
    return PageView(
        slug=page.slug,
        audience=page.audience,
        title=_in(language, page, "title"),
        summary=_in(language, page, "summary"),
        body=_render(_in(language, page, "body"), language) if with_body else SafeString(""),
    )


def _render(body: str, language: str) -> SafeString:
    with translation.override(language):  # links to our own pages in the page's language
        return markup.render(body)


def published_pages(*, audience: str, language: str) -> list[PageView]:
    pages = Page.objects.filter(published=True, audience=audience)
    return [_page_view(page, language, with_body=False) for page in pages]


def published_page(*, slug: str, language: str) -> PageView | None:
    page = Page.objects.filter(published=True, slug=slug).first()
    return None if page is None else _page_view(page, language, with_body=True)


def _schedule(organisation: Organisation) -> Schedule:
    return Schedule(
        always_open=organisation.always_open,
        closed_on_public_holidays=organisation.closed_on_public_holidays,
        intervals=tuple(
            Interval(day=h.day, opens=h.opens, closes=h.closes) for h in organisation.hours.all()
        ),
    )


def _entry(organisation: Organisation, *, at: dt.datetime, language: str) -> DirectoryEntry:
    chat_url = links.safe_chat_link(organisation.chat_url)
    schedule = _schedule(organisation)
    if chat_url.startswith("/"):
        # The stored path is the Dutch one (no prefix): resolve it as Dutch, whatever language
        # is active, then give the address in the page's language.
        with translation.override("nl"):
            chat_url = translate_url(chat_url, language)
    return DirectoryEntry(
        organisation=organisation,
        description=_in(language, organisation, "description"),
        hours_note=_in(language, organisation, "hours_note"),
        chat_url=chat_url,
        website=links.safe_web_link(organisation.website),
        phone_link=organisation.phone.replace(" ", "")
        if links.is_phone(organisation.phone)
        else "",
        status=schedule.status_at(at),
        hours=schedule.describe(),
    )


def _active() -> QuerySet[Organisation]:
    return Organisation.objects.filter(active=True).prefetch_related("hours")


def search_directory(
    *,
    need: str = "",
    audience: str = "",
    provinces: Collection[str] = (),
    at: dt.datetime,
    language: str,
) -> DirectorySearch:
    """Services that fit the need and audience, national ones plus those of the provinces."""
    organisations = _active()
    if need:
        organisations = organisations.filter(kind__in=NEED_KINDS[need])
    if audience:
        organisations = organisations.filter(**{AUDIENCE_FIELDS[Audience(audience)]: True})
    where = Q(scope=Organisation.Scope.NATIONAL)
    if provinces:
        where |= Q(province__in=list(provinces))
    entries = [_entry(o, at=at, language=language) for o in organisations.filter(where)]
    regional = sum(1 for e in entries if e.organisation.scope != Organisation.Scope.NATIONAL)
    return DirectorySearch(entries=entries, regional_count=regional)


def directory_entries(
    *, slugs: Sequence[str], at: dt.datetime, language: str
) -> list[DirectoryEntry]:
    """The given services, in the given order (those not shown any more are left out)."""
    found = {o.slug: o for o in _active().filter(slug__in=slugs)}
    return [_entry(found[s], at=at, language=language) for s in slugs if s in found]
