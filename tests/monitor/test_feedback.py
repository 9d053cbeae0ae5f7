"""What visitors said after their chat, on the monitor: the same disclosure control as every
figure, and the visitors' own side of the CKM's "first time" figure."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from tests.monitor import attack
from vangnet.coding import synthetic
from vangnet.coding.models import Channel, Contact, VisitorFeedback
from vangnet.core.roles import Role
from vangnet.monitor import cellkey
from vangnet.monitor.feedback import feedback_figures

pytestmark = pytest.mark.django_db
MARCH_2024 = 2024 * 12 + 2


def answers(count: int, **values: str) -> None:
    VisitorFeedback.objects.bulk_create(
        VisitorFeedback(month=MARCH_2024, **values) for _ in range(count)
    )


def rows_of(result, question: str) -> dict[str, object]:
    found = next(q for q in result.questions if q.key == question)
    return {shown.figure_id.split("=")[1]: shown for shown in found.rows}


def test_small_answers_are_hidden_and_cannot_be_worked_out():
    answers(30, helped="yes", first_time="yes", come_back="yes")
    answers(4, helped="no", first_time="yes", come_back="yes")
    result = feedback_figures(year=2024, min_cell=10)
    helped = rows_of(result, "helped")
    assert helped["no"].numerator.reason == "small"
    # "yes" = answered - "no": one of the two other counts must be hidden as well.
    assert helped["yes"].numerator.hidden or helped["yes"].denominator.hidden
    assert abs(result.respondents.published - 34) <= cellkey.MAX_NOISE
    first_time = rows_of(result, "first_time")
    assert not first_time["yes"].numerator.hidden
    assert first_time["no"].numerator.count == 0  # nobody: nothing to protect


def test_visitors_who_are_not_victims_cannot_be_isolated():
    victim = Contact.objects.create(
        channel=Channel.CHAT,
        contact_date=date(2024, 3, 1),
        month=MARCH_2024,
        codebook_version="2026.1",
        role="victim_self",
        victim_exploited="yes",
    )
    VisitorFeedback.objects.create(month=MARCH_2024, first_time="yes", contact=victim)
    answers(20, first_time="yes")
    result = feedback_figures(year=2024, min_cell=10)
    # One victim answered: hidden, and so is what would give it away ("yes" of everyone
    # minus "yes" of the others is not shown, as the others are never shown).
    assert result.first_time_victims.numerator.reason == "small"
    assert result.first_time_victims.denominator.hidden


def test_the_monitor_page_shows_the_section(staff_client, load_rows):
    load_rows([(12, {"role": "victim_self", "victim_exploited": "yes", "date": "2024-03-10"})])
    answers(25, helped="yes", first_time="no", come_back="yes")
    answers(3, helped="somewhat", first_time="no", come_back="no")
    client, _user = staff_client(Role.RESEARCHER)
    page = client.get(reverse("monitor:dashboard"), {"year": 2024}).content.decode()
    assert 'id="feedback-table"' in page and 'href="#feedback-title"' in page
    shown, hidden = attack.parse(page)
    assert "Y2024|feedback:helped=somewhat|all" in hidden
    assert "Y2024|feedback:come_back=no|all" in hidden
    assert abs(shown["Y2024|feedback:n"] - 28) <= cellkey.MAX_NOISE


def test_the_yearly_report_has_the_section_too(staff_client, load_rows):
    load_rows([(12, {"role": "victim_self", "victim_exploited": "yes", "date": "2024-03-10"})])
    answers(25, helped="yes", first_time="no", come_back="yes")
    client, _user = staff_client(Role.RESEARCHER)
    page = client.get(reverse("monitor:report"), {"year": 2024}).content.decode()
    assert 'id="feedback-table"' in page


def test_synthetic_answers_give_the_seeds_first_time_figure_from_the_visitors_side():
    """The CKM found 65 % of victims talked to a helper for the first time (docs/domain.md);
    the demo data's victims say so themselves in about the same share."""
    Contact.objects.bulk_create(
        synthetic.contacts(6000, first_day=date(2024, 1, 1), last_day=date(2024, 12, 31))
    )
    chats = list(Contact.objects.filter(channel=Channel.CHAT).order_by("pk"))
    VisitorFeedback.objects.bulk_create(synthetic.feedback(chats))
    result = feedback_figures(year=2024, min_cell=10)
    share = result.first_time_victims.percent
    assert share is not None
    assert 61 <= share <= 69, share
