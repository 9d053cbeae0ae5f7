"""The object rule of sharing. core.access.POLICY names it; nothing registers itself."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from vangnet.core.access import Action, object_rule
from vangnet.sharing.models import Share


def today() -> date:
    """The current day where the organisations work (settings.TIME_ZONE), as cases.ages has it."""
    return timezone.localdate()


def share_is_active(share: Share) -> bool:
    """Not revoked, and the end date not yet past."""
    return share.revoked_at is None and share.valid_until >= today()


@object_rule(Action.PARTNER_SHARES)
def partner_may_see_share(user: Any, share: Any) -> bool:
    """Only the receiving organisation, only while the share runs, never a flagged person."""
    if not isinstance(share, Share):
        return False
    if not user.organisation or share.organisation.name != user.organisation:
        return False
    if not share_is_active(share):
        return False
    # The perpetrator rule: a partner user who is a flagged person in this case sees nothing.
    return not share.case.people.filter(partner_user=user, is_suspected_perpetrator=True).exists()
