"""The monitor's figures: the CKM table, distributions and trends, after disclosure control."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any, cast

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from vangnet.coding import codebook
from vangnet.monitor import cellkey, disclosure, tallies
from vangnet.monitor.tallies import FORMS_CKM, Filters, Tally, key

DEN_ALL = _("of all contacts")
DEN_VICTIMS = _("of victims")
DEN_KNOWN = _("of victims for whom this is known")
DEN_PARENT = _("of victims with a (step)parent among the perpetrators")
GRANULARITIES = ("month", "quarter", "year")


@dataclass(frozen=True)
class FigureDef:
    id: str
    label: Promise | str
    numerator: str
    denominator: str | None = None
    denominator_label: Promise | str = ""
    trend: bool = False


CKM_FIGURES: tuple[FigureDef, ...] = (
    FigureDef("contacts", _("Contacts"), key("n"), trend=True),
    FigureDef(
        "victims",
        _("Help-seekers exploited themselves (victims)"),
        key("n", "victims"),
        key("n"),
        DEN_ALL,
        trend=True,
    ),
    *(
        FigureDef(f"forms_{cat}", label, key(f"forms_ckm={cat}"), key("n"), DEN_ALL)
        for cat, label in FORMS_CKM
    ),
    FigureDef(
        "first_time",
        _("Talking to a helper for the first time"),
        key("first_helper_contact=yes", "victims"),
        key("n", "victims"),
        DEN_VICTIMS,
        trend=True,
    ),
    FigureDef(
        "minors",
        _("Minors (under 18)"),
        key("victim_age_band=*minor", "victims"),
        key("victim_age_band=*known", "victims"),
        DEN_KNOWN,
        trend=True,
    ),
    FigureDef(
        "under_15",
        _("Younger than 15"),
        key("victim_age_band=*under_15", "victims"),
        key("victim_age_band=*known", "victims"),
        DEN_KNOWN,
        trend=True,
    ),
    FigureDef(
        "parent",
        _("(Step)parent among the perpetrators"),
        key("perpetrator_relation=parent_stepparent", "victims"),
        key("n", "victims"),
        DEN_VICTIMS,
        trend=True,
    ),
    FigureDef(
        "parent_over_2y",
        _("Exploitation lasting over two years, where a (step)parent is a perpetrator"),
        key("parent_perp_over_2y", "victims"),
        key("perpetrator_relation=parent_stepparent", "victims"),
        DEN_PARENT,
        trend=True,
    ),
    FigureDef(
        "social_media",
        _("Met the exploiter through social media"),
        key("recruitment_channel=social_media", "victims"),
        key("recruitment_channel=*known", "victims"),
        DEN_KNOWN,
        trend=True,
    ),
    FigureDef(
        "nude_images",
        _("Threatened with spreading nude images"),
        key("coercion_means=threat_share_images", "victims"),
        key("n", "victims"),
        DEN_VICTIMS,
        trend=True,
    ),
)
TREND_FIGURES = tuple(f for f in CKM_FIGURES if f.trend)

Bucket = Hashable  # ("Y", year), ("Q", quarter index) or ("M", month index)


SMALL = "small"  # hidden: below the threshold
PROTECTING = "protecting"  # hidden: not small, but it would give a small count away


@dataclass(frozen=True)
class Number:
    """One count: the truth (`count`, never rendered) and what is published of it."""

    count: int
    hidden: bool
    min_cell: int
    published: int | None = None  # perturbed (cellkey.py); None when hidden
    cell: str = ""  # which count this is, for the page's data attributes and the attack tests

    @property
    def reason(self) -> str:
        if not self.hidden:
            return ""
        return SMALL if self.count < self.min_cell else PROTECTING

    def __str__(self) -> str:
        if self.reason == SMALL:
            return disclosure.hidden_label(self.min_cell)
        if self.reason == PROTECTING:
            return disclosure.protecting_label()
        return f"{self.published}"


def disclosed(value: int, *, suppressed: bool, key: int, min_cell: int, cell: str) -> Number:
    """A count as the page may show it: hidden when small or protecting (`suppressed` by the
    secondary suppression), else perturbed with its cell key (cellkey.py)."""
    hidden = suppressed or value < min_cell
    published = None if hidden else cellkey.published(value, key, min_cell=min_cell)
    return Number(value, hidden, min_cell, published, cell)


_NONE = Number(0, True, 1)


@dataclass(frozen=True)
class Shown:
    """One figure in one period: its count, its denominator and the percentage of the two."""

    figure_id: str
    label: Any
    numerator: Number
    denominator: Number | None
    denominator_label: Any

    @property
    def percent(self) -> float | None:
        numerator, denominator = self.numerator.published, (self.denominator or _NONE).published
        if numerator is None or not denominator:
            return None
        # Of the published counts, so the percentage undoes no perturbation.
        return min(100.0, 100.0 * numerator / denominator)

    @property
    def percent_text(self) -> str:
        value = self.percent
        return "" if value is None else f"{value:.1f}%".replace(".", ",", 1)


# Each question is shown over one population: what the contact was about over all contacts,
# what the victim lived through over victims (the CKM's denominators). Showing both would let
# "all minus victims" reveal small groups of other help-seekers.
CONTACT_QUESTIONS = frozenset(
    {"role", "acute_danger", "victim_exploited", "exploitation_forms", "outcome"}
)


def scope_of(question_key: str) -> str:
    return "all" if question_key in CONTACT_QUESTIONS else "victims"


@dataclass
class DistributionRow:
    code: str
    label: str
    shown: Shown


@dataclass
class Distribution:
    key: str
    label: str
    multi: bool
    scope: str
    denominator_label: Any
    rows: list[DistributionRow]


@dataclass
class TrendRow:
    bucket: Bucket
    label: str
    figures: list[Shown]


@dataclass
class MonitorResult:
    year: int
    granularity: str
    filters: Filters
    min_cell: int
    ckm: list[Shown]
    by_year: dict[int, list[Shown]]
    distributions: list[Distribution]
    trend: list[TrendRow]
    no_data: bool = False  # the whole year has no coded contact (saying so reveals nobody)

    @property
    def max_noise(self) -> int:
        return cellkey.MAX_NOISE

    @property
    def protecting_label(self) -> str:
        return disclosure.protecting_label()

    @property
    def previous(self) -> list[Shown] | None:
        return self.by_year.get(self.year - 1)


def bucket_label(bucket: Bucket) -> str:
    kind, index = cast(tuple[str, int], bucket)
    if kind == "Y":
        return str(index)
    if kind == "Q":
        return str(_("%(year)d Q%(quarter)d") % {"year": index // 4, "quarter": index % 4 + 1})
    return f"{index // 12}-{index % 12 + 1:02d}"


def _with_rests(tally: Tally) -> None:
    """The rest of each figure (denominator minus numerator) can be worked out, so protect it."""
    for figure in CKM_FIGURES:
        if figure.denominator is not None:
            for prefix in tallies.BOTH:
                tally[f"{prefix}rest:{figure.id}"] = (
                    tally[prefix + figure.denominator] - tally[prefix + figure.numerator]
                )


def _tally_partitions(bucket: Bucket, full: bool) -> list[disclosure.Partition]:
    """Sets of counts in one bucket that add up to another count the page shows."""

    def cell(name: str) -> tuple[Bucket, str]:
        return (bucket, name)

    book = codebook.current()
    partitions = [
        disclosure.Partition(cell(key("n")), (cell(key("n", "victims")), cell(key("n", "others"))))
    ]
    questions = book.questions if full else [book.question("victim_age_band")]
    for question in questions:
        scope = scope_of(question.key)
        n = cell(key("n", scope))
        if not question.is_multi:
            codes = tuple(cell(key(f"{question.key}={c}", scope)) for c in question.code_names)
            partitions.append(disclosure.Partition(n, codes))
        if question.key in ("victim_age_band", "recruitment_channel"):
            # Their "known" counts are shown as denominators.
            known = (
                cell(key(f"{question.key}=*known", scope)),
                cell(key(f"{question.key}={codebook.UNKNOWN}", scope)),
            )
            partitions.append(disclosure.Partition(n, known))
    if full:
        categories = tuple(cell(key(f"forms_ckm={cat}")) for cat, _label in FORMS_CKM)
        partitions.append(disclosure.Partition(cell(key("n")), categories))
        # One count under two names (the CKM's "form unknown or none" and the answer "unknown"):
        # hidden together, or the one shown would give the other away.
        partitions.append(
            disclosure.Partition(
                cell(key("forms_ckm=unknown_none")),
                (cell(key(f"exploitation_forms={codebook.UNKNOWN}")),),
            )
        )
    age = "victim_age_band="
    for total, parts in (
        ("*known", ("*minor", "*adult")),
        ("*minor", ("*under_15", "15_17")),
        ("*under_15", ("under_12", "12_14")),
        ("*adult", ("18_23", "24_plus")),
    ):
        partitions.append(
            disclosure.Partition(
                cell(key(age + total, "victims")),
                tuple(cell(key(age + p, "victims")) for p in parts),
            )
        )
    for figure in CKM_FIGURES if full else TREND_FIGURES:
        if figure.denominator is not None:
            partitions.append(
                disclosure.Partition(
                    cell(figure.denominator), (cell(figure.numerator), cell(f"rest:{figure.id}"))
                )
            )
    return partitions


@dataclass
class _View:
    counts: dict[Hashable, int]
    keys: dict[Hashable, int]  # the record-key sum of each count
    hidden: set[Hashable]


def _displayed_names(full: bool) -> set[str]:
    """The counts a page shows; other counts are hidden first when one must go."""
    figures = CKM_FIGURES if full else TREND_FIGURES
    names = {f.numerator for f in figures} | {f.denominator for f in figures if f.denominator}
    if full:
        for question in codebook.current().questions:
            scope = scope_of(question.key)
            names |= {key(f"{question.key}={code}", scope) for code in question.code_names}
    return names


def _build_view(
    counted: tallies.Tallies,
    *,
    years: list[int],
    min_cell: int,
    forced: set[Hashable] | None = None,
) -> _View:
    """Counts and hidden cells for whole calendar years, each with its quarters and months.

    Years are never added up: every year is a view of its own, with the same hidden cells in
    every page that shows it, so no page can be subtracted from another.
    """
    counts: dict[Hashable, int] = {}
    keys: dict[Hashable, int] = {}
    partitions: list[disclosure.Partition] = []
    displayed: set[Hashable] = set()
    full_names, trend_names = _displayed_names(True), _displayed_names(False)
    for year in years:
        year_tally = counted.years.get(year, Counter())
        months = {m: counted.months.get(m, Counter()) for m in range(year * 12, year * 12 + 12)}
        quarters: dict[int, Tally] = {}
        for month, tally in months.items():
            quarters.setdefault(month // 3, Counter()).update(tally)
        buckets: list[tuple[Bucket, Tally, bool]] = [
            (("Y", year), year_tally, True),
            *((("Q", q), t, False) for q, t in quarters.items()),
            *((("M", m), t, False) for m, t in months.items()),
        ]
        for bucket, tally, full in buckets:
            _with_rests(tally)
            for name, value in tally.items():
                if name.startswith(tallies.KEY_SUM):
                    keys[(bucket, name[len(tallies.KEY_SUM) :])] = value
                else:
                    counts[(bucket, name)] = value
            partitions += _tally_partitions(bucket, full)
            displayed |= {(bucket, name) for name in (full_names if full else trend_names)}
        for name in trend_names | {f"rest:{f.id}" for f in TREND_FIGURES}:
            for quarter in quarters:
                parts = tuple((("M", m), name) for m in range(quarter * 3, quarter * 3 + 3))
                partitions.append(disclosure.Partition((("Q", quarter), name), parts))
            parts = tuple((("Q", q), name) for q in quarters)
            partitions.append(disclosure.Partition((("Y", year), name), parts))
    for partition in partitions:
        for member in (partition.total, *partition.parts):
            counts.setdefault(member, 0)
    hidden = disclosure.suppress(
        counts, partitions, min_cell=min_cell, displayed=displayed, forced=forced or set()
    )
    return _View(counts=counts, keys=keys, hidden=hidden)


def _shown(view: _View, bucket: Bucket, figure: FigureDef, min_cell: int) -> Shown:
    def number(name: str) -> Number:
        cell = (bucket, name)
        kind, index = cast(tuple[str, int], bucket)
        return disclosed(
            view.counts.get(cell, 0),
            suppressed=cell in view.hidden,
            key=view.keys.get(cell, 0),
            min_cell=min_cell,
            cell=f"{kind}{index}|{name}",
        )

    return Shown(
        figure_id=figure.id,
        label=figure.label,
        numerator=number(figure.numerator),
        denominator=number(figure.denominator) if figure.denominator else None,
        denominator_label=figure.denominator_label,
    )


def _distributions(view: _View, bucket: Bucket, min_cell: int) -> list[Distribution]:
    result = []
    for question in codebook.current().questions:
        scope = scope_of(question.key)
        label = DEN_ALL if scope == "all" else DEN_VICTIMS
        rows = [
            DistributionRow(
                code=code.code,
                label=code.label,
                shown=_shown(
                    view,
                    bucket,
                    FigureDef(
                        code.code,
                        code.label,
                        key(f"{question.key}={code.code}", scope),
                        key("n", scope),
                        label,
                    ),
                    min_cell,
                ),
            )
            for code in question.codes
        ]
        result.append(
            Distribution(
                key=question.key,
                label=question.label,
                multi=question.is_multi,
                scope=scope,
                denominator_label=label,
                rows=rows,
            )
        )
    return result


def _trend_buckets(year: int, granularity: str, years: list[int]) -> list[Bucket]:
    if granularity == "year":
        return [("Y", y) for y in years]
    if granularity == "quarter":
        return [("Q", q) for q in range(year * 4, year * 4 + 4)]
    return [("M", m) for m in range(year * 12, year * 12 + 12)]


TREND_YEARS = 5


def monitor(
    *,
    year: int,
    granularity: str = "quarter",
    filters: Filters | None = None,
    min_cell: int | None = None,
) -> MonitorResult:
    """Every figure for one calendar year and the years before it, after disclosure control."""
    filters = filters or Filters()
    min_cell = disclosure.current_min_cell() if min_cell is None else min_cell
    years = list(range(year - TREND_YEARS + 1, year + 1))
    counted = tallies.count(first_year=years[0], last_year=year, filters=filters)
    forced: set[Hashable] = set()
    if filters.active:
        everything = tallies.count(first_year=years[0], last_year=year, filters=Filters())
        unfiltered = _build_view(everything, years=years, min_cell=min_cell)
        plain = _build_view(counted, years=years, min_cell=min_cell)
        forced = disclosure.complement_risks(
            plain.counts, unfiltered.counts, unfiltered.hidden, min_cell=min_cell
        )
    view = _build_view(counted, years=years, min_cell=min_cell, forced=forced)
    by_year = {
        y: [_shown(view, ("Y", y), figure, min_cell) for figure in CKM_FIGURES] for y in years
    }
    trend = [
        TrendRow(
            bucket=bucket,
            label=bucket_label(bucket),
            figures=[_shown(view, bucket, figure, min_cell) for figure in TREND_FIGURES],
        )
        for bucket in _trend_buckets(year, granularity, years)
    ]
    return MonitorResult(
        year=year,
        granularity=granularity,
        filters=filters,
        min_cell=min_cell,
        ckm=by_year[year],
        by_year=by_year,
        distributions=_distributions(view, ("Y", year), min_cell),
        trend=trend,
        no_data=not filters.active and counted.years.get(year, Counter())[key("n")] == 0,
    )
