"""Case trajectories: the client, the people around them, the line of care and safety.

Shares with partners are in the sharing app (vangnet.sharing.models).

Nothing here is ever hard-deleted by a case worker: rows end (`ended_on`, `revoked_at`,
`status`), they do not disappear. Free text about people is encrypted at rest.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vangnet.core.fields import EncryptedTextField

# No 0/O/1/I: the reference is read out over the phone to the client for their access report.
_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_reference() -> str:
    return "VN-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))


class CasePart(models.Model):
    """A row that belongs to a case; named by kind and number, never by its (private) content."""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self._meta.model_name} {self.pk}"


class ChatConsent(models.Model):
    """A visitor's explicit consent, asked in the chat, to open a case about them."""

    conversation = models.ForeignKey(
        "chat.Conversation", on_delete=models.PROTECT, related_name="case_consents"
    )
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    agreed_to = EncryptedTextField(_("what the visitor agreed to"))
    contact_details = EncryptedTextField(_("contact details the visitor gave"), blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"consent {self.pk} for {self.conversation_id}"


class Phase(models.TextChoices):
    SIGNALLING = "signalling", _("Signalling")
    SAFETY = "safety", _("Safety")
    STABILISATION = "stabilisation", _("Stabilisation")
    TREATMENT = "treatment", _("Treatment")
    FUTURE = "future", _("Future: school, work, housing, network")
    AFTERCARE = "aftercare", _("Aftercare")


class RiskLevel(models.TextChoices):
    UNKNOWN = "unknown", _("Not assessed")
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    ACUTE = "acute", _("Acute")


class Case(models.Model):
    class Kind(models.TextChoices):
        YOUNG_PERSON = "young_person", _("Young person")
        PARENT = "parent", _("Parent or carer (support in their own right)")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    reference = models.CharField(max_length=12, unique=True, default=new_reference)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.YOUNG_PERSON)
    name = EncryptedTextField(_("name"))
    date_of_birth = models.DateField(_("date of birth"))
    contact_details = EncryptedTextField(_("contact details"), blank=True)
    summary = EncryptedTextField(_("summary"), blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN)
    phase = models.CharField(_("phase"), max_length=20, choices=Phase, default=Phase.SIGNALLING)
    risk_level = models.CharField(
        _("risk level"), max_length=10, choices=RiskLevel, default=RiskLevel.UNKNOWN
    )
    caregiver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="cases_in_care",
        verbose_name=_("fixed caregiver"),
    )
    # For a parent's own case: the child's case and the person they are in it.
    child_case = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="parent_cases"
    )
    child_case_person = models.OneToOneField(
        "Person", null=True, blank=True, on_delete=models.PROTECT, related_name="own_case"
    )
    consent = models.OneToOneField(
        ChatConsent, null=True, blank=True, on_delete=models.PROTECT, related_name="case"
    )
    version = models.PositiveIntegerField(default=1)  # optimistic locking
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    close_reason = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open") | models.Q(closed_at__isnull=False),
                name="cases_closed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class Person(models.Model):
    """Someone around the client, with their relation to the client."""

    class Relation(models.TextChoices):
        PARENT_CARER = "parent_carer", _("Parent or carer")
        SIBLING = "sibling", _("Brother or sister")
        OTHER_FAMILY = "other_family", _("Other family")
        PARTNER_FRIEND = "partner_friend", _("Partner or friend")
        PROFESSIONAL = "professional", _("Involved professional")
        OTHER = "other", _("Other")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="people")
    name = EncryptedTextField(_("name"))
    relation = models.CharField(_("relation to the client"), max_length=20, choices=Relation)
    relation_detail = EncryptedTextField(_("relation, in words"), blank=True)
    contact_details = EncryptedTextField(_("contact details"), blank=True)
    has_parental_authority = models.BooleanField(_("has parental authority"), default=False)
    # A parent can be a suspected perpetrator too: the flag is separate from the relation.
    is_suspected_perpetrator = models.BooleanField(_("(suspected) perpetrator"), default=False)
    # A professional who is also a partner user (e.g. a police officer on the case).
    partner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    involved = models.BooleanField(default=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]

    def __str__(self) -> str:
        return f"person {self.pk} in {self.case_id}"


