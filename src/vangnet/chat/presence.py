"""Who is really at a console: duty follows the console sockets, across server processes.

Each process notes, once per heartbeat, which staff members have a console socket open in it
(`Duty.last_console_at`). A counsellor whose console has been gone for
VANGNET_CONSOLE_ABSENT_SECONDS (60) in every process is taken off duty by whichever process
notices first; if that leaves nobody on duty, waiting visitors are told the chat is closed,
and the public chat page says so. No socket has to say goodbye: a killed worker or a laptop
that went to sleep ends the same way.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from vangnet.chat import services
from vangnet.chat.models import Duty
from vangnet.chat.outage import DatabaseUnavailable, db_call
from vangnet.realtime.hub import hub

logger = logging.getLogger(__name__)


def heartbeat_seconds() -> float:
    """Three heartbeats fit in the absence limit: a missed one (a slow database) is harmless."""
    return max(0.1, settings.VANGNET_CONSOLE_ABSENT_SECONDS / 3)


def mark_present(user_pks: list[int]) -> None:
    if user_pks:
        Duty.objects.filter(user_id__in=user_pks).update(last_console_at=timezone.now())


def take_absent_off_duty() -> tuple[list[int], bool]:
    """Counsellors on duty without a console for too long go off duty.
    Returns (who went off duty, whether anybody is still on duty)."""
    cutoff = timezone.now() - timedelta(seconds=settings.VANGNET_CONSOLE_ABSENT_SECONDS)
    with transaction.atomic():
        absent = list(
            Duty.objects.select_for_update(skip_locked=True)
            .filter(on_duty=True)
            .filter(Q(last_console_at__lt=cutoff) | Q(last_console_at__isnull=True))
            .values_list("user_id", flat=True)
        )
        if absent:
            Duty.objects.filter(user_id__in=absent, on_duty=True).update(on_duty=False, since=None)
    return absent, Duty.objects.filter(on_duty=True).exists()


def roster_event(is_open: bool) -> dict[str, Any]:
    """The event that tells waiting visitors (at once) whether anybody is on duty."""
    return {"type": "chat.roster", "open": is_open}


class ConsolePresence:
    """The console sockets of this process, and the heartbeat that reports them."""

    def __init__(self) -> None:
        self.open: Counter[int] = Counter()
        self.task = asyncio.get_running_loop().create_task(self._beat())

    async def opened(self, user_pk: int) -> None:
        self.open[user_pk] += 1
        await db_call(mark_present, [user_pk])

    def closed(self, user_pk: int) -> None:
        self.open[user_pk] -= 1
        if self.open[user_pk] <= 0:
            del self.open[user_pk]

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(heartbeat_seconds())
            try:
                await db_call(mark_present, list(self.open))
                went_off, anybody = await db_call(take_absent_off_duty)
            except DatabaseUnavailable:
                continue  # logged once by the outage watch; the next beat tries again
            except Exception:
                logger.exception("chat: the console heartbeat failed")
                continue
            if went_off:
                logger.info("chat: %d counsellor(s) without a console went off duty", len(went_off))
                hub().publish(services.QUEUE_GROUP, {"type": "queue.changed"})
                if not anybody:
                    hub().publish(services.QUEUE_GROUP, roster_event(False))


_presences: dict[asyncio.AbstractEventLoop, ConsolePresence] = {}


def presence() -> ConsolePresence:
    """This process's presence (one per event loop: tests run one loop after another)."""
    loop = asyncio.get_running_loop()
    found = _presences.get(loop)
    if found is None:
        for old in [other for other in _presences if other.is_closed()]:
            del _presences[old]
        found = _presences[loop] = ConsolePresence()
    return found
