"""The hard rule: a (suspected) perpetrator never receives anything and has no say.

Every path that could leak is tried: notification, information, share consent, the partner's
view of a share, a copy of the record (export), emergency contact, and the flag's own history.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.cases.conftest import AP
from vangnet.cases import ages, selectors, services
from vangnet.cases.models import Disclosure, PerpetratorFlagChange, Person
from vangnet.core.access import AccessDenied, Action, may
from vangnet.core.models import AccessLogEntry
from vangnet.sharing import selectors as sharing_selectors
from vangnet.sharing import services as sharing_services
from vangnet.sharing.models import Share

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(make_case, add_parent):
    """A 14-year-old; the father is a parent with authority and a suspected perpetrator."""
    case = make_case(age=14)
    mother = add_parent(case, name="Moeder")
    father = add_parent(case, name="Vader", is_suspected_perpetrator=True)
    return case, mother, father


def until() -> object:
    return ages.today() + timedelta(days=30)


def test_a_person_can_be_parent_and_suspected_perpetrator(family):
    _case, _mother, father = family
    assert father.relation == Person.Relation.PARENT_CARER
    assert father.has_parental_authority and father.is_suspected_perpetrator
    assert father.flag_changes.get().flagged


def test_no_notification_reaches_a_flagged_person(family, case_worker):
    case, mother, father = family
    assert services.notification_recipients(case) == [mother]
    with pytest.raises(services.PerpetratorRuleError, match="dader"):
        services.inform_person(
            person=father,
            by=case_worker,
            text="Afspraak dinsdag",
            kind=Disclosure.Kind.NOTIFICATION,
            access_point=AP,
        )
    with pytest.raises(services.PerpetratorRuleError):
        services.inform_person(person=father, by=case_worker, text="Uitleg", access_point=AP)
    services.inform_person(person=mother, by=case_worker, text="Uitleg", access_point=AP)
    assert list(Disclosure.objects.values_list("person", flat=True)) == [mother.pk]


def test_no_copy_of_the_record_for_a_flagged_parent(family, case_worker):
    case, mother, father = family
    with pytest.raises(services.PerpetratorRuleError):
        services.export_record_for_person(person=father, by=case_worker, access_point=AP)
    copy = services.export_record_for_person(person=mother, by=case_worker, access_point=AP)
    assert case.reference in copy
    assert not Disclosure.objects.filter(person=father).exists()
    assert AccessLogEntry.objects.filter(event=AccessLogEntry.Event.EXPORT).count() == 1


def test_a_flagged_parent_has_no_say_in_consent(family, case_worker, police):
    case, mother, father = family
    with pytest.raises(services.PerpetratorRuleError):
        services.share_with_partner(
            case=case,
            by=case_worker,
            organisation=police,
            sections=["identity"],
            purpose="Aangifte",
            basis=Share.Basis.CONSENT,
            valid_until=until(),
            client_consents=True,
            consenting_parents=[mother, father],
            access_point=AP,
        )
    assert not Share.objects.exists()
    # The flagged father's consent is not needed either: the mother's is enough.
    share = services.share_with_partner(
        case=case,
        by=case_worker,
        organisation=police,
        sections=["identity"],
        purpose="Aangifte",
        basis=Share.Basis.CONSENT,
        valid_until=until(),
        client_consents=True,
        consenting_parents=[mother],
        access_point=AP,
    )
    assert [c.person for c in share.consents.all()] == [None, mother]


def test_a_flagged_person_never_sees_a_shared_record(family, case_worker, police, make_staff):
    """A police officer who is also the suspected perpetrator cannot open the share."""
    from vangnet.core.roles import Role

    case, _mother, _father = family
    officer = make_staff(Role.PARTNER, organisation="Politie").user
    colleague = make_staff(Role.PARTNER, organisation="Politie").user
    suspect = services.add_person(
        case=case,
        by=case_worker,
        access_point=AP,
        name="Oom",
        relation=Person.Relation.OTHER_FAMILY,
        partner_user=officer,
    )
    share = services.share_with_partner(
        case=case,
        by=case_worker,
        organisation=police,
        sections=["summary"],
        purpose="Onderzoek",
        basis=Share.Basis.MELDCODE,
        basis_detail="Stap 5 meldcode",
        valid_until=until(),
        access_point=AP,
    )
    assert may(officer, Action.PARTNER_SHARES, share)
    services.set_perpetrator_flag(
        person=suspect, by=case_worker, flagged=True, reason="", access_point=AP
    )
    assert not may(officer, Action.PARTNER_SHARES, share)
    assert sharing_selectors.partner_inbox(user=officer) == []
    with pytest.raises(AccessDenied):
        sharing_selectors.read_share(
            share_id=share.pk, user=officer, role="partner", access_point=AP
        )
    with pytest.raises(AccessDenied):
        sharing_services.respond_to_share(share=share, by=officer, text="gezien", access_point=AP)
    # The officer's colleague, who is not involved, still sees it.
    assert sharing_selectors.partner_inbox(user=colleague) == [share]


def test_a_flagged_person_is_no_emergency_contact(family, case_worker):
    case, mother, father = family
    with pytest.raises(services.PerpetratorRuleError):
        services.add_emergency_contact(
            case=case, by=case_worker, name="", phone="06", person=father, access_point=AP
        )
    contact = services.add_emergency_contact(
        case=case, by=case_worker, name="", phone="06-2", person=mother, access_point=AP
    )
    assert contact.name == "Moeder"


def test_removing_the_flag_needs_a_reason_and_is_logged(family, case_worker):
    case, _mother, father = family
    with pytest.raises(services.CaseError, match="reden nodig"):
        services.set_perpetrator_flag(
            person=father, by=case_worker, flagged=False, reason=" ", access_point=AP
        )
    father.refresh_from_db()
    assert father.is_suspected_perpetrator
    services.set_perpetrator_flag(
        person=father,
        by=case_worker,
        flagged=False,
        reason="Verdenking weerlegd door politieonderzoek",
        access_point=AP,
    )
    assert not father.is_suspected_perpetrator
    change = PerpetratorFlagChange.objects.filter(person=father).last()
    assert change is not None and not change.flagged
    assert change.reason == "Verdenking weerlegd door politieonderzoek"
    assert AccessLogEntry.objects.filter(
        client_ref=case.reference,
        detail="perpetrator flag removed",
        username=case_worker.username,
    ).exists()
    timeline = selectors.case_timeline(
        case=case, user=case_worker, role="", access_point=AP, kinds={"person"}
    )
    assert any("Dadermarkering weggehaald" in e.title and e.warning for e in timeline)


def test_the_flagged_person_is_warned_about_wherever_they_appear(family, case_worker):
    case, _mother, father = family
    overview = selectors.open_case_record(case=case, user=case_worker, role="", access_point=AP)
    assert overview.flagged_people == [father]
    entries = selectors.case_timeline(
        case=case, user=case_worker, role="", access_point=AP, kinds={"person"}
    )
    assert [e.warning for e in entries if "Vader" in e.title] == [True, True]


def test_a_flagged_parent_gets_no_parent_track(family, case_worker):
    from tests.cases.conftest import born_years_ago

    case, mother, father = family
    with pytest.raises(services.PerpetratorRuleError):
        services.open_parent_case(
            child_case=case,
            person=father,
            by=case_worker,
            date_of_birth=born_years_ago(45),
            access_point=AP,
        )
    own = services.open_parent_case(
        child_case=case,
        person=mother,
        by=case_worker,
        date_of_birth=born_years_ago(44),
        access_point=AP,
    )
    assert own.child_case == case
    flagged = services.set_perpetrator_flag(
        person=mother, by=case_worker, flagged=True, reason="", access_point=AP
    )
    own.refresh_from_db()
    assert own.child_case is None  # the parent track no longer leads into the child's case
    assert any("ouderdossier" in line for line in flagged.removed_by_flag)
    overview = selectors.open_case_record(case=own, user=case_worker, role="", access_point=AP)
    assert overview.child_case_person_flagged