class PerpetratorFlagChange(CasePart):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="flag_changes")
    flagged = models.BooleanField()
    reason = EncryptedTextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class PhaseChange(CasePart):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="phase_changes")
    phase = models.CharField(max_length=20, choices=Phase)
    started_on = models.DateField()
    note = EncryptedTextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class CaregiverAssignment(CasePart):
    """Who was the fixed caregiver from when; every change has its reason."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="caregiver_history")
    caregiver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = EncryptedTextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class Goal(CasePart):
    class Status(models.TextChoices):
        OPEN = "open", _("Working on it")
        REACHED = "reached", _("Reached")
        DROPPED = "dropped", _("No longer pursued")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="goals")
    phase = models.CharField(_("phase"), max_length=20, choices=Phase)
    text = EncryptedTextField(_("goal"))
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class ProgressNote(CasePart):
    class Kind(models.TextChoices):
        CONTACT = "contact", _("Contact")
        NOTE = "note", _("Progress note")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes")
    goal = models.ForeignKey(
        Goal, null=True, blank=True, on_delete=models.PROTECT, related_name="notes"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.NOTE)
    phase = models.CharField(max_length=20, choices=Phase)
    happened_on = models.DateField(_("date"))
    text = EncryptedTextField(_("note"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["happened_on", "at", "id"]


class TransitionTask(CasePart):
    """The plan for the 18th birthday: what changes, and who stays involved."""

    class Topic(models.TextChoices):
        FUNDING = "funding", _("Funding after 18 (youth law ends; Wmo, Zvw or Wlz)")
        CARE = "care", _("Care: which caregivers and programmes continue")
        LEGAL = "legal", _("Legal position: parental authority ends, the client decides")
        NETWORK = "network", _("Who stays involved: people and organisations")
        PRACTICAL = "practical", _("Practical matters: income, housing, insurance, school")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="transition_tasks")
    topic = models.CharField(max_length=20, choices=Topic)
    note = EncryptedTextField(blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "topic"], name="cases_transition_topic_uniq")
        ]


class Threat(CasePart):
    class Kind(models.TextChoices):
        STALKING = "stalking", _("Stalking")
        INTIMIDATION = "intimidation", _("Intimidation or threats")
        DAMAGE = "damage", _("Damage to property")
        VIOLENCE = "violence", _("Violence")
        ONLINE = "online", _("Online: spreading or threatening to spread images")
        OTHER = "other", _("Other")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="threats")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    happened_on = models.DateField(_("date"))
    against = EncryptedTextField(_("against whom"))
    description = EncryptedTextField(_("what happened"))
    informed = EncryptedTextField(_("who was informed"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["happened_on", "at", "id"]


class SafetyMeasure(CasePart):
    class Kind(models.TextChoices):
        PLACEMENT = "placement", _("Safety placement")
        PLAN = "plan", _("Safety plan agreement")
        OTHER = "other", _("Other measure")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="safety_measures")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    agreed_on = models.DateField(_("agreed on"))
    description = EncryptedTextField(_("measure"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agreed_on", "at", "id"]


class EmergencyContact(CasePart):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="emergency_contacts")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = EncryptedTextField(_("name"))
    phone = EncryptedTextField(_("phone"))
    at = models.DateTimeField(auto_now_add=True)
    # Set when the person is flagged as (suspected) perpetrator: the row ends, it stays on record.
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]


class Disclosure(CasePart):
    """Information given to a person around the client (a notification, letter or copy)."""

    class Kind(models.TextChoices):
        NOTIFICATION = "notification", _("Notification")
        INFORMATION = "information", _("Information")
        EXPORT = "export", _("Copy of the record")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="disclosures")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="disclosures")
    kind = models.CharField(max_length=20, choices=Kind)
    text = EncryptedTextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class EmergencyAccess(CasePart):
    """A noodprocedure: a case worker opens a case they do not hold, for a stated reason.

    The grant runs for a few hours; every look and change under it is marked `emergency` in
    the access log, and supervisors and administrators review the grants.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="emergency_accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = EncryptedTextField(_("reason"))
    at = models.DateTimeField(auto_now_add=True)
    until = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]


# The meldcode track lives in its own module; importing it here registers its models.
from vangnet.cases.meldcode_models import (  # noqa: E402, F401
    MeldcodeAnswer,
    MeldcodeSignal,
    MeldcodeStepRecord,
    MeldcodeTrack,
)
