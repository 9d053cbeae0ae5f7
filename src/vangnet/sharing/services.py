"""The use cases of a share itself: its terms, recording it, revoking it, the partner's answer.

Deciding *that* a case is shared (who may, the client's and parents' consent, which parts of
the case and what they contain) is the case's business: cases.services.share_with_partner
checks that and then records the share here. This module knows the case only through the
share's foreign key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from vangnet.core import envelope
from vangnet.core.access import Action, require
from vangnet.core.audit import log_access
from vangnet.core.models import AccessLogEntry
from vangnet.sharing import snapshot
from vangnet.sharing.models import PartnerOrganisation, Section, Share, ShareConsent, ShareResponse
from vangnet.sharing.policy import today

if TYPE_CHECKING:
    from vangnet.accounts.models import User

Event = AccessLogEntry.Event


class ShareError(Exception):
    """The terms of a share are refused; the message is safe and meant for the user."""


@dataclass(frozen=True)
class Terms:
    """The checked terms of a share: the parts in their fixed order, purpose, basis, end date."""

    sections: list[str]
    purpose: str
    basis: str
    basis_detail: str
    valid_until: date


def check_terms(
    *,
    sections: Sequence[str],
    purpose: str,
    basis: str,
    basis_detail: str,
    valid_until: date,
    with_consents: bool,
) -> Terms:
    """Every share: at least one known part, a purpose, a future end date, a known basis.

    A legal ground is explained in words and records no consent.
    """
    chosen = [s for s in Section.values if s in set(sections)]
    if not chosen or len(chosen) != len(set(sections)):
        raise ShareError(_("Choose at least one part of the case to share."))
    purpose = (purpose or "").strip()
    if not purpose:
        raise ShareError(_("State the purpose of sharing."))
    if valid_until <= today():
        raise ShareError(_("The end date of a share must be after today."))
    basis_detail = (basis_detail or "").strip()
    if basis in (Share.Basis.MELDCODE, Share.Basis.LEGAL_OTHER):
        if with_consents:
            raise ShareError(_("Consent is not recorded for a share on a legal ground."))
        if not basis_detail:
            raise ShareError(_("Explain the legal ground."))
    elif basis != Share.Basis.CONSENT:
        raise ShareError(_("Choose the basis for sharing from the list."))
    return Terms(chosen, purpose, basis, basis_detail, valid_until)


def record_share(
    *,
    case: Any,
    by: User,
    organisation: PartnerOrganisation,
    terms: Terms,
    data: dict[str, Any],
    client_consents: bool = False,
    consenting_people: Sequence[Any] = (),
) -> Share:
    """Store the share with its frozen snapshot and, on consent, who consented.

    The caller has checked the policy and the consent, inside its own transaction.
    """
    share = Share.objects.create(
        case=case,
        organisation=organisation,
        sections=terms.sections,
        snapshot=snapshot.freeze(data),
        purpose=terms.purpose,
        basis=terms.basis,
        basis_detail=terms.basis_detail,
        valid_until=terms.valid_until,
        created_by=by,
    )
    if terms.basis == Share.Basis.CONSENT:
        consents = [ShareConsent(share=share, person=None)] if client_consents else []
        consents += [ShareConsent(share=share, person=p) for p in consenting_people]
        ShareConsent.objects.bulk_create(consents)
    return share


def revoke(*, share: Share, by: User, reason: str) -> Share:
    """End a share now; the partner no longer sees it. The caller checked the policy."""
    if share.revoked_at is not None:
        raise ShareError(_("This share was already revoked."))
    reason = (reason or "").strip()
    if not reason:
        raise ShareError(_("Write down why the share is revoked."))
    with envelope.sealing_for(share.case):
        Share.objects.filter(pk=share.pk).update(
            revoked_at=timezone.now(), revoked_by=by, revoke_reason=reason
        )
    share.refresh_from_db()
    return share


def counting_consents(share: Share) -> QuerySet[ShareConsent]:
    """The consents that still count: not made void, never a flagged person's."""
    return share.consents.filter(void_at=None).exclude(person__is_suspected_perpetrator=True)


def void_consents_of(person: Any) -> int:
    """Make a newly flagged person's consents void; return how many running shares it touched.

    Called by the perpetrator invariant (cases.perpetrator), inside the flag's transaction.
    """
    consents = ShareConsent.objects.filter(person=person, void_at=None)
    running = consents.filter(share__revoked_at=None).count()
    consents.update(void_at=timezone.now())
    return running


def respond_to_share(
    *, share: Share, by: User, text: str, access_point: str
) -> ShareResponse | None:
    """The partner acknowledges receipt, optionally with a response for the case worker."""
    role = require(by, Action.PARTNER_SHARES, share)
    text = (text or "").strip()
    if share.acknowledged_at is None:
        Share.objects.filter(pk=share.pk).update(acknowledged_at=timezone.now(), acknowledged_by=by)
        share.refresh_from_db()
    response = ShareResponse.objects.create(share=share, author=by, text=text) if text else None
    log_access(
        user=by,
        event=Event.SHARE_RESPOND,
        role=role,
        access_point=access_point,
        record_type="share",
        record_id=share.pk,
        client_ref=share.case.reference,
        on_behalf_of=by.organisation,
        detail="acknowledged" + (" with response" if text else ""),
    )
    return response
