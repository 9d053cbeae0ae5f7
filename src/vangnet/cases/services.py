"""The use cases that change a case. Each checks the policy, keeps the rules and logs.

The hard rule lives here: a person flagged as (suspected) perpetrator never receives
information, notifications, shared records or a say in consent about the client.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from vangnet.cases import ages, perpetrator
from vangnet.cases.models import (
    CaregiverAssignment,
    Case,
    ChatConsent,
    Disclosure,
    EmergencyAccess,
    EmergencyContact,
    Goal,
    PerpetratorFlagChange,
    Person,
    Phase,
    PhaseChange,
    ProgressNote,
    RiskLevel,
    SafetyMeasure,
    Threat,
    TransitionTask,
)
from vangnet.cases.policy import under_emergency_access
from vangnet.core import envelope
from vangnet.core.access import Action, may, require
from vangnet.core.audit import log_access
from vangnet.core.models import AccessLogEntry
from vangnet.sharing import services as sharing
from vangnet.sharing.models import PartnerOrganisation, Section, Share
from vangnet.sharing.snapshot import filter_output

if TYPE_CHECKING:
    from vangnet.accounts.models import User

Event = AccessLogEntry.Event
CONSENT_OWN_FROM_AGE = 12  # from 12 the client's own consent is needed (WGBO)
CONSENT_ALONE_FROM_AGE = 16  # under 16 the parents with authority consent as well
EMERGENCY_ACCESS_PERIOD = timedelta(hours=4)  # how long one noodprocedure opens a case


class CaseError(Exception):
    """A rule refused the change; the message is safe and meant for the user."""


class PerpetratorRuleError(CaseError):
    """The change would give a (suspected) perpetrator information or a say."""


class ConflictError(CaseError):
    """Someone else changed the case since this person opened it."""


# --- checks shared by the use cases -------------------------------------------------------


def _required(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise CaseError(message)
    return value


def check_date(day: date, *, date_of_birth: date | None, label: str) -> date:
    """A date of something that happened: not in the future and not before birth."""
    if day > ages.today():
        raise CaseError(
            _("%(label)s cannot be in the future (%(day)s).") % {"label": label, "day": day}
        )
    if date_of_birth is not None and day < date_of_birth:
        raise CaseError(
            _("%(label)s cannot be before the client's date of birth (%(dob)s).")
            % {"label": label, "dob": date_of_birth}
        )
    return day


def _refuse_perpetrator(person: Person) -> None:
    if person.is_suspected_perpetrator:
        raise PerpetratorRuleError(
            _(
                "Refused: this person is registered as a (suspected) perpetrator. "
                "They may not receive information or have a say about the client."
            )
        )


def _require_open(case: Case) -> None:
    if case.status != Case.Status.OPEN:
        raise CaseError(_("This case is closed; it can be read but not changed."))


def _log(
    *,
    user: User,
    role: str,
    event: str,
    case: Case,
    access_point: str,
    detail: str = "",
    record_type: str = "case",
    record_id: object = None,
    on_behalf_of: str = "",
) -> None:
    log_access(
        on_behalf_of=on_behalf_of,
        emergency=under_emergency_access(user, case),
        user=user,
        event=event,
        role=role,
        access_point=access_point,
        record_type=record_type,
        record_id=case.reference if record_id is None else record_id,
        client_ref=case.reference,
        detail=detail,
    )


def _log_change(
    case: Case,
    *,
    by: User,
    role: str,
    access_point: str,
    record_type: str = "case",
    record_id: object = None,
    detail: str = "",
) -> None:
    """Every change to a case is in the access log, under the case's client reference."""
    _log(
        user=by,
        role=role,
        event=Event.CASE_CHANGE,
        case=case,
        access_point=access_point,
        record_type=record_type,
        record_id=record_id,
        detail=detail,
    )


def _start_change(*, by: User, case: Case) -> str:
    """Every change to a case: allowed by the policy, and only while the case is open."""
    role = require(by, Action.CASE_WORK, case)
    _require_open(case)
    return role


