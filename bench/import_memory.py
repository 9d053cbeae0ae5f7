"""Benchmark: peak memory of `vangnet import_contacts` for files of growing length.

    .venv/bin/python bench/import_memory.py --rows 20000 200000

Writes a contact CSV of each length (synthetic rows in the documented format), then imports it
with the real command in a fresh process on a fresh embedded (SQLite) data directory and reports
the process's peak resident memory (ru_maxrss) and the time. Flat memory means the peak does not
grow with the number of rows.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VANGNET = ROOT / ".venv" / "bin" / "vangnet"
HEADER = [
    "contact_id",
    "date",
    "codebook_version",
    "channel",
    "role",
    "victim_exploited",
    "victim_age_band",
    "victim_gender",
    "exploitation_forms",
    "perpetrator_relation",
    "duration",
    "first_helper_contact",
]


def write_file(path: Path, rows: int) -> None:
    rng = random.Random(rows)
    with path.open("w", encoding="utf-8", newline="") as target:
        writer = csv.writer(target)
        writer.writerow(HEADER)
        for number in range(rows):
            writer.writerow(
                [
                    f"ref-{number}",
                    f"{rng.randint(2019, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    "2026.1",
                    rng.choice(("chat", "phone", "email")),
                    rng.choice(("victim_self", "parent_carer", "friend_peer")),
                    rng.choice(("yes", "suspected", "no")),
                    rng.choice(("12_14", "15_17", "18_23", "unknown")),
                    rng.choice(("female", "male", "unknown")),
                    rng.choice(("sexual", "criminal", "sexual;criminal", "labour")),
                    rng.choice(("partner_loverboy", "online_contact", "parent_stepparent")),
                    rng.choice(("1_6_months", "1_2_years", "over_2_years")),
                    rng.choice(("yes", "no", "unknown")),
                ]
            )


def run(rows: int, work: Path) -> None:
    data_dir = work / f"data-{rows}"
    data_dir.mkdir()
    env = {**os.environ, "VANGNET_DATA_DIR": str(data_dir), "VANGNET_LOG_LEVEL": "WARNING"}
    env.pop("DATABASE_URL", None)
    subprocess.run([str(VANGNET), "migrate", "-v", "0"], env=env, check=True)
    source = work / f"contacts-{rows}.csv"
    write_file(source, rows)
    # A fresh process per measurement: ru_maxrss of the children is the import's own peak.
    started = time.perf_counter()
    child = subprocess.Popen([str(VANGNET), "import_contacts", str(source)], env=env)
    _pid, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    if status != 0:
        sys.exit(f"import of {rows} rows failed ({status})")
    size = source.stat().st_size / 1e6
    print(
        f"{rows:>8} rows ({size:5.1f} MB): peak RSS {usage.ru_maxrss / 1024:6.1f} MB, "
        f"{elapsed:6.1f} s (import, recount of the monitor after the commit included)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, nargs="+", default=[20_000, 200_000])
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as work:
        for rows in args.rows:
            run(rows, Path(work))


if __name__ == "__main__":
    main()
