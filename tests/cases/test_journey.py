"""The issue's 'done when': from the first chat at 16, through a safety plan, treatment and the
transition at 18, up to aftercare at 21, as one case with one visible line of care."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.cases.conftest import AP, born_years_ago
from vangnet.cases import ages, selectors, services
from vangnet.cases.models import Case, Phase, SafetyMeasure
from vangnet.sharing import policy as sharing_policy
from vangnet.sharing import selectors as sharing_selectors
from vangnet.sharing.models import Share

pytestmark = pytest.mark.django_db


def test_from_the_first_chat_at_16_to_aftercare_at_21(
    conversation,
    counsellor,
    case_worker,
    colleague,
    police,
    police_officer,
    add_parent,
    monkeypatch,
):
    start = ages.today()

    def at_age_offset(days: int) -> None:
        monkeypatch.setattr(ages, "today", lambda: start + timedelta(days=days))
        monkeypatch.setattr(sharing_policy, "today", lambda: start + timedelta(days=days))

    consent = services.record_chat_consent(
        conversation=conversation,
        counsellor=counsellor,
        agreed_to="Een hulpverlener mag contact opnemen",
        contact_details="06-1",
    )
    case = services.open_case_from_chat(
        consent=consent,
        by=case_worker,
        name="Lisa",
        date_of_birth=born_years_ago(16),
        access_point=AP,
    )
    mother = add_parent(case)
    add_parent(case, name="Stiefvader", is_suspected_perpetrator=True)
    services.add_safety_measure(
        case=case,
        by=case_worker,
        kind=SafetyMeasure.Kind.PLAN,
        agreed_on=start,
        description="Veiligheidsplan",
        access_point=AP,
    )
    services.share_with_partner(
        case=case,
        by=case_worker,
        organisation=police,
        sections=["identity", "people"],
        purpose="Aangifte",
        basis=Share.Basis.CONSENT,
        client_consents=True,
        valid_until=start + timedelta(days=90),
        access_point=AP,
    )
    steps = [
        (30, Phase.SAFETY),
        (200, Phase.STABILISATION),
        (400, Phase.TREATMENT),
        (365 * 2 + 30, Phase.FUTURE),
        (365 * 5 + 10, Phase.AFTERCARE),
    ]
    for days, phase in steps:
        at_age_offset(days)
        case.refresh_from_db()
        if phase == Phase.FUTURE:  # past 18: the transition plan was done, nobody re-registered
            assert selectors.caseload(user=case_worker)[0].milestones.age == 18
            for task in case.transition_tasks.all():
                services.complete_transition_task(
                    task=task, by=case_worker, note="Geregeld", access_point=AP
                )
        services.change_phase(
            case=case,
            by=case_worker,
            phase=phase,
            started_on=ages.today(),
            note="",
            expected_version=case.version,
            access_point=AP,
        )
    services.change_caregiver(
        case=case,
        by=case_worker,
        caregiver=colleague,
        reason="Verhuizing naar andere regio",
        expected_version=case.version,
        access_point=AP,
    )

    overview = selectors.open_case_record(case=case, user=colleague, role="", access_point=AP)
    assert Case.objects.count() == 1 and case.status == Case.Status.OPEN
    assert overview.milestones.age == 21
    assert [c.phase for c in overview.phase_history] == [Phase.SIGNALLING] + [p for _, p in steps]
    assert overview.caregiver_changes == 1
    assert not overview.transition_reminder
    # The share ended long ago: the police see nothing now; the flagged stepfather never could.
    assert sharing_selectors.partner_inbox(user=police_officer) == []
    assert services.notification_recipients(case) == [mother]
