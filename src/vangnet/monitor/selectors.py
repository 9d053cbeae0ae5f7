"""Reads for the research monitor: numbers only, never a person."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Max, Min
from django.utils import timezone

from vangnet.core.access import Action, require
from vangnet.monitor import disclosure, feedback, figures, microdata
from vangnet.monitor.models import ResearchProject, SummaryMonth
from vangnet.monitor.tallies import Filters

if TYPE_CHECKING:
    from vangnet.accounts.models import User


@dataclass(frozen=True)
class YearRange:
    first: int
    last: int

    @property
    def years(self) -> list[int]:
        return list(range(self.first, self.last + 1))


def available_years() -> YearRange:
    found = SummaryMonth.objects.aggregate(first=Min("month"), last=Max("month"))
    this_year = timezone.localdate().year
    if found["first"] is None:
        return YearRange(this_year, this_year)
    return YearRange(int(found["first"]) // 12, int(found["last"]) // 12)


def includes_synthetic() -> bool:
    """Demo and benchmark data are marked, so nobody mistakes them for real figures."""
    return SummaryMonth.objects.filter(synthetic=True).exists()


def monitor_figures(
    *, user: User, year: int, granularity: str, filters: Filters
) -> figures.MonitorResult:
    require(user, Action.MONITOR_VIEW)
    return figures.monitor(year=year, granularity=granularity, filters=filters)


def project_microdata(
    *, user: User, project: ResearchProject, year: int | None
) -> microdata.Microdata:
    """The coarsened file of a running project, for one of its named researchers."""
    require(user, Action.MONITOR_EXPORT, project)
    return microdata.build(project, year=year)


def visitor_feedback(
    *, user: User, year: int, min_cell: int | None = None
) -> feedback.FeedbackResult:
    """What visitors said after their chats in one year, after disclosure control."""
    require(user, Action.MONITOR_VIEW)
    threshold = disclosure.current_min_cell() if min_cell is None else min_cell
    return feedback.feedback_figures(year=year, min_cell=threshold)
