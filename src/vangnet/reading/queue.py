"""The risk-aware queue: a waiting chat is scored once, and a counsellor may change the flag."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vangnet.chat.models import Conversation
from vangnet.core.access import Action, require
from vangnet.reading import triage
from vangnet.reading.models import TriageFeedback

if TYPE_CHECKING:
    from vangnet.accounts.models import User


def prechat_answer(conversation_pk: int, answer: str) -> bool:
    """The answer to "Ben je nu in gevaar?" at the start; True when it flags the chat acute."""
    normalised = triage.rules().prechat_answer(answer)
    if not normalised:
        return False
    result = triage.score("", prechat=answer)
    Conversation.objects.filter(pk=conversation_pk, risk_scored_at__isnull=True).update(
        risk_prechat=normalised,
        risk_score=result.score,
        risk_acute=result.acute,
        risk_phrase=_("Pre-chat question: in danger now") if result.acute else "",
    )
    return result.acute


def triage_waiting_chat(conversation_pk: int, text: str) -> bool:
    """Score the first visitor message of a waiting chat, once; True when it is (now) acute.

    Runs in the request path of the first message (well under a millisecond for a short
    message). A chat already scored, or flagged by a counsellor, is left as it is.
    """
    conversation = (
        Conversation.objects.filter(
            pk=conversation_pk, status=Conversation.Status.WAITING, risk_scored_at__isnull=True
        )
        .only("pk", "risk_prechat", "risk_acute")
        .first()
    )
    if conversation is None:
        return False
    result = triage.score(text, prechat=conversation.risk_prechat or None)
    acute = result.acute or conversation.risk_acute
    Conversation.objects.filter(pk=conversation_pk, risk_scored_at__isnull=True).update(
        risk_score=result.score,
        risk_acute=acute,
        risk_phrase=result.phrase[:200] if result.acute else "",
        risk_scored_at=timezone.now(),
    )
    return acute and not conversation.risk_acute


def set_flag(*, conversation: Conversation, by: User, acute: bool) -> None:
    """A counsellor raises or lowers the acute flag: logged as feedback on the word lists."""
    require(by, Action.TRIAGE_FLAG)
    with transaction.atomic():
        locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if locked.risk_acute == acute:
            return
        TriageFeedback.objects.create(
            conversation=locked,
            by=by,
            score=locked.risk_score,
            acute_before=locked.risk_acute,
            acute_after=acute,
            triage_version=triage.version(),
        )
        locked.risk_acute = acute
        locked.risk_phrase = (
            _("Raised by a counsellor") if acute and not locked.risk_phrase else locked.risk_phrase
        )
        locked.risk_scored_at = locked.risk_scored_at or timezone.now()
        locked.save(update_fields=["risk_acute", "risk_phrase", "risk_scored_at"])
