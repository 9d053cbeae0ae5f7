"""Sharing with partners: a chosen part, for a purpose, on a basis, until a date, all logged."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import translation

from tests.cases.conftest import AP
from vangnet.cases import ages, selectors, services
from vangnet.cases.models import Threat
from vangnet.core.access import AccessDenied
from vangnet.core.audit_labels import access_point_label
from vangnet.core.models import AccessLogEntry
from vangnet.sharing import policy as sharing_policy
from vangnet.sharing import selectors as sharing_selectors
from vangnet.sharing import services as sharing_services
from vangnet.sharing.models import Share

pytestmark = pytest.mark.django_db
Event = AccessLogEntry.Event


def until(days: int = 30) -> object:
    return ages.today() + timedelta(days=days)


def share(case, by, organisation, **kwargs):
    kwargs.setdefault("sections", ["identity", "threats"])
    kwargs.setdefault("purpose", "Aangifte voorbereiden")
    kwargs.setdefault("basis", Share.Basis.CONSENT)
    kwargs.setdefault("client_consents", True)
    kwargs.setdefault("valid_until", until())
    return services.share_with_partner(
        case=case, by=by, organisation=organisation, access_point=AP, **kwargs
    )


@pytest.fixture
def case(make_case, case_worker):
    case = make_case(age=17, summary="Geheime samenvatting", contact_details="Adres 1")
    services.record_threat(
        case=case,
        by=case_worker,
        kind=Threat.Kind.STALKING,
        happened_on=ages.today(),
        against="Lisa",
        description="Volgt haar",
        informed="Wijkagent",
        access_point=AP,
    )
    return case


def test_the_partner_sees_exactly_the_shared_parts(case, case_worker, police, police_officer):
    made = share(case, case_worker, police)
    record = sharing_selectors.read_share(
        share_id=made.pk, user=police_officer, role="partner", access_point=AP
    )
    assert set(record.data) == {"reference", "sections", "identity", "threats"}
    assert record.data["identity"]["name"] == "Lisa"
    assert record.data["threats"][0]["description"] == "Volgt haar"
    assert "Geheime samenvatting" not in json.dumps(record.data)
    assert "Adres 1" not in json.dumps(record.data)


def test_the_shared_copy_does_not_follow_later_changes(case, case_worker, police, police_officer):
    made = share(case, case_worker, police, sections=["summary"])
    services.update_case(
        case=case,
        by=case_worker,
        expected_version=case.version,
        access_point=AP,
        summary="Nieuw en niet gedeeld",
        contact_details="",
        risk_level="high",
    )
    record = sharing_selectors.read_share(
        share_id=made.pk, user=police_officer, role="partner", access_point=AP
    )
    assert record.data["summary"] == "Geheime samenvatting"


def test_another_organisation_sees_nothing(case, case_worker, police, veilig_thuis, make_staff):
    from vangnet.core.roles import Role

    vt_user = make_staff(Role.PARTNER, organisation="Veilig Thuis").user
    made = share(case, case_worker, police)
    assert sharing_selectors.partner_inbox(user=vt_user) == []
    with pytest.raises(AccessDenied):
        sharing_selectors.read_share(
            share_id=made.pk, user=vt_user, role="partner", access_point=AP
        )


def test_a_revoked_or_ended_share_is_gone_for_the_partner(
    case, case_worker, police, police_officer, monkeypatch
):
    revoked = share(case, case_worker, police)
    ending = share(case, case_worker, police, valid_until=until(3))
    assert sharing_selectors.partner_inbox(user=police_officer) == [ending, revoked]
    with pytest.raises(services.CaseError, match="waarom"):
        services.revoke_share(share=revoked, by=case_worker, reason="", access_point=AP)
    services.revoke_share(
        share=revoked, by=case_worker, reason="Toestemming ingetrokken", access_point=AP
    )
    assert sharing_selectors.partner_inbox(user=police_officer) == [ending]
    with pytest.raises(AccessDenied):
        sharing_selectors.read_share(
            share_id=revoked.pk, user=police_officer, role="partner", access_point=AP
        )
    later = ages.today() + timedelta(days=4)
    monkeypatch.setattr(sharing_policy, "today", lambda: later)
    assert sharing_selectors.partner_inbox(user=police_officer) == []
    with pytest.raises(AccessDenied):
        sharing_selectors.read_share(
            share_id=ending.pk, user=police_officer, role="partner", access_point=AP
        )


def test_share_view_response_and_revocation_are_logged_and_visible_on_the_case(
    case, case_worker, police, police_officer
):
    made = share(case, case_worker, police)
    sharing_selectors.read_share(
        share_id=made.pk, user=police_officer, role="partner", access_point=AP
    )
    sharing_services.respond_to_share(
        share=made, by=police_officer, text="Zaak in behandeling", access_point=AP
    )
    services.revoke_share(share=made, by=case_worker, reason="Klaar", access_point=AP)
    events = list(
        AccessLogEntry.objects.filter(client_ref=case.reference, record_type="share")
        .order_by("id")
        .values_list("event", "username")
    )
    assert events == [
        (Event.SHARE_CREATE, case_worker.username),
        (Event.SHARE_VIEW, police_officer.username),
        (Event.SHARE_RESPOND, police_officer.username),
        (Event.SHARE_REVOKE, case_worker.username),
    ]
    made.refresh_from_db()
    assert made.acknowledged_by == police_officer
    overview = selectors.open_case_record(case=case, user=case_worker, role="", access_point=AP)
    assert [r.text for r in overview.shares[0].responses.all()] == ["Zaak in behandeling"]
    timeline = selectors.case_timeline(
        case=case, user=case_worker, role="", access_point=AP, kinds={"share"}
    )
    assert len(timeline) == 3


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sections": []}, "ten minste één deel"),
        ({"sections": ["identity", "everything"]}, "ten minste één deel"),
        ({"purpose": " "}, "waarvoor u deelt"),
        ({"valid_until": "today"}, "na vandaag"),
        ({"client_consents": False}, "toestemming van de cliënt"),
        ({"basis": Share.Basis.MELDCODE}, "wettelijke grond"),
        ({"basis": "because"}, "grondslag"),
    ],
)
def test_a_share_without_purpose_basis_or_end_is_refused(
    case, case_worker, police, kwargs, message
):
    if kwargs.get("valid_until") == "today":
        kwargs["valid_until"] = ages.today()
    with pytest.raises(services.CaseError, match=message):
        share(case, case_worker, police, **kwargs)
    assert not Share.objects.exists()


def test_under_16_the_parents_with_authority_consent_too(
    make_case, add_parent, case_worker, police
):
    young = make_case(age=13)
    mother = add_parent(young)
    with pytest.raises(services.CaseError, match="jonger dan 16"):
        share(young, case_worker, police)
    assert share(young, case_worker, police, consenting_parents=[mother])


def test_only_case_workers_share(case, police, police_officer):
    with pytest.raises(AccessDenied):
        share(case, police_officer, police)


def test_the_client_access_report_lists_only_this_client(
    case, make_case, case_worker, police, police_officer, make_staff
):
    from vangnet.core.roles import Role

    other = make_case(name="Noor", age=15)
    selectors.open_case_record(case=other, user=case_worker, role="", access_point=AP)
    made = share(case, case_worker, police)
    sharing_selectors.read_share(
        share_id=made.pk, user=police_officer, role="partner", access_point=AP
    )
    admin = make_staff(Role.ADMINISTRATOR).user
    entries = selectors.client_access_report(
        reference=case.reference.lower(), user=admin, role="administrator", access_point=AP
    )
    assert {e.client_ref for e in entries} == {case.reference}
    assert police_officer.username in {e.username for e in entries}
    assert AccessLogEntry.objects.filter(
        event=Event.CLIENT_ACCESS_REPORT, client_ref=case.reference, username=admin.username
    ).exists()
    assert (
        selectors.client_access_report(reference="VN-NOSUCH", user=admin, role="", access_point=AP)
        == []
    )


def test_the_access_log_names_the_partner_pages_before_and_after_the_move():
    """Entries written at the old addresses and at the new ones read the same to a client."""
    with translation.override("en"):
        for name in ("cases:partner_share", "sharing:partner_share"):
            assert access_point_label(f"web:{name}") == "Web page: shared record (partner)"
        for name in ("cases:partner_inbox", "sharing:partner_inbox"):
            assert access_point_label(f"web:{name}") == "Web page: shared with us"
