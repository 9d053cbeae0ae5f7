"""Object rules for the cases app, registered in the one access policy (core.access)."""

from __future__ import annotations

from typing import Any

from vangnet.cases import ages
from vangnet.cases.models import Person, Share
from vangnet.core.access import Action, object_rule


def share_is_active(share: Share) -> bool:
    return share.revoked_at is None and share.valid_until >= ages.today()


@object_rule(Action.PARTNER_SHARES)
def partner_may_see_share(user: Any, share: Share) -> bool:
    """Only the receiving organisation, only while the share runs, never a flagged person."""
    if not user.organisation or share.organisation.name != user.organisation:
        return False
    if not share_is_active(share):
        return False
    return not Person.objects.filter(
        case_id=share.case_id, partner_user=user, is_suspected_perpetrator=True
    ).exists()
