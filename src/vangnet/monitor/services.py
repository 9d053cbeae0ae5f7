"""Changes in the monitor: the disclosure threshold, and exports (each logged)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from vangnet.core.access import Action, require
from vangnet.core.audit import log_access
from vangnet.core.models import AccessLogEntry
from vangnet.monitor import disclosure
from vangnet.monitor.models import DisclosureThreshold

if TYPE_CHECKING:
    from vangnet.accounts.models import User

MAX_MIN_CELL = 1000


class MonitorError(Exception):
    """A monitor request that cannot be done; the message is safe to show."""


def set_threshold(*, by: User, min_cell: int, access_point: str) -> DisclosureThreshold:
    """Only an administrator changes the smallest count shown; every change is logged."""
    role = require(by, Action.MONITOR_SET_THRESHOLD)
    if not 1 <= min_cell <= MAX_MIN_CELL:
        raise MonitorError(
            _("The smallest count shown must be between 1 and %(max)d.") % {"max": MAX_MIN_CELL}
        )
    before = disclosure.current_min_cell()
    threshold = DisclosureThreshold.objects.create(min_cell=min_cell, set_by=by)
    log_access(
        user=by,
        event=AccessLogEntry.Event.SETTING_CHANGE,
        access_point=access_point,
        role=role,
        record_type="monitor.min_cell",
        record_id=threshold.pk,
        detail=f"monitor.min_cell {before} -> {min_cell}",
    )
    return threshold


def log_export(*, by: User | None, what: str, access_point: str, role: str = "") -> None:
    """Every export and every report leaves a line in the access log (by None: the CLI)."""
    log_access(
        user=by,
        event=AccessLogEntry.Event.EXPORT,
        access_point=access_point,
        role=role,
        record_type="monitor",
        detail=what,
    )
