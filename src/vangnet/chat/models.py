"""Anonymous conversations. Nothing here can identify a visitor: no address, no device data."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vangnet.core.fields import EncryptedTextField


class VisitorRole(models.TextChoices):
    YOUNG_PERSON = "young_person", _("A young person, about myself")
    PARENT_CARER = "parent_carer", _("A parent or carer")
    FAMILY_FRIEND = "family_friend", _("Other family or a friend")
    PROFESSIONAL = "professional", _("A professional")
    OTHER = "other", _("Someone else")


class Conversation(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Only a hash of the visitor's token is kept: a database copy cannot resume a chat.
    token_hash = models.CharField(max_length=64, unique=True)
    visitor_role = models.CharField(_("who is chatting"), max_length=20, choices=VisitorRole)
    nickname = EncryptedTextField(_("nickname"), blank=True)
    language = models.CharField(max_length=8, default="nl")
    status = models.CharField(max_length=10, choices=Status, default=Status.WAITING)
    priority = models.SmallIntegerField(default=0, help_text=_("Higher is served first."))
    # Acute danger, from the first message and the pre-chat question (vangnet.reading.queue);
    # a counsellor may raise or lower the flag. Acute chats are served first.
    risk_prechat = models.CharField(max_length=12, blank=True)
    risk_score = models.FloatField(default=0.0)
    risk_acute = models.BooleanField(default=False)
    risk_phrase = EncryptedTextField(blank=True)
    risk_scored_at = models.DateTimeField(null=True, blank=True)
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="conversations",
    )
    last_sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "-priority", "created_at"], name="chat_queue_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} ({self.status})"


class Message(models.Model):
    class Sender(models.TextChoices):
        VISITOR = "visitor", _("Visitor")
        COUNSELLOR = "counsellor", _("Counsellor")
        SYSTEM = "system", _("System")

    conversation = models.ForeignKey(
        Conversation, on_delete=models.PROTECT, related_name="messages"
    )
    sequence = models.PositiveIntegerField()
    sender = models.CharField(max_length=10, choices=Sender)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    client_msg_id = models.CharField(max_length=64)
    body = EncryptedTextField()
    # System messages carry a code the client translates (e.g. "handover", "ended").
    system_code = models.CharField(max_length=30, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["conversation", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "sequence"], name="chat_msg_seq_uniq"),
            models.UniqueConstraint(
                fields=["conversation", "sender", "client_msg_id"], name="chat_msg_client_id_uniq"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.conversation_id}#{self.sequence}"


class Assignment(models.Model):
    """Who held a conversation when: acceptance and every hand-over."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.PROTECT, related_name="assignments"
    )
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The internal note for the next counsellor; the visitor never sees it.
    note = EncryptedTextField(blank=True)
    started_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["started_at", "id"]

    def __str__(self) -> str:
        return f"{self.conversation_id} -> {self.counsellor_id}"


class Duty(models.Model):
    """A counsellor who is on duty can receive chats; with nobody on duty the chat is closed."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_duty"
    )
    on_duty = models.BooleanField(default=False)
    since = models.DateTimeField(null=True, blank=True)
    # When a server process last reported a console socket of this person (chat/presence.py).
    last_console_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user_id}: {'on' if self.on_duty else 'off'} duty"


class SavedReply(models.Model):
    """A short text of the organisation that a counsellor inserts in the message box and may
    edit before sending (a greeting, "I am still here", a phone number). Kept by supervisors,
    a text per language: the console offers the one in the visitor's chat language."""

    # A stable name for texts seeded by Vangnet (e.g. "images-online"); empty for the
    # organisation's own.
    key = models.SlugField(max_length=50, blank=True)
    title_nl = models.CharField(_("title (Dutch)"), max_length=80)
    title_en = models.CharField(_("title (English)"), max_length=80, blank=True)
    text_nl = models.TextField(_("text (Dutch)"), max_length=2000)
    text_en = models.TextField(_("text (English)"), max_length=2000, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(_("offered in the console"), default=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=~models.Q(key=""), name="chat_saved_reply_key_uniq"
            ),
        ]

    def __str__(self) -> str:
        return self.title_nl

    def title(self, language: str) -> str:
        return (self.title_en if language == "en" else "") or self.title_nl

    def text(self, language: str) -> str:
        """The text in the chat's language; Dutch where no English text was written."""
        return (self.text_en if language == "en" else "") or self.text_nl
