"""Two retention runs at once (two machines): a record being erased by one is skipped by the
other, and no record is erased twice. Needs real row locks: PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections, transaction

from tests.cases.conftest import AP
from vangnet.cases import services
from vangnet.cases.models import Case
from vangnet.retention import erasure
from vangnet.retention.models import Tombstone


@pytest.mark.postgres
@pytest.mark.postgres_db
@pytest.mark.django_db(transaction=True)
def test_a_record_locked_by_another_run_is_skipped_and_erased_once(
    make_case: Callable[..., Case], case_worker: Any
) -> None:
    assert connection.vendor == "postgresql"
    case = make_case()
    case = services.close_case(
        case=case, by=case_worker, reason="klaar", expected_version=case.version, access_point=AP
    )
    locked, release, other_result = threading.Event(), threading.Event(), []

    def other_machine() -> None:
        # Another run holds the case's row lock, as in the middle of its erasure.
        try:
            with transaction.atomic():
                Case.objects.select_for_update().get(pk=case.pk)
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=other_machine)
    holder.start()
    assert locked.wait(10)
    # This run does not wait for the lock and does not touch the record.
    other_result.append(erasure.erase_case(case_pk=case.pk, rule="r", reason="t", run="b"))
    release.set()
    holder.join(10)
    assert other_result == [None]
    assert Case.objects.filter(pk=case.pk).exists() and not Tombstone.objects.exists()
    # Once the lock is gone the record is erased, once; a second attempt finds nothing.
    assert erasure.erase_case(case_pk=case.pk, rule="r", reason="t", run="c") is not None
    assert erasure.erase_case(case_pk=case.pk, rule="r", reason="t", run="d") is None
    assert Tombstone.objects.count() == 1
