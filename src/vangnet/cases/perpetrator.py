"""The perpetrator rule as an invariant: one place that says who may appear where.

A person flagged as (suspected) perpetrator never receives information, never has a say in
consent, is nobody's emergency contact and is no one's link into the client's case. Flagging
calls `remove_everywhere` inside the flag's own transaction; every output for partners or
parents (snapshots, exports, the partner's view of an older share) passes `filter_output`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vangnet.cases.models import Case, EmergencyContact, Person, Share, ShareConsent


def flagged_ids(case: Case) -> set[int]:
    return set(
        Person.objects.filter(case=case, is_suspected_perpetrator=True).values_list("pk", flat=True)
    )


def active_emergency_contacts(case: Case) -> QuerySet[EmergencyContact]:
    """The emergency contacts that count: never one linked to a flagged person."""
    return case.emergency_contacts.filter(ended_at=None).exclude(
        person__is_suspected_perpetrator=True
    )


def counting_consents(share: Share) -> QuerySet[ShareConsent]:
    return share.consents.filter(void_at=None).exclude(person__is_suspected_perpetrator=True)


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
    consents = ShareConsent.objects.filter(person=person, void_at=None)
    running = consents.filter(share__revoked_at=None).count()
    if consents.update(void_at=now) and running:
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


def filter_output(case: Case, data: dict[str, Any]) -> dict[str, Any]:
    """The one filter for every snapshot and export: drop flagged people where they'd gain.

    Works on data built now and on snapshots frozen before a flag was set (their entries carry
    the person's id under "person_id", which is removed here before anyone sees it).
    """
    flagged = flagged_ids(case)
    clean = dict(data)
    safety = clean.get("safety")
    if isinstance(safety, dict):
        contacts = [
            {k: v for k, v in c.items() if k != "person_id"}
            for c in safety.get("emergency_contacts", [])
            if c.get("person_id") not in flagged
        ]
        clean["safety"] = {**safety, "emergency_contacts": contacts}
    people = clean.get("people")
    if isinstance(people, list):
        # Partners may learn who is suspected; the flag shown is always today's.
        clean["people"] = [
            {
                **{k: v for k, v in p.items() if k != "person_id"},
                "suspected_perpetrator": (
                    p["person_id"] in flagged
                    if "person_id" in p
                    else bool(p.get("suspected_perpetrator"))
                ),
            }
            for p in people
        ]
    return clean
