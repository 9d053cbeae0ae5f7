"""Benchmark: the research monitor page and the yearly report over N coded contacts.

    .venv/bin/python bench/monitor_bench.py --rows 1000000                 # embedded SQLite
    DATABASE_URL=postgres://u:p@localhost/db .venv/bin/python bench/monitor_bench.py --rows 1000000

Loads synthetic contacts (once; the data directory is kept for the next run), recounts the
monthly summary, then times the full monitor page (through Django's test client, as a logged-in
researcher), a filtered page, and the yearly report as HTML and PDF. For comparison it computes
the same CKM figures with a straightforward Python loop over every contact row, checks that
both give the same numbers, and prints the ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

YEAR = 2025
GENERATED = 125_000
FIRST_DAY, LAST_DAY = date(2019, 1, 1), date(2025, 12, 31)


def setup(data_dir: Path) -> None:
    os.environ.setdefault("VANGNET_DATA_DIR", str(data_dir))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vangnet.settings")
    os.environ.setdefault("VANGNET_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def load(rows: int) -> None:
    from django.db import connection, transaction

    from vangnet.coding import synthetic
    from vangnet.coding.models import Contact
    from vangnet.monitor.summary import refresh_all

    have = Contact.objects.count()
    if have >= rows:
        print(f"contacts present: {have}")
        return
    started = time.perf_counter()
    batch: list[Contact] = []
    # Python makes up to GENERATED distinct contacts; SQL copies them up to the row count asked
    # (same distribution over the same days), which keeps loading a million rows to minutes.
    generated = synthetic.contacts(
        min(rows, GENERATED) - have,
        first_day=FIRST_DAY,
        last_day=LAST_DAY,
        seed=have + 1,
        batch="bench",
    )
    with transaction.atomic():
        for contact in generated:
            batch.append(contact)
            if len(batch) == 20000:
                Contact.objects.bulk_create(batch)
                batch = []
        Contact.objects.bulk_create(batch)
        columns = ", ".join(f.column for f in Contact._meta.concrete_fields if f.column != "id")
        table = Contact._meta.db_table
        with connection.cursor() as cursor:
            while (count := Contact.objects.count()) < rows:
                cursor.execute(
                    f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {table} "  # noqa: S608
                    "ORDER BY id LIMIT %s",
                    [rows - count],
                )
    print(f"inserted {rows - have} contacts in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    months = refresh_all()
    print(f"recounted the summary ({months} months) in {time.perf_counter() - started:.1f} s")


def timed(label: str, action, runs: int = 3) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _run in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    best, median = min(times), statistics.median(times)
    print(f"{label:<42} best {best:6.3f} s   median {median:6.3f} s")
    return median


def python_loop() -> dict[str, int]:
    """The same CKM figures for YEAR, computed row by row in Python."""
    from vangnet.coding import codebook
    from vangnet.coding.models import Contact

    book = codebook.current()
    forms, perp, rec, coer = (
        book.question(k)
        for k in (
            "exploitation_forms",
            "perpetrator_relation",
            "recruitment_channel",
            "coercion_means",
        )
    )
    sexual, criminal, labour = (forms.bit_of(c) for c in ("sexual", "criminal", "labour"))
    parent, social, images = (
        perp.bit_of("parent_stepparent"),
        rec.bit_of("social_media"),
        coer.bit_of("threat_share_images"),
    )
    counts: Counter[str] = Counter()
    rows = (
        Contact.objects.filter(status="coded")
        .values_list(
            "month",
            "role",
            "victim_exploited",
            "victim_age_band",
            "first_helper_contact",
            "exploitation_forms",
            "perpetrator_relation",
            "duration",
            "recruitment_channel",
            "coercion_means",
        )
        .iterator(chunk_size=20000)
    )
    for month, role, exploited, age, first, f_mask, p_mask, duration, r_mask, c_mask in rows:
        if month // 12 != YEAR:
            continue
        counts["contacts"] += 1
        known = f_mask & forms.known_mask
        if known == sexual:
            counts["forms_sexual_only"] += 1
        elif known == sexual | criminal:
            counts["forms_sexual_criminal"] += 1
        elif known == criminal:
            counts["forms_criminal_only"] += 1
        elif known & labour:
            counts["forms_labour"] += 1
        if role != "victim_self" or exploited not in ("yes", "suspected"):
            continue
        counts["victims"] += 1
        counts["first_time"] += first == "yes"
        if age != "unknown":
            counts["age_known"] += 1
            counts["minors"] += age in ("under_12", "12_14", "15_17")
            counts["under_15"] += age in ("under_12", "12_14")
        if p_mask & parent:
            counts["parent"] += 1
            counts["parent_over_2y"] += duration == "over_2_years"
        if r_mask & rec.known_mask:
            counts["recruitment_known"] += 1
            counts["social_media"] += bool(r_mask & social)
        counts["nude_images"] += bool(c_mask & images)
    return dict(counts)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "vangnet-bench"
    )
    options = parser.parse_args()
    options.data_dir.mkdir(parents=True, exist_ok=True)
    setup(options.data_dir)

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django_otp import DEVICE_ID_SESSION_KEY

    from vangnet.accounts.models import User
    from vangnet.accounts.services import create_staff
    from vangnet.core.roles import Role
    from vangnet.monitor import figures, report

    setup_test_environment()
    print(f"database: {connection.vendor}  ({'embedded' if settings.EMBEDDED else 'server'})")
    load(options.rows)

    if not User.objects.filter(username="bench-researcher").exists():
        create_staff(
            username="bench-researcher",
            password="bench-researcher-password",  # noqa: S106 - a local benchmark account
            roles=[Role.RESEARCHER],
            full_name="Bench Researcher",
            organisation="",
        )
    user = User.objects.get(username="bench-researcher")
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = user.totpdevice_set.first().persistent_id  # type: ignore[attr-defined]
    session.save()

    def page(**query: str) -> None:
        response = client.get("/staff/monitor/", {"year": str(YEAR), **query})
        assert response.status_code == 200, response.status_code

    page_time = timed("monitor page (trend by month)", lambda: page(granularity="month"))
    timed(
        "monitor page, filtered (age 15-17, chat)", lambda: page(age_band="15_17", channel="chat")
    )
    report_html = timed(
        "yearly report, HTML", lambda: report.render(year=YEAR, min_cell=10, fmt="html")
    )
    report_pdf = timed(
        "yearly report, PDF", lambda: report.render(year=YEAR, min_cell=10, fmt="pdf")
    )

    started = time.perf_counter()
    loop = python_loop()
    loop_time = time.perf_counter() - started
    print(f"{'python loop over every row (CKM only)':<42} {loop_time:6.3f} s")
    print(f"ratio python loop / monitor page: {loop_time / page_time:.1f}x")
    print(f"ratio python loop / yearly report (PDF): {loop_time / report_pdf:.1f}x")

    shown = {s.figure_id: s for s in figures.monitor(year=YEAR, min_cell=1).ckm}
    for figure_id in (
        "contacts",
        "victims",
        "forms_sexual_only",
        "forms_sexual_criminal",
        "forms_criminal_only",
        "forms_labour",
        "first_time",
        "minors",
        "under_15",
        "parent",
        "parent_over_2y",
        "social_media",
        "nude_images",
    ):
        assert shown[figure_id].numerator.count == loop.get(figure_id, 0), figure_id
    assert shown["minors"].denominator.count == loop["age_known"]  # type: ignore[union-attr]
    assert shown["social_media"].denominator.count == loop["recruitment_known"]  # type: ignore[union-attr]
    print(f"the monitor and the python loop agree on every CKM figure for {YEAR}")
    limit_ok = max(page_time, report_html, report_pdf) <= 2.0
    print("within the 2 s limit" if limit_ok else "OVER the 2 s limit")
    sys.exit(0 if limit_ok else 1)


if __name__ == "__main__":
    main()
