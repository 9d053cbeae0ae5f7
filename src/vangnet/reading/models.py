"""What reading a chat leaves behind: suggestions (codes and spans, no text) and the
de-identified copy of its transcript (encrypted at rest, like the original)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vangnet.core.fields import EncryptedTextField


class TranscriptReading(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be read")
        DONE = "done", _("Read")
        FAILED = "failed", _("Failed (retried automatically)")

    # The de-identified copy has a data key of its own (retention/apps.py): it follows the
    # original's retention term, or the organisation's own (VANGNET_RETENTION_DEIDENTIFIED_DAYS).
    conversation = models.OneToOneField(
        "chat.Conversation", on_delete=models.CASCADE, related_name="reading"
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)  # the exception's type, never text
    codebook_version = models.CharField(max_length=16, blank=True)
    rules_version = models.CharField(max_length=32, blank=True)
    # {question: {"codes": ..., "confidence": ..., "evidence": [...], "source": ...}}; codes
    # and character spans only: the words themselves stay in the encrypted transcript.
    suggestions = models.JSONField(default=dict, blank=True)
    # JSON list of {"from": ..., "text": ...} with placeholders instead of identifying strings.
    deidentified = EncryptedTextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"reading of {self.conversation_id} ({self.status})"


class TriageFeedback(models.Model):
    """A counsellor raised or lowered a chat's acute flag: logged, and evaluation data for the
    triage word lists (how often, and from which score, people disagreed with them)."""

    conversation = models.ForeignKey(
        "chat.Conversation", on_delete=models.CASCADE, related_name="triage_feedback"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    score = models.FloatField()
    acute_before = models.BooleanField()
    acute_after = models.BooleanField()
    triage_version = models.CharField(max_length=32)

    def __str__(self) -> str:
        return f"{self.conversation_id}: {self.acute_before} -> {self.acute_after}"
