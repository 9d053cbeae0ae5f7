"""The yearly report: the CKM table against the previous year, charts, method. HTML or PDF."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from vangnet.monitor import charts, disclosure, feedback, figures
from vangnet.monitor.figures import DEN_ALL, DEN_KNOWN, DEN_PARENT, DEN_VICTIMS, Shown
from vangnet.monitor.models import SummaryMonth

CSS_PATH = Path(__file__).resolve().parent / "static" / "monitor" / "report.css"


@dataclass(frozen=True)
class Comparison:
    current: Shown
    previous: Shown | None

    @property
    def change(self) -> str:
        """The change in percentage points, when both years show a percentage."""
        if self.previous is None or self.current.percent is None:
            return ""
        if self.previous.percent is None:
            return ""
        points = self.current.percent - self.previous.percent
        return f"{points:+.1f}".replace(".", ",")


def charts_for(result: figures.MonitorResult) -> dict[str, SafeString]:
    labels = [row.label for row in result.trend]

    def series(figure_id: str) -> list[int | None]:
        values: list[int | None] = []
        for row in result.trend:
            shown = next(f for f in row.figures if f.figure_id == figure_id)
            values.append(shown.numerator.published)
        return values

    return {
        "ckm": charts.percent_bars(
            _("The CKM figures of %(year)d, as a percentage") % {"year": result.year}, result.ckm
        ),
        "trend": charts.columns(
            _("Contacts and victims over time"),
            labels,
            [(_("Contacts"), series("contacts")), (_("Victims"), series("victims"))],
        ),
    }


def _months_of(year: int) -> QuerySet[SummaryMonth]:
    return SummaryMonth.objects.filter(month__gte=year * 12, month__lt=(year + 1) * 12)


def codebook_versions(year: int) -> list[str]:
    found: set[str] = set()
    for versions in _months_of(year).values_list("codebook_versions", flat=True):
        found.update(v for v in versions.split(",") if v)
    return sorted(found)


def context(*, year: int, min_cell: int) -> dict[str, Any]:
    result = figures.monitor(year=year, granularity="quarter", min_cell=min_cell)
    previous = result.previous or []
    comparisons = [
        Comparison(current, previous[index] if index < len(previous) else None)
        for index, current in enumerate(result.ckm)
    ]
    return {
        "result": result,
        "comparisons": comparisons,
        "charts": charts_for(result),
        "feedback": feedback.feedback_figures(year=year, min_cell=min_cell),
        "versions": codebook_versions(year),
        "synthetic": _months_of(year).filter(synthetic=True).exists(),
        "generated": timezone.localtime(),
        "hidden": disclosure.hidden_label(min_cell),
        "protecting": disclosure.protecting_label(),
        "denominators": [DEN_ALL, DEN_VICTIMS, DEN_KNOWN, DEN_PARENT],
    }


def render(*, year: int, min_cell: int, fmt: str, standalone: bool = False) -> bytes:
    """The report as HTML (standalone: with its stylesheet inside, for a file) or as PDF."""
    inline_css = CSS_PATH.read_text(encoding="utf-8") if standalone or fmt == "pdf" else ""
    html = render_to_string(
        "monitor/report.html",
        {**context(year=year, min_cell=min_cell), "inline_css": inline_css, "pdf": fmt == "pdf"},
    )
    if fmt != "pdf":
        return html.encode("utf-8")
    from weasyprint import HTML

    return bytes(HTML(string=html).write_pdf())
