from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from vangnet.accounts.models import StaffChange
from vangnet.core.access import Action
from vangnet.core.audit import access_point_of, log_access
from vangnet.core.models import AccessLogEntry


def staff_destinations() -> list[tuple[Action, Any, str]]:
    """The staff areas, each behind the action that opens it."""
    candidates = [
        (Action.CHAT_CONSOLE, _("Chat console"), "chat:console"),
        (Action.CHAT_SAVED_REPLIES, _("Saved replies of the chat console"), "chat:saved_replies"),
        (Action.CONTACT_REGISTER, _("Coded contacts (phone, e-mail, corrections)"), "coding:mine"),
        (Action.CASE_WORK, _("Cases"), "cases:caseload"),
        (Action.MELDCODE_OVERVIEW, _("Open meldcode tracks"), "cases:meldcode_overview"),
        (Action.ERASURE_APPROVE, _("Erasure requests"), "cases:erasure_requests"),
        (Action.PARTNER_SHARES, _("Shared with my organisation"), "sharing:partner_inbox"),
        (Action.MONITOR_VIEW, _("Research monitor"), "monitor:dashboard"),
        (Action.RESEARCH_TRANSCRIPTS, _("De-identified transcripts"), "reading:transcripts"),
        (Action.SUGGESTION_QUALITY, _("Suggested codes: how often kept"), "reading:quality"),
        (
            Action.RESEARCH_PROJECT_APPROVE,
            _("Research projects to approve"),
            "monitor:project_approvals",
        ),
        (Action.ACCESS_LOG_VIEW, _("Access log"), "accounts:access_log"),
        (
            Action.CLIENT_ACCESS_REPORT,
            _("Who looked at a client's record"),
            "cases:client_access_report",
        ),
        (
            Action.CASE_EMERGENCY_REVIEW,
            _("Uses of the emergency procedure"),
            "cases:emergency_review",
        ),
        (Action.ACCESS_LOG_VIEW, _("Role changes"), "accounts:role_changes"),
    ]
    return [(action, label, reverse(name)) for action, label, name in candidates]


@dataclass(frozen=True)
class AccessLogFilter:
    username: str = ""
    event: str = ""
    record_id: str = ""
    client_ref: str = ""
    since: date | None = None
    until: date | None = None

    @classmethod
    def from_query(cls, query: QueryDict) -> AccessLogFilter:
        def text(name: str) -> str:
            return query.get(name, "").strip()[:150]

        return cls(
            username=text("username"),
            event=text("event"),
            record_id=text("record_id"),
            client_ref=text("client_ref"),
            since=_safe_date(text("since")),
            until=_safe_date(text("until")),
        )

    def describe(self) -> str:
        parts = [f"{k}={v}" for k, v in self.__dict__.items() if v]
        return ", ".join(parts)


def _safe_date(value: str) -> date | None:
    try:
        return parse_date(value) if value else None
    except ValueError:
        return None


def read_access_log(
    *, reader: Any, role: str, filters: AccessLogFilter, request: Any
) -> QuerySet[AccessLogEntry]:
    """Entries matching the filters; the read itself is logged first."""
    log_access(
        user=reader,
        event=AccessLogEntry.Event.ACCESS_LOG_READ,
        role=role,
        access_point=access_point_of(request),
        record_type="access_log",
        detail=filters.describe(),
    )
    entries = AccessLogEntry.objects.all()
    if filters.username:
        entries = entries.filter(username=filters.username)
    if filters.event:
        entries = entries.filter(event=filters.event)
    if filters.record_id:
        entries = entries.filter(record_id=filters.record_id)
    if filters.client_ref:
        entries = entries.filter(client_ref=filters.client_ref)
    if filters.since:
        entries = entries.filter(at__date__gte=filters.since)
    if filters.until:
        entries = entries.filter(at__date__lte=filters.until)
    return entries


def read_role_changes(*, reader: Any, role: str, request: Any) -> QuerySet[StaffChange]:
    """Every change of a staff member's access, newest first; the read itself is logged."""
    log_access(
        user=reader,
        event=AccessLogEntry.Event.ACCESS_LOG_READ,
        role=role,
        access_point=access_point_of(request),
        record_type="staff_changes",
    )
    return StaffChange.objects.all()
