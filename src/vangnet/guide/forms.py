"""Forms of the public guide. Every error message is translated and never echoes the input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from vangnet.guide.models import Audience
from vangnet.guide.regions import (
    POSTCODE_HELP,
    POSTCODE_RE,
    REGION_MAX_LENGTH,
    Province,
    normalised,
    parse_region,
    provinces_for_postcode,
    region_code,
)
from vangnet.guide.selectors import Need
from vangnet.guide.selfcheck import THEME_LABELS, SelfCheck

NOT_AN_OPTION = _("Choose one of the options in the list.")
NOT_A_BOX = _("One of the answers could not be read. Tick only the boxes on this page.")
MAX_BODY_BYTES = 16 * 1024
POSTCODE_MAX_LENGTH = 7  # the self-check sends a few short keys; anything bigger is not ours
BAD_REGION = _(
    "The region in this address could not be read. Choose a province or enter a postcode."
)


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
    # Not shown on the page: the browser sends it instead of the postcode (directory-search.js
    # looks the postcode's region up itself), so the postcode never leaves the browser.
    region = forms.CharField(
        label=_("Region"),
        max_length=REGION_MAX_LENGTH,
        required=False,
        strip=False,  # as the quick check below: " NH" is not a region
        error_messages={"max_length": BAD_REGION},
    )

    def clean_postcode(self) -> str:
        postcode: str = self.cleaned_data["postcode"].strip()
        if not postcode:
            return ""
        if not POSTCODE_RE.match(postcode):
            raise forms.ValidationError(_("Enter a Dutch postcode, like 1234 or 1234 AB."))
        return postcode

    def clean_region(self) -> str:
        region: str = self.cleaned_data["region"]
        if not region:
            return ""
        provinces = parse_region(region)
        if provinces is None:
            raise forms.ValidationError(BAD_REGION)
        return region_code(provinces)

    def provinces(self) -> tuple[str, ...]:
        """The chosen province, or else the region's provinces, or else those the postcode area
        may lie in; in the normalised order."""
        return _provinces(
            self.cleaned_data.get("province", ""),
            self.cleaned_data.get("region", ""),
            self.cleaned_data.get("postcode", ""),
        )

    @classmethod
    def variant_of(cls, query: QueryDict) -> str | None:
        """A valid search, normalised: what its result depends on, never the postcode itself
        (only the provinces it lies in); None when the form would refuse the search.

        Worked out without building the form: its deep-copied fields cost more than serving
        the shared page of the search (core/pagecache.py). A test holds it to the form's
        own validation."""
        chosen = _chosen(query)
        if chosen is None:
            return None
        need, audience, province, region, postcode = chosen
        return "|".join((need, audience, province, *_provinces(province, region, postcode)))

    @classmethod
    def canonical_query(cls, query: QueryDict) -> str | None:
        """The one query string of this search that nginx may micro-cache: need, audience and
        then the chosen province or else the region, in that order, nothing else (never a
        postcode). None when the form would refuse the search."""
        chosen = _chosen(query)
        if chosen is None:
            return None
        need, audience, province, region, postcode = chosen
        pairs = [("need", need), ("audience", audience)]
        if province:
            pairs.append(("province", province))
        elif provinces := _provinces(province, region, postcode):
            pairs.append(("region", region_code(provinces)))
        return urlencode(pairs)


def _chosen(query: QueryDict) -> tuple[str, str, str, str, str] | None:
    """need, audience, province, region (normalised) and postcode of a search the form would
    accept; None otherwise. Mirrors the form's validation (a test holds it to that)."""
    chosen = []
    for name in ("need", "audience", "province"):
        value = query.get(name, "")
        if value and value not in _CHOICE_VALUES[name]:
            return None
        chosen.append(value)
    region = query.get("region", "")
    provinces = parse_region(region) if region else ()
    if provinces is None:
        return None
    postcode = query.get("postcode", "").strip()
    if len(postcode) > POSTCODE_MAX_LENGTH or (postcode and not POSTCODE_RE.match(postcode)):
        return None
    return chosen[0], chosen[1], chosen[2], region_code(provinces), postcode


def _provinces(province: str, region: str, postcode: str) -> tuple[str, ...]:
    if province:
        return (province,)
    if region:
        return parse_region(region) or ()
    return normalised(provinces_for_postcode(postcode))


_CHOICE_VALUES = {
    name: frozenset(str(value) for value, _label in field.choices)  # type: ignore[attr-defined]
    for name, field in DirectoryForm.base_fields.items()
    if name not in {"postcode", "region"}
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
