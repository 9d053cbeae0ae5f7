"""An attacker of the research monitor, working only from what its pages show.

Used by tests/monitor/test_attack.py and bench/disclosure_attack.py. The attacker fetches the
real dashboard under many filter combinations, reads every count (`data-cell`, `data-state`),
and tries to recover counts it is not meant to know exactly:

- **partition**: within one page, a total minus its other parts (answers of a question, months
  of a quarter, quarters of a year, victims and others, a figure and its rest);
- **complement**: across pages, the unfiltered count minus the counts of every other value of a
  filter (total minus filtered);
- **same people**: a count hidden on one page but shown on another page that counts exactly the
  same contacts;
- **solver**: least squares over a grid of two filters (every value of each, each alone and
  together), the published counts as observations and the additive structure as constraints.

Targets are the small counts (true value 1 to threshold - 1, hidden or not) on every page. An
estimate is rounded and clamped to the range the page allows; a target counts as recovered when
any attack hits its true value exactly.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from vangnet.monitor import figures

CELL = re.compile(r'data-cell="([^"]+)" data-state="([^"]+)">([^<]*)<')
CELL_STATE = re.compile(r'data-cell="([^"]+)" data-state="([^"]+)"')

Page = tuple[tuple[str, str], ...]  # the filters of a page: ((field, value), ...), sorted


@dataclass
class Observed:
    shown: dict[str, int] = field(default_factory=dict)  # cell -> published count
    hidden: set[str] = field(default_factory=set)
    truth: dict[str, int] = field(default_factory=dict)


@dataclass
class Outcome:
    targets: int = 0
    hidden_targets: int = 0
    recovered: int = 0
    by_attack: dict[str, int] = field(default_factory=dict)  # targets each attack recovered
    tried_by: dict[str, int] = field(default_factory=dict)  # targets each attack tried
    # Distinct draws of the noise each attack made, for judging chance: a cell key is decided
    # by the contacts alone, so the same few contacts counted in several cells and pages (a
    # month, its quarter, the year; with and without a filter) give the same noise every
    # time, and one lucky subtraction then "hits" a dozen targets at once. A draw is the true
    # count with the estimates made for it (the scorer cannot see the contacts themselves).
    draws_by: dict[str, set[tuple[int, frozenset[int]]]] = field(default_factory=dict)
    hit_draws_by: dict[str, set[tuple[int, frozenset[int]]]] = field(default_factory=dict)
    attempts: int = 0
    pages: int = 0

    @property
    def rate(self) -> float:
        return self.recovered / self.targets if self.targets else 0.0

    def rate_of(self, how: str) -> float:
        tried = self.tried_by.get(how, 0)
        return self.by_attack.get(how, 0) / tried if tried else 0.0


def parse(html: str) -> tuple[dict[str, int], set[str]]:
    shown: dict[str, int] = {}
    hidden: set[str] = set()
    for cell, state, text in CELL.findall(html):
        if state == "perturbed":
            shown[cell] = int(text)
        else:
            hidden.add(cell)
    return shown, hidden


def truth_of(result: figures.MonitorResult) -> dict[str, int]:
    """What the attacker wants to know (from the page's own result, for scoring only)."""
    numbers: list[figures.Number] = []
    shown_lists: list[Sequence[figures.Shown]] = [
        result.ckm,
        *(row.figures for row in result.trend),
        *([row.shown for row in dist.rows] for dist in result.distributions),
    ]
    for shown in itertools.chain.from_iterable(shown_lists):
        numbers.append(shown.numerator)
        if shown.denominator is not None:
            numbers.append(shown.denominator)
    return {number.cell: number.count for number in numbers}


Fetch = Callable[[dict[str, str]], tuple[str, figures.MonitorResult]]


def observe(
    fetch: Fetch, pages: Iterable[Page], *, year: int, granularities: Sequence[str]
) -> dict[Page, Observed]:
    """Every page under every granularity; `fetch` returns the HTML and, for scoring only, the
    result the page was rendered from."""
    seen: dict[Page, Observed] = {}
    for page in pages:
        for granularity in granularities:
            html, result = fetch({"year": str(year), "granularity": granularity, **dict(page)})
            shown, hidden = parse(html)
            observed = seen.setdefault(page, Observed())
            observed.shown |= shown
            observed.hidden |= hidden
            observed.truth |= truth_of(result)
    return seen


def grid(first: tuple[str, Sequence[str]], second: tuple[str, Sequence[str]]) -> list[Page]:
    """Every page of two filters: unfiltered, each value alone, each pair of values."""
    (a, a_values), (b, b_values) = first, second
    pages: list[Page] = [()]
    pages += [((a, v),) for v in a_values]
    pages += [((b, w),) for w in b_values]
    pages += [tuple(sorted(((a, v), (b, w)))) for v in a_values for w in b_values]
    return pages


def _cell(bucket: Any, name: str) -> str:
    kind, index = bucket
    return f"{kind}{index}|{name}"


def _relations(year: int) -> list[tuple[str, tuple[str, ...]]]:
    """Every (total, parts) the page's structure makes public, for whole years."""
    relations: list[tuple[str, tuple[str, ...]]] = []
    buckets: list[tuple[Any, bool]] = [(("Y", year), True)]
    buckets += [(("Q", q), False) for q in range(year * 4, year * 4 + 4)]
    buckets += [(("M", m), False) for m in range(year * 12, year * 12 + 12)]
    for bucket, full in buckets:
        for partition in figures._tally_partitions(bucket, full):
            relations.append(
                (
                    _cell(*partition.total),
                    tuple(_cell(*part) for part in partition.parts),
                )
            )
    names = {f.numerator for f in figures.TREND_FIGURES}
    names |= {f.denominator for f in figures.TREND_FIGURES if f.denominator}
    for name in names:
        for quarter in range(year * 4, year * 4 + 4):
            months = tuple(_cell(("M", m), name) for m in range(quarter * 3, quarter * 3 + 3))
            relations.append((_cell(("Q", quarter), name), months))
        quarters = tuple(_cell(("Q", q), name) for q in range(year * 4, year * 4 + 4))
        relations.append((_cell(("Y", year), name), quarters))
    return relations


def _clamp(value: float, hidden: bool, min_cell: int) -> int:
    estimate = round(value)
    if hidden:  # the attacker knows a hidden count is below the threshold or protects one
        return max(0, estimate)
    return max(min_cell, estimate)


def attack(
    seen: dict[Page, Observed],
    *,
    year: int,
    min_cell: int,
    dimensions: dict[str, Sequence[str]],
) -> Outcome:
    relations = _relations(year)
    guesses: dict[tuple[Page, str], dict[str, set[int]]] = {}

    def guess(page: Page, cell: str, how: str, value: float) -> None:
        hidden = cell in seen[page].hidden
        slot = guesses.setdefault((page, cell), {})
        slot.setdefault(how, set()).add(_clamp(value, hidden, min_cell))

    for page, observed in seen.items():
        for total, parts in relations:
            members = (total, *parts)
            unknown = [m for m in members if m not in observed.shown]
            if len(unknown) != 1:
                continue
            target = unknown[0]
            others = sum(observed.shown[p] for p in parts if p != target)
            value = others if target == total else observed.shown[total] - others
            guess(page, target, "partition", value)
    # Total minus filtered: the unfiltered count minus every other value of one filter.
    for name, values in dimensions.items():
        for page in seen:
            rest = tuple(item for item in page if item[0] != name)
            if len(rest) == len(page):
                continue
            base = tuple(sorted(rest))
            siblings = [tuple(sorted((*rest, (name, v)))) for v in values]
            if base not in seen or any(s not in seen for s in siblings):
                continue
            for cell in seen[page].hidden | set(seen[page].shown):
                if cell not in seen[base].shown:
                    continue
                others = [seen[s].shown.get(cell) for s in siblings if s != page]
                if any(o is None for o in others):
                    continue
                guess(page, cell, "complement", seen[base].shown[cell] - sum(others))  # type: ignore[arg-type]
    # The same people under another filter.
    for (page, cell), value in _same_people(seen).items():
        guess(page, cell, "same people", value)
    _solve_grid(seen, dimensions, guess)

    outcome = Outcome(pages=len(seen))
    for page, observed in seen.items():
        for cell, true in observed.truth.items():
            on_page = cell in observed.hidden or cell in observed.shown
            if not on_page or not 1 <= true < min_cell:
                continue
            outcome.targets += 1
            outcome.hidden_targets += cell in observed.hidden
            tries = guesses.get((page, cell), {})
            outcome.attempts += bool(tries)
            for how, values in tries.items():
                outcome.tried_by[how] = outcome.tried_by.get(how, 0) + 1
                draw = (true, frozenset(values))
                outcome.draws_by.setdefault(how, set()).add(draw)
                if true in values:
                    outcome.hit_draws_by.setdefault(how, set()).add(draw)
            hits = [how for how, values in tries.items() if true in values]
            if hits:
                outcome.recovered += 1
                for how in hits:
                    outcome.by_attack[how] = outcome.by_attack.get(how, 0) + 1
    return outcome


STRUCTURAL = ("partition", "complement", "same people")


def _same_people(seen: dict[Page, Observed]) -> dict[tuple[Page, str], int]:
    """A hidden count read off another page where the same contacts are counted.

    The attacker knows when two pages count the same people (every victim has the role
    "victim_self"; a filter on a value nobody else has); here that knowledge is granted
    generously: any other page whose true count of the cell is the same.
    """
    estimates: dict[tuple[Page, str], int] = {}
    by_cell: dict[str, list[Page]] = {}
    for page, observed in seen.items():
        for cell in observed.shown:
            by_cell.setdefault(cell, []).append(page)
    for page, observed in seen.items():
        for cell in observed.hidden:
            true = observed.truth.get(cell)
            for other in by_cell.get(cell, []):
                if seen[other].truth.get(cell) == true:
                    estimates[(page, cell)] = seen[other].shown[cell]
                    break
    return estimates


def _solve_grid(
    seen: dict[Page, Observed],
    dimensions: dict[str, Sequence[str]],
    guess: Callable[[Page, str, str, float], None],
) -> None:
    """Least squares per cell over the grid of two filters: unknown atoms x[v][w] (contacts
    with value v of the first filter and w of the second), every shown page an observation."""
    if len(dimensions) != 2:
        return
    (a, a_values), (b, b_values) = dimensions.items()
    atoms = [(v, w) for v in a_values for w in b_values]
    index = {atom: i for i, atom in enumerate(atoms)}

    def members(page: Page) -> list[int]:
        chosen = dict(page)
        return [index[(v, w)] for v, w in atoms if chosen.get(a, v) == v and chosen.get(b, w) == w]

    cells = set().union(*(o.shown.keys() | o.hidden for o in seen.values()))
    for cell in cells:
        rows = [
            (members(page), float(observed.shown[cell]))
            for page, observed in seen.items()
            if cell in observed.shown
        ]
        if not rows:
            continue
        solution = least_squares(rows, len(atoms))
        for page, observed in seen.items():
            if cell in observed.hidden or cell in observed.shown:
                guess(page, cell, "solver", sum(solution[i] for i in members(page)))


def least_squares(
    rows: list[tuple[list[int], float]], size: int, ridge: float = 1e-3
) -> list[float]:
    """Minimise sum (sum x[members] - value)^2 + ridge * |x|^2: the normal equations, solved by
    Gaussian elimination (a few dozen unknowns; no numpy needed)."""
    matrix = [[0.0] * size for _ in range(size)]
    vector = [0.0] * size
    for members, value in rows:
        for i in members:
            vector[i] += value
            for j in members:
                matrix[i][j] += 1.0
    for i in range(size):
        matrix[i][i] += ridge
    for col in range(size):
        pivot = max(range(col, size), key=lambda r: abs(matrix[r][col]))
        matrix[col], matrix[pivot] = matrix[pivot], matrix[col]
        vector[col], vector[pivot] = vector[pivot], vector[col]
        for row in range(col + 1, size):
            factor = matrix[row][col] / matrix[col][col]
            if factor:
                for k in range(col, size):
                    matrix[row][k] -= factor * matrix[col][k]
                vector[row] -= factor * vector[col]
    solution = [0.0] * size
    for row in range(size - 1, -1, -1):
        rest = sum(matrix[row][k] * solution[k] for k in range(row + 1, size))
        solution[row] = (vector[row] - rest) / matrix[row][row]
    return solution
