"""The meldcode track: the use cases and reads of the five steps (models in meldcode_models).

Steps are completed in order. Step 3 keeps the perpetrator rule: a (suspected) perpetrator is
never the one who is talked to. Step 4 asks the afwegingskader's questions strictly in their
order; step 5 cannot choose "help only" where the framework requires a report, and a report is
made through the ordinary partner share with the legal ground filled in by the track.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from vangnet.cases import ages
from vangnet.cases.meldcode_models import (
    FrameworkQuestion,
    MeldcodeAnswer,
    MeldcodeSignal,
    MeldcodeStep,
    MeldcodeStepRecord,
    MeldcodeTrack,
)
from vangnet.cases.models import Case, Person, ProgressNote, Threat
from vangnet.cases.services import CaseError, PerpetratorRuleError, share_with_partner
from vangnet.core.access import Action, may, object_rule, require
from vangnet.core.audit import log_access
from vangnet.core.models import AccessLogEntry
from vangnet.sharing.models import PartnerOrganisation, Share

if TYPE_CHECKING:
    from vangnet.accounts.models import User

Event = AccessLogEntry.Event
STALE_AFTER = timedelta(days=14)  # a track with no step for this long is flagged
Outcome = MeldcodeTrack.Outcome

# The legal ground written on a report's share: the meldrecht lets a professional report to
# Veilig Thuis without consent; the track and its weighing are the reasoning behind it.
REPORT_BASIS = (
    "Report to Veilig Thuis under the meldcode (Wet verplichte meldcode huiselijk geweld en "
    "kindermishandeling; meldrecht art. 5.2.6 Wmo 2015), decided in meldcode track {track} "
    "after weighing with the afwegingskader (2019)."
)


# --- the policy ------------------------------------------------------------------------------


@object_rule(Action.MELDCODE)
def may_work_track(user: Any, subject: Any) -> bool:
    """A case's track: whoever may work the case; a chat's track: whoever may read the chat."""
    if isinstance(subject, MeldcodeTrack):
        subject = subject.case if subject.case_id else subject.conversation
    if isinstance(subject, Case):
        return may(user, Action.CASE_WORK, subject)
    # The chat's own rule, called directly: it must hold even where chat.services is not loaded.
    from vangnet.chat.services import may_read_transcript

    return may(user, Action.CHAT_TRANSCRIPT) and may_read_transcript(user, subject)


def _client_ref(track: MeldcodeTrack) -> str:
    return track.case.reference if track.case is not None else ""


def _log(track: MeldcodeTrack, *, user: User, role: str, event: str, ap: str, detail: str) -> None:
    log_access(
        user=user,
        event=event,
        role=role,
        access_point=ap,
        record_type="meldcode",
        record_id=track.pk,
        client_ref=_client_ref(track),
        detail=detail,
    )


def _touch(track: MeldcodeTrack) -> None:
    now = timezone.now()
    MeldcodeTrack.objects.filter(pk=track.pk).update(last_activity_at=now)
    track.last_activity_at = now


def _required(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise CaseError(message)
    return value


def _require_open(track: MeldcodeTrack) -> None:
    if track.status != MeldcodeTrack.Status.OPEN:
        raise CaseError(_("This meldcode track is closed; it can be read but not changed."))


# --- the state of a track ------------------------------------------------------------------


@dataclass(frozen=True)
class Weighing:
    """Where step 4 stands: the next question, and what the answers so far require."""

    answers: dict[int, MeldcodeAnswer]
    next_question: FrameworkQuestion | None
    no_suspicion: bool
    report_required: bool

    @property
    def finished(self) -> bool:
        return self.next_question is None


def weighing(track: MeldcodeTrack) -> Weighing:
    answers = {a.question: a for a in track.answers.all()}
    no_suspicion = 1 in answers and not answers[1].answer
    # Acute or structural unsafety (2 = yes) is always reported; so is help that is not
    # possible (3), not accepted (4) or not leading to safety in time (5).
    report_required = (2 in answers and answers[2].answer) or any(
        q in answers and not answers[q].answer for q in (3, 4, 5)
    )
    next_question: FrameworkQuestion | None = None
    if not no_suspicion and not report_required:
        for question in FrameworkQuestion:
            if question not in answers:
                next_question = question
                break
    return Weighing(answers, next_question, no_suspicion, report_required)


@dataclass(frozen=True)
class TrackState:
    track: MeldcodeTrack
    open_step: MeldcodeStep | None
    open_since: datetime
    days_open: int
    stale: bool
    done: dict[int, MeldcodeStepRecord]


def track_state(track: MeldcodeTrack, now: datetime | None = None) -> TrackState:
    now = now or timezone.now()
    done = {record.step: record for record in track.steps.all()}
    open_step = next((step for step in MeldcodeStep if step not in done), None)
    if track.status != MeldcodeTrack.Status.OPEN:
        open_step = None
    open_since = max([track.started_at, *(r.at for r in done.values())])
    return TrackState(
        track=track,
        open_step=open_step,
        open_since=open_since,
        days_open=(now - open_since).days,
        stale=open_step is not None and now - track.last_activity_at > STALE_AFTER,
        done=done,
    )


def _require_step(track: MeldcodeTrack, step: MeldcodeStep) -> None:
    """Steps go in order: this one must be the open one."""
    state = track_state(track)
    if step in state.done:
        raise CaseError(_("This step is already recorded."))
    if state.open_step != step:
        raise CaseError(
            _("Complete the steps in order: first %(step)s.")
            % {"step": state.open_step.label if state.open_step else "-"}
        )


# --- starting a track ------------------------------------------------------------------------


def start_track(
    *, by: User, reason: str, access_point: str, case: Case | None = None, conversation: Any = None
) -> MeldcodeTrack:
    """Start a track for a case, or for a chat that is not (yet) a case."""
    if (case is None) == (conversation is None):
        raise CaseError(_("A meldcode track is about one case or one chat."))
    subject = case if case is not None else conversation
    role = require(by, Action.MELDCODE, subject)
    if case is not None and case.status != Case.Status.OPEN:
        raise CaseError(_("This case is closed; it can be read but not changed."))
    reason = _required(reason, _("Write down why you start the meldcode track."))
    running = MeldcodeTrack.objects.filter(status=MeldcodeTrack.Status.OPEN)
    if running.filter(Q(case=case) if case else Q(conversation=conversation)).exists():
        raise CaseError(_("A meldcode track is already open here; continue that one."))
    track = MeldcodeTrack.objects.create(
        case=case, conversation=conversation, reason=reason, started_by=by
    )
    _log(track, user=by, role=role, event=Event.CASE_CHANGE, ap=access_point, detail="started")
    return track


# --- step 1: signals -------------------------------------------------------------------------


def _check_link(track: MeldcodeTrack, kind: str, link_id: int | None) -> None:
    if not kind:
        return
    if link_id is None:
        raise CaseError(_("Choose what the signal is linked to."))
    if kind in (MeldcodeSignal.Link.THREAT, MeldcodeSignal.Link.NOTE):
        model = Threat if kind == MeldcodeSignal.Link.THREAT else ProgressNote
        if not track.case_id or not model.objects.filter(pk=link_id, case=track.case_id).exists():
            raise CaseError(_("That threat or note does not belong to this case."))
    elif kind == MeldcodeSignal.Link.CHAT:
        from vangnet.chat.models import Message

        conversation_id = track.conversation_id or (
            track.case.consent.conversation_id if track.case and track.case.consent else None
        )
        if (
            conversation_id is None
            or not Message.objects.filter(
                conversation_id=conversation_id, sequence=link_id
            ).exists()
        ):
            raise CaseError(_("That chat message does not belong to this track's chat."))
    else:
        raise CaseError(_("Choose what the signal is linked to from the list."))


def add_signal(
    *,
    track: MeldcodeTrack,
    by: User,
    observed_on: date,
    source: str,
    description: str,
    access_point: str,
    link_kind: str = "",
    link_id: int | None = None,
) -> MeldcodeSignal:
    role = require(by, Action.MELDCODE, track)
    _require_open(track)
    if observed_on > ages.today():
        raise CaseError(_("The date of a signal cannot be in the future."))
    _check_link(track, link_kind, link_id)
    signal = MeldcodeSignal.objects.create(
        track=track,
        observed_on=observed_on,
        source=_required(source, _("Write down the source of the signal.")),
        description=_required(description, _("Describe the signal.")),
        link_kind=link_kind,
        link_id=link_id if link_kind else None,
        by=by,
    )
    _touch(track)
    _log(track, user=by, role=role, event=Event.CASE_CHANGE, ap=access_point, detail="signal")
    return signal


# --- steps 1 to 3 --------------------------------------------------------------------------


@transaction.atomic
def complete_step(
    *,
    track: MeldcodeTrack,
    step: int,
    by: User,
    why: str,
    access_point: str,
    colleague: User | None = None,
    veilig_thuis_advice: bool = False,
    talked: bool | None = None,
    talked_with: Sequence[Person] = (),
) -> MeldcodeStepRecord:
    """Record step 1, 2, 3 or 4 as done, with who, when and why."""
    role = require(by, Action.MELDCODE, track)
    _require_open(track)
    if step not in (1, 2, 3, 4):
        raise CaseError(_("Step 5 is the decision; record it with the decision form."))
    _require_step(track, MeldcodeStep(step))
    why = _required(why, _("Write down the outcome and your reasoning."))
    if step == MeldcodeStep.SIGNALS and not track.signals.exists():
        raise CaseError(_("Record at least one signal before you complete step 1."))
    if step == MeldcodeStep.CONSULT:
        if colleague is None or colleague.pk == by.pk:
            raise CaseError(_("Name the colleague you consulted (someone other than yourself)."))
    if step == MeldcodeStep.TALK:
        _check_conversation_with_client(track, talked, talked_with)
    if step == MeldcodeStep.WEIGH and not weighing(track).finished:
        raise CaseError(_("Answer the questions of the framework first, in their order."))
    record = MeldcodeStepRecord.objects.create(
        track=track,
        step=step,
        why=why,
        colleague=colleague if step == MeldcodeStep.CONSULT else None,
        veilig_thuis_advice=veilig_thuis_advice if step == MeldcodeStep.CONSULT else False,
        talked=talked if step == MeldcodeStep.TALK else None,
        by=by,
    )
    if step == MeldcodeStep.TALK and talked:
        record.talked_with.set(talked_with)
    _touch(track)
    _log(track, user=by, role=role, event=Event.CASE_CHANGE, ap=access_point, detail=f"step {step}")
    return record


def _check_conversation_with_client(
    track: MeldcodeTrack, talked: bool | None, talked_with: Sequence[Person]
) -> None:
    """Step 3: talk, unless that endangers someone; never with a (suspected) perpetrator."""
    if talked is None:
        raise CaseError(_("Say whether the conversation with the client took place."))
    if not talked and talked_with:
        raise CaseError(_("Without a conversation, nobody was talked with."))
    for person in talked_with:
        if track.case_id is None or person.case_id != track.case_id:
            raise CaseError(_("A person you talked with belongs to another case."))
        if person.is_suspected_perpetrator:
            raise PerpetratorRuleError(
                _(
                    "Refused: this person is registered as a (suspected) perpetrator. The "
                    "conversation of step 3 is never held with them; record why not instead."
                )
            )


# --- step 4: the afwegingskader ----------------------------------------------------------


def answer_question(
    *,
    track: MeldcodeTrack,
    question: int,
    answer: bool,
    reasoning: str,
    by: User,
    access_point: str,
) -> MeldcodeAnswer:
    """Answer the next question of the framework; the questions come strictly in order."""
    role = require(by, Action.MELDCODE, track)
    _require_open(track)
    state = track_state(track)
    if state.open_step != MeldcodeStep.WEIGH:
        raise CaseError(_("The weighing (step 4) starts after steps 1 to 3."))
    current = weighing(track)
    if current.next_question is None:
        raise CaseError(_("The weighing is complete; no further question is asked."))
    if question != current.next_question:
        raise CaseError(
            _("Answer the questions in their order: next is question %(n)s.")
            % {"n": int(current.next_question)}
        )
    reasoning = _required(reasoning, _("Every answer needs its reasoning."))
    given = MeldcodeAnswer.objects.create(
        track=track, question=question, answer=answer, reasoning=reasoning, by=by
    )
    _touch(track)
    _log(
        track,
        user=by,
        role=role,
        event=Event.CASE_CHANGE,
        ap=access_point,
        detail=f"question {question}",
    )
    return given


# --- step 5: the decision ------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    """What goes to Veilig Thuis: the parts of the case, and until when the share runs."""

    organisation: PartnerOrganisation
    sections: Sequence[str]
    purpose: str
    valid_until: date


@transaction.atomic
def decide(
    *,
    track: MeldcodeTrack,
    by: User,
    outcome: str,
    why: str,
    access_point: str,
    report: Report | None = None,
) -> MeldcodeTrack:
    """Step 5: organise help, report to Veilig Thuis, or both; then the track closes."""
    role = require(by, Action.MELDCODE, track)
    _require_open(track)
    _require_step(track, MeldcodeStep.DECIDE)
    why = _required(why, _("Write down the decision and your reasoning."))
    current = weighing(track)
    if outcome not in Outcome.values:
        raise CaseError(_("Choose a decision from the list."))
    if current.no_suspicion != (outcome == Outcome.NO_SUSPICION):
        raise CaseError(
            _("Without a reasonable suspicion the track closes; with one, choose help or report.")
        )
    if current.report_required and outcome == Outcome.HELP:
        raise CaseError(
            _(
                "The weighing requires a report to Veilig Thuis: choose a report, or a report "
                "and help."
            )
        )
    share: Share | None = None
    if outcome in (Outcome.REPORT, Outcome.HELP_AND_REPORT):
        share = _report(track, by=by, report=report, access_point=access_point)
    MeldcodeStepRecord.objects.create(track=track, step=MeldcodeStep.DECIDE, why=why, by=by)
    now = timezone.now()
    MeldcodeTrack.objects.filter(pk=track.pk).update(
        status=MeldcodeTrack.Status.CLOSED,
        outcome=outcome,
        report_share=share,
        closed_at=now,
        last_activity_at=now,
    )
    track.refresh_from_db()
    _log(
        track,
        user=by,
        role=role,
        event=Event.CASE_CHANGE,
        ap=access_point,
        detail=f"step 5: {outcome}",
    )
    return track


def _report(track: MeldcodeTrack, *, by: User, report: Report | None, access_point: str) -> Share:
    if track.case is None:
        raise CaseError(
            _(
                "A report needs a case: a chat stays anonymous. Open a case with the visitor's "
                "consent first, or ask Veilig Thuis for anonymous advice (step 2)."
            )
        )
    if report is None:
        raise CaseError(_("Choose what is reported to Veilig Thuis."))
    if report.organisation.kind != PartnerOrganisation.Kind.VEILIG_THUIS:
        raise CaseError(_("A meldcode report goes to Veilig Thuis."))
    return share_with_partner(
        case=track.case,
        by=by,
        organisation=report.organisation,
        sections=report.sections,
        purpose=report.purpose,
        basis=Share.Basis.MELDCODE,
        basis_detail=REPORT_BASIS.format(track=track.pk),
        valid_until=report.valid_until,
        access_point=access_point,
    )


# --- reads ---------------------------------------------------------------------------------


def tracks_for_case(case: Case) -> list[MeldcodeTrack]:
    """The case's tracks, including one started in the chat the case was opened from."""
    subject = Q(case=case)
    if case.consent is not None:
        subject |= Q(conversation_id=case.consent.conversation_id, case__isnull=True)
    return list(MeldcodeTrack.objects.filter(subject).select_related("started_by"))


