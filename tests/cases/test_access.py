"""Every cases URL × every role (and no login): who may see what.

A new URL must be added to GET_PAGES or POST_ONLY below, so no page can escape this test.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import URLPattern, reverse

from tests.cases.conftest import AP
from tests.conftest import verified_client
from vangnet.cases import ages, meldcode, rights, services
from vangnet.cases import urls as case_urls
from vangnet.cases.models import Person, TransitionTask
from vangnet.core.access import ROLE_ACTIONS, Action
from vangnet.core.roles import Role
from vangnet.sharing import urls as sharing_urls
from vangnet.sharing.models import Share

pytestmark = pytest.mark.django_db

GET_PAGES = {
    "caseload",
    "new_case",
    "chat_consents",
    "open_from_chat",
    "partner_inbox",
    "partner_share",
    "client_access_report",
    "case_detail",
    "timeline",
    "share_case",
    "emergency_access",
    "emergency_review",
    "meldcode_overview",
    "meldcode_case",
    "meldcode_track",
    "client_rights",
    "erasure_requests",
}
# Pages of one case: need-to-know applies (its holder, or the noodprocedure).
NEED_TO_KNOW = {"reference"}
# Pages whose object rule asks more than the view's action: a case's meldcode track is for
# those who may work the case.
CASE_OBJECT_RULE = {"meldcode_case", "meldcode_track"}
POST_ONLY = {
    "edit_case",
    "close_case",
    "add_person",
    "person_flag",
    "inform_person",
    "parent_case",
    "change_phase",
    "change_caregiver",
    "add_goal",
    "goal_status",
    "add_note",
    "complete_task",
    "add_threat",
    "add_safety_measure",
    "add_emergency_contact",
    "revoke_share",
    "meldcode_chat_start",
    "decide_erasure",
    "legal_hold",
}


@pytest.fixture
def url_kwargs(make_case, add_parent, case_worker, police, conversation, counsellor):
    case = make_case(age=17)
    parent = add_parent(case)
    goal = services.add_goal(case=case, by=case_worker, text="Doel", access_point=AP)
    share = services.share_with_partner(
        case=case,
        by=case_worker,
        organisation=police,
        sections=["identity"],
        purpose="Test",
        basis=Share.Basis.MELDCODE,
        basis_detail="Meldcode",
        access_point=AP,
        valid_until=ages.today() + timedelta(days=5),
    )
    consent = services.record_chat_consent(
        conversation=conversation, counsellor=counsellor, agreed_to="Ja", contact_details=""
    )
    track = meldcode.start_track(by=case_worker, case=case, reason="Zorg", access_point=AP)
    erasure_request = rights.register_erasure_request(
        case=case, by=case_worker, request="Wis alles", access_point=AP
    )
    return {
        "request_id": erasure_request.pk,
        "track_id": track.pk,
        "public_id": conversation.public_id,
        "reference": case.reference,
        "person_id": parent.pk,
        "goal_id": goal.pk,
        "task_id": TransitionTask.objects.filter(case=case).first().pk,
        "share_id": share.pk,
        "consent_id": consent.pk,
    }


APPS = {"cases": case_urls.urlpatterns, "sharing": sharing_urls.urlpatterns}


def urls_with(kwargs: dict) -> dict[str, tuple[str, object]]:
    """Every named page of the cases and sharing apps (the unnamed ones are old redirects)."""
    found = {}
    for app, patterns in APPS.items():
        for pattern in patterns:
            assert isinstance(pattern, URLPattern)
            if pattern.name is None:
                continue
            needed = {k: kwargs[k] for k in pattern.pattern.converters}
            url = reverse(f"{app}:{pattern.name}", kwargs=needed)
            found[pattern.name] = (url, pattern.callback)
    return found


def test_the_partners_old_addresses_lead_to_the_new_ones(url_kwargs, police_staff):
    """Bookmarks from before sharing became its own app still arrive (and are still guarded)."""
    share_id = url_kwargs["share_id"]
    assert Client().get("/staff/cases/partner/").status_code == 302  # to the login first
    client = verified_client(police_staff)
    old = client.get("/staff/cases/partner/")
    assert old.status_code == 301 and old["Location"] == reverse("sharing:partner_inbox")
    old = client.get(f"/staff/cases/partner/{share_id}/")
    assert old.status_code == 301
    assert old["Location"] == reverse("sharing:partner_share", args=[share_id])


def test_every_url_is_listed_and_guarded(url_kwargs):
    urls = urls_with(url_kwargs)
    assert set(urls) == GET_PAGES | POST_ONLY
    for name, (_url, view) in urls.items():
        assert hasattr(view, "staff_action"), f"{name} is not wrapped in staff_view"


def _of_one_case(name: str) -> bool:
    pattern = next(p for p in [*case_urls.urlpatterns, *sharing_urls.urlpatterns] if p.name == name)
    return "reference" in pattern.pattern.converters and name != "emergency_access"


@pytest.mark.parametrize("role", [None, *Role])
def test_every_url_for_every_role(role, url_kwargs, make_staff):
    """Everyone but the case's holder: a colleague case worker is sent to the noodprocedure."""
    urls = urls_with(url_kwargs)
    if role is None:
        client = Client()
    else:
        client = verified_client(make_staff(role, organisation="Politie"))
    for name, (url, view) in urls.items():
        allowed = role is not None and view.staff_action in ROLE_ACTIONS[role]
        if name in CASE_OBJECT_RULE and role is not None:
            # Only for those who may work the case: never a colleague without the noodprocedure.
            allowed = allowed and Action.CASE_WORK in ROLE_ACTIONS[role] and _of_one_case(name)
        got = client.get(url)
        if role is None:
            assert got.status_code == 302 and "/staff/login/" in got["Location"], name
        elif not allowed:
            assert got.status_code == 403, (name, role)
            assert client.post(url).status_code == 403, (name, role)
        elif _of_one_case(name):
            emergency = reverse("cases:emergency_access", args=[url_kwargs["reference"]])
            if name in POST_ONLY:
                assert got.status_code == 405, (name, role)
            else:
                assert got.status_code == 302 and got["Location"] == emergency, (name, role)
            posted = client.post(url)
            assert posted.status_code == 302 and posted["Location"] == emergency, (name, role)
        elif name in POST_ONLY:
            assert got.status_code == 405, (name, role)
        else:
            assert got.status_code == 200, (name, role, got.status_code)


