"""Benchmark: how many small counts an attacker recovers from the monitor's pages.

    .venv/bin/python bench/disclosure_attack.py --data planted
    .venv/bin/python bench/disclosure_attack.py --data demo

Loads a data set into a fresh embedded (SQLite) data directory — `planted`: the year of about
150 contacts with the issue's rare cases (tests/monitor/test_attack.py); `demo`: the demo data —
then runs the attacker of tests/monitor/attack.py (every page of the age band x channel grid,
as a logged-in researcher through Django's test client) three times: with the protection as it
is, without the perturbation, and with the threshold alone (no perturbation, no secondary
suppression, no filter-complement rule). Prints the small counts on the pages and how many each
attack recovered exactly.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(data_dir: Path) -> None:
    os.environ["VANGNET_DATA_DIR"] = str(data_dir)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vangnet.settings")
    os.environ.setdefault("VANGNET_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client then hands back the page's context
    call_command("migrate", verbosity=0)


def load(data: str) -> int:
    from vangnet.coding import demo, services

    if data == "planted":
        from tests.monitor.test_attack import YEAR, planted_year

        services.import_contacts(source=io.StringIO(planted_year(1)), batch="planted")
        return YEAR
    demo.load(io.StringIO())
    from django.utils import timezone

    return timezone.localdate().year - 1


def researcher() -> Any:
    from tests.conftest import verified_client

    from vangnet.accounts.services import create_staff
    from vangnet.core.roles import Role

    staff = create_staff(
        username="attacker", password="x" * 20, roles=[Role.RESEARCHER], full_name="Attacker"
    )
    return verified_client(staff)


def run(year: int, client: Any) -> Any:
    from django.urls import reverse
    from tests.monitor import attack
    from tests.monitor.test_attack import DIMENSIONS

    url = reverse("monitor:dashboard")

    def fetch(params: dict[str, str]) -> tuple[str, Any]:
        response = client.get(url, params)
        assert response.status_code == 200, response.status_code
        return response.content.decode(), response.context["result"]

    pages = attack.grid(*DIMENSIONS.items())
    seen = attack.observe(fetch, pages, year=year, granularities=("month",))
    return attack.attack(seen, year=year, min_cell=10, dimensions=DIMENSIONS)


def report(label: str, outcome: Any, seconds: float) -> None:
    attacks = ", ".join(
        f"{how} {outcome.by_attack.get(how, 0)}/{tried}"
        for how, tried in sorted(outcome.tried_by.items())
    )
    print(
        f"| {label} | {outcome.targets} | {outcome.hidden_targets} | "
        f"{outcome.recovered} ({100 * outcome.rate:.1f}%) | {attacks} | {seconds:.0f} s |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", choices=["planted", "demo"], default="planted")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        setup(Path(work))
        year = load(args.data)
        client = researcher()
        from vangnet.monitor import cellkey, disclosure

        print(f"data: {args.data}, year {year}; load average {os.getloadavg()[0]:.1f}")
        print(
            "| protection | small counts on the pages | hidden | recovered exactly | "
            "by attack (recovered/tried) | time |"
        )
        print("| --- | --- | --- | --- | --- | --- |")
        started = time.perf_counter()
        report(
            "threshold + secondary + cell key (now)",
            run(year, client),
            time.perf_counter() - started,
        )
        noise = cellkey.noise
        cellkey.noise = lambda key_sum: 0  # type: ignore[assignment]
        started = time.perf_counter()
        report(
            "threshold + secondary, no perturbation",
            run(year, client),
            time.perf_counter() - started,
        )
        disclosure.suppress = lambda counts, partitions, *, min_cell, displayed, forced=(): {  # type: ignore[assignment]
            cell for cell, value in counts.items() if value < min_cell
        }
        disclosure.complement_risks = lambda *args, **kwargs: set()  # type: ignore[assignment]
        started = time.perf_counter()
        report("threshold alone", run(year, client), time.perf_counter() - started)
        cellkey.noise = noise  # type: ignore[assignment]
        started = time.perf_counter()
        report(
            "threshold + cell key, no secondary", run(year, client), time.perf_counter() - started
        )


if __name__ == "__main__":
    main()
