from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ConsentForm(forms.Form):
    agreed_to = forms.CharField(
        label=_("What the visitor agreed to, in their words"),
        max_length=2000,
        error_messages={"required": _("Write down what the visitor agreed to.")},
    )
    contact_details = forms.CharField(
        label=_("How they want to be contacted (optional)"), max_length=500, required=False
    )
