"""Reads for the chat: availability, the queue, transcripts (logged)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone
from django.utils.dates import WEEKDAYS

from vangnet.chat.labels import short_role_label, visitor_label
from vangnet.chat.models import Duty

if TYPE_CHECKING:
    from vangnet.chat.models import Conversation


@dataclass(frozen=True)
class OpeningSlot:
    weekday: int  # 0 = Monday
    opens: time
    closes: time

    @property
    def day_name(self) -> str:
        return str(WEEKDAYS[self.weekday])


@dataclass(frozen=True)
class Availability:
    within_hours: bool
    counsellors_on_duty: int
    next_opening: datetime | None
    slots: tuple[OpeningSlot, ...]

    @property
    def is_open(self) -> bool:
        return self.within_hours and self.counsellors_on_duty > 0


def parse_opening_hours(spec: str) -> tuple[OpeningSlot, ...]:
    """'0:09:00-22:00,5:12:00-18:00' -> slots; an empty spec means always open."""
    slots = []
    for item in filter(None, (part.strip() for part in spec.split(","))):
        day, _, hours = item.partition(":")
        start, _, end = hours.partition("-")
        slots.append(OpeningSlot(int(day), time.fromisoformat(start), time.fromisoformat(end)))
    return tuple(slots)


def opening_slots() -> tuple[OpeningSlot, ...]:
    return parse_opening_hours(settings.VANGNET_CHAT_OPENING_HOURS)


def within_opening_hours(moment: datetime, slots: tuple[OpeningSlot, ...]) -> bool:
    if not slots:
        return True
    local = timezone.localtime(moment)
    return any(
        slot.weekday == local.weekday() and slot.opens <= local.time() < slot.closes
        for slot in slots
    )


def next_opening(moment: datetime, slots: tuple[OpeningSlot, ...]) -> datetime | None:
    if not slots:
        return None
    local = timezone.localtime(moment)
    for days_ahead in range(8):
        day = local.date() + timedelta(days=days_ahead)
        for slot in sorted(slots, key=lambda s: s.opens):
            if slot.weekday != day.weekday():
                continue
            opens = timezone.make_aware(datetime.combine(day, slot.opens))
            if opens > local:
                return opens
    return None


def availability(now: datetime | None = None) -> Availability:
    now = now or timezone.now()
    slots = opening_slots()
    inside = within_opening_hours(now, slots)
    return Availability(
        within_hours=inside,
        counsellors_on_duty=Duty.objects.filter(on_duty=True).count(),
        next_opening=None if inside else next_opening(now, slots),
        slots=slots,
    )


def waiting_queue(*, limit: int = 200) -> list[dict[str, object]]:
    """The queue as the console shows it: acute danger first (with the phrase that raised the
    flag), then highest priority, then oldest first. Nobody is hidden."""
    from vangnet.chat.models import Conversation

    waiting = Conversation.objects.filter(status=Conversation.Status.WAITING).order_by(
        "-risk_acute", "-priority", "created_at", "pk"
    )[:limit]
    return [
        {
            "conversation": str(c.public_id),
            "role": c.visitor_role,
            "role_label": short_role_label(c.visitor_role),
            "who": visitor_label(c.visitor_role, c.nickname),
            "nickname": c.nickname,
            "waiting_since": c.created_at.isoformat(),
            "language": c.language,
            "acute": c.risk_acute,
            "risk_phrase": c.risk_phrase if c.risk_acute else "",
        }
        for c in waiting
    ]


def active_conversations() -> list[dict[str, object]]:
    """Every active chat, for supervisors."""
    from vangnet.chat.models import Conversation

    active = (
        Conversation.objects.filter(status=Conversation.Status.ACTIVE)
        .select_related("counsellor")
        .order_by("accepted_at")
    )
    return [
        {
            "conversation": str(c.public_id),
            "role_label": short_role_label(c.visitor_role),
            "who": visitor_label(c.visitor_role, c.nickname),
            "nickname": c.nickname,
            "counsellor": c.counsellor.display_name if c.counsellor else "",
            "since": c.accepted_at.isoformat() if c.accepted_at else "",
        }
        for c in active
    ]


def server_clock() -> dict[str, str]:
    """The server's "now" and time zone, for the console: it counts waits against the server's
    clock (the browser's may be off) and shows clock times in the organisation's zone."""
    return {"now": timezone.now().isoformat(), "time_zone": settings.TIME_ZONE}


def chat_summary(conversation: Conversation) -> dict[str, Any]:
    """A chat as the console's `chat` and `state` frames describe it."""
    return {
        "conversation": str(conversation.public_id),
        "status": conversation.status,
        "role": conversation.visitor_role,
        "role_label": short_role_label(conversation.visitor_role),
        "who": visitor_label(conversation.visitor_role, conversation.nickname),
        "nickname": conversation.nickname,
        "counsellor_id": conversation.counsellor_id,
        "language": conversation.language,
    }
