"""Benchmark of the retention run and of envelope encryption, on a throw-away database.

Creates N closed cases (each with a parent, three notes and a threat) through the cases
services, then times the dry run and `--apply` (one transaction per case), and the cost of
reading a case's text with a cold and a warm data-key cache.

    python -m bench.retention_bench --cases 200

Uses a fresh SQLite file in a temporary data directory unless DATABASE_URL is set (then it
migrates that database: never point it at real data).
"""

from __future__ import annotations

import argparse
import os
import secrets
import tempfile
import time
from datetime import date


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=200)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        os.environ["VANGNET_DATA_DIR"] = tempfile.mkdtemp(prefix="vangnet-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vangnet.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from vangnet.accounts.services import create_staff
    from vangnet.cases import services
    from vangnet.cases.models import Case, Person
    from vangnet.core import crypto
    from vangnet.core.roles import Role
    from vangnet.retention import runner, terms

    worker = create_staff(
        username=f"bench-worker-{time.time_ns()}",
        password=secrets.token_urlsafe(16),
        roles=[Role.CASE_WORKER],
        full_name="Bench",
    ).user
    started = time.perf_counter()
    for n in range(args.cases):
        case = services.open_case(
            by=worker, name=f"Client {n}", date_of_birth=date(2010, 1, 1), access_point="bench"
        )
        services.add_person(
            case=case,
            by=worker,
            access_point="bench",
            name="Ouder",
            relation=Person.Relation.PARENT_CARER,
        )
        for i in range(3):
            services.add_note(
                case=case,
                by=worker,
                text=f"Aantekening {i} " * 20,
                happened_on=date(2026, 1, 1),
                access_point="bench",
            )
        services.record_threat(
            case=case,
            by=worker,
            kind="online",
            happened_on=date(2026, 1, 1),
            against="Client",
            description="Dreiging " * 10,
            informed="",
            access_point="bench",
        )
        services.close_case(
            case=case,
            by=worker,
            reason="klaar",
            expected_version=case.version,
            access_point="bench",
        )
    made = time.perf_counter() - started

    crypto.reset_cipher()
    t0 = time.perf_counter()
    texts = [n.text for c in Case.objects.all()[:50] for n in c.notes.all()]
    cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    texts = [n.text for c in Case.objects.all()[:50] for n in c.notes.all()]
    warm = time.perf_counter() - t0
    assert texts

    day = terms.erasable_from(date.today(), years=20)
    t0 = time.perf_counter()
    dry = runner.run(apply=False, today=day)
    dry_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    applied = runner.run(apply=True, today=day)
    apply_s = time.perf_counter() - t0
    print(f"cases created: {args.cases} in {made:.1f} s")
    print(
        f"read 150 notes of 50 cases: cold key cache {cold * 1000:.0f} ms, "
        f"warm {warm * 1000:.0f} ms"
    )
    print(f"dry run: {len(dry.candidates)} candidates in {dry_s:.2f} s")
    print(
        f"apply: {len(applied.erased)} erased in {apply_s:.2f} s "
        f"({apply_s / max(1, len(applied.erased)) * 1000:.1f} ms per case), "
        f"{len(applied.failed)} failed"
    )


if __name__ == "__main__":
    main()
