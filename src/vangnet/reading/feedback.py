"""Counsellors' corrections of the acute flag as evaluation data for the triage.

One row per chat whose flag a counsellor raised or lowered: the visitor's first message,
de-identified, and the label the counsellor gave last. Nothing else leaves: no chat id, no
time, no counsellor. The rows are what `bench/nlp_eval.py --file` reads.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from vangnet.chat.models import Message
from vangnet.reading.deidentify import deidentifier
from vangnet.reading.models import TriageFeedback


def feedback_rows() -> Iterator[dict[str, Any]]:
    latest: dict[int, TriageFeedback] = {}
    for item in TriageFeedback.objects.order_by("at", "pk"):
        latest[item.conversation_id] = item  # the last word on a chat counts
    engine = deidentifier() if latest else None
    for conversation_id, item in sorted(latest.items()):
        first = (
            Message.objects.filter(conversation_id=conversation_id, sender=Message.Sender.VISITOR)
            .order_by("sequence")
            .first()
        )
        if first is None or not first.body.strip() or engine is None:
            continue  # flagged from the pre-chat answer alone: no message to learn from
        text = engine.deidentify_transcript([first.body]).messages[0].text
        yield {
            "text": text,
            "acute": item.acute_after,
            "score_before": item.score,
            "triage_version": item.triage_version,
        }
