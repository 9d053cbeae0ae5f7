"""Reads of cases: what a role may see, with every look at a client's record logged."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vangnet.cases import ages, perpetrator
from vangnet.cases.models import (
    CaregiverAssignment,
    Case,
    ChatConsent,
    EmergencyAccess,
    Goal,
    Person,
    PhaseChange,
    RiskLevel,
    TransitionTask,
)
from vangnet.cases.policy import cases_in_care, under_emergency_access
from vangnet.core.access import AccessDenied, Action, may
from vangnet.core.audit import log_access
from vangnet.core.models import AccessLogEntry
from vangnet.sharing import selectors as sharing
from vangnet.sharing.models import PartnerOrganisation, Share

if TYPE_CHECKING:
    from vangnet.accounts.models import User

Event = AccessLogEntry.Event
RISK_ORDER = {level: rank for rank, level in enumerate(reversed(RiskLevel.values))}


def _normalised(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(folded.lower().split())


class NeedToKnow(AccessDenied):
    """The case exists, but the user neither holds it nor has a noodprocedure running on it."""

    def __init__(self, case: Case) -> None:
        super().__init__(
            _("This case is not in your care. Use the emergency procedure if you must open it."),
            alternative=reverse("cases:emergency_access", args=[case.reference]),
        )
        self.case = case


def get_case(*, reference: str, user: User, action: Action = Action.CASE_WORK) -> Case:
    """A case the user may work on (need-to-know); NeedToKnow names the emergency route."""
    case = get_object_or_404(Case.objects.select_related("caregiver"), reference=reference)
    if not may(user, action, case):
        if may(user, Action.CASE_EMERGENCY, case):
            raise NeedToKnow(case)
        raise AccessDenied()
    return case


def get_case_for_emergency(*, reference: str) -> Case:
    return get_object_or_404(Case.objects.select_related("caregiver"), reference=reference)


@dataclass(frozen=True)
class Milestones:
    """Where the client stands towards 17½, 18 and 23."""

    age: int
    transition_from: date
    eighteen_on: date
    limit_on: date
    show_transition_plan: bool
    past_limit: bool

    @classmethod
    def of(cls, case: Case, on: date) -> Milestones:
        dob = case.date_of_birth
        plan_from = ages.transition_plan_from(dob)
        limit_on = ages.birthday(dob, ages.COALITION_AGE_LIMIT + 1)
        return cls(
            age=ages.age_on(dob, on),
            transition_from=plan_from,
            eighteen_on=ages.birthday(dob, ages.ADULT_AGE),
            limit_on=limit_on,
            show_transition_plan=case.kind == Case.Kind.YOUNG_PERSON and on >= plan_from,
            past_limit=on >= limit_on,
        )


@dataclass(frozen=True)
class CaseRow:
    case: Case
    name: str
    milestones: Milestones
    transition_reminder: bool
    in_care: bool = True  # False: the name is hidden (need-to-know); opening needs a reason


def caseload(*, user: User, everyone: bool = False, query: str = "") -> list[CaseRow]:
    """Open cases, the highest risk on top. Names only of cases the user may work on; the
    others (with `everyone`) show their reference, found by reference, never by name."""
    cases = Case.objects.filter(status=Case.Status.OPEN).select_related("caregiver")
    if not everyone:
        cases = cases.filter(caregiver=user)
    cases = cases.annotate(
        open_transition_tasks=Count("transition_tasks", filter=Q(transition_tasks__done_at=None))
    )
    today = ages.today()
    wanted = _normalised(query)
    rows = []
    listed: list[Any] = list(cases)
    # Same answer as may(user, CASE_WORK, case) per case, in one query for the whole list.
    in_care_ids = cases_in_care(user, listed) if may(user, Action.CASE_WORK) else set()
    for case in listed:
        in_care = case.pk in in_care_ids
        by_name = in_care and wanted in _normalised(case.name)
        if wanted and not by_name and wanted != case.reference.lower():
            continue
        stones = Milestones.of(case, today)
        reminder = stones.show_transition_plan and case.open_transition_tasks > 0
        rows.append(
            CaseRow(
                case=case,
                name=case.name if in_care else "",
                milestones=stones,
                transition_reminder=reminder and in_care,
                in_care=in_care,
            )
        )
    rows.sort(key=lambda row: (RISK_ORDER[row.case.risk_level], row.name.lower()))
    return rows


def possible_duplicates(
    *, name: str, date_of_birth: date | None, user: User | None = None
) -> list[Case]:
    """Search before create: same date of birth, or a name that contains the other.

    Names are encrypted, so the comparison runs here rather than in the database. With a
    `user`, each case says `in_care`: the page names only those (need-to-know).
    """
    wanted = _normalised(name)
    found = []
    for case in Case.objects.select_related("caregiver"):
        same_day = date_of_birth is not None and case.date_of_birth == date_of_birth
        known = _normalised(case.name)
        similar = bool(wanted) and (wanted in known or known in wanted)
        if same_day or similar:
            case.in_care = user is None or may(user, Action.CASE_WORK, case)  # type: ignore[attr-defined]
            found.append(case)
    return found


def pending_chat_consents() -> QuerySet[ChatConsent]:
    return ChatConsent.objects.filter(case__isnull=True).select_related("counsellor")


def get_pending_consent(*, consent_id: int) -> ChatConsent:
    return get_object_or_404(
        ChatConsent.objects.select_related("conversation"), pk=consent_id, case__isnull=True
    )


def _staff_who_may(action: Action) -> list[User]:
    from vangnet.accounts.models import User

    users = User.objects.filter(is_active=True).order_by("username")
    return [u for u in users if may(u, action)]


def case_workers() -> list[User]:
    return _staff_who_may(Action.CASE_WORK)


def partner_users() -> list[User]:
    """Partner liaisons, so a professional around the client can be linked to their account."""
    return _staff_who_may(Action.PARTNER_SHARES)


@dataclass
class CaseOverview:
    case: Case
    milestones: Milestones
    caregiver_changes: int
    last_caregiver_change: datetime | None
    caregiver_since: datetime
    transition_tasks: list[TransitionTask]
    transition_reminder: bool
    people: list[Person]
    flagged_people: list[Person]
    goals: list[Goal]
    phase_history: list[PhaseChange]
    shares: list[Share]
    child_case_person_flagged: bool
    share_views: dict[int, tuple[int, datetime]]
    organisations: list[PartnerOrganisation] = field(default_factory=list)
    emergency_contacts: list[Any] = field(default_factory=list)
    emergency: bool = False  # the reader is here through a noodprocedure


def open_case_record(*, case: Case, user: User, role: str, access_point: str) -> CaseOverview:
    """Everything on the case page; the look is logged."""
    log_access(
        emergency=under_emergency_access(user, case),
        user=user,
        event=Event.CASE_OPEN,
        role=role,
        access_point=access_point,
        record_type="case",
        record_id=case.reference,
        client_ref=case.reference,
    )
    assignments = list(case.caregiver_history.all())
    people = list(case.people.select_related("own_case"))
    tasks = list(case.transition_tasks.select_related("done_by"))
    stones = Milestones.of(case, ages.today())
    child_person = case.child_case_person
    return CaseOverview(
        case=case,
        milestones=stones,
        caregiver_changes=max(0, len(assignments) - 1),
        last_caregiver_change=assignments[-1].at if len(assignments) > 1 else None,
        caregiver_since=assignments[-1].at,
        transition_tasks=tasks,
        transition_reminder=stones.show_transition_plan and any(not t.done_at for t in tasks),
        people=people,
        flagged_people=[p for p in people if p.is_suspected_perpetrator],
        goals=list(case.goals.all()),
        phase_history=sorted(case.phase_changes.all(), key=lambda c: (c.started_on, c.at)),
        shares=sharing.shares_of_case(case),
        child_case_person_flagged=bool(child_person and child_person.is_suspected_perpetrator),
        share_views=sharing.share_views(case),
        organisations=sharing.organisations(),
        emergency_contacts=list(perpetrator.active_emergency_contacts(case)),
        emergency=under_emergency_access(user, case),
    )


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str
    title: str
    text: str
    by: str
    warning: bool = False


TIMELINE_KINDS = {
    "contact": gettext_lazy("Contacts"),
    "note": gettext_lazy("Progress notes"),
    "phase": gettext_lazy("Phase changes"),
    "caregiver": gettext_lazy("Caregiver changes"),
    "threat": gettext_lazy("Threats and incidents"),
    "safety": gettext_lazy("Safety measures"),
    "share": gettext_lazy("Sharing"),
    "person": gettext_lazy("People and flags"),
    "meldcode": gettext_lazy("Meldcode"),
}


def _day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _name(user: User | None) -> str:
    return str(user.display_name) if user else ""


def case_timeline(
    *, case: Case, user: User, role: str, access_point: str, kinds: set[str] | None = None
) -> list[TimelineEntry]:
    """One chronological line of everything in the case, newest first; the look is logged."""
    log_access(
        emergency=under_emergency_access(user, case),
        user=user,
        event=Event.CASE_OPEN,
        role=role,
        access_point=access_point,
        record_type="case",
        record_id=case.reference,
        client_ref=case.reference,
        detail="timeline",
    )
    wanted = kinds or set(TIMELINE_KINDS)
    entries: list[TimelineEntry] = []
    if wanted & {"contact", "note"}:
        for note in case.notes.select_related("by"):
            if note.kind in wanted:
                entries.append(
                    TimelineEntry(
                        _day(note.happened_on),
                        note.kind,
                        str(note.get_kind_display()),
                        note.text,
                        _name(note.by),
                    )
                )
    if "phase" in wanted:
        for change in case.phase_changes.select_related("by"):
            entries.append(
                TimelineEntry(
                    _day(change.started_on),
                    "phase",
                    _("Phase: %s") % change.get_phase_display(),
                    change.note,
                    _name(change.by),
                )
            )
    if "caregiver" in wanted:
        for a in CaregiverAssignment.objects.filter(case=case).select_related("caregiver", "by"):
            entries.append(
                TimelineEntry(
                    a.at,
                    "caregiver",
                    _("Fixed caregiver: %s") % _name(a.caregiver),
                    a.reason,
                    _name(a.by),
                )
            )
    if "threat" in wanted:
        for t in case.threats.select_related("by"):
            entries.append(
                TimelineEntry(
                    _day(t.happened_on),
                    "threat",
                    str(t.get_kind_display()),
                    f"{t.description} ({t.against})",
                    _name(t.by),
                    True,
                )
            )
    if "safety" in wanted:
        for m in case.safety_measures.select_related("by"):
            entries.append(
                TimelineEntry(
                    _day(m.agreed_on),
                    "safety",
                    str(m.get_kind_display()),
                    m.description,
                    _name(m.by),
                )
            )
    if "share" in wanted:
        shares = case.shares.select_related("organisation", "created_by", "revoked_by")
        for s in shares.prefetch_related("responses__author"):
            entries.append(
                TimelineEntry(
                    s.created_at,
                    "share",
                    _("Shared with %s") % s.organisation.name,
                    s.purpose,
                    _name(s.created_by),
                )
            )
            if s.revoked_at:
                entries.append(
                    TimelineEntry(
                        s.revoked_at,
                        "share",
                        _("Share with %s revoked") % s.organisation.name,
                        s.revoke_reason,
                        _name(s.revoked_by),
                    )
                )
            for r in s.responses.all():
                entries.append(
                    TimelineEntry(
                        r.at,
                        "share",
                        _("Response from %s") % s.organisation.name,
                        r.text,
                        _name(r.author),
                    )
                )
    if "person" in wanted:
        for person in case.people.prefetch_related("flag_changes__by"):
            entries.append(
                TimelineEntry(
                    person.added_at,
                    "person",
                    _("%(name)s added (%(relation)s)")
                    % {"name": person.name, "relation": person.get_relation_display()},
                    "",
                    "",
                    person.is_suspected_perpetrator,
                )
            )
            for flag in person.flag_changes.all():
                title = (
                    _("%s flagged as (suspected) perpetrator")
                    if flag.flagged
                    else _("Perpetrator flag removed from %s")
                ) % person.name
                entries.append(
                    TimelineEntry(flag.at, "person", title, flag.reason, _name(flag.by), True)
                )
    if "meldcode" in wanted:
        from vangnet.cases import meldcode

        for item in meldcode.timeline_items(case):
            entries.append(
                TimelineEntry(item.at, "meldcode", item.title, item.text, _name(item.by))
            )
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries


# --- the noodprocedure, reviewed ------------------------------------------------------------


def emergency_accesses(*, user: User, role: str, access_point: str) -> list[EmergencyAccess]:
    """Every use of the noodprocedure, newest first, for supervisors; the read is logged."""
    log_access(
        user=user,
        event=Event.ACCESS_LOG_READ,
        role=role,
        access_point=access_point,
        record_type="emergency_access",
        detail="noodprocedure review",
    )
    return list(EmergencyAccess.objects.select_related("case", "user")[:500])


# --- the client's own view of who looked ----------------------------------------------------


def client_access_report(
    *, reference: str, user: User, role: str, access_point: str
) -> list[AccessLogEntry]:
    """Who accessed this client's record, and when (NEN 7513); nothing about other clients."""
    reference = reference.strip().upper()
    if not Case.objects.filter(reference=reference).exists():
        return []
    entries = list(AccessLogEntry.objects.filter(client_ref=reference).order_by("at", "id"))
    log_access(
        user=user,
        event=Event.CLIENT_ACCESS_REPORT,
        role=role,
        access_point=access_point,
        record_type="case",
        record_id=reference,
        client_ref=reference,
    )
    return entries
