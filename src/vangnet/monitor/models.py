"""The monitor's own data: a monthly summary of coded contacts, and the disclosure threshold.

`MonthlyCell` holds, per month and per combination of the filter dimensions, how many coded
contacts gave each answer. The monitor and the yearly report add up these cells (a few thousand
rows) instead of scanning every contact, which keeps a page fast at a million contacts. The
measure columns follow the codebook: a code added in a new codebook version becomes a column
through a migration (`makemigrations monitor`). Next to every count a cell keeps the sum of
the record keys of the contacts it counts (`<measure>_key`), from which the published, perturbed
number follows (`monitor/cellkey.py`).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vangnet.coding import codebook

# Questions that are dimensions of a cell (filters); their counts come from grouping.
DIMENSIONS = {"role": "role", "victim_age_band": "age_band", "exploitation_forms": "forms"}
SPECIAL_MEASURES = ("parent_perp_over_2y",)


def measure_name(question: str, code: str) -> str:
    return f"{question}_{code}"


def key_column(column: str) -> str:
    """The column holding the sum of the record keys of the contacts counted in `column`."""
    return f"{column}_key"


def measure_columns() -> list[str]:
    """Every measure column: one per code of each non-dimension question, plus known counts."""
    columns: list[str] = []
    for question in codebook.current().questions:
        if question.key in DIMENSIONS:
            continue
        columns += [measure_name(question.key, code) for code in question.code_names]
        if question.is_multi:
            columns.append(measure_name(question.key, "known"))
    return columns + list(SPECIAL_MEASURES)


class MonthlyCell(models.Model):
    month = models.PositiveIntegerField()
    channel = models.CharField(max_length=10)
    role = models.CharField(max_length=32)
    age_band = models.CharField(max_length=32)
    forms = models.PositiveIntegerField()
    is_victim = models.BooleanField()
    n = models.PositiveIntegerField()
    n_key = models.BigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["month"], name="monitor_cell_month_idx")]

    def __str__(self) -> str:
        return f"{self.month} {self.channel} {self.role} {self.age_band} {self.forms}: {self.n}"


for _column in measure_columns():
    MonthlyCell.add_to_class(_column, models.PositiveIntegerField(default=0))
    # The cell-key method (disclosure.md) needs, next to each count, its contacts' key sum.
    MonthlyCell.add_to_class(key_column(_column), models.BigIntegerField(default=0))


class SummaryMonth(models.Model):
    """One row per month that has cells; locked while that month is recounted."""

    month = models.PositiveIntegerField(primary_key=True)
    refreshed_at = models.DateTimeField(auto_now=True)
    # Kept here so the report need not scan the contacts for them.
    codebook_versions = models.CharField(max_length=200, blank=True)
    synthetic = models.BooleanField(default=False)

    def __str__(self) -> str:
        return str(self.month)


DEFAULT_MIN_CELL = 10


class DisclosureThreshold(models.Model):
    """The history of the smallest count the monitor shows; the newest row is in force."""

    min_cell = models.PositiveSmallIntegerField(_("smallest count shown"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-set_at", "-id"]

    def __str__(self) -> str:
        return f"{self.min_cell} ({self.set_at:%Y-%m-%d})"


DEFAULT_K = 5


def new_pseudonym_key() -> str:
    return secrets.token_hex(32)


class ResearchProject(models.Model):
    """Record-level data leaves only for a project like this, approved by a second person."""

    title = models.CharField(_("title"), max_length=200)
    purpose = models.TextField(_("purpose"))
    data_agreement = models.CharField(_("data agreement reference"), max_length=100)
    researchers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="research_projects", verbose_name=_("researchers")
    )
    end_date = models.DateField(_("end date"))
    k = models.PositiveSmallIntegerField(_("smallest group in the export (k)"), default=DEFAULT_K)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    # Per project, so that two projects' files cannot be joined on their pseudonyms.
    pseudonym_key = models.CharField(max_length=64, default=new_pseudonym_key, editable=False)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    @property
    def reference(self) -> str:
        return f"RP-{self.pk}"