def test_every_url_for_the_holder_of_the_case(url_kwargs, worker_client):
    """The case worker who holds the case (own): every page of it opens."""
    for name, (url, _view) in urls_with(url_kwargs).items():
        if name in {
            "partner_inbox",
            "partner_share",
            "client_access_report",
            "emergency_review",
            "meldcode_overview",
            "erasure_requests",
            "decide_erasure",
        }:
            continue
        got = worker_client.get(url)
        expected = 405 if name in POST_ONLY else 200
        assert got.status_code == expected, (name, got.status_code)


def test_a_partner_of_another_organisation_cannot_open_the_share(url_kwargs, make_staff):
    client = verified_client(make_staff(Role.PARTNER, organisation="Veilig Thuis"))
    url = reverse("sharing:partner_share", args=[url_kwargs["share_id"]])
    assert client.get(url).status_code == 403
    assert client.post(url, {"text": "hallo"}).status_code == 403
    assert Share.objects.get().acknowledged_at is None


def test_a_partner_linked_to_a_flagged_person_gets_403(url_kwargs, make_staff, case_worker):
    officer = make_staff(Role.PARTNER, organisation="Politie")
    person = Person.objects.get(pk=url_kwargs["person_id"])
    Person.objects.filter(pk=person.pk).update(partner_user=officer.user)
    services.set_perpetrator_flag(
        person=person, by=case_worker, flagged=True, reason="", access_point=AP
    )
    client = verified_client(officer)
    share_url = reverse("sharing:partner_share", args=[url_kwargs["share_id"]])
    assert client.get(share_url).status_code == 403
    assert (
        url_kwargs["reference"] not in client.get(reverse("sharing:partner_inbox")).content.decode()
    )


def test_unknown_records_are_404_for_case_workers(staff_client):
    client, _user = staff_client(Role.CASE_WORKER)
    assert client.get(reverse("cases:case_detail", args=["VN-NOSUCH1"])).status_code == 404
    assert client.get(reverse("cases:open_from_chat", args=[999])).status_code == 404
