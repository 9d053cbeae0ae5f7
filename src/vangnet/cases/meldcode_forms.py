"""Forms of the meldcode track: shape only; the rules live in cases.meldcode."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from vangnet.cases.forms import TEXT, date_field
from vangnet.cases.meldcode_models import FrameworkQuestion, MeldcodeSignal, MeldcodeTrack
from vangnet.cases.models import Person
from vangnet.sharing.models import PartnerOrganisation, Section

if TYPE_CHECKING:
    from vangnet.accounts.models import User


class StartTrackForm(forms.Form):
    reason = forms.CharField(label=_("Why do you start the meldcode track?"), widget=TEXT)


class SignalForm(forms.Form):
    observed_on = date_field(_("Date of the signal"))
    source = forms.CharField(label=_("Source (who or what)"), max_length=500)
    description = forms.CharField(label=_("The signal"), widget=TEXT)
    link_kind = forms.ChoiceField(
        label=_("Linked to"), choices=MeldcodeSignal.Link.choices, required=False
    )
    link_id = forms.IntegerField(
        label=_("Number of the threat, note or chat message"), min_value=1, required=False
    )


class StepForm(forms.Form):
    step = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=4)
    why = forms.CharField(label=_("Outcome and reasoning"), widget=TEXT)


class ConsultForm(StepForm):
    colleague = forms.ChoiceField(label=_("Colleague consulted"))
    veilig_thuis_advice = forms.BooleanField(
        label=_("Veilig Thuis was asked for advice (anonymously: without naming the client)"),
        required=False,
    )

    def __init__(self, *args: Any, colleagues: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.colleagues = {str(u.pk): u for u in colleagues}
        cast(forms.ChoiceField, self.fields["colleague"]).choices = [
            (k, u.display_name) for k, u in self.colleagues.items()
        ]

    def clean_colleague(self) -> User:
        return self.colleagues[self.cleaned_data["colleague"]]


class TalkForm(StepForm):
    talked = forms.TypedChoiceField(
        label=_("Did the conversation with the client take place?"),
        choices=[("yes", _("Yes")), ("no", _("No: it would endanger someone"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    talked_with = forms.MultipleChoiceField(
        label=_("Also talked with (parents, carers)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, people: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Every person is offered: the service refuses a flagged one with the reason.
        self.people = {str(p.pk): p for p in people}
        cast(forms.MultipleChoiceField, self.fields["talked_with"]).choices = [
            (k, f"{p.name} ({p.get_relation_display()})") for k, p in self.people.items()
        ]

    def clean_talked_with(self) -> list[Person]:
        return [self.people[k] for k in self.cleaned_data["talked_with"]]


class AnswerForm(forms.Form):
    question = forms.TypedChoiceField(
        choices=FrameworkQuestion.choices, coerce=int, widget=forms.HiddenInput
    )
    answer = forms.TypedChoiceField(
        label=_("Answer"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    reasoning = forms.CharField(label=_("Reasoning"), widget=TEXT)


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), choices=MeldcodeTrack.Outcome.choices)
    why = forms.CharField(label=_("Decision and reasoning"), widget=TEXT)
    organisation = forms.ModelChoiceField(
        label=_("Veilig Thuis (for a report)"),
        queryset=PartnerOrganisation.objects.filter(kind=PartnerOrganisation.Kind.VEILIG_THUIS),
        required=False,
    )
    sections = forms.MultipleChoiceField(
        label=_("What the report contains"),
        choices=Section.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    purpose = forms.CharField(label=_("Purpose of the report"), widget=TEXT, required=False)
    valid_until = date_field(_("Share until"))
    valid_until.required = False
