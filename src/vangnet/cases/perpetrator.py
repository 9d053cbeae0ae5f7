"""The perpetrator rule as an invariant: one place that says who may appear where.

A person flagged as (suspected) perpetrator never receives information, never has a say in
consent, is nobody's emergency contact and is no one's link into the client's case. Flagging
calls `remove_everywhere` inside the flag's own transaction (it voids the person's consents to
shares through `vangnet.sharing.services.void_consents_of`); every output for partners or
parents (snapshots, exports, the partner's view of an older share) passes the one output filter,
`vangnet.sharing.snapshot.filter_output`, and the partner's object rule
(`vangnet.sharing.policy.partner_may_see_share`) shuts out a flagged partner user.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vangnet.cases.models import Case, EmergencyContact, Person
from vangnet.sharing.services import void_consents_of


def active_emergency_contacts(case: Case) -> QuerySet[EmergencyContact]:
    """The emergency contacts that count: never one linked to a flagged person."""
    return case.emergency_contacts.filter(ended_at=None).exclude(
        person__is_suspected_perpetrator=True
    )


def remove_everywhere(person: Person) -> list[str]:
    """End every place a newly flagged person has; return what was removed, in words.

    Call inside the transaction that sets the flag.
    """
    now = timezone.now()
    removed: list[str] = []
    contacts = EmergencyContact.objects.filter(person=person, ended_at=None).update(ended_at=now)
    if contacts:
        removed.append(
            ngettext(
                "removed as emergency contact",
                "removed as emergency contact (%(count)d entries)",
                contacts,
            )
            % {"count": contacts}
        )
    running = void_consents_of(person)
    if running:
        removed.append(
            ngettext(
                "their consent to %(count)d running share no longer counts: check its basis",
                "their consent to %(count)d running shares no longer counts: check their basis",
                running,
            )
            % {"count": running}
        )
    own_cases = Case.objects.filter(child_case_person=person, child_case__isnull=False)
    if own_cases.update(child_case=None):
        removed.append(_("their own parent case is no longer linked to this client's case"))
    if person.partner_user_id is not None:
        removed.append(_("their partner account no longer sees any share of this case"))
    removed.append(_("they receive no notifications or information from now on"))
    return removed
