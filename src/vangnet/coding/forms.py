"""The coding form, built from a codebook version: radios for single, checkboxes for multi."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vangnet.coding import codebook
from vangnet.coding.models import Channel, NotCodeableReason


class ContactForm(forms.Form):
    """Every single-choice question starts at `unknown`, so a short chat is coded in seconds."""

    def __init__(
        self, *args: Any, book: codebook.Codebook, with_channel: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.book = book
        if with_channel:
            self.fields["channel"] = forms.ChoiceField(
                label=_("Channel"),
                choices=Channel.choices,
                initial=Channel.PHONE,
                widget=forms.RadioSelect,
            )
            self.fields["contact_date"] = forms.DateField(
                label=_("Date of the contact"),
                initial=timezone.localdate,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            )
        for question in book.questions:
            choices = [(code.code, code.label) for code in question.codes]
            if question.is_multi:
                self.fields[question.key] = forms.MultipleChoiceField(
                    label=question.label,
                    choices=choices,
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                    help_text=_("Choose all that apply; none chosen means unknown."),
                )
            else:
                self.fields[question.key] = forms.ChoiceField(
                    label=question.label,
                    choices=choices,
                    initial=codebook.UNKNOWN,
                    widget=forms.RadioSelect,
                )

    def answers(self) -> dict[str, object]:
        return {key: self.cleaned_data.get(key) for key in self.book.keys}

    def question_fields(self) -> list[forms.BoundField]:
        return [self[key] for key in self.book.keys]


class NotCodeableForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why can this chat not be coded?"),
        choices=NotCodeableReason.choices,
        widget=forms.RadioSelect,
    )
