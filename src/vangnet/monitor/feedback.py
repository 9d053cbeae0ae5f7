"""What visitors said after their chat (coding.VisitorFeedback), under the monitor's rules.

The same disclosure control as every other figure: counts below the threshold are hidden, the
counts that would give a hidden one away by subtraction are hidden too (`disclosure.suppress`
over the sets of counts that add up), and every shown count carries the cell-key noise of its
answers' record keys (`cellkey.published`). One calendar year at a time, never added up.

"First time" is also shown for victims (joined to the contact the counsellor coded, with the
CKM's definition of a victim): the visitors' own side of the CKM's "talking to a helper for
the first time".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Case, Count, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from vangnet.coding.feedback import QUESTION_TEXT, QUESTIONS
from vangnet.coding.models import Contact, VisitorFeedback
from vangnet.monitor import disclosure
from vangnet.monitor.figures import Number, Shown, disclosed

DEN_ANSWERED = _("of the visitors who answered this question")
DEN_VICTIMS_ANSWERED = _("of the victims who answered this question")
RESPONDENTS = "n"
ANSWERED = "*answered"
SKIPPED = "*skipped"


def cell(question: str, code: str, scope: str = "all") -> str:
    return f"{question}={code}|{scope}"


@dataclass
class FeedbackQuestion:
    key: str
    label: Promise | str
    rows: list[Shown]


@dataclass
class FeedbackResult:
    year: int
    respondents: Number
    questions: list[FeedbackQuestion]
    first_time_victims: Shown
    no_data: bool


def _victim_answer() -> Case:
    """The contact the chat was coded as: a victim in the CKM's sense (monitor/summary.py)."""
    return Case(
        When(
            Q(
                contact__status=Contact.Status.CODED,
                contact__role="victim_self",
                contact__victim_exploited__in=["yes", "suspected"],
            ),
            then=Value(True),
        ),
        default=Value(False),
        output_field=BooleanField(),
    )


def _count(year: int) -> tuple[Counter[str], Counter[str]]:
    """Every count of the year and the record-key sum of each."""
    counts: Counter[str] = Counter()
    keys: Counter[str] = Counter()
    rows = (
        VisitorFeedback.objects.filter(month__gte=year * 12, month__lt=(year + 1) * 12)
        .annotate(is_victim=_victim_answer())
        .values(*QUESTIONS, "is_victim")
        .annotate(n=Count("id"), key_sum=Coalesce(Sum("record_key"), 0))
        .order_by()
    )
    for row in rows:
        n, key_sum = int(row["n"]), int(row["key_sum"])
        scope = "victims" if row["is_victim"] else "others"
        names = [RESPONDENTS]
        for question in QUESTIONS:
            code = row[question] or SKIPPED
            names += [cell(question, code), cell(question, code, scope)]
            if code != SKIPPED:
                names += [cell(question, ANSWERED), cell(question, ANSWERED, scope)]
        for name in names:
            counts[name] += n
            keys[name] += key_sum
    return counts, keys


def _partitions() -> list[disclosure.Partition]:
    partitions = []
    for question, choices in QUESTIONS.items():
        for scope in ("all", "victims", "others"):
            total = RESPONDENTS if scope == "all" else cell(question, "*all", scope)
            answered = cell(question, ANSWERED, scope)
            partitions.append(
                disclosure.Partition(total, (answered, cell(question, SKIPPED, scope)))
            )
            codes = tuple(cell(question, code, scope) for code in choices.values)
            partitions.append(disclosure.Partition(answered, codes))
        partitions.append(
            disclosure.Partition(
                RESPONDENTS,
                (cell(question, "*all", "victims"), cell(question, "*all", "others")),
            )
        )
        for code in (*choices.values, ANSWERED, SKIPPED):
            partitions.append(
                disclosure.Partition(
                    cell(question, code),
                    (cell(question, code, "victims"), cell(question, code, "others")),
                )
            )
    return partitions


def feedback_figures(*, year: int, min_cell: int) -> FeedbackResult:
    counts, keys = _count(year)
    for question in QUESTIONS:  # victims and others who took part, answered or not
        for scope in ("victims", "others"):
            counts[cell(question, "*all", scope)] = (
                counts[cell(question, ANSWERED, scope)] + counts[cell(question, SKIPPED, scope)]
            )
            keys[cell(question, "*all", scope)] = (
                keys[cell(question, ANSWERED, scope)] + keys[cell(question, SKIPPED, scope)]
            )
    partitions = _partitions()
    all_counts: dict[Hashable, int] = {name: value for name, value in counts.items()}
    for partition in partitions:
        for member in (partition.total, *partition.parts):
            all_counts.setdefault(member, 0)
    displayed: set[Hashable] = {RESPONDENTS}
    for question, choices in QUESTIONS.items():
        displayed |= {cell(question, code) for code in (*choices.values, ANSWERED)}
    displayed |= {cell("first_time", "yes", "victims"), cell("first_time", ANSWERED, "victims")}
    hidden = disclosure.suppress(all_counts, partitions, min_cell=min_cell, displayed=displayed)

    def number(name: str) -> Number:
        return disclosed(
            all_counts.get(name, 0),
            suppressed=name in hidden,
            key=keys[name],
            min_cell=min_cell,
            cell=f"Y{year}|feedback:{name}",
        )

    def figure(figure_id: str, label: Any, numerator: str, denominator: str, den: Any) -> Shown:
        return Shown(figure_id, label, number(numerator), number(denominator), den)

    questions = [
        FeedbackQuestion(
            key=question,
            label=QUESTION_TEXT[question],
            rows=[
                figure(
                    f"{question}={code}",
                    label,
                    cell(question, code),
                    cell(question, ANSWERED),
                    DEN_ANSWERED,
                )
                for code, label in choices.choices
            ],
        )
        for question, choices in QUESTIONS.items()
    ]
    return FeedbackResult(
        year=year,
        respondents=number(RESPONDENTS),
        questions=questions,
        first_time_victims=figure(
            "first_time_victims",
            _("Victims: the first time they told someone (their own answer)"),
            cell("first_time", "yes", "victims"),
            cell("first_time", ANSWERED, "victims"),
            DEN_VICTIMS_ANSWERED,
        ),
        no_data=counts[RESPONDENTS] == 0,
    )
