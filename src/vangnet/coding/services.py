"""Use cases of contact coding: register, mark not codeable, correct, import."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, TextIO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vangnet.chat.models import Conversation
from vangnet.coding import codebook, contact_csv
from vangnet.coding.feedback import join_contact
from vangnet.coding.models import Channel, Contact, ContactRevision, NotCodeableReason
from vangnet.coding.months import month_index
from vangnet.coding.signals import send_contacts_changed
from vangnet.core.access import COMMAND_LINE, AccessDenied, Action, may, object_rule, require

if TYPE_CHECKING:
    from vangnet.accounts.models import User


class CodingError(Exception):
    """A coding request that cannot be done; the message is safe to show."""


@object_rule(Action.CONTACT_REGISTER)
def may_correct(user: Any, contact: Contact) -> bool:
    """The counsellor who coded a contact may correct it; a supervisor may correct any."""
    return bool(contact.counsellor_id == user.pk or may(user, Action.CONTACT_CORRECT_ANY))


def _check_conversation(by: User, conversation: Conversation) -> None:
    if conversation.status != Conversation.Status.ENDED:
        raise CodingError(_("This chat has not ended yet; code it when it is over."))
    if conversation.counsellor_id != by.pk and not may(by, Action.CONTACT_CORRECT_ANY):
        raise AccessDenied(_("Only the counsellor who held this chat last can code it."))
    if Contact.objects.filter(conversation=conversation).exists():
        raise CodingError(_("This chat has already been coded."))


def _conversation_date(conversation: Conversation) -> date:
    moment = conversation.ended_at or conversation.created_at
    return timezone.localdate(moment)


def _record_revision(contact: Contact, by: User | None, answers: codebook.Answers | None) -> None:
    last = contact.revisions.order_by("-number").values_list("number", flat=True).first() or 0
    ContactRevision.objects.create(
        contact=contact,
        number=last + 1,
        by=by if getattr(by, "pk", None) else None,
        codebook_version=contact.codebook_version,
        status=contact.status,
        not_codeable_reason=contact.not_codeable_reason,
        channel=contact.channel,
        contact_date=contact.contact_date,
        answers={
            key: sorted(value) if isinstance(value, frozenset) else value
            for key, value in (answers or {}).items()
        },
    )


def _check_date(contact_date: date) -> None:
    if contact_date > timezone.localdate():
        raise CodingError(_("The date of the contact cannot be in the future."))


def register_contact(
    *,
    by: User,
    answers: Mapping[str, object],
    channel: str = Channel.CHAT,
    contact_date: date | None = None,
    conversation: Conversation | None = None,
) -> Contact:
    """Code one contact with the current codebook: after a chat, or a phone or e-mail contact."""
    require(by, Action.CONTACT_REGISTER)
    book = codebook.current()
    cleaned = book.clean(answers)
    if conversation is not None:
        _check_conversation(by, conversation)
        channel = Channel.CHAT
        contact_date = _conversation_date(conversation)
    contact_date = contact_date or timezone.localdate()
    _check_date(contact_date)
    if channel not in Channel.values:
        raise CodingError(_("Choose a channel."))
    with transaction.atomic():
        contact = Contact.objects.create(
            conversation=conversation,
            channel=channel,
            contact_date=contact_date,
            month=month_index(contact_date),
            codebook_version=book.version,
            counsellor=by,
            **book.to_columns(cleaned),
        )
        _record_revision(contact, by, cleaned)
        join_contact(contact)
        send_contacts_changed([contact.month])
    return contact


def mark_not_codeable(*, by: User, conversation: Conversation, reason: str) -> Contact:
    """Close a chat that cannot be coded; it then counts as finished but not in the monitor."""
    require(by, Action.CONTACT_REGISTER)
    if reason not in NotCodeableReason.values:
        raise CodingError(_("Choose why this chat cannot be coded."))
    _check_conversation(by, conversation)
    contact_date = _conversation_date(conversation)
    with transaction.atomic():
        contact = Contact.objects.create(
            conversation=conversation,
            channel=Channel.CHAT,
            status=Contact.Status.NOT_CODEABLE,
            not_codeable_reason=reason,
            contact_date=contact_date,
            month=month_index(contact_date),
            codebook_version=codebook.current().version,
            counsellor=by,
        )
        _record_revision(contact, by, None)
        join_contact(contact)
    return contact


def correct_contact(
    *,
    by: User,
    contact: Contact,
    answers: Mapping[str, object],
    channel: str | None = None,
    contact_date: date | None = None,
) -> Contact:
    """Change a coding; the contact keeps its codebook version and every earlier state."""
    require(by, Action.CONTACT_REGISTER, contact)
    book = codebook.get(contact.codebook_version)
    cleaned = book.clean(answers)
    old_month = contact.month
    with transaction.atomic():
        if not contact.revisions.exists():  # an imported contact: keep its first state too
            _record_revision(contact, None, book.from_columns(_columns_of(contact)))
        if contact.conversation_id is None:
            if channel is not None:
                if channel not in Channel.values:
                    raise CodingError(_("Choose a channel."))
                contact.channel = channel
            if contact_date is not None:
                _check_date(contact_date)
                contact.contact_date = contact_date
                contact.month = month_index(contact_date)
        for key, value in book.to_columns(cleaned).items():
            setattr(contact, key, value)
        contact.status = Contact.Status.CODED
        contact.not_codeable_reason = ""
        contact.save()
        _record_revision(contact, by, cleaned)
        send_contacts_changed({old_month, contact.month})
    return contact


def _columns_of(contact: Contact) -> dict[str, object]:
    return {key: getattr(contact, key) for key in codebook.question_keys()}


@dataclass(frozen=True)
class ImportResult:
    imported: int
    months: int


MAX_REPORTED_ERRORS = 200
IMPORT_CHUNK = 2000


class ImportFailed(CodingError):
    """The file has bad rows; nothing was imported. `errors` holds the first of them."""

    def __init__(self, errors: list[tuple[int, str]], total: int | None = None) -> None:
        self.errors = errors
        self.total = len(errors) if total is None else total
        super().__init__(_("%(count)d bad row(s); nothing was imported.") % {"count": self.total})


class _Rollback(Exception):
    pass


def import_contacts(
    *, source: TextIO, batch: str, by: User | None = None, allow_duplicates: bool = False
) -> ImportResult:
    """Import coded contacts from the documented CSV format: all rows or none.

    Rows are read and written in chunks inside one transaction, so memory stays flat however
    long the file. A row equal to one imported before (same reference, date, codebook version,
    channel and answers) is refused unless `allow_duplicates`: importing a file twice would
    double every figure. `by` is the staff member importing through the web; None is the
    operator at the command line.
    """
    require(COMMAND_LINE if by is None else by, Action.CONTACT_IMPORT)
    errors: list[tuple[int, str]] = []
    error_count = 0
    months: set[int] = set()
    imported = 0
    earlier = Contact.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def fail(line: int, reason: str) -> None:
        nonlocal error_count
        error_count += 1
        if len(errors) < MAX_REPORTED_ERRORS:
            errors.append((line, reason))

    def write(chunk: list[tuple[int, Contact]]) -> None:
        if not allow_duplicates:
            lines: dict[str, list[int]] = {}
            for line, contact in chunk:
                lines.setdefault(contact.import_fingerprint, []).append(line)
            seen = Contact.objects.filter(pk__lte=earlier, import_fingerprint__in=list(lines))
            found = dict(seen.values_list("import_fingerprint", "import_batch"))
            for fingerprint, earlier_batch in found.items():
                for line in lines[fingerprint]:
                    fail(
                        line,
                        _(
                            "This row was already imported (from “%(batch)s”); "
                            "import it again only if it is another contact."
                        )
                        % {"batch": earlier_batch},
                    )
        if not error_count:
            Contact.objects.bulk_create([contact for _line, contact in chunk])

    try:
        with transaction.atomic():
            chunk: list[tuple[int, Contact]] = []
            for row in contact_csv.parse(source, today=timezone.localdate()):
                if isinstance(row, contact_csv.RowError):
                    fail(row.line, row.reason)
                    continue
                month = month_index(row.contact_date)
                months.add(month)
                imported += 1
                chunk.append((row.line, _contact_of(row, month, batch)))
                if len(chunk) == IMPORT_CHUNK:
                    write(chunk)
                    chunk = []
            write(chunk)
            if error_count:
                raise _Rollback
            send_contacts_changed(months)
    except _Rollback:
        raise ImportFailed(sorted(errors), error_count) from None
    except csv.Error as err:
        raise ImportFailed([(0, _("This is not a CSV file: %(error)s") % {"error": err})]) from None
    return ImportResult(imported=imported, months=len(months))


def _contact_of(row: contact_csv.ParsedRow, month: int, batch: str) -> Contact:
    return Contact(
        channel=row.channel,
        contact_date=row.contact_date,
        month=month,
        codebook_version=row.codebook_version,
        source=Contact.Source.IMPORTED,
        import_batch=batch[:80],
        import_fingerprint=contact_csv.fingerprint(row),
        **codebook.get(row.codebook_version).to_columns(row.answers),
    )
