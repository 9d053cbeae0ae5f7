"""Setting and releasing a legal hold on a case: it stops every erasure of the case."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from vangnet.core.access import Action, require
from vangnet.core.audit import log_access
from vangnet.core.models import AccessLogEntry
from vangnet.retention.models import LegalHold

if TYPE_CHECKING:
    from vangnet.accounts.models import User


class HoldError(Exception):
    """The hold could not be set or released; the message is for the user."""


def set_hold(*, case: Any, by: User, kind: str, reason: str, access_point: str) -> LegalHold:
    role = require(by, Action.CASE_WORK, case)
    if kind not in LegalHold.Kind.values:
        raise HoldError(_("Choose the kind of legal hold from the list."))
    reason = (reason or "").strip()
    if not reason:
        raise HoldError(_("Write down why the record must be kept."))
    hold = LegalHold.objects.create(case=case, kind=kind, reason=reason, set_by=by)
    log_access(
        user=by,
        event=AccessLogEntry.Event.CASE_CHANGE,
        role=role,
        access_point=access_point,
        record_type="legal_hold",
        record_id=hold.pk,
        client_ref=case.reference,
        detail=f"legal hold set: {kind}",
    )
    return hold


def release_hold(*, hold: LegalHold, by: User, access_point: str) -> LegalHold:
    role = require(by, Action.CASE_WORK, hold.case)
    if hold.released_at is not None:
        raise HoldError(_("This legal hold was already released."))
    LegalHold.objects.filter(pk=hold.pk).update(released_at=timezone.now(), released_by=by)
    hold.refresh_from_db()
    log_access(
        user=by,
        event=AccessLogEntry.Event.CASE_CHANGE,
        role=role,
        access_point=access_point,
        record_type="legal_hold",
        record_id=hold.pk,
        client_ref=hold.case.reference,
        detail="legal hold released",
    )
    return hold
