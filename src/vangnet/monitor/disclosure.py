"""Disclosure control: which counts may be shown (docs/disclosure.md has the whole method).

Every count that is shown is also perturbed by the cell-key method (`cellkey.py`); that is what
protects against comparing pages. The rules here decide what is hidden:

1. Primary: a count below the threshold is hidden (shown as "<10").
2. Secondary: in every set of counts that add up to another count (a partition: a question's
   codes add up to all contacts, months to their quarter, quarters to their year, victims and
   others to all contacts, a figure's numerator and its rest to its denominator), never exactly
   one count above zero is hidden, or it could be worked out by subtraction. Counts no page
   shows (such as "others") are hidden first, then the smallest.
3. Pages show whole calendar years and never add years up, so a year's hidden counts are the
   same on every page and no page can be subtracted from another.
4. A filtered view hides a count when the unfiltered view shows it and the difference (the
   contacts the filter left out) is between 1 and the threshold.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from vangnet.monitor.models import DEFAULT_MIN_CELL, DisclosureThreshold

Cell = Hashable


@dataclass(frozen=True)
class Partition:
    total: Cell
    parts: tuple[Cell, ...]
    hide_total_first: bool = False


def current_min_cell() -> int:
    latest = DisclosureThreshold.objects.order_by("-set_at", "-id").first()
    return latest.min_cell if latest else DEFAULT_MIN_CELL


def suppress(
    counts: Mapping[Cell, int],
    partitions: Iterable[Partition],
    *,
    min_cell: int,
    displayed: set[Cell],
    forced: Iterable[Cell] = (),
) -> set[Cell]:
    """The cells to hide; cells outside `displayed` are hidden in preference."""
    hidden = {cell for cell, value in counts.items() if value < min_cell}
    hidden.update(cell for cell in forced if cell in counts)
    relevant = [p for p in partitions if p.total in counts]
    touching: dict[Cell, list[int]] = defaultdict(list)
    for number, partition in enumerate(relevant):
        for member in (partition.total, *partition.parts):
            touching[member].append(number)
    # A worklist: a partition is looked at again only when one of its members became hidden.
    pending = list(range(len(relevant)))
    while pending:
        partition = relevant[pending.pop()]
        members = [partition.total, *partition.parts]
        # An empty group discloses nobody: only hidden counts above zero need company.
        if sum(member in hidden and counts.get(member, 0) > 0 for member in members) != 1:
            continue
        if partition.hide_total_first and partition.total not in hidden:
            chosen = partition.total
        else:
            visible = [p for p in partition.parts if p not in hidden and counts.get(p, 0) > 0]
            visible.sort(key=lambda p: (p in displayed, counts[p], str(p)))
            chosen = visible[0] if visible else partition.total
        hidden.add(chosen)
        pending.extend(touching[chosen])
    return hidden


def complement_risks(
    filtered: Mapping[Cell, int],
    unfiltered: Mapping[Cell, int],
    unfiltered_hidden: set[Cell],
    *,
    min_cell: int,
) -> set[Cell]:
    """Cells whose difference with the shown unfiltered count would reveal a small group."""
    return {
        cell
        for cell, value in filtered.items()
        if cell not in unfiltered_hidden and 0 < unfiltered.get(cell, 0) - value < min_cell
    }


def hidden_label(min_cell: int) -> str:
    """A count hidden because it is small (primary suppression)."""
    return _("<%(min)d") % {"min": min_cell}


def protecting_label() -> str:
    """A count hidden, though not small, so that it cannot give a small one away (secondary)."""
    return _("hidden")
