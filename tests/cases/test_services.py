"""The case rules, through the services: consent, duplicates, locking, dates, trajectory, 18+."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import ProtectedError

from tests.cases.conftest import AP, born_years_ago
from vangnet.cases import ages, selectors, services
from vangnet.cases.models import (
    Case,
    ChatConsent,
    Phase,
    ProgressNote,
    RiskLevel,
    SafetyMeasure,
    Threat,
    TransitionTask,
)
from vangnet.core.access import AccessDenied
from vangnet.core.models import AccessLogEntry

pytestmark = pytest.mark.django_db
Event = AccessLogEntry.Event


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return str(cursor.fetchone()[0])


def travel(monkeypatch: pytest.MonkeyPatch, days: int) -> None:
    """Move the calendar the case rules see; the database clock is not involved."""
    future = ages.today() + timedelta(days=days)
    monkeypatch.setattr(ages, "today", lambda: future)


# --- opening a case ----------------------------------------------------------------------


def test_chat_consent_is_stored_encrypted_with_what_was_agreed(conversation, counsellor):
    consent = services.record_chat_consent(
        conversation=conversation,
        counsellor=counsellor,
        agreed_to="Een hulpverlener mag mij bellen",
        contact_details="06-12345678",
    )
    consent.refresh_from_db()
    assert consent.agreed_to == "Een hulpverlener mag mij bellen"
    assert "bellen" not in raw("cases_chatconsent", "agreed_to", consent.pk)
    assert "0612" not in raw("cases_chatconsent", "contact_details", consent.pk).replace("-", "")


def test_chat_consent_needs_the_agreement_in_words_and_a_counsellor(
    conversation, counsellor, case_worker
):
    with pytest.raises(services.CaseError, match="instemde"):
        services.record_chat_consent(
            conversation=conversation, counsellor=counsellor, agreed_to="  ", contact_details=""
        )
    with pytest.raises(AccessDenied):
        services.record_chat_consent(
            conversation=conversation, counsellor=case_worker, agreed_to="ja", contact_details=""
        )
    assert not ChatConsent.objects.exists()


def test_a_case_opened_from_a_chat_keeps_the_consent_and_is_logged(
    conversation, counsellor, case_worker
):
    consent = services.record_chat_consent(
        conversation=conversation,
        counsellor=counsellor,
        agreed_to="Casus openen",
        contact_details="lisa@example.org",
    )
    case = services.open_case_from_chat(
        consent=consent,
        by=case_worker,
        name="Lisa",
        date_of_birth=born_years_ago(16),
        access_point=AP,
    )
    assert case.consent == consent
    assert case.contact_details == "lisa@example.org"
    assert case.caregiver == case_worker
    assert AccessLogEntry.objects.filter(
        event=Event.CASE_CREATE, client_ref=case.reference, username=case_worker.username
    ).exists()
    with pytest.raises(services.CaseError, match="al een dossier geopend"):
        services.open_case_from_chat(
            consent=consent,
            by=case_worker,
            name="Lisa",
            date_of_birth=born_years_ago(16),
            access_point=AP,
        )


def test_case_text_is_encrypted_at_rest(make_case):
    case = make_case(name="Lisa Jansen", summary="Ontmoet via Snapchat")
    assert "Lisa" not in raw("cases_case", "name", case.pk)
    assert "Snapchat" not in raw("cases_case", "summary", case.pk)


def test_only_case_workers_open_cases(make_staff, make_case):
    from vangnet.core.roles import Role

    for role in (Role.COUNSELLOR, Role.PARTNER, Role.RESEARCHER, Role.ADMINISTRATOR):
        with pytest.raises(AccessDenied):
            make_case(by=make_staff(role).user)
    assert not Case.objects.exists()


def test_a_date_of_birth_in_the_future_is_refused_with_a_reason(make_case):
    with pytest.raises(services.CaseError, match="toekomst"):
        make_case(age=-1)


def test_search_before_create_finds_the_same_birthday_or_a_similar_name(make_case):
    lisa = make_case(name="Lisa Jansen", age=16)
    other = make_case(name="Mo", age=14)
    by_name = selectors.possible_duplicates(name="lisa jánsen", date_of_birth=None)
    by_day = selectors.possible_duplicates(name="Someone", date_of_birth=other.date_of_birth)
    assert by_name == [lisa]
    assert by_day == [other]
    assert selectors.possible_duplicates(name="Noor", date_of_birth=born_years_ago(3)) == []


# --- conflicts, dates, no hard delete -------------------------------------------------------


def test_two_workers_editing_the_same_case_do_not_overwrite_each_other(make_case, colleague):
    case = make_case()
    services.open_by_emergency(
        case=case, by=colleague, reason="Cliënt belt in nood", access_point=AP
    )
    seen_by_both = case.version
    mine = Case.objects.get(pk=case.pk)
    theirs = Case.objects.get(pk=case.pk)
    services.update_case(
        case=mine,
        by=case.caregiver,
        expected_version=seen_by_both,
        access_point=AP,
        summary="Eerste versie",
        contact_details="",
        risk_level=RiskLevel.HIGH,
    )
    with pytest.raises(services.ConflictError, match="Iemand anders heeft"):
        services.update_case(
            case=theirs,
            by=colleague,
            expected_version=seen_by_both,
            access_point=AP,
            summary="Tweede versie",
            contact_details="",
            risk_level=RiskLevel.LOW,
        )
    case.refresh_from_db()
    assert case.summary == "Eerste versie"
    assert case.risk_level == RiskLevel.HIGH


def test_dates_in_the_future_or_before_birth_are_refused(make_case, case_worker):
    case = make_case(age=16)
    tomorrow = ages.today() + timedelta(days=1)
    before_birth = case.date_of_birth - timedelta(days=1)
    with pytest.raises(services.CaseError, match="toekomst"):
        services.add_note(
            case=case, by=case_worker, text="x", happened_on=tomorrow, access_point=AP
        )
    with pytest.raises(services.CaseError, match="vóór de geboortedatum"):
        services.add_note(
            case=case, by=case_worker, text="x", happened_on=before_birth, access_point=AP
        )
    with pytest.raises(services.CaseError, match="toekomst"):
        services.record_threat(
            case=case,
            by=case_worker,
            kind=Threat.Kind.STALKING,
            happened_on=tomorrow,
            against="Lisa",
            description="x",
            informed="",
            access_point=AP,
        )
    with pytest.raises(services.CaseError, match="toekomst"):
        services.change_phase(
            case=case,
            by=case_worker,
            phase=Phase.SAFETY,
            started_on=tomorrow,
            note="",
            expected_version=case.version,
            access_point=AP,
        )
    assert not ProgressNote.objects.exists()


def test_a_case_with_history_cannot_be_hard_deleted(make_case):
    case = make_case()
    with pytest.raises(ProtectedError):
        case.delete()
    assert Case.objects.filter(pk=case.pk).exists()


# --- the trajectory --------------------------------------------------------------------------


def test_every_change_of_caregiver_is_kept_with_its_reason_and_counted(
    make_case, case_worker, colleague, rf
):
    case = make_case()
    with pytest.raises(services.CaseError, match="waarom"):
        services.change_caregiver(
            case=case,
            by=case_worker,
            caregiver=colleague,
            reason=" ",
            expected_version=case.version,
            access_point=AP,
        )
    services.change_caregiver(
        case=case,
        by=case_worker,
        caregiver=colleague,
        reason="Verlof",
        expected_version=case.version,
        access_point=AP,
    )
    services.change_caregiver(
        case=case,
        by=colleague,
        caregiver=case_worker,
        reason="Terug van verlof",
        expected_version=case.version,
        access_point=AP,
    )
    overview = selectors.open_case_record(
        case=case, user=case_worker, role="case_worker", access_point=AP
    )
    assert overview.caregiver_changes == 2
    assert overview.last_caregiver_change is not None
    assert [a.reason for a in case.caregiver_history.all()][1:] == ["Verlof", "Terug van verlof"]
    assert case.caregiver == case_worker


def test_the_caregiver_must_be_a_case_worker(make_case, case_worker, counsellor):
    case = make_case()
    with pytest.raises(services.CaseError, match="casusregisseur zijn"):
        services.change_caregiver(
            case=case,
            by=case_worker,
            caregiver=counsellor,
            reason="x",
            expected_version=case.version,
            access_point=AP,
        )


def test_phases_goals_and_notes_follow_the_trajectory(make_case, case_worker):
    case = make_case()
    services.change_phase(
        case=case,
        by=case_worker,
        phase=Phase.SAFETY,
        started_on=ages.today(),
        note="Veilig onderdak",
        expected_version=case.version,
        access_point=AP,
    )
    goal = services.add_goal(case=case, by=case_worker, text="Veilige plek", access_point=AP)
    services.add_note(
        case=case,
        by=case_worker,
        text="Gesprek",
        happened_on=ages.today(),
        goal=goal,
        kind=ProgressNote.Kind.CONTACT,
        access_point=AP,
    )
    services.set_goal_status(goal=goal, by=case_worker, status="reached", access_point=AP)
    goal.refresh_from_db()
    assert case.phase == Phase.SAFETY
    assert goal.phase == Phase.SAFETY and goal.status == "reached"
    assert [c.phase for c in case.phase_changes.all()] == [Phase.SIGNALLING, Phase.SAFETY]


def test_safety_comes_before_diagnosis(make_case, case_worker):
    case = make_case()  # just opened: signalling phase, nothing assessed yet
    measure = services.add_safety_measure(
        case=case,
        by=case_worker,
        kind=SafetyMeasure.Kind.PLACEMENT,
        agreed_on=ages.today(),
        description="Crisisopvang",
        access_point=AP,
    )
    assert measure.case.phase == Phase.SIGNALLING
    services.update_case(
        case=case,
        by=case_worker,
        expected_version=case.version,
        access_point=AP,
        summary="",
        contact_details="",
        risk_level=RiskLevel.ACUTE,
    )
    assert selectors.caseload(user=case_worker)[0].case.risk_level == RiskLevel.ACUTE


def test_threats_are_recorded_with_date_and_who_was_informed(make_case, case_worker):
    case = make_case()
    threat = services.record_threat(
        case=case,
        by=case_worker,
        kind=Threat.Kind.INTIMIDATION,
        happened_on=ages.today(),
        against="Moeder",
        description="Auto voor de deur",
        informed="Politie, wijkagent",
        access_point=AP,
    )
    assert threat.informed == "Politie, wijkagent"
    assert "wijkagent" not in raw("cases_threat", "informed", threat.pk)


# --- no end at 18 ----------------------------------------------------------------------------


def test_the_case_goes_on_past_18_up_to_23_without_re_registration(
    make_case, case_worker, monkeypatch
):
    case = make_case(age=16)
    reference = case.reference
    for years, age in ((2, 18), (5, 21), (7, 23), (8, 24)):
        monkeypatch.undo()
        travel(monkeypatch, days=365 * years + 2)
        case.refresh_from_db()
        assert case.status == Case.Status.OPEN
        row = selectors.caseload(user=case_worker)[0]
        assert row.case.reference == reference
        assert row.milestones.age == age
        services.add_note(
            case=case, by=case_worker, text=f"Op {age}", happened_on=ages.today(), access_point=AP
        )
    assert row.milestones.past_limit  # past 23 the case only says so; it stays open
    assert Case.objects.get().status == Case.Status.OPEN


def test_a_case_closes_only_by_a_decision_with_a_reason(make_case, case_worker):
    case = make_case(age=21)
    with pytest.raises(services.CaseError, match="waarom"):
        services.close_case(
            case=case, by=case_worker, reason="", expected_version=case.version, access_point=AP
        )
    services.close_case(
        case=case,
        by=case_worker,
        reason="Nazorg afgerond, op eigen verzoek",
        expected_version=case.version,
        access_point=AP,
    )
    assert case.status == Case.Status.CLOSED and case.closed_by == case_worker
    with pytest.raises(services.CaseError, match="gesloten"):
        services.add_goal(case=case, by=case_worker, text="x", access_point=AP)


def test_the_transition_plan_shows_from_17_and_a_half_and_reminds(
    make_case, case_worker, monkeypatch
):
    case = make_case(age=17)
    assert case.transition_tasks.count() == len(TransitionTask.Topic)
    early = selectors.open_case_record(case=case, user=case_worker, role="", access_point=AP)
    assert not early.milestones.show_transition_plan and not early.transition_reminder
    travel(monkeypatch, days=183)
    due = selectors.open_case_record(case=case, user=case_worker, role="", access_point=AP)
    assert due.milestones.show_transition_plan and due.transition_reminder
    assert selectors.caseload(user=case_worker)[0].transition_reminder
    for task in case.transition_tasks.all():
        services.complete_transition_task(
            task=task, by=case_worker, note="Geregeld", access_point=AP
        )
    done = selectors.open_case_record(case=case, user=case_worker, role="", access_point=AP)
    assert not done.transition_reminder


def test_ages_count_from_the_date_of_birth_including_29_february():
    from datetime import date

    leap = date(2008, 2, 29)
    assert ages.age_on(leap, date(2026, 2, 27)) == 17
    assert ages.age_on(leap, date(2026, 2, 28)) == 18
    assert ages.transition_plan_from(leap) == date(2025, 8, 29)
    assert ages.transition_plan_from(date(2008, 8, 31)) == date(2026, 2, 28)


# --- parent support ---------------------------------------------------------------------------


def test_a_parent_can_be_a_client_in_their_own_right(make_case, add_parent, case_worker):
    child = make_case(age=15)
    mother = add_parent(child, contact_details="06-1")
    own = services.open_parent_case(
        child_case=child,
        person=mother,
        by=case_worker,
        date_of_birth=born_years_ago(44),
        summary="Grip terugkrijgen; schulden",
        access_point=AP,
    )
    assert own.kind == Case.Kind.PARENT
    assert own.child_case == child and own.name == "Moeder"
    assert not own.transition_tasks.exists()
    with pytest.raises(services.CaseError, match="al een eigen dossier"):
        services.open_parent_case(
            child_case=child,
            person=mother,
            by=case_worker,
            date_of_birth=born_years_ago(44),
            access_point=AP,
        )
