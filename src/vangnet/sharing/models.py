"""Shares with partner organisations: what was shared, on which ground, and the partner's answer.

A share freezes the chosen parts of a case at the moment of sharing (`snapshot`, encrypted
with the case's data key); the partner sees that snapshot and nothing else, only while the
share runs. Rows are never deleted by a case worker: a share is revoked, a consent made void.

The tables keep their names from when these models lived in the cases app (`cases_share`, ...):
the move was a change of code, not of data (migrations/0001_initial.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vangnet.core.fields import EncryptedTextField


class PartnerOrganisation(models.Model):
    """An organisation cases may be shared with; partner users belong to it by name."""

    class Kind(models.TextChoices):
        POLICE = "police", _("Police")
        PROSECUTOR = "prosecutor", _("Public prosecutor (OM)")
        VEILIG_THUIS = "veilig_thuis", _("Veilig Thuis")
        CARE_PROVIDER = "care_provider", _("Care provider")
        MUNICIPALITY = "municipality", _("Municipality")

    # Matches `User.organisation` of the partner liaisons who act for it.
    name = models.CharField(_("name"), max_length=150, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)

    class Meta:
        db_table = "cases_partnerorganisation"
        ordering = ["name"]
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")

    def __str__(self) -> str:
        return self.name


class Section(models.TextChoices):
    """The parts of a case that can be shared."""

    IDENTITY = "identity", _("Name and age")
    CONTACT = "contact", _("Contact details of the client")
    SUMMARY = "summary", _("Summary")
    PEOPLE = "people", _("People around the client")
    SAFETY = "safety", _("Risk level, safety measures and emergency contacts")
    THREATS = "threats", _("Threats and incidents")
    TRAJECTORY = "trajectory", _("Phase, goals and caregiver")


class Share(models.Model):
    class Basis(models.TextChoices):
        CONSENT = "consent", _("Consent (client, and parents where the law asks)")
        MELDCODE = "meldcode", _("Legal ground: report under the meldcode")
        LEGAL_OTHER = "legal_other", _("Other legal ground")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="shares")
    organisation = models.ForeignKey(
        PartnerOrganisation, on_delete=models.PROTECT, related_name="shares"
    )
    sections = models.JSONField(default=list)
    # What was shared, as it was at that moment (JSON, encrypted): the partner sees this only.
    snapshot = EncryptedTextField()
    purpose = EncryptedTextField(_("purpose"))
    basis = models.CharField(_("basis"), max_length=20, choices=Basis)
    basis_detail = EncryptedTextField(_("basis, explained"), blank=True)
    valid_until = models.DateField(_("until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoke_reason = EncryptedTextField(blank=True)

    class Meta:
        db_table = "cases_share"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"share {self.pk} of {self.case_id}"

    def get_sections_display(self) -> list[str]:
        return [str(Section(code).label) for code in self.sections if code in Section.values]


class ShareConsent(models.Model):
    """Who consented to a share: the client (person empty) or a parent with authority."""

    share = models.ForeignKey(Share, on_delete=models.PROTECT, related_name="consents")
    person = models.ForeignKey(
        "cases.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Set when the consenting parent is flagged as (suspected) perpetrator: it no longer counts.
    void_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "cases_shareconsent"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"shareconsent {self.pk}"


class ShareResponse(models.Model):
    share = models.ForeignKey(Share, on_delete=models.PROTECT, related_name="responses")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = EncryptedTextField(_("response"))
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "cases_shareresponse"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"shareresponse {self.pk}"
