from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from vangnet.accounts.models import User
from vangnet.coding import codebook
from vangnet.coding.models import Channel
from vangnet.core.roles import Role
from vangnet.monitor.figures import GRANULARITIES
from vangnet.monitor.models import DEFAULT_K
from vangnet.monitor.projects import MAX_K, MIN_K
from vangnet.monitor.services import MAX_MIN_CELL
from vangnet.monitor.tallies import Filters

GRANULARITY_LABELS = {"month": _("Month"), "quarter": _("Quarter"), "year": _("Year")}


class MonitorForm(forms.Form):
    """The period and filters, read from the query string; wrong values fall back to defaults."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    granularity = forms.ChoiceField(
        label=_("Trend by"),
        choices=[(g, GRANULARITY_LABELS[g]) for g in GRANULARITIES],
        initial="quarter",
        required=False,
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year_field = cast(forms.TypedChoiceField, self.fields["year"])
        year_field.choices = [(y, str(y)) for y in reversed(years)]
        self.fields["year"].initial = years[-1]
        book = codebook.current()
        for name, question_key, label in (
            ("role", "role", _("Who is in contact")),
            ("age_band", "victim_age_band", _("Age")),
            ("form", "exploitation_forms", _("Form of exploitation")),
        ):
            question = book.question(question_key)
            self.fields[name] = _one_or_all(label, [(c.code, c.label) for c in question.codes])
        self.fields["channel"] = _one_or_all(_("Channel"), list(Channel.choices))

    def values(self, years: list[int]) -> tuple[int, str, Filters]:
        if not self.is_valid():
            return years[-1], "quarter", Filters()
        data = self.cleaned_data
        return (
            int(data["year"]),
            data.get("granularity") or "quarter",
            Filters(
                roles=_chosen(data["role"]),
                age_bands=_chosen(data["age_band"]),
                forms=_chosen(data["form"]),
                channels=_chosen(data["channel"]),
            ),
        )

    def filter_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("role", "age_band", "form", "channel")]


def _one_or_all(label: Any, choices: list[tuple[str, Any]]) -> forms.ChoiceField:
    """One value per filter, or all: every extra combination of the same contacts would be one
    more noisy view of them to average (docs/disclosure.md)."""
    return forms.ChoiceField(
        label=label,
        choices=[("", _("All")), *choices],
        required=False,
        widget=forms.RadioSelect,
    )


def _chosen(value: str) -> tuple[str, ...]:
    return (value,) if value else ()


class ThresholdForm(forms.Form):
    min_cell = forms.IntegerField(
        label=_("Smallest count shown"), min_value=1, max_value=MAX_MIN_CELL
    )


class ResearcherField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 4}))
    data_agreement = forms.CharField(label=_("Data agreement reference"), max_length=100)
    researchers = ResearcherField(
        label=_("Researchers"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    end_date = forms.DateField(label=_("End date"), widget=forms.DateInput(attrs={"type": "date"}))
    k = forms.IntegerField(
        label=_("Smallest group in the export (k)"),
        initial=DEFAULT_K,
        min_value=MIN_K,
        max_value=MAX_K,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(ResearcherField, self.fields["researchers"])
        field.queryset = User.objects.filter(
            is_active=True, groups__name=Role.RESEARCHER.value
        ).order_by("username")
