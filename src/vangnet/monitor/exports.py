"""Research exports: coded fields only, a pseudonymous id per contact, the month not the day."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
from collections.abc import Iterator

import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings
from django.db.models import QuerySet

from vangnet.coding import codebook, contact_csv
from vangnet.coding.models import Contact

COLUMNS = contact_csv.header()


def pseudonym(contact_id: int) -> str:
    """Stable across exports (so researchers can follow corrections), unlinkable without the key."""
    secret = hmac.new(settings.SECRET_KEY.encode(), b"vangnet.monitor.export", hashlib.sha256)
    digest = hmac.new(secret.digest(), str(contact_id).encode(), hashlib.sha256)
    return digest.hexdigest()[:20]


def coded_contacts(*, year: int | None = None) -> QuerySet[Contact]:
    contacts = Contact.objects.filter(status=Contact.Status.CODED).order_by("pk")
    if year is not None:
        contacts = contacts.filter(month__gte=year * 12, month__lt=(year + 1) * 12)
    return contacts


def rows(contacts: QuerySet[Contact]) -> Iterator[list[str]]:
    keys = codebook.question_keys()
    fields = ["pk", "month", "codebook_version", "channel", *keys]
    for values in contacts.values_list(*fields).iterator(chunk_size=5000):
        record = dict(zip(fields, values, strict=True))
        book = codebook.get(str(record["codebook_version"]))
        answers = book.from_columns(record)
        month = int(record["month"])
        yield [
            pseudonym(int(record["pk"])),
            f"{month // 12}-{month % 12 + 1:02d}",
            str(record["codebook_version"]),
            str(record["channel"]),
            *(contact_csv.format_answer(answers[key]) for key in keys),
        ]


def to_csv(contacts: QuerySet[Contact]) -> Iterator[str]:
    buffer = io.StringIO()
    contact_csv.write_rows(buffer, iter(()))
    yield buffer.getvalue()
    chunk: list[list[str]] = []
    for row in rows(contacts):
        chunk.append(row)
        if len(chunk) == 2000:
            yield _csv_lines(chunk)
            chunk = []
    if chunk:
        yield _csv_lines(chunk)


def _csv_lines(chunk: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(chunk)
    return buffer.getvalue()


def to_parquet(contacts: QuerySet[Contact]) -> bytes:
    columns: list[list[str]] = [[] for _name in COLUMNS]
    for row in rows(contacts):
        for index, value in enumerate(row):
            columns[index].append(value)
    table = pa.table(
        {name: pa.array(values, pa.string()) for name, values in zip(COLUMNS, columns, strict=True)}
    )
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()
