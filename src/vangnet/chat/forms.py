from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from vangnet.chat.models import SavedReply


class ConsentForm(forms.Form):
    agreed_to = forms.CharField(
        label=_("What the visitor agreed to, in their words"),
        max_length=2000,
        error_messages={"required": _("Write down what the visitor agreed to.")},
    )
    contact_details = forms.CharField(
        label=_("How they want to be contacted (optional)"), max_length=500, required=False
    )


class SavedReplyForm(forms.ModelForm):  # type: ignore[type-arg]
    """A saved reply as a supervisor writes it: a Dutch title and text at least."""

    class Meta:
        model = SavedReply
        fields = ["title_nl", "text_nl", "title_en", "text_en", "active"]
        widgets = {
            "text_nl": forms.Textarea(attrs={"rows": 4}),
            "text_en": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "title_en": _("Optional. Without it, the Dutch title is shown."),
            "text_en": _("Optional. Without it, visitors chatting in English get the Dutch text."),
        }
        error_messages = {
            "title_nl": {"required": _("Give the reply a short Dutch title.")},
            "text_nl": {"required": _("Write the Dutch text of the reply.")},
        }

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("title_en") and not data.get("text_en"):
            self.add_error("text_en", _("Write the English text too, or leave the title empty."))
        return data
