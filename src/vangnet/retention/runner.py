"""The retention run: what the schedule says may go, record by record (dry run or for real)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Max
from django.db.models.functions import Coalesce
from django.utils import timezone

from vangnet.retention import erasure, schedule, terms
from vangnet.retention.models import Tombstone
from vangnet.retention.schedule import Rule

logger = logging.getLogger(__name__)
CASE_CHANGE_EVENTS = ("case.create", "case.change")


@dataclass(frozen=True)
class Candidate:
    rule: Rule
    record_type: str
    record_ref: str
    pk: int
    erasable_from: date
    held: str = ""  # why it is kept anyway

    @property
    def reason(self) -> str:
        return f"term ended {self.last_day.isoformat()}"

    @property
    def last_day(self) -> date:
        return self.erasable_from - timedelta(days=1)


@dataclass
class RunReport:
    run: str
    applied: bool
    candidates: list[Candidate] = field(default_factory=list)
    erased: list[Tombstone] = field(default_factory=list)
    skipped: list[Candidate] = field(default_factory=list)  # taken by another run, or gone
    failed: list[tuple[Candidate, str]] = field(default_factory=list)


def _local_day(moment: object) -> date:
    return timezone.localdate(moment)  # type: ignore[arg-type]


def chat_candidates(today: date) -> Iterator[Candidate]:
    """Anonymous chats past their term that never became a case and still have text."""
    from vangnet.chat.models import Conversation

    days = schedule.chat_text_days()
    done = set(Tombstone.objects.filter(record_type="chat").values_list("record_ref", flat=True))
    chats = (
        Conversation.objects.exclude(case_consents__case__isnull=False)
        .annotate(last=Coalesce("ended_at", "last_activity_at"))
        .filter(last__lt=timezone.now() - timedelta(days=days - 1))  # a generous first cut
        .only("pk", "public_id", "ended_at", "last_activity_at")
        .order_by("pk")
    )
    for chat in chats.iterator():
        if chat.public_id.hex in done:
            continue
        ends = terms.erasable_from(_local_day(chat.last), days=days)
        if ends <= today:
            yield Candidate(Rule.CHAT_TEXT, "chat", chat.public_id.hex, chat.pk, ends)


def deidentified_candidates(today: date) -> Iterator[Candidate]:
    """De-identified copies past the organisation's own term for them (none without one: then
    they go with the original transcript)."""
    from vangnet.reading.models import TranscriptReading

    days = schedule.deidentified_days()
    if days is None:
        return
    done = set(
        Tombstone.objects.filter(record_type="deidentified").values_list("record_ref", flat=True)
    )
    readings = (
        TranscriptReading.objects.exclude(deidentified="")
        .annotate(last=Coalesce("conversation__ended_at", "conversation__last_activity_at"))
        .filter(last__lt=timezone.now() - timedelta(days=days - 1))
        .values_list("conversation_id", "conversation__public_id", "last")
        .order_by("pk")
    )
    for conversation_pk, public_id, last in readings.iterator():
        if public_id.hex in done:
            continue
        ends = terms.erasable_from(_local_day(last), days=days)
        if ends <= today:
            yield Candidate(Rule.DEIDENTIFIED, "deidentified", public_id.hex, conversation_pk, ends)


def case_candidates(today: date) -> Iterator[Candidate]:
    """Closed cases whose term, counted from the last change, has ended."""
    from vangnet.cases.models import Case
    from vangnet.core.models import AccessLogEntry

    years = schedule.case_years()
    closed = Case.objects.filter(status=Case.Status.CLOSED).only("pk", "reference", "closed_at")
    last_change = dict(
        AccessLogEntry.objects.filter(
            event__in=CASE_CHANGE_EVENTS, client_ref__in=closed.values("reference")
        )
        .values_list("client_ref")
        .annotate(last=Max("at"))
    )
    for case in closed.order_by("pk"):
        moments = [m for m in (case.closed_at, last_change.get(case.reference)) if m]
        ends = terms.erasable_from(_local_day(max(moments)), years=years)
        if ends > today:
            continue
        holds = erasure.holds_on(case)
        held = "; ".join(h.label for h in holds)
        yield Candidate(Rule.CASE_RECORD, "case", case.reference, case.pk, ends, held)


def run(*, apply: bool, today: date | None = None) -> RunReport:
    today = today or timezone.localdate()
    report = RunReport(run=str(uuid.uuid4()), applied=apply)
    report.candidates = [
        *chat_candidates(today),
        *case_candidates(today),
        *deidentified_candidates(today),
    ]
    if not apply:
        return report
    for candidate in report.candidates:
        if candidate.held:
            continue
        try:
            if candidate.record_type == "deidentified":
                stone = erasure.erase_deidentified_copy(
                    conversation_pk=candidate.pk,
                    rule=candidate.rule,
                    reason=candidate.reason,
                    run=report.run,
                )
            elif candidate.record_type == "case":
                stone = erasure.erase_case(
                    case_pk=candidate.pk,
                    rule=candidate.rule,
                    reason=candidate.reason,
                    run=report.run,
                )
            else:
                stone = erasure.erase_chat_text(
                    conversation_pk=candidate.pk,
                    rule=candidate.rule,
                    reason=candidate.reason,
                    run=report.run,
                )
        except Exception as err:  # noqa: BLE001 - one record's failure must not stop the run
            # The record's transaction rolled back: it is as it was; the next run retries it.
            logger.warning(
                "retention: %s %s not erased: %s",
                candidate.record_type,
                candidate.record_ref,
                type(err).__name__,
            )
            report.failed.append((candidate, type(err).__name__))
            continue
        if stone is None:
            report.skipped.append(candidate)
        else:
            report.erased.append(stone)
    return report
