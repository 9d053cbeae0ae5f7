"""Erasing one record, completely or not at all, and leaving one tombstone.

A case: every row of the case is deleted, the data keys of the case and of the chat it was
opened from are destroyed (so backups cannot be read for it either), the chat's text is
emptied. An anonymous chat: its text is emptied and its key destroyed; the chat's codes and
its skeleton (times, statuses) stay for the counts.

Each record is erased in its own transaction, locked first: two runs at the same time (or on
two machines) never erase the same record twice, and a failure leaves the record as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.db.models import ForeignObjectRel
from django.utils.translation import gettext as _

from vangnet.core import envelope
from vangnet.core.audit import log_access
from vangnet.core.models import AccessLogEntry
from vangnet.retention import schedule
from vangnet.retention.models import LegalHold, Tombstone

if TYPE_CHECKING:
    from vangnet.accounts.models import User


class ErasureRefused(Exception):
    """The record may not be erased (a legal hold); the message says why."""


@dataclass(frozen=True)
class Hold:
    kind: str
    label: str


def holds_on(case: Any) -> list[Hold]:
    """What stops the erasure of a case: running legal holds and an open meldcode track."""
    from vangnet.cases.meldcode import open_track_holds_case

    found = [
        Hold(hold.kind, str(hold.get_kind_display()))
        for hold in LegalHold.objects.filter(case=case, released_at__isnull=True)
    ]
    if open_track_holds_case(case):
        found.append(Hold("meldcode", _("A meldcode track is in progress")))
    return found


def refuse_if_held(case: Any) -> None:
    holds = holds_on(case)
    if holds:
        raise ErasureRefused(
            _("This case is under legal hold and is not erased: %(holds)s.")
            % {"holds": "; ".join(h.label for h in holds)}
        )


def _delete_with_parts(model: type[models.Model], pks: list[Any]) -> None:
    """Delete rows and, first, every row that points at them (deepest first).

    A row of another case or chat that points here (a parent's own case, linked to the child's)
    only loses the link.
    """
    if not pks:
        return
    for relation in model._meta.get_fields(include_hidden=True):
        # Every reverse relation, also those without a reverse accessor (related_name="+"):
        # a share's consent points at a person, a meldcode track at the share it reported.
        if not isinstance(relation, ForeignObjectRel) or relation.many_to_many:
            continue  # the link table's rows go with the row itself
        child = relation.related_model
        assert not isinstance(child, str)
        field = relation.field
        rows = child._base_manager.filter(**{f"{field.name}__in": pks})
        if envelope.is_holder(child):
            rows.update(**{field.name: None})
        else:
            _delete_with_parts(child, list(rows.values_list("pk", flat=True)))
    model._base_manager.filter(pk__in=pks).delete()


def _empty_chat(conversation_pk: int) -> None:
    """The chat's text goes; its skeleton and codes stay."""
    from vangnet.cases.meldcode_models import MeldcodeTrack
    from vangnet.cases.models import ChatConsent
    from vangnet.chat.models import Assignment, Conversation, Message

    Message.objects.filter(conversation_id=conversation_pk).update(body="")
    Assignment.objects.filter(conversation_id=conversation_pk).update(note="")
    Conversation.objects.filter(pk=conversation_pk).update(nickname="")
    tracks = MeldcodeTrack.objects.filter(conversation_id=conversation_pk, case__isnull=True)
    _delete_with_parts(MeldcodeTrack, list(tracks.values_list("pk", flat=True)))
    consents = ChatConsent.objects.filter(conversation_id=conversation_pk, case__isnull=True)
    consents.delete()
    if schedule.deidentified_days() is None:  # the copy follows the original
        _empty_deidentified(conversation_pk)


def _empty_deidentified(conversation_pk: int) -> bool:
    """The de-identified copy's text goes and its key is destroyed; False if there was none."""
    from vangnet.reading.models import TranscriptReading

    reading = (
        TranscriptReading.objects.select_related("conversation")
        .filter(conversation_id=conversation_pk)
        .first()
    )
    if reading is None:
        return False
    TranscriptReading.objects.filter(pk=reading.pk).update(deidentified="")
    envelope.destroy([envelope.holder_name(reading)])
    return True


def erase_case(
    *,
    case_pk: int,
    rule: str,
    reason: str,
    run: str,
    by: User | None = None,
    access_point: str = "cli",
) -> Tombstone | None:
    """Erase one case; None if another run has it or it is gone. Refuses a case on hold.

    The access log keeps that the record was erased, by whom (or by the schedule) and why.
    """
    from vangnet.cases.models import Case, ChatConsent
    from vangnet.chat.models import Conversation

    with transaction.atomic():
        case = Case.objects.select_for_update(skip_locked=True).filter(pk=case_pk).first()
        if case is None:
            return None
        refuse_if_held(case)
        reference = case.reference
        consent_pk = case.consent_id
        chat = (
            Conversation.objects.filter(case_consents__pk=consent_pk).first()
            if consent_pk
            else None
        )
        names = [envelope.holder_name(case)]
        _delete_with_parts(Case, [case.pk])
        if consent_pk:
            ChatConsent.objects.filter(pk=consent_pk).delete()
        if chat is not None:
            _empty_chat(chat.pk)
            names.append(envelope.holder_name(chat))
        envelope.destroy(names)
        log_access(
            user=by,
            event=AccessLogEntry.Event.CASE_CHANGE,
            access_point=access_point,
            record_type="case",
            record_id=reference,
            client_ref=reference,
            detail=f"erased under {rule}",
        )
        return Tombstone.objects.create(
            record_type="case", record_ref=reference, rule=rule, reason=reason[:120], run=run
        )


def erase_chat_text(*, conversation_pk: int, rule: str, reason: str, run: str) -> Tombstone | None:
    """Empty one anonymous chat and destroy its key; None if another run has it or it is done."""
    from vangnet.cases.meldcode_models import MeldcodeTrack
    from vangnet.chat.models import Conversation

    with transaction.atomic():
        chat = (
            Conversation.objects.select_for_update(skip_locked=True)
            .filter(pk=conversation_pk)
            .first()
        )
        if chat is None:
            return None
        name = envelope.holder_name(chat)
        if Tombstone.objects.filter(record_type="chat", record_ref=chat.public_id.hex).exists():
            return None
        if MeldcodeTrack.objects.filter(
            conversation=chat, status=MeldcodeTrack.Status.OPEN
        ).exists():
            raise ErasureRefused(_("A meldcode track is in progress for this chat."))
        _empty_chat(chat.pk)
        envelope.destroy([name])
        return Tombstone.objects.create(
            record_type="chat", record_ref=chat.public_id.hex, rule=rule, reason=reason, run=run
        )


def erase_deidentified_copy(
    *, conversation_pk: int, rule: str, reason: str, run: str
) -> Tombstone | None:
    """Erase one de-identified copy at the end of the organisation's own term for it; None if
    another run has it or it is gone. The original transcript is not touched."""
    from vangnet.chat.models import Conversation

    with transaction.atomic():
        chat = (
            Conversation.objects.select_for_update(skip_locked=True)
            .filter(pk=conversation_pk)
            .first()
        )
        if (
            chat is None
            or Tombstone.objects.filter(
                record_type="deidentified", record_ref=chat.public_id.hex
            ).exists()
        ):
            return None
        if not _empty_deidentified(chat.pk):
            return None
        return Tombstone.objects.create(
            record_type="deidentified",
            record_ref=chat.public_id.hex,
            rule=rule,
            reason=reason,
            run=run,
        )
