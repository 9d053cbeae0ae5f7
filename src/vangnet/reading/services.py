"""Reading a chat after it ends: suggestions + a de-identified copy, stored for later."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from vangnet.chat.models import Conversation, Message
from vangnet.coding import codebook
from vangnet.reading import suggestions
from vangnet.reading.deidentify import deidentifier
from vangnet.reading.models import TranscriptReading

log = logging.getLogger(__name__)
_SPEAKERS: dict[str, str] = {
    Message.Sender.VISITOR: "visitor",
    Message.Sender.COUNSELLOR: "counsellor",
}


def transcript_turns(conversation: Conversation) -> list[suggestions.Turn]:
    """The visitor's and counsellors' messages in order; system notes are not part of it."""
    rows = conversation.messages.exclude(sender=Message.Sender.SYSTEM).order_by("sequence")
    return [suggestions.Turn(_SPEAKERS[m.sender], m.body) for m in rows]


def queue_reading(conversation_pk: int) -> None:
    """Register a reading and enqueue it after the transaction that ended the chat commits."""
    from vangnet.reading.tasks import read_conversation

    TranscriptReading.objects.get_or_create(conversation_id=conversation_pk)
    transaction.on_commit(lambda: read_conversation.enqueue(conversation_pk))


def read(conversation_pk: int) -> TranscriptReading:
    """Suggest codes and make the de-identified copy. Idempotent: a retry redoes it whole."""
    conversation = Conversation.objects.get(pk=conversation_pk)
    reading, _created = TranscriptReading.objects.get_or_create(conversation=conversation)
    turns = transcript_turns(conversation)
    book = codebook.current()
    from vangnet.reading import learned

    result = learned.suggest_with_models(turns, book)
    copy = deidentifier().deidentify_transcript([t.text for t in turns])
    reading.suggestions = {
        key: {
            "codes": result.codes[key],
            "confidence": result.confidence[key],
            "evidence": [e.as_json() for e in result.evidence.get(key, [])],
            "source": result.source.get(key, "rules"),
        }
        for key in result.codes
    }
    reading.deidentified = json.dumps(
        [
            {"from": turn.speaker, "text": message.text}
            for turn, message in zip(turns, copy.messages, strict=True)
        ],
        ensure_ascii=False,
    )
    reading.codebook_version = book.version
    reading.rules_version = result.rules_version
    reading.status = TranscriptReading.Status.DONE
    reading.error = ""
    reading.read_at = timezone.now()
    reading.save()
    return reading


def record_failure(conversation_pk: int, error: BaseException, attempt: int) -> None:
    TranscriptReading.objects.filter(conversation_id=conversation_pk).update(
        status=TranscriptReading.Status.FAILED,
        attempts=attempt,
        error=type(error).__name__[:300],
    )
    log.warning(
        "reading conversation %s failed (attempt %s): %s",
        conversation_pk,
        attempt,
        type(error).__name__,
    )


def deidentified_turns(reading: TranscriptReading) -> list[dict[str, Any]]:
    if not reading.deidentified:
        return []
    data: list[dict[str, Any]] = json.loads(reading.deidentified)
    return data