def _bump_version(*, case: Case, expected_version: int | None, **changes: Any) -> None:
    """Optimistic locking: the change wins only if nobody saved the case in between."""
    rows = Case.objects.filter(pk=case.pk)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    with envelope.sealing_for(case):  # text in `changes` is sealed with the case's data key
        updated = rows.update(version=F("version") + 1, **changes)
    if updated != 1:
        raise ConflictError(
            _(
                "Someone else changed this case while you were working on it. "
                "Nothing of yours was saved: reload the case, check their change, and try again."
            )
        )
    case.refresh_from_db()


def _is_case_worker(user: User) -> bool:
    return may(user, Action.CASE_WORK)


# --- the noodprocedure ----------------------------------------------------------------------


def open_by_emergency(*, case: Case, by: User, reason: str, access_point: str) -> EmergencyAccess:
    """Open a case one does not hold, for a stated reason: logged as an emergency, reviewed."""
    role = require(by, Action.CASE_EMERGENCY, case)
    reason = _required(reason, _("State why you must open this case now."))
    grant = EmergencyAccess.objects.create(
        case=case, user=by, reason=reason, until=timezone.now() + EMERGENCY_ACCESS_PERIOD
    )
    log_access(
        user=by,
        event=Event.CASE_EMERGENCY,
        role=role,
        access_point=access_point,
        record_type="case",
        record_id=case.reference,
        client_ref=case.reference,
        emergency=True,
        detail=f"noodprocedure {grant.pk}",
    )
    return grant


# --- the chat's door in ------------------------------------------------------------------


def record_chat_consent(
    *, conversation: Any, counsellor: User, agreed_to: str, contact_details: str
) -> ChatConsent:
    """The visitor said yes in the chat to a case being opened; keep exactly what they agreed to."""
    require(counsellor, Action.CHAT_CONSOLE)
    agreed = _required(agreed_to, _("Write down what the visitor agreed to."))
    return ChatConsent.objects.create(
        conversation=conversation,
        counsellor=counsellor,
        agreed_to=agreed,
        contact_details=(contact_details or "").strip(),
    )


# --- the case ----------------------------------------------------------------------------


@transaction.atomic
def open_case(
    *,
    by: User,
    name: str,
    date_of_birth: date,
    access_point: str,
    contact_details: str = "",
    summary: str = "",
    caregiver: User | None = None,
    consent: ChatConsent | None = None,
    kind: str = Case.Kind.YOUNG_PERSON,
    child_case: Case | None = None,
    child_case_person: Person | None = None,
    signalled_on: date | None = None,
) -> Case:
    """Open a case; `signalled_on` dates the first phase back to the first signal (a chat)."""
    role = require(by, Action.CASE_WORK)
    name = _required(name, _("Fill in the client's name (a first name is enough)."))
    check_date(date_of_birth, date_of_birth=None, label=_("The date of birth"))
    signalled_on = signalled_on or ages.today()
    check_date(signalled_on, date_of_birth=date_of_birth, label=_("The date of the first signal"))
    caregiver = caregiver or by
    if not _is_case_worker(caregiver):
        raise CaseError(_("The fixed caregiver must be a case worker."))
    if (
        consent is not None
        and ChatConsent.objects.filter(pk=consent.pk, case__isnull=False).exists()
    ):
        raise CaseError(_("A case was already opened from this consent."))
    case = Case.objects.create(
        kind=kind,
        name=name,
        date_of_birth=date_of_birth,
        contact_details=(contact_details or "").strip(),
        summary=(summary or "").strip(),
        caregiver=caregiver,
        created_by=by,
        consent=consent,
        child_case=child_case,
        child_case_person=child_case_person,
    )
    CaregiverAssignment.objects.create(
        case=case, caregiver=caregiver, reason=_("First caregiver"), by=by
    )
    PhaseChange.objects.create(case=case, phase=case.phase, started_on=signalled_on, by=by)
    if kind == Case.Kind.YOUNG_PERSON and ages.age_on(date_of_birth, ages.today()) < ages.ADULT_AGE:
        TransitionTask.objects.bulk_create(
            TransitionTask(case=case, topic=topic) for topic in TransitionTask.Topic
        )
    detail = "from chat consent" if consent else ""
    _log(
        user=by,
        role=role,
        event=Event.CASE_CREATE,
        case=case,
        access_point=access_point,
        detail=detail,
    )
    return case


