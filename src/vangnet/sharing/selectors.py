"""Reads of shares: the partner's inbox and record (each look logged), the case worker's list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Max
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from vangnet.core.access import AccessDenied, Action, may
from vangnet.core.audit import log_access
from vangnet.core.models import AccessLogEntry
from vangnet.sharing import snapshot
from vangnet.sharing.models import PartnerOrganisation, Share
from vangnet.sharing.policy import partner_may_see_share, today

if TYPE_CHECKING:
    from vangnet.accounts.models import User

Event = AccessLogEntry.Event


def organisations() -> list[PartnerOrganisation]:
    return list(PartnerOrganisation.objects.all())


def shares_of_case(case: Any) -> list[Share]:
    """Every share of a case, newest first, with who made it, the consents and the responses."""
    return list(
        Share.objects.filter(case=case)
        .select_related("organisation", "created_by")
        .prefetch_related("responses__author", "consents__person")
    )


def share_views(case: Any) -> dict[int, tuple[int, datetime]]:
    """Per share: how often the partner looked, and when last (from the access log)."""
    rows = (
        AccessLogEntry.objects.filter(
            client_ref=case.reference, record_type="share", event=Event.SHARE_VIEW
        )
        .values("record_id")
        .annotate(count=Count("id"), last=Max("at"))
    )
    return {int(row["record_id"]): (row["count"], row["last"]) for row in rows}


def partner_inbox(*, user: User) -> list[Share]:
    """Shares with the user's organisation that still run and that this user may see."""
    if not user.organisation:
        return []
    shares = Share.objects.filter(
        organisation__name=user.organisation,
        revoked_at=None,
        valid_until__gte=today(),
    ).select_related("organisation", "case")
    return [s for s in shares if partner_may_see_share(user, s)]


@dataclass(frozen=True)
class SharedRecord:
    share: Share
    data: dict[str, Any]


def shares_for_partner(*, share_id: int, user: User) -> Share:
    """A share the partner user may see now; AccessDenied otherwise (revoked, ended, flagged)."""
    share = get_object_or_404(Share.objects.select_related("organisation", "case"), pk=share_id)
    if not may(user, Action.PARTNER_SHARES, share):
        raise AccessDenied(_("This share is not (or no longer) available to you."))
    return share


def read_share(*, share_id: int, user: User, role: str, access_point: str) -> SharedRecord:
    """Exactly what was shared, for the receiving partner only, while the share runs."""
    share = shares_for_partner(share_id=share_id, user=user)
    log_access(
        user=user,
        event=Event.SHARE_VIEW,
        role=role,
        access_point=access_point,
        record_type="share",
        record_id=share.pk,
        client_ref=share.case.reference,
        on_behalf_of=user.organisation,
    )
    return SharedRecord(share=share, data=snapshot.read(share))
