"""The retention run: dry run, erasure with tombstones, legal holds, faults, and backups that
cannot be read for an erased case (envelope encryption)."""

from __future__ import annotations

import functools
import hashlib
import io
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from tests.cases.conftest import AP
from vangnet.cases import meldcode, services
from vangnet.cases.meldcode_models import MeldcodeTrack
from vangnet.cases.models import Case, ChatConsent, Person, ProgressNote
from vangnet.chat.models import Conversation, Message, VisitorRole
from vangnet.core import crypto, envelope
from vangnet.core.models import AccessLogEntry, DataKey
from vangnet.retention import erasure, runner, terms
from vangnet.retention.models import LegalHold, Tombstone
from vangnet.sharing import services as sharing_services
from vangnet.sharing.models import Share, ShareConsent, ShareResponse

pytestmark = pytest.mark.django_db

SECRET = "Zij wordt uitgebuit door haar oom in Zwolle"
FAR_FUTURE = date(2100, 1, 1)


def closed(case: Case, by: Any) -> Case:
    services.add_note(
        case=case, by=by, text=SECRET, happened_on=case.date_of_birth, access_point=AP
    )
    return services.close_case(
        case=case, by=by, reason="Afgerond", expected_version=case.version, access_point=AP
    )


def raw_values(case: Case) -> dict[str, str]:
    """What a copy of the database holds for a case: the stored tokens, read without the ORM."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, summary FROM cases_case WHERE id = %s", [case.pk])
        name, summary = cursor.fetchone()
        cursor.execute("SELECT text FROM cases_progressnote WHERE case_id = %s", [case.pk])
        (note,) = cursor.fetchone()
    return {"name": name, "note": note}


def open_token(token: str) -> str:
    return envelope.open_sealed(token)


def test_dry_run_lists_and_changes_nothing(make_case: Callable[..., Case], case_worker: Any):
    case = closed(make_case(), case_worker)
    still_open = make_case(name="Open")
    out = io.StringIO()
    call_command("retention", stdout=out)
    assert case.reference not in out.getvalue()  # the term has not passed today
    report = runner.run(apply=False, today=FAR_FUTURE)
    refs = [c.record_ref for c in report.candidates]
    assert case.reference in refs and still_open.reference not in refs
    assert Case.objects.filter(pk=case.pk).exists()
    assert not Tombstone.objects.exists()


def test_the_last_day_of_the_term_keeps_the_case_and_the_day_after_erases(
    make_case: Callable[..., Case], case_worker: Any, settings: Any
):
    settings.VANGNET_RETENTION_CASE_YEARS = 20
    case = closed(make_case(), case_worker)
    started = timezone.localdate()
    last_day = (
        started.replace(year=started.year + 20)
        if not (started.month == 2 and started.day == 29)
        else date(started.year + 20, 2, 28)
    )
    assert not runner.run(apply=True, today=last_day).erased
    assert Case.objects.filter(pk=case.pk).exists()
    report = runner.run(apply=True, today=last_day + timedelta(days=1))
    assert [t.record_ref for t in report.erased] == [case.reference]


def test_apply_erases_the_case_and_writes_one_tombstone_without_content(
    make_case: Callable[..., Case], case_worker: Any, add_parent: Callable[..., Person]
):
    case = make_case()
    add_parent(case, name="Moeder Jansen")
    case = closed(case, case_worker)
    keep = closed(make_case(name="Blijft"), case_worker)
    Case.objects.filter(pk=keep.pk).update(closed_at=timezone.now() + timedelta(days=400))
    day = terms.erasable_from(timezone.localdate(), years=20)
    report = runner.run(apply=True, today=day)
    assert [t.record_ref for t in report.erased] == [case.reference]
    assert not Case.objects.filter(pk=case.pk).exists()
    assert not Person.objects.filter(case_id=case.pk).exists()
    assert not ProgressNote.objects.filter(case_id=case.pk).exists()
    stone = Tombstone.objects.get()
    assert (stone.record_type, stone.record_ref, stone.rule) == (
        "case",
        case.reference,
        "case_record",
    )
    text = " ".join(str(v) for v in stone.__dict__.values())
    assert "Lisa" not in text and "Jansen" not in text and SECRET not in text
    assert DataKey.objects.get(holder=f"case:{case.reference}").wrapped == ""
    # The access log about the case stays (who looked), with no content, and says it was erased.
    assert AccessLogEntry.objects.filter(
        client_ref=case.reference, username="system", detail="erased under case_record"
    ).exists()
    # Twice is safe: nothing more to do, nothing doubled.
    again = runner.run(apply=True, today=day)
    assert again.erased == [] and Tombstone.objects.count() == 1


def test_a_copy_of_the_database_taken_before_erasure_cannot_be_read_for_that_case(
    make_case: Callable[..., Case], case_worker: Any
):
    erased = closed(make_case(name="Weg"), case_worker)
    kept = make_case(name="Blijft")
    services.add_note(
        case=kept,
        by=case_worker,
        text="Blijft leesbaar",
        happened_on=kept.date_of_birth,
        access_point=AP,
    )
    backup = {"erased": raw_values(erased), "kept": raw_values(kept)}  # the copy, before
    crypto.reset_cipher()  # a fresh process reading the copy: nothing cached
    assert open_token(backup["erased"]["note"]) == SECRET
    tombstone = erasure.erase_case(case_pk=erased.pk, rule="case_record", reason="t", run="r")
    assert tombstone is not None
    crypto.reset_cipher()
    for token in backup["erased"].values():
        assert envelope.is_sealed(token)
        with pytest.raises(crypto.DecryptionError):
            open_token(token)
    assert open_token(backup["kept"]["name"]) == "Blijft"
    assert open_token(backup["kept"]["note"]) == "Blijft leesbaar"


def test_a_legal_hold_stops_erasure_and_says_so(make_case: Callable[..., Case], case_worker: Any):
    case = closed(make_case(), case_worker)
    LegalHold.objects.create(
        case=case, kind=LegalHold.Kind.POLICE, reason="Onderzoek loopt", set_by=case_worker
    )
    out = io.StringIO()
    report = runner.run(apply=True, today=FAR_FUTURE)
    assert report.erased == []
    assert "Politieonderzoek" in report.candidates[0].held
    with pytest.raises(erasure.ErasureRefused, match="bewaarplicht"):
        erasure.erase_case(case_pk=case.pk, rule="request", reason="r", run="x")
    assert Case.objects.filter(pk=case.pk).exists()
    del out


def test_an_open_meldcode_track_is_a_hold(make_case: Callable[..., Case], case_worker: Any):
    case = make_case()
    meldcode.start_track(by=case_worker, case=case, reason="Zorg", access_point=AP)
    case = closed(case, case_worker)
    report = runner.run(apply=True, today=FAR_FUTURE)
    assert report.erased == [] and "meldcodetraject" in report.candidates[0].held


def test_a_failure_half_way_leaves_the_record_whole_and_a_rerun_continues(
    make_case: Callable[..., Case], case_worker: Any, monkeypatch: pytest.MonkeyPatch
):
    first = closed(make_case(name="Een"), case_worker)
    second = closed(make_case(name="Twee"), case_worker)
    real_destroy = envelope.destroy

    def crash_on_second(names: Any) -> int:
        names = list(names)
        if f"case:{second.reference}" in names:
            raise RuntimeError("the machine lost power")
        return real_destroy(names)

    monkeypatch.setattr(envelope, "destroy", crash_on_second)
    report = runner.run(apply=True, today=FAR_FUTURE)
    assert [t.record_ref for t in report.erased] == [first.reference]
    assert [c.record_ref for c, _ in report.failed] == [second.reference]
    # The failed case is whole: its rows, its key, no tombstone.
    survivor = Case.objects.get(pk=second.pk)
    assert survivor.name == "Twee"
    assert ProgressNote.objects.get(case=survivor).text == SECRET
    assert not Tombstone.objects.filter(record_ref=second.reference).exists()
    monkeypatch.setattr(envelope, "destroy", real_destroy)
    again = runner.run(apply=True, today=FAR_FUTURE)
    assert [t.record_ref for t in again.erased] == [second.reference]


def test_the_command_fails_loudly_when_a_record_failed(
    make_case: Callable[..., Case], case_worker: Any, monkeypatch: pytest.MonkeyPatch
):
    case = closed(make_case(), case_worker)
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - timedelta(days=366 * 21))
    monkeypatch.setattr(runner, "run", functools.partial(runner.run, today=FAR_FUTURE))
    monkeypatch.setattr(envelope, "destroy", lambda names: 1 / 0)
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command("retention", "--apply", stdout=out, stderr=err)
    assert case.reference in err.getvalue() and "ZeroDivisionError" in err.getvalue()
    assert Case.objects.filter(pk=case.pk).exists()


def anonymous_chat(days_ago: int, text: str = SECRET) -> Conversation:
    chat = Conversation.objects.create(
        token_hash=hashlib.sha256(uuid.uuid4().bytes).hexdigest(),
        visitor_role=VisitorRole.YOUNG_PERSON,
        nickname="Sanne",
        status=Conversation.Status.ENDED,
    )
    Message.objects.create(
        conversation=chat, sequence=1, sender="visitor", client_msg_id="a", body=text
    )
    moment = timezone.now() - timedelta(days=days_ago)
    Conversation.objects.filter(pk=chat.pk).update(ended_at=moment, last_activity_at=moment)
    return chat


def test_anonymous_chat_text_goes_after_its_term_and_a_case_chat_follows_the_case(
    settings: Any, case_worker: Any, counsellor: Any
):
    settings.VANGNET_RETENTION_CHAT_DAYS = 30
    old = anonymous_chat(40)
    recent = anonymous_chat(5)
    of_case = anonymous_chat(40)
    consent = services.record_chat_consent(
        conversation=of_case, counsellor=counsellor, agreed_to="Ja", contact_details="06"
    )
    case = services.open_case_from_chat(
        consent=consent,
        by=case_worker,
        name="Mila",
        date_of_birth=date(2010, 1, 1),
        access_point=AP,
    )
    report = runner.run(apply=True)
    assert [t.record_ref for t in report.erased] == [old.public_id.hex]
    assert Message.objects.get(conversation=old).body == ""
    assert Conversation.objects.get(pk=old.pk).nickname == ""
    assert Message.objects.get(conversation=recent).body == SECRET
    assert Message.objects.get(conversation=of_case).body == SECRET
    # The case goes (on request or at its term): its chat's text and key go with it.
    closed(case, case_worker)
    erasure.erase_case(case_pk=case.pk, rule="erasure_request", reason="request", run="x")
    assert Message.objects.get(conversation=of_case).body == ""
    assert not ChatConsent.objects.filter(pk=consent.pk).exists()
    assert DataKey.objects.get(holder=f"chat:{of_case.public_id.hex}").wrapped == ""


def test_a_case_with_shares_is_erased_with_its_shares_and_leaves_one_tombstone(
    make_case: Callable[..., Case],
    case_worker: Any,
    add_parent: Callable[..., Person],
    police: Any,
    police_officer: Any,
):
    """Shares live in their own app; erasing the case still takes every share row with it.

    (Before, a case whose parent had consented to a share could not be erased at all.)"""
    case = make_case(age=14)
    parent = add_parent(case)
    share = services.share_with_partner(
        case=case,
        by=case_worker,
        organisation=police,
        sections=["identity", "people"],
        purpose="Aangifte",
        basis="consent",
        client_consents=True,
        consenting_parents=[parent],
        valid_until=timezone.localdate() + timedelta(days=30),
        access_point=AP,
    )
    sharing_services.respond_to_share(share=share, by=police_officer, text=SECRET, access_point=AP)
    # Rows that point at the case's rows without a way back (related_name="+"): an emergency
    # contact and a consent naming the parent, a closed meldcode track naming its report.
    services.add_emergency_contact(
        case=case, by=case_worker, name="", phone="06-12345678", person=parent, access_point=AP
    )
    track = meldcode.start_track(by=case_worker, case=case, reason="Zorgen", access_point=AP)
    MeldcodeTrack.objects.filter(pk=track.pk).update(
        report_share=share, status=MeldcodeTrack.Status.CLOSED
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT snapshot FROM cases_share WHERE id = %s", [share.pk])
        (sealed,) = cursor.fetchone()
    case = closed(case, case_worker)
    day = terms.erasable_from(timezone.localdate(), years=20)
    report = runner.run(apply=True, today=day)
    assert [t.record_ref for t in report.erased] == [case.reference]
    assert not Share.objects.exists()
    assert not ShareConsent.objects.exists() and not ShareResponse.objects.exists()
    assert not MeldcodeTrack.objects.exists() and not Person.objects.exists()
    assert Tombstone.objects.count() == 1
    with pytest.raises(crypto.DecryptionError):
        open_token(sealed)  # a backup's copy of the snapshot is unreadable too


def test_every_case_row_is_sealed_with_the_case_key(
    make_case: Callable[..., Case], case_worker: Any, add_parent: Callable[..., Person]
):
    """Also values written by the services' queryset updates (summary, close reason)."""
    case = make_case()
    add_parent(case)
    services.update_case(
        case=case,
        by=case_worker,
        expected_version=case.version,
        access_point=AP,
        summary="Samenvatting",
        contact_details="Straat 1",
        risk_level="high",
    )
    closed(case, case_worker)
    key = DataKey.objects.get(holder=f"case:{case.reference}")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, summary, contact_details, close_reason FROM cases_case WHERE id = %s",
            [case.pk],
        )
        values = cursor.fetchone()
    for value in values:
        assert value.startswith(f"dk2:{key.pk}:"), value[:10]


def test_the_dry_run_says_per_category_what_and_why(
    make_case: Callable[..., Case], case_worker: Any, monkeypatch: pytest.MonkeyPatch
):
    case = closed(make_case(), case_worker)
    held = closed(make_case(name="Vast"), case_worker)
    LegalHold.objects.create(case=held, kind="court", reason="Zaak", set_by=case_worker)
    monkeypatch.setattr(runner, "run", functools.partial(runner.run, today=FAR_FUTURE))
    out = io.StringIO()
    call_command("retention", stdout=out)
    text = out.getvalue()
    assert "case_record: 1 past their term" in text
    assert f"case {case.reference}: term ended" in text
    assert f"case {held.reference}: kept, legal hold: " in text
    assert "chat_text: 0 past their term" in text and "access_log:" in text
    assert "Dry run: nothing was erased" in text
    assert SECRET not in text and "Lisa" not in text
    # One language: the schedule's words and the holds' names in English too, not Dutch.
    assert "access_log: kept, at least as long as the records it is about" in text
    assert "dossier" not in text and "bewaard" not in text
    assert Case.objects.count() == 2 and not Tombstone.objects.exists()