def open_case_from_chat(
    *,
    consent: ChatConsent,
    by: User,
    name: str,
    date_of_birth: date,
    access_point: str,
    summary: str = "",
) -> Case:
    """A case from a chat exists only with the visitor's recorded consent."""
    return open_case(
        by=by,
        name=name,
        date_of_birth=date_of_birth,
        access_point=access_point,
        contact_details=consent.contact_details,
        summary=summary,
        consent=consent,
    )


def update_case(
    *,
    case: Case,
    by: User,
    expected_version: int,
    access_point: str,
    summary: str,
    contact_details: str,
    risk_level: str,
) -> Case:
    role = _start_change(by=by, case=case)
    if risk_level not in RiskLevel.values:
        raise CaseError(_("Choose a risk level from the list."))
    _bump_version(
        case=case,
        expected_version=expected_version,
        summary=summary.strip(),
        contact_details=contact_details.strip(),
        risk_level=risk_level,
    )
    _log_change(
        case,
        by=by,
        role=role,
        access_point=access_point,
        detail=f"details; risk={risk_level}",
    )
    return case


@transaction.atomic
def close_case(
    *, case: Case, by: User, reason: str, expected_version: int, access_point: str
) -> Case:
    """Only an explicit decision with a reason closes a case; age never does."""
    role = _start_change(by=by, case=case)
    reason = _required(reason, _("Write down why the case is closed."))
    _bump_version(
        case=case,
        expected_version=expected_version,
        status=Case.Status.CLOSED,
        closed_at=timezone.now(),
        closed_by=by,
        close_reason=reason,
    )
    _log_change(
        case,
        by=by,
        role=role,
        access_point=access_point,
        detail="closed",
    )
    return case


# --- people around the client ------------------------------------------------------------


def add_person(
    *,
    case: Case,
    by: User,
    access_point: str,
    name: str,
    relation: str,
    relation_detail: str = "",
    contact_details: str = "",
    has_parental_authority: bool = False,
    is_suspected_perpetrator: bool = False,
    partner_user: User | None = None,
) -> Person:
    role = _start_change(by=by, case=case)
    name = _required(name, _("Fill in the person's name or a description."))
    if relation not in Person.Relation.values:
        raise CaseError(_("Choose the relation to the client from the list."))
    with transaction.atomic():
        person = Person.objects.create(
            case=case,
            name=name,
            relation=relation,
            relation_detail=relation_detail.strip(),
            contact_details=contact_details.strip(),
            has_parental_authority=has_parental_authority,
            is_suspected_perpetrator=is_suspected_perpetrator,
            partner_user=partner_user,
        )
        if is_suspected_perpetrator:
            PerpetratorFlagChange.objects.create(
                person=person,
                flagged=True,
                reason=_("Registered as (suspected) perpetrator"),
                by=by,
            )
        _bump_version(case=case, expected_version=None)
    _log_change(
        case,
        by=by,
        role=role,
        access_point=access_point,
        record_type="person",
        record_id=person.pk,
        detail="person added" + (" flagged perpetrator" if is_suspected_perpetrator else ""),
    )
    return person


