"""CPU time of one directory search, in-process: the whole request through Django's middleware
(test client), on the embedded default with the demo directory, in a temporary directory.

CPU time of this process (`time.process_time`), not wall-clock time: it does not depend on what
else runs on the machine. Searches vary the postcode over the whole country (every visitor types
their own), the need and the audience, as in a spike; a first round warms whatever the code
caches, then `--searches` are timed one by one.

    python -m bench.directory_cpu --searches 2000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NEEDS = ["", "danger", "talk", "advice", "report", "care"]
AUDIENCES = ["", "young", "parents", "professionals"]


def searches(count: int, seed: int = 16) -> list[str]:
    rng = random.Random(seed)
    found = []
    for _ in range(count):
        postcode = f"{rng.randint(1000, 9999)}{rng.choice(['', 'AB', ' CP', 'zz'])}"
        need, audience = rng.choice(NEEDS), rng.choice(AUDIENCES)
        found.append(f"/help/?need={need}&audience={audience}&postcode={postcode}")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--searches", type=int, default=2000)
    parser.add_argument("--json", type=Path, help="append the result as one JSON line here")
    options = parser.parse_args()

    directory = Path(tempfile.mkdtemp(prefix="vangnet-directory-cpu-"))
    for name in [k for k in os.environ if k.startswith(("DATABASE_URL", "REDIS_URL"))]:
        del os.environ[name]
    os.environ.update(
        DJANGO_SETTINGS_MODULE="vangnet.settings",
        VANGNET_DATA_DIR=str(directory),
        VANGNET_MANIFEST_STATIC="0",
        VANGNET_LOG_LEVEL="warning",
        ALLOWED_HOSTS="testserver",
    )
    sys.path.insert(0, str(REPO / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from vangnet.core.metrics import SEARCH_CACHE

    call_command("migrate", verbosity=0)
    call_command("demo_data", if_empty=True, verbosity=0)
    client = Client()
    for path in searches(300, seed=1):  # warm-up: templates compiled, caches filled
        assert client.get(path).status_code == 200
    timings: dict[str, list[float]] = {"all": [], "hit": [], "rendered": []}
    queries = 0
    for path in searches(options.searches):
        hits_before = SEARCH_CACHE.labels(result="hit")._value.get()
        with CaptureQueriesContext(connection) as captured:
            started = time.process_time()
            response = client.get(path)
            spent = (time.process_time() - started) * 1000
        assert response.status_code == 200, path
        queries += len(captured)
        hit = SEARCH_CACHE.labels(result="hit")._value.get() > hits_before
        timings["all"].append(spent)
        timings["hit" if hit else "rendered"].append(spent)
    result: dict[str, object] = {
        "searches": options.searches,
        "queries_per_search": round(queries / options.searches, 2),
        "shared_rendering_hits": len(timings["hit"]),
    }
    for kind, values in timings.items():
        if not values:
            continue
        values.sort()
        result[f"cpu_ms_{kind}"] = {
            "mean": round(statistics.fmean(values), 2),
            "p50": round(values[len(values) // 2], 2),
            "p99": round(values[max(0, int(len(values) * 0.99) - 1)], 2),
        }
    result["searches_per_cpu_second"] = round(1000 / statistics.fmean(timings["all"]))
    print(json.dumps(result, indent=2))
    if options.json:
        with options.json.open("a") as out:
            out.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
