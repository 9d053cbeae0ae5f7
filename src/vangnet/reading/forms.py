from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vangnet.coding import codebook


class ResearchForm(forms.Form):
    """Which de-identified transcripts to read, and why (the why goes into the access log)."""

    purpose = forms.CharField(
        label=_("Purpose of reading"),
        min_length=10,
        max_length=250,
        help_text=_("Say what you need the transcripts for; it is kept in the access log."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    since = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))
    role = forms.ChoiceField(label=_("Who is in contact"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["since"].initial = date(today.year, 1, 1)
        self.fields["until"].initial = today
        question = codebook.current().question("role")
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = [("", _("Everyone"))] + [(c.code, c.label) for c in question.codes]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data
