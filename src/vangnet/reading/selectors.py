"""Reads of what the reading tools left: for the coding form, the researcher, the monitor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from vangnet.chat.models import Conversation
from vangnet.chat.services import read_transcript
from vangnet.coding import codebook
from vangnet.coding.models import Contact
from vangnet.core.access import Action, require
from vangnet.core.audit import log_access
from vangnet.core.models import AccessLogEntry
from vangnet.reading.models import TranscriptReading
from vangnet.reading.services import deidentified_turns

if TYPE_CHECKING:
    from vangnet.accounts.models import User

SNIPPET_CONTEXT = 30
MAX_TRANSCRIPTS = 25


@dataclass(frozen=True)
class FormSuggestion:
    codes: list[str]
    confidence: float
    source: str
    evidence: list[str]  # the supporting words with a little context, as the chat had them


def suggestions_for_form(
    *, conversation: Conversation, user: User, access_point: str
) -> dict[str, FormSuggestion]:
    """The suggestions for a chat about to be coded, with the words behind them.

    Showing those words is reading part of the transcript: allowed to whoever may read it
    (the counsellor who held the chat) and logged like any transcript read.
    """
    reading = TranscriptReading.objects.filter(
        conversation=conversation, status=TranscriptReading.Status.DONE
    ).first()
    if reading is None or reading.codebook_version != codebook.current().version:
        return {}
    views = read_transcript(conversation=conversation, reader=user, access_point=access_point)
    texts = [v.text for v in views if v.sender in ("visitor", "counsellor")]
    out: dict[str, FormSuggestion] = {}
    for key, entry in reading.suggestions.items():
        codes = entry["codes"] if isinstance(entry["codes"], list) else [entry["codes"]]
        if codes == [codebook.UNKNOWN]:
            continue
        snippets = []
        for evidence in entry.get("evidence", []):
            turn, start, end = evidence["turn"], evidence["start"], evidence["end"]
            if 0 <= turn < len(texts):
                text = texts[turn]
                before = text[max(0, start - SNIPPET_CONTEXT) : start]
                after = text[end : end + SNIPPET_CONTEXT]
                snippets.append(f"…{before}[{text[start:end]}]{after}…")
        out[key] = FormSuggestion(
            codes, float(entry["confidence"]), entry.get("source", "rules"), snippets
        )
    return out


def form_initial(suggested: dict[str, FormSuggestion]) -> dict[str, Any]:
    book = codebook.current()
    initial: dict[str, Any] = {}
    for key, suggestion in suggested.items():
        initial[key] = suggestion.codes if book.question(key).is_multi else suggestion.codes[0]
    return initial


@dataclass(frozen=True)
class Kept:
    key: str
    label: str
    suggested: int
    kept: int
    by_model: int

    @property
    def share(self) -> float | None:
        return self.kept / self.suggested if self.suggested else None


def kept_rates() -> list[Kept]:
    """Per question: how many coded chats had a suggestion, and how often it was kept as is.

    `unknown` suggestions count too: "the transcript does not say" can be right or wrong.
    Counts only, no transcript text is read here.
    """
    book = codebook.current()
    tallies = {q.key: [0, 0, 0] for q in book.questions}
    readings = TranscriptReading.objects.filter(
        status=TranscriptReading.Status.DONE,
        conversation__coded_contact__status=Contact.Status.CODED,
    ).select_related("conversation__coded_contact")
    for reading in readings.iterator():
        contact = reading.conversation.coded_contact
        answers = codebook.get(contact.codebook_version).from_columns(
            {key: getattr(contact, key) for key in book.keys}
        )
        for key, entry in reading.suggestions.items():
            if key not in tallies:
                continue
            answer = answers[key]
            suggested = entry["codes"]
            if isinstance(answer, frozenset):
                kept = set(suggested) == (set(answer) or {codebook.UNKNOWN})
            else:
                kept = suggested == answer
            tallies[key][0] += 1
            tallies[key][1] += int(kept)
            tallies[key][2] += int(entry.get("source") == "model")
    return [
        Kept(q.key, q.label, tallies[q.key][0], tallies[q.key][1], tallies[q.key][2])
        for q in book.questions
    ]


@dataclass(frozen=True)
class ResearchTranscript:
    reference: str  # the contact number, not the chat's id
    month: str
    role: str
    turns: list[dict[str, Any]]


def deidentified_transcripts(
    *,
    user: User,
    purpose: str,
    since: date,
    until: date,
    role: str,
    access_point: str,
) -> list[ResearchTranscript]:
    """De-identified transcripts of coded chats for research; each one read is logged with the
    stated purpose. The original transcript is never returned here."""
    granted = require(user, Action.RESEARCH_TRANSCRIPTS)
    contacts = (
        Contact.objects.filter(
            status=Contact.Status.CODED,
            conversation__reading__status=TranscriptReading.Status.DONE,
            contact_date__gte=since,
            contact_date__lte=until,
        )
        .select_related("conversation__reading")
        .order_by("-contact_date", "-pk")
    )
    if role:
        contacts = contacts.filter(role=role)
    found = []
    for contact in contacts[:MAX_TRANSCRIPTS]:
        assert contact.conversation is not None
        reading = contact.conversation.reading
        log_access(
            user=user,
            event=AccessLogEntry.Event.TRANSCRIPT_READ,
            role=granted,
            access_point=access_point,
            record_type="deidentified_transcript",
            record_id=reading.pk,
            detail=f"purpose: {purpose}",
        )
        found.append(
            ResearchTranscript(
                reference=f"C{contact.pk}",
                month=f"{contact.contact_date:%Y-%m}",
                role=contact.role,
                turns=deidentified_turns(reading),
            )
        )
    return found
