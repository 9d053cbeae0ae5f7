"""Counting: add up `MonthlyCell` rows into tallies, one per year and one per trend bucket.

A tally maps a key `"<name>@<scope>"` to a count. Names are `n` (contacts), `<question>=<code>`,
`<question>=*known` (the answer is known), `forms_ckm=<category>` (the CKM's split by form) and
`parent_perp_over_2y`. Scopes: `all` contacts, `victims` (help-seekers who are (suspected to be)
exploited themselves) and `others` (all minus victims; never shown, but derivable, so protected).

Next to every count the tally holds the sum of the record keys of the contacts counted, under
the same key with `KEY_SUM` in front: every derived count (a rest, an age group, a quarter) is a
sum or difference of counts, and its key sum follows from theirs in the same way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import F, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from vangnet.coding import codebook
from vangnet.monitor.models import DIMENSIONS, MonthlyCell, key_column, measure_columns

SCOPES = ("all", "victims", "others")
Tally = Counter[str]
KEY_SUM = "#"
BOTH = ("", KEY_SUM)  # the count, and its key sum

# The CKM's split of contacts by form of exploitation; the categories add up to all contacts.
FORMS_CKM = (
    ("sexual_only", _("Sexual exploitation only")),
    ("sexual_criminal", _("Sexual and criminal exploitation")),
    ("criminal_only", _("Criminal exploitation only")),
    ("labour", _("Labour exploitation (alone or with other forms)")),
    ("other_combination", _("Other form or combination")),
    ("unknown_none", _("Form unknown or no exploitation")),
)


def key(name: str, scope: str = "all") -> str:
    return f"{name}@{scope}"


def forms_category(mask: int) -> str:
    forms = codebook.current().question("exploitation_forms")
    sexual, criminal, labour = (forms.bit_of(c) for c in ("sexual", "criminal", "labour"))
    known = mask & forms.known_mask
    if known == sexual:
        return "sexual_only"
    if known == sexual | criminal:
        return "sexual_criminal"
    if known == criminal:
        return "criminal_only"
    if known & labour:
        return "labour"
    if known:
        return "other_combination"
    return "unknown_none"


@dataclass(frozen=True)
class Filters:
    """Restrict the contacts counted; each list means "any of these"."""

    roles: tuple[str, ...] = ()
    age_bands: tuple[str, ...] = ()
    forms: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        return bool(self.roles or self.age_bands or self.forms or self.channels)

    def apply(self, cells: QuerySet[MonthlyCell]) -> QuerySet[MonthlyCell]:
        condition = Q()
        if self.roles:
            condition &= Q(role__in=self.roles)
        if self.age_bands:
            condition &= Q(age_band__in=self.age_bands)
        if self.channels:
            condition &= Q(channel__in=self.channels)
        if self.forms:
            mask = codebook.current().question("exploitation_forms").mask_of(self.forms)
            cells = cells.alias(forms_hit=F("forms").bitand(mask))
            condition &= Q(forms_hit__gt=0)
        return cells.filter(condition)


@dataclass
class Tallies:
    """Counts per year (every key) and per month (trend keys only)."""

    years: dict[int, Tally] = field(default_factory=dict)
    months: dict[int, Tally] = field(default_factory=dict)


def _columns_by_measure() -> dict[str, str]:
    """Measure column -> tally name."""
    names: dict[str, str] = {}
    for question in codebook.current().questions:
        if question.key in DIMENSIONS:
            continue
        for code in [*question.code_names, "known"] if question.is_multi else question.code_names:
            column = f"{question.key}_{code}"
            names[column] = f"{question.key}={'*known' if code == 'known' else code}"
    names["parent_perp_over_2y"] = "parent_perp_over_2y"
    assert set(names) == set(measure_columns())
    return names


def _scopes(is_victim: bool) -> tuple[str, str]:
    return ("all", "victims") if is_victim else ("all", "others")


def _add_dimension_rows(
    target: dict[int, Tally], rows: Iterable[dict[str, object]], dimension: str
) -> None:
    forms = codebook.current().question("exploitation_forms")
    for row in rows:
        tally = target.setdefault(int(row["bucket"]), Counter())  # type: ignore[call-overload]
        added = {"": int(row["n"]), KEY_SUM: int(row["n_key"])}  # type: ignore[call-overload]
        value = row[dimension]
        names: list[str]
        if dimension == "role":
            names = [f"role={value}"]
        elif dimension == "age_band":
            names = [f"victim_age_band={value}"]
        else:
            mask = int(value)  # type: ignore[call-overload]
            names = [f"exploitation_forms={c}" for c in forms.codes_in(mask) or [codebook.UNKNOWN]]
            if mask & forms.known_mask:
                names.append("exploitation_forms=*known")
            names.append(f"forms_ckm={forms_category(mask)}")
        for scope in _scopes(bool(row["is_victim"])):
            for name in names:
                for prefix in BOTH:
                    tally[prefix + key(name, scope)] += added[prefix]


AGE_GROUPS = {
    "*under_15": ("under_12", "12_14"),
    "*minor": ("under_12", "12_14", "15_17"),
    "*adult": ("18_23", "24_plus"),
}


def _finish(tally: Tally, questions: Iterable[str]) -> None:
    """Add the derived counts: known answers of single-choice questions, age groups."""
    book = codebook.current()
    for prefix in BOTH:
        for scope in SCOPES:
            n = tally[prefix + key("n", scope)]
            for name in questions:
                if not book.question(name).is_multi:
                    unknown = tally[prefix + key(f"{name}={codebook.UNKNOWN}", scope)]
                    tally[prefix + key(f"{name}=*known", scope)] = n - unknown
            for group, bands in AGE_GROUPS.items():
                tally[prefix + key(f"victim_age_band={group}", scope)] = sum(
                    tally[prefix + key(f"victim_age_band={band}", scope)] for band in bands
                )


TREND_COLUMNS = (
    "first_helper_contact_yes",
    "perpetrator_relation_parent_stepparent",
    "recruitment_channel_social_media",
    "recruitment_channel_known",
    "coercion_means_threat_share_images",
    "parent_perp_over_2y",
)


def count(
    *, first_year: int, last_year: int, filters: Filters, with_months: bool = True
) -> Tallies:
    """Every count for the years asked, in a handful of grouped queries over the summary."""
    cells = filters.apply(
        MonthlyCell.objects.filter(month__gte=first_year * 12, month__lt=(last_year + 1) * 12)
    )
    names = _columns_by_measure()
    tallies = Tallies()
    _count_grouped(tallies.years, cells, 12, list(names), names, ["role", "age_band", "forms"])
    if with_months:
        _count_grouped(tallies.months, cells, 1, list(TREND_COLUMNS), names, ["age_band"])
    for tally in tallies.years.values():
        _finish(tally, codebook.question_keys())
    for tally in tallies.months.values():
        _finish(tally, ["victim_age_band"])
    return tallies


def _count_grouped(
    target: dict[int, Tally],
    cells: QuerySet[MonthlyCell],
    divisor: int,
    columns: list[str],
    names: dict[str, str],
    dimensions: list[str],
) -> None:
    bucketed = cells.annotate(bucket=F("month") / divisor)
    sums = {"s_n": Sum("n"), "k_n": Sum("n_key")}
    for column in columns:
        sums |= {f"s_{column}": Sum(column), f"k_{column}": Sum(key_column(column))}
    main = bucketed.values("bucket", "is_victim").annotate(**sums).order_by()
    labels = {"n": "n"} | {column: names[column] for column in columns}
    for row in main:
        tally = target.setdefault(int(row["bucket"]), Counter())
        for scope in _scopes(bool(row["is_victim"])):
            for column, name in labels.items():
                tally[key(name, scope)] += int(row[f"s_{column}"] or 0)
                tally[KEY_SUM + key(name, scope)] += int(row[f"k_{column}"] or 0)
    for dimension in dimensions:
        rows = (
            bucketed.values("bucket", "is_victim", dimension)
            .annotate(n=Sum("n"), n_key=Sum("n_key"))
            .order_by()
        )
        _add_dimension_rows(target, rows, dimension)
