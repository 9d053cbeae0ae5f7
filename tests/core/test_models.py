"""The access log is append-only: through the ORM, and on PostgreSQL in the database itself."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from vangnet.core.audit import log_access
from vangnet.core.models import AccessLogEntry, AppendOnlyError
from vangnet.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(make_staff) -> AccessLogEntry:
    staff = make_staff(Role.COUNSELLOR)
    return log_access(
        user=staff.user,
        event=AccessLogEntry.Event.TRANSCRIPT_READ,
        role=Role.COUNSELLOR,
        access_point="web:chat:transcript",
        record_type="conversation",
        record_id=42,
        client_ref="C-7",
        on_behalf_of="supervisor sara",
        emergency=True,
        detail="x" * 500,
    )


def test_an_entry_records_who_what_when_where_and_why(entry: AccessLogEntry):
    stored = AccessLogEntry.objects.get(pk=entry.pk)
    assert stored.event == "transcript.read"
    assert stored.username.startswith("counsellor")
    assert stored.user_id is not None
    assert stored.role == "counsellor"
    assert stored.record_type == "conversation" and stored.record_id == "42"
    assert stored.client_ref == "C-7"
    assert stored.on_behalf_of == "supervisor sara"
    assert stored.access_point == "web:chat:transcript"
    assert stored.emergency is True
    assert stored.at.utcoffset().total_seconds() == 0  # stored in UTC
    assert len(stored.detail) == 300


def test_a_system_entry_names_the_system(db):
    stored = log_access(user=None, event=AccessLogEntry.Event.EXPORT, access_point="cli")
    assert stored.username == "system" and stored.user is None


def test_an_entry_cannot_be_changed_or_deleted_through_the_orm(entry: AccessLogEntry):
    entry.detail = "changed"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.filter(pk=entry.pk).update(detail="changed")
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.all().delete()
    assert AccessLogEntry.objects.get(pk=entry.pk).detail == "x" * 300


@pytest.mark.postgres
@pytest.mark.postgres_db
def test_postgresql_refuses_update_and_delete_even_in_raw_sql(entry: AccessLogEntry):
    assert connection.vendor == "postgresql"
    table = AccessLogEntry._meta.db_table
    for statement in (
        f"UPDATE {table} SET detail = 'changed' WHERE id = %s",  # noqa: S608
        f"DELETE FROM {table} WHERE id = %s",  # noqa: S608
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(statement, [entry.pk])
    assert AccessLogEntry.objects.get(pk=entry.pk).detail == "x" * 300
