"""Saved replies: what the console offers, and how a supervisor keeps the list.

Every change asks the access policy (`Action.CHAT_SAVED_REPLIES`), whichever door it came
through. The texts are the organisation's, not about people: stored as plain text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max

from vangnet.chat.models import SavedReply
from vangnet.chat.saved_reply_seed import SEEDS
from vangnet.core.access import Action, require

if TYPE_CHECKING:
    from vangnet.accounts.models import User

LANGUAGES = ("nl", "en")


def offered_replies() -> list[dict[str, Any]]:
    """The active replies in order, both languages: the console picks per chat (its visitor's
    language, Dutch where no English text was written)."""
    return [
        {
            "id": reply.pk,
            "key": reply.key,
            "title": {lang: reply.title(lang) for lang in LANGUAGES},
            "text": {lang: reply.text(lang) for lang in LANGUAGES},
        }
        for reply in SavedReply.objects.filter(active=True)
    ]


def all_replies() -> list[SavedReply]:
    return list(SavedReply.objects.all())


def save_reply(*, by: User, reply: SavedReply) -> SavedReply:
    """Create or change a reply (already validated by its form); a new one goes last."""
    require(by, Action.CHAT_SAVED_REPLIES)
    with transaction.atomic():
        if reply.pk is None:
            last = SavedReply.objects.aggregate(last=Max("position"))["last"]
            reply.position = 0 if last is None else last + 1
        reply.updated_by = by
        reply.save()
    return reply


def move_reply(*, by: User, reply: SavedReply, step: int) -> None:
    """Move a reply one place up (-1) or down (+1); the console offers them in this order."""
    require(by, Action.CHAT_SAVED_REPLIES)
    with transaction.atomic():
        ordered = list(SavedReply.objects.select_for_update().order_by("position", "pk"))
        index = next(i for i, r in enumerate(ordered) if r.pk == reply.pk)
        target = index + (1 if step > 0 else -1)
        if not 0 <= target < len(ordered):
            return
        ordered[index], ordered[target] = ordered[target], ordered[index]
        for position, item in enumerate(ordered):
            if item.position != position:
                SavedReply.objects.filter(pk=item.pk).update(position=position)


def set_active(*, by: User, reply: SavedReply, active: bool) -> None:
    """Stop offering a reply (or offer it again); it is kept for the supervisor to revive."""
    require(by, Action.CHAT_SAVED_REPLIES)
    reply.active = active
    reply.updated_by = by
    reply.save(update_fields=["active", "updated_by", "updated_at"])


def seed_saved_replies() -> int:
    """Add the starting replies whose key is missing; returns how many were added. Never
    overwrites a supervisor's change; replies are deactivated, not deleted, so none returns."""
    added = 0
    last = SavedReply.objects.aggregate(last=Max("position"))["last"]
    position = 0 if last is None else last + 1
    for seed in SEEDS:
        _reply, created = SavedReply.objects.get_or_create(
            key=seed.key,
            defaults={
                "title_nl": seed.title_nl,
                "title_en": seed.title_en,
                "text_nl": seed.text_nl,
                "text_en": seed.text_en,
                "position": position,
            },
        )
        if created:
            added += 1
            position += 1
    return added
