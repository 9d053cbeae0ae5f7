"""The visitor's survey after a chat: record the three answers once, and join them to the
contact (the chat's coding record) whichever of the two comes first."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vangnet.chat.models import Conversation
from vangnet.coding.models import Contact, VisitorFeedback
from vangnet.coding.months import month_index

QUESTIONS: dict[str, type[models.TextChoices]] = {
    "helped": VisitorFeedback.Helped,
    "first_time": VisitorFeedback.FirstTime,
    "come_back": VisitorFeedback.ComeBack,
}
QUESTION_TEXT = {
    "helped": gettext_lazy("Did this chat help you?"),
    "first_time": gettext_lazy("Was this the first time you told someone about this?"),
    "come_back": gettext_lazy("Would you come back to us, or tell someone else about us?"),
}


class FeedbackError(Exception):
    """A refused survey answer; `code` is stable (docs/chat-protocol.md), `message` is shown."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def record_feedback(*, conversation: Conversation, answers: dict[str, str]) -> VisitorFeedback:
    """Store the visitor's answers (an empty answer is a skipped question). Only after a chat
    with a counsellor, within the token's lifetime, once per chat."""
    if conversation.status != Conversation.Status.ENDED or conversation.accepted_at is None:
        raise FeedbackError(
            "not_after_chat", _("These questions are for after a chat with a counsellor.")
        )
    ended_at = conversation.ended_at or timezone.now()
    if timezone.now() - ended_at > timedelta(hours=settings.VANGNET_CHAT_TOKEN_IDLE_HOURS):
        raise FeedbackError("expired", _("This conversation has ended. You can start a new one."))
    cleaned: dict[str, str] = {}
    for name, choices in QUESTIONS.items():
        value = answers.get(name, "")
        if not isinstance(value, str) or (value and value not in choices.values):
            raise FeedbackError("invalid_field", _("Choose one of the answers."))
        cleaned[name] = value
    if not any(cleaned.values()):
        raise FeedbackError("empty", _("Choose at least one answer, or close the questions."))
    try:
        with transaction.atomic():
            return VisitorFeedback.objects.create(
                conversation=conversation,
                contact=Contact.objects.filter(conversation=conversation).first(),
                month=month_index(timezone.localdate(ended_at)),
                **cleaned,
            )
    except IntegrityError:
        raise FeedbackError(
            "already_answered", _("You have already answered these questions. Thank you!")
        ) from None


def join_contact(contact: Contact) -> None:
    """A chat was coded after its visitor answered: the answers now belong to the contact."""
    if contact.conversation_id is not None:
        VisitorFeedback.objects.filter(
            conversation_id=contact.conversation_id, contact__isnull=True
        ).update(contact=contact)
