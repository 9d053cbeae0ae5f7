"""The monitor attacked through its own pages (tests/monitor/attack.py has the attacker).

A small year with planted rare cases, the dashboard fetched under every combination of two
filters: no small count may be recovered exactly more often than reading one perturbed count
would allow; with the perturbation switched off, the same attacker must succeed (so the harness
is not toothless).
"""

from __future__ import annotations

import io
import math
import random

import pytest
from django.urls import reverse

from tests.monitor import attack
from vangnet.coding import services
from vangnet.core.roles import Role
from vangnet.monitor import cellkey, disclosure, figures

YEAR = 2025
AGES = ("under_12", "12_14", "15_17", "18_23", "24_plus", "unknown")
CHANNELS = ("chat", "phone", "email", "other")
HEADER = (
    "date,codebook_version,channel,role,victim_exploited,victim_age_band,victim_gender,"
    "exploitation_forms,perpetrator_relation,duration,first_helper_contact\n"
)


def planted_year(seed: int) -> str:
    """About 150 contacts of one year, and the rare cases the issue recovered from the pages."""
    rng = random.Random(seed)
    rows = []
    for _n in range(140):
        rows.append(
            (
                f"{YEAR}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                rng.choices(CHANNELS, (80, 12, 6, 2))[0],
                rng.choices(("victim_self", "parent_carer", "friend_peer"), (85, 10, 5))[0],
                rng.choice(("yes", "suspected")),
                rng.choices(AGES, (0, 20, 45, 25, 5, 5))[0],
                rng.choices(("female", "male", "unknown"), (80, 15, 5))[0],
                rng.choices(("sexual", "criminal", "sexual;criminal"), (75, 15, 10))[0],
                rng.choice(("partner_loverboy", "online_contact", "network_group")),
                rng.choice(("1_6_months", "6_12_months", "1_2_years")),
                rng.choice(("yes", "no")),
            )
        )
    plants = [
        ("03", "chat", "victim_self", "yes", "15_17", "female", "labour", "network_group"),
        *[("02", "chat", "victim_self", "yes", "under_12", "male", "sexual", "online_contact")] * 3,
        *[("03", "chat", "victim_self", "yes", "12_14", "female", "sexual", "parent_stepparent")]
        * 2,
        ("01", "phone", "victim_self", "suspected", "under_12", "female", "sexual", "other_family"),
    ]
    for month, channel, role, exploited, age, gender, forms, relation in plants:
        duration = "over_2_years" if relation == "parent_stepparent" else "1_6_months"
        rows.append(
            (
                f"{YEAR}-{month}-15",
                channel,
                role,
                exploited,
                age,
                gender,
                forms,
                relation,
                duration,
                "yes",
            )
        )
    return HEADER + "".join(",".join(_with_version(row)) + "\n" for row in rows)


def _with_version(row: tuple[str, ...]) -> tuple[str, ...]:
    return (row[0], "2026.1", *row[1:])


DIMENSIONS = {"age_band": AGES, "channel": CHANNELS}


@pytest.fixture
def attacker(staff_client):
    """Fetch every page of the age x channel grid as a researcher, then attack what it shows."""
    client, _user = staff_client(Role.RESEARCHER)
    url = reverse("monitor:dashboard")

    def fetch(params: dict[str, str]) -> tuple[str, figures.MonitorResult]:
        response = client.get(url, params)
        assert response.status_code == 200
        return response.content.decode(), response.context["result"]

    def run() -> attack.Outcome:
        pages = attack.grid(*DIMENSIONS.items())
        seen = attack.observe(fetch, pages, year=YEAR, granularities=("month",))
        return attack.attack(seen, year=YEAR, min_cell=10, dimensions=DIMENSIONS)

    return run


@pytest.fixture
def planted(db, django_capture_on_commit_callbacks):
    def load(seed: int) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            services.import_contacts(source=io.StringIO(planted_year(seed)), batch=f"plant{seed}")

    return load


# Reading one perturbed count hits the truth when its noise is 0; any attack that adds or
# subtracts counts does worse. Allow that, plus the sampling error of a few hundred targets.
ONE_COUNT = dict(cellkey.NOISE_TABLE)[0]
SLACK = 0.05


def chance_allows(tried: int, p: float = ONE_COUNT, risk: float = 0.001) -> int:
    """The most exact hits out of `tried` that guessing with hit rate `p` reaches with
    probability at least `risk` (the binomial tail): an attack tried only a dozen times may
    hit 4 by chance, which a flat rate would call a leak."""
    tail = 0.0
    for hits in range(tried, -1, -1):
        tail += math.comb(tried, hits) * p**hits * (1 - p) ** (tried - hits)
        if tail >= risk:
            return hits
    return 0


def within_chance(outcome: attack.Outcome, how: str) -> bool:
    """Counted in draws of the noise, not in targets: the same contacts behind several targets
    hit or miss together (attack.Outcome.draws_by), which a binomial over targets would read
    as a leak now and then."""
    hits = len(outcome.hit_draws_by.get(how, ()))
    return hits <= chance_allows(len(outcome.draws_by.get(how, ())))


def primary_only(counts, partitions, *, min_cell, displayed, forced=()):
    return {cell for cell, value in counts.items() if value < min_cell}


def test_no_small_count_is_recovered_more_often_than_chance(planted, attacker):
    planted(1)
    outcome = attacker()
    assert outcome.targets > 200 and outcome.attempts > 100
    assert outcome.rate <= ONE_COUNT + SLACK, outcome
    for how in outcome.tried_by:
        assert within_chance(outcome, how), (how, outcome)


def test_the_perturbation_alone_holds_where_the_threshold_alone_gives_way(
    planted, attacker, monkeypatch
):
    """Without secondary suppression the page's own totals give small counts away; with the
    perturbation on, the same subtractions land on the truth no more often than chance. (This
    also shows that the attacker is not toothless.)"""
    planted(2)
    monkeypatch.setattr(disclosure, "suppress", primary_only)
    monkeypatch.setattr(disclosure, "complement_risks", lambda *args, **kwargs: set())
    perturbed = attacker()
    monkeypatch.setattr(cellkey, "noise", lambda key_sum: 0)
    bare = attacker()
    # Subtracting shown counts (partition, complement) finds small counts on bare pages ...
    found = sum(bare.by_attack.get(how, 0) for how in attack.STRUCTURAL)
    assert found >= 5 and all(bare.rate_of(how) > 0.5 for how in ("partition", "complement"))
    # ... and on perturbed pages no more often than one perturbed count is right.
    assert perturbed.rate <= ONE_COUNT + SLACK, perturbed
    for how in attack.STRUCTURAL:
        assert within_chance(perturbed, how), (how, perturbed)
