"""Need-to-know for cases (issue 9, finding 11): a case worker opens the cases they hold; any
other case only through the noodprocedure, which asks a reason, is marked in the access log,
and shows up for supervisors and in the client's who-looked report."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.cases.conftest import AP
from tests.conftest import verified_client
from vangnet.cases import selectors, services
from vangnet.cases.models import EmergencyAccess
from vangnet.core.access import AccessDenied, Action, may
from vangnet.core.models import AccessLogEntry
from vangnet.core.roles import Role

pytestmark = pytest.mark.django_db


def test_a_colleague_cannot_open_or_change_a_case_they_do_not_hold(make_case, colleague):
    case = make_case()
    assert not may(colleague, Action.CASE_WORK, case)
    with pytest.raises(selectors.NeedToKnow):
        selectors.get_case(reference=case.reference, user=colleague)
    with pytest.raises(AccessDenied):
        services.add_goal(case=case, by=colleague, text="Doel", access_point=AP)
    assert not case.goals.exists()


def test_the_holder_and_the_opener_may(make_case, case_worker, colleague):
    case = make_case(caregiver=colleague)  # opened by case_worker, cared for by colleague
    assert may(colleague, Action.CASE_WORK, case)
    assert may(case_worker, Action.CASE_WORK, case)


def test_the_noodprocedure_asks_a_reason_and_changes_nothing_without_one(make_staff, make_case):
    case = make_case()
    staff = make_staff(Role.CASE_WORKER)
    client = verified_client(staff)
    detail = reverse("cases:case_detail", args=[case.reference])
    emergency = reverse("cases:emergency_access", args=[case.reference])
    sent = client.get(detail, follow=True)
    assert sent.redirect_chain[-1][0] == emergency
    page = sent.content.decode()
    assert "noodprocedure" in page and "Lisa" not in page
    refused = client.post(emergency, {"reason": "  "})
    assert refused.status_code == 400
    assert "Geef aan waarom" in refused.content.decode()
    assert not EmergencyAccess.objects.exists()
    opened = client.post(emergency, {"reason": "Cliënt belt suïcidaal, casemanager ziek"})
    assert opened.status_code == 302 and opened["Location"] == detail
    page = client.get(detail).content.decode()
    assert "Lisa" in page and "via de noodprocedure geopend" in page
    grant = EmergencyAccess.objects.get()
    assert grant.reason == "Cliënt belt suïcidaal, casemanager ziek"
    mine = AccessLogEntry.objects.filter(username=staff.user.username, client_ref=case.reference)
    assert {e.event for e in mine} >= {"case.emergency", "case.open"}
    assert all(e.emergency for e in mine)


def test_supervisors_and_the_client_report_see_the_noodprocedure(make_case, colleague, make_staff):
    case = make_case()
    services.open_by_emergency(case=case, by=colleague, reason="Acuut gevaar", access_point=AP)
    supervisor = verified_client(make_staff(Role.SUPERVISOR))
    review = supervisor.get(reverse("cases:emergency_review")).content.decode()
    assert "Acuut gevaar" in review and case.reference in review and colleague.username in review
    admin = verified_client(make_staff(Role.ADMINISTRATOR))
    report = admin.get(reverse("cases:client_access_report"), {"reference": case.reference})
    rows = [e for e in report.context["entries"] if e.username == colleague.username]
    assert rows and all(e.emergency for e in rows)
    assert (
        verified_client(make_staff(Role.COUNSELLOR))
        .get(reverse("cases:emergency_review"))
        .status_code
        == 403
    )


def test_lists_and_searches_name_only_cases_in_ones_care(make_case, make_staff):
    make_case(name="Lisa Jansen")
    client = verified_client(make_staff(Role.CASE_WORKER))
    listing = client.get(reverse("cases:caseload"), {"all": "1"}).content.decode()
    assert "Lisa" not in listing and "niet aan jou toegewezen" in listing
    by_name = client.post(reverse("cases:caseload") + "?all=1", {"q": "Lisa"}).content.decode()
    assert "niet aan jou toegewezen" not in by_name  # no finding cases by name one cannot see
    search = client.post(
        reverse("cases:new_case"), {"step": "search", "name": "a", "date_of_birth": "2001-01-01"}
    )
    found = search.content.decode()
    assert "Lisa" not in found and "niet aan jou toegewezen" in found  # exists, name withheld


def test_a_refusal_by_the_policy_is_in_the_access_log(url_share, make_staff):
    """A partner of another organisation probing a share id shows up for the administrator."""
    probe = make_staff(Role.PARTNER, organisation="Veilig Thuis")
    client = verified_client(probe)
    assert client.get(reverse("sharing:partner_share", args=[url_share.pk])).status_code == 403
    counsellor = verified_client(make_staff(Role.COUNSELLOR))
    assert counsellor.get(reverse("cases:caseload")).status_code == 403
    refused = AccessLogEntry.objects.filter(event="access.denied")
    assert {(e.username, e.access_point) for e in refused} >= {
        (probe.user.username, "web:sharing:partner_share"),
    }
    assert refused.count() == 2


@pytest.fixture
def url_share(make_case, case_worker, police):
    from datetime import timedelta

    from vangnet.cases import ages
    from vangnet.sharing.models import Share

    return services.share_with_partner(
        case=make_case(),
        by=case_worker,
        organisation=police,
        sections=["identity"],
        purpose="Test",
        basis=Share.Basis.MELDCODE,
        basis_detail="Meldcode",
        access_point=AP,
        valid_until=ages.today() + timedelta(days=5),
    )
