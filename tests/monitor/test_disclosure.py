"""Disclosure control as a property: whatever the counts, no hidden count can be subtracted out."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from vangnet.monitor import disclosure


@st.composite
def two_level_tables(draw: st.DrawFn) -> tuple[dict[str, int], list[disclosure.Partition]]:
    """A total split two ways (like answers of two questions), each part split again."""
    counts: dict[str, int] = {}
    partitions = []
    first = draw(st.lists(st.integers(0, 40), min_size=2, max_size=6))
    second_sizes = draw(st.lists(st.integers(0, 40), min_size=2, max_size=5))
    counts["T"] = sum(first)
    partitions.append(disclosure.Partition("T", tuple(f"a{i}" for i in range(len(first)))))
    for index, value in enumerate(first):
        counts[f"a{index}"] = value
        # each first-level part is split into months, like a quarter
        months = [value // 3, value // 3, value - 2 * (value // 3)]
        names = tuple(f"a{index}m{m}" for m in range(3))
        counts.update(zip(names, months, strict=True))
        partitions.append(disclosure.Partition(f"a{index}", names))
    # a second, crossing split of the same total
    scale = sum(second_sizes) or 1
    second = [counts["T"] * s // scale for s in second_sizes]
    second[-1] += counts["T"] - sum(second)
    counts.update({f"b{i}": v for i, v in enumerate(second)})
    partitions.append(disclosure.Partition("T", tuple(f"b{i}" for i in range(len(second)))))
    return counts, partitions


@settings(max_examples=200, deadline=None)
@given(two_level_tables(), st.integers(1, 15))
def test_no_partition_has_exactly_one_hidden_count(tables, min_cell):
    counts, partitions = tables
    hidden = disclosure.suppress(counts, partitions, min_cell=min_cell, displayed=set(counts))
    assert {cell for cell, value in counts.items() if value < min_cell} <= hidden
    for partition in partitions:
        members = (partition.total, *partition.parts)
        assert sum(m in hidden and counts[m] > 0 for m in members) != 1, partition


def test_the_complement_of_a_filter_is_protected():
    unfiltered = {"contacts": 34, "victims": 30}
    filtered = {"contacts": 30, "victims": 30}
    risky = disclosure.complement_risks(filtered, unfiltered, set(), min_cell=10)
    assert risky == {"contacts"}  # 34 - 30 = 4 people left out by the filter
    assert disclosure.complement_risks(filtered, unfiltered, {"contacts"}, min_cell=10) == set()
