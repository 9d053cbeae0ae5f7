"""Input forms: they parse and check the shape of input; the rules live in services."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from vangnet.cases.models import (
    Case,
    Disclosure,
    Goal,
    Person,
    Phase,
    ProgressNote,
    RiskLevel,
    SafetyMeasure,
    Threat,
)
from vangnet.sharing.models import PartnerOrganisation, Section, Share

if TYPE_CHECKING:
    from vangnet.accounts.models import User

TEXT = forms.Textarea(attrs={"rows": 3})


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


def date_field(label: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=DateInput())


class VersionedForm(forms.Form):
    """Carries the case version the person saw, for optimistic locking."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CaseSearchForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    date_of_birth = date_field(_("Date of birth"))


class NewCaseForm(CaseSearchForm):
    contact_details = forms.CharField(label=_("Contact details"), required=False, widget=TEXT)
    summary = forms.CharField(label=_("Summary"), required=False, widget=TEXT)
    checked_duplicates = forms.BooleanField(
        label=_("I checked the search results: this client has no case yet."), required=True
    )


class ChatCaseForm(CaseSearchForm):
    summary = forms.CharField(label=_("Summary"), required=False, widget=TEXT)


class CaseEditForm(VersionedForm):
    summary = forms.CharField(label=_("Summary"), required=False, widget=TEXT)
    contact_details = forms.CharField(label=_("Contact details"), required=False, widget=TEXT)
    risk_level = forms.ChoiceField(label=_("Risk level"), choices=RiskLevel.choices)


class CloseForm(VersionedForm):
    reason = forms.CharField(label=_("Why is the case closed?"), widget=TEXT)


class PersonForm(forms.Form):
    name = forms.CharField(label=_("Name or description"), max_length=200)
    relation = forms.ChoiceField(label=_("Relation to the client"), choices=Person.Relation.choices)
    relation_detail = forms.CharField(label=_("Relation, in words"), required=False)
    contact_details = forms.CharField(label=_("Contact details"), required=False, widget=TEXT)
    has_parental_authority = forms.BooleanField(label=_("Has parental authority"), required=False)
    is_suspected_perpetrator = forms.BooleanField(
        label=_("(Suspected) perpetrator"), required=False
    )
    partner_user = forms.ChoiceField(
        label=_("Partner account of this professional (optional)"), required=False
    )

    def __init__(self, *args: Any, partners: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.partners = {str(u.pk): u for u in partners}
        choices = [("", "—")] + [
            (k, f"{u.display_name} ({u.organisation})") for k, u in self.partners.items()
        ]
        cast(forms.ChoiceField, self.fields["partner_user"]).choices = choices

    def clean_partner_user(self) -> User | None:
        return self.partners.get(self.cleaned_data["partner_user"])


class FlagForm(forms.Form):
    flagged = forms.TypedChoiceField(
        choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1", widget=forms.HiddenInput
    )
    reason = forms.CharField(label=_("Reason"), required=False, widget=TEXT)


class InformForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What"),
        choices=[
            (Disclosure.Kind.INFORMATION, Disclosure.Kind.INFORMATION.label),
            (Disclosure.Kind.NOTIFICATION, Disclosure.Kind.NOTIFICATION.label),
        ],
    )
    text = forms.CharField(label=_("What did you tell this person?"), widget=TEXT)


class ParentCaseForm(forms.Form):
    date_of_birth = date_field(_("Date of birth of the parent"))
    summary = forms.CharField(label=_("Their own goals and questions"), required=False, widget=TEXT)


class PhaseForm(VersionedForm):
    phase = forms.ChoiceField(label=_("New phase"), choices=Phase.choices)
    started_on = date_field(_("Started on"))
    note = forms.CharField(label=_("Note"), required=False, widget=TEXT)


class CaregiverForm(VersionedForm):
    caregiver = forms.ChoiceField(label=_("New fixed caregiver"))
    reason = forms.CharField(label=_("Reason for the change"), widget=TEXT)

    def __init__(self, *args: Any, workers: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workers = {str(w.pk): w for w in workers}
        cast(forms.ChoiceField, self.fields["caregiver"]).choices = [
            (k, w.display_name) for k, w in self.workers.items()
        ]


class GoalForm(forms.Form):
    text = forms.CharField(label=_("Goal"), widget=TEXT)


class GoalStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Goal.Status.choices)


class NoteForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ProgressNote.Kind.choices)
    happened_on = date_field(_("Date"))
    text = forms.CharField(label=_("Note"), widget=TEXT)


class TaskForm(forms.Form):
    note = forms.CharField(label=_("What was arranged"), widget=TEXT)


class ThreatForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Threat.Kind.choices)
    happened_on = date_field(_("Date"))
    against = forms.CharField(label=_("Against whom"), max_length=200)
    description = forms.CharField(label=_("What happened"), widget=TEXT)
    informed = forms.CharField(label=_("Who was informed"), required=False)


class SafetyForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SafetyMeasure.Kind.choices)
    agreed_on = date_field(_("Agreed on"))
    description = forms.CharField(label=_("Measure"), widget=TEXT)


def _people_choices(people: list[Person]) -> list[tuple[str, str]]:
    return [(str(p.pk), f"{p.name} ({p.get_relation_display()})") for p in people]


class EmergencyContactForm(forms.Form):
    person = forms.ChoiceField(label=_("Someone around the client (optional)"), required=False)
    name = forms.CharField(label=_("Name"), required=False, max_length=200)
    phone = forms.CharField(label=_("Phone"), max_length=50)

    def __init__(self, *args: Any, people: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A flagged person is not offered at all; the service refuses them as well.
        safe = [p for p in people if not p.is_suspected_perpetrator]
        self.people = {str(p.pk): p for p in safe}
        cast(forms.ChoiceField, self.fields["person"]).choices = [("", "—"), *_people_choices(safe)]


class ShareForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Partner organisation"), queryset=PartnerOrganisation.objects.all()
    )
    sections = forms.MultipleChoiceField(
        label=_("What to share"), choices=Section.choices, widget=forms.CheckboxSelectMultiple
    )
    purpose = forms.CharField(label=_("Purpose"), widget=TEXT)
    basis = forms.ChoiceField(label=_("Basis"), choices=Share.Basis.choices)
    basis_detail = forms.CharField(label=_("Basis, explained"), required=False, widget=TEXT)
    client_consents = forms.BooleanField(label=_("The client consents"), required=False)
    consenting_parents = forms.MultipleChoiceField(
        label=_("Parents with authority who consent"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    valid_until = date_field(_("Shared until"))

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only parents with authority who are not flagged can give consent.
        parents = list(
            case.people.filter(
                has_parental_authority=True, involved=True, is_suspected_perpetrator=False
            )
        )
        self.parents = {str(p.pk): p for p in parents}
        cast(forms.ChoiceField, self.fields["consenting_parents"]).choices = _people_choices(
            parents
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=TEXT)


class EmergencyReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Why must you open this case now?"),
        max_length=1000,
        widget=TEXT,
        error_messages={"required": _("State why you must open this case now.")},
    )


class ReportForm(forms.Form):
    reference = forms.CharField(label=_("Case reference"), max_length=12)
