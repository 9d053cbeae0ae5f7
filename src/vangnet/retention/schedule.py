"""The one retention schedule: each category, its term, when the term starts, and why.

docs/retention.md explains every line; the terms that are a choice are settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Rule(StrEnum):
    CHAT_TEXT = "chat_text"
    CHAT_OF_CASE = "chat_of_case"
    CASE_RECORD = "case_record"
    CODED_CONTACT = "coded_contact"
    ACCESS_LOG = "access_log"
    SHARE = "share"
    MELDCODE_TRACK = "meldcode_track"
    DEIDENTIFIED = "deidentified_copy"
    ERASURE_REQUEST = "erasure_request"  # not a term: the client's request (AVG art. 17)


@dataclass(frozen=True)
class Category:
    rule: Rule
    what: Promise
    term: Promise
    starts: Promise
    basis: Promise
    erased_by_run: bool


def chat_text_days() -> int:
    return int(settings.VANGNET_RETENTION_CHAT_DAYS)


def case_years() -> int:
    return int(settings.VANGNET_RETENTION_CASE_YEARS)


def deidentified_days() -> int | None:
    """The organisation's own term for de-identified copies, or None: as the original."""
    days = settings.VANGNET_RETENTION_DEIDENTIFIED_DAYS
    return None if days is None else int(days)


SCHEDULE: tuple[Category, ...] = (
    Category(
        Rule.CHAT_TEXT,
        _("Transcripts of anonymous chats that never became a case (the codes are kept)"),
        _("VANGNET_RETENTION_CHAT_DAYS days (default 180)"),
        _("the day of the chat's last message or end"),
        _(
            "AVG art. 5(1)(c) and (e): no longer than needed for the conversation, quality and "
            "the client's return; no statutory term applies to anonymous advice"
        ),
        True,
    ),
    Category(
        Rule.CHAT_OF_CASE,
        _("Chats linked to a case (opened from the chat with consent)"),
        _("as the case"),
        _("as the case"),
        _("part of the client's record (Jeugdwet art. 7.3.8, WGBO art. 7:454 BW)"),
        False,
    ),
    Category(
        Rule.CASE_RECORD,
        _("Case records: the client, people around them, notes, safety, trajectory"),
        _("VANGNET_RETENTION_CASE_YEARS years (default 20); never while open or on legal hold"),
        _("the day of the last change to the record, at the earliest its closing"),
        _(
            "Jeugdwet art. 7.3.8 and WGBO art. 7:454 lid 3 BW (twenty years since 2020); AVG "
            "art. 17 for an approved erasure request"
        ),
        True,
    ),
    Category(
        Rule.CODED_CONTACT,
        _("Coded contacts (codes only, no free text)"),
        _("kept"),
        _("-"),
        _("contain no personal data: research and accountability (AVG art. 89)"),
        False,
    ),
    Category(
        Rule.ACCESS_LOG,
        _("The access log (who looked at which record, when)"),
        _("kept, at least as long as the records it is about"),
        _("-"),
        _(
            "NEN 7513; the client's right to know who looked (WGBO art. 7:456 BW, AVG art. 15); "
            "holds no content"
        ),
        False,
    ),
    Category(
        Rule.SHARE,
        _("Shares with partners (snapshot, purpose, basis, responses)"),
        _("as the case"),
        _("as the case"),
        _("part of the record; proof of what was shared on which ground"),
        False,
    ),
    Category(
        Rule.DEIDENTIFIED,
        _("De-identified copies of transcripts (for research)"),
        _(
            "as the original transcript, unless VANGNET_RETENTION_DEIDENTIFIED_DAYS is set: "
            "then that many days"
        ),
        _("as the original; with a term of its own: the day of the chat's end"),
        _(
            "AVG art. 89 and 5(1)(e): research on data made as unidentifiable as possible; the "
            "organisation decides how long research needs it"
        ),
        True,
    ),
    Category(
        Rule.MELDCODE_TRACK,
        _("Meldcode tracks"),
        _("as the case (a chat's track: as the chat); an open track is a legal hold"),
        _("as the case"),
        _("Wet verplichte meldcode huiselijk geweld en kindermishandeling; part of the record"),
        False,
    ),
)