def set_perpetrator_flag(
    *, person: Person, by: User, flagged: bool, reason: str, access_point: str
) -> Person:
    """Flag or unflag; removing the flag needs a reason, and both are logged.

    Flagging removes the person, in the same transaction, from every place the perpetrator
    rule covers; what was removed is in `person.removed_by_flag` (sentences for a notice).
    """
    case = person.case
    role = require(by, Action.CASE_WORK, case)
    _require_open(case)
    if person.is_suspected_perpetrator == flagged:
        raise CaseError(_("Nothing changed: the flag already has this value."))
    if flagged:
        reason = (reason or "").strip() or _("Registered as (suspected) perpetrator")
    else:
        reason = _required(reason, _("Removing the perpetrator flag needs a reason."))
    with transaction.atomic():
        Person.objects.filter(pk=person.pk).update(is_suspected_perpetrator=flagged)
        person.refresh_from_db()
        removed = perpetrator.remove_everywhere(person) if flagged else []
        PerpetratorFlagChange.objects.create(person=person, flagged=flagged, reason=reason, by=by)
        _bump_version(case=case, expected_version=None)
    person.removed_by_flag = removed  # type: ignore[attr-defined]
    _log_change(
        case,
        by=by,
        role=role,
        access_point=access_point,
        record_type="person",
        record_id=person.pk,
        detail="perpetrator flag set" if flagged else "perpetrator flag removed",
    )
    return person


def notification_recipients(case: Case) -> list[Person]:
    """Everyone around the client who may be told something: never a flagged person."""
    return list(case.people.filter(involved=True, is_suspected_perpetrator=False))


def inform_person(
    *,
    person: Person,
    by: User,
    text: str,
    access_point: str,
    kind: str = Disclosure.Kind.INFORMATION,
) -> Disclosure:
    """Record information or a notification given to someone around the client."""
    role = require(by, Action.CASE_WORK, person.case)
    _refuse_perpetrator(person)
    text = _required(text, _("Write down what you told this person."))
    disclosure = Disclosure.objects.create(
        case=person.case, person=person, kind=kind, text=text, by=by
    )
    _log_change(
        person.case,
        by=by,
        role=role,
        access_point=access_point,
        record_type="person",
        record_id=person.pk,
        detail=f"{kind} given",
    )
    return disclosure


def export_record_for_person(*, person: Person, by: User, access_point: str) -> str:
    """A copy of the record for a parent with authority (right of inspection)."""
    role = require(by, Action.CASE_WORK, person.case)
    _refuse_perpetrator(person)
    case = person.case
    if not person.has_parental_authority:
        raise CaseError(_("Only a parent with parental authority can receive a copy."))
    if ages.age_on(case.date_of_birth, ages.today()) >= CONSENT_ALONE_FROM_AGE:
        raise CaseError(_("From 16 the client decides who sees the record; ask the client."))
    body = json.dumps(
        filter_output(case, build_snapshot(case, [Section.IDENTITY, Section.TRAJECTORY])),
        ensure_ascii=False,
        indent=2,
    )
    Disclosure.objects.create(
        case=case, person=person, kind=Disclosure.Kind.EXPORT, text=body, by=by
    )
    _log(
        user=by,
        role=role,
        event=Event.EXPORT,
        case=case,
        access_point=access_point,
        record_type="person",
        record_id=person.pk,
        detail="copy of the record for a parent",
    )
    return body


@transaction.atomic
def open_parent_case(
    *,
    child_case: Case,
    person: Person,
    by: User,
    date_of_birth: date,
    access_point: str,
    summary: str = "",
) -> Case:
    """A parent or carer as a client in their own right, linked to the child's case."""
    require(by, Action.CASE_WORK, child_case)
    if person.case_id != child_case.pk or person.relation != Person.Relation.PARENT_CARER:
        raise CaseError(_("Only a parent or carer of this client can get a case of their own."))
    _refuse_perpetrator(person)
    if Case.objects.filter(child_case_person=person).exists():
        raise CaseError(_("This parent already has a case of their own."))
    return open_case(
        by=by,
        name=person.name,
        date_of_birth=date_of_birth,
        access_point=access_point,
        contact_details=person.contact_details,
        summary=summary,
        kind=Case.Kind.PARENT,
        child_case=child_case,
        child_case_person=person,
    )


# --- the trajectory ----------------------------------------------------------------------


