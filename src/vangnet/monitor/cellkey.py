"""The cell-key method: every published count carries a small noise that its contacts decide.

Every contact has a permanent secret random key (`Contact.record_key`, 24 bits). A cell's key is
the sum of its contacts' keys modulo 2**24, scaled to [0, 1); a fixed table turns the cell key
into a noise between -MAX_NOISE and +MAX_NOISE. So the same contacts always give the same
published count, on every page and in every report, however they were selected; and two cells
that differ by a few contacts have unrelated noises, so their difference is the truth plus
noise, not the truth (docs/disclosure.md).

Combined with the threshold: a count below it is hidden, never perturbed into view; a count at
or above it is never perturbed below it (the noise is mirrored instead), so no published count
is below the threshold and "<10" is never shown for a count that is not below 10.
"""

from __future__ import annotations

from itertools import accumulate

from vangnet.coding.models import RECORD_KEY_BITS

KEY_SPACE = 1 << RECORD_KEY_BITS
MAX_NOISE = 3
# (noise, probability): symmetric, mean 0, variance 3.3 (standard deviation 1.8).
NOISE_TABLE: tuple[tuple[int, float], ...] = (
    (-3, 0.10),
    (-2, 0.15),
    (-1, 0.15),
    (0, 0.20),
    (1, 0.15),
    (2, 0.15),
    (3, 0.10),
)
_BOUNDS = tuple(accumulate(p for _noise, p in NOISE_TABLE))


def cell_key(key_sum: int) -> float:
    """A number in [0, 1) that only the contacts of the cell decide."""
    return (key_sum % KEY_SPACE) / KEY_SPACE


def noise(key_sum: int) -> int:
    position = cell_key(key_sum)
    for (value, _p), bound in zip(NOISE_TABLE, _BOUNDS, strict=True):
        if position < bound:
            return value
    return NOISE_TABLE[-1][0]


def published(count: int, key_sum: int, *, min_cell: int) -> int:
    """The count as shown: perturbed, and never below the threshold (it is hidden below it)."""
    if count < min_cell:
        raise ValueError("a count below the threshold is hidden, not published")
    shifted = count + noise(key_sum)
    return shifted if shifted >= min_cell else count - noise(key_sum)


def collision_chance(terms: int = 2) -> float:
    """How often the noises of `terms` independent cells cancel out exactly: the chance an
    attacker adding or subtracting that many published counts lands on the true value."""
    distribution = {0: 1.0}
    for _term in range(terms):
        step: dict[int, float] = {}
        for total, p in distribution.items():
            for value, q in NOISE_TABLE:
                step[total + value] = step.get(total + value, 0.0) + p * q
        distribution = step
    return distribution.get(0, 0.0)
