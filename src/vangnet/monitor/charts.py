"""Charts as SVG, drawn on the server: no scripts, printable, the same numbers as the tables.

A hidden count draws no bar; its label says "<10" like the table next to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from vangnet.monitor.figures import Shown

INK = "#1b1b1b"
BARS = ("#1d4f91", "#d4351c")


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: hidden
    text: str


def percent_bars(title: str, figures: Sequence[Shown]) -> SafeString:
    """Horizontal bars, one per figure, of its percentage."""
    bars = [
        Bar(str(f.label), f.percent, f.percent_text or str(f.numerator))
        for f in figures
        if f.denominator is not None
    ]
    return horizontal(title, bars, maximum=100.0)


def horizontal(title: str, bars: Sequence[Bar], *, maximum: float | None = None) -> SafeString:
    label_width, bar_width, row, top = 330, 300, 26, 8
    top_value = maximum or max([b.value or 0 for b in bars] + [1])
    height = top + row * len(bars) + 8
    width = label_width + bar_width + 70
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">'
    ]
    for index, bar in enumerate(bars):
        y = top + index * row
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 17}" text-anchor="end" font-size="12" '
            f'fill="{INK}">{escape(_shorten(bar.label, 52))}</text>'
        )
        length = 0.0 if bar.value is None else bar_width * bar.value / top_value
        if length > 0:
            parts.append(
                f'<rect x="{label_width}" y="{y + 4}" width="{length:.1f}" height="{row - 8}" '
                f'fill="{BARS[0]}"/>'
            )
        parts.append(
            f'<text x="{label_width + length + 4:.1f}" y="{y + 17}" font-size="12" '
            f'fill="{INK}">{escape(bar.text)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def columns(
    title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[int | None]]]
) -> SafeString:
    """Vertical bars per period for one or two series of counts (None: hidden)."""
    left, bottom, plot_height, top = 50, 40, 180, 24
    group = max(18, min(60, 640 // max(1, len(labels))))
    bar = max(4, (group - 6) // max(1, len(series)))
    width = left + group * len(labels) + 10
    height = top + plot_height + bottom
    peak = max([v or 0 for _name, values in series for v in values] + [1])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
        f'<line x1="{left}" y1="{top + plot_height}" x2="{width - 5}" y2="{top + plot_height}" '
        f'stroke="{INK}"/>',
        f'<text x="{left - 4}" y="{top + 4}" text-anchor="end" font-size="11" '
        f'fill="{INK}">{peak}</text>',
        f'<text x="{left - 4}" y="{top + plot_height}" text-anchor="end" font-size="11" '
        f'fill="{INK}">0</text>',
    ]
    for number, (name, _values) in enumerate(series):
        x = left + number * 150
        parts.append(
            f'<rect x="{x}" y="4" width="10" height="10" fill="{BARS[number % len(BARS)]}"/>'
            f'<text x="{x + 14}" y="13" font-size="11" fill="{INK}">{escape(name)}</text>'
        )
    step = max(1, len(labels) // 12)
    for index, label in enumerate(labels):
        x0 = left + index * group + 3
        for number, (_name, values) in enumerate(series):
            value = values[index]
            if value is None:
                continue
            bar_height = plot_height * value / peak
            parts.append(
                f'<rect x="{x0 + number * bar}" y="{top + plot_height - bar_height:.1f}" '
                f'width="{bar - 1}" height="{bar_height:.1f}" fill="{BARS[number % len(BARS)]}"/>'
            )
        if index % step == 0:
            parts.append(
                f'<text x="{x0}" y="{top + plot_height + 14}" font-size="10" '
                f'fill="{INK}">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def _shorten(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"
