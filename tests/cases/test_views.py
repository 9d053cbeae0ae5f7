"""The case pages as a person uses them: what they see, and the reason when something is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from tests.cases.conftest import AP, born_years_ago
from tests.conftest import verified_client
from vangnet.cases import ages, services
from vangnet.cases.models import Case, ChatConsent, RiskLevel
from vangnet.core.models import AccessLogEntry
from vangnet.core.roles import Role
from vangnet.sharing import selectors as sharing_selectors
from vangnet.sharing.models import Share

pytestmark = pytest.mark.django_db


def page(client, case: Case, name: str = "case_detail") -> str:
    response = client.get(reverse(f"cases:{name}", args=[case.reference]))
    assert response.status_code == 200
    return response.content.decode()


def test_opening_a_case_page_is_logged(worker_client, make_case, case_worker):
    case = make_case()
    page(worker_client, case)
    assert AccessLogEntry.objects.filter(
        event=AccessLogEntry.Event.CASE_OPEN,
        client_ref=case.reference,
        username=case_worker.username,
        access_point="web:cases:case_detail",
    ).exists()


def test_the_case_warns_about_a_flagged_person(worker_client, make_case, add_parent):
    case = make_case()
    add_parent(case, name="Vader Kees", is_suspected_perpetrator=True)
    html = page(worker_client, case)
    assert 'class="case-warning"' in html and "Vader Kees" in html
    assert 'class="flag"' in html
    timeline = page(worker_client, case, "timeline")
    assert "Vader Kees" in timeline and 'class="flag"' in timeline


def test_risk_level_shows_on_the_caseload_and_the_case(worker_client, make_case, case_worker):
    case = make_case(name="Sanne")
    services.update_case(
        case=case,
        by=case_worker,
        expected_version=case.version,
        access_point=AP,
        summary="",
        contact_details="",
        risk_level=RiskLevel.HIGH,
    )
    caseload = worker_client.get(reverse("cases:caseload")).content.decode()
    assert "Sanne" in caseload and "risk-high" in caseload
    assert 'id="risk-level"' in page(worker_client, case)


def test_a_stale_edit_is_refused_with_a_clear_message(worker_client, make_case, case_worker):
    case = make_case()
    stale = case.version
    services.update_case(
        case=case,
        by=case_worker,
        expected_version=stale,
        access_point=AP,
        summary="Door collega",
        contact_details="",
        risk_level="low",
    )
    response = worker_client.post(
        reverse("cases:edit_case", args=[case.reference]),
        {
            "edit-version": stale,
            "edit-summary": "Mijn versie",
            "edit-contact_details": "",
            "edit-risk_level": "high",
        },
    )
    assert response.status_code == 409
    assert "Mijn versie" in response.content.decode()  # the typed text is not lost
    case.refresh_from_db()
    assert case.summary == "Door collega"


def test_a_future_date_is_refused_with_a_clear_message(worker_client, make_case):
    case = make_case()
    tomorrow = ages.today() + timedelta(days=1)
    response = worker_client.post(
        reverse("cases:add_note", args=[case.reference]),
        {"note-kind": "note", "note-happened_on": tomorrow.isoformat(), "note-text": "Later"},
    )
    assert response.status_code == 400
    assert tomorrow.isoformat() in response.content.decode()
    assert not case.notes.exists()


def test_search_before_create(worker_client, make_case):
    existing = make_case(name="Lisa Jansen")
    url = reverse("cases:new_case")
    found = worker_client.post(
        url, {"step": "search", "name": "lisa", "date_of_birth": "2000-01-01"}
    )
    assert existing.reference in found.content.decode()
    assert Case.objects.count() == 1  # searching creates nothing
    data = {"name": "Lisa de Boer", "date_of_birth": born_years_ago(15).isoformat()}
    unchecked = worker_client.post(url, data)
    assert unchecked.status_code == 200 and Case.objects.count() == 1
    created = worker_client.post(url, {**data, "checked_duplicates": "on"})
    assert created.status_code == 302
    assert Case.objects.count() == 2


def test_a_typed_name_never_stands_in_a_url(worker_client, make_case):
    """Searches are POSTs: no name in the address bar, the server's log or a Referer."""
    make_case(name="Lisa Jansen")
    for name in ("cases:caseload", "cases:new_case"):
        page = worker_client.get(reverse(name)).content.decode()
        assert 'method="get"' not in page
    found = worker_client.post(reverse("cases:caseload"), {"q": "Lisa"})
    assert "Lisa Jansen" in found.content.decode()


