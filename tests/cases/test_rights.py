"""The client's own rights: their copy (without others, with who looked) and erasure on
request (registered, checked, decided by a second person, carried out or refused)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.cases.conftest import AP
from tests.conftest import verified_client
from vangnet.cases import ages, rights, services
from vangnet.cases.models import Case
from vangnet.cases.services import CaseError
from vangnet.core.access import AccessDenied
from vangnet.core.models import AccessLogEntry
from vangnet.core.roles import Role
from vangnet.retention.models import ErasureRequest, LegalHold, Tombstone
from vangnet.sharing.models import Share

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor(make_staff: Callable[..., Any]) -> Any:
    return make_staff(Role.SUPERVISOR)


def full_case(make_case: Callable[..., Case], by: Any, add_parent: Callable[..., Any]) -> Case:
    case = make_case(name="Lisa de Vries")
    add_parent(case, name="Vader Kees", is_suspected_perpetrator=True)
    add_parent(case, name="Tante Ria")
    services.record_threat(
        case=case,
        by=by,
        kind="intimidation",
        happened_on=ages.today(),
        against="Tante Ria",
        description="Berichten met dreigementen",
        informed="Wijkagent Bakker",
        access_point=AP,
    )
    services.add_note(
        case=case, by=by, text="Gesprek over school", happened_on=ages.today(), access_point=AP
    )
    return case


def test_the_copy_holds_the_record_without_others_and_with_who_looked(
    make_case: Callable[..., Case], case_worker: Any, add_parent: Callable[..., Any]
) -> None:
    case = full_case(make_case, case_worker, add_parent)
    export = rights.export_for_client(case=case, by=case_worker, kind="json", access_point=AP)
    text = export.body.decode()
    data = json.loads(text)
    assert data["you"]["name"] == "Lisa de Vries"
    assert "Gesprek over school" in text and "Berichten met dreigementen" in text
    for other in ("Vader Kees", "Tante Ria", "Wijkagent Bakker", "perpetrator"):
        assert other not in text, other
    assert data["who_looked"], "the who-looked list"
    assert AccessLogEntry.objects.filter(
        client_ref=case.reference, event="export", detail__contains="client's own copy"
    ).exists()


def test_the_copy_as_pdf(make_case: Callable[..., Case], case_worker: Any) -> None:
    case = make_case()
    export = rights.export_for_client(case=case, by=case_worker, kind="pdf", access_point=AP)
    assert export.body.startswith(b"%PDF") and export.filename.endswith(".pdf")
    with pytest.raises(CaseError):
        rights.export_for_client(case=case, by=case_worker, kind="docx", access_point=AP)


def test_erasure_needs_a_second_person_and_is_carried_out(
    make_case: Callable[..., Case], case_worker: Any, supervisor: Any
) -> None:
    case = make_case()
    request = rights.register_erasure_request(
        case=case, by=case_worker, request="Ik wil dat alles weg is", access_point=AP
    )
    with pytest.raises(AccessDenied):  # a case worker cannot approve at all
        rights.decide_erasure_request(
            request=request,
            by=case_worker,
            approve=True,
            reason="",
            no_other_interest=True,
            access_point=AP,
        )
    with pytest.raises(CaseError, match="aanmerkelijk belang"):
        rights.decide_erasure_request(
            request=request,
            by=supervisor.user,
            approve=True,
            reason="",
            no_other_interest=False,
            access_point=AP,
        )
    decision = rights.decide_erasure_request(
        request=request,
        by=supervisor.user,
        approve=True,
        reason="",
        no_other_interest=True,
        access_point=AP,
    )
    assert decision.carried_out and case.reference in decision.text_for_client
    assert not Case.objects.filter(pk=case.pk).exists()
    stone = Tombstone.objects.get(record_ref=case.reference)
    assert stone.rule == "erasure_request" and stone.reason == f"request {request.pk}"


def test_a_legal_hold_or_a_report_to_veilig_thuis_refuses_with_the_reason(
    make_case: Callable[..., Case], case_worker: Any, supervisor: Any, veilig_thuis: Any
) -> None:
    case = make_case()
    hold = LegalHold.objects.create(case=case, kind="court", reason="Zaak", set_by=case_worker)
    request = rights.register_erasure_request(
        case=case, by=case_worker, request="Weg ermee", access_point=AP
    )
    with pytest.raises(CaseError, match="Bewaarplicht \\(juridisch\\): Rechtszaak"):
        rights.decide_erasure_request(
            request=request,
            by=supervisor.user,
            approve=True,
            reason="",
            no_other_interest=True,
            access_point=AP,
        )
    LegalHold.objects.filter(pk=hold.pk).update(released_at=hold.set_at)
    services.share_with_partner(
        case=case,
        by=case_worker,
        organisation=veilig_thuis,
        sections=["identity"],
        purpose="Melding",
        basis=Share.Basis.MELDCODE,
        basis_detail="meldcode",
        valid_until=ages.today() + timedelta(days=5),
        access_point=AP,
    )
    with pytest.raises(CaseError, match="wettelijke plicht om het te bewaren"):
        rights.decide_erasure_request(
            request=request,
            by=supervisor.user,
            approve=True,
            reason="",
            no_other_interest=True,
            access_point=AP,
        )
    with pytest.raises(CaseError, match="reden"):
        rights.decide_erasure_request(
            request=request,
            by=supervisor.user,
            approve=False,
            reason="",
            no_other_interest=False,
            access_point=AP,
        )
    decision = rights.decide_erasure_request(
        request=request,
        by=supervisor.user,
        approve=False,
        reason="Er is een melding bij Veilig Thuis gedaan.",
        no_other_interest=False,
        access_point=AP,
    )
    assert not decision.carried_out and "melding bij Veilig Thuis" in decision.text_for_client
    stored = ErasureRequest.objects.get(pk=request.pk)
    assert stored.status == "refused" and "Veilig Thuis" in stored.refusal_reason
    assert Case.objects.filter(pk=case.pk).exists()


def test_pages(make_case: Callable[..., Case], worker_client: Client, supervisor: Any) -> None:
    case = make_case()
    url = reverse("cases:client_rights", args=[case.reference])
    response = worker_client.post(url, {"kind": "json"})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert worker_client.post(url, {"kind": "exe"}).status_code == 400
    assert worker_client.post(url, {"request": ""}).status_code == 400
    assert worker_client.post(url, {"request": "Alles wissen"}).status_code == 302
    request = ErasureRequest.objects.get(case=case)
    boss = verified_client(supervisor)
    page = boss.get(reverse("cases:erasure_requests")).content.decode()
    assert "Alles wissen" in page and case.reference in page
    done = boss.post(
        reverse("cases:decide_erasure", args=[request.pk]),
        {"decision": "approve", "no_other_interest": "on"},
    )
    assert done.status_code == 200 and 'id="text-for-client"' in done.content.decode()
    assert not Case.objects.filter(pk=case.pk).exists()


def test_a_legal_hold_is_set_and_released_from_the_rights_page(
    make_case: Callable[..., Case], worker_client: Client, case_worker: Any
) -> None:
    case = make_case()
    url = reverse("cases:legal_hold", args=[case.reference])
    assert worker_client.post(url, {"kind": "police", "reason": ""}).status_code == 302
    assert not LegalHold.objects.exists()  # refused: no reason
    worker_client.post(url, {"kind": "police", "reason": "Zaak 2026-118"})
    hold = LegalHold.objects.get(case=case)
    page = worker_client.get(reverse("cases:client_rights", args=[case.reference]))
    assert "Politieonderzoek" in page.content.decode()
    assert "Bewaarplicht (juridisch): Politieonderzoek." in rights.erasure_exceptions(case)
    worker_client.post(url, {"release": str(hold.pk)})
    hold.refresh_from_db()
    assert hold.released_by == case_worker and rights.erasure_exceptions(case) == []
    assert (
        AccessLogEntry.objects.filter(client_ref=case.reference, record_type="legal_hold").count()
        == 2
    )
