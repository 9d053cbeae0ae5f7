"""The perpetrator rule as an invariant: whatever happened to a case, in whatever order, no
flagged person appears in any output the rule covers.

The example test is issue 9's reproduction; the property test generates case graphs (people
with several roles, flags set and cleared in any order, shares before and after).
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cases.conftest import AP, born_years_ago
from vangnet.cases import ages, perpetrator, selectors, services
from vangnet.cases.models import Case, Person
from vangnet.core.access import Action, may
from vangnet.core.roles import Role
from vangnet.sharing.models import Share
from vangnet.sharing.services import counting_consents
from vangnet.sharing.snapshot import filter_output

pytestmark = pytest.mark.django_db


def _share(case: Case, by: Any, organisation: Any, *, parents: list[Person] = ()) -> Share:
    common = dict(
        case=case,
        by=by,
        organisation=organisation,
        sections=["identity", "people", "safety"],
        purpose="Veiligheid",
        valid_until=ages.today() + timedelta(days=30),
        access_point=AP,
    )
    if parents:
        return services.share_with_partner(
            basis=Share.Basis.CONSENT, client_consents=True, consenting_parents=parents, **common
        )
    return services.share_with_partner(basis=Share.Basis.MELDCODE, basis_detail="Stap 5", **common)


def _partner_view(share: Share) -> dict[str, Any]:
    return filter_output(share.case, json.loads(share.snapshot))


def test_flagging_an_emergency_contact_removes_them_with_a_notice(
    make_case, add_parent, case_worker, police
):
    """Issue 9, finding 1: an emergency contact who is then flagged stayed, and was shared."""
    case = make_case(age=15)
    uncle = services.add_person(
        case=case, by=case_worker, access_point=AP, name="Oom Kees", relation="other_family"
    )
    services.add_emergency_contact(
        case=case, by=case_worker, name="", phone="06-11112222", person=uncle, access_point=AP
    )
    before = _share(case, case_worker, police)
    flagged = services.set_perpetrator_flag(
        person=uncle, by=case_worker, flagged=True, reason="", access_point=AP
    )
    assert any("noodcontact" in line for line in flagged.removed_by_flag)
    assert list(perpetrator.active_emergency_contacts(case)) == []
    after = _share(case, case_worker, police)
    for share in (before, after):
        text = json.dumps(_partner_view(share), ensure_ascii=False)
        assert "06-11112222" not in text
        assert "person_id" not in text
    people = _partner_view(after)["people"]
    assert [p["suspected_perpetrator"] for p in people if p["name"] == "Oom Kees"] == [True]
    # The case page lists no ended contact either.
    overview = selectors.open_case_record(case=case, user=case_worker, role="", access_point=AP)
    assert overview.emergency_contacts == []


def test_the_flag_page_tells_what_was_removed(worker_client, make_case, case_worker):
    case = make_case(age=15)
    uncle = services.add_person(
        case=case, by=case_worker, access_point=AP, name="Oom", relation="other_family"
    )
    services.add_emergency_contact(
        case=case, by=case_worker, name="", phone="06-1", person=uncle, access_point=AP
    )
    url = f"/staff/cases/{case.reference}/people/{uncle.pk}/flag/"
    page = worker_client.post(url, {"flagged": "1", "reason": ""}, follow=True)
    assert page.status_code == 200
    assert "noodcontact" in page.content.decode()


# --- the property ----------------------------------------------------------------------------

person_spec = st.fixed_dictionaries(
    {
        "parent": st.booleans(),
        "authority": st.booleans(),
        "partner": st.booleans(),
        "contact": st.booleans(),
    }
)
step = st.one_of(
    st.tuples(st.just("flag"), st.integers(0, 3)),
    st.tuples(st.just("unflag"), st.integers(0, 3)),
    st.tuples(st.just("contact"), st.integers(0, 3)),
    st.tuples(st.just("share"), st.booleans()),
    st.tuples(st.just("parent_case"), st.integers(0, 3)),
)


@pytest.fixture
def officers(make_staff, police) -> list[Any]:
    return [make_staff(Role.PARTNER, organisation="Politie").user for _ in range(2)]


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(people=st.lists(person_spec, min_size=1, max_size=4), steps=st.lists(step, max_size=10))
def test_no_flagged_person_in_any_covered_output(
    people, steps, make_case, case_worker, police, officers
):
    case = make_case(age=17)
    persons: list[Person] = []
    for i, spec in enumerate(people):
        partner_user = officers[i % 2] if spec["partner"] else None
        person = services.add_person(
            case=case,
            by=case_worker,
            access_point=AP,
            name=f"Persoon {i}",
            relation="parent_carer" if spec["parent"] else "other_family",
            has_parental_authority=spec["authority"],
            partner_user=partner_user,
        )
        persons.append(person)
        if spec["contact"]:
            services.add_emergency_contact(
                case=case,
                by=case_worker,
                name="",
                phone=f"06-{i}0{i}",
                person=person,
                access_point=AP,
            )
    shares: list[Share] = []
    for kind, arg in steps:
        try:
            if kind in {"flag", "unflag", "contact", "parent_case"}:
                person = persons[arg % len(persons)]
                person.refresh_from_db()
            if kind == "flag":
                services.set_perpetrator_flag(
                    person=person, by=case_worker, flagged=True, reason="", access_point=AP
                )
            elif kind == "unflag":
                services.set_perpetrator_flag(
                    person=person,
                    by=case_worker,
                    flagged=False,
                    reason="Weerlegd",
                    access_point=AP,
                )
            elif kind == "contact":
                services.add_emergency_contact(
                    case=case,
                    by=case_worker,
                    name="",
                    phone=f"06-{person.pk}",
                    person=person,
                    access_point=AP,
                )
            elif kind == "parent_case":
                services.open_parent_case(
                    child_case=case,
                    person=person,
                    by=case_worker,
                    date_of_birth=born_years_ago(40),
                    access_point=AP,
                )
            else:
                parents = (
                    list(
                        case.people.filter(
                            has_parental_authority=True, is_suspected_perpetrator=False
                        )
                    )
                    if arg
                    else []
                )
                shares.append(_share(case, case_worker, police, parents=parents))
        except services.CaseError:
            pass  # refused by the rule (or not applicable): nothing may have changed
    for person in Person.objects.filter(case=case, is_suspected_perpetrator=True):
        assert person not in services.notification_recipients(case)
        assert not perpetrator.active_emergency_contacts(case).filter(person=person).exists()
        assert not Case.objects.filter(child_case_person=person, child_case=case).exists()
        with pytest.raises(services.PerpetratorRuleError):
            services.export_record_for_person(person=person, by=case_worker, access_point=AP)
        for share in Share.objects.filter(case=case):
            assert not counting_consents(share).filter(person=person).exists()
            if person.partner_user is not None:
                assert not may(person.partner_user, Action.PARTNER_SHARES, share)
            view = _partner_view(share)
            contacts = view.get("safety", {}).get("emergency_contacts", [])
            flagged_phones = {c.phone for c in case.emergency_contacts.filter(person=person)}
            assert not flagged_phones & {c["phone"] for c in contacts}
            named = [p for p in view.get("people", []) if p["name"] == person.name]
            assert all(p["suspected_perpetrator"] for p in named)