def test_open_a_case_from_a_chat_consent(worker_client, conversation, counsellor):
    consent = services.record_chat_consent(
        conversation=conversation,
        counsellor=counsellor,
        agreed_to="Mag gebeld worden",
        contact_details="06",
    )
    listing = worker_client.get(reverse("cases:chat_consents")).content.decode()
    assert reverse("cases:open_from_chat", args=[consent.pk]) in listing
    url = reverse("cases:open_from_chat", args=[consent.pk])
    assert "Mag gebeld worden" in worker_client.get(url).content.decode()
    response = worker_client.post(
        url, {"name": "Noor", "date_of_birth": born_years_ago(16).isoformat()}
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.consent == ChatConsent.objects.get()
    assert worker_client.get(url).status_code == 404  # a consent opens one case only


def test_the_partner_page_shows_only_the_shared_parts(
    case_worker, make_case, police, police_staff, police_officer
):
    case = make_case(name="Lisa", summary="Niet voor de politie")
    share = services.share_with_partner(
        case=case,
        by=case_worker,
        organisation=police,
        sections=["identity"],
        purpose="Aangifte",
        basis=Share.Basis.CONSENT,
        client_consents=True,
        valid_until=ages.today() + timedelta(days=10),
        access_point=AP,
    )
    client = verified_client(police_staff)
    inbox = client.get(reverse("sharing:partner_inbox")).content.decode()
    assert case.reference in inbox
    html = client.get(reverse("sharing:partner_share", args=[share.pk])).content.decode()
    assert "Lisa" in html and "Niet voor de politie" not in html
    response = client.post(reverse("sharing:partner_share", args=[share.pk]), {"text": "Gezien"})
    assert response.status_code == 302
    share.refresh_from_db()
    assert share.acknowledged_by == police_officer


def test_the_timeline_filters_by_kind(worker_client, make_case, case_worker):
    case = make_case()
    services.add_note(
        case=case,
        by=case_worker,
        text="Eerste gesprek",
        kind="contact",
        happened_on=ages.today(),
        access_point=AP,
    )
    services.add_note(
        case=case, by=case_worker, text="Tweede stap", happened_on=ages.today(), access_point=AP
    )
    url = reverse("cases:timeline", args=[case.reference])
    both = worker_client.get(url).content.decode()
    contacts = worker_client.get(url, {"kind": "contact"}).content.decode()
    assert "Eerste gesprek" in both and "Tweede stap" in both
    assert "Eerste gesprek" in contacts and "Tweede stap" not in contacts


def test_the_administrator_produces_a_client_access_report(
    staff_client, make_case, case_worker, worker_client
):
    case = make_case()
    other = make_case(name="Ander")
    page(worker_client, case)
    page(worker_client, other)
    client, _admin = staff_client(Role.ADMINISTRATOR)
    html = client.get(
        reverse("cases:client_access_report"), {"reference": case.reference}
    ).content.decode()
    assert case_worker.username in html
    assert other.reference not in html


def test_the_caseload_query_count_does_not_grow_with_cases(
    worker_client, make_case, django_assert_max_num_queries
):
    for n in range(8):
        make_case(name=f"Client {n}")
    with django_assert_max_num_queries(12):
        response = worker_client.get(reverse("cases:caseload"))
    assert response.content.decode().count("Client ") == 8


def test_every_field_on_the_case_page_has_its_own_id(worker_client, make_case, add_parent):
    import re
    from collections import Counter

    case = make_case(age=17, months=7)  # the transition plan shows, with its forms
    add_parent(case)
    ids = Counter(re.findall(r'\sid="([^"]+)"', page(worker_client, case)))
    assert [i for i, n in ids.items() if n > 1] == []


def test_the_case_shows_how_often_the_partner_looked(
    worker_client, make_case, case_worker, police, police_officer
):

    case = make_case()
    share = services.share_with_partner(
        case=case,
        by=case_worker,
        organisation=police,
        sections=["identity"],
        purpose="Aangifte",
        basis=Share.Basis.CONSENT,
        client_consents=True,
        valid_until=ages.today() + timedelta(days=10),
        access_point=AP,
    )
    for _ in range(2):
        sharing_selectors.read_share(
            share_id=share.pk, user=police_officer, role="partner", access_point=AP
        )
    assert "2×" in page(worker_client, case)


def test_a_professional_can_be_linked_to_their_partner_account(
    worker_client, make_case, police_officer
):
    case = make_case()
    response = worker_client.post(
        reverse("cases:add_person", args=[case.reference]),
        {
            "person-name": "Agent Jansen",
            "person-relation": "professional",
            "person-partner_user": str(police_officer.pk),
        },
    )
    assert response.status_code == 302
    assert case.people.get().partner_user == police_officer
    assert police_officer.display_name in page(worker_client, case)


def test_the_page_refuses_to_inform_a_flagged_parent_and_says_why(
    worker_client, make_case, add_parent
):
    case = make_case()
    father = add_parent(case, name="Vader", is_suspected_perpetrator=True)
    inform = worker_client.post(
        reverse("cases:inform_person", args=[case.reference, father.pk]),
        {"kind": "notification", "text": "Afspraak dinsdag"},
    )
    assert inform.status_code == 400
    assert "Geweigerd" in inform.content.decode()
    assert not father.disclosures.exists()
    unflag = worker_client.post(
        reverse("cases:person_flag", args=[case.reference, father.pk]),
        {"flagged": "0", "reason": ""},
    )
    assert unflag.status_code == 400
    assert "reden nodig" in unflag.content.decode()
    father.refresh_from_db()
    assert father.is_suspected_perpetrator
