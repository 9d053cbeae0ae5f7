"""Keeping `MonthlyCell` equal to the coded contacts: recount whole months, in SQL.

The definitions of every measure live here, once, as ORM expressions; the monitor only adds up.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import BooleanField, Case, Count, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from vangnet.coding import codebook
from vangnet.coding.models import Contact
from vangnet.monitor.models import DIMENSIONS, MonthlyCell, SummaryMonth, key_column, measure_name

# The CKM's unit "victim": a help-seeker who is (suspected to be) exploited themself.
VICTIM = Q(role="victim_self", victim_exploited__in=["yes", "suspected"])


def _has_bits(column: str, mask: int) -> GreaterThan[Any]:
    return GreaterThan(F(column).bitand(mask), 0)


def _count_and_key(name: str, condition: Any = None) -> dict[str, Any]:
    """A measure: how many contacts meet the condition, and the sum of their record keys."""
    return {
        name: Count("id", filter=condition),
        key_column(name): Coalesce(Sum("record_key", filter=condition), 0),
    }


def measure_expressions() -> dict[str, Any]:
    book = codebook.current()
    measures: dict[str, Any] = {}
    for question in book.questions:
        if question.key in DIMENSIONS:
            continue
        for code in question.codes:
            condition: Any
            if question.is_multi:
                condition = _has_bits(question.key, question.bit_of(code.code))
            else:
                condition = Q(**{question.key: code.code})
            measures |= _count_and_key(measure_name(question.key, code.code), condition)
        if question.is_multi:
            measures |= _count_and_key(
                measure_name(question.key, "known"), _has_bits(question.key, question.known_mask)
            )
    parent = book.question("perpetrator_relation").bit_of("parent_stepparent")
    measures |= _count_and_key(
        "parent_perp_over_2y",
        Q(_has_bits("perpetrator_relation", parent), duration="over_2_years"),
    )
    return measures


def refresh_months(months: Iterable[int]) -> None:
    """Recount the given months from the coded contacts (inside the caller's transaction)."""
    wanted = sorted(set(months))
    if not wanted:
        return
    with transaction.atomic():
        SummaryMonth.objects.bulk_create(
            [SummaryMonth(month=m) for m in wanted], ignore_conflicts=True
        )
        # Two writers recounting the same month wait for each other (PostgreSQL row locks).
        list(SummaryMonth.objects.select_for_update().filter(month__in=wanted))
        MonthlyCell.objects.filter(month__in=wanted).delete()
        rows = (
            Contact.objects.filter(status=Contact.Status.CODED, month__in=wanted)
            .annotate(
                is_victim=Case(
                    When(VICTIM, then=Value(True)),
                    default=Value(False),
                    output_field=BooleanField(),
                )
            )
            .values("month", "channel", *DIMENSIONS, "is_victim")
            .annotate(**_count_and_key("n"), **measure_expressions())
            .order_by()
        )
        _insert_cells(rows.iterator(chunk_size=500))
        coded = Contact.objects.filter(status=Contact.Status.CODED, month__in=wanted)
        versions: dict[int, set[str]] = {m: set() for m in wanted}
        for month, version in coded.values_list("month", "codebook_version").distinct():
            versions[month].add(version)
        synthetic = set(
            coded.filter(source=Contact.Source.SYNTHETIC).values_list("month", flat=True).distinct()
        )
        for month in wanted:
            SummaryMonth.objects.filter(month=month).update(
                refreshed_at=timezone.now(),
                codebook_versions=",".join(sorted(versions[month])),
                synthetic=month in synthetic,
            )


def _insert_cells(rows: Iterable[dict[str, Any]]) -> None:
    """Plain executemany, 500 cells at a time: model instances with two hundred columns each
    would cost more, and holding every cell of a large recount at once would cost memory."""
    columns = [f.column for f in MonthlyCell._meta.concrete_fields if not f.primary_key]
    table = connection.ops.quote_name(MonthlyCell._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 - our own names
    values: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for row in rows:
            for question, dimension in DIMENSIONS.items():
                row[dimension] = row.pop(question)
            values.append(tuple(row[column] for column in columns))
            if len(values) == 500:
                cursor.executemany(sql, values)
                values = []
        if values:
            cursor.executemany(sql, values)


def refresh_all() -> int:
    """Recount every month that has contacts or cells; returns the number of months."""
    months = set(Contact.objects.values_list("month", flat=True).distinct())
    months |= set(SummaryMonth.objects.values_list("month", flat=True))
    for chunk in _chunks(sorted(months), 12):
        refresh_months(chunk)
    return len(months)


def _chunks(items: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def recount_after_commit(sender: object, months: frozenset[int], **_kwargs: object) -> None:
    """Coding changed these months: recount them once the change is committed.

    A failed recount is logged and leaves the old counts, never undoing the coding; the next
    change of that month (or `refresh_all`) repairs it.
    """
    transaction.on_commit(lambda: refresh_months(months), robust=True)
