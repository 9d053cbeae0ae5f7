"""The meldcode track (Wet verplichte meldcode huiselijk geweld en kindermishandeling).

A track belongs to a case, or to a chat before it became a case. It follows the five steps of
the model code; steps 4 and 5 ask the questions of the 2019 afwegingskader in their order.
Every row says who, when and why; free text is encrypted at rest. Imported by cases.models.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vangnet.core.fields import EncryptedTextField


class MeldcodeStep(models.IntegerChoices):
    SIGNALS = 1, _("1. Map the signals")
    CONSULT = 2, _("2. Consult a colleague (and if needed Veilig Thuis)")
    TALK = 3, _("3. Talk with the client (and parents)")
    WEIGH = 4, _("4. Weigh the violence or its risk")
    DECIDE = 5, _("5. Decide: organise help and/or report")


class FrameworkQuestion(models.IntegerChoices):
    """The five questions of the 2019 afwegingskader, in their order (our own wording)."""

    SUSPICION = 1, _("Is there a reasonable suspicion of domestic violence or child abuse?")
    UNSAFETY = (
        2,
        _("Is there acute or structural unsafety? (If yes, a report to Veilig Thuis is required.)"),
    )
    HELP_POSSIBLE = (
        3,
        _("Can I (or we) offer or organise sufficient help to end the (risk of) unsafety?"),
    )
    HELP_ACCEPTED = 4, _("Do the client and the people involved accept that help and take part?")
    SAFE_IN_TIME = 5, _("Does the help lead to safety within a reasonable time?")


class MeldcodeTrack(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Outcome(models.TextChoices):
        NO_SUSPICION = "no_suspicion", _("No reasonable suspicion: track closed")
        HELP = "help", _("Organise help")
        REPORT = "report", _("Report to Veilig Thuis")
        HELP_AND_REPORT = "help_and_report", _("Report to Veilig Thuis and organise help")

    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meldcode_tracks",
    )
    # A track can start in a chat before there is a case; it joins the case opened from that chat.
    conversation = models.ForeignKey(
        "chat.Conversation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = EncryptedTextField(_("why the track starts"))
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN)
    outcome = models.CharField(max_length=20, choices=Outcome, blank=True)
    report_share = models.ForeignKey(
        "sharing.Share", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    # Moves with every recorded signal, step or answer: the 14-day flag counts from here.
    last_activity_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(case__isnull=False) | models.Q(conversation__isnull=False),
                name="cases_meldcode_track_has_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"meldcode track {self.pk}"


class MeldcodeSignal(models.Model):
    """Step 1: one signal, with its date and source, optionally linked to a part of the case."""

    class Link(models.TextChoices):
        NONE = "", _("Not linked")
        THREAT = "threat", _("Threat or incident")
        NOTE = "note", _("Progress note")
        CHAT = "chat", _("Chat excerpt")

    track = models.ForeignKey(MeldcodeTrack, on_delete=models.PROTECT, related_name="signals")
    observed_on = models.DateField(_("date of the signal"))
    source = EncryptedTextField(_("source (who or what)"))
    description = EncryptedTextField(_("the signal"))
    link_kind = models.CharField(max_length=10, choices=Link, blank=True)
    link_id = models.PositiveIntegerField(null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["observed_on", "at", "id"]

    def __str__(self) -> str:
        return f"signal {self.pk}"


class MeldcodeStepRecord(models.Model):
    """A step completed: who, when and why (the outcome in words)."""

    track = models.ForeignKey(MeldcodeTrack, on_delete=models.PROTECT, related_name="steps")
    step = models.PositiveSmallIntegerField(choices=MeldcodeStep)
    why = EncryptedTextField(_("outcome and reasoning"))
    # Step 2: the colleague consulted, and whether Veilig Thuis gave (anonymous) advice.
    colleague = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    veilig_thuis_advice = models.BooleanField(default=False)
    # Step 3: whether the conversation took place; if not, `why` holds the danger it would cause.
    talked = models.BooleanField(null=True)
    talked_with = models.ManyToManyField("cases.Person", blank=True, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["step", "at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["track", "step"], name="cases_meldcode_step_once"),
        ]

    def __str__(self) -> str:
        return f"meldcode step {self.step} of track {self.track_id}"


class MeldcodeAnswer(models.Model):
    """Step 4: one answer of the afwegingskader with its reasoning."""

    track = models.ForeignKey(MeldcodeTrack, on_delete=models.PROTECT, related_name="answers")
    question = models.PositiveSmallIntegerField(choices=FrameworkQuestion)
    answer = models.BooleanField()
    reasoning = EncryptedTextField(_("reasoning"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["question", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["track", "question"], name="cases_meldcode_answer_once"
            ),
        ]

    def __str__(self) -> str:
        return f"answer {self.question} of track {self.track_id}"