@transaction.atomic
def change_phase(
    *,
    case: Case,
    by: User,
    phase: str,
    started_on: date,
    note: str,
    expected_version: int,
    access_point: str,
) -> PhaseChange:
    role = _start_change(by=by, case=case)
    if phase not in Phase.values:
        raise CaseError(_("Choose a phase from the list."))
    if phase == case.phase:
        raise CaseError(_("The case is already in this phase."))
    check_date(started_on, date_of_birth=case.date_of_birth, label=_("The start date"))
    _bump_version(case=case, expected_version=expected_version, phase=phase)
    change = PhaseChange.objects.create(
        case=case, phase=phase, started_on=started_on, note=note.strip(), by=by
    )
    _log_change(
        case,
        by=by,
        role=role,
        access_point=access_point,
        detail=f"phase={phase}",
    )
    return change


@transaction.atomic
def change_caregiver(
    *,
    case: Case,
    by: User,
    caregiver: User,
    reason: str,
    expected_version: int,
    access_point: str,
) -> CaregiverAssignment:
    """One fixed caregiver at a time; every change is kept with its reason."""
    role = _start_change(by=by, case=case)
    reason = _required(reason, _("Write down why the caregiver changes."))
    if not _is_case_worker(caregiver):
        raise CaseError(_("The fixed caregiver must be a case worker."))
    if caregiver.pk == case.caregiver_id:
        raise CaseError(_("This person already is the fixed caregiver."))
    _bump_version(case=case, expected_version=expected_version, caregiver=caregiver)
    assignment = CaregiverAssignment.objects.create(
        case=case, caregiver=caregiver, reason=reason, by=by
    )
    _log_change(
        case,
        by=by,
        role=role,
        access_point=access_point,
        detail=f"caregiver={caregiver.username}",
    )
    return assignment


def add_goal(*, case: Case, by: User, text: str, access_point: str) -> Goal:
    role = _start_change(by=by, case=case)
    text = _required(text, _("Describe the goal."))
    goal = Goal.objects.create(case=case, phase=case.phase, text=text, by=by)
    _log_change(
        case,
        by=by,
        role=role,
        access_point=access_point,
        record_type="goal",
        record_id=goal.pk,
        detail="goal added",
    )
    return goal


def set_goal_status(*, goal: Goal, by: User, status: str, access_point: str) -> Goal:
    role = require(by, Action.CASE_WORK, goal.case)
    _require_open(goal.case)
    if status not in Goal.Status.values:
        raise CaseError(_("Choose a status from the list."))
    Goal.objects.filter(pk=goal.pk).update(status=status)
    goal.refresh_from_db()
    _log_change(
        goal.case,
        by=by,
        role=role,
        access_point=access_point,
        record_type="goal",
        record_id=goal.pk,
        detail=f"goal {status}",
    )
    return goal


def add_note(
    *,
    case: Case,
    by: User,
    text: str,
    happened_on: date,
    access_point: str,
    kind: str = ProgressNote.Kind.NOTE,
    goal: Goal | None = None,
) -> ProgressNote:
    role = _start_change(by=by, case=case)
    text = _required(text, _("The note is empty."))
    if kind not in ProgressNote.Kind.values:
        raise CaseError(_("Choose a kind of note from the list."))
    if goal is not None and goal.case_id != case.pk:
        raise CaseError(_("That goal belongs to another case."))
    check_date(happened_on, date_of_birth=case.date_of_birth, label=_("The date"))
    note = ProgressNote.objects.create(
        case=case,
        goal=goal,
        kind=kind,
        phase=case.phase,
        happened_on=happened_on,
        text=text,
        by=by,
    )
    _log_change(
        case,
        by=by,
        role=role,
        access_point=access_point,
        record_type="note",
        record_id=note.pk,
        detail=f"{kind} added",
    )
    return note


def complete_transition_task(
    *, task: TransitionTask, by: User, note: str, access_point: str
) -> TransitionTask:
    role = require(by, Action.CASE_WORK, task.case)
    _require_open(task.case)
    if task.done_at is not None:
        raise CaseError(_("This task is already done."))
    note = _required(note, _("Write down what was arranged."))
    with envelope.sealing_for(task.case):
        TransitionTask.objects.filter(pk=task.pk).update(
            done_at=timezone.now(), done_by=by, note=note
        )
    task.refresh_from_db()
    _log_change(
        task.case,
        by=by,
        role=role,
        access_point=access_point,
        detail=f"transition task {task.topic} done",
    )
    return task