def tracks_for_conversation(conversation: Any) -> list[MeldcodeTrack]:
    return list(MeldcodeTrack.objects.filter(conversation=conversation, case__isnull=True))


def read_track(*, track: MeldcodeTrack, user: User, access_point: str) -> TrackState:
    """The whole track; the look is in the access log."""
    role = require(user, Action.MELDCODE, track)
    _log(track, user=user, role=role, event=Event.CASE_OPEN, ap=access_point, detail="meldcode")
    return track_state(track)


def open_tracks_overview(*, now: datetime | None = None) -> list[TrackState]:
    """Every open track for the supervisor: flagged (14 days without a step) first, oldest next."""
    tracks = MeldcodeTrack.objects.filter(status=MeldcodeTrack.Status.OPEN).select_related(
        "case", "started_by"
    )
    states = [track_state(track, now) for track in tracks.prefetch_related("steps")]
    states.sort(key=lambda s: (not s.stale, s.open_since))
    return states


def open_track_holds_case(case: Case) -> bool:
    """A meldcode in progress is a legal hold on the case (see the retention schedule)."""
    return any(t.status == MeldcodeTrack.Status.OPEN for t in tracks_for_case(case))


@dataclass(frozen=True)
class TimelineItem:
    at: datetime
    title: str
    text: str
    by: User


def timeline_items(case: Case) -> list[TimelineItem]:
    """The tracks' events for the case timeline."""
    items: list[TimelineItem] = []
    for track in tracks_for_case(case):
        items.append(
            TimelineItem(
                track.started_at, _("Meldcode track started"), track.reason, track.started_by
            )
        )
        for signal in track.signals.select_related("by"):
            items.append(
                TimelineItem(
                    signal.at,
                    _("Meldcode signal of %(day)s") % {"day": signal.observed_on.isoformat()},
                    signal.description,
                    signal.by,
                )
            )
        for answer in track.answers.select_related("by"):
            items.append(
                TimelineItem(
                    answer.at,
                    f"{answer.get_question_display()} {_('Yes') if answer.answer else _('No')}",
                    answer.reasoning,
                    answer.by,
                )
            )
        for record in track.steps.select_related("by"):
            items.append(
                TimelineItem(
                    record.at,
                    _("Meldcode: %(step)s done") % {"step": record.get_step_display()},
                    record.why,
                    record.by,
                )
            )
    return items
