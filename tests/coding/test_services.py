from __future__ import annotations

import io
from datetime import date

import pytest
from django.utils import timezone

from vangnet.chat.models import Conversation
from vangnet.coding import codebook, selectors, services
from vangnet.coding.models import Contact
from vangnet.core.access import AccessDenied
from vangnet.core.roles import Role
from vangnet.monitor.models import MonthlyCell

pytestmark = pytest.mark.django_db


def ended_chat(counsellor, role="young_person"):
    return Conversation.objects.create(
        token_hash=str(Conversation.objects.count()) + "x" * 10,
        visitor_role=role,
        status=Conversation.Status.ENDED,
        counsellor=counsellor,
        ended_at=timezone.now(),
    )


def test_a_coded_chat_is_finished_and_counted(make_staff, django_capture_on_commit_callbacks):
    anna = make_staff(Role.COUNSELLOR).user
    chat = ended_chat(anna)
    assert list(selectors.uncoded_conversations(counsellor=anna)) == [chat]
    with django_capture_on_commit_callbacks(execute=True):  # the monitor recounts on commit
        contact = services.register_contact(
            by=anna,
            conversation=chat,
            answers={
                "role": "victim_self",
                "victim_exploited": "yes",
                "exploitation_forms": ["sexual", "criminal"],
            },
        )
    assert contact.channel == "chat"
    assert contact.codebook_version == codebook.current().version
    assert list(selectors.uncoded_conversations(counsellor=anna)) == []
    cell = MonthlyCell.objects.get()
    assert (cell.n, cell.is_victim, cell.role) == (1, True, "victim_self")
    # Unanswered questions are `unknown`, never empty.
    assert contact.duration == "unknown"
    forms = codebook.current().question("exploitation_forms")
    assert forms.codes_in(contact.exploitation_forms) == ["sexual", "criminal"]


def test_not_codeable_needs_a_reason_and_finishes_the_chat(make_staff):
    anna = make_staff(Role.COUNSELLOR).user
    chat = ended_chat(anna)
    with pytest.raises(services.CodingError):
        services.mark_not_codeable(by=anna, conversation=chat, reason="")
    services.mark_not_codeable(by=anna, conversation=chat, reason="test_or_prank")
    assert not selectors.uncoded_conversations(counsellor=anna).exists()
    assert not MonthlyCell.objects.exists()  # not codeable contacts are not counted


def test_only_the_counsellor_who_held_the_chat_codes_it(make_staff):
    anna = make_staff(Role.COUNSELLOR).user
    bram = make_staff(Role.COUNSELLOR).user
    chat = ended_chat(anna)
    with pytest.raises(AccessDenied):
        services.register_contact(by=bram, conversation=chat, answers={})
    researcher = make_staff(Role.RESEARCHER).user
    with pytest.raises(AccessDenied):
        services.register_contact(by=researcher, answers={}, channel="phone")


def test_a_chat_is_coded_once(make_staff):
    anna = make_staff(Role.COUNSELLOR).user
    chat = ended_chat(anna)
    services.register_contact(by=anna, conversation=chat, answers={})
    with pytest.raises(services.CodingError):
        services.register_contact(by=anna, conversation=chat, answers={})


def test_corrections_keep_history_and_move_the_counts(
    make_staff, django_capture_on_commit_callbacks
):
    anna = make_staff(Role.COUNSELLOR).user
    bram = make_staff(Role.COUNSELLOR).user
    sara = make_staff(Role.SUPERVISOR).user
    contact = services.register_contact(
        by=anna, answers={"role": "parent_carer"}, channel="phone", contact_date=date(2025, 3, 4)
    )
    with pytest.raises(AccessDenied):
        services.correct_contact(by=bram, contact=contact, answers={"role": "victim_self"})
    with django_capture_on_commit_callbacks(execute=True):
        services.correct_contact(
            by=sara,
            contact=contact,
            answers={"role": "victim_self", "victim_exploited": "suspected"},
            contact_date=date(2024, 12, 30),
        )
    contact.refresh_from_db()
    assert [r.answers["role"] for r in contact.revisions.all()] == ["parent_carer", "victim_self"]
    assert [r.by for r in contact.revisions.all()] == [anna, sara]
    cell = MonthlyCell.objects.get()  # the old month is recounted to nothing
    assert (cell.month, cell.is_victim) == (2024 * 12 + 11, True)


def test_codes_that_do_not_fit_are_refused(make_staff):
    anna = make_staff(Role.COUNSELLOR).user
    with pytest.raises(codebook.CodebookError):
        services.register_contact(by=anna, answers={"role": "alien"}, channel="phone")
    with pytest.raises(codebook.CodebookError):
        services.register_contact(
            by=anna, answers={"exploitation_forms": ["sexual", "unknown"]}, channel="phone"
        )


HEADER = "contact_id,date,codebook_version,channel,role,victim_exploited,exploitation_forms\n"


def test_import_is_all_or_nothing_with_line_numbers(db, django_capture_on_commit_callbacks):
    bad = HEADER + (
        "a,2024-05-01,2026.1,chat,victim_self,yes,sexual;criminal\n"
        "b,2024-13-01,2026.1,chat,victim_self,yes,sexual\n"
        "c,2024-05-02,2026.1,chat,victim_self,maybe,sexual\n"
        "d,2024-05-02,1999.1,chat,victim_self,yes,sexual\n"
    )
    with pytest.raises(services.ImportFailed) as failure:
        services.import_contacts(source=io.StringIO(bad), batch="t")
    assert [line for line, _reason in failure.value.errors] == [3, 4, 5]
    assert "[c]" in failure.value.errors[1][1] and "maybe" in failure.value.errors[1][1]
    assert not Contact.objects.exists()
    good = HEADER + "a,2024-05,2026.1,,victim_self,yes,sexual;criminal\n"
    with django_capture_on_commit_callbacks(execute=True):
        result = services.import_contacts(source=io.StringIO(good), batch="t")
    assert result.imported == 1
    contact = Contact.objects.get()
    assert (contact.contact_date, contact.channel) == (date(2024, 5, 1), "chat")
    assert MonthlyCell.objects.get().n == 1


def test_import_reports_unknown_columns(db):
    with pytest.raises(services.ImportFailed) as failure:
        services.import_contacts(source=io.StringIO("date,codebook_version,nickname\n"), batch="t")
    assert failure.value.errors[0][0] == 1
    assert "nickname" in failure.value.errors[0][1]
