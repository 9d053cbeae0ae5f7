"""The record-level file of one research project, coarsened until nobody stands out.

1. Time is the quarter, never the month or the day.
2. Rare codes are merged: an answer fewer than k contacts in the file gave becomes `rare`.
3. k-anonymity on the quasi-identifiers (period, channel, role, age band, gender): the whole
   file is generalised step by step (channel dropped, age to minor/adult, gender dropped, the
   quarter to the year) until at most WITHHOLD_SHARE of the rows sit in a group smaller than
   k; the rows still in such groups are withheld.
4. A pseudonym per contact and per project (two projects cannot join their files); rows in the
   order of their pseudonyms, which says nothing about ids, dates or sources.
5. Every row carries the project's reference.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings

from vangnet.coding import codebook, contact_csv
from vangnet.coding.models import Contact
from vangnet.monitor.models import ResearchProject

QUASI_IDENTIFIERS = ("period", "channel", "role", "victim_age_band", "victim_gender")
RARE = "rare"
ANY = "any"
WITHHOLD_SHARE = 0.05
AGE_COARSE = {
    "under_12": "minor",
    "12_14": "minor",
    "15_17": "minor",
    "18_23": "adult",
    "24_plus": "adult",
}

Row = dict[str, str]


def _drop_channel(row: Row) -> None:
    row["channel"] = ANY


def _coarse_age(row: Row) -> None:
    row["victim_age_band"] = AGE_COARSE.get(row["victim_age_band"], row["victim_age_band"])


def _drop_gender(row: Row) -> None:
    row["victim_gender"] = ANY


def _year_only(row: Row) -> None:
    row["period"] = row["period"][:4]


# Applied in this order, each to the whole file, until it is k-anonymous enough.
GENERALISATIONS: tuple[tuple[str, Callable[[Row], None]], ...] = (
    ("channel", _drop_channel),
    ("age_band", _coarse_age),
    ("gender", _drop_gender),
    ("year", _year_only),
)


@dataclass
class Microdata:
    project: str
    k: int
    columns: list[str]
    rows: list[list[str]]
    generalised: list[str] = field(default_factory=list)
    withheld: int = 0

    def summary(self) -> str:
        steps = ",".join(self.generalised) or "none"
        return f"rows={len(self.rows)} withheld={self.withheld} k={self.k} generalised={steps}"


def pseudonym(project: ResearchProject, contact_id: int) -> str:
    secret = hmac.new(
        settings.SECRET_KEY.encode(),
        f"vangnet.monitor.microdata:{project.pseudonym_key}".encode(),
        hashlib.sha256,
    )
    return hmac.new(secret.digest(), str(contact_id).encode(), hashlib.sha256).hexdigest()[:20]


def build(project: ResearchProject, *, year: int | None = None) -> Microdata:
    keys = codebook.question_keys()
    contacts = Contact.objects.filter(status=Contact.Status.CODED)
    if year is not None:
        contacts = contacts.filter(month__gte=year * 12, month__lt=(year + 1) * 12)
    fields = ["pk", "month", "codebook_version", "channel", *keys]
    rows: list[Row] = []
    for values in contacts.values_list(*fields).iterator(chunk_size=5000):
        record = dict(zip(fields, values, strict=True))
        answers = codebook.get(str(record["codebook_version"])).from_columns(record)
        month = int(record["month"])
        row: Row = {
            "pseudonym": pseudonym(project, int(record["pk"])),
            "period": f"{month // 12}-Q{month % 12 // 3 + 1}",
            "channel": str(record["channel"]),
        }
        row |= {key: contact_csv.format_answer(answers[key]) for key in keys}
        rows.append(row)
    _merge_rare_codes(rows, keys, project.k)
    generalised = _make_k_anonymous(rows, project.k)
    kept = [row for row in rows if not row.get("_withheld")]
    kept.sort(key=lambda row: row["pseudonym"])
    columns = ["project", "pseudonym", "period", "channel", *keys]
    return Microdata(
        project=project.reference,
        k=project.k,
        columns=columns,
        rows=[[project.reference, *(row[c] for c in columns[1:])] for row in kept],
        generalised=generalised,
        withheld=len(rows) - len(kept),
    )


def _merge_rare_codes(rows: list[Row], keys: list[str], k: int) -> None:
    book = codebook.current()
    for key in keys:
        multi = book.question(key).is_multi
        counts: Counter[str] = Counter()
        for row in rows:
            counts.update(row[key].split(";") if multi else [row[key]])
        rare = {code for code, n in counts.items() if n < k and code not in ("", codebook.UNKNOWN)}
        if not rare:
            continue
        for row in rows:
            codes = row[key].split(";") if multi else [row[key]]
            if rare.intersection(codes):
                kept = sorted({RARE if code in rare else code for code in codes})
                row[key] = ";".join(kept)


def _small_groups(rows: list[Row], k: int) -> set[tuple[str, ...]]:
    groups = Counter(tuple(row[q] for q in QUASI_IDENTIFIERS) for row in rows)
    return {group for group, n in groups.items() if n < k}


def _make_k_anonymous(rows: list[Row], k: int) -> list[str]:
    applied: list[str] = []
    steps = iter(GENERALISATIONS)
    while True:
        small = _small_groups(rows, k)
        lonely = sum(tuple(row[q] for q in QUASI_IDENTIFIERS) in small for row in rows)
        if lonely <= WITHHOLD_SHARE * len(rows):
            break
        step = next(steps, None)
        if step is None:
            break
        name, generalise = step
        for row in rows:
            generalise(row)
        applied.append(name)
    small = _small_groups(rows, k)
    for row in rows:
        if tuple(row[q] for q in QUASI_IDENTIFIERS) in small:
            row["_withheld"] = "1"
    return applied


def to_csv(data: Microdata) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(data.columns)
    yield buffer.getvalue()
    for start in range(0, len(data.rows), 2000):
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(data.rows[start : start + 2000])
        yield buffer.getvalue()


def to_parquet(data: Microdata) -> bytes:
    columns = list(zip(*data.rows, strict=True)) if data.rows else [() for _c in data.columns]
    table = pa.table(
        {
            name: pa.array(list(values), pa.string())
            for name, values in zip(data.columns, columns, strict=True)
        }
    ).replace_schema_metadata(
        {"vangnet.project": data.project, "vangnet.coarsening": data.summary()}
    )
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()
