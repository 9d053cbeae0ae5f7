"""Forms of the public guide. Every error message is translated and never echoes the input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from vangnet.guide.models import Audience
from vangnet.guide.regions import POSTCODE_HELP, POSTCODE_RE, Province, provinces_for_postcode
from vangnet.guide.selectors import Need
from vangnet.guide.selfcheck import THEME_LABELS, SelfCheck

NOT_AN_OPTION = _("Choose one of the options in the list.")
NOT_A_BOX = _("One of the answers could not be read. Tick only the boxes on this page.")
MAX_BODY_BYTES = 16 * 1024
POSTCODE_MAX_LENGTH = 7  # the self-check sends a few short keys; anything bigger is not ours


class DirectoryForm(forms.Form):
    need = forms.ChoiceField(
        label=_("What do you need?"),
        choices=[("", _("Anything"))] + list(Need.choices),
        required=False,
        error_messages={"invalid_choice": NOT_AN_OPTION},
    )
    audience = forms.ChoiceField(
        label=_("Who is it for?"),
        choices=[("", _("Everyone"))] + list(Audience.choices),
        required=False,
        error_messages={"invalid_choice": NOT_AN_OPTION},
    )
    province = forms.ChoiceField(
        label=_("Province"),
        choices=[("", _("Any province"))] + list(Province.choices),
        required=False,
        error_messages={"invalid_choice": NOT_AN_OPTION},
    )
    postcode = forms.CharField(
        label=_("Or your postcode"),
        help_text=POSTCODE_HELP,
        max_length=POSTCODE_MAX_LENGTH,
        required=False,
        error_messages={"max_length": _("A postcode has at most 7 characters, like 1234 AB.")},
    )

    def clean_postcode(self) -> str:
        postcode: str = self.cleaned_data["postcode"].strip()
        if not postcode:
            return ""
        if not POSTCODE_RE.match(postcode):
            raise forms.ValidationError(_("Enter a Dutch postcode, like 1234 or 1234 AB."))
        return postcode

    def provinces(self) -> tuple[str, ...]:
        """The chosen province, or else the provinces the postcode area may lie in."""
        if self.cleaned_data.get("province"):
            return (self.cleaned_data["province"],)
        return tuple(provinces_for_postcode(self.cleaned_data.get("postcode", "")))

    @classmethod
    def variant_of(cls, query: QueryDict) -> str | None:
        """A valid search, normalised: what its result depends on, never the postcode itself
        (only the provinces it lies in); None when the form would refuse the search.

        Worked out without building the form: its deep-copied fields cost more than serving
        the shared page of the search (core/pagecache.py). A test holds it to the form's
        own validation."""
        chosen = []
        for name in ("need", "audience", "province"):
            value = query.get(name, "")
            if value and value not in _CHOICE_VALUES[name]:
                return None
            chosen.append(value)
        postcode = query.get("postcode", "").strip()
        if len(postcode) > POSTCODE_MAX_LENGTH or (postcode and not POSTCODE_RE.match(postcode)):
            return None
        provinces = (chosen[2],) if chosen[2] else provinces_for_postcode(postcode)
        return "|".join((*chosen, *provinces))


_CHOICE_VALUES = {
    name: frozenset(str(value) for value, _label in field.choices)  # type: ignore[attr-defined]
    for name, field in DirectoryForm.base_fields.items()
    if name != "postcode"
}


class SelfCheckForm(forms.Form):
    """One group of check boxes for acute danger, and one per theme of signals."""

    def __init__(self, *args: Any, check: SelfCheck, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.check = check
        self.fields["acute"] = self._boxes(
            _("Is there danger right now?"), [(q.key, q.text) for q in check.acute]
        )
        for theme, signals in check.themes():
            self.fields[f"theme_{theme.value}"] = self._boxes(
                THEME_LABELS[theme], [(s.key, s.text) for s in signals]
            )

    @staticmethod
    def _boxes(label: Any, choices: list[tuple[str, Any]]) -> forms.MultipleChoiceField:
        return forms.MultipleChoiceField(
            label=label,
            choices=choices,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            error_messages={"invalid_choice": NOT_A_BOX, "invalid_list": NOT_A_BOX},
        )

    def answers(self) -> set[str]:
        return {key for values in self.cleaned_data.values() for key in values}
