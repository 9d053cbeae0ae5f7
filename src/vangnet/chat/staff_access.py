"""Ended staff access reaches the chat: every console of that person closes, in every process.

`accounts.signals.staff_access_ended` is sent after a logout, an inactivity timeout, a
deactivation or the removal of a role. The person goes off duty and every console socket they
have, in this process and (through Redis) every other one, closes with 4401 within moments;
a closed console receives nothing more. A console that connects later is refused by its own
session check (consumers.ConsoleConsumer).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

from vangnet.chat import services
from vangnet.chat.models import Duty
from vangnet.chat.presence import roster_event
from vangnet.realtime.hub import hub

logger = logging.getLogger(__name__)


def staff_ended_event(reason: str) -> dict[str, Any]:
    return {"type": "staff.ended", "reason": reason}


def end_staff_sockets(sender: Any, user_id: int, reason: str, **kwargs: Any) -> None:
    """The receiver of `staff_access_ended`. Synchronous code (a view, a command) runs it at
    once; from inside an event loop it runs in a thread, as it uses the database."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        _end(int(user_id), str(reason))
        return
    threading.Thread(target=_end, args=(int(user_id), str(reason)), daemon=True).start()


def _end(user_id: int, reason: str) -> None:
    layer = hub()
    layer.publish_from_thread(services.staff_group(user_id), staff_ended_event(reason))
    went_off = Duty.objects.filter(user_id=user_id, on_duty=True).update(on_duty=False, since=None)
    if went_off:
        layer.publish_from_thread(services.QUEUE_GROUP, {"type": "queue.changed"})
        if not Duty.objects.filter(on_duty=True).exists():
            layer.publish_from_thread(services.QUEUE_GROUP, roster_event(False))
    logger.info("chat: the consoles of a staff member were closed (%s)", reason)
