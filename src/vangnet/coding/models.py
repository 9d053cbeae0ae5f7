"""Coded contacts: one row per contact, one column per codebook question.

Single-choice answers are stored as their code, multi-choice answers as a bitmask (the bits are
fixed in the codebook), so the monitor counts every answer in one pass. No free text, no
transcript, no nickname: a contact links to its chat only by a nullable key.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vangnet.coding import codebook

RECORD_KEY_BITS = 24


def new_record_key() -> int:
    """A contact's permanent random key for the monitor's cell-key perturbation (secret)."""
    return secrets.randbits(RECORD_KEY_BITS)


class Channel(models.TextChoices):
    CHAT = "chat", _("Chat")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    OTHER = "other", _("Other")


class NotCodeableReason(models.TextChoices):
    TOO_SHORT = "too_short", _("Too short to say anything")
    TEST_OR_PRANK = "test_or_prank", _("Test or prank")
    NOT_ABOUT_EXPLOITATION = "not_about_exploitation", _("Not about exploitation")
    TECHNICAL = "technical", _("Technical problem, the chat broke off")
    OTHER = "other", _("Other reason")


class Contact(models.Model):
    class Status(models.TextChoices):
        CODED = "coded", _("Coded")
        NOT_CODEABLE = "not_codeable", _("Not codeable")

    class Source(models.TextChoices):
        REGISTERED = "registered", _("Registered by a counsellor")
        IMPORTED = "imported", _("Imported")
        SYNTHETIC = "synthetic", _("Synthetic (demo or benchmark)")

    conversation = models.OneToOneField(
        "chat.Conversation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="coded_contact",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel)
    status = models.CharField(max_length=15, choices=Status, default=Status.CODED)
    not_codeable_reason = models.CharField(
        _("reason"), max_length=30, choices=NotCodeableReason, blank=True
    )
    contact_date = models.DateField(_("date of the contact"))
    # Months since year 0 (year * 12 + month - 1): the monitor's finest time unit.
    month = models.PositiveIntegerField(db_index=True)
    codebook_version = models.CharField(max_length=16)
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source = models.CharField(max_length=10, choices=Source, default=Source.REGISTERED)
    import_batch = models.CharField(max_length=80, blank=True)
    # A digest of the imported row and its occurrence in its file: a second import of the
    # same rows is refused unless duplicates are asked for.
    import_fingerprint = models.CharField(max_length=64, blank=True, db_index=True)
    # Drawn once, never changed, never exported: the same contacts always perturb alike.
    record_key = models.PositiveIntegerField(default=new_record_key, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    role = models.CharField(max_length=32, default=codebook.UNKNOWN)
    first_helper_contact = models.CharField(max_length=32, default=codebook.UNKNOWN)
    acute_danger = models.CharField(max_length=32, default=codebook.UNKNOWN)
    victim_exploited = models.CharField(max_length=32, default=codebook.UNKNOWN)
    victim_age_band = models.CharField(max_length=32, default=codebook.UNKNOWN)
    victim_gender = models.CharField(max_length=32, default=codebook.UNKNOWN)
    exploitation_forms = models.PositiveIntegerField(default=0)
    perpetrator_relation = models.PositiveIntegerField(default=0)
    recruitment_channel = models.PositiveIntegerField(default=0)
    recruitment_platform = models.PositiveIntegerField(default=0)
    coercion_means = models.PositiveIntegerField(default=0)
    duration = models.CharField(max_length=32, default=codebook.UNKNOWN)
    siblings_exploited = models.CharField(max_length=32, default=codebook.UNKNOWN)
    known_to_police_or_care = models.CharField(max_length=32, default=codebook.UNKNOWN)
    outcome = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["status", "month"], name="coding_status_month_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="coded", not_codeable_reason="")
                | (models.Q(status="not_codeable") & ~models.Q(not_codeable_reason="")),
                name="coding_reason_iff_not_codeable",
            )
        ]

    def __str__(self) -> str:
        return f"contact {self.pk} ({self.status}, {self.contact_date:%Y-%m})"


class ContactRevision(models.Model):
    """Every saved state of a contact, oldest first: corrections keep their history."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    codebook_version = models.CharField(max_length=16)
    status = models.CharField(max_length=15, choices=Contact.Status)
    not_codeable_reason = models.CharField(max_length=30, blank=True)
    channel = models.CharField(max_length=10)
    contact_date = models.DateField()
    # Codes only (question -> code or list of codes), never free text.
    answers = models.JSONField(default=dict)

    class Meta:
        ordering = ["contact", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contact", "number"], name="coding_revision_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} r{self.number}"


class VisitorFeedback(models.Model):
    """The visitor's own three answers after a chat (docs/chat-protocol.md, "After the chat").

    One tap per question, no free text, nothing about the person or the device. It belongs to
    the contact (the chat's coding record) as soon as that exists, so the monitor can set what
    visitors say beside what counsellors coded; until then only the chat links it.
    """

    class Helped(models.TextChoices):
        YES = "yes", _("Yes")
        SOMEWHAT = "somewhat", _("A little")
        NO = "no", _("No")

    class FirstTime(models.TextChoices):
        YES = "yes", _("Yes, the first time")
        NO = "no", _("No")

    class ComeBack(models.TextChoices):
        YES = "yes", _("Yes")
        MAYBE = "maybe", _("Maybe")
        NO = "no", _("No")

    conversation = models.OneToOneField(
        "chat.Conversation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visitor_feedback",
    )
    contact = models.OneToOneField(
        Contact,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visitor_feedback",
    )
    # An empty answer: the visitor skipped the question.
    helped = models.CharField(max_length=10, choices=Helped, blank=True)
    first_time = models.CharField(max_length=10, choices=FirstTime, blank=True)
    come_back = models.CharField(max_length=10, choices=ComeBack, blank=True)
    # The month the chat ended (as Contact.month); no finer time is kept.
    month = models.PositiveIntegerField(db_index=True)
    synthetic = models.BooleanField(default=False)
    # The same cell-key perturbation as contacts (monitor/cellkey.py): drawn once, secret.
    record_key = models.PositiveIntegerField(default=new_record_key, editable=False)

    def __str__(self) -> str:
        return f"feedback {self.pk} ({self.month})"