# --- safety --------------------------------------------------------------------------------


def record_threat(
    *,
    case: Case,
    by: User,
    kind: str,
    happened_on: date,
    against: str,
    description: str,
    informed: str,
    access_point: str,
) -> Threat:
    role = _start_change(by=by, case=case)
    if kind not in Threat.Kind.values:
        raise CaseError(_("Choose the kind of threat from the list."))
    check_date(happened_on, date_of_birth=None, label=_("The date of the threat"))
    threat = Threat.objects.create(
        case=case,
        kind=kind,
        happened_on=happened_on,
        against=_required(against, _("Write down against whom the threat was.")),
        description=_required(description, _("Describe what happened.")),
        informed=informed.strip(),
        by=by,
    )
    _log_change(
        case,
        by=by,
        role=role,
        access_point=access_point,
        record_type="threat",
        record_id=threat.pk,
        detail=f"threat {kind}",
    )
    return threat


def add_safety_measure(
    *, case: Case, by: User, kind: str, agreed_on: date, description: str, access_point: str
) -> SafetyMeasure:
    """Safety first: a placement or plan can be recorded before any diagnosis exists."""
    role = _start_change(by=by, case=case)
    if kind not in SafetyMeasure.Kind.values:
        raise CaseError(_("Choose the kind of measure from the list."))
    check_date(agreed_on, date_of_birth=case.date_of_birth, label=_("The agreement date"))
    measure = SafetyMeasure.objects.create(
        case=case,
        kind=kind,
        agreed_on=agreed_on,
        description=_required(description, _("Describe the measure.")),
        by=by,
    )
    _log_change(
        case,
        by=by,
        role=role,
        access_point=access_point,
        record_type="safety",
        record_id=measure.pk,
        detail=f"safety {kind}",
    )
    return measure


def add_emergency_contact(
    *, case: Case, by: User, name: str, phone: str, access_point: str, person: Person | None = None
) -> EmergencyContact:
    role = _start_change(by=by, case=case)
    if person is not None:
        if person.case_id != case.pk:
            raise CaseError(_("That person belongs to another case."))
        _refuse_perpetrator(person)
        name = name or person.name
    contact = EmergencyContact.objects.create(
        case=case,
        person=person,
        name=_required(name, _("Fill in a name.")),
        phone=_required(phone, _("Fill in a phone number.")),
    )
    _log_change(
        case,
        by=by,
        role=role,
        access_point=access_point,
        record_type="emergency_contact",
        record_id=contact.pk,
        detail="emergency contact",
    )
    return contact


# --- sharing -------------------------------------------------------------------------------


def build_snapshot(case: Case, sections: Iterable[str]) -> dict[str, Any]:
    """The selected parts of a case as plain data, frozen at the moment of sharing.

    This is the stored form (with person ids); every reader gets it through
    `sharing.snapshot.filter_output`, the perpetrator rule's one filter, which drops the ids.
    """
    wanted = set(sections)
    data: dict[str, Any] = {"reference": case.reference, "sections": sorted(wanted)}
    if Section.IDENTITY in wanted:
        data["identity"] = {
            "name": case.name,
            "date_of_birth": case.date_of_birth.isoformat(),
            "age": ages.age_on(case.date_of_birth, ages.today()),
        }
    if Section.CONTACT in wanted:
        data["contact"] = case.contact_details
    if Section.SUMMARY in wanted:
        data["summary"] = case.summary
    if Section.PEOPLE in wanted:
        data["people"] = [
            {
                "name": p.name,
                "relation": str(p.get_relation_display()),
                "relation_detail": p.relation_detail,
                "suspected_perpetrator": p.is_suspected_perpetrator,
                "person_id": p.pk,
            }
            for p in case.people.filter(involved=True)
        ]
    if Section.SAFETY in wanted:
        data["safety"] = {
            "risk_level": str(case.get_risk_level_display()),
            "measures": [
                {
                    "kind": str(m.get_kind_display()),
                    "agreed_on": m.agreed_on.isoformat(),
                    "description": m.description,
                }
                for m in case.safety_measures.all()
            ],
            "emergency_contacts": [
                {"name": c.name, "phone": c.phone, "person_id": c.person_id}
                for c in perpetrator.active_emergency_contacts(case)
            ],
        }
    if Section.THREATS in wanted:
        data["threats"] = [
            {
                "kind": str(t.get_kind_display()),
                "date": t.happened_on.isoformat(),
                "against": t.against,
                "description": t.description,
                "informed": t.informed,
            }
            for t in case.threats.all()
        ]
    if Section.TRAJECTORY in wanted:
        data["trajectory"] = {
            "phase": str(case.get_phase_display()),
            "caregiver": case.caregiver.display_name,
            "goals": [
                {"text": g.text, "status": str(g.get_status_display())} for g in case.goals.all()
            ],
        }
    return data


