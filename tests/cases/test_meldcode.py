"""The meldcode track: five steps in order, the framework's questions in order, the
perpetrator rule in step 3, a report through the partner share, the supervisor's overview."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.cases.conftest import AP
from tests.conftest import verified_client
from vangnet.cases import ages, meldcode, selectors
from vangnet.cases.meldcode_models import MeldcodeStep, MeldcodeTrack
from vangnet.cases.models import Case
from vangnet.cases.services import CaseError, PerpetratorRuleError
from vangnet.core.access import AccessDenied
from vangnet.core.models import AccessLogEntry
from vangnet.core.roles import Role
from vangnet.sharing.models import PartnerOrganisation, Section, Share

pytestmark = pytest.mark.django_db


def started(case: Case, by: Any) -> MeldcodeTrack:
    return meldcode.start_track(by=by, case=case, reason="Signalen van uitbuiting", access_point=AP)


def through_step_3(track: MeldcodeTrack, by: Any, colleague: Any) -> None:
    meldcode.add_signal(
        track=track,
        by=by,
        observed_on=ages.today(),
        source="school",
        description="Nieuwe dure telefoon, verzuim",
        access_point=AP,
    )
    meldcode.complete_step(track=track, step=1, by=by, why="Signalen in kaart", access_point=AP)
    meldcode.complete_step(
        track=track,
        step=2,
        by=by,
        why="Collega deelt de zorg",
        colleague=colleague,
        veilig_thuis_advice=True,
        access_point=AP,
    )
    meldcode.complete_step(
        track=track, step=3, by=by, why="Gesprek gevoerd", talked=True, access_point=AP
    )


def answer(track: MeldcodeTrack, by: Any, *answers: bool) -> None:
    for question, value in enumerate(answers, start=1):
        meldcode.answer_question(
            track=track,
            question=question,
            answer=value,
            reasoning=f"reden {question}",
            by=by,
            access_point=AP,
        )


def test_steps_go_in_order_with_who_when_why(
    make_case: Callable[..., Case], case_worker: Any, colleague: Any
) -> None:
    track = started(make_case(), case_worker)
    with pytest.raises(CaseError, match="op volgorde"):
        meldcode.complete_step(track=track, step=2, by=case_worker, why="x", access_point=AP)
    with pytest.raises(CaseError, match="minstens één signaal"):
        meldcode.complete_step(track=track, step=1, by=case_worker, why="x", access_point=AP)
    through_step_3(track, case_worker, colleague)
    state = meldcode.track_state(track)
    assert state.open_step == MeldcodeStep.WEIGH
    record = state.done[2]
    assert (record.by, record.colleague, record.why) == (
        case_worker,
        colleague,
        "Collega deelt de zorg",
    )
    assert record.veilig_thuis_advice


def test_consulting_yourself_is_not_consulting(
    make_case: Callable[..., Case], case_worker: Any
) -> None:
    track = started(make_case(), case_worker)
    meldcode.add_signal(
        track=track,
        by=case_worker,
        observed_on=ages.today(),
        source="s",
        description="d",
        access_point=AP,
    )
    meldcode.complete_step(track=track, step=1, by=case_worker, why="x", access_point=AP)
    with pytest.raises(CaseError, match="collega"):
        meldcode.complete_step(
            track=track, step=2, by=case_worker, why="x", colleague=case_worker, access_point=AP
        )


def test_step_3_never_talks_with_a_suspected_perpetrator(
    make_case: Callable[..., Case],
    case_worker: Any,
    colleague: Any,
    add_parent: Callable[..., Any],
) -> None:
    case = make_case()
    father = add_parent(case, name="Vader", is_suspected_perpetrator=True)
    mother = add_parent(case, name="Moeder")
    track = started(case, case_worker)
    meldcode.add_signal(
        track=track,
        by=case_worker,
        observed_on=ages.today(),
        source="s",
        description="d",
        access_point=AP,
    )
    meldcode.complete_step(track=track, step=1, by=case_worker, why="x", access_point=AP)
    meldcode.complete_step(
        track=track, step=2, by=case_worker, why="x", colleague=colleague, access_point=AP
    )
    with pytest.raises(PerpetratorRuleError):
        meldcode.complete_step(
            track=track,
            step=3,
            by=case_worker,
            why="x",
            talked=True,
            talked_with=[mother, father],
            access_point=AP,
        )
    assert meldcode.track_state(track).open_step == MeldcodeStep.TALK
    # Not talking is allowed, with the reason recorded.
    with pytest.raises(CaseError):
        meldcode.complete_step(
            track=track, step=3, by=case_worker, why="", talked=False, access_point=AP
        )
    record = meldcode.complete_step(
        track=track,
        step=3,
        by=case_worker,
        why="Vader is pleger: gesprek brengt Lisa in gevaar",
        talked=False,
        access_point=AP,
    )
    assert record.talked is False
    assert "gevaar" in record.why


def test_framework_questions_in_order_and_unsafety_requires_a_report(
    make_case: Callable[..., Case],
    case_worker: Any,
    colleague: Any,
    veilig_thuis: PartnerOrganisation,
) -> None:
    case = make_case()
    track = started(case, case_worker)
    with pytest.raises(CaseError, match="na stap 1 tot en met 3"):
        answer(track, case_worker, True)
    through_step_3(track, case_worker, colleague)
    with pytest.raises(CaseError, match="vraag 1"):
        meldcode.answer_question(
            track=track, question=2, answer=True, reasoning="r", by=case_worker, access_point=AP
        )
    answer(track, case_worker, True, True)  # suspicion; acute or structural unsafety
    current = meldcode.weighing(track)
    assert current.report_required and current.finished
    meldcode.complete_step(track=track, step=4, by=case_worker, why="gewogen", access_point=AP)
    with pytest.raises(CaseError, match="vraagt om een melding"):
        meldcode.decide(track=track, by=case_worker, outcome="help", why="w", access_point=AP)
    track = meldcode.decide(
        track=track,
        by=case_worker,
        outcome=MeldcodeTrack.Outcome.HELP_AND_REPORT,
        why="Melden en hulp blijven bieden",
        access_point=AP,
        report=meldcode.Report(
            organisation=veilig_thuis,
            sections=[Section.IDENTITY, Section.SAFETY],
            purpose="Melding",
            valid_until=ages.today() + timedelta(days=30),
        ),
    )
    assert track.status == MeldcodeTrack.Status.CLOSED
    share = track.report_share
    assert share is not None and share.organisation == veilig_thuis
    assert share.basis == Share.Basis.MELDCODE
    assert f"meldcode track {track.pk}" in share.basis_detail
    assert "Wet verplichte meldcode" in share.basis_detail


def test_help_is_possible_when_every_answer_leads_to_safety(
    make_case: Callable[..., Case], case_worker: Any, colleague: Any
) -> None:
    track = started(make_case(), case_worker)
    through_step_3(track, case_worker, colleague)
    answer(track, case_worker, True, False, True, True, True)
    assert meldcode.weighing(track).finished and not meldcode.weighing(track).report_required
    meldcode.complete_step(track=track, step=4, by=case_worker, why="w", access_point=AP)
    track = meldcode.decide(
        track=track, by=case_worker, outcome="help", why="hulp", access_point=AP
    )
    assert track.outcome == "help" and track.report_share is None


def test_no_suspicion_ends_the_weighing(
    make_case: Callable[..., Case], case_worker: Any, colleague: Any
) -> None:
    track = started(make_case(), case_worker)
    through_step_3(track, case_worker, colleague)
    answer(track, case_worker, False)
    with pytest.raises(CaseError, match="weging is klaar"):
        meldcode.answer_question(
            track=track, question=2, answer=True, reasoning="r", by=case_worker, access_point=AP
        )
    meldcode.complete_step(track=track, step=4, by=case_worker, why="w", access_point=AP)
    with pytest.raises(CaseError):
        meldcode.decide(track=track, by=case_worker, outcome="help", why="w", access_point=AP)
    closed = meldcode.decide(
        track=track, by=case_worker, outcome="no_suspicion", why="geen vermoeden", access_point=AP
    )
    assert closed.status == MeldcodeTrack.Status.CLOSED


def test_a_chat_track_cannot_report_an_anonymous_visitor(
    conversation: Any, counsellor: Any, make_staff: Callable[..., Any], veilig_thuis: Any
) -> None:
    track = meldcode.start_track(
        by=counsellor, conversation=conversation, reason="Acuut?", access_point=AP
    )
    colleague = make_staff(Role.COUNSELLOR).user
    through_step_3(track, counsellor, colleague)
    answer(track, counsellor, True, True)
    meldcode.complete_step(track=track, step=4, by=counsellor, why="w", access_point=AP)
    with pytest.raises(CaseError, match="dossier nodig"):
        meldcode.decide(
            track=track,
            by=counsellor,
            outcome="report",
            why="w",
            access_point=AP,
            report=meldcode.Report(veilig_thuis, [Section.SUMMARY], "m", ages.today()),
        )
    other = make_staff(Role.COUNSELLOR).user  # never held this chat
    with pytest.raises(AccessDenied):
        meldcode.read_track(track=track, user=other, access_point=AP)


def test_overview_flags_a_track_without_a_step_for_14_days(
    make_case: Callable[..., Case], case_worker: Any
) -> None:
    quiet = started(make_case(name="Eva"), case_worker)
    busy = started(make_case(name="Noor"), case_worker)
    MeldcodeTrack.objects.filter(pk=quiet.pk).update(
        last_activity_at=timezone.now() - timedelta(days=14, minutes=1)
    )
    MeldcodeTrack.objects.filter(pk=busy.pk).update(
        last_activity_at=timezone.now() - timedelta(days=13, hours=23)
    )
    states = meldcode.open_tracks_overview()
    assert [s.track.pk for s in states if s.stale] == [quiet.pk]
    assert states[0].track.pk == quiet.pk


def test_track_is_in_the_timeline_and_the_access_log(
    make_case: Callable[..., Case], case_worker: Any, colleague: Any
) -> None:
    case = make_case()
    track = started(case, case_worker)
    through_step_3(track, case_worker, colleague)
    entries = selectors.case_timeline(
        case=case, user=case_worker, role="case_worker", access_point=AP, kinds={"meldcode"}
    )
    titles = [e.title for e in entries]
    assert "Meldcodetraject gestart" in titles
    assert any("1. Signalen in kaart brengen" in t for t in titles)
    logged = AccessLogEntry.objects.filter(client_ref=case.reference, record_type="meldcode")
    assert {"started", "signal", "step 1", "step 2", "step 3"} <= set(
        logged.values_list("detail", flat=True)
    )


def test_pages(
    make_case: Callable[..., Case],
    worker_client: Client,
    case_worker: Any,
    make_staff: Callable[..., Any],
) -> None:
    case = make_case()
    url = reverse("cases:meldcode_case", args=[case.reference])
    response = worker_client.post(url, {"reason": ""})
    assert response.status_code == 400
    response = worker_client.post(url, {"reason": "Zorgen"})
    track = MeldcodeTrack.objects.get(case=case)
    assert response.status_code == 302
    page = reverse("cases:meldcode_track", args=[track.pk])
    response = worker_client.post(
        page,
        {
            "form": "signal",
            "signal-observed_on": ages.today().isoformat(),
            "signal-source": "moeder",
            "signal-description": "Laat thuis",
        },
    )
    assert response.status_code == 302
    response = worker_client.post(page, {"form": "step2", "step2-step": "2", "step2-why": "x"})
    assert response.status_code == 400
    body = worker_client.get(page).content.decode()
    assert "Laat thuis" in body and 'id="open-step"' in body
    assert worker_client.post(page, {"form": "nonsense"}).status_code == 400
    supervisor = verified_client(make_staff(Role.SUPERVISOR))
    overview = supervisor.get(reverse("cases:meldcode_overview")).content.decode()
    assert f'id="track-{track.pk}"' in overview and case.reference in overview
    assert worker_client.get(reverse("cases:meldcode_overview")).status_code == 403


def test_a_counsellor_starts_a_track_from_the_transcript(
    conversation: Any, make_staff: Callable[..., Any]
) -> None:
    holder, outsider = make_staff(Role.COUNSELLOR), make_staff(Role.COUNSELLOR)
    type(conversation).objects.filter(pk=conversation.pk).update(counsellor=holder.user)
    transcript = reverse("chat:transcript", args=[conversation.public_id])
    page = verified_client(holder).get(transcript).content.decode()
    url = reverse("cases:meldcode_chat_start", args=[conversation.public_id])
    assert f'action="{url}"' in page
    assert verified_client(outsider).post(url, {"reason": "Zorg"}).status_code == 403
    assert not MeldcodeTrack.objects.exists()
    response = verified_client(holder).post(url, {"reason": "Ze noemt een oudere vriend"})
    track = MeldcodeTrack.objects.get(conversation=conversation)
    assert response.status_code == 302 and response["Location"].endswith(f"/{track.pk}/")
    assert track.case is None and track.started_by == holder.user
