"""Input forms of the partner's side; the case worker's share form is on the case page (cases)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class RespondForm(forms.Form):
    text = forms.CharField(
        label=_("Response (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