def _check_consent(case: Case, client_consents: bool, parents: Sequence[Person]) -> None:
    for person in parents:
        if person.case_id != case.pk:
            raise CaseError(_("A consenting person belongs to another case."))
        _refuse_perpetrator(person)
    age = ages.age_on(case.date_of_birth, ages.today())
    if age >= CONSENT_OWN_FROM_AGE and not client_consents:
        raise CaseError(_("Sharing on consent needs the consent of the client."))
    if case.kind == Case.Kind.YOUNG_PERSON and age < CONSENT_ALONE_FROM_AGE:
        needed = {
            p.pk
            for p in case.people.filter(
                has_parental_authority=True, involved=True, is_suspected_perpetrator=False
            )
        }
        missing = needed - {p.pk for p in parents}
        if missing:
            raise CaseError(
                _(
                    "The client is under 16: every parent with parental authority who is not "
                    "a suspected perpetrator must consent as well."
                )
            )


@transaction.atomic
def share_with_partner(
    *,
    case: Case,
    by: User,
    organisation: PartnerOrganisation,
    sections: Sequence[str],
    purpose: str,
    basis: str,
    valid_until: date,
    access_point: str,
    basis_detail: str = "",
    client_consents: bool = False,
    consenting_parents: Sequence[Person] = (),
) -> Share:
    """Share a selected part of a case for a stated purpose, on a stated basis, until a date.

    The case's rules are checked here (who may, an open case, whose consent); the share's own
    terms and its record are the sharing app's.
    """
    role = require(by, Action.CASE_SHARE, case)
    _require_open(case)
    try:
        terms = sharing.check_terms(
            sections=sections,
            purpose=purpose,
            basis=basis,
            basis_detail=basis_detail,
            valid_until=valid_until,
            with_consents=bool(consenting_parents),
        )
    except sharing.ShareError as err:
        raise CaseError(str(err)) from err
    if terms.basis == Share.Basis.CONSENT:
        _check_consent(case, client_consents, consenting_parents)
    share = sharing.record_share(
        case=case,
        by=by,
        organisation=organisation,
        terms=terms,
        data=build_snapshot(case, terms.sections),
        client_consents=client_consents,
        consenting_people=consenting_parents,
    )
    _log(
        user=by,
        role=role,
        event=Event.SHARE_CREATE,
        case=case,
        access_point=access_point,
        record_type="share",
        record_id=share.pk,
        detail=f"to {organisation.name}: {','.join(terms.sections)}; basis={terms.basis}",
    )
    return share


def revoke_share(*, share: Share, by: User, reason: str, access_point: str) -> Share:
    role = require(by, Action.CASE_SHARE, share.case)
    try:
        sharing.revoke(share=share, by=by, reason=reason)
    except sharing.ShareError as err:
        raise CaseError(str(err)) from err
    _log(
        user=by,
        role=role,
        event=Event.SHARE_REVOKE,
        case=share.case,
        access_point=access_point,
        record_type="share",
        record_id=share.pk,
    )
    return share
