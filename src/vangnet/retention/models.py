"""Tombstones of erased records, legal holds on cases, and clients' erasure requests."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vangnet.core.fields import EncryptedTextField


class Tombstone(models.Model):
    """That a record was erased: what (kind and reference), when and under which rule.

    Never any content: no name, no date of birth, no text.
    """

    record_type = models.CharField(max_length=20)  # "case" or "chat"
    record_ref = models.CharField(max_length=64)  # a case reference or a chat's public id
    rule = models.CharField(max_length=30)
    reason = models.CharField(max_length=120)  # e.g. "term ended 2046-03-15" or "request 12"
    erased_at = models.DateTimeField(auto_now_add=True)
    run = models.CharField(max_length=36)

    class Meta:
        ordering = ["-erased_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "record_ref"], name="retention_tombstone_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.record_type} {self.record_ref} erased ({self.rule})"


class LegalHold(models.Model):
    """While a hold runs, nothing of the case is erased: not by the schedule, not on request."""

    class Kind(models.TextChoices):
        COURT = "court", _("Court proceedings")
        POLICE = "police", _("Police investigation")
        OTHER = "other", _("Other legal duty to keep")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="legal_holds")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    reason = EncryptedTextField(_("reason"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-set_at", "-id"]

    def __str__(self) -> str:
        return f"hold {self.pk} on {self.case_id}"


class ErasureRequest(models.Model):
    """A client's request to erase their record (AVG art. 17, WGBO art. 7:455 BW)."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered, waiting for a second person")
        REFUSED = "refused", _("Refused")
        CARRIED_OUT = "carried_out", _("Carried out")

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="erasure_requests"
    )
    request = EncryptedTextField(_("the request, as the client made it"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=12, choices=Status, default=Status.REGISTERED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = EncryptedTextField(_("reason for refusal"), blank=True)

    class Meta:
        ordering = ["-registered_at", "-id"]

    def __str__(self) -> str:
        return f"erasure request {self.pk}"
